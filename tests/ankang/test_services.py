import pathlib
from decimal import Decimal

import pytest

from ankang import services
from ankang.enums import EnrolmentKind, EnrolmentState, RecordLevel, SheetState
from ankang.models import ActivityEvidence, ActivityRecord, Enrolment
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from review.models import Notification
from tests.factories.ankang import activity, confirmed, days, full_scores, make_competition, record
from tests.factories.hazards import photo_upload
from tests.factories.photos import other_format
from tests.factories.submissions import upload

pytestmark = pytest.mark.django_db


def stored_files(settings):
    media = pathlib.Path(settings.MEDIA_ROOT)
    return list(media.rglob("*.jpg")) if media.exists() else []


def test_enrol_then_confirm_by_county(competition, org, people):
    enrolment = services.enrol(competition, org.unit_a1a, actor=people["unit"])
    assert enrolment.state == EnrolmentState.PROPOSED
    assert Notification.objects.filter(user=people["county"]).exists()
    services.decide_enrolment(enrolment, actor=people["county"], confirm=True)
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.CONFIRMED
    assert AuditRecord.objects.filter(action="ankang.decide_enrolment").count() == 1


def test_enrol_team_needs_a_team_node(competition, org, people, places):
    with pytest.raises(Refused, match="选择本单位的班组"):
        services.enrol(competition, org.unit_a1a, actor=people["unit"], kind=EnrolmentKind.TEAM)
    team = services.enrol(competition, org.unit_a1a, actor=people["unit"], kind=EnrolmentKind.TEAM,
                          team=places["team_a"])
    assert (team.team, team.workshop) == (places["team_a"], places["machining"])
    assert team.label == f"{org.unit_a1a.name} 机加工车间 甲班"


def test_enrol_team_of_another_unit_is_refused(competition, org, people, places):
    with pytest.raises(Refused, match="不属于本单位"):
        services.enrol(competition, org.unit_a1a, actor=people["unit"], kind=EnrolmentKind.TEAM,
                       team=places["team_d"])
    assert not Enrolment.objects.exists()


def test_enrol_the_same_team_twice_is_refused_but_two_teams_are_fine(competition, org, people, places):
    services.enrol(competition, org.unit_a1a, actor=people["unit"], kind=EnrolmentKind.TEAM, team=places["team_a"])
    services.enrol(competition, org.unit_a1a, actor=people["unit"], kind=EnrolmentKind.TEAM, team=places["team_b"])
    with pytest.raises(Refused, match="已经报名"):
        services.enrol(competition, org.unit_a1a, actor=people["unit"], kind=EnrolmentKind.TEAM,
                       team=places["team_a"])
    assert Enrolment.objects.count() == 2


def test_enrol_after_the_deadline_is_refused(org, people):
    competition = make_competition(org.province, enrol_closes_on=days(-1))
    with pytest.raises(Refused, match="报名已于"):
        services.enrol(competition, org.unit_a1a, actor=people["unit"])
    assert not Enrolment.objects.exists()


def test_enrol_twice_is_refused(competition, org, people):
    services.enrol(competition, org.unit_a1a, actor=people["unit"])
    with pytest.raises(Refused, match="已经报名"):
        services.enrol(competition, org.unit_a1a, actor=people["unit"])


def test_enrol_outside_the_competition_place_is_refused(org, people):
    competition = make_competition(org.city_b)
    with pytest.raises(Refused, match="组织范围"):
        services.enrol(competition, org.unit_a1a, actor=people["unit"])


def test_enrol_by_another_unit_is_denied(competition, org, people):
    with pytest.raises(Refused) as exc:
        services.enrol(competition, org.unit_a1a, actor=people["unit_b"])
    assert exc.value.denied


def test_decide_enrolment_by_a_county_elsewhere_is_denied(competition, org, people):
    enrolment = services.enrol(competition, org.unit_a1a, actor=people["unit"])
    with pytest.raises(Refused) as exc:
        services.decide_enrolment(enrolment, actor=people["county_other"], confirm=True)
    assert exc.value.denied


def test_decline_needs_a_reason(competition, org, people):
    enrolment = services.enrol(competition, org.unit_a1a, actor=people["unit"])
    with pytest.raises(Refused, match="原因"):
        services.decide_enrolment(enrolment, actor=people["county"], confirm=False)
    services.decide_enrolment(enrolment, actor=people["county"], confirm=False, reason="非本辖区单位")
    # A declined unit may enrol again.
    again = services.enrol(competition, org.unit_a1a, actor=people["unit"])
    assert again.pk == enrolment.pk and again.state == EnrolmentState.PROPOSED


