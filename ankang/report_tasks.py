"""Periodic job of the year's 活动开展情况 report (a leaf: it calls the service). Imported from
AnkangConfig.ready, since Celery's autodiscovery only looks for `tasks` modules."""

from celery import shared_task

from ankang import report


@shared_task(name="ankang.report_tasks.task_remind_ankang_reports")
def task_remind_ankang_reports() -> int:
    """Daily: remind the unions without a submitted report, once on each of the competition's reminder days."""
    return report.remind_reports()
