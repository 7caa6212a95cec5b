"""The one query that decides which entries a user may see; every list, detail, count and export uses it."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.accounts.enums import RoleKind
from submissions.enums import EntryState, Tier
from submissions.models import Entry, ExpertAssignment


def entries_for_user(user, campaign=None, *, include_assigned: bool = False) -> QuerySet[Entry]:
    """Entries visible to `user` through any of their roles (none for anonymous users).

    Drafts are private to their author. Reviewers see entries of their own unit or union once the
    entry has reached their tier; the committee sees every submitted entry. A provincial expert sees the
    entries of the provincial review they are actively assigned to (no conflict declared, not removed).

    Assigned entries are left out unless `include_assigned=True`: only the blind pages and files of
    review.experts (and scoring at province) ask for them, so every page that shows the author's identity
    or contact details stays closed to an expert by default, even one who also holds a staff role.
    """
    if not user.is_authenticated:
        return Entry.objects.none()
    visible = Q(author=user)
    not_draft = ~Q(state=EntryState.DRAFT)
    expert_added = False
    for role in user.role_list:
        if role.kind == RoleKind.UNIT:
            visible |= Q(unit_id=role.node_id) & not_draft
        elif role.kind == RoleKind.COUNTY:
            visible |= Q(first_review_union_id=role.node_id, tier__gte=Tier.FIRST_REVIEW) & not_draft
        elif role.kind == RoleKind.CITY:
            visible |= Q(selection_union_id=role.node_id, tier__gte=Tier.SELECTION) & not_draft
        elif role.kind == RoleKind.COMMITTEE:
            visible |= not_draft
        elif role.kind == RoleKind.EXPERT and include_assigned and not expert_added:
            visible |= _assigned_q(user) & not_draft
            expert_added = True
    entries = Entry.objects.filter(visible)
    if campaign is not None:
        entries = entries.filter(campaign=campaign)
    return entries


def _assigned_q(user) -> Q:
    """Entries of the provincial review with an active assignment of `user` (a correlated subquery, so
    still one query), never those of a union the expert is tied to, whatever an old assignment says."""
    assigned = Exists(ExpertAssignment.objects.active().filter(entry=OuterRef("pk"), expert=user))
    q = Q(assigned, tier__gte=Tier.PROVINCE)
    tied = [role.node_id for role in user.role_list if role.kind == RoleKind.EXPERT and role.node_id]
    if tied:
        q &= ~Q(selection_union_id__in=tied)
    return q
