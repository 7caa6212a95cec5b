"""Periodic jobs of the backups app (leaves: they call a service)."""

import datetime

from celery import shared_task
from django.conf import settings

from portal.backups.orphans import purge_orphans


@shared_task
def task_purge_orphan_files() -> int:
    """Remove stored files no row refers to (weekly from beat; `purge_orphan_files --delete` by hand)."""
    count, _bytes = purge_orphans(datetime.timedelta(minutes=settings.PORTAL_ORPHAN_MIN_AGE_MINUTES))
    return count
