"""The 疑似重复 pages (review.duplicates): who sees the pair, what of the other entry they see, the
committee's "not a duplicate", and the queue's badge and filter."""

import pytest
from django.urls import reverse

from submissions import near_duplicates
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import DuplicateDismissal, Entry, Photo, ReferencePhoto
from tests.factories import ready

pytestmark = pytest.mark.django_db

HASH = 0x1234_5678_9ABC_DEF0


def _photo(entry, phash):
    return Photo.objects.create(entry=entry, kind=PhotoKind.HAZARD, position=1, original=f"o/{entry.pk}.jpg",
                                thumbnail=f"t/{entry.pk}.jpg", preview=f"p/{entry.pk}.jpg", sha256=f"{entry.pk}" * 8,
                                size=1, width=3000, height=2000, phash=phash)


@pytest.fixture
def pair(people, campaign):
    at_province = {"state": EntryState.PROVINCE_RECOMMENDED, "tier": Tier.PROVINCE}
    first = ready(people["worker"], campaign, **at_province)
    second = ready(people["worker_peer"], campaign, **at_province)
    Entry.objects.filter(pk=second.pk).update(author_name="王五")
    a, b = _photo(first, HASH), _photo(second, HASH ^ 0b1011)  # 3 bits apart
    near_duplicates.refresh_flags({first.pk, second.pk})
    return first, second, a, b


def test_both_entries_flagged(pair):
    first, second, _a, _b = pair
    assert Entry.objects.filter(pk__in=[first.pk, second.pk], has_near_duplicate=True).count() == 2


def test_committee_sees_the_pair_with_codes_and_author(client, people, pair):
    first, second, _a, _b = pair
    client.force_login(people["committee"])
    body = client.get(reverse("review:duplicates", args=[first.pk])).content.decode()
    assert second.code in body and "王五" in body and "相差 3 位" in body
    assert reverse("review:duplicate_dismiss", args=[pair[2].pk]) in body


@pytest.mark.parametrize("who", ["worker", "worker_peer", "expert", "city_other"])
def test_outside_the_review_scope_is_404(client, people, pair, who):
    client.force_login(people[who])
    assert client.get(reverse("review:duplicates", args=[pair[0].pk])).status_code == 404


def test_expert_cannot_dismiss(client, people, pair):
    client.force_login(people["expert"])
    url = reverse("review:duplicate_dismiss", args=[pair[2].pk])
    assert client.post(url, {"other_photo": pair[3].pk, "reason": "x"}).status_code == 404
    assert not DuplicateDismissal.objects.exists()


def test_committee_dismisses_with_a_reason(client, people, pair):
    _first, _second, a, b = pair
    client.force_login(people["committee"])
    url = reverse("review:duplicate_dismiss", args=[a.pk])
    client.post(url, {"other_photo": b.pk, "reason": ""})
    assert not DuplicateDismissal.objects.exists()
    response = client.post(url, {"other_photo": b.pk, "reason": "同一车间，不同隐患"}, follow=True)
    assert "已认定为不是重复" in response.content.decode()
    assert DuplicateDismissal.objects.get().reason == "同一车间，不同隐患"
    assert not Entry.objects.filter(has_near_duplicate=True).exists()


def test_reference_photo_shows_year_and_name_only(client, people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
    _photo(entry, HASH)
    ReferencePhoto.objects.create(year=2024, code="太原-李四-配电箱-1.jpg", phash=HASH ^ 1)
    near_duplicates.refresh_flags({entry.pk})
    client.force_login(people["committee"])
    body = client.get(reverse("review:duplicates", args=[entry.pk])).content.decode()
    assert "2024年往届作品" in body and "太原-李四-配电箱-1.jpg" in body


def test_queue_badge_and_filter(client, people, pair, campaign):
    client.force_login(people["committee"])
    alone = ready(people["worker"], campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
    body = client.get("/review/", {"near_duplicate": "yes", "stage": "here"}).content.decode()
    assert "疑似重复" in body
    assert f'data-entry="{alone.pk}"' not in body


def test_reviewer_sees_the_other_entrys_code_but_not_its_author_outside_scope(client, people, pair):
    first, second, _a, b = pair
    client.force_login(people["unit"])  # reviews the first entry's unit only
    body = client.get(reverse("review:duplicates", args=[first.pk])).content.decode()
    assert second.code in body and "不在您的评审范围" in body
    assert "王五" not in body and reverse("files:download_variant", args=["photo", b.pk, "thumbnail"]) not in body
    assert reverse("review:duplicate_dismiss", args=[pair[2].pk]) not in body
