"""State changes of exports: request a job, run it (the body of `task_run_export`), purge old files.

Views call these, never the ORM directly. Generation happens outside any transaction, so the progress
the task writes is visible to the polling page at once.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
import time
from collections.abc import Mapping
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.celery import enqueue_on_commit

# tasks imports this module too (its tasks call these services): both import the other as a module, whose
# attributes are read at call time, so the cycle resolves at import.
from portal.exports import tasks
from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob, export_ttl, export_upload_to
from portal.exports.registry import ExportKind, get_export_kind
from portal.refusals import Refused

logger = logging.getLogger(__name__)

# At most this many of a user's exports may be waiting or running at once.
MAX_ACTIVE_JOBS_PER_USER = 5
# Progress is written at most this often (seconds), and only when the percentage changed.
PROGRESS_INTERVAL = 0.5
CHUNK = 1024 * 1024


@transaction.atomic
def request_export(kind: str, data: Mapping, *, actor, request=None) -> ExportJob:
    """Create an export job of `kind` for `actor` from posted `data` and queue `task_run_export` on commit.

    Raises Refused (a message for the user) for an unknown kind, a kind not offered to the actor,
    parameters that are invalid or outside the actor's scope, or too many exports already running.
    Audited as "exports.request" with the kind and the cleaned parameters.
    """
    export_kind = get_export_kind(kind)
    if export_kind is None or not actor.is_authenticated or not export_kind.available_to(actor):
        raise Refused(_("没有这种导出，或您无权进行此项导出。"))
    params = export_kind.clean_params(actor, data)
    if not export_kind.allowed(actor, params):
        raise Refused(_("您无权进行此项导出。"))
    active = ExportJob.objects.filter(requested_by=actor, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING])
    if active.count() >= MAX_ACTIVE_JOBS_PER_USER:
        raise Refused(_("您已有 %(count)d 个导出正在生成，请等它们完成后再试。") % {
            "count": MAX_ACTIVE_JOBS_PER_USER})
    job = ExportJob.objects.create(kind=kind, params=params, requested_by=actor,
                                   download_name=export_kind.download_name(params)[:200])
    record_audit(actor, "exports.request", job, summary=job.download_name,
                 changes={"kind": kind, "params": params}, request=request)
    enqueue_on_commit(tasks.task_run_export, job.pk)
    return job


class ProgressReporter:
    """The `progress(done, total)` callback handed to a generator: writes the job's percentage, throttled."""

    def __init__(self, job: ExportJob):
        self.job = job
        self.last_percent = -1
        self.last_write = 0.0

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        # 99 at most until the file is stored: 100 means "ready".
        percent = max(0, min(99, int(done * 100 / total)))
        now = time.monotonic()
        if percent == self.last_percent or (now - self.last_write < PROGRESS_INTERVAL and percent < 99):
            return
        self.last_percent, self.last_write = percent, now
        ExportJob.objects.filter(pk=self.job.pk, status=ExportStatus.RUNNING).update(progress=percent)


# A job whose generation was interrupted this often (a worker killed each time) fails with a message.
MAX_ATTEMPTS = 3
# errno values that mean "the storage cannot take the file": said to the user plainly, not as a bug.
STORAGE_FULL_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG}


def _write_file(job: ExportJob, export_kind: ExportKind, progress: ProgressReporter) -> tuple[str, int]:
    """Generate into private storage under the name already recorded on the job; return (name, size).

    A failure removes what was written, so no partial file stays behind.
    """
    name = job.file.name
    storage = job.file.storage
    try:
        path = storage.path(name)
    except NotImplementedError:  # remote storage (S3): through a local temporary file
        path = None
    if path is not None:
        os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(descriptor, "wb") as out:
                export_kind.generate(job.params, job.requested_by, out, progress)
        except BaseException:
            _remove_quietly(path)
            raise
        return name, os.path.getsize(path)
    with tempfile.TemporaryFile() as out:
        export_kind.generate(job.params, job.requested_by, out, progress)
        size = out.tell()
        out.seek(0)
        try:
            stored = storage.save(name, File(out, name=os.path.basename(name)))
        except BaseException:
            _delete_stored(storage, name)
            raise
    return stored, size


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _delete_stored(storage, name: str) -> None:
    if not name:
        return
    try:
        storage.delete(name)
    except Exception:  # a storage that is down: the purge of expired jobs tries again later
        logger.warning("could not delete the partial export file %s", name, exc_info=True)


def _finish(job: ExportJob, status: str, *, error: str = "") -> ExportJob:
    now = timezone.now()
    job.status, job.error, job.finished_at = status, error, now
    fields = ["status", "error", "finished_at", "file"]
    if status == ExportStatus.DONE:
        job.progress, job.expires_at = 100, now + export_ttl()
        fields += ["progress", "expires_at", "size"]
    else:
        job.file.name = ""  # nothing to download; a partial file was removed by _write_file
    job.save(update_fields=fields)
    return job


def _running_elsewhere(job: ExportJob, redelivered: bool, at) -> bool:
    """Whether a running job may still be generated by another worker (a duplicate delivery).

    A redelivered task (its worker died: acks_late) or a job started longer ago than the task time limit
    cannot be; anything else is the same job queued twice and is left to the worker running it.
    """
    if redelivered or job.started_at is None:
        return False
    return job.started_at > at - running_timeout()


