"""Figures of the tip line per area and period: the statistics page, its xlsx and the 查保促 figures.

`tip_figures(scope, period)` is the one selector: `scope` is a queryset of tips already scoped by the
caller (tips.scoping: `tips_for_user(user)` for a page, `tips_under(node)` for another app) or an OrgNode
(its subtree). It reads the scope with ONE query and groups in Python by the city (or industry union)
holding each tip's place, then names the areas with a second small query.

Definitions (a tip belongs to the period of its filing; a payment to the period of its payment date):

- 举报数: tips filed in the period; 受理数: of them, accepted (the verification clock started);
  不予受理数: rejected, duplicates included;
- 已核查数: of the accepted, those with a result; 属实数: 属实 or 部分属实 (after a 复查, its result);
- 核查率: 已核查数 / 受理数; 平均核查天数: mean days from acceptance to the result;
- 超期核查数: results reached after the verification due date (or still open past it at the period's end);
- 奖励发放件数 / 金额: rewards paid in the period (by payment date), whenever their tip was filed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from tips.enums import TRUE_STATES, RewardState, TipState
from tips.scoping import tips_under

# The level at which figures are grouped: the nodes one below the province (cities and industry unions).
AREA_DEPTH = 1


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included (local dates)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes [start, end + 1 day) in the portal's zone."""
        zone = timezone.get_default_timezone()
        return (datetime.datetime.combine(self.start, datetime.time.min, zone),
                datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, zone))


@dataclass
class AreaFigures:
    area_id: int | None
    name: str = ""
    tips: int = 0
    accepted: int = 0
    rejected: int = 0
    verified: int = 0
    confirmed: int = 0
    late: int = 0
    verify_days_total: int = 0
    rewards_paid: int = 0
    rewards_amount: Decimal = field(default_factory=lambda: Decimal("0.00"))

    @property
    def verification_rate(self) -> float | None:
        """已核查 / 受理, as a fraction (None without accepted tips)."""
        return self.verified / self.accepted if self.accepted else None

    @property
    def mean_verify_days(self) -> float | None:
        return round(self.verify_days_total / self.verified, 1) if self.verified else None

    def add(self, other: AreaFigures) -> None:
        for name in ("tips", "accepted", "rejected", "verified", "confirmed", "late", "verify_days_total",
                     "rewards_paid", "rewards_amount"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class TipFigures:
    period: Period
    areas: list[AreaFigures]
    total: AreaFigures


FIELDS = ("unit__path", "area__path", "submitted_at", "state", "result", "review_result", "accepted_at",
          "concluded_at", "verify_due", "reward__amount")


def _tips(scope):
    """`scope` as a Tip queryset: itself, or the tips of an OrgNode's subtree."""
    return tips_under(scope) if isinstance(scope, OrgNode) else scope


def tip_figures(scope, period: Period) -> TipFigures:
    """The figures of the tips of `scope` (a Tip queryset, or an OrgNode for its subtree) in `period`."""
    tips = _tips(scope)
    start, end = period.bounds()
    # Whether the reward counts in the period is the same condition as the filter's (one rule: _paid_in).
    paid = _paid_in(period)
    rows = (tips.filter(Q(submitted_at__gte=start, submitted_at__lt=end) | paid)
            .annotate(paid_in_period=ExpressionWrapper(paid, output_field=BooleanField()))
            .order_by().values_list(*FIELDS, "paid_in_period"))
    by_area: dict[int | None, AreaFigures] = {}
    for row in rows:
        record = dict(zip((*FIELDS, "paid_in_period"), row, strict=True))
        area_id = _area_of(record["unit__path"] or record["area__path"] or "")
        figures = by_area.setdefault(area_id, AreaFigures(area_id))
        _count(figures, record, start, end, period)
    nodes = {pk: (name, kind) for pk, name, kind in
             OrgNode.objects.filter(pk__in=[pk for pk in by_area if pk]).values_list("pk", "name", "kind")}
    # The directory's official order: cities first, each group by id as a number (review.reports.selectors).
    areas = sorted(by_area.values(), key=lambda f: (f.area_id is None,
                                                    nodes.get(f.area_id, ("", ""))[1] != NodeKind.CITY,
                                                    f.area_id or 0))
    total = AreaFigures(None, name=_("合计"))
    for figures in areas:
        figures.name = nodes.get(figures.area_id, (_("未定地区"), ""))[0]
        total.add(figures)
    return TipFigures(period=period, areas=areas, total=total)


def _paid_in(period: Period) -> Q:
    """Tips whose reward was paid in `period` (by payment date): the rule of 奖励发放件数 / 金额."""
    return Q(reward__state=RewardState.PAID, reward__paid_at__gte=period.start, reward__paid_at__lte=period.end)


# What a list of paid rewards shows: never the reporter (sealed in the vault), nor the tip's text.
PAID_REWARD_FIELDS = ("pk", "code", "reward__paid_at", "reward__amount", "unit__name", "area__name")


def paid_reward_records(scope, period: Period):
    """The paid rewards counted in `tip_figures(scope, period)`'s 奖励发放件数 / 金额, newest payment first, as
    dicts of PAID_REWARD_FIELDS (the tip's code, payment date, amount in 元, place), for a drill-down."""
    tips = _tips(scope)
    return tips.filter(_paid_in(period)).order_by("-reward__paid_at", "-pk").values(*PAID_REWARD_FIELDS)


def paid_reward_totals(scope, period: Period) -> tuple[int, Decimal]:
    """(奖励发放件数, 金额 in 元) of `tip_figures(scope, period)` alone, counted in the database: for a caller that
    needs the two figures and not the tips filed in the period."""
    tips = _tips(scope)
    totals = tips.filter(_paid_in(period)).order_by().aggregate(count=Count("pk"), amount=Sum("reward__amount"))
    return totals["count"], totals["amount"] or Decimal("0.00")


def _area_of(path: str) -> int | None:
    parts = [part for part in path.strip("/").split("/") if part]
    return int(parts[AREA_DEPTH]) if len(parts) > AREA_DEPTH else (int(parts[-1]) if parts else None)


def _count(figures: AreaFigures, record: dict, start, end, period: Period) -> None:
    filed = record["submitted_at"] is not None and start <= record["submitted_at"] < end
    if filed:
        figures.tips += 1
        if record["state"] == TipState.REJECTED:
            figures.rejected += 1
        if record["accepted_at"] is not None:
            figures.accepted += 1
            if record["concluded_at"] is not None:
                figures.verified += 1
                figures.verify_days_total += max(0, (timezone.localdate(record["concluded_at"])
                                                     - timezone.localdate(record["accepted_at"])).days)
                if (record["review_result"] or record["result"]) in TRUE_STATES:
                    figures.confirmed += 1
            if record["verify_due"] is not None:
                finished = (timezone.localdate(record["concluded_at"]) if record["concluded_at"] is not None
                            else min(period.end, timezone.localdate()))
                if finished > record["verify_due"]:
                    figures.late += 1
    if record["paid_in_period"]:
        figures.rewards_paid += 1
        figures.rewards_amount += record["reward__amount"] or Decimal("0")
