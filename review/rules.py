"""Who may take which review action on an entry, as `rules` predicates over (user, entry).

These decide *who*: the reviewer's role and node. *When* (state, tier, phase, cap, required photos and
assessment) is checked by review.services, which explains each refusal in words. Visibility comes first:
views load entries through review.scoping (a narrowing of entries_for_user) and answer 404 outside it.
Test with `rules.has_perm(...)`, never `user.has_perm(...)`: Django answers True to a superuser for
every permission, and being a superuser does not make someone a county's reviewer.
"""

import rules

from portal.accounts.enums import RoleKind
from review.enums import ACTING_TIERS, REVIEWER_ROLE_KINDS, TIER_NODE_FIELD, TIER_ROLE


def holds_role_at(user, kind: str, node_id) -> bool:
    return (user.is_authenticated and node_id is not None
            and any(role.kind == kind and role.node_id == node_id for role in user.role_list))


def reviews_at_tier(user, entry, tier) -> bool:
    """Whether `user` holds the reviewer role of `entry`'s node at `tier` (UNIT, FIRST_REVIEW, SELECTION)."""
    if entry is None or tier not in ACTING_TIERS:
        return False
    return holds_role_at(user, TIER_ROLE[tier], getattr(entry, TIER_NODE_FIELD[tier]))


def acting_tiers(user, entry) -> list[int]:
    """The tiers at which `user` reviews `entry`, lowest first."""
    return [tier for tier in ACTING_TIERS if reviews_at_tier(user, entry, tier)]


@rules.predicate
def is_reviewer(user) -> bool:
    return user.is_authenticated and any(role.kind in REVIEWER_ROLE_KINDS for role in user.role_list)


@rules.predicate
def is_entry_unit_coordinator(user, entry) -> bool:
    return entry is not None and holds_role_at(user, RoleKind.UNIT, entry.unit_id)


@rules.predicate
def is_entry_first_reviewer(user, entry) -> bool:
    return entry is not None and holds_role_at(user, RoleKind.COUNTY, entry.first_review_union_id)


@rules.predicate
def is_entry_selection_reviewer(user, entry) -> bool:
    return entry is not None and holds_role_at(user, RoleKind.CITY, entry.selection_union_id)


@rules.predicate
def reviews_current_tier(user, entry) -> bool:
    return entry is not None and reviews_at_tier(user, entry, entry.tier)


is_entry_reviewer = is_entry_unit_coordinator | is_entry_first_reviewer | is_entry_selection_reviewer

rules.add_perm("review.view_queue", is_reviewer)
rules.add_perm("review.recommend_entry", is_entry_unit_coordinator)
rules.add_perm("review.forward_entry", is_entry_first_reviewer)
rules.add_perm("review.recommend_entry_to_province", is_entry_selection_reviewer)
rules.add_perm("review.return_entry", reviews_current_tier)
rules.add_perm("review.reject_entry", reviews_current_tier)
# Which tier's step may be undone is decided by the step itself (review.services.undo_transition).
rules.add_perm("review.undo_transition", is_entry_reviewer)
rules.add_perm("review.grade_entry", is_entry_reviewer)
