"""The public scope of the online exhibition (展评网页): published entries, and only what an album shows.

The exhibition is the one place where entries are visible without an account, so its query is kept
here instead of entries_for_user (which shows nothing to anonymous users). Pages never receive an Entry:
they get an `Exhibit`, which holds the album's fields only (title, description, author name and unit,
award, category, industry, union) and no contact detail at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from portal.campaigns.models import Campaign
from review.exhibition.models import Publication
from submissions.enums import PHOTO_KIND_FILE_LABEL, PhotoKind
from submissions.models import Entry, Photo


def published_entries(campaign: Campaign | None = None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(publication__isnull=False)
    if campaign is not None:
        entries = entries.filter(campaign=campaign)
    return entries


def published_photos() -> QuerySet[Photo]:
    return Photo.objects.filter(entry__publication__isnull=False)


def exhibition_campaign() -> Campaign | None:
    """The current campaign when it has published entries, else the latest campaign that has."""
    current = Campaign.objects.current()
    if current is not None and Publication.objects.filter(entry__campaign=current).exists():
        return current
    latest = (Campaign.objects.filter(entries__publication__isnull=False).distinct()
              .order_by("-year", "-id").first())
    return latest or current


@dataclass(frozen=True)
class ExhibitPhoto:
    pk: int
    kind: str
    position: int
    label: str
    ready: bool


@dataclass(frozen=True)
class Exhibit:
    """One published entry as the album shows it. Deliberately without phone, e-mail or address."""

    pk: int
    code: str
    title: str
    description: str
    hazard: str
    rectification_note: str
    author_name: str
    unit_name: str
    union_name: str
    award_name: str
    award_rank: int | None
    category: str
    industry: str
    published_at: object
    hazard_photos: list[ExhibitPhoto] = field(default_factory=list)
    rectified_photos: list[ExhibitPhoto] = field(default_factory=list)

    @property
    def pairs(self) -> list[tuple[str, list[ExhibitPhoto]]]:
        """(整改前, photos), (整改后, photos): shown side by side."""
        return [(PHOTO_KIND_FILE_LABEL[PhotoKind.HAZARD], self.hazard_photos),
                (PHOTO_KIND_FILE_LABEL[PhotoKind.RECTIFIED], self.rectified_photos)]


def exhibits(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """`entries` with what `to_exhibit` reads, in the album's order (award level, rank, id)."""
    return (entries.select_related("campaign", "unit", "selection_union", "category", "industry",
                                   "final_award__level", "publication")
            .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("kind", "position", "pk")))
            .order_by("final_award__level__rank", "final_award__rank", "pk"))


def to_exhibit(entry: Entry) -> Exhibit:
    photos = {PhotoKind.HAZARD: [], PhotoKind.RECTIFIED: []}
    for photo in entry.photos.all():
        label = f"{photo.get_kind_display()}{photo.position}"
        photos.setdefault(photo.kind, []).append(
            ExhibitPhoto(pk=photo.pk, kind=photo.kind, position=photo.position, label=label,
                         ready=photo.derivatives_ready))
    award = getattr(entry, "final_award", None)
    level = award.level if award is not None else None
    return Exhibit(
        pk=entry.pk, code=entry.code, title=entry.title, description=entry.description, hazard=entry.hazard,
        rectification_note=entry.rectification_note, author_name=entry.author_name,
        unit_name=entry.unit.name if entry.unit_id else "",
        union_name=entry.selection_union.name if entry.selection_union_id else "",
        award_name=level.name if level else "", award_rank=level.rank if level else None,
        category=str(entry.category) if entry.category_id else "",
        industry=str(entry.industry) if entry.industry_id else "",
        published_at=entry.publication.published_at,
        hazard_photos=photos[PhotoKind.HAZARD], rectified_photos=photos[PhotoKind.RECTIFIED],
    )


def parse_code(code: str) -> tuple[int, int] | None:
    """"2025-000123" → (2025, 123); None for anything else (the share link's only form)."""
    year, _sep, number = (code or "").partition("-")
    if not (year.isdigit() and number.isdigit() and len(year) == 4 and 6 <= len(number) <= 12):
        return None
    return int(year), int(number)
