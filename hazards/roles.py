"""Which roles do what in the ledger, and where they are anchored: the one place rules, scoping and the
finder presenter read from."""

from portal.accounts.enums import RoleKind

# At the hazard's unit.
UNIT_MANAGEMENT = (RoleKind.TEAM_LEADER, RoleKind.WORKSHOP_HEAD, RoleKind.SAFETY_OFFICER, RoleKind.UNIT_HEAD)
TRIAGE = (RoleKind.SAFETY_OFFICER, RoleKind.UNIT_HEAD)  # accept, assign, verify, close
UNIT_UNION = (RoleKind.UNIT, RoleKind.UNION_INSPECTOR)  # the unit's union: sees the finder's name
# Above the unit (their subtree, read-only).
AREA_UNION = (RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE)
# Every role that has a ledger page.
LEDGER_ROLES = (*UNIT_MANAGEMENT, *UNIT_UNION, *AREA_UNION, RoleKind.REGULATOR)
# Who may report a hazard at their own unit.
REPORTER_ROLES = (RoleKind.WORKER, *UNIT_MANAGEMENT, *UNIT_UNION)


def roles_above(user, kinds, unit) -> bool:
    """The user holds one of `kinds` at the unit or a node above it (by the materialised path)."""
    return (user.is_authenticated and unit is not None
            and any(role.kind in kinds and role.node_id is not None and unit.path.startswith(role.node.path)
                    for role in user.role_list))


def report_units(user) -> list:
    """The units at which `user` may report a hazard (their own)."""
    if not user.is_authenticated:
        return []
    seen, units = set(), []
    for role in user.role_list:
        if role.kind in REPORTER_ROLES and role.node_id is not None and role.node_id not in seen:
            seen.add(role.node_id)
            units.append(role.node)
    return units
