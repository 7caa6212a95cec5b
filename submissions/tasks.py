from celery import shared_task

from submissions import services
from submissions.models import Photo


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=120, max_retries=4)
def make_photo_derivatives(photo_id: int) -> list[str]:
    """Make the thumbnail and preview of a photo; a photo deleted in the meantime is skipped quietly.

    Storage errors (OSError: a network file system or S3 hiccup) are retried with back-off.
    """
    photo = Photo.objects.select_related("entry").filter(pk=photo_id).first()
    if photo is None:
        return []
    return services.create_photo_derivatives(photo)
