"""Periodic jobs of the 查保促 returns (leaves: they call a service)."""

from celery import shared_task

from returns import services


@shared_task(name="returns.tasks.task_remind_returns")
def task_remind_returns() -> int:
    """Daily: remind the filers that have not filed a return due within the reminder days."""
    return services.remind_returns()
