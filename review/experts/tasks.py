"""Celery tasks of the expert review: they take ids, re-fetch, re-check and call a service."""

from celery import shared_task

from portal.accounts.models import User
from review.experts import services


@shared_task
def send_assignment_notice(expert_id: int, count: int) -> bool:
    """E-mail an expert that `count` new entries wait for their score (no entry details in the mail)."""
    expert = User.objects.filter(pk=expert_id).first()
    if expert is None:
        return False
    return services.email_assignment_notice(expert, count)


@shared_task
def send_expert_reminders(days: int = services.REMINDER_DAYS) -> int:
    """Daily reminder before the review deadline (celery beat, or cron `manage.py send_expert_reminders`)."""
    return services.send_expert_reminders(days=days)
