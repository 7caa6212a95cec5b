"""Inspection rounds (hazards.inspections): plans, rounds, findings into the ledger, computed missed rounds
and compliance; refusals change nothing."""

import datetime
import pathlib

import pytest
import rules
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards import inspections
from hazards.enums import ChecklistAnswer, HazardSource, InspectionLevel, PeriodStatus
from hazards.inspections import Finding, plan_compliance
from hazards.models import (
    Hazard,
    HazardPhoto,
    HazardProgramme,
    InspectionPlan,
    InspectionRound,
    InspectionRule,
)
from hazards.scoping import inspection_plans_for_user, inspection_rounds_for_user
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from tests.factories.hazards import photo_upload
from tests.factories.inspections import ensure_inspection_seed, plans_for, workplace_people, workplaces

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(org):
    return workplaces(org)


@pytest.fixture
def crew(places):
    return workplace_people(places)


@pytest.fixture
def plans(org, places, people):
    return plans_for(org, places, people)


def all_ok(plan) -> dict:
    return dict.fromkeys(range(len(inspections.round_checklist(plan))), ChecklistAnswer.OK)


def finding(**fields) -> Finding:
    return Finding(**{"category": "unsafe_condition", "description": "防护罩缺失", "location": "3号车床",
                      "photos": [photo_upload()], **fields})


def stored_files(settings) -> list:
    return [path for path in pathlib.Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_seeded_rules_follow_seed_004():
    ensure_inspection_seed()
    default = HazardProgramme.objects.get(is_default=True)
    intervals = {rule.level: rule.interval_days for rule in default.inspection_rules.all()}
    assert intervals == {InspectionLevel.TEAM: 1, InspectionLevel.WORKSHOP: 7, InspectionLevel.UNIT: 15}
    assert all(rule.items for rule in default.inspection_rules.all())


def test_create_inspection_plan_levels_follow_node_kinds(plans, org):
    assert plans["unit"].level == InspectionLevel.UNIT and plans["unit"].unit == org.unit_a1a
    assert plans["machining"].level == InspectionLevel.WORKSHOP
    assert plans["team_a"].level == InspectionLevel.TEAM and plans["team_a"].unit == org.unit_a1a
    assert AuditRecord.objects.filter(action="inspection.plan").count() == 4


def test_create_inspection_plan_refusals(people, org, places, plans):
    with pytest.raises(Refused):  # one plan per node
        inspections.create_inspection_plan(places["team_a"], actor=people["safety"])
    with pytest.raises(Refused):  # not a unit, workshop or team
        inspections.create_inspection_plan(org.county_a1, actor=people["safety"])
    for who in ("team_leader", "workshop", "inspector", "county", "safety_other"):
        with pytest.raises(Refused):
            inspections.create_inspection_plan(places["team_b"], actor=people[who])
    assert not InspectionPlan.objects.filter(node=places["team_b"]).exists()


def test_create_unit_plans_adds_the_missing_ones(people, org, places, plans):
    assert inspections.create_unit_plans(org.unit_a1a, actor=people["head"]) == 2  # 装配车间, 乙班
    assert InspectionPlan.objects.filter(unit=org.unit_a1a).count() == 6
    assert inspections.create_unit_plans(org.unit_a1a, actor=people["head"]) == 0


def test_record_round_no_hazard_keeps_checklist_copy_and_audit(people, plans, crew):
    plan = plans["team_a"]
    done = inspections.record_round(plan, actor=crew["leader_a"], answers=all_ok(plan), no_hazard=True)
    assert done.no_hazard and done.performed_on == timezone.localdate()
    assert [a["item"] for a in done.answers] == inspections.round_checklist(plan)
    InspectionRule.objects.filter(level="team").update(checklist="新的检查项")
    done.refresh_from_db()
    assert len(done.answers) > 1  # the record keeps the checklist it answered
    assert AuditRecord.objects.filter(action="inspection.round", target_id=str(done.pk)).exists()


def test_record_round_with_a_loaded_rulebook_uses_it_without_rule_queries(plans, crew):
    plan = plans["team_a"]
    book = inspections.RuleBook()
    checklist = inspections.rule_for(plan, book).items
    InspectionRule.objects.filter(level="team").update(checklist="改后的检查项")  # after the book was loaded
    answers = dict.fromkeys(range(len(checklist)), ChecklistAnswer.OK)
    with CaptureQueriesContext(connection) as queries:
        done = inspections.record_round(plan, actor=crew["leader_a"], answers=answers, no_hazard=True, book=book)
    assert [a["item"] for a in done.answers] == checklist and len(checklist) > 1
    assert not [q for q in queries.captured_queries if "inspectionrule" in q["sql"] or "hazardprogramme" in q["sql"]]


def test_record_round_finding_enters_ledger_as_inspection(people, org, places, plans, crew):
    plan = plans["team_a"]
    answers = {**all_ok(plan), 1: {"answer": ChecklistAnswer.ISSUE, "note": "防护罩缺失"}}
    done = inspections.record_round(plan, actor=crew["leader_a"], answers=answers, findings=[finding()])
    hazard = done.findings.get().hazard
    assert hazard.source == HazardSource.INSPECTION and hazard.finder == crew["leader_a"] and hazard.finder_named
    assert (hazard.unit, hazard.workshop, hazard.team) == (org.unit_a1a, places["machining"], places["team_a"])
    assert hazard.inspection_finding.round == done
    assert done.answers[1] == {"item": done.answers[1]["item"], "answer": "issue", "note": "防护罩缺失"}


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"answers": {0: "ok"}, "no_hazard": True}, "checklist_incomplete"),
    ({"no_hazard": False}, "no_outcome"),
    ({"no_hazard": True, "findings": "one"}, "no_hazard_conflict"),
    ({"no_hazard": True, "issue": True}, "issue_without_finding"),
    ({"no_hazard": True, "performed_at": "future"}, "future_round"),
    ({"no_hazard": True, "performed_at": "before"}, "before_plan"),
])
def test_record_round_bad_input_refused_nothing_stored(plans, crew, kwargs, code):
    plan = plans["team_a"]
    answers = kwargs.pop("answers", all_ok(plan))
    if kwargs.pop("issue", False):
        answers[0] = ChecklistAnswer.ISSUE
    if kwargs.get("findings") == "one":
        kwargs["findings"] = [finding()]
    when = kwargs.pop("performed_at", None)
    if when:
        kwargs["performed_at"] = (timezone.now() + datetime.timedelta(hours=2) if when == "future"
                                  else days_ago(3))
    with pytest.raises(Refused) as caught:
        inspections.record_round(plan, actor=crew["leader_a"], answers=answers, **kwargs)
    assert caught.value.code == code
    assert not InspectionRound.objects.exists() and not Hazard.objects.exists()


