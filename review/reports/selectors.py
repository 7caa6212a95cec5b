"""Read-side queries of the reports: which unions a user reports on, and the entries of an export.

Every entry query starts from submissions.scoping.entries_for_user.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from portal.accounts.enums import RoleKind
from portal.directory.enums import SELECTION_KINDS, NodeKind
from portal.directory.models import OrgNode
from review.models import TierGrade
from review.reports.rules import city_union_ids
from scoring.formula import SCALE_CODES, get_scale
from scoring.models import Assessment
from submissions.enums import NOT_TAKING_PART, Tier
from submissions.models import Entry
from submissions.scoping import entries_for_user

# Entries that are part of the campaign: submitted, and not taken back by their author.


def union_order(prefix: str = "") -> list:
    """The official order of the city/industry unions, as the directory lists them (太原, 大同, 阳泉, 长治,
    晋城, 朔州, 晋中, 运城, 忻州, 临汾, 吕梁, then the industry unions): city unions first, each group in
    the order the directory created them (by id as a NUMBER; `path` is text, where "/1/10/" sorts before
    "/1/2/"). `prefix` reaches the union through a relation, e.g. "selection_union__"."""
    cities_first = Case(When(**{f"{prefix}kind": NodeKind.CITY}, then=Value(0)), default=Value(1),
                        output_field=IntegerField())
    return [cities_first, f"{prefix}id" if prefix else "id"]


def report_unions(user) -> QuerySet[OrgNode]:
    """The city/industry unions whose exports and statistics `user` may see: every one for the committee,
    their own for city/industry staff, none for anyone else; in the official order (union_order)."""
    unions = OrgNode.objects.filter(kind__in=SELECTION_KINDS).order_by(*union_order())
    if not user.is_authenticated:
        return unions.none()
    if user.has_role(RoleKind.COMMITTEE):
        return unions.filter(is_active=True)
    return unions.filter(pk__in=city_union_ids(user))


def submitted_entries(user, campaign) -> QuerySet[Entry]:
    """The submitted (not draft, not withdrawn) entries of `campaign` that `user` may see."""
    return entries_for_user(user, campaign).exclude(state__in=NOT_TAKING_PART)


def counted_entries(user, campaign) -> QuerySet[Entry]:
    """Submitted entries of the unions whose 附件3 `user` files or reads, at every tier, for COUNTS ONLY.

    The one documented exception to entries_for_user: 附件3 reports participation across the union's
    whole area (units and counties included), which its staff must file although they see an entry only
    once it reaches their tier. Callers aggregate; no entry's content leaves through this query.
    """
    return (Entry.objects.filter(campaign=campaign, selection_union__in=report_unions(user))
            .exclude(state__in=NOT_TAKING_PART))


def recommended(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Entries their city/industry union recommended to the province (they are at the province tier)."""
    return entries.filter(tier__gte=Tier.PROVINCE)


def export_entries(user, campaign, *, union_id=None, entry_ids=None) -> QuerySet[Entry]:
    """The entries of an official export, in 序号 order.

    A union's or the province's export holds the entries recommended to the province; a selection
    (`entry_ids`) holds the chosen entries the user may see, whatever their stage. Ordered by union,
    then by the recommending unit's D (highest first), then by id: 附件1, 附件2 and the photo archive of
    the same parameters number the entries alike. Unions come in the official order (union_order).
    """
    entries = submitted_entries(user, campaign)
    if union_id is not None:
        entries = entries.filter(selection_union_id=union_id)
    entries = entries.filter(pk__in=list(entry_ids)) if entry_ids is not None else recommended(entries)
    return entries.order_by(*union_order("selection_union__"), F("unit_score").desc(nulls_last=True), "pk")


@dataclass(frozen=True)
class UnitAssessment:
    """The 推荐单位评价 of an entry: the five ticked values, D, and the unit's comment."""

    values: dict[str, Decimal]
    d: Decimal
    comment: str

    def value(self, code: str) -> Decimal:
        return self.values[code]


def _printed(code: str, value: Decimal) -> Decimal:
    # The option's value as the notice prints it (20, not 20.00 or 2E+1).
    try:
        return get_scale(code).option_for(value).value
    except ValueError:
        return value


def unit_assessments(entries: QuerySet[Entry]) -> dict[int, UnitAssessment]:
    """entry id → its unit-tier assessment (the latest saved, which is also what entry.unit_score holds).

    One query whatever the number of entries (a subquery, not a list of ids)."""
    rows = (Assessment.objects.filter(entry__in=entries.order_by().values("pk"), tier=Tier.UNIT)
            .order_by("updated_at", "id").values_list("entry_id", "l", "e", "c", "x", "y", "d", "comment"))
    result = {}
    for entry_id, *factors, d, comment in rows:
        values = {code: _printed(code, value) for code, value in zip(SCALE_CODES, factors, strict=True)}
        result[entry_id] = UnitAssessment(values=values, d=d, comment=comment)
    return result


def selection_grades(entries: QuerySet[Entry]) -> dict[int, str]:
    """entry id → the name of the grade (等次) its city/industry union gave it, for 推荐等次. One query."""
    return dict(TierGrade.objects.filter(entry__in=entries.order_by().values("pk"), tier=Tier.SELECTION)
                .values_list("entry_id", "award_level__name"))
