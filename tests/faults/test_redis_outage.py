"""The "Done when" fault test of issue 12: Redis dies (SIGKILL, no persistence) during uploads and exports
and comes back empty; once the periodic repair has run, every photo has its thumbnail and preview and
every export is finished, or failed with a message.

It starts its own redis-server on a free port and a real Celery worker on the test database, so it needs
PostgreSQL; .ci/run runs it in step 2 (`pytest -m faults`).
"""

import logging
import os
import signal
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from portal.exports.enums import FINISHED_STATES, ExportStatus
from portal.exports.models import ExportJob
from portal.exports.services import request_export
from submissions import services
from submissions.enums import PhotoKind
from submissions.models import Entry, Photo
from tests.factories import make_entry, small_jpeg, upload
from tests.faults.conftest import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

logger = logging.getLogger(__name__)


def all_photos_have_derivatives() -> bool:
    return not Photo.objects.filter(thumbnail="").exists() and not Photo.objects.filter(preview="").exists()


def all_exports_finished() -> bool:
    return not ExportJob.objects.exclude(status__in=FINISHED_STATES).exists()


def test_a_redis_outage_during_uploads_and_exports_loses_nothing(redis_and_worker, people, org, small_campaign,
                                                                 settings, capsys):
    redis, worker = redis_and_worker
    author, city = people["worker"], people["city"]
    entries = [make_entry(author, campaign=small_campaign) for _ in range(2)]
    photo_number = iter(range(100))

    def upload_photos(entry, count):
        for _ in range(count):
            services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(next(photo_number))), actor=author)

    def request_exports(count):
        return [request_export("fujian2", {"union": str(org.city_a.pk)}, actor=city) for _ in range(count)]

    # Redis up: the worker makes derivatives and exports as usual.
    upload_photos(entries[0], 2)
    request_exports(1)

    # Redis crashes mid-way: uploads and export requests still succeed for the user, quickly.
    redis.kill()
    started = time.monotonic()
    upload_photos(entries[0], 2)
    upload_photos(entries[1], 2)
    lost_exports = request_exports(2)
    took = time.monotonic() - started
    with capsys.disabled():
        print(f"\n[faults] 4 uploads + 2 export requests with Redis down took {took:.1f} s")
    assert Photo.objects.count() == 6
    assert all(job.status == ExportStatus.PENDING for job in lost_exports)

    # Redis comes back empty; the worker reconnects; the periodic repair (here the command) queues again
    # what the outage lost. Everything counts as stranded at once (no grace period in the test).
    redis.start()
    settings.PORTAL_REQUEUE_AFTER_MINUTES = 0
    wait_until(lambda: worker.process.poll() is not None or _worker_answers(), timeout=60,
               what="the worker to reconnect")
    assert worker.process.poll() is None, "the worker died with Redis"
    call_command("requeue_stranded")

    wait_until(lambda: all_photos_have_derivatives() and all_exports_finished(), timeout=90,
               what="every photo's derivatives and every export")
    for photo in Photo.objects.all():
        storage = photo.original.storage
        assert storage.exists(photo.thumbnail.name) and storage.exists(photo.preview.name)
    for job in ExportJob.objects.all():
        assert job.status in (ExportStatus.DONE, ExportStatus.FAILED)
        if job.status == ExportStatus.DONE:
            assert job.file and job.file.storage.exists(job.file.name) and job.size > 0
        else:
            assert job.error
    # The user is not locked out of exports by the jobs the outage stranded.
    request_export("fujian2", {"union": str(org.city_a.pk)}, actor=city)


def _worker_answers() -> bool:
    from portal.celery import app

    try:
        return bool(app.control.ping(timeout=0.5))
    except Exception:
        return False


def test_an_export_whose_worker_process_is_killed_is_run_again_without_its_partial_file(
        redis_and_worker, people, org, small_campaign, settings):
    # Issue 12.5: the pool process generating an export dies (the OOM killer); Celery redelivers the task
    # (acks_late, reject_on_worker_lost) and the job starts again instead of staying "running" at 0 %.
    _redis, worker = redis_and_worker
    author, city = people["worker"], people["city"]
    make_entry(author, campaign=small_campaign)
    exports = Path(settings.MEDIA_ROOT) / "exports"
    # Another connection holds the entries table, so the export stops at its first read of the entries,
    # after it has marked the job running and opened its file.
    blocker = connections.create_connection(DEFAULT_DB_ALIAS)
    blocker.set_autocommit(False)
    try:
        with blocker.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Entry._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        job = request_export("fujian2", {"union": str(org.city_a.pk)}, actor=city)
        wait_until(lambda: ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).exists()
                   and files_in(exports), timeout=30, what="the export to start")
        partial = files_in(exports)
        assert [path.stat().st_size for path in partial] == [0]
        (child,) = worker.child_pids()
        os.kill(child, signal.SIGKILL)
        # Redelivered at once to a new pool process, which starts the job again (and waits on the lock).
        wait_until(lambda: ExportJob.objects.filter(pk=job.pk, attempts=2).exists(), timeout=30,
                   what="the redelivered export to start again")
    finally:
        blocker.rollback()
        blocker.close()
    wait_until(lambda: ExportJob.objects.filter(pk=job.pk, status__in=FINISHED_STATES).exists(), timeout=60,
               what="the export to finish")
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.attempts == 2
    assert files_in(exports) == [Path(settings.MEDIA_ROOT) / job.file.name]  # the partial file is gone
    assert job.size > 0


def files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
