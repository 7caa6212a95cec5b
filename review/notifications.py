"""Telling people about the review: the authors' notifications (in the portal, and by e-mail when it
matters), marking them read, and the reviewers' daily digest of what waits in their queues.

E-mails are rendered from templates/mail/ by portal.mail and queued on commit (review.tasks).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.celery import enqueue_on_commit
from portal.mail import absolute_url, send_templated_mail, send_templated_mails
from portal.refusals import Refused

# review.tasks imports this module too (its tasks call these services): both import the other as a module,
# whose attributes are read at call time, so the cycle resolves at import.
from review import tasks
from review.enums import QueueStage
from review.models import Notification
from review.phases import tier_open
from review.scoping import ReviewerRole, queue_entries, reviewer_roles
from submissions.models import Entry
from submissions.tiers import REVIEWER_ROLE_KINDS


def entry_title(entry: Entry) -> str:
    return entry.title or entry.code


def author_entry_url(entry: Entry) -> str:
    """Where the author follows their entry: the submissions app's detail page."""
    return reverse("submissions:entry_detail", args=[entry.pk])


def notify_author(entry: Entry, kind: str, message: str, *, email: bool) -> Notification:
    """Notify the entry's author in the portal and, when `email`, queue the e-mail on commit."""
    notification = Notification.objects.create(user_id=entry.author_id, entry=entry, kind=kind, message=message)
    if email:
        enqueue_on_commit(tasks.task_send_notification_email, notification.pk)
    return notification


def notify_authors(items: list[tuple[Entry, str]], kind: str, *, email: bool) -> list[Notification]:
    """Notify the author of each entry of `items` ((entry, message) pairs) in the portal, in one insert,
    and e-mail them when `email` (one task for all, queued on commit). Used by review.experts and
    review.exhibition for the provincial result and the publication."""
    notifications = Notification.objects.bulk_create([
        Notification(user_id=entry.author_id, entry=entry, kind=kind, message=message) for entry, message in items])
    if email and notifications:
        enqueue_on_commit(tasks.task_send_notification_emails, [notification.pk for notification in notifications])
    return notifications


def notify_user(user_id: int, kind: str, message: str, *, subject: str, target_url: str,
                email: bool = False) -> Notification:
    """Notify a user about something other than an entry (a hazard, a tip, a return…): in the portal, with
    `subject` as its title and a link to `target_url` (a portal path), and by e-mail on commit when `email`.
    The other programmes' services call this, so every notice lands in the one 通知 list and badge."""
    notification = Notification.objects.create(user_id=user_id, kind=kind, message=message,
                                               subject=subject[:200], target_url=target_url[:300])
    if email:
        enqueue_on_commit(tasks.task_send_notification_email, notification.pk)
    return notification


def notify_users(items: list[tuple[int, str]], kind: str, *, subject: str, target_url: str,
                 email: bool = False) -> list[Notification]:
    """`notify_user` for several (user id, message) pairs in one insert and one e-mail task."""
    notifications = Notification.objects.bulk_create([
        Notification(user_id=user_id, kind=kind, message=message, subject=subject[:200], target_url=target_url[:300])
        for user_id, message in items])
    if email and notifications:
        enqueue_on_commit(tasks.task_send_notification_emails, [notification.pk for notification in notifications])
    return notifications


def email_notification(notification: Notification) -> bool:
    """E-mail a notification to its user once; False when there is nothing to send or nobody to send to."""
    user = notification.user
    if notification.emailed_at is not None or not user.is_active or not user.email:
        return False
    link = (author_entry_url(notification.entry) if notification.entry_id
            else notification.target_url or reverse("review:notifications"))
    send_templated_mail(user.email, "notification", {
        "kind": notification.get_kind_display(), "is_entry": bool(notification.entry_id),
        "title": entry_title(notification.entry) if notification.entry_id else notification.subject,
        "name": user.get_full_name(), "message": notification.message, "link": absolute_url(link)})
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def mark_notification_read(notification: Notification, *, actor) -> Notification:
    """Mark one of the actor's notifications read (no audit: reading is not a state change of the review)."""
    if notification.user_id != actor.pk:
        raise Refused.permission_denied()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_notifications_read(*, actor) -> int:
    """Mark all of the actor's notifications read; return how many were unread."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def waiting_counts(user, campaign: Campaign) -> list[tuple[ReviewerRole, int]]:
    """For each reviewer role of `user` whose tier can act now: how many entries wait in its queue."""
    counts = []
    for role in reviewer_roles(user):
        if role.is_committee or not tier_open(campaign, role.tier):
            continue
        count = queue_entries(user, role, campaign, QueueStage.PENDING).count()
        if count:
            counts.append((role, count))
    return counts


def send_review_digest(*, campaign: Campaign | None = None) -> int:
    """E-mail every reviewer with entries waiting for them a count per role and a link; return how many
    e-mails were sent. Counts go through the queue's own query, so they match what the link shows."""
    campaign = campaign or Campaign.objects.prefetch_related("phases").current()
    if campaign is None:
        return 0
    reviewers = (User.objects.filter(is_active=True, roles__kind__in=list(REVIEWER_ROLE_KINDS))
                 .exclude(email="").distinct().order_by("pk"))
    messages = []
    for user in reviewers:
        counts = waiting_counts(user, campaign)
        if not counts:
            continue
        messages.append((user.email, {
            "name": user.get_full_name(), "campaign": campaign.title,
            "total": sum(count for _role, count in counts),
            "lines": [{"role": role.label, "count": count,
                       "link": absolute_url(reverse("review:queue") + f"?role={role.pk}")} for role, count in counts]}))
    return send_templated_mails("review_digest", messages)
