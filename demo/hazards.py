"""The hazard ledger's demo: the accounts of the demo unit's ledger (and the regulator's liaison of
太原市), and hazards at that unit in every state, each walked there through hazards/services.py so that
its timeline, photos and audit trail are what the services would have written.

Some dates are moved afterwards, with a queryset update, where the demo needs a past that the services
rightly refuse to write today: an overdue deadline, a follow-up date already reached, a stoppage
proposal left unanswered past its date.

Idempotent: a hazard of the list is added only when the demo unit has no hazard with its description.
"""

import datetime
import importlib
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from demo import data as demo_data
from demo.inspections import workplace_node
from demo.pictures import demo_jpeg
from hazards import services
from hazards.enums import (
    DEADLINE_STATES,
    HazardCategory,
    HazardLevel,
    HazardPhotoKind,
    HazardSource,
    HazardState,
)
from hazards.models import Hazard, HazardProgramme, MajorHazardCriterion, StoppageProposal
from hazards.scoping import hazards_for_user
from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

# The demo unit of worker1 and unit1: its ledger is the one the demo accounts work.
UNIT = demo_data.unit_name("太原市", "小店区", demo_data.UNIT_SUFFIXES[0])
CITY = "太原市总工会"

# (account, name, role, "unit" or "city")
ACCOUNTS = [
    ("leader1", "周班长", RoleKind.TEAM_LEADER, "unit"),
    ("workshop1", "吴主任", RoleKind.WORKSHOP_HEAD, "unit"),
    ("safety1", "郑安全员", RoleKind.SAFETY_OFFICER, "unit"),
    ("head1", "冯厂长", RoleKind.UNIT_HEAD, "unit"),
    ("inspector1", "陈检查员", RoleKind.UNION_INSPECTOR, "unit"),
    ("regulator1", "褚联络员", RoleKind.REGULATOR, "city"),
]


def hazard_accounts(nodes) -> list[tuple]:
    """seed_demo's account rows (username, full name, role, node) of the ledger."""
    where = {"unit": nodes[UNIT], "city": nodes["太原市"]}
    return [(username, name, kind, where[place]) for username, name, kind, place in ACCOUNTS]


def ensure_ledger_configuration() -> None:
    """The default programme, the criteria library and the inspection rules that the data migrations wrote, written again when
    the database was emptied since (`seed_demo --reset` flushes every table, data migrations' rows too)."""
    if not HazardProgramme.objects.filter(is_default=True).exists() or not MajorHazardCriterion.objects.exists():
        importlib.import_module("hazards.migrations.0002_seed_programme").seed(apps, None)
    # The inspection levels' intervals and checklists of the default programme (idempotent: get_or_create).
    importlib.import_module("hazards.migrations.0005_seed_inspection_rules").seed(apps, None)


@dataclass(frozen=True)
class DemoHazard:
    description: str
    category: str
    location: str
    # How far along the path it goes: "registered", "declined", or a step of PATH ("returned" branches
    # off after "rectify").
    target: str
    responsible: str = "leader1"
    finder: str = "worker1"
    workshop: str = "一车间"
    team: str = ""
    major: bool = False
    clause: str = ""  # a clause of the criteria library, for a 重大 hazard
    days: int = 14  # deadline, days from today
    overdue_by: int = 0  # days past the deadline (moved after acceptance)
    stoppage: bool = False  # the union inspector proposed 停产整改, unanswered past its date
    named: bool = False
    source: str = HazardSource.WORKER_REPORT


PATH = ("accept", "plan", "approve", "list", "start", "rectify", "verify", "sign", "cancel", "close", "review")
MAJOR_STEPS = {"plan", "approve", "list", "cancel"}

