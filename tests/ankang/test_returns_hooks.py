"""ankang/returns_hooks.py: the 查保促 returns count 应急演练 and 安全生产培训 from the 安康杯 activity records
(returns.hints_registry), by the types the calendar flags, in the return's period and the filer's subtree."""

import datetime
from decimal import Decimal

import pytest

from ankang import returns_hooks, services
from ankang.enums import ActivityCount
from ankang.models import ActivityType
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from returns import hints_registry
from returns import services as return_services
from returns.hints import checklist_hints
from tests.factories.ankang import activity, make_competition
from tests.factories.returns import YEAR, filer, period, programme_year

pytestmark = pytest.mark.django_db

FIRST_HALF = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 6, 30))


@pytest.fixture
def year_competition(org):
    """A competition running through the returns' year, so that records fall in either half."""
    first, last = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    return make_competition(org.province, starts_on=first, ends_on=last, enrol_closes_on=last, records_close_on=last,
                            self_score_closes_on=last, review_closes_on=last, report_due_on=last)


def enrolled(competition, unit, unit_user, county_user):
    enrolment = services.enrol(competition, unit, actor=unit_user, today=datetime.date(YEAR, 1, 2))
    return services.decide_enrolment(enrolment, actor=county_user, confirm=True)


def held(competition, enrolment, actor, code: str, month: int, participants: int = 20):
    day = datetime.date(YEAR, month, 15)
    data = services.RecordInput(activity_type=activity(competition, code), held_on=day, place="车间",
                                participants=participants, description="按计划开展")
    return services.record_activity(competition, enrolment, data, actor=actor, today=day)


@pytest.fixture
def unit_a1a(year_competition, org, people):
    return enrolled(year_competition, org.unit_a1a, people["unit"], people["county"])


def test_returns_hooks_registered_when_ankang_loads():
    hooks = hints_registry.registered()
    assert (hooks.figures, hooks.trainings) == (returns_hooks.activity_figures, returns_hooks.training_records)


def test_returns_hooks_seed_flags_the_drill_and_training_types(year_competition):
    flagged = dict(ActivityType.objects.filter(template=year_competition.calendar).exclude(counts_as="")
                   .values_list("code", "counts_as"))
    assert flagged == {"drill": ActivityCount.DRILL, "training": ActivityCount.TRAINING}


def test_returns_hooks_count_drills_held_in_the_period(year_competition, unit_a1a, org, people):
    held(year_competition, unit_a1a, people["unit"], "drill", 3)
    held(year_competition, unit_a1a, people["unit"], "drill", 5)
    held(year_competition, unit_a1a, people["unit"], "drill", 9)  # second half-year
    figures = returns_hooks.activity_figures(org.unit_a1a, *FIRST_HALF)
    assert figures.drills == 2
    assert returns_hooks.activity_figures(org.unit_a1a, datetime.date(YEAR, 7, 1), datetime.date(YEAR, 11, 30)).drills == 1


def test_returns_hooks_ignore_other_units_and_other_types(year_competition, unit_a1a, org, people):
    held(year_competition, unit_a1a, people["unit"], "cooling", 3)
    held(year_competition, unit_a1a, people["unit"], "wujin", 4)
    other = enrolled(year_competition, org.unit_a1b, people["unit_b"], people["county"])
    held(year_competition, other, people["unit_b"], "drill", 3)
    held(year_competition, other, people["unit_b"], "training", 3)
    figures = returns_hooks.activity_figures(org.unit_a1a, *FIRST_HALF)
    assert (figures.drills, figures.trainings, figures.trainees) == (0, 0, 0)
    county = returns_hooks.activity_figures(org.county_a1, *FIRST_HALF)  # the county's subtree holds both
    assert (county.drills, county.trainings) == (1, 1)


def test_returns_hooks_follow_the_calendars_flag_not_the_name(year_competition, unit_a1a, org, people):
    held(year_competition, unit_a1a, people["unit"], "drill", 3)
    held(year_competition, unit_a1a, people["unit"], "quiz", 3)
    ActivityType.objects.filter(template=year_competition.calendar, code="drill").update(counts_as="")
    ActivityType.objects.filter(template=year_competition.calendar, code="quiz").update(counts_as=ActivityCount.DRILL)
    assert returns_hooks.activity_figures(org.unit_a1a, *FIRST_HALF).drills == 1


def test_returns_hooks_sum_training_participants(year_competition, unit_a1a, org, people):
    held(year_competition, unit_a1a, people["unit"], "training", 3, participants=40)
    held(year_competition, unit_a1a, people["unit"], "training", 4, participants=25)
    figures = returns_hooks.activity_figures(org.unit_a1a, *FIRST_HALF)
    assert (figures.trainings, figures.trainees) == (2, 65)


def test_returns_hooks_know_nothing_of_a_unit_not_enrolled(year_competition, org):
    assert returns_hooks.activity_figures(org.unit_a1b, *FIRST_HALF) is None


# --- what the returns show ---------------------------------------------------------------------------------

@pytest.fixture
def programme(org, people):
    return programme_year(org, people["committee"])


