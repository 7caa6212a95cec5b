"""Celery tasks of the review: they take ids, re-fetch, re-check and call a service."""

from celery import shared_task

from review import notifications
from review.models import Notification


@shared_task
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its user, if it still exists and still concerns them."""
    notification = Notification.objects.select_related("user", "entry").filter(pk=notification_id).first()
    if notification is None:
        return False
    # The entry may have been handed to another account since; only its author hears about it.
    if notification.entry_id is not None and notification.entry.author_id != notification.user_id:
        return False
    return notifications.email_notification(notification)


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail several notifications (the results of a whole campaign); returns how many were sent."""
    return sum(1 for pk in notification_ids if send_notification_email(pk))


@shared_task
def send_review_digest() -> int:
    """The daily digest to reviewers (schedule it with celery beat, or cron `manage.py send_review_digest`)."""
    return notifications.send_review_digest()
