"""The 安康杯 competition of the demo (issue 18): a provincial competition for the current year on seed 003's
calendar, units of 小店区 (unit1's county) enrolled and confirmed, one 班组 enrolled, activity records with
photos in several units (one unit with none, for the coverage view), two score sheets reviewed by the
county, one of them vetoed, the nomination quotas of every level and award kind, and nominations waiting at
the county, the city and the province, one of them returned to the unit.

`seed_ankang()` needs the demo directory and accounts of `seed_demo` (unit1, county1, city1, committee) and is
idempotent: it does nothing once the year's competition exists. Every change goes through ankang.services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.apps import apps
from django.test import override_settings
from django.utils import timezone

from ankang import nominations, services
from ankang.enums import EnrolmentKind
from ankang.models import ActivityType, CalendarTemplate, Competition, ScoreTemplate
from ankang.nomination_enums import AwardKind, NominationLevel
from ankang.seed_data import CALENDAR, SCORE_TEMPLATE, seed_grades
from ankang.setup import set_quotas
from demo.inspections import workplace_node
from demo.returns import _jpeg, _staff  # the demo's shared helpers: a labelled JPEG, a demo account at a node
from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

# (activity code, days before today, place, participants, description, photos)
UNIT1_RECORDS = [
    ("training", 80, "公司培训中心", 120, "新《安全生产法》全员培训，重点岗位职工全覆盖。", 2),
    ("cooling", 120, "炼钢车间", 60, "为高温岗位职工送清凉物资和健康体检。", 1),
    ("drill", 40, "二车间", 35, "组织一次有限空间作业应急演练。", 1),
]
OTHER_RECORDS = [
    ("wujin", 100, "厂区广场", 200, "安全生产宣传“五进”活动月：安全挂图、宣传手册、签名活动。", 1),
    ("patrol", 30, "仓储车间", 8, "职工代表安全生产巡查，发现隐患3项并向职代会报告。", 0),
]


# 名额 of the demo competition: how many of each award kind a union at each level passes upwards (the
# province: lists). The competition's data, not the seed's (seed 003 names the awards, not the numbers).
QUOTAS = {NominationLevel.COUNTY: 3, NominationLevel.CITY: 2, NominationLevel.PROVINCE: 5}

# (award kind, proposer: "unit" or "county", name, post, deeds, steps) — steps: "forward" (by the level it
# waits at, once per entry) or "return"; so the demo shows a nomination waiting at each level and one returned.
NOMINATIONS = [
    (AwardKind.UNIT, "unit", "", "", "", ["forward", "forward"]),
    (AwardKind.PERSON, "county", "张建国", "电工班班长",
     "带领班组开展“十个一”活动，全年纠正违章12次，提出合理化建议5条。", ["forward"]),
    (AwardKind.TEAM, "unit", "", "", "", []),
    (AwardKind.PERSON, "unit", "李明", "安全员", "参与巡查。", ["return"]),
]


def _day(year_start: datetime.date, days_ago: int) -> datetime.date:
    return max(year_start, timezone.localdate() - datetime.timedelta(days=days_ago))


def _competition(province: OrgNode, committee) -> Competition:
    today = timezone.localdate()
    year = today.year
    end = datetime.date(year, 12, 31)
    return Competition.objects.create(
        name=f"{year}年度“安康杯”竞赛", cycle=f"{year}年度", year=year, place=province,
        organisers="省总工会\n省应急管理厅\n省卫生健康委", theme="落实安全生产责任，推动安全发展",
        basis="关于开展“安康杯”竞赛系列活动的意见（石工办字〔2021〕27号）",
        calendar=CalendarTemplate.objects.get(name=CALENDAR["name"], version=CALENDAR["version"]),
        score_template=ScoreTemplate.objects.get(name=SCORE_TEMPLATE["name"], version=SCORE_TEMPLATE["version"]),
        starts_on=datetime.date(year, 1, 1), ends_on=end, enrol_closes_on=end, records_close_on=end,
        self_score_closes_on=max(today, datetime.date(year, 12, 20)), review_closes_on=max(today, end),
        report_due_on=datetime.date(year, 12, 15))


def _records(competition, enrolment, actor, rows) -> None:
    for code, days_ago, place, participants, description, photos in rows:
        activity = ActivityType.objects.get(template=competition.calendar_id, code=code)
        data = services.RecordInput(activity_type=activity, held_on=_day(competition.starts_on, days_ago), place=place,
                                    participants=participants, description=description)
        services.record_activity(competition, enrolment, data, actor=actor,
                                 photos=[_jpeg(f"{code} {n + 1}") for n in range(photos)])


def _reviewed_sheet(competition, enrolment, actor, county, *, scale: str, veto: bool):
    sheet = services.start_sheet(competition, enrolment, actor=actor)
    rows = list(sheet.scores.select_related("item"))
    scores = {r.item_id: (str((r.item.max_points * Decimal(scale)).quantize(Decimal("0.1"))) if r.item.section_id
                          else "1", "已按活动安排开展，佐证齐全") for r in rows}
    services.score_self(sheet, scores, {}, actor=actor)
    services.submit_sheet(sheet, actor=actor)
    vetoes = {sheet.template.vetoes.get(number=1).pk: True} if veto else {}
    comment = "经核实，竞赛期间发生一起重伤事故，一票否决。" if veto else "活动开展扎实，材料齐全。"
    return services.review_sheet(sheet, scores, vetoes, actor=county, comment=comment)


def _nominations(competition, unit_node, team, actors) -> None:
    """Quotas for every level and award kind, then the demo's nominations climbing the tiers."""
    set_quotas(competition, {(level, kind): cap for level, cap in QUOTAS.items() for kind in AwardKind.values},
               actor=actors["committee"])
    deciders = {NominationLevel.COUNTY: actors["county"], NominationLevel.CITY: actors["city"]}
    for kind, proposer, name, post, deeds, steps in NOMINATIONS:
        data = nominations.NominationInput(kind=kind, team=team, person_name=name, person_post=post, deeds=deeds)
        nomination = nominations.propose_nomination(competition, unit_node, data, actor=actors[proposer])
        for step in steps:
            decider = deciders[nomination.level]
            if step == "return":
                nominations.return_nomination(nomination, actor=decider, reason="请补充主要事迹和具体数据。")
            else:
                nomination = nominations.forward_nomination(nomination, actor=decider, comment="同意上报。")


