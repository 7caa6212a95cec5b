"""Which roles do what in the ledger, and where they are anchored: the one place rules, scoping and the
finder presenter read from."""

from portal.accounts.enums import RoleKind
from portal.directory.enums import NodeKind

# At the hazard's unit.
UNIT_MANAGEMENT = (RoleKind.TEAM_LEADER, RoleKind.WORKSHOP_HEAD, RoleKind.SAFETY_OFFICER, RoleKind.UNIT_HEAD)
TRIAGE = (RoleKind.SAFETY_OFFICER, RoleKind.UNIT_HEAD)  # accept, assign, verify, close
UNIT_UNION = (RoleKind.UNIT, RoleKind.UNION_INSPECTOR)  # the unit's union: sees the finder's name
# Above the unit (their subtree, read-only).
AREA_UNION = (RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE)
# Every role that has a ledger page.
LEDGER_ROLES = (*UNIT_MANAGEMENT, *UNIT_UNION, *AREA_UNION, RoleKind.REGULATOR)
# Who sees the inspection rounds: management and the union of a unit, union staff above it (their subtree).
INSPECTION_VIEW_ROLES = (*UNIT_MANAGEMENT, *UNIT_UNION, *AREA_UNION)
# Who may report a hazard at their own unit.
REPORTER_ROLES = (RoleKind.WORKER, *UNIT_MANAGEMENT, *UNIT_UNION)
# Management roles that may instead be held at a 车间/班组 node: there they reach only that node's hazards
# and inspection plans (held at the unit they reach the whole unit).
WORKPLACE_ROLES = {RoleKind.WORKSHOP_HEAD: NodeKind.WORKSHOP, RoleKind.TEAM_LEADER: NodeKind.TEAM}


def role_unit(role):
    """The unit a role of the ledger belongs to: its node, or the unit above its 车间/班组 node."""
    return role.node.unit_node if role.node_id is not None else None


def unit_roles(user, kinds) -> list:
    """The user's roles of `kinds` held at a unit itself (not at a 车间/班组 of it)."""
    return [role for role in user.role_list
            if role.kind in kinds and role.node_id is not None and role.node.kind == NodeKind.UNIT]


def workplace_roles(user) -> list:
    """The user's 车间负责人/班组长 roles held at their 车间/班组 node."""
    return [role for role in user.role_list
            if role.node_id is not None and WORKPLACE_ROLES.get(role.kind) == role.node.kind]


def manages_unit(user, unit) -> bool:
    """The user holds a management role at `unit` or at one of its 车间/班组 (e.g. to be made responsible)."""
    return (user.is_authenticated and unit is not None
            and any(role.kind in UNIT_MANAGEMENT and role.node_id is not None and role.node.path.startswith(unit.path)
                    for role in user.role_list))


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
        unit = role_unit(role) if role.kind in REPORTER_ROLES else None
        if unit is not None and unit.pk not in seen:
            seen.add(unit.pk)
            units.append(unit)
    return units