def test_record_round_second_finding_refused_leaves_no_hazard_and_no_file(plans, crew, settings):
    plan = plans["team_a"]
    bad = finding(photos=[photo_upload(), photo_upload()], description="")
    with pytest.raises(Refused):
        inspections.record_round(plan, actor=crew["leader_a"], answers=all_ok(plan), findings=[finding(), bad])
    assert not InspectionRound.objects.exists() and not Hazard.objects.exists()
    assert not HazardPhoto.objects.exists()
    assert stored_files(settings) == []
    inspections.record_round(plan, actor=crew["leader_a"], answers=all_ok(plan), findings=[finding()])
    assert len(stored_files(settings)) == 2  # the original and its preview, where the refused ones were not


@pytest.mark.parametrize(("who", "plan", "allowed"), [
    ("leader_a", "team_a", True), ("leader_a", "team_c", False), ("leader_a", "machining", False),
    ("head_machining", "team_a", True), ("head_machining", "machining", True), ("head_machining", "team_c", False),
    ("head_machining", "unit", False), ("head_storage", "team_a", False),
])
def test_record_round_permission_by_workplace_roles(plans, crew, who, plan, allowed):
    assert rules.has_perm("hazards.record_round", crew[who], plans[plan]) is allowed


@pytest.mark.parametrize(("who", "plan", "allowed"), [
    ("team_leader", "team_a", True), ("team_leader", "unit", False), ("workshop", "machining", True),
    ("safety", "unit", True), ("head", "team_c", True), ("inspector", "unit", False), ("unit", "team_a", False),
    ("county", "unit", False), ("safety_other", "team_a", False), ("safety_other", "team_d", True),
])
def test_record_round_permission_of_unit_roles(people, plans, who, plan, allowed):
    assert rules.has_perm("hazards.record_round", people[who], plans[plan]) is allowed
    if not allowed:
        with pytest.raises(Refused):
            inspections.record_round(plans[plan], actor=people[who], answers=all_ok(plans[plan]), no_hazard=True)


