from django.utils.functional import SimpleLazyObject

from portal.accounts.navigation import ROLE_HOMES
from portal.campaigns.models import Campaign


def portal(request):
    """The current campaign (footer, titles) and the menu of the roles the user holds."""
    user = getattr(request, "user", None)
    nav_roles = []
    if user is not None and user.is_authenticated:
        seen = set()
        for role in user.role_list:
            if role.kind not in seen:
                seen.add(role.kind)
                nav_roles.append((role.get_kind_display(), role.kind, ROLE_HOMES[role.kind]))
    campaign = SimpleLazyObject(lambda: Campaign.objects.prefetch_related("phases").current())
    return {"current_campaign": campaign, "nav_roles": nav_roles}
