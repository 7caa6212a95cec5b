"""Who may do what with a tip, by role over the tip's place (the named unit, or the area of a free-text
tip). The services ask the same predicates as the views; outside a user's scope a tip does not exist
(tips.scoping)."""

import rules

from portal.accounts.enums import RoleKind


def _covering_nodes(user, kind, tip):
    node = tip.location_node if tip is not None else None
    if not user.is_authenticated or node is None:
        return []
    return [role.node for role in user.role_list
            if role.kind == kind and role.node_id is not None and node.path.startswith(role.node.path)]


@rules.predicate
def is_area_handler(user, tip) -> bool:
    """举报受理员 of the tip's county/city (or above)."""
    return bool(_covering_nodes(user, RoleKind.TIP_HANDLER, tip))


@rules.predicate
def is_review_handler(user, tip) -> bool:
    """复查 by the level above: a handler covering the tip from a node above every node from which the
    tip's own handler covers it, and not that handler."""
    if tip is None or not user.is_authenticated or user.pk == tip.handler_id:
        return False
    mine = _covering_nodes(user, RoleKind.TIP_HANDLER, tip)
    if not mine or tip.handler is None:
        return False
    theirs = _covering_nodes(tip.handler, RoleKind.TIP_HANDLER, tip)
    return not theirs or min(n.depth for n in mine) < min(n.depth for n in theirs)


@rules.predicate
def is_custodian(user, tip) -> bool:
    return bool(_covering_nodes(user, RoleKind.CUSTODIAN, tip))


@rules.predicate
def is_reward_reviewer(user, tip) -> bool:
    return bool(_covering_nodes(user, RoleKind.REWARD_REVIEWER, tip))


@rules.predicate
def has_tip_role(user) -> bool:
    return user.is_authenticated and any(role.kind in TIP_ROLES for role in user.role_list)


@rules.predicate
def is_overseeing_committee(user, tip) -> bool:
    """The province committee: reads every tip of its province (escalations above the city reach it)."""
    return bool(_covering_nodes(user, RoleKind.COMMITTEE, tip))


@rules.predicate
def is_committee(user) -> bool:
    return user.is_authenticated and any(role.kind == RoleKind.COMMITTEE for role in user.role_list)


@rules.predicate
def is_any_reward_reviewer(user) -> bool:
    return user.is_authenticated and any(role.kind == RoleKind.REWARD_REVIEWER for role in user.role_list)


TIP_ROLES = (RoleKind.TIP_HANDLER, RoleKind.CUSTODIAN, RoleKind.REWARD_REVIEWER)

rules.add_perm("tips.view_cases", has_tip_role | is_committee)
rules.add_perm("tips.view_tip", is_area_handler | is_custodian | is_reward_reviewer | is_overseeing_committee)
rules.add_perm("tips.handle_tip", is_area_handler)
rules.add_perm("tips.review_tip", is_review_handler)
rules.add_perm("tips.open_identity", is_custodian)
rules.add_perm("tips.propose_reward", is_area_handler)
rules.add_perm("tips.approve_reward", is_reward_reviewer)
rules.add_perm("tips.record_payment", is_reward_reviewer)
# Oversight: the figures (every tip role and the province committee), the log of vault openings (the
# reward review committee and the province committee; never the custodian whose openings it lists).
rules.add_perm("tips.view_statistics", has_tip_role | is_committee)
rules.add_perm("tips.view_openings", is_any_reward_reviewer | is_committee)
