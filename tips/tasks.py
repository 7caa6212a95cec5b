"""Periodic jobs of the tip line (leaves: they call tips/clocks.py)."""

from celery import shared_task

from tips.clocks import check_tip_clocks


@shared_task(name="tips.tasks.task_check_tip_clocks")
def task_check_tip_clocks() -> dict:
    """Daily: reminders before and escalation after the tips' clocks, lapsed reward claims."""
    report = check_tip_clocks()
    return {"reminders": report.reminders, "escalations": report.escalations, "lapsed": report.lapsed}
