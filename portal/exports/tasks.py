"""Celery tasks of the export framework: they take ids, re-fetch and re-check (in the services)."""

from celery import shared_task

from portal.exports import services


@shared_task
def run_export(job_id: int) -> str | None:
    """Generate the file of export job `job_id`; returns its final status."""
    job = services.run_export_job(job_id)
    return job.status if job is not None else None


@shared_task
def purge_expired_exports() -> int:
    """Delete expired export files (schedule hourly with celery beat, or cron `manage.py purge_expired_exports`)."""
    return services.purge_expired_exports()
