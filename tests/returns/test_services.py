import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from hazards.enums import HazardSource, HazardState
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from returns import services
from returns.enums import ReturnState
from returns.models import ChecklistCriterion, ReturnReminder, ReturnScan, StatCell
from review.models import Notification
from tests.factories.accounts import make_user
from tests.factories.hazards import HazardFactory, photo_upload
from tests.factories.returns import (
    COUNTY_TYPED,
    ENTERPRISE_TYPED,
    YEAR,
    filed_enterprise,
    filer,
    fill,
    in_period,
    period,
)
from tests.factories.submissions import upload
from tests.factories.tips import ensure_tip_seed
from tips.models import Reward, RewardRule, Tip, TipProgramme

pytestmark = pytest.mark.django_db


def cells(report) -> dict:
    return {row.cell.code: row for row in report.cells.select_related("cell")}


def test_seed_forms_match_the_seed(programme):
    template = programme.stat_template
    assert template.cells.count() == 24
    assert template.cells.filter(code="hazards_found_chem", sub_of__code="hazards_found").exists()
    checklist = programme.checklist_template
    assert checklist.items.count() == 11
    assert ChecklistCriterion.objects.filter(item__template=checklist).count() == 21
    assert checklist.max_points == Decimal(57)
    assert sorted({item.section for item in checklist.items.all()}) == sorted(
        ["动员部署", "教育培训", "载体搭建", "奖励激励", "氛围营造"])
    deadlines = [(p.deadline_month, p.deadline_day) for p in programme.periods.all()]
    assert deadlines == [(6, 30), (11, 30)]


def test_open_year_copies_periods_and_last_years_filers(org, programme, staff):
    next_year = services.open_year(YEAR + 1, actor=staff["committee"])
    assert next_year.periods.count() == 2
    assert set(next_year.filers.values_list("node_id", flat=True)) == set(programme.filers.values_list("node_id",
                                                                                                     flat=True))
    assert services.open_year(YEAR + 1, actor=staff["committee"]) == next_year


def test_start_return_computes_ledger_cells(org, programme, staff):
    finder = make_user(None)
    HazardFactory(unit=org.unit_a1a, finder=finder, found_at=in_period())
    HazardFactory(unit=org.unit_a1a, finder=finder, found_at=in_period(4), state=HazardState.VERIFIED,
                  verified_at=in_period(5))
    HazardFactory(unit=org.unit_a1a, source=HazardSource.TIP, found_at=in_period(2))
    HazardFactory(unit=org.unit_a1a, finder=finder, found_at=in_period(), state=HazardState.DECLINED)
    HazardFactory(unit=org.unit_a1a, finder=finder, found_at=in_period(8))  # second half-year
    HazardFactory(unit=org.unit_a1b, finder=finder, found_at=in_period())  # another unit
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    values = {code: row.value for code, row in cells(report).items()}
    assert values["hazards_found"] == 3
    assert values["hazards_rectified"] == 1
    assert values["participants"] == 2  # one named finder, one tip reporter
    assert values["units"] == 1 and values["units_chem"] == 1
    assert values["hazards_found_chem"] == 3  # a 化工 enterprise: all of it
    assert values["trainings"] is None  # typed


def test_start_return_refused_to_another_unit(org, programme, staff):
    with pytest.raises(Refused) as refused:
        services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit_b"])
    assert refused.value.denied


def test_save_cells_non_chemical_subcounts_are_zero(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.unit_a1b), actor=staff["unit_b"])
    fill(report, staff["unit_b"], ENTERPRISE_TYPED)
    assert cells(report)["trainings"].value == 3
    assert cells(report)["trainings_chem"].value == 0


