import os
import socket

from celery import shared_task
from django.core.cache import cache

# How long a ping's reply waits in the cache for whoever asked.
PING_REPLY_SECONDS = 60


@shared_task(name="portal.tasks.ping")  # the wire name the worker tests ask for
def task_ping(reply_key: str | None = None) -> dict:
    """Report which process ran the task: CI uses it to prove a real worker runs tasks.

    There is no result backend (settings), so a caller in another process passes `reply_key` and reads
    the reply from the cache, which is the same Redis.
    """
    reply = {"host": socket.gethostname(), "pid": os.getpid()}
    if reply_key:
        cache.set(reply_key, reply, PING_REPLY_SECONDS)
    return reply
