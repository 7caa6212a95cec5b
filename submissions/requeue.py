"""Queue again the work a Redis or worker outage stranded: the periodic `requeue-stranded` job
(submissions.tasks.task_requeue_stranded) and `manage.py requeue_stranded`."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from portal.exports.services import requeue_stranded_exports
from submissions import tasks
from submissions.models import Photo

logger = logging.getLogger(__name__)

# At most this many photos are queued again per run: a backlog drains over a few runs, not in one burst.
REQUEUE_BATCH = 500


def photos_missing_derivatives(*, at=None) -> list[int]:
    """Ids of photos uploaded more than PORTAL_REQUEUE_AFTER_MINUTES ago that still lack a thumbnail or
    preview: their task was lost (queued while Redis was down) or failed for good."""
    before = (at or timezone.now()) - timedelta(minutes=settings.PORTAL_REQUEUE_AFTER_MINUTES)
    missing = Photo.objects.filter(Q(thumbnail="") | Q(preview=""), uploaded_at__lte=before)
    return list(missing.order_by("pk").values_list("pk", flat=True)[:REQUEUE_BATCH])


def requeue_missing_derivatives(*, at=None) -> int:
    """Queue the derivatives task again for photos_missing_derivatives(); returns how many.

    Safe to repeat: the task makes only the copies that are missing.
    """
    photo_ids = photos_missing_derivatives(at=at)
    for photo_id in photo_ids:
        tasks.task_make_photo_derivatives.apply_async(args=[photo_id])
    if photo_ids:
        logger.warning("queued the derivatives of %d photo(s) again", len(photo_ids))
    return len(photo_ids)


def requeue_stranded() -> dict:
    """Photos without derivatives and exports nobody works on, queued again: {"photos": n, "exports": n}."""
    return {"photos": requeue_missing_derivatives(), "exports": requeue_stranded_exports()}