def drill_hint(report) -> str:
    criteria = [score.criterion for score in report.scores.select_related("criterion")]
    criterion = next(c for c in criteria if c.hint == "drills")
    return checklist_hints(report, criteria)[criterion.pk]


@pytest.mark.parametrize(("drills", "points"), [(0, "0"), (1, "1"), (3, "2")])
def test_checklist_drill_hint_shows_count_and_grade(year_competition, unit_a1a, org, people, programme, drills,
                                                    points):
    for month in range(1, drills + 1):
        held(year_competition, unit_a1a, people["unit"], "drill", month)
    report = return_services.start_return(period(programme), filer(programme, org.unit_a1a), actor=people["unit"])
    assert drill_hint(report) == f"本期“安康杯”活动记录中应急演练{drills}次，按评分档次可得{points}分。"


def test_checklist_drill_hint_page_lets_the_filer_score(client, year_competition, unit_a1a, org, people, programme):
    held(year_competition, unit_a1a, people["unit"], "drill", 2)
    report = return_services.start_return(period(programme), filer(programme, org.unit_a1a), actor=people["unit"])
    client.force_login(people["unit"])
    page = client.get(f"/returns/{report.pk}/checklist/").content.decode()
    assert "应急演练1次，按评分档次可得1分" in page
    assert report.scores.get(criterion__hint="drills").self_score is None  # the filer still scores


def test_training_cells_proposed_from_the_records(year_competition, unit_a1a, org, people, programme):
    held(year_competition, unit_a1a, people["unit"], "training", 3, participants=40)
    held(year_competition, unit_a1a, people["unit"], "training", 8, participants=99)  # second half-year
    report = return_services.start_return(period(programme), filer(programme, org.unit_a1a), actor=people["unit"])
    rows = {row.cell.code: row for row in report.cells.select_related("cell")}
    assert (rows["trainings"].value, rows["trainings"].computed) == (1, 1)
    assert rows["trainees"].value == 40
    assert rows["trainings_chem"].value == 1 and rows["trainees_chem"].value == 40  # unit A1a is 化工
    assert not return_services.typed_here(rows["trainings"], "enterprise")  # a system value: override with reason


def test_training_cells_override_needs_a_reason_and_is_audited(year_competition, unit_a1a, org, people, programme):
    held(year_competition, unit_a1a, people["unit"], "training", 3, participants=40)
    report = return_services.start_return(period(programme), filer(programme, org.unit_a1a), actor=people["unit"])
    with pytest.raises(Refused) as refused:
        return_services.save_cells(report, {"trainings": return_services.CellInput("3")}, actor=people["unit"])
    assert refused.value.code == "reason_required"
    return_services.save_cells(report, {"trainings": return_services.CellInput("3", "另有两次车间自行组织的培训")},
                               actor=people["unit"])
    rows = {row.cell.code: row for row in report.cells.select_related("cell")}
    assert rows["trainings"].value == 3 and rows["trainings"].computed == 1 and rows["trainings"].overridden
    assert rows["trainings_chem"].value == 3  # the 化工 sub-count follows the overridden total
    record = AuditRecord.objects.get(action="returns.save_cells")
    assert record.changes["trainings"][1:] == ["3", "另有两次车间自行组织的培训"]
    assert Decimal(record.changes["trainings"][0]) == 1


def test_training_cells_typed_without_training_records(year_competition, unit_a1a, org, people, programme):
    held(year_competition, unit_a1a, people["unit"], "drill", 3)
    report = return_services.start_return(period(programme), filer(programme, org.unit_a1a), actor=people["unit"])
    return_services.save_cells(report, {"trainings": return_services.CellInput("2")}, actor=people["unit"])
    row = report.cells.get(cell__code="trainings")
    assert (row.value, row.computed, row.overridden) == (2, None, False)


def test_training_cell_opens_down_to_its_records(client, year_competition, unit_a1a, org, people, programme):
    held(year_competition, unit_a1a, people["unit"], "training", 3, participants=40)
    held(year_competition, unit_a1a, people["unit"], "training", 8, participants=99)  # second half-year
    held(year_competition, unit_a1a, people["unit"], "drill", 3)
    report = return_services.start_return(period(programme), filer(programme, org.unit_a1a), actor=people["unit"])
    client.force_login(people["county"])
    detail = client.get(f"/returns/{report.pk}/").content.decode()
    assert f'href="/returns/{report.pk}/cells/trainings/">查看活动记录' in detail
    response = client.get(f"/returns/{report.pk}/cells/trainings/")
    assert [(row.held_on.month, row.participants) for row in response.context["page"].object_list] == [(3, 40)]
    assert 'data-activity-record' in response.content.decode()


def test_training_cell_typed_has_nothing_to_open(client, year_competition, unit_a1a, org, people, programme):
    report = return_services.start_return(period(programme), filer(programme, org.unit_a1a), actor=people["unit"])
    client.force_login(people["unit"])
    assert client.get(f"/returns/{report.pk}/cells/trainings/").status_code == 404
