"""The rule that proposes the 组织奖 (organisation award) of city and provincial industry unions.

The notice only says "活动设组织奖和作品奖等若干奖项"; how a union earns the organisation award is the
committee's call. This module proposes it from participation and results, with weights kept here as
constants so the rule can be read (and is printed on the committee's page) and changed in one place:

    score = ENTRY_WEIGHT × entries submitted            (participation: every entry past its draft,
                                                         withdrawn ones excluded)
          + UNIT_WEIGHT × units taking part              (breadth: distinct units with such an entry)
          + RECOMMENDED_WEIGHT × entries recommended to the province
          + Σ AWARD_POINTS[level rank] over the union's final work awards  (results)

Unions are ranked by score, then by awards won, entries submitted and finally by id (deterministic);
the campaign's ORGANISATION award levels are filled in that order by their counts (名额), among unions
with a positive score. The result is a proposal: each row is confirmed (or changed, with a reason) by
hand before the results can be locked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from portal.campaigns.models import Campaign
from portal.directory.enums import SELECTION_KINDS
from portal.directory.models import OrgNode
from review.experts.models import FinalAward
from submissions.enums import NOT_TAKING_PART, EntryState
from submissions.models import Entry

ENTRY_WEIGHT = Decimal("0.1")
UNIT_WEIGHT = Decimal("0.5")
RECOMMENDED_WEIGHT = Decimal("0.2")
# Points per final work award, by the level's rank (1 = 一等奖); lower levels get LOWEST_AWARD_POINTS.
AWARD_POINTS = {1: Decimal("10"), 2: Decimal("6"), 3: Decimal("3"), 4: Decimal("1")}
LOWEST_AWARD_POINTS = Decimal("1")

# Entries that did not take part: a draft was never submitted, a withdrawn entry left the campaign.


def award_points(level_rank: int) -> Decimal:
    return AWARD_POINTS.get(level_rank, LOWEST_AWARD_POINTS)


@dataclass
class UnionScore:
    union: OrgNode
    entries_submitted: int = 0
    units_taking_part: int = 0
    entries_recommended: int = 0
    awards_won: int = 0
    award_points: Decimal = Decimal(0)
    rank: int | None = None

    @property
    def score(self) -> Decimal:
        return (ENTRY_WEIGHT * self.entries_submitted + UNIT_WEIGHT * self.units_taking_part
                + RECOMMENDED_WEIGHT * self.entries_recommended + self.award_points).quantize(Decimal("0.01"))

    def sort_key(self):
        return (-self.score, -self.awards_won, -self.entries_submitted, self.union.pk)


def union_scores(campaign: Campaign) -> list[UnionScore]:
    """Every active city and industry union with its parts and score, best first (three queries)."""
    unions = {node.pk: UnionScore(union=node)
              for node in OrgNode.objects.filter(kind__in=SELECTION_KINDS, is_active=True).order_by("pk")}
    taking_part = Entry.objects.filter(campaign=campaign).exclude(state__in=NOT_TAKING_PART)
    for row in (taking_part.values("selection_union_id")
                .annotate(entries=Count("id"), units=Count("unit_id", distinct=True))):
        score = unions.get(row["selection_union_id"])
        if score is not None:
            score.entries_submitted, score.units_taking_part = row["entries"], row["units"]
    recommended = (taking_part.filter(state=EntryState.PROVINCE_RECOMMENDED)
                   .values("selection_union_id").annotate(n=Count("id")))
    for row in recommended:
        score = unions.get(row["selection_union_id"])
        if score is not None:
            score.entries_recommended = row["n"]
    points: dict[int, list[int]] = defaultdict(list)
    for union_id, level_rank in (FinalAward.objects.filter(entry__campaign=campaign, level__isnull=False)
                                 .values_list("entry__selection_union_id", "level__rank")):
        points[union_id].append(level_rank)
    for union_id, ranks in points.items():
        score = unions.get(union_id)
        if score is not None:
            score.awards_won = len(ranks)
            score.award_points = sum((award_points(r) for r in ranks), Decimal(0))
    ordered = sorted(unions.values(), key=UnionScore.sort_key)
    for position, score in enumerate(ordered, start=1):
        score.rank = position
    return ordered


def weights_table() -> list[tuple[str, str]]:
    """The rule's weights as (what, weight) pairs for the committee's page."""
    rows = [(_("提交作品数（每件）"), ENTRY_WEIGHT), (_("参加单位数（每个）"), UNIT_WEIGHT),
            (_("推荐省级评审作品数（每件）"), RECOMMENDED_WEIGHT)]
    rows += [(_("第%(rank)d等作品奖（每项）") % {"rank": rank}, points) for rank, points in sorted(AWARD_POINTS.items())]
    rows.append((_("更低等次作品奖（每项）"), LOWEST_AWARD_POINTS))
    return [(label, f"{weight.normalize():f}") for label, weight in rows]
