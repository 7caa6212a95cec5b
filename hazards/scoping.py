"""`hazards_for_user(user)`: the only query deciding which hazards a user sees.

Every list, detail, count and file of the ledger goes through it. The finder sees their own reports;
management and the union of a unit see the unit's hazards, a 车间负责人/班组长 held at their 车间/班组 only
its hazards; county/city/province union staff see their
subtree (read-only); the regulator's liaison sees the 重大 hazards of their area.
"""

from django.db.models import Q

from hazards.enums import HazardLevel
from hazards.models import Hazard, InspectionPlan, InspectionRound
from hazards.roles import (
    AREA_UNION,
    INSPECTION_VIEW_ROLES,
    UNIT_MANAGEMENT,
    UNIT_UNION,
    unit_roles,
    workplace_roles,
)
from portal.accounts.enums import RoleKind
from portal.directory.models import OrgNode

# An area of at most this many nodes (a county) is matched by a list of its ids, a bigger one (a city, a
# province) by a subquery: PostgreSQL estimates a list id by id against its statistics of the column, which
# costs more planning time than it saves once the list runs to a thousand ids (a city of 1,011 nodes: +30 ms
# a query), and a big area's ledger is paged through the order index and counted by reading the table anyway.
AREA_ID_LIST_MAX = 500


def _units_below(node):
    """The ids of the nodes of `node`'s subtree, as a list when there are at most AREA_ID_LIST_MAX of them.

    A list (one small query here) lets PostgreSQL count the area's hazards through the unit index and
    estimate how many there are: a subquery inside the scope's OR can only be a filter, so every COUNT of
    a county's ledger read the whole table (docs/perf/hazards.md). A bigger area keeps the subquery, which
    PostgreSQL still estimates from the directory rather than guessing from a join on the unit's path."""
    below = OrgNode.objects.filter(path__startswith=node.path).values("pk")
    ids = [row["pk"] for row in below[:AREA_ID_LIST_MAX + 1]]
    return ids if len(ids) <= AREA_ID_LIST_MAX else below


def hazards_for_user(user):
    if not user.is_authenticated:
        return Hazard.objects.none()
    scope = Q(finder=user)
    unit_ids = [role.node_id for role in unit_roles(user, (*UNIT_MANAGEMENT, *UNIT_UNION))]
    if unit_ids:
        scope |= Q(unit_id__in=unit_ids)
    for role in workplace_roles(user):
        # A team's hazards carry its workshop too (hazards.workplaces), so a workshop matches either column.
        scope |= Q(workshop_id=role.node_id) | Q(team_id=role.node_id)
    for role in user.role_list:
        if role.node_id is None:
            continue
        # The area's units by id, not a join on the unit's path: PostgreSQL then knows how many units the
        # area has and picks its plan accordingly (a county: the unit index; a city: the ledger's order
        # index), where the join's estimate walked the whole table for a small county (docs/perf/hazards.md).
        if role.kind in AREA_UNION:
            scope |= Q(unit__in=_units_below(role.node))
        elif role.kind == RoleKind.REGULATOR:
            scope |= Q(level=HazardLevel.MAJOR, unit__in=_units_below(role.node))
    return Hazard.objects.filter(scope)


def _inspection_scope(user, prefix: str) -> Q | None:
    """The plans under the node of one of the user's inspection roles (a unit's, a 车间's or 班组's own, or
    a union's subtree); None when there are none."""
    paths = {role.node.path for role in user.role_list if role.kind in INSPECTION_VIEW_ROLES and role.node_id}
    if not user.is_authenticated or not paths:
        return None
    scope = Q()
    for path in paths:
        scope |= Q(**{f"{prefix}node__path__startswith": path})
    return scope


def inspection_plans_for_user(user):
    """The only query deciding which inspection plans (and so compliance rows) a user sees."""
    scope = _inspection_scope(user, "")
    return InspectionPlan.objects.filter(scope) if scope is not None else InspectionPlan.objects.none()


def inspection_rounds_for_user(user):
    """The rounds of the plans the user sees."""
    scope = _inspection_scope(user, "plan__")
    return InspectionRound.objects.filter(scope) if scope is not None else InspectionRound.objects.none()
