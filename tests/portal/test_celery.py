"""Tasks are queued only after commit; in CI (.ci/run) a real worker must answer `ping`."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from portal.celery import app, enqueue_on_commit
from portal.tasks import task_ping as ping


class RecordingTask:
    """Stands in for a Celery task: records apply_async calls instead of queueing."""

    def __init__(self):
        self.calls = []

    def apply_async(self, args=(), kwargs=None):
        self.calls.append((args, kwargs))


@pytest.mark.django_db
def test_enqueue_on_commit_queues_nothing_when_rolled_back(django_capture_on_commit_callbacks):
    task = RecordingTask()
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        enqueue_on_commit(task, 1, kind="photo")
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert task.calls == []


@pytest.mark.django_db
def test_enqueue_on_commit_queues_once_after_commit(django_capture_on_commit_callbacks):
    task = RecordingTask()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue_on_commit(task, 7, "x", kind="photo")
        assert task.calls == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert task.calls == []
    callbacks[0]()
    assert task.calls == [((7, "x"), {"kind": "photo"})]


@pytest.mark.django_db
def test_enqueue_on_commit_runs_a_real_task_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    # With tasks inline (tests/conftest.py), the queued ping actually runs once the callbacks fire.
    results = []
    original = ping.apply_async

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        results.append(result.get(timeout=20))
        return result

    monkeypatch.setattr(ping, "apply_async", spy)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(ping)
    assert len(callbacks) == 1
    assert len(results) == 1 and results[0]["pid"] == os.getpid()


def test_worker_registers_the_ping_task():
    # A worker knows only the modules it imports itself; this process imported portal.tasks above, so ask
    # a fresh interpreter what a worker would load.
    code = ("from portal.celery import app\n"
            "app.loader.import_default_modules()\n"
            "print('portal.tasks.ping' in app.tasks)")
    env = {**os.environ, "PORTAL_DEBUG": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_ping_is_answered_by_the_configured_executor():
    if os.environ.get("PORTAL_REQUIRE_WORKER") == "1":
        # .ci/run: REDIS_URL is set and a worker was started; a worker in another process must answer.
        assert settings.CELERY_TASK_ALWAYS_EAGER is False
        assert app.conf.task_always_eager is False
        # No result backend (settings): the worker leaves its reply in the cache, the same Redis.
        key = f"test:ping:{uuid.uuid4().hex}"
        ping.delay(reply_key=key)
        result = wait_for(lambda: cache.get(key), timeout=20)
        assert result is not None, "no worker ran the ping task within 20 s"
        assert result["pid"] != os.getpid()
    elif settings.CELERY_TASK_ALWAYS_EAGER:
        # No REDIS_URL: the task runs inline, in this very process.
        assert not settings.REDIS_URL
        result = ping.delay().get(timeout=5)
        assert result["pid"] == os.getpid()
    else:
        # A broker without PORTAL_REQUIRE_WORKER: no worker is promised, so run the task here.
        result = ping.apply().get()
        assert result["pid"] == os.getpid()
    assert set(result) == {"host", "pid"}


def test_ping_runs_inline_outside_worker_tests():
    # tests/conftest.py makes every test not marked celery_worker run tasks inline, even with REDIS_URL.
    assert app.conf.task_always_eager is True
    assert ping.delay().get(timeout=5)["pid"] == os.getpid()


def wait_for(read, *, timeout):
    """Poll `read` until it returns something, for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if value is not None:
            return value
        time.sleep(0.2)
    return None


def test_no_result_backend_is_configured():
    # Nothing reads a task's result from another process; a Redis result backend only made each queued
    # task wait for Redis again during an outage (issue 12.4).
    assert settings.CELERY_RESULT_BACKEND is None
    assert settings.CELERY_TASK_IGNORE_RESULT is True
    assert type(app.backend).__name__ == "DisabledBackend"


def test_ping_leaves_its_reply_in_the_cache_when_asked():
    reply = ping.delay(reply_key="test:ping:reply").get(timeout=5)
    assert cache.get("test:ping:reply") == reply


def test_queueing_during_a_broker_outage_is_bounded():
    # A request that queues a task must not hang for long when Redis is down: one short retry at most.
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    assert policy["max_retries"] <= 1 and policy["interval_max"] <= 1
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 5
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] <= 5 and options["socket_timeout"] <= 5


def test_visibility_timeout_fits_the_longest_task_and_is_under_an_hour_by_default():
    # A task held by a killed worker comes back after the visibility timeout; longer than the task time
    # limit (no live task is delivered twice), shorter than kombu's default hour.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < visibility < 3600
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility


@pytest.mark.django_db
def test_enqueue_on_commit_survives_a_broker_outage(django_capture_on_commit_callbacks, caplog):
    class BrokenBroker:
        name = "broken"

        def apply_async(self, args=(), kwargs=None):
            raise ConnectionRefusedError(111, "Connection refused")

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(BrokenBroker(), 3)
    assert "requeue_stranded" in caplog.text


# The health check's Celery, Redis and database branches are tested in tests/portal/test_health.py.


def test_every_periodic_job_names_a_task_a_worker_registers():
    # A typo in CELERY_BEAT_SCHEDULE would only show at 08:00 in production; ask a fresh interpreter.
    code = ("import django, json\n"
            "django.setup()\n"
            "from django.conf import settings\n"
            "from portal.celery import app\n"
            "app.loader.import_default_modules()\n"
            "print(json.dumps([job['task'] for job in settings.CELERY_BEAT_SCHEDULE.values()\n"
            "                  if job['task'] not in app.tasks]))")
    env = {**os.environ, "PORTAL_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert len(settings.CELERY_BEAT_SCHEDULE) >= 3
