"""Celery tasks of the export framework: leaves that take ids and call a service (which re-fetches and re-checks).

Each keeps the wire name it was first registered under (`name=`, also what CELERY_BEAT_SCHEDULE names).
"""

from celery import shared_task

# services imports this module too (to queue task_run_export): both import the other as a module, whose
# attributes are read at call time, so the cycle resolves at import.
from portal.exports import services


@shared_task(bind=True, name="portal.exports.tasks.run_export")
def task_run_export(self, job_id: int) -> str | None:
    """Generate the file of export job `job_id`; returns its final status.

    A redelivered task (acks_late: the worker that had it died) restarts a job left running.
    """
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    job = services.run_export_job(job_id, redelivered=redelivered)
    return job.status if job is not None else None


@shared_task(name="portal.exports.tasks.purge_expired_exports")
def task_purge_expired_exports() -> int:
    """Delete expired export files (schedule hourly with celery beat, or cron `manage.py purge_expired_exports`)."""
    return services.purge_expired_exports()


@shared_task(name="portal.exports.tasks.requeue_stranded_exports")
def task_requeue_stranded_exports() -> int:
    """Queue again the exports nobody works on (lost while Redis was down, or their worker died)."""
    return services.requeue_stranded_exports()
