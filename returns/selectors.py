"""The figures of 附件1 the portal knows, computed for a filer's subtree and a period from the records
of the lower apps, and the returns around a return (the filer above, the returns below).

Hazards come from the ledger (hazards.models.Hazard: every source, 随手拍 entries, workers' reports,
inspections, union checks and tips), read by the filer's subtree of the directory (the same
materialised-path rule hazards.scoping uses for an area union); rewards from the rewarded-reports module's
public statistics (tips.statistics.paid_reward_totals: the tips statistics page's "paid in the period" rule);
trainings from the 安康杯 activity records through returns.hints_registry (ankang fills it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hazards.enums import HazardSource, HazardState
from hazards.models import Hazard
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from returns import hints_registry
from returns.enums import REWARD_SOURCES, CellSource, FilerLevel, ReturnState
from returns.models import Filer, Return, ReturnPeriod
from tips.scoping import tips_under
from tips.statistics import Period, paid_reward_records, paid_reward_totals

WAN = Decimal(10000)


@dataclass(frozen=True)
class Window:
    """The dates a period covers in a year, as aware datetimes [start, end)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def of(cls, period: ReturnPeriod, year: int) -> Window:
        return cls(period.starts(year), period.ends(year))

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.first, datetime.time.min))

    @property
    def end(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.last + datetime.timedelta(days=1),
                                                             datetime.time.min))


def subtree_hazards(node: OrgNode) -> QuerySet[Hazard]:
    return Hazard.objects.filter(unit__path__startswith=node.path)


def hazards_found(node: OrgNode, window: Window) -> QuerySet[Hazard]:
    """查出安全隐患数: hazards found in the period, whatever found them, except those declined as no hazard."""
    return (subtree_hazards(node).filter(found_at__gte=window.start, found_at__lt=window.end)
            .exclude(state=HazardState.DECLINED))


def hazards_rectified(node: OrgNode, window: Window) -> QuerySet[Hazard]:
    """整改完成安全隐患数: hazards whose rectification was verified (验收通过) in the period."""
    return subtree_hazards(node).filter(verified_at__gte=window.start, verified_at__lt=window.end)


def open_backlog(node: OrgNode, window: Window) -> int:
    """Hazards found before the period and not yet rectified when it began (may be rectified in it)."""
    return (subtree_hazards(node).filter(found_at__lt=window.start).exclude(state=HazardState.DECLINED)
            .filter(Q(verified_at__isnull=True) | Q(verified_at__gte=window.start)).count())


def participants(node: OrgNode, window: Window) -> int:
    """参与职工人数: distinct workers who found a hazard in the period, plus each tip's reporter (sealed in
    the tips vault, so counted once per tip)."""
    found = hazards_found(node, window).order_by()
    counts = found.aggregate(finders=Count("finder", distinct=True),
                             reporters=Count("id", filter=Q(finder__isnull=True, source=HazardSource.TIP)))
    return counts["finders"] + counts["reporters"]


def participant_hazards(node: OrgNode, window: Window) -> QuerySet[Hazard]:
    return hazards_found(node, window).filter(Q(finder__isnull=False) | Q(source=HazardSource.TIP))


def county_union_nodes(node: OrgNode) -> QuerySet[OrgNode]:
    return OrgNode.objects.subtree(node).filter(kind=NodeKind.COUNTY, is_active=True)


def county_unions(node: OrgNode) -> int:
    """所辖县（市、区）级总工会数量, from the directory."""
    return county_union_nodes(node).count()


def paid_rewards(node: OrgNode, window: Window, *, unit_ids: list[int] | None = None) -> tuple[int, Decimal]:
    """(rewarded reporters, amount in 万元) of the rewards paid in the period for tips about places in
    `node`'s subtree (only tips about those units when `unit_ids` is given): tips.statistics' 奖励发放件数 /
    金额, so the returns and the tips' statistics page count the same rewards."""
    count, amount = paid_reward_totals(_reward_scope(node, unit_ids), Period(window.first, window.last))
    return count, amount / WAN


def _reward_scope(node: OrgNode, unit_ids: list[int] | None):
    scope = tips_under(node)
    return scope if unit_ids is None else scope.filter(unit_id__in=unit_ids)


def reward_records(source: str, filer: Filer, window: Window, *, chemical: bool = False):
    """The paid rewards behind a reward cell (its drill-down: code, date paid, amount, place; never the
    reporter), or None for a cell not made of rewards. `chemical`: only tips about chemical filers' units."""
    if source not in REWARD_SOURCES:
        return None
    ids = chemical_unit_ids(filer.programme) if chemical else None
    return paid_reward_records(_reward_scope(filer.node, ids), Period(window.first, window.last))


def counted_nodes(source: str, filer: Filer, *, chemical: bool = False) -> QuerySet[OrgNode] | None:
    """The directory nodes behind a directory count (所辖县级总工会数量; the unit itself for 企事业单位数),
    or None for a cell not counted from the directory."""
    if source == CellSource.COUNTY_UNIONS:
        return county_union_nodes(filer.node)
    if source in (CellSource.SELF_UNIT, CellSource.SELF_CHEMICAL_UNIT):
        # Counted 1, or 0 for a chemical count of a unit outside the chemical industry (as computed_value).
        if (chemical or source == CellSource.SELF_CHEMICAL_UNIT) and not filer.is_chemical:
            return OrgNode.objects.none()
        return OrgNode.objects.filter(pk=filer.node_id)
    return None


