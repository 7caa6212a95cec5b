"""Celery tasks of the expert review: leaves that take ids, re-fetch, re-check and call a service.

Each keeps the wire name it was first registered under (`name=`, also what CELERY_BEAT_SCHEDULE names):
a message queued before the rename must still find its task.
"""

from celery import shared_task

from portal.accounts.models import User
from review.experts import services


@shared_task(name="review.experts.tasks.send_assignment_notice")
def task_send_assignment_notice(expert_id: int, count: int) -> bool:
    """E-mail an expert that `count` new entries wait for their score (no entry details in the mail)."""
    expert = User.objects.filter(pk=expert_id).first()
    if expert is None:
        return False
    return services.email_assignment_notice(expert, count)


@shared_task(name="review.experts.tasks.send_expert_reminders")
def task_send_expert_reminders(days: int | None = None) -> int:
    """Daily reminder before the review deadline (celery beat, or cron `manage.py send_expert_reminders`);
    `days` defaults to the service's REMINDER_DAYS (read at run time: the services module imports this one)."""
    if days is None:
        return services.send_expert_reminders()
    return services.send_expert_reminders(days=days)
