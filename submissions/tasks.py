"""Celery tasks of the submissions app: leaves that take ids, re-fetch and call a service.

Each keeps the wire name it was first registered under (`name=`): a message queued before a rename must
still find its task.
"""

from celery import shared_task

from submissions import requeue, services, tus
from submissions.models import Photo


@shared_task(name="submissions.tasks.make_photo_derivatives",
             autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=120, max_retries=4)
def task_make_photo_derivatives(photo_id: int) -> list[str]:
    """Make the thumbnail and preview of a photo; a photo deleted in the meantime is skipped quietly.

    Storage errors (OSError: a network file system or S3 hiccup) are retried with back-off.
    """
    photo = Photo.objects.select_related("entry").filter(pk=photo_id).first()
    if photo is None:
        return []
    return services.create_photo_derivatives(photo)


@shared_task(name="submissions.tasks.requeue_stranded")
def task_requeue_stranded() -> dict:
    """The periodic repair after a Redis or worker outage (also `manage.py requeue_stranded`): photos
    without derivatives and exports nobody works on are queued again."""
    return requeue.requeue_stranded()


@shared_task(name="submissions.tasks.remove_stale_tus_uploads")
def task_remove_stale_tus_uploads() -> int:
    """The periodic clean-up of resumable uploads past PORTAL_TUS_MAX_AGE_HOURS (submissions.tus)."""
    return tus.remove_stale_uploads()