HAZARDS = [
    DemoHazard("配电箱门未上锁，非电工人员可随意开启", HazardCategory.UNSAFE_CONDITION, "一车间东侧配电箱",
               "registered", team="装配一班"),
    DemoHazard("消防通道被纸箱和托盘堵塞，影响疏散", HazardCategory.ENVIRONMENT, "成品库北侧消防通道", "registered",
               workshop="成品库", named=True),
    DemoHazard("车间窗户玻璃有裂纹", HazardCategory.UNSAFE_CONDITION, "二车间西窗", "declined", workshop="二车间"),
    DemoHazard("砂轮机防护罩拆除后未恢复", HazardCategory.UNSAFE_CONDITION, "机加工班砂轮机", "accept",
               team="机加工班"),
    DemoHazard("安全出口指示灯不亮", HazardCategory.UNSAFE_CONDITION, "办公楼一层安全出口", "accept", days=7,
               overdue_by=4, workshop=""),
    DemoHazard("临时用电电缆外皮破损，铜芯裸露", HazardCategory.UNSAFE_CONDITION, "二车间检修区", "start", days=2,
               workshop="二车间", team="电工班"),
    DemoHazard("乙炔瓶、氧气瓶混放且未固定", HazardCategory.UNSAFE_CONDITION, "焊接工位", "start",
               responsible="workshop1", days=10, overdue_by=6, team="焊接班"),
    DemoHazard("冲压机光电保护装置失效，仍在生产", HazardCategory.UNSAFE_CONDITION, "冲压线3号冲床", "accept",
               responsible="workshop1", days=5, team="冲压班", stoppage=True, finder="leader1",
               source=HazardSource.INSPECTION),
    DemoHazard("厂区内叉车载货超速转弯", HazardCategory.UNSAFE_ACT, "成品库装卸区", "returned",
               responsible="workshop1", workshop="成品库"),
    DemoHazard("打磨工位粉尘浓度高，员工未佩戴防尘口罩", HazardCategory.OCCUPATIONAL, "打磨工位", "rectify",
               team="打磨班"),
    DemoHazard("空压机房噪声超标，值班人员未戴护耳器", HazardCategory.OCCUPATIONAL, "空压机房", "verify",
               workshop="动力车间"),
    DemoHazard("二层作业平台护栏缺失一段", HazardCategory.UNSAFE_CONDITION, "二车间二层平台", "sign",
               workshop="二车间", finder="inspector1", source=HazardSource.UNION_CHECK),
    DemoHazard("地面油污未清理，易滑倒", HazardCategory.ENVIRONMENT, "机加工班通道", "close", team="机加工班"),
    DemoHazard("行车上升限位器失灵", HazardCategory.UNSAFE_CONDITION, "一车间10吨行车", "review", named=True),
    # 重大: closed after the plan's approval, the regulator's 挂牌督办 and 核销.
    DemoHazard("焊工未取得特种作业操作证即上岗作业", HazardCategory.MANAGEMENT, "焊接工位", "close",
               responsible="workshop1", major=True, clause="第三条第（二）项", days=30, team="焊接班"),
    # 重大: rectified, verified and signed; waits for the regulator's 核销.
    DemoHazard("承包单位在厂区施工，未纳入统一安全管理和检查", HazardCategory.MANAGEMENT, "新建厂房工地", "sign",
               responsible="workshop1", major=True, clause="第三条第（一）项", days=30, workshop="基建办"),
    # 重大: its 治理方案 waits for the 主要负责人's approval.
    DemoHazard("外包维修队伍未经安全交底进入配电室作业", HazardCategory.MANAGEMENT, "总配电室", "plan",
               responsible="workshop1", major=True, clause="第三条第（一）项", days=45, workshop="动力车间"),
]

PLAN = {
    "goal": "消除该重大事故隐患，建立长效管理机制。",
    "methods": "停止相关作业，组织培训取证，修订相关方管理制度，逐项整改并复核。",
    "funds": "整改经费5万元由安全生产费用列支，物资由设备部保障。",
    "organisation": "主要负责人任组长，安全管理部门牵头，车间负责人具体落实。",
    "timeline": "30日内完成整改，每周报告进度。",
    "safety_measures": "整改期间设专人监护、设置警戒区域；制定专项应急预案并组织演练。",
}


def add_demo_hazards(stdout=None) -> int:
    """The list's hazards the demo unit does not have yet; returns how many were added."""
    ensure_ledger_configuration()
    unit = OrgNode.objects.get(name=UNIT)
    people = {user.username: user for user in User.objects.filter(
        username__in=["worker1", *(row[0] for row in ACCOUNTS)])}
    existing = set(Hazard.objects.filter(unit=unit).values_list("description", flat=True))
    added = 0
    for spec in HAZARDS:
        if spec.description in existing:
            continue
        with transaction.atomic():  # a step refused leaves no half-walked record behind
            _add(spec, unit, people)
        added += 1
    return added


def _workplaces(spec: DemoHazard, unit) -> tuple:
    """The spec's 车间 and 班组 as directory nodes of the unit (created on the first run)."""
    workshop = workplace_node(unit, spec.workshop, NodeKind.WORKSHOP)[0] if spec.workshop else None
    team = workplace_node(workshop or unit, spec.team, NodeKind.TEAM)[0] if spec.team else None
    return workshop, team


def _add(spec: DemoHazard, unit, people) -> Hazard:
    workshop, team = _workplaces(spec, unit)
    hazard = services.report_hazard(
        actor=people[spec.finder], unit=unit, category=spec.category, description=spec.description,
        location=spec.location, workshop=workshop, team=team, finder_named=spec.named,
        source=spec.source, photos=[demo_jpeg()], found_at=timezone.now() - datetime.timedelta(days=20))
    if spec.target == "declined":
        return services.decline_hazard(hazard, actor=people["safety1"],
                                       reason="经现场核实，该处玻璃已于上周更换，现场无隐患。")
    if spec.target != "registered":
        for step in PATH:
            if step in MAJOR_STEPS and not spec.major:
                continue
            if spec.target == "returned" and step == "verify":
                return services.return_rectification(hazard, actor=people["safety1"],
                                                      reason="整改后照片看不出限速标志，请补充并完成驾驶员复训。")
            hazard = STEPS[step](hazard, spec, people)
            if step == spec.target:
                break
    if spec.overdue_by:
        # Accepted weeks ago: today a deadline in the past is refused, so it is moved here.
        Hazard.objects.filter(pk=hazard.pk).update(
            deadline=timezone.localdate() - datetime.timedelta(days=spec.overdue_by))
    if spec.stoppage:
        proposal = services.propose_stoppage(hazard, actor=people["inspector1"], kind="stop",
                                             reasons="光电保护失效，冲压作业存在断指风险，建议该冲床停产整改。")
        # Proposed days ago and still unanswered: the escalations page shows it.
        StoppageProposal.objects.filter(pk=proposal.pk).update(
            answer_due=timezone.localdate() - datetime.timedelta(days=1))
    return hazard


