"""Near-duplicate photos: the pHash survives re-saving, resizing and a light crop; the derivatives task
flags both entries; the committee's dismissal clears the flag; past campaigns' photos are imported as
hashes and caught."""

import io
import random
import zipfile

import pytest
from django.core.management import call_command
from PIL import Image

from submissions import near_duplicates, services
from submissions.enums import EntryState, PhotoKind
from submissions.models import Entry, Photo, ReferencePhoto
from submissions.photos.similarity import band_neighbours, hamming, phash64, to_signed
from tests.factories import make_entry
from tests.factories import photos as pf

pytestmark = pytest.mark.django_db

SIZE = (800, 600)


def _jpeg(image: Image.Image, quality: int = 80) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, dpi=(300, 300))
    return out.getvalue()


def variants():
    base = pf.picture(SIZE)
    return {
        "resaved": _jpeg(base, quality=55),
        "resized": _jpeg(base.resize((600, 450))),
        "cropped": _jpeg(base.crop((20, 15, 780, 585)).resize(SIZE)),
    }


def test_hash_is_signed_64_bit():
    assert to_signed(2**64 - 1) == -1 and to_signed(5) == 5
    assert hamming(-1, 0) == 64 and hamming(to_signed(2**63), 0) == 1


@pytest.mark.parametrize("name", ["resaved", "resized", "cropped"])
def test_copy_within_default_distance(name):
    original = phash64(io.BytesIO(_jpeg(pf.picture(SIZE))))
    assert hamming(original, phash64(io.BytesIO(variants()[name]))) <= 8


def test_different_photo_is_far():
    a = phash64(io.BytesIO(_jpeg(pf.picture(SIZE))))
    other = pf.picture((3200, 3200)).crop((2000, 2000, 2800, 2600)).transpose(Image.Transpose.ROTATE_180)
    assert hamming(a, phash64(io.BytesIO(_jpeg(other)))) > 8


def _submitted_with_photo(author, campaign, data) -> Entry:
    entry = make_entry(author, campaign=campaign)
    photo = Photo(entry=entry, kind=PhotoKind.HAZARD, position=1, sha256=str(hash(data)), size=len(data),
                  width=SIZE[0], height=SIZE[1], original=f"t/{entry.pk}.jpg")
    photo.original.save(f"{entry.pk}.jpg", io.BytesIO(data), save=False)
    photo.save()
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.SUBMITTED)
    services.create_photo_derivatives(photo)
    entry.refresh_from_db()
    return entry


@pytest.mark.storage
def test_derivatives_task_hashes_and_flags_both_entries(people, small_campaign):
    first = _submitted_with_photo(people["worker"], small_campaign, _jpeg(pf.picture(SIZE)))
    assert Photo.objects.get(entry=first).phash is not None and not first.has_near_duplicate
    second = _submitted_with_photo(people["worker_peer"], small_campaign, variants()["cropped"])
    first.refresh_from_db()
    assert second.has_near_duplicate and first.has_near_duplicate


@pytest.mark.storage
def test_dismissal_clears_the_flag_and_needs_a_reason(people, small_campaign):
    first = _submitted_with_photo(people["worker"], small_campaign, _jpeg(pf.picture(SIZE)))
    second = _submitted_with_photo(people["worker_peer"], small_campaign, variants()["resized"])
    a, b = Photo.objects.get(entry=first), Photo.objects.get(entry=second)
    with pytest.raises(near_duplicates.Refused):
        near_duplicates.dismiss_pair(b, other_photo=a, reason=" ", actor=people["worker"])
    near_duplicates.dismiss_pair(b, other_photo=a, reason="同一现场不同角度", actor=people["worker"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.has_near_duplicate and not second.has_near_duplicate


@pytest.mark.storage
def test_imported_past_campaign_photo_is_caught(people, small_campaign, tmp_path):
    archive = tmp_path / "2024年随手拍.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("太原供电-李四-配电箱-1.jpg", _jpeg(pf.picture(SIZE)))
        zf.writestr("readme.txt", "x")
        zf.writestr("broken.jpg", b"not a jpeg")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_reference_photos", str(archive), "--year", "2024", stdout=out, stderr=err)
    assert "1幅" in out.getvalue() and "broken.jpg" in err.getvalue()
    assert ReferencePhoto.objects.get().code == "太原供电-李四-配电箱-1.jpg"
    entry = _submitted_with_photo(people["worker"], small_campaign, variants()["resaved"])
    assert entry.has_near_duplicate
    [match] = near_duplicates.matches_of(Photo.objects.get(entry=entry))
    assert match.reference_id == ReferencePhoto.objects.get().pk


@pytest.mark.storage
def test_own_entry_and_drafts_are_not_matches(people, small_campaign):
    draft = make_entry(people["worker_peer"], campaign=small_campaign)
    data = _jpeg(pf.picture(SIZE))
    photo = Photo.objects.create(entry=draft, kind=PhotoKind.HAZARD, position=1, sha256="d", size=1, width=1,
                                 height=1, original="x.jpg", phash=phash64(io.BytesIO(data)))
    entry = _submitted_with_photo(people["worker"], small_campaign, data)
    assert not entry.has_near_duplicate
    assert near_duplicates.near_hashes(photo.phash, 8, exclude_entry_id=entry.pk) == []


def test_band_neighbours_cover_the_radius():
    assert len(band_neighbours(0, 2)) == 1 + 16 + 120
    assert all(bin(v).count("1") <= 2 for v in band_neighbours(0, 2))


@pytest.mark.parametrize("distance", [3, 8, 12])
def test_search_finds_exactly_the_hashes_within_distance(distance):
    rnd = random.Random(distance)
    query = to_signed(rnd.getrandbits(64))
    values = [to_signed(rnd.getrandbits(64)) for _ in range(150)]
    for flips in range(distance + 3):  # neighbours at every distance around the limit
        value = query
        for bit in rnd.sample(range(64), flips):
            value ^= 1 << bit
        values.append(to_signed(value & (2**64 - 1)))
    ReferencePhoto.objects.bulk_create(ReferencePhoto(year=2024, code=str(n), phash=v) for n, v in enumerate(values))
    expected = sorted(hamming(query, v) for v in values if hamming(query, v) <= distance)
    found = near_duplicates.near_hashes(query, distance)
    assert sorted(m.distance for m in found) == expected[: near_duplicates.MATCH_LIMIT]


def test_author_is_told_on_the_entry_page(client, people, small_campaign):
    entry = make_entry(people["worker"], campaign=small_campaign)
    client.force_login(people["worker"])
    url = f"/submissions/{entry.pk}/edit/"
    assert "疑似重复" not in client.get(url).content.decode()
    Entry.objects.filter(pk=entry.pk).update(has_near_duplicate=True)
    assert "疑似重复" in client.get(url).content.decode()


@pytest.mark.storage
def test_deleting_the_copy_clears_the_other_entrys_flag(people, small_campaign):
    first = _submitted_with_photo(people["worker"], small_campaign, _jpeg(pf.picture(SIZE)))
    second = _submitted_with_photo(people["worker_peer"], small_campaign, variants()["resaved"])
    Entry.objects.filter(pk=second.pk).update(state=EntryState.RETURNED)
    services.delete_photo(Photo.objects.get(entry=second), actor=people["worker_peer"])
    first.refresh_from_db()
    assert not first.has_near_duplicate
