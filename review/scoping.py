"""Which entries a reviewer sees, and at which tier: always a narrowing of entries_for_user."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from review.enums import QueueStage
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from submissions.scoping import entries_for_user
from submissions.tiers import REVIEWER_ROLE_KINDS, TIERS, tier_of_role


@dataclass(frozen=True)
class ReviewerRole:
    """A user acting as a reviewer for one node at one tier."""

    role: Role

    @property
    def pk(self) -> int:
        return self.role.pk

    @property
    def kind(self) -> str:
        return self.role.kind

    @property
    def node(self):
        return self.role.node

    @property
    def node_id(self):
        return self.role.node_id

    @property
    def tier(self) -> Tier:
        return tier_of_role(self.role.kind)

    @property
    def is_committee(self) -> bool:
        return self.role.kind == RoleKind.COMMITTEE

    @property
    def label(self) -> str:
        return f"{self.role.get_kind_display()} · {self.role.node}" if self.role.node_id else str(
            self.role.get_kind_display())

    def scope_q(self) -> Q:
        """Entries of this role's node that have reached its tier (the committee: the province list)."""
        return TIERS[self.tier].reached_q(self.node_id)


def reviewer_roles(user) -> list[ReviewerRole]:
    if not user.is_authenticated:
        return []
    return [ReviewerRole(role) for role in user.role_list if role.kind in REVIEWER_ROLE_KINDS]


def pick_role(user, role_id) -> ReviewerRole | None:
    """The reviewer role chosen with ?role=<id>, or the user's first (highest) reviewer role."""
    roles = reviewer_roles(user)
    if not roles:
        return None
    try:
        wanted = int(role_id) if role_id not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    return next((role for role in roles if role.pk == wanted), roles[0])


def review_scope_q(user) -> Q | None:
    roles = reviewer_roles(user)
    if not roles:
        return None
    q = Q()
    for role in roles:
        q |= role.scope_q()
    return q


def entries_for_reviewer(user, campaign=None) -> QuerySet[Entry]:
    """Entries `user` may open on the review pages: their entries_for_user, minus what they see only as
    author (an author never reads the internal review record of their own entry here)."""
    q = review_scope_q(user)
    if q is None:
        return Entry.objects.none()
    return entries_for_user(user, campaign).filter(q)


STAGE_LABELS = dict(QueueStage.choices)
STAGE_HINTS = {
    QueueStage.PENDING: _("在本级等待处理的作品"),
    QueueStage.HERE: _("当前在本级的全部作品，含退回、未入选"),
    QueueStage.UP: _("本级已推荐/报送、已到上一级的作品"),
}


def queue_entries(user, role: ReviewerRole, campaign, stage: str = QueueStage.PENDING) -> QuerySet[Entry]:
    """The entries of `role`'s queue: entries_for_user narrowed to the role's node and tier, then to a stage."""
    entries = entries_for_user(user, campaign).filter(role.scope_q())
    tier = role.tier
    if stage == QueueStage.PENDING:
        entries = entries.filter(tier=tier, state__in=TIERS[tier].pending_states)
    elif stage == QueueStage.HERE:
        entries = entries.filter(tier=tier)
    elif stage == QueueStage.UP:
        entries = entries.filter(tier__gt=tier)
    # A withdrawn entry has left the campaign; it never clutters a queue.
    return entries.exclude(state=EntryState.WITHDRAWN)
