"""Who may assess an entry at which tier, and who may read scores and rankings.

Object predicates take (user, entry).  They decide *permission*; visibility is decided first by
submissions.scoping.entries_for_user, and anything outside it is a 404 before these are asked.
"""

import rules

from portal.accounts.enums import RoleKind
from portal.accounts.rules import is_committee, is_staff_reviewer
from submissions.enums import EntryState, Tier

# A draft belongs to its author alone and a withdrawn entry has left the campaign: neither is scored.
ASSESSABLE_STATES_EXCLUDED = (EntryState.DRAFT, EntryState.WITHDRAWN)


def _holds_role_at(user, kind: str, node_id) -> bool:
    return (user.is_authenticated and node_id is not None
            and any(role.kind == kind and role.node_id == node_id for role in user.role_list))


@rules.predicate
def entry_is_assessable(user, entry) -> bool:
    return entry is not None and entry.state not in ASSESSABLE_STATES_EXCLUDED


@rules.predicate
def is_entry_unit_coordinator(user, entry) -> bool:
    """A 单位工会 coordinator of the entry's own unit."""
    return entry is not None and _holds_role_at(user, RoleKind.UNIT, entry.unit_id)


@rules.predicate
def is_entry_first_reviewer(user, entry) -> bool:
    """A county/group reviewer of the entry's 初评 union, once the entry has been forwarded there."""
    return (entry is not None and entry.tier >= Tier.FIRST_REVIEW
            and _holds_role_at(user, RoleKind.COUNTY, entry.first_review_union_id))


@rules.predicate
def is_entry_selection_reviewer(user, entry) -> bool:
    """A city/industry reviewer of the entry's 甄选 union, once the entry has been forwarded there."""
    return (entry is not None and entry.tier >= Tier.SELECTION
            and _holds_role_at(user, RoleKind.CITY, entry.selection_union_id))


@rules.predicate
def entry_reached_province(user, entry) -> bool:
    return entry is not None and entry.tier >= Tier.PROVINCE


@rules.predicate
def is_assigned_expert(user, entry) -> bool:
    """An expert the committee assigned to this entry, while the provincial review is open.

    The assignment must be active (no conflict declared, not removed by the committee) and the expert
    not tied to the entry's own city/industry union; scoring closes when the EXPERT_REVIEW phase ends
    and once the committee has confirmed the results (review.experts.selectors.can_score_as_expert).
    """
    # Climbs to review.experts (the results lock lives there) until the tier table owns this predicate.
    from review.experts.selectors import can_score_as_expert  # noqa: PLC0415 - review.experts imports this app

    return can_score_as_expert(user, entry)


ASSESS_PERMISSIONS = {
    Tier.UNIT: "scoring.assess_at_unit",
    Tier.FIRST_REVIEW: "scoring.assess_at_first_review",
    Tier.SELECTION: "scoring.assess_at_selection",
    Tier.PROVINCE: "scoring.assess_at_province",
}
rules.add_perm(ASSESS_PERMISSIONS[Tier.UNIT], entry_is_assessable & is_entry_unit_coordinator)
rules.add_perm(ASSESS_PERMISSIONS[Tier.FIRST_REVIEW], entry_is_assessable & is_entry_first_reviewer)
rules.add_perm(ASSESS_PERMISSIONS[Tier.SELECTION], entry_is_assessable & is_entry_selection_reviewer)
rules.add_perm(ASSESS_PERMISSIONS[Tier.PROVINCE],
               entry_is_assessable & entry_reached_province & is_assigned_expert)

# The staff who review the entry at some tier; the author is not among them (an author sees their
# entry, not its scores).
is_entry_reviewer = (is_entry_unit_coordinator | is_entry_first_reviewer | is_entry_selection_reviewer
                     | is_committee)
rules.add_perm("scoring.view_entry_scores", entry_is_assessable & is_entry_reviewer)
rules.add_perm("scoring.view_ranking", is_staff_reviewer)
rules.add_perm("scoring.view_expert_identity", is_committee)


def can_assess(user, entry, tier) -> bool:
    """Whether `user` may fill the value assessment of `entry` at `tier`.

    Tested against the rules directly, not user.has_perm: a superuser passes every has_perm, and
    being a superuser must not make someone a unit's coordinator or an assigned expert.
    """
    try:
        permission = ASSESS_PERMISSIONS[Tier(tier)]
    except ValueError:
        return False
    return rules.has_perm(permission, user, entry)


def can_view_scores(user, entry) -> bool:
    return rules.has_perm("scoring.view_entry_scores", user, entry)
