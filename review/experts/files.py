"""The experts' copy of an original photo: the "blind-original" kind of the private download view.

Experts never get the stored original (it keeps the camera's EXIF, GPS included). They get a lossless
copy without any metadata (submissions.photos.jpeg_segments.write_without_metadata), made on the first
download and kept, under a name that is the entry's neutral code, never the author's name.
"""

import logging
import tempfile
import uuid

import rules
from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import Http404

from portal.files.registry import ServedFile, register
from review.experts.models import BlindOriginal
from submissions.enums import PHOTO_KIND_FILE_LABEL
from submissions.models import Photo
from submissions.photos.jpeg_segments import JpegStructureError, write_without_metadata
from submissions.scoping import entries_for_user

logger = logging.getLogger(__name__)

KIND = "blind-original"
SPOOL_BYTES = 2_621_440


def blind_download_name(photo: Photo) -> str:
    """E.g. `2025-000123-整改前1.jpg`: the entry's neutral code and which photo it is."""
    return f"{photo.entry.code}-{PHOTO_KIND_FILE_LABEL.get(photo.kind, '')}{photo.position}.jpg"


def blind_copy(photo: Photo) -> BlindOriginal:
    """The metadata-free copy of `photo`'s original, made now if missing or made from an older original."""
    storage = photo.original.storage
    existing = BlindOriginal.objects.filter(photo=photo).first()
    if existing is not None and existing.source_name == photo.original.name and storage.exists(existing.file.name):
        return existing
    # Streamed from storage into a spooled file (memory up to 2.5 MB, then disk): never a whole photo in memory.
    with photo.original.open("rb") as source, tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        sha256 = write_without_metadata(source, out)
        out.seek(0)
        name = storage.save(f"blind/{photo.entry.campaign_id}/{uuid.uuid4().hex}.jpg", File(out))
    try:
        with transaction.atomic():
            if existing is None:
                return BlindOriginal.objects.create(photo=photo, file=name, source_name=photo.original.name,
                                                    sha256=sha256)
            old = existing.file.name
            existing.file, existing.source_name, existing.sha256 = name, photo.original.name, sha256
            existing.save()
            transaction.on_commit(lambda: storage.delete(old) if old and old != name else None)
            return existing
    except IntegrityError:  # another request made it at the same moment: keep theirs
        storage.delete(name)
        return BlindOriginal.objects.get(photo=photo)


@register(KIND)
def serve_blind_original(request, pk: int, variant: str) -> ServedFile:
    if variant != "original":
        raise Http404
    photo = (Photo.objects.select_related("entry__campaign")
             .filter(pk=pk, entry__in=entries_for_user(request.user, include_assigned=True)).first())
    if photo is None or not rules.has_perm("experts.download_blind_original", request.user, photo.entry):
        raise Http404
    try:
        copy = blind_copy(photo)
    except (JpegStructureError, ValueError, FileNotFoundError):
        logger.exception("cannot make the blind copy of photo %s", photo.pk)
        raise Http404 from None
    return ServedFile(file=copy.file, download_name=blind_download_name(photo), content_type="image/jpeg")
