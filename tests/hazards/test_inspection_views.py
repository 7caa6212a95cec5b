"""The inspection pages: URL × role × inside/outside the scope, the phone form through the pages, bad input
and constant queries on the lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hazards import inspections
from hazards.enums import ChecklistAnswer, HazardSource
from hazards.models import Hazard, InspectionPlan, InspectionRound
from tests.factories.hazards import photo_upload
from tests.factories.inspections import ensure_inspection_seed, plans_for, workplace_people, workplaces

pytestmark = pytest.mark.django_db

OK, LOGIN, GONE = "200", "login", "404"


@pytest.fixture
def places(org):
    return workplaces(org)


@pytest.fixture
def everyone(people, places):
    return {"anonymous": None, **people, **workplace_people(places)}


@pytest.fixture
def plans(org, places, people):
    plans = plans_for(org, places, people)
    plans["out"] = InspectionPlan.objects.create(node=org.unit_b1a, unit=org.unit_b1a, level="unit")
    return plans


@pytest.fixture
def rounds(plans, everyone):
    def done(plan, actor):
        return inspections.record_round(plan, actor=actor, answers=all_ok(plan), no_hazard=True)

    return {"team_a": done(plans["team_a"], everyone["leader_a"]),
            "out": InspectionRound.objects.create(plan=plans["out"], inspector=everyone["county_other"],
                                                  performed_at=plans["team_a"].created_at,
                                                  performed_on=plans["team_a"].starts_on)}


def all_ok(plan) -> dict:
    return dict.fromkeys(range(len(inspections.round_checklist(plan))), ChecklistAnswer.OK)


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return str(response.status_code)


def run_row(client, everyone, url, method="get", data=None) -> dict:
    actual = {}
    for who, user in everyone.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        actual[who] = outcome(getattr(client, method)(url, data or {}))
    return actual


def expected(everyone, allowed: set, ok=OK) -> dict:
    return {who: LOGIN if who == "anonymous" else ok if who in allowed else GONE for who in everyone}


UNIT_A1A = {"team_leader", "workshop", "safety", "safety2", "head", "inspector", "unit"}
AREA_A = {"county", "city", "committee"}
VIEWERS = UNIT_A1A | AREA_A | {"safety_other", "inspector_other", "county_other", "leader_a", "leader_c",
                               "head_machining", "head_storage"}
TEAM_A_VIEWERS = UNIT_A1A | AREA_A | {"leader_a", "head_machining"}
TEAM_A_RECORDERS = {"team_leader", "workshop", "safety", "safety2", "head", "leader_a", "head_machining"}
OUT_VIEWERS = {"county_other", "committee"}


@pytest.mark.parametrize("name", ["hazards:inspection_plans", "hazards:inspection_compliance"])
def test_list_pages_matrix(client, everyone, plans, name):
    assert run_row(client, everyone, reverse(name)) == expected(everyone, VIEWERS)


@pytest.mark.parametrize(("plan", "allowed"), [("team_a", TEAM_A_RECORDERS), ("out", set()),
                                               ("team_d", {"safety_other", "head_storage"})])
def test_record_page_matrix_inside_and_outside_scope(client, everyone, plans, plan, allowed):
    url = reverse("hazards:inspection_record", args=[plans[plan].pk])
    assert run_row(client, everyone, url) == expected(everyone, allowed)


@pytest.mark.parametrize(("key", "allowed"), [("team_a", TEAM_A_VIEWERS), ("out", OUT_VIEWERS)])
def test_round_page_matrix_inside_and_outside_scope(client, everyone, rounds, key, allowed):
    url = reverse("hazards:inspection_round", args=[rounds[key].pk])
    assert run_row(client, everyone, url) == expected(everyone, allowed)


@pytest.mark.parametrize("key", ["team_a", "out"])
def test_add_finding_matrix_only_the_rounds_inspector(client, everyone, rounds, key):
    url = reverse("hazards:inspection_add_finding", args=[rounds[key].pk])
    # An empty form: the inspector gets the page back with the error (400), everyone else no page.
    allowed = {"leader_a"} if key == "team_a" else set()
    assert run_row(client, everyone, url, "post") == expected(everyone, allowed, ok="400")


def test_setup_matrix_only_the_units_triage(client, everyone, org, plans):
    url = reverse("hazards:inspection_setup")
    actual = run_row(client, everyone, url, "post", {"unit": org.unit_a1a.pk})
    assert actual == expected(everyone, {"safety", "safety2", "head"}, ok="302")
    assert InspectionPlan.objects.filter(unit=org.unit_a1a).count() == 6
    client.force_login(everyone["safety"])
    assert client.post(url, {"unit": org.unit_b1a.pk}).status_code == 404
    assert client.post(url, {"unit": "x"}).status_code == 404


def round_data(plan, **extra) -> dict:
    return {**{f"item_{index}": "ok" for index in range(len(inspections.round_checklist(plan)))}, **extra}


def test_record_round_through_the_page_no_hazard(client, everyone, plans):
    plan = plans["team_a"]
    client.force_login(everyone["leader_a"])
    page = client.get(reverse("hazards:inspection_record", args=[plan.pk]))
    assert "未发现隐患" in page.content.decode() and inspections.round_checklist(plan)[0] in page.content.decode()
    response = client.post(reverse("hazards:inspection_record", args=[plan.pk]), round_data(plan, no_hazard="on"))
    done = InspectionRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("hazards:inspection_round", args=[done.pk])
    assert done.no_hazard and done.inspector == everyone["leader_a"]
    plans_page = client.get(reverse("hazards:inspection_plans")).content.decode()
    assert "本期已巡查" in plans_page


def test_record_round_through_the_page_with_finding_then_another(client, everyone, plans):
    plan = plans["team_a"]
    client.force_login(everyone["leader_a"])
    data = round_data(plan, item_1="issue", category="unsafe_condition", description="防护罩缺失",
                      location="3号车床", photos=[photo_upload()])
    client.post(reverse("hazards:inspection_record", args=[plan.pk]), data)
    done = InspectionRound.objects.get()
    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.INSPECTION and done.answers[1]["answer"] == "issue"
    page = client.get(reverse("hazards:inspection_round", args=[done.pk])).content.decode()
    assert hazard.code in page and "补充发现的隐患" in page
    client.post(reverse("hazards:inspection_add_finding", args=[done.pk]), {
        "category": "unsafe_act", "description": "未戴护目镜", "location": "4号车床", "photos": [photo_upload()]})
    assert done.findings.count() == 2


@pytest.mark.parametrize("data", [
    {},  # neither a finding nor 未发现隐患
    {"no_hazard": "on", "item_0": ""},  # an item unanswered
    {"no_hazard": "on", "item_0": "issue"},  # 不符合 and 未发现隐患
    {"category": "unsafe_condition", "description": "x", "location": "y"},  # a finding without photo
    {"category": "bogus", "description": "x", "location": "y", "photos": "not a file"},
])
def test_record_round_bad_input_stores_nothing(client, everyone, plans, data):
    plan = plans["team_a"]
    client.force_login(everyone["leader_a"])
    response = client.post(reverse("hazards:inspection_record", args=[plan.pk]), round_data(plan, **data))
    assert response.status_code == 200
    assert not InspectionRound.objects.exists() and not Hazard.objects.exists()


@pytest.mark.parametrize("name", ["hazards:inspection_plans", "hazards:inspection_compliance"])
def test_list_pages_constant_queries_at_one_and_three_plans(client, people, org, places, name):
    ensure_inspection_seed()
    client.force_login(people["county"])
    client.get(reverse(name))  # warm the per-process caches (content types, the session) out of the count
    counts = []
    for nodes in ([org.unit_a1a], [places["machining"], places["team_a"]]):
        for node in nodes:
            plan = inspections.create_inspection_plan(node, actor=people["safety"])
            inspections.record_round(plan, actor=people["safety"], answers=all_ok(plan), no_hazard=True)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    page = client.get(reverse(name)).content.decode()
    assert "甲班" in page and "机加工车间" in page


def test_compliance_page_flags_missed_rounds(client, people, plans):
    InspectionPlan.objects.filter(pk=plans["team_a"].pk).update(
        starts_on=plans["team_a"].starts_on - datetime.timedelta(days=5))
    client.force_login(people["safety"])
    page = client.get(reverse("hazards:inspection_compliance"), {"level": "team", "q": "甲班"}).content.decode()
    assert "table-danger" in page and "丙班" not in page
    assert ">5</span>" in page  # five daily rounds missed
