"""逐级报告 (report_hazard_up and the automatic report of 重大 hazards), the union's supervision (remind,
comment), the reported-up lists' scope and the 职代会 summary (hazards/services.py, hazards/oversight.py)."""

import datetime

import pytest
from django.utils import timezone

from hazards import services
from hazards.enums import EventAction, HazardLevel, HazardState
from hazards.models import Hazard, HazardEvent, UpwardReport
from hazards.oversight import congress_summary, period_bounds, reported_for_user
from portal.audit.models import AuditRecord
from portal.refusals import Refused
from review.models import Notification
from tests.factories import HazardFactory
from tests.factories.hazards import accept, report, walk

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_report_up_by_the_unit_goes_to_its_county_union_with_event_audit_and_notice(people, org):
    hazard = accept(report(people, org), people)
    up = services.report_hazard_up(hazard, actor=people["safety"], reason="需整体改造，超出单位能力")
    assert (up.to_node, up.to_regulator, up.automatic, up.reported_by) == (org.county_a1, False, False,
                                                                          people["safety"])
    event = HazardEvent.objects.filter(hazard=hazard, action=EventAction.REPORT_UP).get()
    assert "甲市一区总工会" in event.note and "超出单位能力" in event.note
    assert AuditRecord.objects.filter(action="hazard.report_up", target_id=str(hazard.pk)).exists()
    told = Notification.objects.filter(kind="hazard", message__contains="超出单位能力")
    assert set(told.values_list("user_id", flat=True)) == {people["county"].pk}
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.ACCEPTED  # reporting up changes no state


def test_report_up_twice_by_the_unit_refused(people, org):
    hazard = accept(report(people, org), people)
    services.report_hazard_up(hazard, actor=people["inspector"], reason="a")
    with pytest.raises(Refused, match="已上报至甲市一区总工会"):
        services.report_hazard_up(hazard, actor=people["safety"], reason="b")
    assert UpwardReport.objects.count() == 1


def test_county_escalates_one_level_then_city_then_province_top(people, org):
    hazard = accept(report(people, org), people)
    services.report_hazard_up(hazard, actor=people["safety"], reason="a")
    to_city = services.report_hazard_up(hazard, actor=people["county"], reason="县级协调不了")
    assert to_city.to_node == org.city_a
    with pytest.raises(Refused, match="已上报至甲市总工会"):
        services.report_hazard_up(hazard, actor=people["county"], reason="again")
    assert services.report_hazard_up(hazard, actor=people["city"], reason="c").to_node == org.province
    with pytest.raises(Refused, match="已是最高一级"):
        services.report_hazard_up(hazard, actor=people["committee"], reason="d")


@pytest.mark.parametrize("who", ["worker", "workshop", "team_leader", "regulator", "county_other", "safety_other"])
def test_report_up_by_wrong_role_refused_and_nothing_written(people, org, who):
    hazard = accept(report(people, org), people)
    with pytest.raises(Refused):
        services.report_hazard_up(hazard, actor=people[who], reason="x")
    assert not UpwardReport.objects.exists()
    assert not HazardEvent.objects.filter(action=EventAction.REPORT_UP).exists()


def test_report_up_needs_a_reason_and_an_unclosed_hazard(people, org):
    hazard = accept(report(people, org), people)
    with pytest.raises(Refused, match="请填写上报理由"):
        services.report_hazard_up(hazard, actor=people["safety"], reason="  ")
    closed = walk(people, org, HazardState.CLOSED)
    with pytest.raises(Refused, match="不能逐级上报"):
        services.report_hazard_up(closed, actor=people["safety"], reason="x")
    assert not UpwardReport.objects.exists()


def test_declined_hazard_may_be_reported_up_by_the_union(people, org):
    declined = walk(people, org, HazardState.DECLINED)
    assert services.report_hazard_up(declined, actor=people["inspector"], reason="单位拒不受理").to_node == org.county_a1


def test_major_hazard_reported_to_regulator_and_congress_automatically_once(people, org):
    hazard = accept(report(people, org), people, level=HazardLevel.MAJOR)
    auto = UpwardReport.objects.get(hazard=hazard)
    assert (auto.to_node, auto.to_regulator, auto.automatic, auto.reported_by) == (org.county_a1, True, True, None)
    told = set(Notification.objects.filter(message__contains="第四十一条").values_list("user_id", flat=True))
    assert told == {people["county"].pk, people["regulator"].pk}
    # The unit may still report it up for help; it then goes one level further, to the regulator as well.
    with pytest.raises(Refused, match="已上报至"):
        services.report_hazard_up(hazard, actor=people["safety"], reason="x")
    up = services.report_hazard_up(hazard, actor=people["county"], reason="请市级督办")
    assert up.to_node == org.city_a and up.to_regulator
    assert UpwardReport.objects.filter(hazard=hazard, automatic=True).count() == 1


def test_general_hazard_is_not_reported_automatically(people, org):
    accept(report(people, org), people)
    assert not UpwardReport.objects.exists()


