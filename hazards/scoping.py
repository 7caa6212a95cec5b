"""`hazards_for_user(user)`: the only query deciding which hazards a user sees.

Every list, detail, count and file of the ledger goes through it. The finder sees their own reports;
management and the union of a unit see the unit's hazards; county/city/province union staff see their
subtree (read-only); the regulator's liaison sees the 重大 hazards of their area.
"""

from django.db.models import Q

from hazards.enums import HazardLevel
from hazards.models import Hazard
from hazards.roles import AREA_UNION, UNIT_MANAGEMENT, UNIT_UNION
from portal.accounts.enums import RoleKind
from portal.directory.models import OrgNode


def _units_below(node):
    return OrgNode.objects.filter(path__startswith=node.path).values("pk")


def hazards_for_user(user):
    if not user.is_authenticated:
        return Hazard.objects.none()
    scope = Q(finder=user)
    unit_ids = [role.node_id for role in user.role_list
                if role.kind in (*UNIT_MANAGEMENT, *UNIT_UNION) and role.node_id is not None]
    if unit_ids:
        scope |= Q(unit_id__in=unit_ids)
    for role in user.role_list:
        if role.node_id is None:
            continue
        # The area's units as a subquery, not a join on the unit's path: PostgreSQL then knows how many
        # units the area has and picks its plan accordingly (a county of a big province: the unit index;
        # a city: the ledger's order index), where the join's estimate walked the whole table for a small
        # county (docs/perf/hazards.md).
        if role.kind in AREA_UNION:
            scope |= Q(unit__in=_units_below(role.node))
        elif role.kind == RoleKind.REGULATOR:
            scope |= Q(level=HazardLevel.MAJOR, unit__in=_units_below(role.node))
    return Hazard.objects.filter(scope)
