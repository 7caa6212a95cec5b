"""Assessments (隐患举报价值评价) at any tier."""

from scoring.services import assess_entry
from submissions.enums import EntryState, Tier
from submissions.models import ExpertAssignment

# The state an entry is normally in once it has climbed to each tier.
STATE_AT_TIER = {
    Tier.UNIT: EntryState.SUBMITTED,
    Tier.FIRST_REVIEW: EntryState.UNIT_RECOMMENDED,
    Tier.SELECTION: EntryState.FIRST_FORWARDED,
    Tier.PROVINCE: EntryState.PROVINCE_RECOMMENDED,
}


def score(entry, actor, tier, l, e, c, x, y, comment=""):  # noqa: E741 - the notice names the factor L
    """assess_entry with the five factors as positional strings, in formula order.

    At the province an expert scores only entries assigned to them, so the assignment is made too.
    """
    if tier == Tier.PROVINCE:
        ExpertAssignment.objects.get_or_create(entry=entry, expert=actor)
    return assess_entry(entry, actor=actor, tier=tier, values={"l": l, "e": e, "c": c, "x": x, "y": y},
                        comment=comment)
