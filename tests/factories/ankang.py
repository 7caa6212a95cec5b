"""安康杯: the seed's calendar and score template, a competition of city A open today, its people, and
confirmed enrolments, records and sheets made through the services."""

import datetime

from django.apps import apps
from django.utils import timezone

from ankang import services
from ankang.enums import EnrolmentKind
from ankang.models import ActivityType, CalendarTemplate, Competition, ScoreTemplate
from ankang.seed_data import seed, seed_grades
from portal.accounts.enums import RoleKind
from tests.factories.accounts import make_user
from tests.factories.hazards import ensure_ledger_seed, photo_upload


def ensure_ankang_seed() -> None:
    """The data migration's calendar and score template, again if a transactional test flushed them."""
    seed(apps)
    ensure_ledger_seed()


def ankang_people(org) -> dict:
    return {
        "unit": make_user(RoleKind.UNIT, org.unit_a1a, full_name="安泰工会"),
        "unit_b": make_user(RoleKind.UNIT, org.unit_a1b, full_name="顺通工会"),
        "unit_a0": make_user(RoleKind.UNIT, org.unit_a0, full_name="公交工会"),
        "county": make_user(RoleKind.COUNTY, org.county_a1, full_name="一区总工会"),
        "city": make_user(RoleKind.CITY, org.city_a, full_name="甲市总工会"),
        "committee": make_user(RoleKind.COMMITTEE, org.province, full_name="组委会"),
        "worker": make_user(RoleKind.WORKER, org.unit_a1a, full_name="职工"),
        "unit_other": make_user(RoleKind.UNIT, org.unit_b1a, full_name="乙市单位工会"),
        "county_other": make_user(RoleKind.COUNTY, org.county_b1, full_name="乙县总工会"),
        "city_other": make_user(RoleKind.CITY, org.city_b, full_name="乙市总工会"),
    }


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_competition(place, **dates) -> Competition:
    """A competition at `place` running since 150 days ago, with its deadlines still ahead."""
    ensure_ankang_seed()
    values = {"starts_on": days(-150), "ends_on": days(30), "enrol_closes_on": days(10),
              "records_close_on": days(20), "self_score_closes_on": days(20), "review_closes_on": days(30),
              "report_due_on": days(14), **dates}
    competition = Competition.objects.create(
        name="测试“安康杯”竞赛", cycle="2025–2026年度", year=values["ends_on"].year, place=place,
        organisers="省总工会\n省应急管理厅\n省卫生健康委", theme="落实安全生产责任，推动安全发展",
        calendar=CalendarTemplate.objects.get(version="2021"), score_template=ScoreTemplate.objects.get(version="默认"),
        **values)
    seed_grades(apps, competition)
    return competition


def confirmed(competition, unit, unit_user, county_user, *, kind=EnrolmentKind.UNIT, team=None):
    enrolment = services.enrol(competition, unit, actor=unit_user, kind=kind, team=team)
    return services.decide_enrolment(enrolment, actor=county_user, confirm=True)


def activity(competition, code: str) -> ActivityType:
    return ActivityType.objects.get(template=competition.calendar_id, code=code)


def record(competition, enrolment, actor, *, code: str = "training", held_on=None, photos: int = 0, **fields):
    data = services.RecordInput(activity_type=activity(competition, code), held_on=held_on or days(-3),
                                place=fields.pop("place", "一号车间会议室"), participants=fields.pop("participants", 30),
                                description=fields.pop("description", "全员安全生产培训"), **fields)
    return services.record_activity(competition, enrolment, data, actor=actor,
                                    photos=[photo_upload() for _ in range(photos)])


def full_scores(sheet, *, scale=1):
    """Every scored item at its points times `scale` (bonus items 0)."""
    return {row.item_id: (str((row.item.max_points * scale).quantize(row.item.max_points)) if row.item.kind == "scored"
                          else "0", "") for row in sheet.scores.select_related("item")}
