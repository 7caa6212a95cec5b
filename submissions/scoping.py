"""The one query that decides which entries a user may see; every list, detail, count and export uses it."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from portal.accounts.enums import RoleKind
from submissions.enums import EntryState, Tier
from submissions.models import Entry, ExpertAssignment
from submissions.tiers import TIERS, tier_of_role


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
    for role in user.role_list:
        tier = tier_of_role(role.kind)
        if tier is None:
            continue
        spec = TIERS[tier]
        # A node-scoped reviewer sees its node's entries from its tier up; the province-wide role (the
        # committee) sees every submitted entry, the lower tiers' work included.
        visible |= (spec.reached_q(role.node_id) if spec.node_field else Q()) & not_draft
    if include_assigned and user.has_role(RoleKind.EXPERT):
        visible |= _assigned_q(user) & not_draft
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
