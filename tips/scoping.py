"""`tips_for_user(user)`: the only query deciding which tips a staff user sees (handlers, custodians and
reward reviewers: the tips whose unit, or free-text area, lies in the subtree of their node; the province
committee, which receives the escalations no handler sits above, every tip of the province, read-only).
Reporters never log in to see a tip: they use the receipt. `tips_under(node)` is the same subtree rule for
a caller that has a node (the statistics' selector)."""

from django.db.models import Q

from portal.accounts.enums import RoleKind
from tips.models import Tip, VaultOpening
from tips.rules import TIP_ROLES


def tips_for_user(user):
    if not user.is_authenticated:
        return Tip.objects.none()
    scope = Q(pk__in=[])
    for role in user.role_list:
        if role.kind in (*TIP_ROLES, RoleKind.COMMITTEE) and role.node_id is not None:
            scope |= _subtree(role.node)
    return Tip.objects.filter(scope)


def _subtree(node) -> Q:
    return Q(unit__path__startswith=node.path) | Q(unit=None, area__path__startswith=node.path)


def tips_under(node):
    """Every tip whose place lies in `node`'s subtree (None: every tip)."""
    return Tip.objects.all() if node is None else Tip.objects.filter(_subtree(node))


def openings_for_user(user):
    """The vault openings of the tips `user` sees (the log the committees read; tips.view_openings decides
    who may read it at all)."""
    return VaultOpening.objects.filter(tip__in=tips_for_user(user).values("pk"))
