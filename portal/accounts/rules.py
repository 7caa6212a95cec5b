import rules

from portal.accounts.enums import RoleKind


def holds_role_at(user, kind, node_id) -> bool:
    """Whether `user` holds a role of `kind` (one role kind, or a collection of them) anchored at directory
    node `node_id` (the one place this is written: tiers, rules, scoping and the ledger all ask it)."""
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    return (user.is_authenticated and node_id is not None
            and any(role.kind in kinds and role.node_id == node_id for role in user.role_list))


def _has_role(kind):
    @rules.predicate(name=f"has_role_{kind}")
    def predicate(user):
        return user.is_authenticated and user.has_role(kind)

    return predicate


is_worker = _has_role(RoleKind.WORKER)
is_unit_coordinator = _has_role(RoleKind.UNIT)
is_county_reviewer = _has_role(RoleKind.COUNTY)
is_city_reviewer = _has_role(RoleKind.CITY)
is_expert = _has_role(RoleKind.EXPERT)
is_committee = _has_role(RoleKind.COMMITTEE)
ROLE_PREDICATES = {kind: _has_role(kind) for kind in (
    RoleKind.TEAM_LEADER, RoleKind.WORKSHOP_HEAD, RoleKind.SAFETY_OFFICER, RoleKind.UNIT_HEAD,
    RoleKind.UNION_INSPECTOR, RoleKind.REGULATOR,  # the hazard ledger's roles (hazards/rules.py)
    RoleKind.TIP_HANDLER, RoleKind.CUSTODIAN, RoleKind.REWARD_REVIEWER)}  # rewarded tips (tips/rules.py)
ROLE_PREDICATES |= {
    RoleKind.WORKER: is_worker,
    RoleKind.UNIT: is_unit_coordinator,
    RoleKind.COUNTY: is_county_reviewer,
    RoleKind.CITY: is_city_reviewer,
    RoleKind.EXPERT: is_expert,
    RoleKind.COMMITTEE: is_committee,
}
is_staff_reviewer = is_unit_coordinator | is_county_reviewer | is_city_reviewer | is_committee

@rules.predicate
def holds_role_kind(user, kind) -> bool:
    """The object is a role kind (the role home pages are one per kind): whether the user holds one."""
    return user.is_authenticated and kind is not None and user.has_role(kind)


rules.add_perm("accounts.view_role_home", holds_role_kind)
