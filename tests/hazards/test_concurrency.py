"""Two people acting on one hazard at once: the row lock lets one win (runs on SQLite and PostgreSQL)."""

import pytest

from hazards import services
from hazards.enums import HazardState
from hazards.models import Hazard, HazardEvent
from portal.refusals import Refused
from tests.concurrency import run_concurrently
from tests.factories import OrgTree
from tests.factories.hazards import hazard_people, report, walk

pytestmark = pytest.mark.django_db(transaction=True)


def attempt(call):
    try:
        call()
        return "ok"
    except Refused as exc:
        return exc.code


def test_two_verifiers_at_once_one_wins():
    org = OrgTree.build()
    people = hazard_people(org)
    hazard = walk(people, org, HazardState.SUBMITTED)
    verifiers = [people["safety2"], people["head"]]
    results = run_concurrently(2, lambda i: attempt(
        lambda: services.verify_rectification(Hazard.objects.get(pk=hazard.pk), actor=verifiers[i], note=str(i))))
    assert sorted(results) == ["bad_state", "ok"]
    hazard.refresh_from_db()
    assert hazard.state == HazardState.VERIFIED
    assert HazardEvent.objects.filter(hazard=hazard, to_state=HazardState.VERIFIED).count() == 1


def test_concurrent_reports_get_distinct_codes():
    org = OrgTree.build()
    people = hazard_people(org)
    hazards = run_concurrently(4, lambda i: report(people, org))
    assert len({h.code for h in hazards}) == 4
