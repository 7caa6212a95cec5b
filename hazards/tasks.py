"""Celery tasks of the ledger: leaves that call a service (the wire name is what CELERY_BEAT_SCHEDULE names)."""

from celery import shared_task

from hazards.digest import send_hazard_digest


@shared_task(name="hazards.tasks.send_hazard_digest")
def task_send_hazard_digest() -> int:
    """The daily digest of the ledger (assigned, due soon, overdue, returned, verified, closed)."""
    return send_hazard_digest()
