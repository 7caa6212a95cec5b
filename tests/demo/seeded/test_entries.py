"""seed_demo --entries and the demo flow with the demo accounts."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.entries import AUTHOR_PREFIX, GUIDED, add_demo_entries
from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.campaigns.models import Campaign
from review.actions import available_actions
from review.experts.selectors import entries_in_review, expert_ties
from review.models import RecommendationQuota, Transition
from scoring.models import Assessment
from scoring.rules import can_assess
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, ExpertAssignment, Photo
from tests.factories import ready

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "Demo@2025"


def seed(*args) -> str:
    """seed_demo again on the shared demo (which has no entries): what --entries adds and assigns."""
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)  # tests run with DEBUG off
    return out.getvalue()


def test_seed_demo_entries_spread_over_units_states_and_tiers(demo_db):
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


def test_seed_demo_entries_is_idempotent(demo_db):
    seed("--entries", "10", "--no-photos")
    users = User.objects.count()
    assert "新增演示作品 0 件" in seed("--entries", "10", "--no-photos")
    assert Entry.objects.count() == 10
    assert User.objects.count() == users
    assert "新增演示作品 5 件" in seed("--entries", "15", "--no-photos")
    assert Entry.objects.count() == 15


def test_demo_entries_with_photos_are_valid_distinct_jpegs(demo_db):
    from submissions.photos import photo_rules_for, validate_photo

    seed()
    campaign = Campaign.objects.current()
    assert add_demo_entries(3) == 3
    photos = list(Photo.objects.all())
    assert photos
    assert len({photo.sha256 for photo in photos}) == len(photos)
    for photo in photos[:2]:
        with photo.original.open("rb") as original:
            check = validate_photo(original, photo_rules_for(campaign))
        assert (check.width, check.height, check.dpi) == (3000, 2000, 300)
        assert photo.thumbnail and photo.preview
    for entry in Entry.objects.filter(has_rectification_photos=True):
        assert entry.photos.filter(kind=PhotoKind.RECTIFIED).exists()
    assert not Entry.objects.filter(has_duplicate_photo=True).exists()


def test_demo_flow_worker_unit_county_city_province_with_demo_accounts(demo_db):
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


# --- every README account finds something to do (issue 11.19) ------------------------------------------------

# The reviewer accounts of the README and the forward action of their queue.
REVIEWERS = {"unit1": "recommend", "county1": "forward", "group1": "forward", "city1": "recommend_province",
             "industry1": "recommend_province"}
FACTORS = {"l": "2", "e": "1.8", "c": "22", "x": "0.99", "y": "0.99", "comment": ""}


def logged_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client


def listed(page) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-entry="(\d+)"', page.content.decode())]


def test_seed_demo_entries_start_every_reviewer_account_with_work_it_can_do(demo_db):
    seed("--entries", str(len(GUIDED)), "--no-photos")
    for username, action in REVIEWERS.items():
        client, user = logged_in(username), User.objects.get(username=username)
        pending = listed(client.get(reverse("review:queue")))
        assert pending, f"{username}: nothing waits in the queue"
        ready = [pk for pk in pending if any(option.name == action and option.allowed for option in
                                             available_actions(Entry.objects.get(pk=pk), user))]
        assert ready, f"{username}: nothing in the queue can be {action}ed now"
        # And acting on it works: the entry climbs to the next tier.
        entry = Entry.objects.get(pk=ready[0])
        client.post(reverse(f"review:{action}", args=[entry.pk]))
        moved = Entry.objects.get(pk=entry.pk)
        assert moved.tier > entry.tier, username
        assert ready[0] not in listed(client.get(reverse("review:queue"))), username


def test_seed_demo_entries_give_unit1_an_entry_to_score_first(demo_db):
    seed("--entries", str(len(GUIDED)), "--no-photos")
    client, unit1 = logged_in("unit1"), User.objects.get(username="unit1")
    unscored = Entry.objects.filter(pk__in=listed(client.get(reverse("review:queue"))), unit_score=None)
    assert unscored.exists()
    entry = unscored.first()
    assert can_assess(unit1, entry, Tier.UNIT)
    client.post(reverse("scoring:assess", args=[entry.pk, Tier.UNIT]), FACTORS)
    entry.refresh_from_db()
    assert entry.unit_score is not None


def test_seed_demo_entries_give_every_expert_entries_to_score(demo_db):
    seed("--entries", str(len(GUIDED)), "--no-photos")
    experts = User.objects.filter(roles__kind=RoleKind.EXPERT).order_by("username")
    assert experts.count() >= 5
    for expert in experts:
        client = logged_in(expert.username)
        assigned = listed(client.get(reverse("experts:my_assignments")))
        assert assigned, f"{expert.username}: no entry to score"
        entry = Entry.objects.get(pk=assigned[0])
        assert can_assess(expert, entry, Tier.PROVINCE), expert.username
        client.post(reverse("scoring:assess", args=[entry.pk, Tier.PROVINCE]), FACTORS)
        assert Assessment.objects.filter(entry=entry, assessor=expert, tier=Tier.PROVINCE).exists()


def full_panels(campaign) -> None:
    """Every entry in the provincial review has experts_per_entry active experts, none tied to its union."""
    ties = expert_ties()
    entries = list(entries_in_review(campaign))
    assert entries
    for entry in entries:
        experts = list(ExpertAssignment.objects.active().filter(entry=entry).values_list("expert_id", flat=True))
        assert len(experts) == campaign.experts_per_entry, entry
        assert not any(entry.selection_union_id in ties.get(pk, ()) for pk in experts), entry


def test_seed_demo_entries_give_every_province_entry_a_full_panel(demo_db):
    seed("--entries", "60", "--no-photos")
    campaign = Campaign.objects.current()
    assert entries_in_review(campaign).values("selection_union").distinct().count() > 3
    full_panels(campaign)
    # Experts come from several cities.
    unions = Role.objects.filter(kind=RoleKind.EXPERT).values("node").distinct()
    assert unions.count() == User.objects.filter(roles__kind=RoleKind.EXPERT).count() >= 5


def test_seed_demo_adds_experts_when_the_campaign_wants_bigger_panels(demo_db):
    seed()
    campaign = Campaign.objects.current()
    campaign.experts_per_entry = 6
    campaign.save()
    seed("--entries", str(len(GUIDED)), "--no-photos")
    assert User.objects.filter(roles__kind=RoleKind.EXPERT).count() == 7
    full_panels(campaign)


def test_seed_demo_entries_again_assigns_nothing_and_adds_nothing(demo_db):
    seed("--entries", str(len(GUIDED)), "--no-photos")
    from review.experts.services import remove_assignment

    remove_assignment(ExpertAssignment.objects.order_by("pk").first(), actor=User.objects.get(username="committee"),
                      reason="演示：组委会手工调整")
    active = ExpertAssignment.objects.active().count()
    output = seed("--entries", str(len(GUIDED)), "--no-photos")
    assert "新增演示作品 0 件" in output
    # A later `make run` does not undo the committee's hand: nothing was added, so nothing is assigned.
    assert ExpertAssignment.objects.active().count() == active
