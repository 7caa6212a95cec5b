"""The ledger's permissions, by role at the hazard's unit (or above it): who may take which step."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from hazards.enums import HazardLevel
from tests.factories import HazardFactory

pytestmark = pytest.mark.django_db

WHO = ["worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit", "county", "city",
       "committee", "regulator", "safety_other", "inspector_other", "county_other", "regulator_other"]

# permission: the people (of WHO) who hold it on a general hazard of unit A1a found by "worker", with
# "workshop" responsible and "safety" the assigner.
GENERAL = {
    "hazards.view_hazard": {"worker", "team_leader", "workshop", "safety", "head", "inspector", "unit", "county",
                            "city", "committee"},
    "hazards.download_original": {"worker", "inspector", "unit", "county", "city", "committee"},
    "hazards.set_finder_named": {"worker"},
    "hazards.accept_hazard": {"safety", "head"},
    "hazards.decline_hazard": {"safety", "head"},
    "hazards.reopen_declined": {"inspector"},
    "hazards.submit_plan": {"workshop", "safety", "head"},
    "hazards.approve_plan": {"head"},
    "hazards.start_rectification": {"workshop", "safety", "head"},
    "hazards.add_before_photo": {"worker", "safety", "head"},
    "hazards.add_after_photo": {"workshop", "safety", "head"},
    "hazards.submit_rectification": {"workshop", "safety", "head"},
    "hazards.request_extension": {"workshop", "safety", "head"},
    "hazards.decide_extension": {"safety"},
    "hazards.verify_rectification": {"safety", "head"},
    "hazards.return_rectification": {"safety", "head"},
    "hazards.sign_off": {"inspector"},
    "hazards.record_regulator": set(),
    "hazards.close_hazard": {"safety", "head"},
    "hazards.review_hazard": {"safety", "head", "inspector"},
    "hazards.reopen_hazard": {"safety", "head", "inspector"},
    "hazards.propose_stoppage": {"inspector"},
    "hazards.answer_stoppage": {"safety", "head"},
}


@pytest.fixture
def hazard(org, people):
    return HazardFactory(unit=org.unit_a1a, finder=people["worker"], responsible=people["workshop"],
                         assigned_by=people["safety"], level=HazardLevel.GENERAL)


@pytest.mark.parametrize("permission", list(GENERAL))
def test_permission_holders_on_general_hazard(people, hazard, permission):
    holders = {who for who in WHO if rules.has_perm(permission, people[who], hazard)}
    assert holders == GENERAL[permission]


def test_regulator_of_area_views_and_records_major_hazard_only(people, hazard):
    hazard.level = HazardLevel.MAJOR
    assert rules.has_perm("hazards.record_regulator", people["regulator"], hazard)
    assert rules.has_perm("hazards.view_hazard", people["regulator"], hazard)
    assert not rules.has_perm("hazards.record_regulator", people["regulator_other"], hazard)
    assert not rules.has_perm("hazards.view_hazard", people["regulator_other"], hazard)


@pytest.mark.parametrize("permission", list(GENERAL))
def test_permissions_false_for_anonymous_and_superuser(db, hazard, permission):
    from tests.factories import make_user
    assert not rules.has_perm(permission, AnonymousUser(), hazard)
    assert not rules.has_perm(permission, make_user(is_superuser=True, is_staff=True), hazard)


def test_report_and_ledger_permissions_by_role(people):
    reporters = {who for who in WHO if rules.has_perm("hazards.report_hazard", people[who])}
    assert reporters == {"worker", "worker_peer", "team_leader", "workshop", "safety", "head", "inspector", "unit",
                         "safety_other", "inspector_other"}
    ledger = {who for who in WHO if rules.has_perm("hazards.view_ledger", people[who])}
    assert ledger == set(WHO) - {"worker", "worker_peer"}
