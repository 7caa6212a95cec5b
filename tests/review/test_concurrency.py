"""The 50-per-union cap under real concurrency: threads with their own database connections post at once.

Runs on SQLite (the default suite) and on PostgreSQL (CI sets DATABASE_URL). SQLite serialises writers
(BEGIN IMMEDIATE) and may answer "database is locked" to a waiting thread; such an attempt is retried, as
a user would click again. PostgreSQL runs the transactions truly in parallel: the conditional UPDATE of the
quota row and the CHECK constraint are what keep the count at the cap.
"""


import pytest
from django.db import IntegrityError, connection
from django.db.models import F
from django.test import Client
from django.urls import reverse

from portal.accounts.enums import RoleKind
from portal.refusals import Refused
from review import notifications, services
from review.models import RecommendationQuota, Transition
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.concurrency import run_concurrently
from tests.factories import CampaignFactory, OrgTree, make_user, ready

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_mail_tasks(monkeypatch):
    # Not what these tests are about, and an inline task's queries after the commit would make a
    # "database is locked" retry repeat an attempt that had already succeeded.
    monkeypatch.setattr(notifications, "enqueue_on_commit", lambda *args, **kwargs: None)

ALREADY = 45
ATTEMPTS = 20
CAP = 50


def _setup(already: int, attempts: int):
    org = OrgTree.build()
    campaign = CampaignFactory()
    worker = make_user(RoleKind.WORKER, org.unit_a1a)
    staff = [make_user(RoleKind.CITY, org.city_a) for _ in range(4)]
    for _ in range(already):
        ready(worker, campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
    RecommendationQuota.objects.create(campaign=campaign, union=org.city_a, cap=CAP, used=already)
    candidates = [ready(worker, campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
                  for _ in range(attempts)]
    return org, campaign, staff, candidates


def _assert_cap_held(org, campaign, candidates, already: int):
    recommended = Entry.objects.filter(selection_union=org.city_a, state=EntryState.PROVINCE_RECOMMENDED)
    assert recommended.count() == CAP
    assert Entry.objects.filter(pk__in=[e.pk for e in candidates], state=EntryState.PROVINCE_RECOMMENDED,
                                tier=Tier.PROVINCE).count() == CAP - already
    assert RecommendationQuota.objects.get(campaign=campaign, union=org.city_a).used == CAP
    assert Transition.objects.filter(entry__in=candidates).count() == CAP - already


def test_recommend_cap_holds_under_concurrent_requests():
    org, campaign, staff, candidates = _setup(ALREADY, ATTEMPTS)
    clients = []
    for i in range(ATTEMPTS):
        client = Client()
        client.force_login(staff[i % len(staff)])
        # The session timeout middleware stamps a fresh session on its first request; stamping 20 sessions
        # at once would be SQLite lock contention on the session table, not what this test is about.
        client.get(reverse("review:queue"))
        clients.append(client)
    urls = [reverse("review:recommend_province", args=[entry.pk]) for entry in candidates]
    connection.close()  # the threads open their own connections; the main thread's is not shared

    statuses = run_concurrently(ATTEMPTS, lambda i: clients[i].post(urls[i]).status_code)

    assert statuses == [302] * ATTEMPTS  # refused ones come back to the page with the cap message
    _assert_cap_held(org, campaign, candidates, ALREADY)


def test_recommend_cap_holds_when_the_service_is_called_concurrently():
    org, campaign, staff, candidates = _setup(ALREADY, ATTEMPTS)
    connection.close()

    def attempt(i):
        entry = Entry.objects.get(pk=candidates[i].pk)
        try:
            services.recommend_entry_to_province(entry, actor=staff[i % len(staff)])
        except Refused as exc:
            return exc.code
        return "ok"

    outcomes = run_concurrently(ATTEMPTS, attempt)

    assert outcomes.count("ok") == CAP - ALREADY
    assert outcomes.count("cap_reached") == ATTEMPTS - (CAP - ALREADY)
    _assert_cap_held(org, campaign, candidates, ALREADY)


def test_concurrent_clicks_on_the_same_entry_recommend_it_once():
    org, campaign, staff, candidates = _setup(0, 1)
    entry = candidates[0]
    connection.close()

    def attempt(i):
        try:
            services.recommend_entry_to_province(Entry.objects.get(pk=entry.pk), actor=staff[i % len(staff)])
        except Refused as exc:
            return exc.code
        return "ok"

    outcomes = run_concurrently(6, attempt)

    assert outcomes.count("ok") == 1
    assert RecommendationQuota.objects.get(campaign=campaign, union=org.city_a).used == 1
    assert Transition.objects.filter(entry=entry).count() == 1


def test_quota_check_constraint_is_enforced_by_the_database():
    org = OrgTree.build()
    campaign = CampaignFactory()
    quota = RecommendationQuota.objects.create(campaign=campaign, union=org.city_a, cap=2, used=2)
    with pytest.raises(IntegrityError):
        RecommendationQuota.objects.filter(pk=quota.pk).update(used=F("used") + 1)
    with pytest.raises(IntegrityError):
        RecommendationQuota.objects.filter(pk=quota.pk).update(used=-1)
    quota.refresh_from_db()
    assert quota.used == 2
