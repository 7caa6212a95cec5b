"""Who may assess an entry at which tier, and who may read scores and rankings.

Object predicates take (user, entry).  They decide *permission*; visibility is decided first by
submissions.scoping.entries_for_user, and anything outside it is a 404 before these are asked.
"""

import rules

from portal.accounts.rules import is_committee, is_staff_reviewer
from submissions.enums import NOT_TAKING_PART, Tier
from submissions.tiers import DECIDING_TIERS, TIERS


@rules.predicate
def entry_is_assessable(user, entry) -> bool:
    return entry is not None and entry.state not in NOT_TAKING_PART


def _assesses_at(tier: Tier):
    """The reviewer of the entry's node at `tier` (from the tier table), once the entry has reached it."""

    @rules.predicate(name=f"assesses_entry_at_{tier.name.lower()}")
    def predicate(user, entry) -> bool:
        return entry is not None and entry.tier >= tier and TIERS[tier].acts_on(user, entry)

    return predicate


ASSESSES_AT = {tier: _assesses_at(tier) for tier in DECIDING_TIERS}
is_entry_unit_coordinator = ASSESSES_AT[Tier.UNIT]
is_entry_first_reviewer = ASSESSES_AT[Tier.FIRST_REVIEW]
is_entry_selection_reviewer = ASSESSES_AT[Tier.SELECTION]


@rules.predicate
def entry_reached_province(user, entry) -> bool:
    return entry is not None and entry.tier >= Tier.PROVINCE


# Who scores at the province is review.experts' decision (an active, untied assignment while the review is
# open and the results unlocked: review.experts.selectors.can_score_as_expert). That app sits above this one,
# so it registers its check here from AppConfig.ready; without it nobody scores at the province.
_province_assessor_checks: list = []


def register_province_assessor_check(check) -> None:
    """Set the (user, entry) -> bool check of the province tier (called once by review.experts)."""
    _province_assessor_checks[:] = [check]


@rules.predicate
def is_assigned_expert(user, entry) -> bool:
    """An expert the committee assigned to this entry, while the provincial review is open (the check
    registered by review.experts); fails closed when none is registered."""
    return bool(_province_assessor_checks) and _province_assessor_checks[0](user, entry)


ASSESS_PERMISSIONS = {tier: spec.assess_permission for tier, spec in TIERS.items()}
for _tier in DECIDING_TIERS:
    rules.add_perm(ASSESS_PERMISSIONS[_tier], entry_is_assessable & ASSESSES_AT[_tier])
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
