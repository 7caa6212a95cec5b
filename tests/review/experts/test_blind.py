"""Blind review: nothing an assigned expert can open or download names the author.

The entry is seeded with a distinctive author name, phone, unit, e-mail and address, and with photos whose
EXIF names an artist and holds a GPS position (plus an XMP packet and a comment naming the author). Every
page and every file the expert can reach is fetched and searched, as text and as bytes.
"""

import pytest
from django.urls import reverse

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from review.experts.files import blind_download_name
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.factories import ARTIST, add_identifying_photos, assign, image_exif, make_entry, make_user
from tests.storage_helpers import download

pytestmark = pytest.mark.django_db

AUTHOR = "隐秘作者甲"
PHONE = "13912345678"
UNIT = "绝密机械制造有限公司"
EMAIL = "secret.author@example.org"
ADDRESS = "机密路999号"
SECRETS = [AUTHOR, PHONE, UNIT, EMAIL, ADDRESS, ARTIST]
GPS_IFD, ARTIST_TAG = 0x8825, 0x013B


@pytest.fixture
def seeded(org, people, campaign):
    unit = OrgNode.objects.create(name=UNIT, kind=NodeKind.UNIT, parent=org.county_a1)
    author = make_user(RoleKind.WORKER, unit, full_name=AUTHOR, phone=PHONE, email=EMAIL, address=ADDRESS)
    entry = make_entry(author, campaign=campaign)
    entry.contact_address = ADDRESS
    entry.save(update_fields=["contact_address"])
    assert (entry.author_name, entry.unit.name, entry.contact_phone, entry.contact_email,
            entry.declaration_name) == (AUTHOR, UNIT, PHONE, EMAIL, AUTHOR)
    photos = add_identifying_photos(entry, author, phone=PHONE, email=EMAIL)
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                                             has_rectification_photos=True)
    entry.refresh_from_db()
    assign(entry, people["expert_b"])
    return entry, photos


def assert_clean_text(text: str, where: str):
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaks in {where}"


def assert_clean_image(data: bytes, where: str):
    for secret in SECRETS:
        assert secret.encode() not in data, f"{secret!r} leaks in the bytes of {where}"
    assert b"Exif\x00\x00" not in data, f"EXIF left in {where}"
    assert b"http://ns.adobe.com/xap" not in data, f"XMP left in {where}"
    exif = image_exif(data)
    assert GPS_IFD not in exif and ARTIST_TAG not in exif, f"GPS or Artist left in {where}"


def test_the_fixture_photo_really_carries_the_identifying_metadata(seeded):
    _entry, photos = seeded
    with photos[0].original.open("rb") as original:
        data = original.read()
    exif = image_exif(data)
    assert exif[ARTIST_TAG] == ARTIST and GPS_IFD in exif
    assert AUTHOR.encode() in data and PHONE.encode() in data


