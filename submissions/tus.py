"""Resumable photo uploads (tus 1.0: core, creation, termination, expiration): the services.

An upload is a TusUpload row plus a private part file under PORTAL_TUS_DIR/<user>/<entry>/<id>.part.
PATCHes append to the part file under a lease (a conditional UPDATE: one writer at a time, on SQLite as
on PostgreSQL, without holding a database transaction while a slow phone sends its chunk). The finished
file goes through services.add_photo / replace_photo, exactly like the one-shot POST; a refused photo
removes the part file and the row, so nothing is left behind. The protocol itself is in tus_views.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.refusals import Refused
from submissions import services
from submissions.enums import PhotoKind
from submissions.models import Entry, Photo, TusUpload

logger = logging.getLogger(__name__)

READ_PIECE = 64 * 1024
# A PATCH that dies without reaching its `finally` (a killed worker) frees its lease after this long.
LEASE = timedelta(minutes=10)


def part_path(upload: TusUpload) -> Path:
    """The private temporary file of `upload`, in a folder of its user and entry."""
    return Path(settings.PORTAL_TUS_DIR) / str(upload.user_id) / str(upload.entry_id) / f"{upload.pk}.part"


def _remove_part(upload: TusUpload) -> None:
    part_path(upload).unlink(missing_ok=True)


def open_uploads(user):
    """The user's unfinished uploads that have not expired."""
    return TusUpload.objects.filter(user=user, photo__isnull=True, expires_at__gt=timezone.now())


def create_upload(entry: Entry, *, kind: str, length: int, filename: str = "", replace: Photo | None = None,
                  actor, request=None) -> TusUpload:
    """Start a resumable upload of a photo of `length` bytes for `entry` (tus creation).

    Refused when the entry takes no such photo now, when the file is over the campaign's size limit or
    empty, or when the user already has PORTAL_TUS_MAX_OPEN_UPLOADS open uploads.
    """
    if kind not in PhotoKind.values:
        raise Refused(_("照片类别无效。"), code="bad_kind")
    if entry.author_id != actor.pk:
        raise Refused.permission_denied()
    services.check_photo_addable(entry, kind, replacing=replace is not None)
    limit = entry.campaign.max_file_mb * 1024 * 1024
    if length <= 0:
        raise Refused(_("照片文件为空，请重新选择。"), code="empty")
    if length > limit:
        raise Refused(_("照片文件过大（%(size).1f MB），每幅不超过 %(max)d MB。") % {
            "size": length / 1048576, "max": entry.campaign.max_file_mb}, code="too_big")
    with transaction.atomic():
        # The user's uploads are counted under the entry's row lock: two tabs cannot both pass the cap.
        Entry.objects.select_for_update().filter(pk=entry.pk).first()
        if open_uploads(actor).count() >= settings.PORTAL_TUS_MAX_OPEN_UPLOADS:
            raise Refused(_("同时进行的上传过多（最多%(max)d个），请等待其他照片上传完成或取消后再试。") % {
                "max": settings.PORTAL_TUS_MAX_OPEN_UPLOADS}, code="too_many")
        upload = TusUpload.objects.create(
            user=actor, entry=entry, kind=replace.kind if replace else kind, replace=replace,
            filename=filename[:200], length=length,
            expires_at=timezone.now() + timedelta(hours=settings.PORTAL_TUS_MAX_AGE_HOURS))
        path = part_path(upload)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL: the id is new, so the file must be; 0600: readable by the portal only.
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        record_audit(actor, "entry.tus_start", entry, request=request,
                     summary=f"{PhotoKind(upload.kind).label} {upload.filename} {length}")
    return upload


def _take_lease(upload: TusUpload, offset: int) -> None:
    """Hold `upload` for one PATCH at `offset`, or refuse: expired (410), wrong offset or busy (409)."""
    now = timezone.now()
    taken = (TusUpload.objects.filter(pk=upload.pk, offset=offset, photo__isnull=True, expires_at__gt=now)
             .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
             .update(locked_until=now + LEASE))
    if taken:
        return
    upload.refresh_from_db()
    if upload.expires_at <= now:
        raise Refused(_("上传已过期，请重新选择照片上传。"), code="expired")
    if upload.offset != offset:
        raise Refused(_("上传位置不一致，正在从服务器已收到的位置继续。"), code="offset")
    raise Refused(_("该照片正在上传中，请稍候。"), code="busy")


