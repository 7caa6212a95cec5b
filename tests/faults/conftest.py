"""The fault tests' own Redis and Celery worker: started by the test, on a free port, and killed at will."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from portal.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, timeout: float, interval: float = 0.25, what: str = "condition"):
    """Poll `check` until it returns a true value; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class RedisServer:
    """A throw-away redis-server without persistence: killing it loses every queued task, as in the audit."""

    def __init__(self, folder: Path):
        executable = shutil.which("redis-server")
        if executable is None:
            # Fail, not skip: CI must not pass without the fault test (apt-get install redis-server).
            pytest.fail("redis-server is not installed; the fault tests need it")
        self.executable, self.folder, self.port = executable, folder, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, timeout=20, what="redis-server to start")

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: a crash, not a shutdown; whatever the queues held is gone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


class CeleryWorker:
    """`celery -A portal worker` in its own process, on the test's database, media folder and Redis."""

    def __init__(self, redis: RedisServer, media_root: Path, log: Path):
        self.redis, self.media_root, self.log = redis, media_root, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        db = connection.settings_dict
        database_url = (f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}")
        env = {**os.environ, "PORTAL_DEBUG": "1", "DATABASE_URL": database_url, "REDIS_URL": self.redis.url,
               "PORTAL_MEDIA_ROOT": str(self.media_root)}
        env.pop("PORTAL_REQUIRE_WORKER", None)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork", "--concurrency=1",
                 "--loglevel=INFO",
                 f"--hostname=faults-{self.redis.port}@%h", "--without-gossip", "--without-mingle"],
                cwd=django_settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: self.process.poll() is not None or celery_app.control.ping(timeout=0.5),
                   timeout=60, what="the Celery worker to answer a ping")
        assert self.process.poll() is None, self.log.read_text()[-3000:]

    def child_pids(self) -> list[int]:
        """The pool processes that run the tasks (the parent acks, requeues and answers pings)."""
        stats = celery_app.control.inspect(timeout=2).stats() or {}
        return [pid for worker in stats.values() for pid in worker.get("pool", {}).get("processes", [])]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def point_celery_at(url: str | None, eager: bool) -> None:
    """Make this process queue tasks on `url` (a new connection pool), or run them inline again."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url
    celery_app.conf.broker_write_url = None
    celery_app.conf.broker_read_url = None
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def redis_and_worker(tmp_path, settings):
    """A redis-server and a real worker of the test's own; this process queues its tasks there."""
    if connection.vendor != "postgresql":
        pytest.skip("the fault tests need PostgreSQL (the worker shares the test database): .ci/run step 2")
    redis = RedisServer(tmp_path)
    redis.start()
    was_broker, was_eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    point_celery_at(redis.url, eager=False)
    worker = CeleryWorker(redis, Path(settings.MEDIA_ROOT), tmp_path / "worker.log")
    try:
        worker.start()
        yield redis, worker
    finally:
        worker.stop()
        redis.kill()
        point_celery_at(was_broker, eager=was_eager)