def _accept(hazard, spec, people):
    criterion = MajorHazardCriterion.objects.filter(clause=spec.clause).first() if spec.major else None
    return services.accept_hazard(
        hazard, actor=people["safety1"], level=HazardLevel.MAJOR if spec.major else HazardLevel.GENERAL,
        responsible=people[spec.responsible], criterion=criterion,
        deadline=timezone.localdate() + datetime.timedelta(days=spec.days),
        interim_measures="设置警示标识，专人看护。")


def _plan(hazard, spec, people):
    services.submit_plan(hazard, actor=people[spec.responsible], **PLAN)
    return hazard


def _approve(hazard, spec, people):
    services.approve_plan(hazard, actor=people["head1"])
    return hazard


def _list(hazard, spec, people):
    return services.record_regulator_listing(hazard, actor=people["regulator1"], note="市应急管理局挂牌督办。")


def _start(hazard, spec, people):
    return services.start_rectification(hazard, actor=people[spec.responsible])


def _rectify(hazard, spec, people):
    responsible = people[spec.responsible]
    services.add_hazard_photo(hazard, HazardPhotoKind.AFTER, demo_jpeg(after=True), actor=responsible)
    return services.submit_rectification(hazard, actor=responsible, note="已按要求整改完毕，见整改后照片。",
                                         cost="1200")


def _verify(hazard, spec, people):
    return services.verify_rectification(hazard, actor=people["safety1"], note="现场验收合格。")


def _sign(hazard, spec, people):
    return services.sign_off_hazard(hazard, actor=people["inspector1"], comment="经现场查看，整改到位。")


def _cancel(hazard, spec, people):
    return services.record_regulator_cancellation(hazard, actor=people["regulator1"], note="经核查，同意核销。")


def _close(hazard, spec, people):
    return services.close_hazard(hazard, actor=people["safety1"])


def _review(hazard, spec, people):
    # Closed a month ago: the follow-up date (programme days after closing) is today.
    Hazard.objects.filter(pk=hazard.pk).update(follow_up_on=timezone.localdate())
    return services.review_hazard(hazard, actor=people["inspector1"], result="复查整改效果良好，未反弹。")


STEPS = {"accept": _accept, "plan": _plan, "approve": _approve, "list": _list, "start": _start,
         "rectify": _rectify, "verify": _verify, "sign": _sign, "cancel": _cancel, "close": _close,
         "review": _review}


def waiting(role) -> str:
    """What waits for a ledger account in the demo, for seed_demo's account listing."""
    user, kind = role.user, role.kind
    hazards = hazards_for_user(user)
    counts = []
    if kind in (RoleKind.TEAM_LEADER, RoleKind.WORKSHOP_HEAD):
        mine = hazards.filter(responsible=user, state__in=DEADLINE_STATES)
        counts += [("待整改", mine.count()), ("已逾期", mine.overdue().count())]
    if kind == RoleKind.SAFETY_OFFICER:
        counts += [("待受理", hazards.filter(state=HazardState.REGISTERED).count()),
                   ("待验收", hazards.filter(state=HazardState.SUBMITTED).count()),
                   ("待销号", _ready_to_close(hazards).count())]
    if kind in (RoleKind.SAFETY_OFFICER, RoleKind.UNIT_HEAD):
        counts.append(("待答复停产整改建议", StoppageProposal.objects.filter(
            hazard__in=hazards, answered_at__isnull=True).count()))
    if kind == RoleKind.UNIT_HEAD:
        counts.append(("待批准治理方案", hazards.filter(
            state=HazardState.ACCEPTED, plan__isnull=False, plan__approved_at__isnull=True).count()))
    if kind == RoleKind.UNION_INSPECTOR:
        counts.append(("待签字确认", hazards.filter(state=HazardState.VERIFIED).count()))
    if kind == RoleKind.REGULATOR:
        counts.append(("待核销重大事故隐患", hazards.filter(
            state__in=(HazardState.VERIFIED, HazardState.SIGNED), regulator_cancelled_at__isnull=True).count()))
    return "，".join(f"{label} {count} 件" for label, count in counts)


def _ready_to_close(hazards):
    """Signed off, and for 重大 also cancelled by the regulator (where the default programme asks for the
    union's sign-off; a unit's own programme may not)."""
    ready = hazards.filter(state=HazardState.SIGNED)
    return ready.exclude(level=HazardLevel.MAJOR, regulator_cancelled_at__isnull=True)

