"""`GET /health/`: is the database up, and with REDIS_URL, Redis and at least one Celery worker.

Meant for a load balancer or a monitor polling every few seconds, so it stays cheap: the Celery ping
(a broadcast that waits up to a second for replies) is cached for CELERY_PING_CACHE_SECONDS. Answers are
fixed words, never an exception's text, which could carry a URL with its password.
"""

import contextlib

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from portal.celery import app as celery_app

CELERY_PING_CACHE_KEY = "portal:health:celery-workers"
CELERY_PING_CACHE_SECONDS = 10
CELERY_PING_TIMEOUT = 1.0


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any driver error means the same thing here: not healthy
        return "error"
    return "ok"


def check_redis() -> str:
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception:  # connection refused, timeout, auth: all unhealthy
        return "error"
    return "ok"


def count_celery_workers() -> int:
    """How many workers answer a ping within CELERY_PING_TIMEOUT; cached, since each ping waits."""
    try:
        cached = cache.get(CELERY_PING_CACHE_KEY)
    except Exception:  # the cache is Redis too: its failure is reported by check_redis
        cached = None
    if cached is not None:
        return cached
    try:
        replies = celery_app.control.ping(timeout=CELERY_PING_TIMEOUT) or []
    except Exception:  # broker unreachable: no worker can be reached either
        replies = []
    workers = len(replies)
    # A cache outage only costs the next check another ping.
    with contextlib.suppress(Exception):
        cache.set(CELERY_PING_CACHE_KEY, workers, CELERY_PING_CACHE_SECONDS)
    return workers


def health(request):
    """Liveness of the database and, when configured, Redis and Celery; 503 when a dependency is down."""
    checks = {"database": check_database()}
    healthy = checks["database"] == "ok"
    if settings.REDIS_URL:
        checks["redis"] = check_redis()
        if checks["redis"] == "ok":
            workers = count_celery_workers()
            checks["celery"] = "ok" if workers else "error: no worker"
            checks["celery_workers"] = workers
        else:
            # The broker is that Redis: a ping could not reach any worker.
            checks["celery"] = "error: broker unreachable"
        healthy = healthy and checks["redis"] == "ok" and checks["celery"] == "ok"
    else:
        checks["redis"] = "not configured (tasks run inline)"
        checks["celery"] = "inline"
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks},
                        status=200 if healthy else 503)
