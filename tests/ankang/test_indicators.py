"""One test (or more) per indicator of ankang/indicators.py, each with data inside and outside the unit."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ankang import indicators
from ankang.enums import Indicator
from ankang.models import ScoreItem
from hazards.enums import HazardSource, HazardState
from hazards.models import InspectionPlan
from portal.accounts.enums import RoleKind
from review.experts.models import FinalAward
from review.models import TierGrade
from submissions.enums import EntryState, Tier
from tests.factories import AwardLevelFactory, EntryFactory, HazardFactory, make_user
from tests.factories.ankang import confirmed, days, record
from tests.factories.inspections import ensure_inspection_seed, workplaces
from tests.factories.returns import filed_enterprise, programme_year
from tests.factories.tips import file_tip, tip_people, walk_tip
from tips.enums import TipState

pytestmark = pytest.mark.django_db


def entry(unit, **fields):
    return EntryFactory(author=make_user(RoleKind.WORKER, unit), state=EntryState.SUBMITTED, **fields)


def test_entries_counts_the_units_submitted_entries(competition, org):
    entry(org.unit_a1a)
    entry(org.unit_a1a)
    entry(org.unit_a1b)
    EntryFactory(author=make_user(RoleKind.WORKER, org.unit_a1a), state=EntryState.DRAFT)
    figure = indicators.entries(org.unit_a1a, competition)
    assert figure.value == 2 and "2件" in figure.text


def test_entries_outside_the_window_are_left_out(competition, org):
    old = entry(org.unit_a1a)
    old.submitted_at = timezone.now() - datetime.timedelta(days=400)
    old.save()
    assert indicators.entries(org.unit_a1a, competition).value == 0


def test_awards_counts_graded_and_provincial(competition, org):
    graded = entry(org.unit_a1a)
    TierGrade.objects.create(entry=graded, tier=Tier.FIRST_REVIEW, award_level=AwardLevelFactory(campaign=graded.campaign))
    awarded = entry(org.unit_a1a)
    FinalAward.objects.create(entry=awarded, level=AwardLevelFactory(campaign=awarded.campaign))
    entry(org.unit_a1a)
    figure = indicators.awards(org.unit_a1a, competition)
    assert figure.value == 2 and "省级获奖1件" in figure.text


def test_ledger_closure_rate(competition, org):
    HazardFactory(unit=org.unit_a1a, state=HazardState.CLOSED)
    HazardFactory(unit=org.unit_a1a, state=HazardState.ACCEPTED)
    HazardFactory(unit=org.unit_a1a, state=HazardState.DECLINED)
    HazardFactory(unit=org.unit_a1b, state=HazardState.ACCEPTED)
    figure = indicators.ledger_closure(org.unit_a1a, competition)
    assert figure.value == Decimal("50.0") and "销号率50.0%" in figure.text


def test_ledger_closure_without_hazards_is_none(competition, org):
    assert indicators.ledger_closure(org.unit_a1a, competition).value is None


def test_overdue_hazards(competition, org):
    HazardFactory(unit=org.unit_a1a, state=HazardState.RECTIFYING, deadline=days(-2))
    HazardFactory(unit=org.unit_a1a, state=HazardState.RECTIFYING, deadline=days(5))
    HazardFactory(unit=org.unit_a1b, state=HazardState.RECTIFYING, deadline=days(-2))
    assert indicators.overdue_hazards(org.unit_a1a, competition).value == 1


def test_inspection_findings(competition, org):
    HazardFactory(unit=org.unit_a1a, source=HazardSource.INSPECTION)
    HazardFactory(unit=org.unit_a1a, source=HazardSource.UNION_CHECK)
    HazardFactory(unit=org.unit_a1a, source=HazardSource.WORKER_REPORT)
    assert indicators.inspection_findings(org.unit_a1a, competition).value == 2


def test_tips_verified(competition, org):
    people = tip_people(org)
    tip, _receipt = file_tip(org)
    walk_tip(people, tip, TipState.CONFIRMED)
    file_tip(org, unit=org.unit_a1b)
    figure = indicators.tips_verified(org.unit_a1a, competition)
    assert figure.value == 1 and "属实1件" in figure.text


def test_tip_rewards_none_paid(competition, org):
    figure = indicators.tip_rewards(org.unit_a1a, competition)
    assert figure.value == 0 and "0件" in figure.text


def test_returns_on_time_and_self_score(competition, org, people):
    programme = programme_year(org, people["committee"])
    competition.year = programme.year
    report = filed_enterprise(programme, org.unit_a1a, people["unit"])
    late = indicators.returns_on_time(org.unit_a1a, competition, today=datetime.date(programme.year, 12, 1))
    assert "应报2期" in late.text
    report.filed_at = timezone.make_aware(datetime.datetime(programme.year, 6, 20, 9))
    report.save()
    on_time = indicators.returns_on_time(org.unit_a1a, competition, today=datetime.date(programme.year, 6, 20))
    assert on_time.value == 1 and "应报1期，按时报送1期" in on_time.text
    score = indicators.return_self_score(org.unit_a1a, competition)
    assert score.value == Decimal("57.0") and "满分57" in score.text


def test_returns_of_a_unit_not_filing(competition, org):
    assert indicators.returns_on_time(org.unit_b1a, competition).value is None
    assert indicators.return_self_score(org.unit_b1a, competition).value is None


def test_activity_coverage(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    record(competition, enrolment, people["unit"], code="training")
    record(competition, enrolment, people["unit"], code="training")
    record(competition, enrolment, people["unit"], code="drill")
    figure = indicators.activity_coverage(org.unit_a1a, competition)
    assert figure.value == 1 and "“十个一”活动1/10项" in figure.text
    assert indicators.activity_coverage(org.unit_a1b, competition).value == 0


def test_figures_for_computes_each_named_indicator_once(competition, org):
    figures = indicators.figures_for(org.unit_a1a, competition, [Indicator.ENTRIES, Indicator.ENTRIES, ""])
    assert list(figures) == [Indicator.ENTRIES]
    assert set(indicators.INDICATORS) == set(Indicator.values) - {""}


def test_inspection_compliance_counts_the_rounds_of_the_plans_under_the_unit(competition, org):
    ensure_inspection_seed()
    places = workplaces(org)
    # 甲班 inspects daily: a plan started ten days ago without a round has missed ten periods
    InspectionPlan.objects.create(node=places["team_a"], unit=org.unit_a1a, level="team", starts_on=days(-10))
    InspectionPlan.objects.create(node=places["team_d"], unit=org.unit_a1b, level="team", starts_on=days(-10))
    HazardFactory(unit=org.unit_a1a, source=HazardSource.INSPECTION)
    figure = indicators.inspection_compliance(org.unit_a1a, competition)
    assert figure.value == Decimal("0.0")
    assert "巡查计划1个" in figure.text and "漏查10次" in figure.text and "发现隐患1项" in figure.text


def test_inspection_compliance_without_a_plan_has_no_value(competition, org):
    figure = indicators.inspection_compliance(org.unit_a1a, competition)
    assert figure.value is None and "未建立巡查计划" in figure.text


def test_the_default_sheets_inspection_item_is_fed_by_compliance(competition):
    assert ScoreItem.objects.get(template__version="默认", number=11, kind="scored").indicator == (
        Indicator.INSPECTION_COMPLIANCE)
