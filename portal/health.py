from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def health(request):
    """Liveness of the database and, when configured, Redis; 503 when a dependency is down."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # any driver error means the same thing here: not healthy
        checks["database"] = "error"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:  # connection refused, timeout, auth: all unhealthy
            checks["redis"] = "error"
    else:
        checks["redis"] = "not configured (tasks run inline)"
    healthy = all(value != "error" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
