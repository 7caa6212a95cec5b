"""State changes of exports: request a job, run it (the body of the `run_export` task), purge old files.

Views call these, never the ORM directly. Generation happens outside any transaction, so the progress
the task writes is visible to the polling page at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Mapping

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.celery import enqueue_on_commit
from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob, export_ttl, export_upload_to
from portal.exports.registry import ExportKind, ExportRefused, get_export_kind

logger = logging.getLogger(__name__)

# At most this many of a user's exports may be waiting or running at once.
MAX_ACTIVE_JOBS_PER_USER = 5
# Progress is written at most this often (seconds), and only when the percentage changed.
PROGRESS_INTERVAL = 0.5
CHUNK = 1024 * 1024


@transaction.atomic
def request_export(kind: str, data: Mapping, *, actor, request=None) -> ExportJob:
    """Create an export job of `kind` for `actor` from posted `data` and queue `run_export` on commit.

    Raises ExportRefused (a message for the user) for an unknown kind, a kind not offered to the actor,
    parameters that are invalid or outside the actor's scope, or too many exports already running.
    Audited as "exports.request" with the kind and the cleaned parameters.
    """
    export_kind = get_export_kind(kind)
    if export_kind is None or not actor.is_authenticated or not export_kind.available_to(actor):
        raise ExportRefused(_("没有这种导出，或您无权进行此项导出。"))
    params = export_kind.clean_params(actor, data)
    if not export_kind.allowed(actor, params):
        raise ExportRefused(_("您无权进行此项导出。"))
    active = ExportJob.objects.filter(requested_by=actor, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING])
    if active.count() >= MAX_ACTIVE_JOBS_PER_USER:
        raise ExportRefused(_("您已有 %(count)d 个导出正在生成，请等它们完成后再试。") % {
            "count": MAX_ACTIVE_JOBS_PER_USER})
    job = ExportJob.objects.create(kind=kind, params=params, requested_by=actor,
                                   download_name=export_kind.download_name(params)[:200])
    record_audit(actor, "exports.request", job, summary=job.download_name,
                 changes={"kind": kind, "params": params}, request=request)
    from portal.exports.tasks import run_export

    enqueue_on_commit(run_export, job.pk)
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


def _write_file(job: ExportJob, export_kind: ExportKind, progress: ProgressReporter) -> tuple[str, int]:
    """Generate into private storage, chunk by chunk; return (storage name, size)."""
    name = export_upload_to(job, f"export.{export_kind.extension}")
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
        stored = storage.save(name, File(out, name=os.path.basename(name)))
    return stored, size


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _finish(job: ExportJob, status: str, *, error: str = "") -> ExportJob:
    now = timezone.now()
    job.status, job.error, job.finished_at = status, error, now
    fields = ["status", "error", "finished_at"]
    if status == ExportStatus.DONE:
        job.progress, job.expires_at = 100, now + export_ttl()
        fields += ["progress", "expires_at", "file", "size"]
    job.save(update_fields=fields)
    return job


def run_export_job(job_id: int) -> ExportJob | None:
    """Generate the file of a pending job: re-fetch it, re-check that its requester may still have it,
    write it into private storage with progress, and mark it done or failed.

    A job that is missing or no longer pending (a redelivered task) is left alone. A failure is logged
    and shown to the user as a short message, never as a traceback.
    """
    with transaction.atomic():
        job = (ExportJob.objects.select_for_update().select_related("requested_by")
               .filter(pk=job_id).first())
        if job is None or job.status != ExportStatus.PENDING:
            return job
        job.status = ExportStatus.RUNNING
        job.save(update_fields=["status"])
    export_kind = get_export_kind(job.kind)
    user = job.requested_by
    if export_kind is None or not user.is_active or not export_kind.allowed(user, job.params):
        return _finish(job, ExportStatus.FAILED, error=_("您已无权进行此项导出。"))
    try:
        name, size = _write_file(job, export_kind, ProgressReporter(job))
    except ExportRefused as exc:
        return _finish(job, ExportStatus.FAILED, error=str(exc))
    except Exception:
        logger.exception("export job %s (%s) failed", job.pk, job.kind)
        return _finish(job, ExportStatus.FAILED, error=_("生成失败，请稍后重试；如仍失败，请联系管理员。"))
    job.file.name, job.size = name, size
    return _finish(job, ExportStatus.DONE)


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