def seed_ankang(stdout=None) -> Competition | None:
    """The demo's 安康杯 competition (None when the demo directory or accounts are missing)."""
    unit1, county1, city1, committee = (User.objects.filter(username=name).first()
                                        for name in ("unit1", "county1", "city1", "committee"))
    province = OrgNode.objects.filter(kind=NodeKind.PROVINCE).order_by("pk").first()
    if province is None or None in (unit1, county1, city1, committee):
        if stdout:
            stdout.write("安康杯：未找到演示目录或账号，请先运行 seed_demo")
        return None
    existing = Competition.objects.filter(year=timezone.localdate().year, place=province).first()
    if existing is not None:
        return existing
    unit_node = unit1.roles.get(kind=RoleKind.UNIT).node
    others = list(unit_node.parent.children.filter(kind=NodeKind.UNIT).exclude(pk=unit_node.pk).order_by("pk")[:2])
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        competition = _competition(province, committee)
        seed_grades(apps, competition)
        mine = services.enrol(competition, unit_node, actor=unit1, members=860, contact="工会主席")
        services.decide_enrolment(mine, actor=county1, confirm=True)
        workshop = workplace_node(unit_node, "二车间", NodeKind.WORKSHOP)[0]
        team = services.enrol(competition, unit_node, actor=unit1, kind=EnrolmentKind.TEAM,
                              team=workplace_node(workshop, "电工班", NodeKind.TEAM)[0], members=18)
        services.decide_enrolment(team, actor=county1, confirm=True)
        _records(competition, mine, unit1, UNIT1_RECORDS)
        _records(competition, team, unit1, [("violation", 20, "二车间配电室", 18, "班组安全员纠正一次违章行为。", 0)])
        _reviewed_sheet(competition, mine, unit1, county1, scale="0.9", veto=False)
        for index, node in enumerate(others):
            actor = _staff(f"demo-q-{node.pk}", RoleKind.UNIT, node)
            enrolment = services.enrol(competition, node, actor=actor)
            services.decide_enrolment(enrolment, actor=county1, confirm=True)
            if index == 0:  # the second unit runs activities and is vetoed; the third has none yet
                _records(competition, enrolment, actor, OTHER_RECORDS)
                _reviewed_sheet(competition, enrolment, actor, county1, scale="0.85", veto=True)
        _nominations(competition, unit_node, team.team, {"unit": unit1, "county": county1, "city": city1,
                                                         "committee": committee})
    if stdout:
        stdout.write(f"安康杯：{competition.name}已生成（unit1 登记活动、自评和推荐，county1 确认报名、评审和审核推荐，city1 审核推荐，committee 列入表彰名单并发布）")
    return competition