def test_inspection_scoping_team_leader_workshop_head_unit_and_area(people, plans, crew):
    def keys(user):
        return {key for key, plan in plans.items() if plan in inspection_plans_for_user(user)}

    assert keys(crew["leader_a"]) == {"team_a"}
    assert keys(crew["head_machining"]) == {"machining", "team_a"}
    assert keys(crew["head_storage"]) == {"team_d"}
    for who in ("team_leader", "safety", "inspector", "unit"):
        assert keys(people[who]) == {"unit", "machining", "team_a", "team_c"}, who
    assert keys(people["county"]) == set(plans) and keys(people["committee"]) == set(plans)
    assert keys(people["county_other"]) == set() and keys(people["worker"]) == set()
    assert keys(people["regulator"]) == set()
    inspections.record_round(plans["team_c"], actor=people["safety"], answers=all_ok(plans["team_c"]), no_hazard=True)
    assert not inspection_rounds_for_user(crew["leader_a"]).exists()
    assert inspection_rounds_for_user(crew["leader_c"]).count() == 1


def test_add_round_finding_same_day_by_inspector_only(people, plans, crew):
    plan = plans["team_a"]
    done = inspections.record_round(plan, actor=crew["leader_a"], answers=all_ok(plan), findings=[finding()])
    with pytest.raises(Refused):
        inspections.add_round_finding(done, finding(), actor=crew["head_machining"])
    second = inspections.add_round_finding(done, finding(location="5号车床"), actor=crew["leader_a"])
    assert done.findings.count() == 2 and second.source == HazardSource.INSPECTION
    InspectionRound.objects.filter(pk=done.pk).update(performed_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(Refused):
        inspections.add_round_finding(done, finding(), actor=crew["leader_a"])
    clean = inspections.record_round(plan, actor=crew["leader_a"], answers=all_ok(plan), no_hazard=True)
    with pytest.raises(Refused):
        inspections.add_round_finding(clean, finding(), actor=crew["leader_a"])


class _Plan:
    def __init__(self, starts_on):
        self.starts_on = starts_on


def test_plan_compliance_counts_missed_periods_in_window():
    today = datetime.date(2026, 3, 31)
    rule = InspectionRule(level="team", interval_days=1, window_days=10, checklist="x")
    rounds = {today - datetime.timedelta(days=d) for d in (0, 1, 2, 4, 7)}
    result = plan_compliance(_Plan(datetime.date(2026, 1, 1)), rule, rounds, today)
    assert (result.due, result.done, result.missed) == (10, 4, 6)
    assert result.rate == 40 and result.flagged and result.current_status == PeriodStatus.DONE
    assert today - datetime.timedelta(days=3) in result.missed_periods


def test_plan_compliance_weekly_current_period_is_due_not_missed():
    start = datetime.date(2026, 3, 2)
    rule = InspectionRule(level="workshop", interval_days=7, window_days=28, checklist="x")
    result = plan_compliance(_Plan(start), rule, {start, start + datetime.timedelta(days=8)},
                             start + datetime.timedelta(days=22))
    assert (result.due, result.done, result.missed_periods) == (3, 2, [start + datetime.timedelta(days=14)])
    assert result.current_status == PeriodStatus.DUE
    fresh = plan_compliance(_Plan(start), rule, set(), start + datetime.timedelta(days=3))
    assert (fresh.due, fresh.rate, fresh.flagged) == (0, None, False)
    early = plan_compliance(_Plan(start), rule, set(), start - datetime.timedelta(days=1))
    assert early.current_status == PeriodStatus.NOT_STARTED


def test_compliance_rows_use_the_programme_of_the_units_place(people, org, plans, crew):
    InspectionPlan.objects.filter(pk=plans["team_a"].pk).update(starts_on=timezone.localdate() - datetime.timedelta(days=40))
    for days in (1, 2):
        InspectionRound.objects.create(plan=plans["team_a"], inspector=crew["leader_a"], performed_at=days_ago(days),
                                       performed_on=timezone.localdate() - datetime.timedelta(days=days))
    city = HazardProgramme.objects.create(name="甲市方案", place=org.city_a)
    InspectionRule.objects.create(programme=city, level="team", interval_days=2, window_days=10, checklist="a\nb")
    rows = {row.plan.pk: row for row in inspections.compliance_rows(
        inspections.with_last_round(InspectionPlan.objects.filter(unit=org.unit_a1a)))}
    team_a = rows[plans["team_a"].pk]
    assert team_a.rule.programme == city and team_a.due == 5 and team_a.done == 1
    assert team_a.last_round_on == timezone.localdate() - datetime.timedelta(days=1)
    assert rows[plans["machining"].pk].rule.programme.is_default  # the city sets no workshop rule
