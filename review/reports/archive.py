"""The photo archive: the ORIGINAL photos named 序号+照片主题名称+作者单位+作者姓名+整改前/后N.jpg, with the
official forms beside them.

Streamed: each original is copied chunk by chunk (shutil.copyfileobj) into a member opened with
`ZipFile.open(name, "w")`, stored without compression (JPEG does not compress further), into a file
the export task writes; memory stays flat whatever the archive's size. Names are UTF-8 (zipfile sets
the 0x800 "language encoding" flag for every non-ASCII name), Windows-safe, at most 240 UTF-8 bytes
(Linux `unzip` refuses a name over 255) (submissions.naming) and unique within the archive.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from typing import BinaryIO

from django.utils.translation import gettext as _

from portal.exports.base import ProgressCallback, local_datetime
from submissions.enums import PhotoKind
from submissions.models import Entry, Photo
from submissions.naming import unique_photo_name

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
PHOTO_FOLDER = "照片"
# Forms are small; above this they spill from memory to a temporary file before entering the archive.
SPOOL_BYTES = 8 * 1024 * 1024
FILE_MODE = 0o644 << 16


def photo_names(entry: Entry, number: int, taken: set[str]) -> list[tuple[Photo, str]]:
    """Each photo of `entry` (prefetched) with its file name for 序号 `number`: hazard photos before
    rectification photos, by position; unique against `taken` (casefolded names already used)."""
    photos = sorted(entry.photos.all(), key=lambda photo: (photo.kind != PhotoKind.HAZARD, photo.position, photo.pk))
    return [(photo, unique_photo_name(entry, photo, number, taken)) for photo in photos]


def names_by_kind(named: list[tuple[Photo, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {PhotoKind.HAZARD: [], PhotoKind.RECTIFIED: []}
    for photo, name in named:
        result.setdefault(photo.kind, []).append(name)
    return result


def _member(name: str, moment=None) -> zipfile.ZipInfo:
    moment = local_datetime(moment)
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = FILE_MODE
    return info


def write_archive(out: BinaryIO, entries: Iterable[Entry], *, photo_bytes: int,
                  documents: Sequence[tuple[str, Callable[[BinaryIO], None]]], progress: ProgressCallback) -> list[str]:
    """Write the archive into `out`: the `documents` (name, writer) first, then the photos of `entries`
    (in 序号 order, photos prefetched) under 照片/. `photo_bytes` (their total size) drives the progress.

    Returns the member names of photos whose original could not be read; they are listed in
    缺失照片.txt inside the archive instead of failing the whole export.
    """
    total = photo_bytes + len(documents)
    done = 0
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, write in documents:
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
                write(spool)
                size = spool.tell()
                spool.seek(0)
                info = _member(name)
                info.file_size = size
                with archive.open(info, "w") as member:
                    shutil.copyfileobj(spool, member, CHUNK)
            done += 1
            progress(done, total)
        taken: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            for photo, name in photo_names(entry, number, taken):
                member_name = f"{PHOTO_FOLDER}/{name}"
                if _copy_original(archive, photo, member_name):
                    done += photo.size or 0
                    progress(done, total)
                else:
                    missing.append(member_name)
        if missing:
            note = _("以下照片的原图文件缺失，未能打包，请联系管理员：") + "\n" + "\n".join(missing) + "\n"
            archive.writestr(_member(_("缺失照片.txt")), note.encode("utf-8"))
    return missing


def _copy_original(archive: zipfile.ZipFile, photo: Photo, name: str) -> bool:
    original = photo.original
    try:
        source = original.storage.open(original.name, "rb")
    except (OSError, ValueError):
        logger.warning("photo %s: original %r missing, left out of the archive", photo.pk, original.name)
        return False
    with source:
        info = _member(name, photo.uploaded_at)
        info.file_size = photo.size or 0
        with archive.open(info, "w", force_zip64=(photo.size or 0) > 2**31) as member:
            shutil.copyfileobj(source, member, CHUNK)
    return True
