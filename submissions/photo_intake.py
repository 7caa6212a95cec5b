"""Turn an uploaded file into the cleaned original that is stored, or refuse it with nothing written.

Validation runs on the upload itself (Django's in-memory or temporary upload file, which Django
deletes after the request); the cleaned copy lives in an anonymous spooled temporary file that
disappears when the context manager exits. Nothing reaches storage here.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.refusals import Refused
from submissions.photos import (
    JpegStructureError,
    PhotoCheck,
    PhotoRejected,
    photo_rules_for,
    validate_photo,
    write_clean_original,
)


@dataclass(frozen=True)
class CleanedPhoto:
    check: PhotoCheck
    file: IO[bytes]  # positioned at the start
    sha256: str
    size: int
    relabelled_to: int | None  # the dpi written under the campaign's "fix" policy

    @property
    def taken_at(self) -> datetime | None:
        """EXIF DateTimeOriginal, read as local time of the campaign's time zone (EXIF has none)."""
        if self.check.taken_at is None:
            return None
        try:
            return timezone.make_aware(self.check.taken_at)
        except (ValueError, OverflowError):
            return None


def refusal(exc: PhotoRejected) -> Refused:
    return Refused(exc.message, code=exc.code)


def check_upload(upload, campaign) -> PhotoCheck:
    """Validate with the campaign's rules; raise Refused carrying the validator's message."""
    try:
        return validate_photo(upload, photo_rules_for(campaign), size=getattr(upload, "size", None))
    except PhotoRejected as exc:
        raise refusal(exc) from None


@contextmanager
def cleaned_upload(upload, campaign) -> Iterator[CleanedPhoto]:
    """Validate `upload` and yield its cleaned copy (trailing bytes and comments dropped, dpi relabelled
    under the "fix" policy); raise Refused when the photo breaks the campaign's rules."""
    check = check_upload(upload, campaign)
    relabel = campaign.min_dpi if check.dpi_needs_fix else None
    with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as cleaned:
        try:
            sha256 = write_clean_original(upload, cleaned, relabel_dpi=relabel)
        except (JpegStructureError, ValueError):
            raise Refused(_("照片文件已损坏，无法读取，请重新上传原图"), code="corrupt") from None
        size = cleaned.tell()
        cleaned.seek(0)
        yield CleanedPhoto(check=check, file=cleaned, sha256=sha256, size=size, relabelled_to=relabel)
