"""Entries, and their photos: uploads through the services, or rows written straight with a file."""

import hashlib
import io
import os
import struct

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from portal.accounts.enums import RoleKind
from portal.directory.enums import NodeKind
from submissions import services as submission_services
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, Photo
from tests.factories import photos as pf
from tests.factories.accounts import make_user
from tests.factories.campaigns import CampaignFactory
from tests.factories.directory import OrgNodeFactory
from tests.storage_helpers import on_s3, storage_names


def worker_of_a_new_unit():
    """A worker of a new unit under a new city union (an entry needs a selection union above its unit)."""
    city = OrgNodeFactory(kind=NodeKind.CITY, parent=OrgNodeFactory(kind=NodeKind.PROVINCE))
    return make_user(RoleKind.WORKER, OrgNodeFactory(parent=city))


class EntryFactory(factory.django.DjangoModelFactory):
    """An entry with every 附件1 field filled, placed in the directory like the submission service does.

    A non-draft entry gets a submission time. The author defaults to worker_of_a_new_unit().
    """

    class Meta:
        model = Entry

    author = factory.LazyFunction(worker_of_a_new_unit)
    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.LazyAttribute(lambda entry: entry.author.worker_unit)
    author_name = factory.LazyAttribute(lambda entry: entry.author.get_full_name())
    contact_address = "某某路1号"
    contact_phone = factory.LazyAttribute(lambda entry: entry.author.phone or "13900000000")
    contact_email = factory.LazyAttribute(lambda entry: entry.author.email)
    industry = factory.LazyAttribute(lambda entry: entry.campaign.industries.first())
    category = factory.LazyAttribute(lambda entry: entry.campaign.hazard_categories.first())
    title = "配电箱门未上锁"
    description = "配电箱门未上锁，存在触电风险，已加锁整改。"
    taken_on = factory.LazyFunction(timezone.localdate)
    location = "一号车间"
    hazard = "配电箱门未上锁"
    suggestion = "加锁并张贴警示标识"
    rectification_note = "已加锁"
    declaration_accepted = True
    declaration_name = factory.LazyAttribute(lambda entry: entry.author.get_full_name())
    declaration_date = factory.LazyFunction(timezone.localdate)
    state = EntryState.DRAFT
    tier = Tier.UNIT

    @classmethod
    def _create(cls, model_class, *args, **fields):
        entry = model_class(*args, **fields)
        entry.place_in_directory()
        if entry.state != EntryState.DRAFT and entry.submitted_at is None:
            entry.submitted_at = timezone.now()
        entry.save()
        return entry


def make_entry(author, *, campaign=None, unit=None, state=None, tier=None, **fields) -> Entry:
    """EntryFactory by `author`, in the notice's campaign and the author's unit unless given."""
    campaign = campaign or CampaignFactory()
    return EntryFactory(author=author, campaign=campaign, unit=unit or author.worker_unit,
                        state=state or EntryState.DRAFT, tier=Tier.UNIT if tier is None else tier, **fields)


# The longest names a real entry can have: a 60-character title (the field's limit) and a long, full
# unit name (the notice forbids abbreviations), which used to give names of ~400 bytes.
LONG_TITLE = "高处作业平台临边防护栏杆缺失且作业人员未正确佩戴安全带存在高处坠落风险" * 2
LONG_UNIT = "山西焦煤集团有限责任公司西山煤电（集团）有限责任公司马兰矿选煤厂机电维修车间综合检修班组工会小组"
LONG_AUTHOR = "阿卜杜热合曼·买买提艾力"


# --- uploads ------------------------------------------------------------------------------------------------

SMALL_SIZE = (400, 300)


def small_jpeg(n: int = 0, size=SMALL_SIZE, **options) -> bytes:
    """A valid JPEG under the small rules (campaigns.SMALL); different `n` give different bytes (and sha256)."""
    return pf.jpeg(size, quality=60 + n, **options)


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root) -> set[str]:
    """Every file under `root` (MEDIA_ROOT), relative, so a test can prove nothing was left behind; on S3,
    every file under the test's key prefix."""
    if on_s3():
        return storage_names()
    found = set()
    for folder, _dirs, files in os.walk(root):
        for name in files:
            found.add(os.path.relpath(os.path.join(folder, name), root))
    return found


XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def post_photo(client, entry, data, *, name="photo.jpg", kind=PhotoKind.HAZARD, xhr=True, follow=False, **extra):
    """POST a photo to the entry's upload view, as the page's script does (xhr) or as a plain form."""
    fields = {"kind": kind, "photo": upload(data, name), **extra}
    return client.post(reverse("submissions:photo_upload", args=[entry.pk]), fields, follow=follow,
                       **(XHR if xhr else {}))


def add_plain_photos(entry, author, n: int = 0) -> list[Photo]:
    """One hazard and one rectification photo through the services, derivatives made."""
    photos = []
    for i, kind in enumerate((PhotoKind.HAZARD, PhotoKind.RECTIFIED)):
        photo = submission_services.add_photo(entry, kind, upload(pf.jpeg((400, 300), quality=40 + 2 * (n % 25) + i)),
                                              actor=author)
        submission_services.create_photo_derivatives(photo)
        photo.refresh_from_db()
        photos.append(photo)
    return photos


# --- photos written straight, without the services ----------------------------------------------------------

def jpeg_bytes(seed: int, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 53) % 256))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def add_photo(entry, kind: str, position: int, seed: int) -> Photo:
    """A 64×48 photo row with its original file, no derivatives."""
    data = jpeg_bytes(seed)
    photo = Photo(entry=entry, kind=kind, position=position, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                  width=64, height=48)
    photo.original.save("upload.jpg", ContentFile(data), save=False)
    photo.save()
    return photo


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


def image_exif(data: bytes):
    return Image.open(io.BytesIO(data)).getexif()
