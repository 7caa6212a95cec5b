"""Near-duplicate photos: the search by Hamming distance of pHashes, the entries' 疑似重复 flag, the
committee's "not a duplicate" decision and the import of past campaigns' photos as hashes.

On PostgreSQL the search is one SQL statement per table: the rows whose 16-bit bands are close enough to
the query's (multi-index hashing: a distance ≤ d means one of the four bands is within d // 4 bits, looked
up in the band expression indexes), then the exact distance by XOR + bit_count on those rows only; a full
scan of 400,000 XOR + popcounts took 65 ms here, the band lookup a few (bench/bench_phash.py). Elsewhere
(SQLite in development) the hashes are compared in Python.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from portal.audit.services import record_audit
from portal.refusals import Refused
from submissions.enums import EntryState
from submissions.models import DuplicateDismissal, Entry, NearDuplicateRule, Photo, ReferencePhoto
from submissions.photos.similarity import (
    BAND_BITS,
    BANDS,
    MAX_BAND_RADIUS,
    band,
    band_neighbours,
    hamming,
    phash64,
)
from submissions.photos.validation import PhotoRejected

MATCH_LIMIT = 20


@dataclass(frozen=True)
class Match:
    """A photo (`photo_id`) or a past campaign's reference (`reference_id`) near a hash."""

    distance: int
    photo_id: int | None = None
    reference_id: int | None = None


def max_distance_for(campaign) -> int:
    rule = NearDuplicateRule.objects.filter(campaign=campaign).first()
    return rule.max_distance if rule else NearDuplicateRule._meta.get_field("max_distance").default


def _band_sql(value: int, max_distance: int) -> tuple[str, list]:
    """The band condition (multi-index hashing, see similarity.BANDS) and its parameters; none when the
    distance is too large for bands to pay (then the whole table is scanned)."""
    radius = max_distance // BANDS
    if radius > MAX_BAND_RADIUS:
        return "", []
    # The expressions match the indexes' ((phash >> n) & 65535) exactly, so PostgreSQL uses them.
    terms = [f"((phash >> {BAND_BITS * n}) & 65535) = ANY(%s)" for n in range(BANDS)]
    return "AND (" + " OR ".join(terms) + ")", [band_neighbours(band(value, n), radius) for n in range(BANDS)]


def _scan_sql(table: str, where: str, bands: str) -> str:
    return (f"SELECT id, bit_count((phash # %s)::bit(64)) AS d FROM {table} "  # noqa: S608 - names are ours
            f"WHERE phash IS NOT NULL {where} {bands} AND bit_count((phash # %s)::bit(64)) <= %s "
            "ORDER BY d, id LIMIT %s")


def _near_in_sql(value: int, max_distance: int, exclude_entry_id: int | None) -> list[Match]:
    photo_table, entry_table = Photo._meta.db_table, Entry._meta.db_table
    where = f"AND entry_id <> %s AND entry_id IN (SELECT id FROM {entry_table} WHERE state <> %s)"  # noqa: S608
    bands, band_params = _band_sql(value, max_distance)
    with connection.cursor() as cursor:
        cursor.execute(_scan_sql(photo_table, where, bands),
                       [value, exclude_entry_id or 0, EntryState.DRAFT, *band_params, value, max_distance,
                        MATCH_LIMIT])
        photos = [Match(distance=d, photo_id=pk) for pk, d in cursor.fetchall()]
        cursor.execute(_scan_sql(ReferencePhoto._meta.db_table, "", bands),
                       [value, *band_params, value, max_distance, MATCH_LIMIT])
        references = [Match(distance=d, reference_id=pk) for pk, d in cursor.fetchall()]
    return sorted(photos + references, key=lambda m: m.distance)[:MATCH_LIMIT]


def _near_in_python(value: int, max_distance: int, exclude_entry_id: int | None) -> list[Match]:
    photos = (Photo.objects.filter(phash__isnull=False).exclude(entry_id=exclude_entry_id)
              .exclude(entry__state=EntryState.DRAFT).values_list("id", "phash"))
    found = [Match(distance=hamming(value, h), photo_id=pk) for pk, h in photos]
    found += [Match(distance=hamming(value, h), reference_id=pk)
              for pk, h in ReferencePhoto.objects.values_list("id", "phash")]
    return sorted((m for m in found if m.distance <= max_distance), key=lambda m: m.distance)[:MATCH_LIMIT]


def near_hashes(value: int, max_distance: int, *, exclude_entry_id: int | None = None) -> list[Match]:
    """Photos of other (non-draft) entries, of any campaign, and reference photos within `max_distance`."""
    search = _near_in_sql if connection.vendor == "postgresql" else _near_in_python
    return search(value, max_distance, exclude_entry_id)


