"""Who acts at which tier of 逐级评选: the one table every review, scoring and scoping rule reads.

A newcomer reads this file to learn the chain (unit → county/group → city/industry → province): for each
tier the role that acts there, the entry column naming the directory node that role must hold, the states
waiting for it, what forwarding does (action, resulting state, permission), the permission to assess, the
next tier and the page where the tier's queue lives. Lower apps (submissions.scoping, scoring.rules) and
higher ones (review.*) read the table; nothing else keeps a map of tiers.

The values are strings (permission names, URL names, action values) so that this module, which sits low
in the import order, names higher apps' vocabulary without importing it.
"""

from dataclasses import dataclass

from django.db.models import Q

from portal.accounts.enums import RoleKind
from portal.accounts.rules import holds_role_at
from submissions.enums import EntryState, Tier, TransitionAction


@dataclass(frozen=True)
class TierSpec:
    """One row of the tier table; see the module docstring."""

    tier: Tier
    # The role kind that decides at this tier (the committee at the province, where experts assess).
    role_kind: str
    # Entry column naming the node whose role holder acts; None at the province (one committee).
    node_field: str | None
    # States of an entry waiting for a decision here.
    pending_states: tuple[str, ...]
    # Forwarding: the action recorded, the state it leaves, the permission it needs; None at the top.
    forward_action: str | None
    forward_state: str | None
    forward_permission: str | None
    # The URL name (in review.urls) of the forward button, and whether the campaign's recommend_cap limits
    # forwarding from here (the ≤ 50 to the province); a capped forward also needs the RECOMMEND phase.
    forward_url: str | None
    capped: bool
    # The permission to fill the value assessment (评价表) at this tier.
    assess_permission: str
    # The tier an entry reaches when forwarded (before skipping a tier with no node, see next_tier).
    next_tier: Tier | None
    # The page listing this tier's queue (a URL name).
    queue_url: str

    @property
    def decides(self) -> bool:
        """Whether reviewers here return, reject, forward and grade (the province is the experts' and the
        committee's business, handled by review.experts)."""
        return self.forward_action is not None

    @property
    def forward_label(self) -> str:
        return TransitionAction(self.forward_action).label if self.forward_action else ""

    def node_id_of(self, entry):
        return getattr(entry, self.node_field) if self.node_field else None

    def node_of(self, entry):
        """The directory node acting on `entry` here (None at the province)."""
        return getattr(entry, self.node_field.removesuffix("_id")) if self.node_field else None

    def reached_q(self, node_id=None) -> Q:
        """Entries of `node_id` that have reached this tier (at the province: every entry there)."""
        if self.node_field is None:
            return Q(tier__gte=self.tier)
        return Q(**{self.node_field: node_id, "tier__gte": self.tier})

    def acts_on(self, user, entry) -> bool:
        """Whether `user` holds this tier's role at `entry`'s node (the committee role at the province)."""
        if entry is None:
            return False
        if self.node_field is None:
            return user.is_authenticated and user.has_role(self.role_kind)
        return holds_role_at(user, self.role_kind, self.node_id_of(entry))


TIERS: dict[Tier, TierSpec] = {spec.tier: spec for spec in (
    TierSpec(
        tier=Tier.UNIT, role_kind=RoleKind.UNIT, node_field="unit_id",
        pending_states=(EntryState.SUBMITTED,),
        forward_action=TransitionAction.RECOMMEND, forward_state=EntryState.UNIT_RECOMMENDED,
        forward_permission="review.recommend_entry", forward_url="recommend", capped=False,
        assess_permission="scoring.assess_at_unit",
        next_tier=Tier.FIRST_REVIEW, queue_url="review:queue"),
    TierSpec(
        tier=Tier.FIRST_REVIEW, role_kind=RoleKind.COUNTY, node_field="first_review_union_id",
        pending_states=(EntryState.UNIT_RECOMMENDED,),
        forward_action=TransitionAction.FORWARD, forward_state=EntryState.FIRST_FORWARDED,
        forward_permission="review.forward_entry", forward_url="forward", capped=False,
        assess_permission="scoring.assess_at_first_review",
        next_tier=Tier.SELECTION, queue_url="review:queue"),
    TierSpec(
        tier=Tier.SELECTION, role_kind=RoleKind.CITY, node_field="selection_union_id",
        # A unit directly under a city or industry union skips the county tier: its entries arrive recommended.
        pending_states=(EntryState.UNIT_RECOMMENDED, EntryState.FIRST_FORWARDED),
        forward_action=TransitionAction.RECOMMEND_PROVINCE, forward_state=EntryState.PROVINCE_RECOMMENDED,
        forward_permission="review.recommend_entry_to_province", forward_url="recommend_province",
        capped=True, assess_permission="scoring.assess_at_selection",
        next_tier=Tier.PROVINCE, queue_url="review:queue"),
    TierSpec(
        tier=Tier.PROVINCE, role_kind=RoleKind.COMMITTEE, node_field=None,
        pending_states=(EntryState.PROVINCE_RECOMMENDED,),
        forward_action=None, forward_state=None, forward_permission=None, forward_url=None, capped=False,
        assess_permission="scoring.assess_at_province",
        next_tier=None, queue_url="experts:dashboard"),
)}

# Derived views of the table, named once.
DECIDING_TIERS = tuple(tier for tier, spec in TIERS.items() if spec.decides)
TIER_OF_ROLE = {spec.role_kind: tier for tier, spec in TIERS.items()}
REVIEWER_ROLE_KINDS = tuple(TIER_OF_ROLE)
FORWARD_ACTIONS = tuple(spec.forward_action for spec in TIERS.values() if spec.forward_action)
# Actions a tier may take back while the next tier has not acted.
UNDOABLE_ACTIONS = (*FORWARD_ACTIONS, TransitionAction.REJECT)
# A grade is a tier's verdict on an entry still in the running.
GRADEABLE_STATES = (EntryState.SUBMITTED, EntryState.UNIT_RECOMMENDED, EntryState.FIRST_FORWARDED,
                    EntryState.PROVINCE_RECOMMENDED)


def spec_for(tier) -> TierSpec | None:
    try:
        return TIERS[Tier(tier)]
    except (ValueError, KeyError):
        return None


def tier_of_role(kind: str) -> Tier | None:
    return TIER_OF_ROLE.get(kind)


def next_tier(entry, tier) -> Tier | None:
    """The tier an entry reaches when `tier` forwards it, skipping a tier whose node the entry lacks (a unit
    with no county/group above goes straight to its city/industry union)."""
    following = TIERS[Tier(tier)].next_tier
    while following is not None:
        spec = TIERS[following]
        if spec.node_field is None or spec.node_id_of(entry) is not None:
            return following
        following = spec.next_tier
    return None


def acts_at(user, entry, tier) -> bool:
    """Whether `user` decides on `entry` at `tier` (a deciding tier only)."""
    spec = spec_for(tier)
    return spec is not None and spec.decides and spec.acts_on(user, entry)
