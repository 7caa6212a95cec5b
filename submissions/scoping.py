"""The one query that decides which entries a user may see; every list, detail, count and export uses it."""

from django.db.models import Q, QuerySet

from portal.accounts.enums import RoleKind
from submissions.enums import EntryState, Tier
from submissions.models import Entry


def entries_for_user(user, campaign=None) -> QuerySet[Entry]:
    """Entries visible to `user` through any of their roles (none for anonymous users).

    Drafts are private to their author. Reviewers see entries of their own unit or union once the
    entry has reached their tier; the committee sees every submitted entry.
    """
    if not user.is_authenticated:
        return Entry.objects.none()
    visible = Q(author=user)
    not_draft = ~Q(state=EntryState.DRAFT)
    for role in user.role_list:
        if role.kind == RoleKind.UNIT:
            visible |= Q(unit_id=role.node_id) & not_draft
        elif role.kind == RoleKind.COUNTY:
            visible |= Q(first_review_union_id=role.node_id, tier__gte=Tier.FIRST_REVIEW) & not_draft
        elif role.kind == RoleKind.CITY:
            visible |= Q(selection_union_id=role.node_id, tier__gte=Tier.SELECTION) & not_draft
        elif role.kind == RoleKind.COMMITTEE:
            visible |= not_draft
    entries = Entry.objects.filter(visible)
    if campaign is not None:
        entries = entries.filter(campaign=campaign)
    return entries