def _dismissed(photo_id: int) -> tuple[set[int], set[int]]:
    rows = DuplicateDismissal.objects.filter(Q(photo_id=photo_id) | Q(other_photo_id=photo_id))
    photos, references = set(), set()
    for row in rows:
        if row.reference_id:
            references.add(row.reference_id)
        else:
            photos.add(row.other_photo_id if row.photo_id == photo_id else row.photo_id)
    return photos, references


def matches_of(photo: Photo, max_distance: int | None = None) -> list[Match]:
    """The undismissed near duplicates of `photo` (none while it has no hash)."""
    if photo.phash is None:
        return []
    limit = max_distance_for(photo.entry.campaign) if max_distance is None else max_distance
    photos, references = _dismissed(photo.pk)
    return [m for m in near_hashes(photo.phash, limit, exclude_entry_id=photo.entry_id)
            if m.photo_id not in photos and m.reference_id not in references]


def refresh_flags(entry_ids) -> None:
    """Recompute Entry.has_near_duplicate of `entry_ids` from their photos' undismissed matches."""
    for entry in Entry.objects.filter(pk__in=set(entry_ids)).select_related("campaign"):
        photos = Photo.objects.filter(entry=entry, phash__isnull=False)
        flagged = any(matches_of(photo) for photo in photos.select_related("entry__campaign"))
        Entry.objects.filter(pk=entry.pk).exclude(has_near_duplicate=flagged).update(has_near_duplicate=flagged)


def partner_entries(photo: Photo) -> set[int]:
    """The entries whose photos `photo` resembles: their flags change when it is deleted or replaced."""
    ids = [m.photo_id for m in matches_of(photo) if m.photo_id]
    return set(Photo.objects.filter(pk__in=ids).values_list("entry_id", flat=True)) if ids else set()


def after_photo_hashed(photo: Photo) -> None:
    """Called by the derivatives task once `photo` has a hash: flag its entry and the entries it matches."""
    refresh_flags({photo.entry_id, *partner_entries(photo)})


def dismiss_pair(photo: Photo, *, other_photo: Photo | None = None, reference: ReferencePhoto | None = None,
                 reason: str, actor, request=None) -> DuplicateDismissal:
    """The committee decides that `photo` and the other side are not duplicates (reason required)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请填写认定不是重复的理由。"), code="reason_required")
    if (other_photo is None) == (reference is None):
        raise Refused(_("请选择要比较的照片。"), code="bad_pair")
    with transaction.atomic():
        dismissal, _created = DuplicateDismissal.objects.update_or_create(
            photo=photo, other_photo=other_photo, reference=reference,
            defaults={"reason": reason[:200], "decided_by": actor})
        other = other_photo.entry.code if other_photo else f"{reference.year} {reference.code}"
        record_audit(actor, "entry.duplicate_dismissed", photo.entry, request=request,
                     summary=f"{photo.entry.code} ≠ {other}", changes={"reason": reason})
        refresh_flags({photo.entry_id, *([other_photo.entry_id] if other_photo else [])})
    return dismissal


def _images_in(source: Path):
    """(name, file) of every .jpg/.jpeg in a folder (recursively) or a ZIP."""
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.suffix.lower() in (".jpg", ".jpeg"):
                with path.open("rb") as handle:
                    yield path.relative_to(source).as_posix(), handle
        return
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if not info.is_dir() and Path(info.filename).suffix.lower() in (".jpg", ".jpeg"):
                with archive.open(info) as handle:
                    yield info.filename, io.BytesIO(handle.read())


def import_reference_photos(source: Path, year: int) -> tuple[int, list[str]]:
    """Hash every JPEG of a past campaign's folder or ZIP (named by the notice's convention, e.g.
    `单位-作者-照片名称-1.jpg`) as a ReferencePhoto of `year`; (number imported, names skipped)."""
    imported, skipped = 0, []
    for name, handle in _images_in(source):
        try:
            value = _reference_hash(handle)
        except (OSError, PhotoRejected, ValueError):
            skipped.append(name)
            continue
        ReferencePhoto.objects.update_or_create(year=year, code=name[:200], defaults={"phash": value})
        imported += 1
    return imported, skipped


def _reference_hash(handle) -> int:
    """pHash from a reduced decode (draft) of the upright image, like the derivatives task's copy."""
    with Image.open(handle) as image:
        image.draft("RGB", (400, 400))
        return phash64(ImageOps.exif_transpose(image))
