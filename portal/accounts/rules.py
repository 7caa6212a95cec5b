import rules

from portal.accounts.enums import RoleKind


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
ROLE_PREDICATES = {
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