def test_save_cells_override_needs_reason(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    with pytest.raises(Refused) as refused:
        services.save_cells(report, {"participants": services.CellInput("30")}, actor=staff["unit"])
    assert refused.value.code == "reason_required"
    services.save_cells(report, {"participants": services.CellInput("30", "线下参与的职工")}, actor=staff["unit"])
    row = cells(report)["participants"]
    assert row.value == 30 and row.computed == 0 and row.overridden
    assert AuditRecord.objects.filter(action="returns.save_cells", changes__participants__isnull=False).exists()
    services.save_cells(report, {"participants": services.CellInput("0", "")}, actor=staff["unit"])
    assert not cells(report)["participants"].overridden


@pytest.mark.parametrize(("values", "code"), [
    ({"trainings": "-1"}, "negative"),
    ({"trainings": "1.5"}, "not_integer"),
    ({"trainings": "abc"}, "not_a_number"),
])
def test_save_cells_refuses_bad_values_storing_nothing(org, programme, staff, values, code):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    with pytest.raises(Refused) as refused:
        fill(report, staff["unit"], {"trainees": "5", **values})
    assert refused.value.code == code
    assert cells(report)["trainees"].value is None


def test_save_cells_money_at_most_four_decimals(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    with pytest.raises(Refused) as refused:
        fill(report, staff["county"], {"county_fund": "1.23456"})
    assert refused.value.code == "too_many_decimals"
    fill(report, staff["county"], {"county_fund": "1.2345"})
    assert cells(report)["county_fund"].value == Decimal("1.2345")
    assert cells(report)["county_unions_funded"].value == 1  # computed from its own fund


def test_save_cells_subcount_above_total_refused(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    with pytest.raises(Refused) as refused:
        fill(report, staff["county"], {"county_rewarded": "2", "county_rewarded_chem": "3"})
    assert refused.value.code == "sub_exceeds_total"


def test_save_cells_rectified_above_found_and_backlog_refused(org, programme, staff):
    HazardFactory(unit=org.unit_a1a, found_at=in_period(1, 1, YEAR - 1))  # backlog of one
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    services.save_cells(report, {"hazards_rectified": services.CellInput("1", "纸质台账整改")}, actor=staff["unit"])
    with pytest.raises(Refused) as refused:
        services.save_cells(report, {"hazards_rectified": services.CellInput("2", "纸质台账整改")},
                            actor=staff["unit"])
    assert refused.value.code == "rectified_exceeds_found"


def test_file_return_incomplete_refused(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    with pytest.raises(Refused) as refused:
        services.file_return(report, actor=staff["unit"])
    assert refused.value.code == "incomplete"
    assert len(refused.value.details) == 2 + 21


def test_file_return_stamps_locks_and_notifies(org, programme, staff):
    report = filed_enterprise(programme, org.unit_a1a, staff["unit"])
    assert report.state == ReturnState.SUBMITTED
    assert report.stamp_name == org.unit_a1a.name and report.filed_on == timezone.localdate()
    assert report.self_total == 57
    assert cells(report)["trainings"].total == 3
    assert Notification.objects.filter(user=staff["county"], kind="return").exists()
    with pytest.raises(Refused) as refused:
        fill(report, staff["unit"], {"trainings": "9"})
    assert refused.value.code == "locked"


def test_rollup_county_sums_accepted_enterprises_and_its_own(org, programme, staff):
    filed_enterprise(programme, org.unit_a1a, staff["unit"], staff["county"])
    filed_enterprise(programme, org.unit_a1b, staff["unit_b"])  # filed, not accepted: not counted
    county = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    fill(county, staff["county"], COUNTY_TYPED)
    totals = services.totals(county)
    assert totals["trainings"] == 3 and totals["units"] == 1 and totals["units_chem"] == 1
    assert totals["union_trainings"] == 2
    county = services.file_return(county, actor=staff["county"])
    county = services.accept_return(county, actor=staff["city"])
    city = services.start_return(period(programme), filer(programme, org.city_a), actor=staff["city"])
    fill(city, staff["city"], {"union_trainings": "1", "union_trainees": "100", "city_fund": "10"})
    totals = services.totals(city)
    assert totals["union_trainings"] == 3  # the county's 2 + the city's own 1
    assert totals["county_unions"] == 1 and totals["county_unions_funded"] == 1
    assert totals["county_fund"] == Decimal("1.5")
    assert totals["trainings"] == 3  # unit A1a through the county; unit A0 has not filed


def test_send_back_and_reopen_need_the_level_above_and_a_reason(org, programme, staff):
    report = filed_enterprise(programme, org.unit_a1a, staff["unit"])
    with pytest.raises(Refused):
        services.send_back_return(report, actor=staff["unit"], reason="x")
    with pytest.raises(Refused) as refused:
        services.send_back_return(report, actor=staff["county"], reason=" ")
    assert refused.value.code == "reason_required"
    report = services.send_back_return(report, actor=staff["county"], reason="培训人数有误")
    assert report.state == ReturnState.RETURNED
    report = services.file_return(report, actor=staff["unit"])
    report = services.accept_return(report, actor=staff["county"])
    report = services.reopen_return(report, actor=staff["county"], reason="补充材料")
    assert report.state == ReturnState.RETURNED and report.reason == "补充材料"


def test_reopen_refused_while_the_level_above_counts_it(org, programme, staff):
    report = filed_enterprise(programme, org.unit_a1a, staff["unit"], staff["county"])
    county = services.start_return(period(programme), filer(programme, org.county_a1), actor=staff["county"])
    fill(county, staff["county"], COUNTY_TYPED)
    services.file_return(county, actor=staff["county"])
    with pytest.raises(Refused) as refused:
        services.reopen_return(report, actor=staff["county"], reason="补充")
    assert refused.value.code == "parent_filed"


def test_score_self_graded_item_allows_only_its_grades(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    drills = ChecklistCriterion.objects.get(item__template=programme.checklist_template, item__number=4)
    with pytest.raises(Refused) as refused:
        services.score_self(report, {drills.pk: ("1.5", "")}, actor=staff["unit"])
    assert refused.value.code == "not_a_grade"
    report = services.score_self(report, {drills.pk: ("1", "演练1次")}, actor=staff["unit"])
    assert report.self_total == 1


def test_score_self_above_points_refused(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    criterion = ChecklistCriterion.objects.get(item__template=programme.checklist_template, item__number=10)
    with pytest.raises(Refused) as refused:
        services.score_self(report, {criterion.pk: ("2", "")}, actor=staff["unit"])
    assert refused.value.code == "out_of_range"


def test_review_scores_by_the_level_above(org, programme, staff):
    report = filed_enterprise(programme, org.unit_a1a, staff["unit"])
    criterion = report.scores.first().criterion
    with pytest.raises(Refused):
        services.review_scores(report, {criterion.pk: ("0", "")}, actor=staff["unit"])
    report = services.review_scores(report, {criterion.pk: ("0", "未见方案")}, actor=staff["county"])
    assert report.review_total == 0


def test_add_evidence_stores_a_cleaned_photo(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    criterion = report.scores.first().criterion
    scan = services.add_evidence(report, criterion, photo_upload(), actor=staff["unit"], caption="行动方案")
    assert scan.original and scan.preview and scan.criterion == criterion


def test_add_evidence_refuses_a_non_jpeg_storing_nothing(org, programme, staff):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    criterion = report.scores.first().criterion
    with pytest.raises(Refused):
        services.add_evidence(report, criterion, upload(b"\x89PNG\r\n\x1a\n" + b"0" * 200, name="x.jpg"),
                              actor=staff["unit"])
    assert not ReturnScan.objects.exists()


def test_remind_returns_once_before_the_deadline(org, programme, staff):
    filed_enterprise(programme, org.unit_a1a, staff["unit"])
    today = datetime.date(YEAR, 6, 25)
    assert services.remind_returns(today) == 4  # every filer but unit A1a
    assert services.remind_returns(today) == 0
    assert Notification.objects.filter(user=staff["unit_b"], kind="return").exists()
    assert not Notification.objects.filter(user=staff["unit"], subject="查保促报表催报").exists()
    assert ReturnReminder.objects.count() == 4
    assert services.remind_returns(datetime.date(YEAR, 5, 1)) == 0


def test_rewards_counted_for_the_city(org, programme, staff):
    ensure_tip_seed()
    tip = Tip.objects.create(code="T-1", programme=TipProgramme.objects.get(is_default=True), matter="general_hazard",
                             unit=org.unit_a1a, description="x", disclosure="anonymous")
    Reward.objects.create(tip=tip, rule=RewardRule.objects.first(), proposed_amount=500, computation="x",
                          amount=Decimal("500"), state="paid", paid_at=datetime.date(YEAR, 3, 1))
    city = services.start_return(period(programme), filer(programme, org.city_a), actor=staff["city"])
    values = {code: row.value for code, row in cells(city).items()}
    assert values["city_rewarded"] == 1 and values["city_rewarded_chem"] == 1
    assert values["city_reward_paid"] == Decimal("0.05")
    assert StatCell.objects.filter(template=programme.stat_template, city_source="rewards_paid").count() == 1


def test_save_cells_chemical_subcount_follows_an_overridden_total(org, programme, staff):
    for _ in range(3):
        HazardFactory(unit=org.unit_a1a, finder=make_user(None), found_at=in_period())
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    services.save_cells(report, {"hazards_found": services.CellInput("2", "一条为重复登记")}, actor=staff["unit"])
    assert (cells(report)["hazards_found"].value, cells(report)["hazards_found_chem"].value) == (2, 2)
