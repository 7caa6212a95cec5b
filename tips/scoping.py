"""`tips_for_user(user)`: the only query deciding which tips a staff user sees (handlers, custodians and
reward reviewers: the tips whose unit, or free-text area, lies in the subtree of their node). Reporters
never log in to see a tip: they use the receipt.

`tips_overseen(user)` widens it for oversight only (figures and the log of vault openings): the province
committee oversees every tip. `tips_under(node)` is the same subtree rule for a caller that has a node
(the statistics' selector)."""

from django.db.models import Q

from portal.accounts.enums import RoleKind
from tips.models import Tip, VaultOpening
from tips.rules import TIP_ROLES


def tips_for_user(user):
    if not user.is_authenticated:
        return Tip.objects.none()
    scope = Q(pk__in=[])
    for role in user.role_list:
        if role.kind in TIP_ROLES and role.node_id is not None:
            scope |= _subtree(role.node)
    return Tip.objects.filter(scope)


def _subtree(node) -> Q:
    return Q(unit__path__startswith=node.path) | Q(unit=None, area__path__startswith=node.path)


def tips_under(node):
    """Every tip whose place lies in `node`'s subtree (None: every tip)."""
    return Tip.objects.all() if node is None else Tip.objects.filter(_subtree(node))


def tips_overseen(user):
    """The tips whose figures and vault openings `user` oversees: all for the province committee, else the
    tips of their tip roles."""
    if user.is_authenticated and any(role.kind == RoleKind.COMMITTEE for role in user.role_list):
        return Tip.objects.all()
    return tips_for_user(user)


def openings_for_user(user):
    """The vault openings of the tips `user` oversees (the log the committee reads)."""
    return VaultOpening.objects.filter(tip__in=tips_overseen(user).values("pk"))
