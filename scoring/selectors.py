"""Read-side queries of the scoring app: the ranking table."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from scoring.aggregation import summarise
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
    expert_count: int = 0

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
    as on the committee's dashboard."""
    return ExpertAssignment.objects.active().filter(entry=OuterRef("entry"), expert=OuterRef("assessor"))


def ranking_rows(entries: QuerySet[Entry], *, use_experts: bool) -> list[RankingRow]:
    """Rank `entries` (already scoped) by D with scoring.ranking's tie-breaks; unscored ones follow.

    The score of an entry is its unit assessment (tier 0: D, C and L of the latest one saved, which
    is also what entry.unit_score holds).  With `use_experts` (the province's view), an entry that has
    expert assessments is ranked by their exact means of D, C and L instead.

    Two queries whatever the number of entries: the entries, and their assessments through a subquery
    (not a list of ids, which could exceed the database's parameter limit).
    """
    rows = [RankingRow(entry=entry) for entry in entries.select_related("campaign", "unit", "category", "industry")]
    tiers = [Tier.UNIT, Tier.PROVINCE] if use_experts else [Tier.UNIT]
    scores = (Assessment.objects.filter(entry__in=entries.values("pk"), tier__in=tiers)
              .filter(Q(tier=Tier.UNIT) | Exists(_active_assignments()))
              .order_by("updated_at", "id").values_list("entry_id", "tier", "d", "c", "l"))
    unit_scores: dict[int, tuple] = {}
    expert_scores: dict[int, list[tuple]] = defaultdict(list)
    for entry_id, tier, d, c, l in scores:  # noqa: E741
        if tier == Tier.UNIT:
            unit_scores[entry_id] = (d, c, l)  # ordered by updated_at: the last one wins
        else:
            expert_scores[entry_id].append((d, c, l))

    scored, unscored = [], []
    for row in rows:
        experts = expert_scores.get(row.entry.pk)
        if experts:
            row.d, row.c, row.l = (summarise(column).mean for column in zip(*experts, strict=True))
            row.basis, row.expert_count = BASIS_EXPERTS, len(experts)
        elif row.entry.pk in unit_scores:
            row.d, row.c, row.l = unit_scores[row.entry.pk]
            row.basis = BASIS_UNIT
        (scored if row.basis else unscored).append(row)

    ranked = rank(scored, key_d=lambda row: row.d, key_c=lambda row: row.c, key_l=lambda row: row.l,
                  key_submitted_at=lambda row: row.entry.submitted_at, key_id=lambda row: row.entry.pk)
    for item in ranked:
        item.item.rank = item.rank
    unscored.sort(key=lambda row: (row.entry.submitted_at is None, row.entry.submitted_at, row.entry.pk))
    return [item.item for item in ranked] + unscored