def chemical_unit_ids(programme) -> list[int]:
    return list(Filer.objects.filter(programme=programme, is_chemical=True).values_list("node_id", flat=True))


def computed_value(source: str, filer: Filer, window: Window, *, chemical: bool = False) -> Decimal | None:
    """The value of a computed cell source for `filer` in `window` (None for typed or empty sources).
    `chemical`: the 其中化工行业 count (for an enterprise: all or nothing, by the filer's industry)."""
    node = filer.node
    if chemical and filer.level == FilerLevel.ENTERPRISE and not filer.is_chemical:
        return Decimal(0)
    value = _plain_value(source, filer, node, window, chemical)
    return None if value is None else Decimal(value)


def _plain_value(source, filer, node, window, chemical):
    if source == CellSource.SELF_UNIT:
        return 1
    if source == CellSource.SELF_CHEMICAL_UNIT:
        return 1 if filer.is_chemical else 0
    if source == CellSource.PARTICIPANTS:
        return participants(node, window)
    if source == CellSource.HAZARDS_FOUND:
        return hazards_found(node, window).count()
    if source == CellSource.HAZARDS_RECTIFIED:
        return hazards_rectified(node, window).count()
    if source == CellSource.COUNTY_UNIONS:
        return county_unions(node)
    if source in REWARD_SOURCES:
        ids = chemical_unit_ids(filer.programme) if chemical else None
        count, amount = paid_rewards(node, window, unit_ids=ids)
        return count if source == CellSource.REWARDED_WORKERS else amount
    if source in (CellSource.ACTIVITY_TRAININGS, CellSource.ACTIVITY_TRAINEES):
        figures = hints_registry.activity_figures(node, window.first, window.last)
        if figures is None or not figures.trainings:
            # No training recorded in the period (trainings held outside the competition are not in the
            # portal): nothing to propose, the filer types the figure.
            return None
        return figures.trainings if source == CellSource.ACTIVITY_TRAININGS else figures.trainees
    return None


def cell_hazards(source: str, filer: Filer, window: Window, *, chemical: bool = False) -> QuerySet[Hazard] | None:
    """The hazards behind a computed cell (its drill-down), or None for a cell not made of hazards.
    `chemical`: the 其中化工行业 cell, which for an enterprise outside the chemical industry counts 0 (as in
    computed_value), so it opens down to no hazard."""
    if source == CellSource.HAZARDS_FOUND:
        hazards = hazards_found(filer.node, window)
    elif source == CellSource.HAZARDS_RECTIFIED:
        hazards = hazards_rectified(filer.node, window)
    elif source == CellSource.PARTICIPANTS:
        hazards = participant_hazards(filer.node, window)
    else:
        return None
    if chemical and filer.level == FilerLevel.ENTERPRISE and not filer.is_chemical:
        return hazards.none()
    return hazards


# --- the returns around a return ------------------------------------------------------------------------

def parent_filer(filer: Filer) -> Filer | None:
    """Whom `filer` reports to: its `reports_to`, else the nearest filer above it in the directory."""
    if filer.reports_to_id:
        return filer.reports_to
    ancestors = filer.node.ancestor_ids[:-1]
    return (Filer.objects.filter(programme_id=filer.programme_id, node_id__in=ancestors)
            .select_related("node").order_by("-node__depth").first())


def lower_filers(filer: Filer) -> list[Filer]:
    """The filers reporting to `filer` (named, or the nearest filer below whose own parent is `filer`)."""
    candidates = (Filer.objects.filter(programme_id=filer.programme_id, node__path__startswith=filer.node.path)
                  .exclude(pk=filer.pk).select_related("node", "reports_to").order_by("node__path"))
    by_node = {c.node_id: c for c in candidates}
    by_node[filer.node_id] = filer
    lower = []
    for candidate in candidates:
        if candidate.reports_to_id:
            if candidate.reports_to_id == filer.pk:
                lower.append(candidate)
            continue
        nearest = next((by_node[node_id] for node_id in reversed(candidate.node.ancestor_ids[:-1])
                        if node_id in by_node), None)
        if nearest is not None and nearest.pk == filer.pk:
            lower.append(candidate)
    return lower


@dataclass
class LowerReturn:
    filer: Filer
    report: Return | None

    @property
    def accepted(self) -> bool:
        return self.report is not None and self.report.state == ReturnState.ACCEPTED


def lower_returns(report: Return) -> list[LowerReturn]:
    """Each lower filer with its return for the same period (None when it has none yet)."""
    filers = lower_filers(report.filer)
    returns = {r.filer_id: r for r in Return.objects.filter(period=report.period, filer__in=filers)
               .prefetch_related("cells")}
    return [LowerReturn(filer, returns.get(filer.pk)) for filer in filers]
