"""seed_demo --entries and the demo flow with the demo accounts."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from review.demo_entries import AUTHOR_PREFIX, add_demo_entries
from review.models import RecommendationQuota, Transition
from scoring.models import Assessment
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, Photo
from tests.review.conftest import ready

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "Demo@2025"


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)  # tests run with DEBUG off
    return out.getvalue()


def test_seed_demo_entries_spread_over_units_states_and_tiers():
    output = seed("--entries", "120", "--no-photos")
    assert "新增演示作品 120 件" in output
    entries = Entry.objects.filter(author__username__startswith=AUTHOR_PREFIX)
    assert entries.count() == 120
    assert entries.values("unit").distinct().count() > 30
    assert set(entries.values_list("selection_union__channel", flat=True)) == {"territorial", "industry"}
    states = Counter(entries.values_list("state", flat=True))
    tiers = Counter(entries.values_list("tier", flat=True))
    assert {EntryState.SUBMITTED, EntryState.UNIT_RECOMMENDED, EntryState.FIRST_FORWARDED,
            EntryState.PROVINCE_RECOMMENDED, EntryState.REJECTED} <= set(states)
    assert set(tiers) == {Tier.UNIT, Tier.FIRST_REVIEW, Tier.SELECTION, Tier.PROVINCE}
    assert entries.values("title").distinct().count() > 10
    # Every entry past the unit has what forwarding required, and a history that leads to its state.
    for entry in entries.filter(tier__gt=Tier.UNIT):
        assert entry.unit_score is not None and entry.has_rectification_photos
        last = entry.transitions.order_by("created_at", "id").last()
        assert (last.to_state, last.to_tier) == (entry.state, entry.tier)
    assert Assessment.objects.filter(entry__in=entries, tier=Tier.UNIT).count() == entries.exclude(
        unit_score=None).count()
    # Quotas match the recommended entries and never exceed the cap.
    campaign = Campaign.objects.current()
    for quota in RecommendationQuota.objects.filter(campaign=campaign):
        assert quota.used == entries.filter(selection_union=quota.union,
                                            state=EntryState.PROVINCE_RECOMMENDED).count() <= quota.cap


def test_seed_demo_entries_is_idempotent():
    seed("--entries", "10", "--no-photos")
    users = User.objects.count()
    assert "新增演示作品 0 件" in seed("--entries", "10", "--no-photos")
    assert Entry.objects.count() == 10
    assert User.objects.count() == users
    assert "新增演示作品 5 件" in seed("--entries", "15", "--no-photos")
    assert Entry.objects.count() == 15


def test_demo_entries_with_photos_are_valid_distinct_jpegs():
    from submissions.photos import validate_photo

    seed()
    campaign = Campaign.objects.current()
    assert add_demo_entries(3) == 3
    photos = list(Photo.objects.all())
    assert photos
    assert len({photo.sha256 for photo in photos}) == len(photos)
    for photo in photos[:2]:
        with photo.original.open("rb") as original:
            check = validate_photo(original, campaign.photo_rules())
        assert (check.width, check.height, check.dpi) == (3000, 2000, 300)
        assert photo.thumbnail and photo.preview
    for entry in Entry.objects.filter(has_rectification_photos=True):
        assert entry.photos.filter(kind=PhotoKind.RECTIFIED).exists()
    assert not Entry.objects.filter(has_duplicate_photo=True).exists()


def test_demo_flow_worker_unit_county_city_province_with_demo_accounts():
    seed()
    campaign = Campaign.objects.current()
    worker = User.objects.get(username="worker1")
    entry = ready(worker, campaign)
    clients = {}
    for username in ("unit1", "county1", "city1"):
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        clients[username] = client

    for username, action in (("unit1", "recommend"), ("county1", "forward"), ("city1", "recommend_province")):
        queue = clients[username].get(reverse("review:queue"))
        assert f'data-entry="{entry.pk}"' in queue.content.decode(), username
        clients[username].post(reverse(f"review:{action}", args=[entry.pk]))
    entry.refresh_from_db()
    assert (entry.state, entry.tier) == (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE)
    assert "已推荐 1/50" in clients["city1"].get(reverse("review:queue")).content.decode()
    history = clients["city1"].get(reverse("review:entry", args=[entry.pk])).content.decode()
    for name in ("李四", "王五", "赵六"):
        assert name in history
    assert Transition.objects.filter(entry=entry).count() == 3