def test_no_expert_page_names_the_author(client, people, seeded):
    entry, _photos = seeded
    client.force_login(people["expert_b"])
    pages = [reverse("experts:my_assignments"), reverse("experts:entry", args=[entry.pk]),
             reverse("scoring:assess", args=[entry.pk, Tier.PROVINCE])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean_text(response.content.decode(), url)
    assert entry.code in client.get(pages[1]).content.decode()
    # After scoring: the page the form comes back to, and the entry page with the others' scores.
    response = client.post(pages[2], {"l": "2", "e": "2", "c": "25", "x": "1", "y": "1", "comment": ""}, follow=True)
    assert response.status_code == 200
    assert_clean_text(response.content.decode(), "the page after scoring")
    assert_clean_text(client.get(pages[1]).content.decode(), "the entry page after scoring")


@pytest.mark.storage
def test_every_file_an_expert_can_download_is_anonymous(client, people, seeded):
    entry, photos = seeded
    client.force_login(people["expert_b"])
    downloads = []
    for photo in photos:
        downloads += [reverse("files:download_variant", args=["photo", photo.pk, "thumbnail"]),
                      reverse("files:download_variant", args=["photo", photo.pk, "preview"]),
                      reverse("files:download", args=["blind-original", photo.pk])]
    for url in downloads:
        response = download(client, url)
        assert response.status_code == 200, url
        data = response.content
        assert data[:2] == b"\xff\xd8"
        assert_clean_image(data, url)
        disposition = response["Content-Disposition"]
        assert_clean_text(disposition, f"the file name of {url}")
        assert entry.code in disposition or "%" in disposition
    # The stored originals keep their metadata and stay out of the expert's reach.
    for photo in photos:
        assert client.get(reverse("files:download_variant", args=["photo", photo.pk, "original"])).status_code == 404


@pytest.mark.storage
def test_the_blind_original_keeps_every_pixel_and_is_named_by_the_code(client, people, seeded):
    from tests.factories import photos as pf

    entry, photos = seeded
    client.force_login(people["expert_b"])
    response = download(client, reverse("files:download", args=["blind-original", photos[0].pk]))
    copy = response.content
    with photos[0].original.open("rb") as original:
        stored = original.read()
    assert pf.decode(copy).tobytes() == pf.decode(stored).tobytes()  # lossless: the scan data is untouched
    assert blind_download_name(photos[0]) == f"{entry.code}-整改前1.jpg"
    assert response["Content-Disposition"].startswith("attachment;")
    # Made once, then reused.
    again = download(client, reverse("files:download", args=["blind-original", photos[0].pk]))
    assert again.content == copy


@pytest.mark.storage
def test_no_blind_original_for_experts_not_assigned_or_after_a_conflict(client, people, seeded):
    from review.experts import services

    entry, photos = seeded
    url = reverse("files:download", args=["blind-original", photos[0].pk])
    for who in ("expert_i", "expert_a", "city", "worker"):
        client.force_login(people[who])
        assert client.get(url).status_code == 404, who
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(people["expert_b"])
    assert client.get(reverse("files:download_variant", args=["blind-original", photos[0].pk, "preview"])).status_code == 404
    services.declare_conflict(entry, actor=people["expert_b"], reason="x")
    assert client.get(url).status_code == 404


@pytest.mark.storage
def test_the_committee_may_check_the_blind_copy(client, people, seeded):
    _entry, photos = seeded
    client.force_login(people["committee"])
    assert download(client, reverse("files:download", args=["blind-original", photos[0].pk])).status_code == 200


def test_without_blind_review_the_expert_sees_author_and_unit_but_never_contacts(client, people, seeded, campaign):
    entry, _photos = seeded
    campaign.blind_review = False
    campaign.save()
    client.force_login(people["expert_b"])
    html = client.get(reverse("experts:entry", args=[entry.pk])).content.decode()
    assert AUTHOR in html and UNIT in html
    for secret in (PHONE, EMAIL, ADDRESS):
        assert secret not in html


def test_the_authors_own_page_is_not_reachable_for_an_assigned_expert(client, people, seeded):
    entry, _photos = seeded
    client.force_login(people["expert_b"])
    assert client.get(reverse("submissions:entry_detail", args=[entry.pk])).status_code == 404


def test_an_expert_who_is_also_staff_elsewhere_gets_no_original_through_the_assignment(client, org, people, seeded):
    entry, photos = seeded
    Role.objects.create(user=people["expert_b"], kind=RoleKind.CITY, node=org.city_b)
    client.force_login(people["expert_b"])
    assert client.get(reverse("files:download_variant", args=["photo", photos[0].pk, "original"])).status_code == 404
    assert client.get(reverse("submissions:entry_detail", args=[entry.pk])).status_code == 404
    response = client.get(reverse("experts:entry", args=[entry.pk]))
    assert response.status_code == 200
    assert_clean_text(response.content.decode(), "the expert page of a staff expert")


def test_names_written_into_free_text_never_reach_an_expert_page(client, org, people, seeded):
    """Issue 12.2: the author's name and the unit's and its unions' full and short names typed into every
    free-text field are redacted on every page the expert reaches, with a visible mark."""
    from review.experts.blind import REDACTED

    entry, _photos = seeded
    org.county_a1.short_name = "甲一县"
    org.county_a1.save()
    names = [AUTHOR, UNIT, org.county_a1.name, org.county_a1.short_name, org.city_a.name]
    if org.city_a.short_name:
        names.append(org.city_a.short_name)
    text = "、".join(names)
    Entry.objects.filter(pk=entry.pk).update(
        title=AUTHOR + "拍", description=text[:50], location=UNIT + "二号车间", hazard=text, suggestion=text,
        rectification_note=text)
    client.force_login(people["expert_b"])
    pages = [reverse("experts:my_assignments"), reverse("experts:entry", args=[entry.pk]),
             reverse("scoring:assess", args=[entry.pk, Tier.PROVINCE])]
    for url in pages:
        html = client.get(url).content.decode()
        for name in names:
            assert name not in html, f"{name!r} leaks in {url}"
        assert REDACTED in html, url
    assert "二号车间" in client.get(pages[1]).content.decode()
