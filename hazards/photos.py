"""Hazard photos through the campaign's hostile-file defences, with the programme's relaxed rules.

The same validator and lossless cleaning as the 随手拍 photos (JPEG only, structure, pixel caps, trailing
bytes dropped), but without the contest's size and dpi rules: any phone photo of a hazard will do.
Nothing reaches storage until every photo of a request has passed.
"""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from portal.refusals import Refused
from submissions.photo_intake import refusal
from submissions.photos import (
    JpegStructureError,
    PhotoCheck,
    PhotoRejected,
    PhotoRules,
    make_derivative,
    validate_photo,
    write_clean_original,
)

PREVIEW_SIDE = 1600
logger = logging.getLogger(__name__)


def photo_rules_for_programme(programme) -> PhotoRules:
    """The programme's limits; no dpi requirement (a missing dpi is accepted and left as it is)."""
    return PhotoRules(
        min_long_side=programme.photo_min_long_side, min_short_side=programme.photo_min_short_side,
        min_dpi=0, dpi_policy="fix", max_file_bytes=programme.photo_max_file_mb * 1024 * 1024,
        max_megapixels=programme.photo_max_megapixels,
    )


@dataclass(frozen=True)
class CleanedHazardPhoto:
    check: PhotoCheck
    file: IO[bytes]  # the cleaned original, positioned at the start
    sha256: str
    size: int
    preview: bytes  # upright, metadata-free display copy


@contextmanager
def cleaned_hazard_upload(upload, programme) -> Iterator[CleanedHazardPhoto]:
    """Validate `upload` and yield its cleaned copy and preview; raise Refused (nothing written) when it
    breaks the programme's rules."""
    try:
        check = validate_photo(upload, photo_rules_for_programme(programme), size=getattr(upload, "size", None))
    except PhotoRejected as exc:
        raise refusal(exc) from None
    with tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as cleaned:
        try:
            sha256 = write_clean_original(upload, cleaned, relabel_dpi=None)
            size = cleaned.tell()
            cleaned.seek(0)
            preview = make_derivative(cleaned, PREVIEW_SIDE)
        except (JpegStructureError, ValueError, OSError):
            raise Refused(_("照片文件已损坏，无法读取，请重新上传原图"), code="corrupt") from None
        cleaned.seek(0)
        yield CleanedHazardPhoto(check=check, file=cleaned, sha256=sha256, size=size, preview=preview)


def store_cleaned(photo, cleaned: CleanedHazardPhoto, stored: list[str]) -> None:
    """Write `cleaned`'s original and preview into `photo`'s `original` and `preview` fields (the row is not
    saved). Each name goes into `stored` before its file is written, so the caller can remove every file
    of a request that fails later (the ledger's and the tips' photos share this)."""
    field = type(photo)._meta.get_field("original")
    storage = field.storage
    for name, content in (("original", File(cleaned.file)), ("preview", ContentFile(cleaned.preview))):
        target = storage.get_available_name(field.generate_filename(photo, f"{name}.jpg"), max_length=200)
        stored.append(target)
        saved = storage.save(target, content, max_length=200)
        stored[-1] = saved
        getattr(photo, name).name = saved


def delete_stored(photo_model, names) -> None:
    """Remove files written by store_cleaned for a request that was refused; a failure is only logged."""
    storage = photo_model._meta.get_field("original").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete stored file %s", name, exc_info=True)
