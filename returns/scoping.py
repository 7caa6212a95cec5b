"""`returns_for_user(user)` and `filers_for_user(user)`: the only queries deciding which returns and
filers a user sees. A unit union sees its own; county, city and the committee see their subtree."""

from django.db.models import Q

from returns.models import Filer, Return
from returns.roles import AREA_ROLES


def _paths(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [role.node.path for role in user.role_list if role.kind in AREA_ROLES and role.node_id is not None]


def _scope(user, prefix: str) -> Q:
    scope = Q(pk__in=[])
    for path in _paths(user):
        scope |= Q(**{f"{prefix}node__path__startswith": path})
    return scope


def filers_for_user(user):
    return Filer.objects.filter(_scope(user, ""))


def returns_for_user(user):
    return Return.objects.filter(_scope(user, "filer__"))
