"""What an expert's page may show of an entry: a view of the fields needed to judge the hazard.

Pages for experts never receive the Entry itself. In a blind campaign the view carries no author name
and no unit; contact details (phone, e-mail, address) and the originality declaration's signature are
never in it, blind or not. Photos are the display copies (metadata-free) and, for download, the
"blind-original" copy named after the entry's neutral code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from submissions.enums import PHOTO_KIND_FILE_LABEL, PhotoKind
from submissions.models import Entry, Photo


@dataclass(frozen=True)
class PhotoView:
    pk: int
    kind: str
    position: int
    label: str
    width: int
    height: int
    ready: bool


@dataclass(frozen=True)
class ExpertEntryView:
    pk: int
    code: str
    title: str
    category: str
    industry: str
    description: str
    taken_on: date | None
    location: str
    hazard: str
    suggestion: str
    rectification_note: str
    blind: bool
    author_name: str = ""   # empty in a blind campaign
    unit_name: str = ""     # empty in a blind campaign
    hazard_photos: list[PhotoView] = field(default_factory=list)
    rectified_photos: list[PhotoView] = field(default_factory=list)

    @property
    def photo_pairs(self) -> list[tuple[str, list[PhotoView]]]:
        return [(PHOTO_KIND_FILE_LABEL[PhotoKind.HAZARD], self.hazard_photos),
                (PHOTO_KIND_FILE_LABEL[PhotoKind.RECTIFIED], self.rectified_photos)]


def photo_view(photo: Photo) -> PhotoView:
    return PhotoView(pk=photo.pk, kind=photo.kind, position=photo.position,
                     label=f"{PHOTO_KIND_FILE_LABEL.get(photo.kind, '')}{photo.position}",
                     width=photo.width, height=photo.height, ready=photo.derivatives_ready)


def expert_view(entry: Entry, photos: list[Photo] | None = None) -> ExpertEntryView:
    """The expert's view of `entry` (campaign, category and industry loaded by the caller)."""
    blind = entry.campaign.blind_review
    photos = list(entry.photos.all()) if photos is None else photos
    return ExpertEntryView(
        pk=entry.pk, code=entry.code, title=entry.title, category=str(entry.category) if entry.category_id else "",
        industry=str(entry.industry) if entry.industry_id else "", description=entry.description,
        taken_on=entry.taken_on, location=entry.location, hazard=entry.hazard, suggestion=entry.suggestion,
        rectification_note=entry.rectification_note, blind=blind,
        author_name="" if blind else entry.author_name,
        unit_name="" if blind else (entry.unit.name if entry.unit_id else ""),
        hazard_photos=[photo_view(p) for p in photos if p.kind == PhotoKind.HAZARD],
        rectified_photos=[photo_view(p) for p in photos if p.kind == PhotoKind.RECTIFIED],
    )


@dataclass(frozen=True)
class ListItem:
    """One line of an expert's list: the neutral code, the title and the classification."""

    pk: int
    code: str
    title: str
    category: str
    industry: str
    submitted: bool


def list_item(assignment) -> ListItem:
    entry = assignment.entry
    return ListItem(pk=entry.pk, code=entry.code, title=entry.title,
                    category=str(entry.category) if entry.category_id else "",
                    industry=str(entry.industry) if entry.industry_id else "",
                    submitted=assignment.is_submitted)
