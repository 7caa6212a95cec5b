"""Read-side queries of the scoring app: the ranking tables, the province's among them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from scoring.aggregation import Summary, summarise
from scoring.formula import format_score
from scoring.models import Assessment
from scoring.ranking import rank
from submissions.enums import Tier
from submissions.models import Entry, ExpertAssignment

BASIS_UNIT = "unit"
BASIS_EXPERTS = "experts"
BASIS_LABELS = {BASIS_UNIT: _("单位评价"), BASIS_EXPERTS: _("专家平均")}


@dataclass
class RankingRow:
    entry: Entry
    rank: int | None = None
    d: Decimal | None = None
    c: Decimal | None = None
    l: Decimal | None = None  # noqa: E741 - the notice names the factor L
    basis: str = ""
    experts: ExpertScores | None = None  # with basis "experts": the scores that count and their summary

    @property
    def expert_count(self) -> int:
        return self.experts.summary.count if self.experts else 0

    @property
    def basis_label(self):
        return BASIS_LABELS.get(self.basis, "")

    @property
    def d_display(self) -> str:
        return format_score(self.d) if self.d is not None else ""

    @property
    def c_display(self) -> str:
        return _factor_display(self.c)

    @property
    def l_display(self) -> str:
        return _factor_display(self.l)


def _factor_display(value: Decimal | None) -> str:
    # An option value as printed ("1.5"); a mean of several experts' options with 3 decimals.
    if value is None:
        return ""
    shown = value.normalize()
    return f"{shown:f}" if shown.as_tuple().exponent >= -2 else format_score(value)


def _active_assignments():
    """An expert's score counts only while their assignment is active (no conflict declared, not removed),
    on every page that shows the province's ranking."""
    return ExpertAssignment.objects.active().filter(entry=OuterRef("entry"), expert=OuterRef("assessor"))


@dataclass(frozen=True)
class ExpertScores:
    """The province-tier scores of one entry that count, and their means (exact Decimals)."""

    scores: tuple[tuple[int, Decimal, Decimal, Decimal], ...]  # (assessor id, D, C, L), as last saved
    summary: Summary  # of D: count, mean, median, min, max, spread
    mean_c: Decimal
    mean_l: Decimal

    @property
    def mean_d(self) -> Decimal:
        return self.summary.mean

    @classmethod
    def of(cls, scores: list[tuple[int, Decimal, Decimal, Decimal]]) -> ExpertScores:
        return cls(scores=tuple(scores), summary=summarise(d for _a, d, _c, _l in scores),
                   mean_c=summarise(c for _a, _d, c, _l in scores).mean,
                   mean_l=summarise(score[3] for score in scores).mean)


# What every ranking table shows of an entry; the committee's dashboard adds the city/industry union.
RANKING_RELATED = ("campaign", "unit", "category", "industry")


def province_ranking(entries: QuerySet[Entry], *, unit_fallback: bool,
                     related: tuple[str, ...] = RANKING_RELATED) -> list[RankingRow]:
    """The province's ranking of `entries` (already scoped): the one computation behind every page that
    ranks by the experts' scores (the scoring ranking of the committee, the experts' dashboard and from
    it the award proposal and the pre-lock checklist).

    An entry with scores of active experts is ranked by their exact means of D, C and L (basis
    "experts", `row.experts` holding the scores and their summary). Without them, it is ranked by its
    unit assessment when `unit_fallback` (the latest one saved: D, C and L; basis "unit"), else left
    unranked. Ties are broken by scoring.ranking (C, L, submission time, id); unranked entries follow,
    oldest submission first. So the entries ranked by their experts come in the same order, with the
    same values, whether or not `unit_fallback` lets unit-scored entries in between them.

    Two queries whatever the number of entries: the entries, and their assessments through a subquery
    (not a list of ids, which could exceed the database's parameter limit).
    """
    tiers = [Tier.UNIT, Tier.PROVINCE] if unit_fallback else [Tier.PROVINCE]
    return _ranked(entries, tiers, related)


def ranking_rows(entries: QuerySet[Entry], *, use_experts: bool) -> list[RankingRow]:
    """Rank `entries` (already scoped) by D with scoring.ranking's tie-breaks; unscored ones follow.

    The score of an entry is its unit assessment (tier 0: D, C and L of the latest one saved, which
    is also what entry.unit_score holds).  With `use_experts` (the province's view) this is
    `province_ranking` with the unit fallback: an entry that has expert assessments is ranked by their
    exact means of D, C and L instead.
    """
    if use_experts:
        return province_ranking(entries, unit_fallback=True)
    return _ranked(entries, [Tier.UNIT], RANKING_RELATED)


def _ranked(entries: QuerySet[Entry], tiers: list[Tier], related: tuple[str, ...]) -> list[RankingRow]:
    rows = [RankingRow(entry=entry) for entry in entries.select_related(*related)]
    scores = (Assessment.objects.filter(entry__in=entries.values("pk"), tier__in=tiers)
              .filter(Q(tier=Tier.UNIT) | Exists(_active_assignments()))
              .order_by("updated_at", "id").values_list("entry_id", "tier", "assessor_id", "d", "c", "l"))
    unit_scores: dict[int, tuple] = {}
    expert_scores: dict[int, list[tuple]] = defaultdict(list)
    for entry_id, tier, assessor_id, d, c, l in scores:  # noqa: E741
        if tier == Tier.UNIT:
            unit_scores[entry_id] = (d, c, l)  # ordered by updated_at: the last one wins
        else:
            expert_scores[entry_id].append((assessor_id, d, c, l))
    for row in rows:
        experts = expert_scores.get(row.entry.pk)
        if experts:
            row.experts = ExpertScores.of(experts)
            row.d, row.c, row.l = row.experts.mean_d, row.experts.mean_c, row.experts.mean_l
            row.basis = BASIS_EXPERTS
        elif row.entry.pk in unit_scores:
            row.d, row.c, row.l = unit_scores[row.entry.pk]
            row.basis = BASIS_UNIT
    return order_by_rank(rows)


def order_by_rank(rows: list[RankingRow]) -> list[RankingRow]:
    """`rows` with a basis ranked by (D, C, L) and scoring.ranking's tie-breaks, `rank` set; the others
    after them, unranked, oldest submission first."""
    scored = [row for row in rows if row.basis]
    unscored = [row for row in rows if not row.basis]
    ranked = rank(scored, key_d=lambda row: row.d, key_c=lambda row: row.c, key_l=lambda row: row.l,
                  key_submitted_at=lambda row: row.entry.submitted_at, key_id=lambda row: row.entry.pk)
    for item in ranked:
        item.item.rank = item.rank
    unscored.sort(key=lambda row: (row.entry.submitted_at is None, row.entry.submitted_at, row.entry.pk))
    return [item.item for item in ranked] + unscored
