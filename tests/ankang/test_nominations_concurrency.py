"""The quota of a level under real concurrency: threads with their own connections forward at once
(SQLite retries a locked write; on PostgreSQL the conditional UPDATE and the CHECK constraint hold)."""

import pytest
from django.db import connection

from ankang import nominations
from ankang.nomination_enums import AwardKind, NominationLevel
from ankang.nomination_models import Nomination, NominationTally
from portal.accounts.enums import RoleKind
from portal.refusals import Refused
from review import notifications
from tests.concurrency import run_concurrently
from tests.factories import OrgTree, make_user
from tests.factories.ankang import ankang_people, confirmed, make_competition
from tests.factories.ankang_nominations import propose_person, set_quotas

pytestmark = pytest.mark.django_db(transaction=True)
CAP = 3
ATTEMPTS = 8


@pytest.fixture(autouse=True)
def no_mail_tasks(monkeypatch):
    monkeypatch.setattr(notifications, "enqueue_on_commit", lambda *args, **kwargs: None)


def test_county_quota_holds_under_concurrent_forwards():
    org = OrgTree.build()
    people = ankang_people(org)
    competition = make_competition(org.province)
    set_quotas(competition, county_person=CAP)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    staff = [people["county"], *[make_user(RoleKind.COUNTY, org.county_a1) for _ in range(3)]]
    candidates = [propose_person(competition, org.unit_a1a, people["unit"], f"职工{i}") for i in range(ATTEMPTS)]
    connection.close()

    def attempt(i):
        try:
            nominations.forward_nomination(Nomination.objects.get(pk=candidates[i].pk), actor=staff[i % len(staff)])
        except Refused as exc:
            return exc.code
        return "ok"

    outcomes = run_concurrently(ATTEMPTS, attempt)

    assert outcomes.count("ok") == CAP
    assert outcomes.count("quota_full") == ATTEMPTS - CAP
    assert Nomination.objects.filter(level=NominationLevel.CITY).count() == CAP
    assert NominationTally.objects.get(union=org.county_a1, kind=AwardKind.PERSON).used == CAP


def test_concurrent_clicks_on_one_nomination_forward_it_once():
    org = OrgTree.build()
    people = ankang_people(org)
    competition = make_competition(org.province)
    set_quotas(competition, county_person=CAP)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    nomination = propose_person(competition, org.unit_a1a, people["unit"])
    connection.close()

    def attempt(i):
        try:
            nominations.forward_nomination(Nomination.objects.get(pk=nomination.pk), actor=people["county"])
        except Refused as exc:
            return exc.code
        return "ok"

    outcomes = run_concurrently(5, attempt)

    assert outcomes.count("ok") == 1
    assert NominationTally.objects.get(union=org.county_a1, kind=AwardKind.PERSON).used == 1
    assert nomination.steps.filter(action="forward").count() == 1
