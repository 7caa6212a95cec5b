"""Several experts scoring the same entry at once, each in a thread with its own database connection.

Runs on SQLite (the default suite) and on PostgreSQL (CI sets DATABASE_URL). SQLite serialises writers and
may answer "database is locked" to a waiting thread; such an attempt is retried, as the expert would
click again. On PostgreSQL the transactions really overlap on the entry's row lock.
"""


import pytest

from portal.accounts.enums import RoleKind
from review.experts import services
from scoring.models import Assessment
from submissions.enums import Tier
from submissions.models import ExpertAssignment
from tests.concurrency import run_concurrently
from tests.factories import SMALL, CampaignFactory, OrgTree, assign, at_province, make_expert, make_user
from tests.factories.experts import score

pytestmark = pytest.mark.django_db(transaction=True)

EXPERTS = 6


def test_experts_scoring_the_same_entry_at_once_get_one_assessment_each(monkeypatch):
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args, **kwargs: None)
    org = OrgTree.build()
    campaign = CampaignFactory(**SMALL)
    author = make_user(RoleKind.WORKER, org.unit_a1a)
    entry = at_province(author, campaign)
    experts = [make_expert(org.city_b) for _ in range(EXPERTS)]
    for expert in experts:
        assign(entry, expert)
    keys = ["100", "90", "80", "72", "60", "40"]

    results = run_concurrently(EXPERTS, lambda i: score(entry, experts[i], keys[i]).pk)

    assert len(set(results)) == EXPERTS
    assessments = Assessment.objects.filter(entry=entry, tier=Tier.PROVINCE)
    assert assessments.count() == EXPERTS
    assert sorted(assessments.values_list("assessor_id", flat=True)) == sorted(e.pk for e in experts)
    assert not ExpertAssignment.objects.filter(entry=entry, submitted_at__isnull=True).exists()


def test_two_committee_members_auto_assigning_at_once_never_exceed_k(monkeypatch):
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args, **kwargs: None)
    org = OrgTree.build()
    campaign = CampaignFactory(**SMALL)
    author = make_user(RoleKind.WORKER, org.unit_a1a)
    entries = [at_province(author, campaign) for _ in range(4)]
    for _ in range(5):
        make_expert(org.city_b)
    committee = [make_user(RoleKind.COMMITTEE, org.province) for _ in range(3)]

    run_concurrently(3, lambda i: services.auto_assign_experts(campaign, actor=committee[i]).created)

    for entry in entries:
        assert ExpertAssignment.objects.active().filter(entry=entry).count() == campaign.experts_per_entry
