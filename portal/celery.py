"""The Celery application.

Without REDIS_URL, settings make Celery run tasks inline (eager), so development and the default
test run need no broker; with REDIS_URL a real worker (`make worker`) consumes them.
"""

import logging
import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# portal/tasks.py is in the project package, which is not an installed app, so autodiscovery misses it.
app = Celery("portal", include=["portal.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue `task` with the given (JSON-serialisable) arguments once the current transaction commits.

    A task queued inside a transaction that later rolls back would act on rows that never existed,
    and a worker could pick it up before the commit makes the rows visible.
    """
    transaction.on_commit(lambda: _send(task, args, kwargs), robust=True)


def _send(task, args, kwargs) -> None:
    # A broker outage must not turn a saved change into a 500: the change is committed, and the periodic
    # `requeue_stranded` job finds the work it implies (photos without derivatives, pending exports) and
    # queues it again once Redis is back. The publish retry policy in settings keeps this wait short.
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        logger.warning("could not queue %s%r; requeue_stranded will queue it again", getattr(task, "name", task),
                       args, exc_info=True)
