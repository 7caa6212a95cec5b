"""Builders shared by the export and report tests: recommended entries with real photo files,
a unit assessment and a city grade."""

from __future__ import annotations

import hashlib
import io
import zipfile

from django.core.files.base import ContentFile
from openpyxl import load_workbook
from PIL import Image

from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel
from review.models import TierGrade
from scoring.services import assess_entry
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Photo
from tests.factories import make_entry

# Fields make_entry fills itself; set afterwards when a test gives them.
_PRESET = {"title", "category", "industry", "description", "location", "hazard", "suggestion", "author_name",
           "contact_phone", "contact_email", "contact_address", "taken_on", "rectification_note",
           "declaration_accepted", "declaration_name", "declaration_date"}
DEFAULT_VALUES = {"l": "2", "e": "1.8", "c": "22", "x": "0.99", "y": "0.99"}  # D = 77.62392


def jpeg_bytes(seed: int, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def add_photo(entry, kind: str, position: int, seed: int) -> Photo:
    data = jpeg_bytes(seed)
    photo = Photo(entry=entry, kind=kind, position=position, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                  width=64, height=48)
    photo.original.save("upload.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


def recommended_entry(author, campaign, *, assessor=None, values=None, grade: str | None = "一等奖", grader=None,
                      hazard_photos=2, rectified_photos=2, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE, **fields):
    """An entry recommended to the province (by default) with photos, a unit assessment and a city grade."""
    fields.setdefault("has_rectification_photos", rectified_photos > 0)
    later = {name: fields.pop(name) for name in list(fields) if name in _PRESET}
    entry = make_entry(author, campaign=campaign, state=state, tier=tier, **fields)
    if later:
        for name, value in later.items():
            setattr(entry, name, value)
        entry.save(update_fields=list(later))
    seed = entry.pk * 10
    for position in range(1, hazard_photos + 1):
        add_photo(entry, PhotoKind.HAZARD, position, seed + position)
    for position in range(1, rectified_photos + 1):
        add_photo(entry, PhotoKind.RECTIFIED, position, seed + 5 + position)
    if assessor is not None:
        assess_entry(entry, actor=assessor, tier=Tier.UNIT, values=values or DEFAULT_VALUES, comment="同意推荐")
        entry.refresh_from_db()
    if grade and grader is not None:
        level = AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name=grade)
        TierGrade.objects.create(entry=entry, tier=Tier.SELECTION, award_level=level, graded_by=grader)
    return entry


def workbook(data: bytes, **options):
    return load_workbook(io.BytesIO(data), **options)


def zip_of(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))
