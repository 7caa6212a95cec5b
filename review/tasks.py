"""Celery tasks of the review: leaves that take ids, re-fetch, re-check and call a service.

Each keeps the wire name it was first registered under (`name=`, also what CELERY_BEAT_SCHEDULE names):
a message queued before the rename must still find its task.
"""

from celery import shared_task

from review import notifications
from review.models import Notification


def _email_notification(notification_id: int) -> bool:
    notification = Notification.objects.select_related("user", "entry").filter(pk=notification_id).first()
    if notification is None:
        return False
    # The entry may have been handed to another account since; only its author hears about it.
    if notification.entry_id is not None and notification.entry.author_id != notification.user_id:
        return False
    return notifications.email_notification(notification)


@shared_task(name="review.tasks.send_notification_email")
def task_send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its user, if it still exists and still concerns them."""
    return _email_notification(notification_id)


@shared_task(name="review.tasks.send_notification_emails")
def task_send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail several notifications (the results of a whole campaign); returns how many were sent."""
    return sum(1 for pk in notification_ids if _email_notification(pk))


@shared_task(name="review.tasks.send_review_digest")
def task_send_review_digest() -> int:
    """The daily digest to reviewers (schedule it with celery beat, or cron `manage.py send_review_digest`)."""
    return notifications.send_review_digest()
