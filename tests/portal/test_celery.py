"""Tasks are queued only after commit; in CI (.ci/run) a real worker must answer `ping`."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction

from portal.celery import app, enqueue_on_commit
from portal.tasks import ping


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
        result = ping.delay().get(timeout=20)
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
