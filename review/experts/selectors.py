"""Read-side queries of the provincial expert review: the panel, loads, the dashboard and the ranking.

Scores that count are the province-tier assessments of experts whose assignment is still active: an
expert who declared a conflict, or whom the committee removed, no longer weighs on the result (their
assessment stays in the scoring app, and in its audit trail, but not in these statistics). The ranking
itself is scoring.selectors.province_ranking, shared with the committee's scoring ranking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Q, QuerySet

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.accounts.rules import holds_role_at
from portal.campaigns.enums import AwardKind, PhaseKind
from portal.campaigns.models import AwardLevel, Campaign
from review.experts.models import FinalAward, ResultsLock
from scoring.aggregation import Summary, disagreement, summarise
from scoring.formula import format_score
from scoring.models import Assessment, RankingKey
from scoring.selectors import RANKING_RELATED, RankingRow, province_ranking
from submissions.assignments import ACTIVE_Q
from submissions.enums import EntryState, Tier
from submissions.models import Entry, ExpertAssignment

# The spread (max - min of the experts' D) above which the dashboard flags an entry for discussion.
# D runs from 14.406 to 100, and one step of the consequence scale C (e.g. 严重 20 → 非常严重 22) moves
# a typical D by about 10 %; a spread of more than 20 points means the experts disagree on at least two
# factors. The committee can try another value on the dashboard (?threshold=...); this is the default.
DISAGREEMENT_THRESHOLD = Decimal("20")

# The context scoring.aggregation computes means in: the overview's means are the same numbers.
_MEAN_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


# --- the panel --------------------------------------------------------------------------------------------


def expert_users() -> QuerySet[User]:
    """Active accounts holding the expert role, by id (the deterministic tie-break of every assignment)."""
    return User.objects.filter(is_active=True, roles__kind=RoleKind.EXPERT).distinct().order_by("pk")


def expert_ties(user_ids: Iterable[int] | None = None) -> dict[int, set[int]]:
    """{expert id: the city/industry unions the expert is tied to}: they never score entries of these."""
    roles = Role.objects.filter(kind=RoleKind.EXPERT, node__isnull=False)
    if user_ids is not None:
        roles = roles.filter(user_id__in=list(user_ids))
    ties: dict[int, set[int]] = defaultdict(set)
    for user_id, node_id in roles.values_list("user_id", "node_id"):
        ties[user_id].add(node_id)
    return ties


def entries_in_review(campaign: Campaign) -> QuerySet[Entry]:
    """Entries of `campaign` recommended to the province and still there (the experts' work)."""
    return Entry.objects.filter(campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)


def in_review(entry: Entry) -> bool:
    return entry.state == EntryState.PROVINCE_RECOMMENDED and entry.tier == Tier.PROVINCE


def expert_loads(campaign: Campaign) -> dict[int, int]:
    """{expert id: active assignments on entries still in the provincial review of `campaign`}."""
    rows = (ExpertAssignment.objects.active()
            .filter(entry__in=entries_in_review(campaign).values("pk"))
            .values("expert_id").annotate(n=Count("id")).values_list("expert_id", "n"))
    return dict(rows)


@dataclass
class PanelRow:
    expert: User
    ties: list
    active: int = 0
    submitted: int = 0
    conflicts: int = 0

    @property
    def pending(self) -> int:
        return self.active - self.submitted


def panel_rows(campaign: Campaign | None) -> list[PanelRow]:
    """Every expert with their unions and their load in `campaign`: three queries whatever the size."""
    experts = list(expert_users())
    roles = (Role.objects.filter(kind=RoleKind.EXPERT, user__in=[e.pk for e in experts])
             .select_related("node").order_by("node__name"))
    ties: dict[int, list] = defaultdict(list)
    for role in roles:
        if role.node_id:
            ties[role.user_id].append(role.node)
    counts: dict[int, dict] = {}
    if campaign is not None:
        in_scope = ExpertAssignment.objects.filter(entry__in=entries_in_review(campaign).values("pk"))
        active = ACTIVE_Q
        for row in in_scope.values("expert_id").annotate(
                active=Count("id", filter=active),
                submitted=Count("id", filter=active & Q(submitted_at__isnull=False)),
                conflicts=Count("id", filter=Q(conflict_declared_at__isnull=False))):
            counts[row["expert_id"]] = row
    result = []
    for expert in experts:
        row = counts.get(expert.pk, {})
        result.append(PanelRow(expert=expert, ties=ties.get(expert.pk, []), active=row.get("active", 0),
                               submitted=row.get("submitted", 0), conflicts=row.get("conflicts", 0)))
    return result


# --- one expert's view ------------------------------------------------------------------------------------


def active_assignment(user, entry) -> ExpertAssignment | None:
    """`user`'s active assignment to `entry`, or None (also when the user is tied to the entry's union)."""
    if entry is None or not user.is_authenticated or not user.has_role(RoleKind.EXPERT):
        return None
    if holds_role_at(user, RoleKind.EXPERT, entry.selection_union_id):
        return None
    return ExpertAssignment.objects.active().filter(entry_id=entry.pk, expert=user).first()


def results_locked(campaign: Campaign) -> bool:
    return ResultsLock.objects.filter(campaign=campaign).exists()


def lock_of(campaign: Campaign | None) -> ResultsLock | None:
    if campaign is None:
        return None
    return ResultsLock.objects.select_related("confirmed_by").filter(campaign=campaign).first()


def expert_review_open(campaign: Campaign, at: datetime | None = None) -> bool:
    """Experts may score (and declare conflicts) while the EXPERT_REVIEW phase is open and the
    committee has not confirmed the results."""
    return campaign.phase_open(PhaseKind.EXPERT_REVIEW, at) and not results_locked(campaign)


def own_score_frozen(user, entry) -> bool:
    """Whether `user` has already saved a province-tier score of `entry`.

    Saving a score reveals the other experts' scores to the expert (experts:entry), so from then on the
    own score is frozen: a revision after reading the others' would no longer be independent.
    """
    if entry is None or not user.is_authenticated:
        return False
    return Assessment.objects.filter(entry_id=entry.pk, assessor=user, tier=Tier.PROVINCE).exists()


def can_score_as_expert(user, entry) -> bool:
    """The assess permission at the province: an active, untied assignment while the review is open,
    and no score of the expert's own saved yet (a saved score is frozen: see own_score_frozen)."""
    if entry is None or not in_review(entry):
        return False
    if active_assignment(user, entry) is None:
        return False
    return expert_review_open(entry.campaign) and not own_score_frozen(user, entry)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def my_assignments(user, entries: QuerySet[Entry]) -> list[ExpertAssignment]:
    """`user`'s active assignments on `entries` (already scoped), oldest first, entry loaded."""
    return list(ExpertAssignment.objects.active()
                .filter(expert=user, entry__in=entries.values("pk"))
                .select_related("entry__campaign", "entry__unit", "entry__category", "entry__industry")
                .order_by("submitted_at", "assigned_at", "pk"))


def progress_of(assignments: list[ExpertAssignment]) -> Progress:
    return Progress(done=sum(1 for a in assignments if a.is_submitted), total=len(assignments))


# --- the committee's dashboard ----------------------------------------------------------------------------


@dataclass
class DashboardRow:
    """One entry in the provincial review with its experts' statistics, rank and award."""

    entry: Entry
    assignments: list = field(default_factory=list)   # active
    conflicts: list = field(default_factory=list)     # conflict declared
    removed: list = field(default_factory=list)       # removed by the committee
    scores: list = field(default_factory=list)        # (assessor id, d, c, l) of active experts
    summary: Summary | None = None
    mean_c: Decimal | None = None
    mean_l: Decimal | None = None
    flagged: bool = False
    rank: int | None = None
    award: FinalAward | None = None
    wanted: int = 0

    @classmethod
    def of(cls, ranked: RankingRow, *, wanted: int, threshold: Decimal) -> DashboardRow:
        """The dashboard's row of one row of the province's ranking, without its assignments and award."""
        experts = ranked.experts
        if experts is None:
            return cls(entry=ranked.entry, summary=summarise(()), wanted=wanted)
        return cls(entry=ranked.entry, scores=list(experts.scores), summary=experts.summary,
                   mean_c=experts.mean_c, mean_l=experts.mean_l, flagged=disagreement(experts.summary, threshold),
                   rank=ranked.rank, wanted=wanted)

    def add_assignment(self, assignment: ExpertAssignment) -> None:
        if assignment.conflict_declared_at is not None:
            self.conflicts.append(assignment)
        elif assignment.removed_at is not None:
            self.removed.append(assignment)
        else:
            self.assignments.append(assignment)

    @property
    def shortfall(self) -> int:
        """Experts still missing to reach the campaign's experts_per_entry."""
        return max(self.wanted - len(self.assignments), 0)

    @property
    def count(self) -> int:
        return self.summary.count if self.summary else 0

    def _shown(self, value):
        return format_score(value) if value is not None else "—"

    @property
    def mean_display(self) -> str:
        return self._shown(self.summary.mean if self.summary else None)

    @property
    def median_display(self) -> str:
        return self._shown(self.summary.median if self.summary else None)

    @property
    def spread_display(self) -> str:
        return self._shown(self.summary.spread if self.summary else None)


def dashboard_rows(entries: QuerySet[Entry], campaign: Campaign,
                   threshold: Decimal = DISAGREEMENT_THRESHOLD) -> list[DashboardRow]:
    """Rows for `entries` (already scoped) in the province's rank order; unscored entries follow, oldest
    first.

    The ranking is scoring.selectors.province_ranking without the unit fallback (an entry no expert has
    scored yet is not ranked here), the same computation as the committee's view of the scoring ranking.
    Four queries whatever the number of entries, each through a subquery of `entries`.
    """
    entry_ids = entries.values("pk")
    rows = {ranked.entry.pk: DashboardRow.of(ranked, wanted=campaign.experts_per_entry, threshold=threshold)
            for ranked in _review_ranking(entries, campaign)}
    for assignment in (ExpertAssignment.objects.filter(entry__in=entry_ids).select_related("expert")
                       .order_by("assigned_at", "pk")):
        if assignment.entry_id in rows:
            rows[assignment.entry_id].add_assignment(assignment)
    for award in FinalAward.objects.filter(entry__in=entry_ids).select_related("level", "decided_by"):
        if award.entry_id in rows:
            rows[award.entry_id].award = award
    return list(rows.values())


# The overview makes these for every entry of the review on each view of the dashboard: named tuples,
# several times cheaper to make than frozen dataclasses.
class OverviewEntry(NamedTuple):
    """What the dashboard's counters, filters and checklist read of an entry (no model loaded)."""

    pk: int
    title: str
    year: int
    selection_union_id: int | None

    @property
    def code(self) -> str:
        return f"{self.year}-{self.pk:06d}"  # as Entry.code


class OverviewMean(NamedTuple):
    mean: Decimal | None


class OverviewAward(NamedTuple):
    level_id: int | None
    level: AwardLevel | None


@dataclass
class OverviewRow:
    """One entry of the provincial review as the dashboard's figures need it: counts, the exact mean,
    spread, rank and award; the page's rows are then made into DashboardRows (dashboard_page)."""

    entry: OverviewEntry
    rank: int | None
    count: int
    summary: OverviewMean
    spread: Decimal | None
    active: int
    conflict_count: int
    award: OverviewAward | None
    wanted: int
    flagged: bool = False
    tied: bool = False

    @property
    def shortfall(self) -> int:
        return max(self.wanted - self.active, 0)

    @property
    def conflicts(self) -> bool:  # truthy like DashboardRow.conflicts, for the filters
        return bool(self.conflict_count)


def _review_ranking(entries: QuerySet[Entry], campaign: Campaign):
    return province_ranking(entries, unit_fallback=False, related=(*RANKING_RELATED, "selection_union"),
                            campaign=campaign)


def dashboard_overview(entries: QuerySet[Entry], campaign: Campaign,
                       threshold: Decimal = DISAGREEMENT_THRESHOLD) -> list[OverviewRow]:
    """Every entry of `entries` (already scoped) as an OverviewRow, in the order and with the ranks of
    dashboard_rows, computed in the database: two queries whatever the number of entries (the ranking's
    positions, and one grouped query for the counts and sums). The mean is exact: the sum of the scores
    times 10^5 is an integer, divided here with Decimal's 28 digits as statistics.mean does; the spread
    (max - min) is exact too, so the disagreement flag is the same as dashboard_rows'.
    """
    positions = _review_ranking(entries, campaign).positions()
    scope, params = entries.order_by().values("pk").query.sql_with_params()
    shown, row_params = entries.order_by().values("pk", "title", "selection_union_id").query.sql_with_params()
    assignments, awards = ExpertAssignment._meta.db_table, FinalAward._meta.db_table
    keys = RankingKey._meta.db_table
    # The scores' count, sum and range per entry are the stored ranking keys (scoring.models.RankingKey,
    # kept by the services); the assignments are grouped for the scope's entries only.
    sql = f"""
        SELECT e.pk, e.title, e.selection_union_id, coalesce(c.active, 0), coalesce(c.conflicts, 0),
               k.experts, k.sum_d, k.min_d, k.max_d, f.id, f.level_id
        FROM ({shown}) e
        LEFT JOIN (SELECT x.entry_id,
                          COUNT(*) FILTER (WHERE x.conflict_declared_at IS NULL AND x.removed_at IS NULL) AS active,
                          COUNT(*) FILTER (WHERE x.conflict_declared_at IS NOT NULL) AS conflicts
                   FROM {assignments} x WHERE x.entry_id IN ({scope}) GROUP BY x.entry_id) c ON c.entry_id = e.pk
        LEFT JOIN {keys} k ON k.entry_id = e.pk AND k.experts > 0
        LEFT JOIN {awards} f ON f.entry_id = e.pk"""  # noqa: S608 - table names; the scope's values are parameters
    params = (*row_params, *params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = {row[0]: row for row in cursor.fetchall()}
    levels = {level.pk: level for level in campaign.award_levels.all()}
    limit = threshold * 100000
    rows = []
    with localcontext(_MEAN_CONTEXT):
        for pk, position, ranked in positions:
            _pk, title, union_id, active, conflicts, n, sd, lo, hi, award_id, level_id = fetched[pk]
            mean = (Decimal(int(sd)) / int(n)).scaleb(-5) if n else None
            spread = Decimal(int(hi) - int(lo)).scaleb(-5) if n else None
            rows.append(OverviewRow(
                entry=OverviewEntry(pk=pk, title=title, year=campaign.year, selection_union_id=union_id),
                rank=position if ranked else None, count=n or 0, summary=OverviewMean(mean), spread=spread,
                active=active, conflict_count=conflicts, wanted=campaign.experts_per_entry,
                award=OverviewAward(level_id, levels.get(level_id)) if award_id is not None else None,
                flagged=bool(n) and int(hi) - int(lo) > limit))
    return rows


def dashboard_page(entries: QuerySet[Entry], campaign: Campaign, overview: list[OverviewRow],
                   threshold: Decimal = DISAGREEMENT_THRESHOLD) -> list[DashboardRow]:
    """The DashboardRows of `overview` (a page of dashboard_overview's rows), with their assignments and
    awards: four queries for the page whatever the size of the review."""
    if not overview:
        return []
    ranked = _review_ranking(entries, campaign).materialize(
        [(row.entry.pk, row.rank or 0, row.rank is not None) for row in overview])
    rows = {item.entry.pk: DashboardRow.of(item, wanted=campaign.experts_per_entry, threshold=threshold)
            for item in ranked}
    ids = list(rows)
    for assignment in (ExpertAssignment.objects.filter(entry_id__in=ids).select_related("expert")
                       .order_by("assigned_at", "pk")):
        rows[assignment.entry_id].add_assignment(assignment)
    for award in FinalAward.objects.filter(entry_id__in=ids).select_related("level", "decided_by"):
        rows[award.entry_id].award = award
    for row in overview:
        rows[row.entry.pk].tied = row.tied
    return [rows[row.entry.pk] for row in overview]


def work_levels(campaign: Campaign) -> list[AwardLevel]:
    return list(campaign.award_levels.filter(kind=AwardKind.WORK).order_by("rank", "pk"))


def organisation_levels(campaign: Campaign) -> list[AwardLevel]:
    return list(campaign.award_levels.filter(kind=AwardKind.ORGANISATION).order_by("rank", "pk"))


@dataclass(frozen=True)
class LevelCount:
    level: AwardLevel
    given: int

    @property
    def over(self) -> bool:
        return self.given > self.level.count


def award_counts(campaign: Campaign, levels: list[AwardLevel] | None = None) -> list[LevelCount]:
    """Per work award level: how many entries hold it now, against its quota (名额)."""
    levels = work_levels(campaign) if levels is None else levels
    given = dict(FinalAward.objects.filter(entry__campaign=campaign, level__isnull=False)
                 .values("level_id").annotate(n=Count("id")).values_list("level_id", "n"))
    return [LevelCount(level=level, given=given.get(level.pk, 0)) for level in levels]


def parse_threshold(raw) -> Decimal:
    """The dashboard's ?threshold=: a non-negative number up to 100, else the default (never an error)."""
    try:
        value = Decimal(str(raw).strip()) if raw not in (None, "") else DISAGREEMENT_THRESHOLD
    except (ArithmeticError, ValueError):
        return DISAGREEMENT_THRESHOLD
    if not value.is_finite() or value < 0 or value > 100:
        return DISAGREEMENT_THRESHOLD
    return value

