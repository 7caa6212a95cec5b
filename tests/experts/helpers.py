"""Builders for the expert review and exhibition tests."""

import io
import struct
from decimal import Decimal

from PIL import Image

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import AwardKind, PhaseKind
from scoring.services import assess_entry
from submissions import services as submission_services
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, ExpertAssignment, Photo
from tests.factories import make_entry, make_user
from tests.submissions import photo_fixtures as pf
from tests.submissions.conftest import upload

SMALL = {"min_long_side": 320, "min_short_side": 240}


def make_expert(node=None, **fields):
    return make_user(RoleKind.EXPERT, node, **fields)


def at_province(author, campaign, **fields) -> Entry:
    """An entry recommended to the province (state PROVINCE_RECOMMENDED, tier PROVINCE)."""
    fields.setdefault("has_rectification_photos", True)
    return make_entry(author, campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                      **fields)


def assign(entry, expert, **fields) -> ExpertAssignment:
    return ExpertAssignment.objects.create(entry=entry, expert=expert, **fields)


FACTORS = {
    "100": ("2", "2", "25", "1", "1"),
    "90": ("2", "1.8", "25", "1", "1"),
    "80": ("2", "2", "20", "1", "1"),
    "72": ("2", "1.8", "20", "1", "1"),
    "60": ("1.5", "2", "20", "1", "1"),
    "50": ("1", "2", "25", "1", "1"),
    "40": ("1", "2", "20", "1", "1"),
    "15": ("1", "1", "15", "1", "1"),
    "20": ("1", "1", "20", "1", "1"),
}


def d_of(key: str) -> Decimal:
    l, e, c, x, y = (Decimal(v) for v in FACTORS[key])  # noqa: E741
    return l * e * c * x * y


def score(entry, expert, key: str = "60", comment: str = ""):
    """assess_entry at the province with the factors of FACTORS[key]."""
    l, e, c, x, y = FACTORS[key]  # noqa: E741
    return assess_entry(entry, actor=expert, tier=Tier.PROVINCE,
                        values={"l": l, "e": e, "c": c, "x": x, "y": y}, comment=comment)


def set_phase(campaign, kind, *, starts_at, ends_at):
    phase = campaign.phases.get(kind=kind)
    phase.starts_at, phase.ends_at = starts_at, ends_at
    phase.save()
    campaign.refresh_from_db()
    return phase


def close_expert_review(campaign, now):
    from datetime import timedelta

    return set_phase(campaign, PhaseKind.EXPERT_REVIEW, starts_at=now - timedelta(days=30),
                     ends_at=now - timedelta(days=1))


def work_level(campaign, name):
    return campaign.award_levels.get(kind=AwardKind.WORK, name=name)


def set_counts(campaign, counts: dict[str, int], kind=AwardKind.WORK):
    for name, count in counts.items():
        campaign.award_levels.filter(kind=kind, name=name).update(count=count)


# --- photos with identifying metadata -----------------------------------------------------------------------

ARTIST = "ZHANG-SECRET-ARTIST"


def _app1(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def identifying_jpeg(n: int, *, author: str, phone: str, email: str) -> bytes:
    """A valid small JPEG whose metadata names its author: EXIF Artist, GPS position, an XMP packet with
    the author's name and phone, and a comment with the e-mail address."""
    exif = Image.Exif()
    exif[0x013B] = ARTIST
    exif[0x010E] = f"tel {phone}"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (37.0, 51.0, 30.0), "E", (112.0, 33.0, 10.0)
    data = pf.insert_exif(pf.jpeg((400, 300), quality=60 + n), exif)
    xmp = (b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>"
           + author.encode() + b" " + phone.encode() + b"</dc:creator></x:xmpmeta>")
    data = data[:2] + _app1(xmp) + data[2:]
    return pf.insert_comment(data, email.encode())


def add_identifying_photos(entry, author, *, phone, email) -> list[Photo]:
    """One hazard and one rectification photo with identifying metadata, derivatives made, on a draft
    `entry` (the caller moves it to the province afterwards)."""
    photos = []
    for n, kind in enumerate((PhotoKind.HAZARD, PhotoKind.RECTIFIED)):
        data = identifying_jpeg(n, author=entry.author_name, phone=phone, email=email)
        photo = submission_services.add_photo(entry, kind, upload(data), actor=author)
        submission_services.create_photo_derivatives(photo)
        photo.refresh_from_db()
        photos.append(photo)
    return photos


def add_plain_photos(entry, author, n: int = 0) -> list[Photo]:
    photos = []
    for i, kind in enumerate((PhotoKind.HAZARD, PhotoKind.RECTIFIED)):
        photo = submission_services.add_photo(entry, kind, upload(pf.jpeg((400, 300), quality=40 + 2 * (n % 25) + i)),
                                              actor=author)
        submission_services.create_photo_derivatives(photo)
        photo.refresh_from_db()
        photos.append(photo)
    return photos


def image_exif(data: bytes):
    return Image.open(io.BytesIO(data)).getexif()