def test_reported_lists_are_scoped(people, org):
    general = accept(report(people, org), people)
    services.report_hazard_up(general, actor=people["safety"], reason="a")
    major = accept(report(people, org), people, level=HazardLevel.MAJOR)
    quiet = accept(report(people, org), people)
    elsewhere = HazardFactory(unit=org.unit_b1a, level=HazardLevel.MAJOR)
    UpwardReport.objects.create(hazard=elsewhere, to_node=org.county_b1, to_regulator=True, reason="b")
    assert codes(reported_for_user(people["county"])) == {general.code, major.code}
    assert codes(reported_for_user(people["city"])) == {general.code, major.code}
    assert codes(reported_for_user(people["committee"])) == {general.code, major.code, elsewhere.code}
    assert codes(reported_for_user(people["regulator"])) == {major.code}
    assert codes(reported_for_user(people["regulator_other"])) == {elsewhere.code}
    assert codes(reported_for_user(people["safety"])) == {general.code, major.code}
    assert codes(reported_for_user(people["county_other"])) == {elsewhere.code}
    for who in ("worker", "safety_other", "worker_other"):
        assert codes(reported_for_user(people[who])) == set()
    assert quiet.code not in codes(reported_for_user(people["committee"]))


def test_remind_tells_whoever_must_act_audited(people, org):
    registered = report(people, org)
    running = accept(report(people, org), people)
    reminded, skipped = services.remind_hazards([registered, running], actor=people["county"], note="请抓紧")
    assert [h.pk for h in reminded] == [registered.pk, running.pk] and skipped == 0
    notices = Notification.objects.filter(message__contains="请尽快办理")
    assert {(n.user_id, n.target_url) for n in notices} == {
        (people["safety"].pk, f"/hazards/{registered.pk}/"), (people["safety2"].pk, f"/hazards/{registered.pk}/"),
        (people["head"].pk, f"/hazards/{registered.pk}/"), (people["workshop"].pk, f"/hazards/{running.pk}/")}
    assert HazardEvent.objects.filter(action=EventAction.REMIND).count() == 2
    assert AuditRecord.objects.filter(action="hazard.remind").count() == 2


def test_remind_verified_hazard_goes_to_the_union_inspector(people, org):
    verified = walk(people, org, HazardState.VERIFIED)
    Notification.objects.all().delete()
    services.remind_hazards([verified], actor=people["safety"])
    assert set(Notification.objects.values_list("user_id", flat=True)) == {people["inspector"].pk}


def test_remind_refused_when_nothing_to_remind(people, org):
    closed = walk(people, org, HazardState.CLOSED)
    with pytest.raises(Refused, match="没有需要提醒的责任人"):
        services.remind_hazards([closed], actor=people["safety"])
    with pytest.raises(Refused, match="请先选择"):
        services.remind_hazards([], actor=people["safety"])
    running = accept(report(people, org), people)
    with pytest.raises(Refused, match="没有需要提醒的责任人"):
        services.remind_hazards([running], actor=people["worker"])  # not theirs to remind
    assert not HazardEvent.objects.filter(action=EventAction.REMIND).exists()


def test_comment_by_area_union_on_timeline_and_told(people, org):
    running = accept(report(people, org), people)
    event = services.comment_on_hazard(running, actor=people["city"], note="请补充临时管控措施")
    assert event.action == EventAction.COMMENT and event.actor == people["city"]
    assert Notification.objects.filter(user=people["workshop"], message__contains="请补充临时管控措施").exists()
    assert AuditRecord.objects.filter(action="hazard.comment").exists()
    for who in ("safety", "inspector", "county_other"):
        with pytest.raises(Refused):
            services.comment_on_hazard(running, actor=people[who], note="x")
    with pytest.raises(Refused, match="请填写督导意见"):
        services.comment_on_hazard(running, actor=people["county"], note="")


def test_period_bounds():
    assert period_bounds(2025, None) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert period_bounds(2025, 1) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    assert period_bounds(2024, 4) == (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31))


def test_congress_summary_lists_the_units_major_hazards_of_the_period(people, org):
    now = timezone.now()
    year = timezone.localdate().year
    open_major = accept(report(people, org), people, level=HazardLevel.MAJOR)
    HazardFactory(unit=org.unit_a1a, level=HazardLevel.GENERAL)  # 一般: not in the summary
    HazardFactory(unit=org.unit_b1a, level=HazardLevel.MAJOR)  # another unit
    closed_last_year = HazardFactory(unit=org.unit_a1a, level=HazardLevel.MAJOR, state=HazardState.CLOSED,
                                     found_at=now.replace(year=year - 2), closed_at=now.replace(year=year - 1))
    overdue = HazardFactory(unit=org.unit_a1a, level=HazardLevel.MAJOR, state=HazardState.RECTIFYING,
                            deadline=timezone.localdate() - datetime.timedelta(days=1), regulator_listed=True)
    summary = congress_summary(people["head"], org.unit_a1a, year)
    assert [row["hazard"].code for row in summary["rows"]] == [open_major.code, overdue.code]
    assert summary["totals"]["count"] == 2 and summary["totals"]["overdue"] == 1
    assert summary["totals"]["listed"] == 1 and summary["totals"]["open"] == 2
    last_year = congress_summary(people["head"], org.unit_a1a, year - 1)
    assert [row["hazard"].code for row in last_year["rows"]] == [closed_last_year.code]
    assert last_year["totals"]["closed"] == 1
