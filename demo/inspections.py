"""Demo 车间/班组 and inspection rounds (issue 15 items 1 and 5): every demo unit gets two 车间 with two 班组
each; the units of 太原市小店区 get plans at the three levels and the rounds of the past weeks, a few missed
and one with a finding, all through hazards.inspections. Running it again adds nothing."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from demo import data as demo_data
from demo.passwords import demo_password_hash
from hazards import inspections
from hazards.enums import ChecklistAnswer
from hazards.models import InspectionPlan, InspectionRound
from portal.accounts.enums import RoleKind
from portal.accounts.models import Role, User
from portal.directory.enums import WORKPLACE_KINDS, NodeKind
from portal.directory.models import OrgNode

# The 车间（区、队）and their 班组 by the kind of enterprise (a word of its name); the rest are factories.
WORKPLACES = {
    "物流": {"仓储车间": ["装卸班", "叉车班"], "运输车队": ["一队", "二队"]},
    "建材": {"原料车间": ["破碎班", "配料班"], "成型车间": ["压制班", "烧成班"]},
    "煤矿": {"综采队": ["综采一班", "综采二班"], "掘进队": ["掘进一班", "掘进二班"]},
    "化工": {"合成车间": ["甲班", "乙班"], "储运车间": ["装车班", "罐区班"]},
    "": {"机加工车间": ["甲班", "乙班"], "装配车间": ["丙班", "丁班"]},
}
WEEKS = 4  # the rounds of the past weeks
FINDING = {"category": "unsafe_condition", "description": "车床防护罩缺失，旋转部位外露",
           "location": "机加工车间3号车床"}


def seed_inspections(stdout=None, *, today: datetime.date | None = None) -> dict:
    """Create the demo's 车间/班组, plans and rounds (idempotent); the numbers of what was added.

    One transaction (one commit, not one per row) and one RuleBook for the ~550 rounds: the demo adds no
    programme or rule meanwhile, and seed_demo runs before every browser test."""
    with transaction.atomic():
        added = _seed(inspections.RuleBook(), today or timezone.localdate())
    if stdout is not None:
        stdout.write("车间/班组 {workplaces} 个、排查计划 {plans} 项、排查记录 {rounds} 条（发现隐患 {findings} 项）已添加"
                     .format(**added))
    return added


def _seed(book, today: datetime.date) -> dict:
    added = {"workplaces": 0, "plans": 0, "rounds": 0, "findings": 0}
    for unit in OrgNode.objects.units().order_by("path"):
        added["workplaces"] += _add_workplaces(unit)
    prefix = demo_data.county_union_name("太原市", "小店区")
    county = OrgNode.objects.filter(name=prefix).first()
    units = list(OrgNode.objects.units().subtree(county).order_by("path")) if county else []
    for index, unit in enumerate(units):
        safety = _safety_officer(unit)
        start = today - datetime.timedelta(days=7 * WEEKS)
        for node in (OrgNode.objects.filter(pk=unit.pk) | OrgNode.objects.workplaces(unit)).order_by("path"):
            if not InspectionPlan.objects.filter(node=node).exists():
                inspections.create_inspection_plan(node, actor=safety, starts_on=start, book=book)
                added["plans"] += 1
        plans = list(InspectionPlan.objects.filter(unit=unit).select_related("node", "unit").order_by("node__path"))
        for number, plan in enumerate(plans):
            rounds, findings = _add_rounds(plan, safety, today, number, book=book,
                                           with_finding=index == 0 and number == 2)
            added["rounds"] += rounds
            added["findings"] += findings
    return added


def _workplaces_for(unit) -> dict:
    return next(places for word, places in WORKPLACES.items() if word in unit.name)


def _add_workplaces(unit) -> int:
    # What earlier runs made, in one query per unit rather than one per 车间/班组 (~600 in all).
    existing: dict = {}
    for node in OrgNode.objects.subtree(unit).filter(kind__in=WORKPLACE_KINDS).order_by("path"):
        existing.setdefault((node.parent_id, node.kind, node.short_name), node)
    created = 0
    for workshop_name, teams in _workplaces_for(unit).items():
        workshop, new = workplace_node(unit, workshop_name, NodeKind.WORKSHOP, existing)
        created += new
        for team_name in teams:
            created += workplace_node(workshop, team_name, NodeKind.TEAM, existing)[1]
    return created


def workplace_node(parent, own_name, kind, existing: dict | None = None) -> tuple:
    """The 车间/班组 `own_name` of `kind` under `parent`, created when missing; (node, created).
    `existing`: the nodes already loaded by (parent id, kind, own name), instead of a query."""
    if existing is None:
        node = OrgNode.objects.filter(parent=parent, kind=kind, short_name=own_name).first()
    else:
        node = existing.get((parent.pk, kind, own_name))
    if node is not None:
        return node, False
    node = OrgNode(name=f"{parent.name}{own_name}", short_name=own_name, kind=kind, parent=parent)
    node.full_clean()
    node.save()
    return node, True


def _safety_officer(unit) -> User:
    """The unit's 企业安全管理员 (a demo account's, when seed_demo made one there), else one made for it."""
    role = Role.objects.filter(kind=RoleKind.SAFETY_OFFICER, node=unit).select_related("user").first()
    if role is not None:
        return role.user
    user, _created = User.objects.get_or_create(username=f"demo-safety-{unit.pk}", defaults={
        "full_name": "安全管理员", "email": f"demo-safety-{unit.pk}@example.com", "phone": "13800000000",
        "password": demo_password_hash()})
    Role.objects.get_or_create(user=user, kind=RoleKind.SAFETY_OFFICER, node=unit)
    return user


def _missed(plan, number: int, period: int) -> bool:
    """A few periods left without a round, so the compliance table has something to flag."""
    if plan.level == NodeKind.TEAM:
        return (period + number) % 9 == 4
    return plan.level == NodeKind.WORKSHOP and number == 1 and period == 1


def _add_rounds(plan, actor, today, number: int, *, book, with_finding: bool) -> tuple[int, int]:
    rule = inspections.rule_for(plan, book)
    done_dates = set(InspectionRound.objects.filter(plan=plan).values_list("performed_on", flat=True))
    rounds = findings = 0
    periods = (today - plan.starts_on).days // rule.interval_days
    for period in range(periods):
        day = plan.starts_on + datetime.timedelta(days=period * rule.interval_days)
        if day in done_dates or _missed(plan, number, period):
            continue
        answers = dict.fromkeys(range(len(rule.items)), ChecklistAnswer.OK)
        found = with_finding and period == periods - 3
        extra = {"no_hazard": True}
        if found:
            answers[1] = {"answer": ChecklistAnswer.ISSUE, "note": FINDING["description"]}
            extra = {"findings": [inspections.Finding(**FINDING, photos=[_photo()])]}
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
        inspections.record_round(plan, actor=actor, answers=answers, performed_at=at, book=book, **extra)
        rounds += 1
        findings += found
    return rounds, findings


def _photo() -> SimpleUploadedFile:
    """A small JPEG standing for the photo taken on the round."""
    image = Image.new("RGB", (800, 600), (90, 110, 120))
    ImageDraw.Draw(image).rectangle((250, 180, 550, 420), fill=(200, 160, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile("round.jpg", buffer.getvalue(), content_type="image/jpeg")
