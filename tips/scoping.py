"""`tips_for_user(user)`: the only query deciding which tips a staff user sees (handlers, custodians and
reward reviewers: the tips whose unit, or free-text area, lies in the subtree of their node). Reporters
never log in to see a tip: they use the receipt."""

from django.db.models import Q

from tips.models import Tip
from tips.rules import TIP_ROLES


def tips_for_user(user):
    if not user.is_authenticated:
        return Tip.objects.none()
    scope = Q(pk__in=[])
    for role in user.role_list:
        if role.kind in TIP_ROLES and role.node_id is not None:
            scope |= Q(unit__path__startswith=role.node.path) | Q(unit=None, area__path__startswith=role.node.path)
    return Tip.objects.filter(scope)
