"""`/health/`: database, Redis and Celery, each branch with its dependency faked through monkeypatch."""

import json
import os

import pytest
from django.core.cache import cache
from django.db import connection

from portal import health
from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db

REDIS_WITH_PASSWORD = "redis://:s3cret-password@127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def fresh_ping_cache():
    cache.delete(health.CELERY_PING_CACHE_KEY)
    yield
    cache.delete(health.CELERY_PING_CACHE_KEY)


class FakePing:
    """Stands in for celery_app.control.ping: returns `replies` (or raises) and counts the calls."""

    def __init__(self, replies=None, error=None):
        self.replies = replies or []
        self.error = error
        self.calls = []

    def __call__(self, timeout=None, **kwargs):
        self.calls.append(timeout)
        if self.error:
            raise self.error
        return self.replies


@pytest.fixture
def with_redis(settings, monkeypatch):
    """REDIS_URL set (with a password, to prove it never leaks) and Redis answering."""
    settings.REDIS_URL = REDIS_WITH_PASSWORD
    monkeypatch.setattr(health, "check_redis", lambda: "ok")
    return settings


def fake_ping(monkeypatch, **kwargs) -> FakePing:
    ping = FakePing(**kwargs)
    monkeypatch.setattr(celery_app.control, "ping", ping)
    return ping


def test_health_without_redis_reports_inline_celery(client, settings):
    settings.REDIS_URL = None
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "redis": "not configured (tasks run inline)", "celery": "inline"}}


def test_health_with_redis_and_workers_reports_their_number(client, with_redis, monkeypatch):
    ping = fake_ping(monkeypatch, replies=[{"w1@host": {"ok": "pong"}}, {"w2@host": {"ok": "pong"}}])
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "redis": "ok", "celery": "ok", "celery_workers": 2}}
    assert ping.calls == [health.CELERY_PING_TIMEOUT]


def test_health_with_redis_and_no_worker_is_503(client, with_redis, monkeypatch):
    fake_ping(monkeypatch, replies=[])
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["celery"] == "error: no worker" and body["checks"]["celery_workers"] == 0


def test_health_ping_failure_counts_as_no_worker(client, with_redis, monkeypatch):
    fake_ping(monkeypatch, error=ConnectionError(f"cannot reach {REDIS_WITH_PASSWORD}"))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["celery"] == "error: no worker"
    assert "s3cret" not in response.content.decode()


def test_health_ping_is_cached_for_ten_seconds(client, with_redis, monkeypatch):
    ping = fake_ping(monkeypatch, replies=[{"w1@host": {"ok": "pong"}}])
    for _ in range(5):
        assert client.get("/health/").status_code == 200
    assert len(ping.calls) == 1
    assert health.CELERY_PING_CACHE_SECONDS == 10
    cache.delete(health.CELERY_PING_CACHE_KEY)  # what expiry does after ten seconds
    client.get("/health/")
    assert len(ping.calls) == 2


def test_health_no_worker_is_cached_too(client, with_redis, monkeypatch):
    # While no worker runs, a monitor polling every second must not wait a second for each answer.
    ping = fake_ping(monkeypatch, replies=[])
    assert client.get("/health/").status_code == 503
    assert client.get("/health/").status_code == 503
    assert len(ping.calls) == 1


def test_health_redis_down_is_503_without_pinging(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://:s3cret-password@127.0.0.1:1/0"  # nothing listens on port 1
    ping = fake_ping(monkeypatch, replies=[{"w1@host": {"ok": "pong"}}])
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {
        "database": "ok", "redis": "error", "celery": "error: broker unreachable"}}
    assert ping.calls == []
    assert "s3cret" not in response.content.decode()


def test_health_database_down_is_503(client, settings, monkeypatch):
    settings.REDIS_URL = None

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("password authentication failed for user portal")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"
    assert "password" not in response.content.decode()


def test_health_never_echoes_settings_or_secrets(client, with_redis, monkeypatch, settings):
    fake_ping(monkeypatch, replies=[{"w1@host": {"ok": "pong"}}])
    text = json.dumps(client.get("/health/").json())
    for secret in ("s3cret", settings.SECRET_KEY, "redis://"):
        assert secret not in text


@pytest.mark.celery_worker
def test_health_reports_the_real_dependencies(client, settings):
    # .ci/run's PostgreSQL + Redis step starts a real worker: the health check must find it for real.
    response = client.get("/health/")
    body = response.json()
    if os.environ.get("PORTAL_REQUIRE_WORKER") == "1":
        assert response.status_code == 200, body
        assert body["checks"]["redis"] == "ok"
        assert body["checks"]["celery"] == "ok" and body["checks"]["celery_workers"] >= 1
    elif not settings.REDIS_URL:
        assert response.status_code == 200
        assert body["checks"]["celery"] == "inline"
    else:
        # A broker without a promised worker: either answer is honest, but never a 500.
        assert response.status_code in (200, 503)
    assert body["checks"]["database"] == "ok"
