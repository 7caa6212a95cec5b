"""Which union role does what in the 安康杯 competition: the one place scoping, rules and services read.

The existing union role kinds are reused (no evaluator kind of its own): the unit union (RoleKind.UNIT)
enrols its unit and 班组, records activities and self-scores; the county union (or the city union for a unit
directly under it) confirms enrolments; county and city union staff review score sheets as evaluators;
the committee (province) sees everything."""

from portal.accounts.enums import RoleKind

# Record, enrol and self-score, at the unit's own node.
UNIT_ROLES = (RoleKind.UNIT,)
# Confirm enrolments and review score sheets of the units below their node.
EVALUATOR_ROLES = (RoleKind.COUNTY, RoleKind.CITY)
# See every record of their subtree (read-only unless they also hold one of the roles above).
AREA_ROLES = (RoleKind.UNIT, RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE)
# See the coverage views (calendar and table) of their subtree.
COVERAGE_ROLES = (RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE)


def unit_union_of(user, unit) -> bool:
    """`user` holds the unit union role at `unit`."""
    return user.is_authenticated and any(role.kind in UNIT_ROLES and role.node_id == unit.pk
                                         for role in user.role_list)


def evaluator_of(user, unit):
    """The node from which `user` evaluates `unit` (a county or city union above it), or None."""
    if not user.is_authenticated:
        return None
    above = [role.node for role in user.role_list
             if role.kind in EVALUATOR_ROLES and role.node_id is not None and role.node_id != unit.pk
             and unit.path.startswith(role.node.path)]
    # The nearest union above decides (a county before its city).
    return max(above, key=lambda node: len(node.path), default=None)
