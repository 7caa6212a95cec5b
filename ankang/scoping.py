"""The only queries deciding what a user sees of the 安康杯 competition: a unit union sees its own unit,
county, city and the committee their subtree; competitions are those organised above or below them."""

from django.db.models import Q

from ankang.models import ActivityEvidence, ActivityRecord, Competition, Enrolment, ScoreSheet
from ankang.roles import AREA_ROLES


def _paths(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [role.node.path for role in user.role_list if role.kind in AREA_ROLES and role.node_id is not None]


def unit_scope(user, prefix: str = "") -> Q:
    """Rows whose unit (reached through `prefix`, e.g. "unit__") lies in the user's subtrees."""
    scope = Q(pk__in=[])
    for path in _paths(user):
        scope |= Q(**{f"{prefix}path__startswith": path})
    return scope


def competitions_for_user(user):
    """Competitions organised at a union above one of the user's nodes, or inside one of their subtrees."""
    scope = Q(pk__in=[])
    for path in _paths(user):
        parts = [part for part in path.strip("/").split("/") if part]
        ancestors = ["/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]
        scope |= Q(place__path__in=ancestors) | Q(place__path__startswith=path)
    return Competition.objects.filter(scope)


def enrolments_for_user(user):
    return Enrolment.objects.filter(unit_scope(user, "unit__"))


def records_for_user(user):
    return ActivityRecord.objects.filter(unit_scope(user, "unit__"))


def evidence_for_user(user):
    return ActivityEvidence.objects.filter(unit_scope(user, "record__unit__"))


def sheets_for_user(user):
    return ScoreSheet.objects.filter(unit_scope(user, "unit__"))