def test_city_confirms_a_unit_directly_under_it(competition, org, people):
    enrolment = services.enrol(competition, org.unit_a0, actor=people["unit_a0"])
    services.decide_enrolment(enrolment, actor=people["city"], confirm=True)
    assert Enrolment.objects.get(pk=enrolment.pk).state == EnrolmentState.CONFIRMED


def test_record_activity_with_photos(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    row = record(competition, enrolment, people["unit"], photos=2, participant_names="张三\n李四")
    assert row.evidence.count() == 2
    assert row.level == RecordLevel.UNIT


def test_record_for_a_team_enrolment_is_the_teams(competition, org, people, places):
    team = confirmed(competition, org.unit_a1a, people["unit"], people["county"], kind=EnrolmentKind.TEAM,
                     team=places["team_a"])
    row = record(competition, team, people["unit"], code="drill", level=RecordLevel.UNIT)
    assert (row.level, row.workshop, row.team) == (RecordLevel.TEAM, places["machining"], places["team_a"])


def test_record_of_the_unit_by_a_workshop_or_a_team_node(competition, org, people, places):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    by_workshop = record(competition, enrolment, people["unit"], level=RecordLevel.WORKSHOP,
                         workshop=places["assembly"])
    by_team = record(competition, enrolment, people["unit"], level=RecordLevel.TEAM, team=places["team_c"])
    assert (by_workshop.workshop, by_workshop.team) == (places["assembly"], None)
    assert (by_team.workshop, by_team.team) == (places["assembly"], places["team_c"])


def test_record_by_a_node_of_another_unit_or_without_one_is_refused(competition, org, people, places):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    with pytest.raises(Refused, match="不属于本单位"):
        record(competition, enrolment, people["unit"], level=RecordLevel.WORKSHOP, workshop=places["storage"])
    with pytest.raises(Refused, match="请选择班组"):
        record(competition, enrolment, people["unit"], level=RecordLevel.TEAM)
    assert not ActivityRecord.objects.exists()


def test_record_unit_not_enrolled_is_refused(competition, org, people):
    enrolment = services.enrol(competition, org.unit_a1a, actor=people["unit"])  # not confirmed yet
    with pytest.raises(Refused, match="未报名参赛或报名尚未经县级工会确认"):
        record(competition, enrolment, people["unit"])
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize("held_on", [-151, 31])
def test_record_outside_the_window_is_refused(competition, org, people, held_on):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    with pytest.raises(Refused, match="不在竞赛期内"):
        record(competition, enrolment, people["unit"], held_on=days(held_on))


def test_record_in_the_future_is_refused(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    with pytest.raises(Refused, match="不能晚于今天"):
        record(competition, enrolment, people["unit"], held_on=days(2))


def test_record_after_the_deadline_is_refused(org, people):
    competition = make_competition(org.province, records_close_on=days(30))
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    competition.records_close_on = days(-1)
    competition.save()
    with pytest.raises(Refused, match="活动记录已于"):
        record(competition, enrolment, people["unit"])


def test_record_with_a_hostile_file_stores_nothing(competition, org, people, settings):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    data = services.RecordInput(activity_type=activity(competition, "training"), held_on=days(-1), place="会议室",
                                participants=10, description="培训")
    with pytest.raises(Refused):
        services.record_activity(competition, enrolment, data, actor=people["unit"],
                                 photos=[photo_upload(), upload(other_format("GIF"), name="x.jpg")])
    assert not ActivityRecord.objects.exists() and not ActivityEvidence.objects.exists()
    assert stored_files(settings) == []


def test_record_by_another_unit_is_denied(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    with pytest.raises(Refused) as exc:
        record(competition, enrolment, people["unit_b"])
    assert exc.value.denied


def test_delete_record_removes_its_files(competition, org, people, settings, django_capture_on_commit_callbacks):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    row = record(competition, enrolment, people["unit"], photos=1)
    assert len(stored_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_record(row, actor=people["unit"])
    assert stored_files(settings) == []


def _sheet(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    return services.start_sheet(competition, enrolment, actor=people["unit"])


def test_sheet_self_score_submit_review_eligible(competition, org, people):
    sheet = _sheet(competition, org, people)
    services.score_self(sheet, full_scores(sheet), {}, actor=people["unit"])
    sheet = services.submit_sheet(sheet, actor=people["unit"])
    assert sheet.state == SheetState.SUBMITTED and sheet.self_total == 100
    assert "entries" in sheet.indicators
    sheet = services.review_sheet(sheet, full_scores(sheet, scale=Decimal("0.9")), {}, actor=people["county"],
                                  comment="材料齐全")
    assert sheet.state == SheetState.REVIEWED
    assert sheet.review_total == Decimal("90.0") and sheet.eligible and sheet.reasons == []
    assert sheet.reviewer_node == org.county_a1


def test_sheet_veto_found_by_review_makes_unit_not_eligible(competition, org, people):
    sheet = _sheet(competition, org, people)
    services.score_self(sheet, full_scores(sheet), {}, actor=people["unit"])
    services.submit_sheet(sheet, actor=people["unit"])
    veto = sheet.template.vetoes.get(number=1)
    sheet = services.review_sheet(sheet, full_scores(sheet), {veto.pk: True}, actor=people["city"])
    assert sheet.vetoed and sheet.eligible is False
    assert any("重伤" in reason for reason in sheet.reasons)


def test_sheet_base_conditions_explain_why_not_eligible(competition, org, people):
    sheet = _sheet(competition, org, people)
    scores = full_scores(sheet)
    first = sheet.template.sections.get(number=1)
    for item in first.items.all():
        scores[item.pk] = ("1", "")
    services.score_self(sheet, scores, {}, actor=people["unit"])
    sheet.refresh_from_db()
    assert sheet.eligible is False
    assert any("组织领导" in reason and "得分率" in reason for reason in sheet.reasons)


def test_sheet_total_below_the_base_is_named(competition, org, people):
    sheet = _sheet(competition, org, people)
    services.score_self(sheet, full_scores(sheet, scale=Decimal("0.7")), {}, actor=people["unit"])
    sheet.refresh_from_db()
    assert any("低于基本条件80" in reason for reason in sheet.reasons)


@pytest.mark.parametrize("raw", ["-1", "abc", "9.55", "NaN", "1e3"])
def test_sheet_bad_score_is_refused_in_chinese(competition, org, people, raw):
    sheet = _sheet(competition, org, people)
    item = sheet.template.items.get(kind="scored", number=1)
    with pytest.raises(Refused, match="得分须为0至"):
        services.score_self(sheet, {item.pk: (raw, "")}, {}, actor=people["unit"])
    assert sheet.scores.get(item=item).self_score is None


def test_sheet_submit_incomplete_lists_the_missing_items(competition, org, people):
    sheet = _sheet(competition, org, people)
    with pytest.raises(Refused) as exc:
        services.submit_sheet(sheet, actor=people["unit"])
    assert exc.value.code == "incomplete" and len(exc.value.details) == 14


def test_sheet_self_score_after_the_deadline_is_refused(org, people):
    competition = make_competition(org.province)
    sheet = _sheet(competition, org, people)
    competition.self_score_closes_on = days(-1)
    competition.save()
    with pytest.raises(Refused, match="自评已于"):
        services.score_self(sheet, full_scores(sheet), {}, actor=people["unit"])


def test_sheet_not_enrolled_cannot_start(competition, org, people):
    enrolment = services.enrol(competition, org.unit_a1a, actor=people["unit"])
    with pytest.raises(Refused, match="未报名参赛"):
        services.start_sheet(competition, enrolment, actor=people["unit"])


def test_sheet_return_then_resubmit(competition, org, people):
    sheet = _sheet(competition, org, people)
    services.score_self(sheet, full_scores(sheet), {}, actor=people["unit"])
    services.submit_sheet(sheet, actor=people["unit"])
    with pytest.raises(Refused, match="退回理由"):
        services.return_sheet(sheet, actor=people["county"], reason=" ")
    sheet = services.return_sheet(sheet, actor=people["county"], reason="请补充佐证")
    assert sheet.state == SheetState.RETURNED
    services.submit_sheet(sheet, actor=people["unit"])


def test_sheet_review_by_a_unit_or_elsewhere_is_denied(competition, org, people):
    sheet = _sheet(competition, org, people)
    services.score_self(sheet, full_scores(sheet), {}, actor=people["unit"])
    services.submit_sheet(sheet, actor=people["unit"])
    for actor in (people["unit"], people["county_other"], people["city_other"]):
        with pytest.raises(Refused) as exc:
            services.review_sheet(sheet, full_scores(sheet), {}, actor=actor)
        assert exc.value.denied
