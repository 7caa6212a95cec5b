"""Celery tasks of the export framework: they take ids, re-fetch and re-check (in the services)."""

from celery import shared_task

from portal.exports import services


@shared_task(bind=True)
def run_export(self, job_id: int) -> str | None:
    """Generate the file of export job `job_id`; returns its final status.

    A redelivered task (acks_late: the worker that had it died) restarts a job left running.
    """
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    job = services.run_export_job(job_id, redelivered=redelivered)
    return job.status if job is not None else None


@shared_task
def purge_expired_exports() -> int:
    """Delete expired export files (schedule hourly with celery beat, or cron `manage.py purge_expired_exports`)."""
    return services.purge_expired_exports()


@shared_task
def requeue_stranded_exports() -> int:
    """Queue again the exports nobody works on (lost while Redis was down, or their worker died)."""
    return services.requeue_stranded_exports()