def running_timeout() -> timedelta:
    """After this long a running job cannot still be running: the worker kills a task at its time limit."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def run_export_job(job_id: int, *, redelivered: bool = False) -> ExportJob | None:
    """Generate the file of a pending job: re-fetch it, re-check that its requester may still have it,
    write it into private storage with progress, and mark it done or failed.

    A job that is missing or finished is left alone. A running job whose worker died (the task is
    `redelivered`, or the job started longer ago than the task time limit) starts again with its
    partial file removed, or fails with a message after MAX_ATTEMPTS; a running job that another worker
    may still be generating (the same job queued twice) is left to it. A failure is logged and shown
    to the user as a short message, never as a traceback.
    """
    partial = ""
    with transaction.atomic():
        job = (ExportJob.objects.select_for_update().select_related("requested_by")
               .filter(pk=job_id).first())
        if job is None or job.status not in (ExportStatus.PENDING, ExportStatus.RUNNING):
            return job
        now = timezone.now()
        if job.status == ExportStatus.RUNNING:
            if _running_elsewhere(job, redelivered, now):
                return job
            partial = job.file.name
            logger.warning("export job %s was interrupted (attempt %s); %s", job.pk, job.attempts,
                           "failing it" if job.attempts >= MAX_ATTEMPTS else "starting it again")
        storage = job.file.storage
        given_up = job.status == ExportStatus.RUNNING and job.attempts >= MAX_ATTEMPTS
        if given_up:
            _finish(job, ExportStatus.FAILED,
                    error=_("导出多次生成中断，未能完成。请缩小导出范围后重试；如仍失败，请联系管理员。"))
        else:
            export_kind = get_export_kind(job.kind)
            extension = export_kind.extension if export_kind else "bin"
            # The name is recorded before anything is written, so a restart knows which file to remove.
            job.file.name = export_upload_to(job, f"export.{extension}")
            job.status, job.progress, job.started_at = ExportStatus.RUNNING, 0, now
            job.attempts += 1
            job.save(update_fields=["status", "progress", "started_at", "attempts", "file"])
    # After the commit: the partial file of the interrupted attempt, if any.
    _delete_stored(storage, partial)
    if given_up:
        return job
    user = job.requested_by
    if export_kind is None or not user.is_active or not export_kind.allowed(user, job.params):
        return _finish(job, ExportStatus.FAILED, error=_("您已无权进行此项导出。"))
    try:
        name, size = _write_file(job, export_kind, ProgressReporter(job))
    except Refused as exc:
        return _finish(job, ExportStatus.FAILED, error=str(exc))
    except SoftTimeLimitExceeded:
        logger.warning("export job %s (%s) hit the task time limit", job.pk, job.kind)
        return _finish(job, ExportStatus.FAILED,
                       error=_("导出内容过多，生成超时。请缩小导出范围后重试。"))
    except OSError as exc:
        logger.exception("export job %s (%s) could not be written", job.pk, job.kind)
        if exc.errno in STORAGE_FULL_ERRNOS:
            return _finish(job, ExportStatus.FAILED,
                           error=_("服务器存储空间已满或暂时不可写入，导出未能生成。请稍后重试，并联系管理员。"))
        return _finish(job, ExportStatus.FAILED, error=_("生成失败，请稍后重试；如仍失败，请联系管理员。"))
    except Exception:
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        return _finish(job, ExportStatus.FAILED, error=_("生成失败，请稍后重试；如仍失败，请联系管理员。"))
    job.file.name, job.size = name, size
    return _finish(job, ExportStatus.DONE)


def stranded_export_jobs(*, at=None) -> list[int]:
    """Ids of unexpired jobs nobody is working on: pending longer than PORTAL_REQUEUE_AFTER_MINUTES (the
    task was lost, e.g. queued while Redis was down) or running longer than the task time limit (the
    worker died)."""
    at = at or timezone.now()
    waiting = at - timedelta(minutes=settings.PORTAL_REQUEUE_AFTER_MINUTES)
    live = ExportJob.objects.filter(expires_at__gt=at)
    pending = live.filter(status=ExportStatus.PENDING, created_at__lte=waiting)
    running = live.filter(status=ExportStatus.RUNNING).filter(
        Q(started_at__isnull=True) | Q(started_at__lte=at - running_timeout()))
    return sorted(set(pending.values_list("pk", flat=True)) | set(running.values_list("pk", flat=True)))


def requeue_stranded_exports(*, at=None) -> int:
    """Queue `task_run_export` again for every stranded job (see stranded_export_jobs); returns how many.

    Safe to repeat: run_export_job leaves a finished job alone and a job another worker runs, too.
    """
    job_ids = stranded_export_jobs(at=at)
    for job_id in job_ids:
        tasks.task_run_export.apply_async(args=[job_id])
    if job_ids:
        logger.warning("queued %d stranded export job(s) again: %s", len(job_ids), job_ids)
    return len(job_ids)


def purge_expired_exports(*, at=None) -> int:
    """Delete the files of expired exports and mark the jobs expired; returns how many were purged.

    Jobs stuck pending or running past their expiry (a worker that died) are expired too. The rows stay
    as a record of who exported what; only the files go.
    """
    purged = 0
    for job in ExportJob.objects.expired(at).iterator():
        if job.file:
            try:
                job.file.storage.delete(job.file.name)
            except OSError:
                logger.warning("could not delete export file %s", job.file.name, exc_info=True)
                continue
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
        purged += 1
    return purged