def _copy_body(stream, path: Path, offset: int, room: int) -> tuple[int, bool]:
    """Write at most `room` bytes of `stream` into `path` from `offset`; (bytes written, stream broken).

    A connection cut mid-chunk keeps what arrived (tus: the server should), so the client resumes from
    there and re-sends less than a chunk.
    """
    written, broken = 0, False
    with open(path, "r+b") as part:
        part.seek(offset)
        while written < room:
            try:
                piece = stream.read(min(READ_PIECE, room - written))
            except OSError:  # UnreadablePostError included: the client went away
                broken = True
                break
            if not piece:
                break
            part.write(piece)
            written += len(piece)
        part.flush()
        os.fsync(part.fileno())
    return written, broken


def append_chunk(upload: TusUpload, stream, *, offset: int, declared: int | None, actor) -> TusUpload:
    """Append the body of a PATCH at `offset` (tus core); the new offset is on the returned row.

    The entry must still take the photo; a body longer than what is left of the upload is refused
    unread. The lease makes concurrent PATCHes of one upload answer 409 instead of mixing their bytes.
    """
    if upload.user_id != actor.pk:
        raise Refused.permission_denied()
    room = upload.length - offset
    if declared is not None and declared > room:
        raise Refused(_("上传的数据超过了照片的大小。"), code="too_long")
    try:
        services.check_photo_addable(upload.entry, upload.kind, replacing=upload.replace_id is not None)
    except Refused:
        discard_upload(upload)
        raise
    _take_lease(upload, offset)
    written = 0
    try:
        written, _broken = _copy_body(stream, part_path(upload), offset, room if declared is None else declared)
    finally:
        TusUpload.objects.filter(pk=upload.pk).update(
            offset=offset + written, bytes_received=F("bytes_received") + written,
            patch_count=F("patch_count") + 1, locked_until=None)
    upload.refresh_from_db()
    return upload


def finish_upload(upload: TusUpload, *, actor, request=None) -> Photo:
    """Turn a complete upload into a photo through the one-shot POST's own service; on refusal the part
    file and the row go (nothing left behind) and the refusal is raised to the page."""
    if not upload.complete or upload.user_id != actor.pk:
        raise Refused(_("照片尚未上传完成。"), code="incomplete")
    path = part_path(upload)
    try:
        with open(path, "rb") as handle:
            file = File(handle, name=upload.filename or "photo.jpg")
            if upload.replace_id:
                photo = services.replace_photo(upload.replace, file, actor=actor, request=request)
            else:
                photo = services.add_photo(upload.entry, upload.kind, file, actor=actor, request=request)
    except BaseException:
        discard_upload(upload)
        raise
    _remove_part(upload)
    TusUpload.objects.filter(pk=upload.pk).update(photo=photo, locked_until=None)
    upload.photo = photo
    return photo


def discard_upload(upload: TusUpload) -> None:
    """Remove the part file and the row (a refused or expired upload); no audit: nothing was stored."""
    _remove_part(upload)
    TusUpload.objects.filter(pk=upload.pk).delete()


def terminate_upload(upload: TusUpload, *, actor, request=None) -> None:
    """The user cancels an upload (tus termination): its bytes and its row go."""
    if upload.user_id != actor.pk:
        raise Refused.permission_denied()
    with transaction.atomic():
        discard_upload(upload)
        record_audit(actor, "entry.tus_cancel", upload.entry, request=request,
                     summary=f"{upload.filename} {upload.offset}/{upload.length}")


def remove_stale_uploads(*, now=None) -> int:
    """The periodic clean-up: expired uploads (finished ones too, once their age is over), their part
    files, and part files no row knows (a crash between file and row). Returns the number removed."""
    now = now or timezone.now()
    removed = 0
    for upload in TusUpload.objects.filter(expires_at__lte=now).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lt=now)).iterator():
        discard_upload(upload)
        removed += 1
    root = Path(settings.PORTAL_TUS_DIR)
    if root.is_dir():
        known = {str(pk) for pk in TusUpload.objects.values_list("pk", flat=True)}
        oldest = (now - LEASE).timestamp()
        for part in root.glob("*/*/*.part"):
            if part.stem not in known and part.stat().st_mtime < oldest:
                part.unlink(missing_ok=True)
                removed += 1
    return removed
