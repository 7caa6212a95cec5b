"""Who may take which review action on an entry, as `rules` predicates over (user, entry).

These decide *who*: the reviewer's role and node, read from the tier table (submissions.tiers). *When*
(state, tier, phase, cap, required photos and assessment) is checked by review.services, which explains
each refusal in words. Visibility comes first: views load entries through review.scoping (a narrowing of
entries_for_user) and answer 404 outside it. Test with `rules.has_perm(...)`, never `user.has_perm(...)`:
Django answers True to a superuser for every permission, and being a superuser does not make someone a
county's reviewer.
"""

import rules

from submissions.enums import Tier
from submissions.tiers import DECIDING_TIERS, REVIEWER_ROLE_KINDS, TIERS, acts_at


def reviews_at_tier(user, entry, tier) -> bool:
    """Whether `user` holds the reviewer role of `entry`'s node at a deciding `tier`."""
    return acts_at(user, entry, tier)


@rules.predicate
def is_reviewer(user) -> bool:
    return user.is_authenticated and any(role.kind in REVIEWER_ROLE_KINDS for role in user.role_list)


def _reviews_at(tier: Tier):
    @rules.predicate(name=f"reviews_entry_at_{tier.name.lower()}")
    def predicate(user, entry) -> bool:
        return acts_at(user, entry, tier)

    return predicate


REVIEWS_AT = {tier: _reviews_at(tier) for tier in DECIDING_TIERS}
is_entry_unit_coordinator = REVIEWS_AT[Tier.UNIT]
is_entry_first_reviewer = REVIEWS_AT[Tier.FIRST_REVIEW]
is_entry_selection_reviewer = REVIEWS_AT[Tier.SELECTION]


@rules.predicate
def reviews_current_tier(user, entry) -> bool:
    return entry is not None and acts_at(user, entry, entry.tier)


is_entry_reviewer = is_entry_unit_coordinator | is_entry_first_reviewer | is_entry_selection_reviewer

rules.add_perm("review.view_queue", is_reviewer)
for _tier in DECIDING_TIERS:
    rules.add_perm(TIERS[_tier].forward_permission, REVIEWS_AT[_tier])
rules.add_perm("review.return_entry", reviews_current_tier)
rules.add_perm("review.reject_entry", reviews_current_tier)
# Which tier's step may be undone is decided by the step itself (review.services.undo_transition).
rules.add_perm("review.undo_transition", is_entry_reviewer)
rules.add_perm("review.grade_entry", is_entry_reviewer)
