"""Inspection rounds (issue 15 item 5): plans per 班组 / 车间 / unit, rounds recorded against them, findings
that enter the ledger with source 巡查发现, and the compliance figures computed from the rounds.

A level's interval, statistics window and checklist come from the `InspectionRule` of the programme that
governs the unit (the default programme's when that programme sets none). A plan's periods start at its
`starts_on` and last the interval; a period that has ended without a round is missed. Nothing about missing
is stored: `plan_compliance` computes it each time.
"""

import datetime
from dataclasses import dataclass, field

import rules
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards import services
from hazards.enums import ChecklistAnswer, HazardCategory, HazardSource, InspectionLevel, PeriodStatus
from hazards.models import (
    HazardPhoto,
    HazardProgramme,
    InspectionFinding,
    InspectionPlan,
    InspectionRound,
    InspectionRule,
    choose_programme,
)
from hazards.photos import delete_stored
from portal.audit.services import record_audit
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.refusals import Refused

PLAN_KINDS = (NodeKind.UNIT, NodeKind.WORKSHOP, NodeKind.TEAM)


# --- the rules of a level ----------------------------------------------------------------------------------


class RuleBook:
    """Every programme's inspection rules loaded at once (two queries), so a page of plans of many units
    finds each plan's rule without a query per row."""

    def __init__(self, year: int | None = None):
        self.year = year or timezone.localdate().year
        self.programmes = list(HazardProgramme.objects.select_related("place").prefetch_related("inspection_rules"))
        self.default = next((p for p in self.programmes if p.is_default), None)

    def rule(self, unit, level: str) -> InspectionRule:
        for programme in (choose_programme(self.programmes, unit, self.year), self.default):
            found = next((r for r in programme.inspection_rules.all() if r.level == level), None) if programme else None
            if found is not None:
                return found
        raise Refused(_("尚未配置%(level)s的排查周期和检查表，请联系管理员。") % {
            "level": InspectionLevel(level).label}, code="no_inspection_rule")


def rule_for(plan: InspectionPlan, book: RuleBook | None = None) -> InspectionRule:
    """`plan`'s rule, from `book` when the caller loaded one for many plans (a batch), else from a fresh one."""
    return (book or RuleBook()).rule(plan.unit, plan.level)


# --- plans -------------------------------------------------------------------------------------------------


@transaction.atomic
def create_inspection_plan(node: OrgNode, *, actor, starts_on: datetime.date | None = None,
                           request=None, book: RuleBook | None = None) -> InspectionPlan:
    """A plan for a 班组 (daily), 车间 (weekly) or unit (half-monthly): set up by the unit's 企业安全管理员 or
    主要负责人; one plan per node. `book`: the rules already loaded by a caller creating many plans."""
    unit = node.unit_node if node.kind in PLAN_KINDS else None
    if unit is None or not node.is_active:
        raise Refused(_("只能为单位、车间或班组建立排查计划。"), code="bad_node")
    if not rules.has_perm("hazards.manage_inspection_plans", actor, unit):
        raise Refused.permission_denied(_("只有本单位的安全管理员或主要负责人可以建立排查计划。"))
    if InspectionPlan.objects.filter(node=node).exists():
        raise Refused(_("%(node)s已有排查计划。") % {"node": node}, code="plan_exists")
    (book or RuleBook()).rule(unit, node.kind)  # refuse a level the programme does not configure
    plan = InspectionPlan.objects.create(node=node, unit=unit, level=node.kind, created_by=actor,
                                         starts_on=starts_on or timezone.localdate())
    record_audit(actor, "inspection.plan", plan, request=request,
                 summary=_("建立排查计划：%(plan)s") % {"plan": plan},
                 changes={"node": node.pk, "level": plan.level, "starts_on": str(plan.starts_on)})
    return plan


def create_unit_plans(unit: OrgNode, *, actor, starts_on: datetime.date | None = None, request=None) -> int:
    """Plans for the unit and each of its active 车间/班组 that has none; the number created."""
    if not rules.has_perm("hazards.manage_inspection_plans", actor, unit):
        raise Refused.permission_denied(_("只有本单位的安全管理员或主要负责人可以建立排查计划。"))
    nodes = (OrgNode.objects.filter(pk=unit.pk) | OrgNode.objects.workplaces(unit)).filter(
        inspection_plan__isnull=True).order_by("path")
    book = RuleBook()
    with transaction.atomic():
        created = [create_inspection_plan(node, actor=actor, starts_on=starts_on, request=request, book=book)
                   for node in nodes]
    return len(created)


# --- rounds ------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    """One hazard found on a round, as the round form gives it (photos are uploads)."""

    category: str
    description: str
    location: str
    photos: list = field(default_factory=list)


def _checked_answers(items: list[str], answers: dict) -> list[dict]:
    """The checklist as answered: every item needs an answer; the item texts are copied into the record."""
    result = []
    for index, item in enumerate(items):
        answer = answers.get(index) or {}
        value = answer.get("answer") if isinstance(answer, dict) else answer
        if value not in ChecklistAnswer.values:
            raise Refused(_("检查表第%(n)d项“%(item)s”未填写结果。") % {"n": index + 1, "item": item},
                          code="checklist_incomplete")
        note = (answer.get("note", "") if isinstance(answer, dict) else "").strip()[:500]
        result.append({"item": item, "answer": value, "note": note})
    return result


def record_round(plan: InspectionPlan, *, actor, answers: dict, no_hazard: bool = False, findings=(), note: str = "",
                 performed_at: datetime.datetime | None = None, request=None,
                 book: RuleBook | None = None) -> InspectionRound:
    """Record a round of `plan`: the checklist answers (item index → 符合/不符合/不适用, optionally with a
    note) and either its findings — each registered as a Hazard of the plan's unit, 车间 and 班组 with source
    巡查发现 through hazards.services.report_hazard — or 未发现隐患 (which no 不符合 answer may contradict).
    All or nothing: a refused finding leaves no round, no hazard and no photo file. `book`: the rules
    already loaded by a caller recording many rounds (the demo), instead of two queries per round."""
    plan = InspectionPlan.objects.select_related("node", "unit").get(pk=plan.pk)
    if not rules.has_perm("hazards.record_round", actor, plan):
        raise Refused.permission_denied(_("您不能记录这项排查。"))
    performed_at = performed_at or timezone.now()
    performed_on = timezone.localdate(performed_at)
    if performed_at > timezone.now():
        raise Refused(_("排查时间不能晚于现在。"), code="future_round")
    if performed_on < plan.starts_on:
        raise Refused(_("排查时间早于计划开始日期。"), code="before_plan")
    checked = _checked_answers(rule_for(plan, book).items, answers)
    findings = list(findings)
    if no_hazard and findings:
        raise Refused(_("已登记发现的隐患，不能同时选择“未发现隐患”。"), code="no_hazard_conflict")
    if not no_hazard and not findings:
        raise Refused(_("请登记发现的隐患，或选择“未发现隐患”。"), code="no_outcome")
    if no_hazard and any(a["answer"] == ChecklistAnswer.ISSUE for a in checked):
        raise Refused(_("检查表有不符合项，请登记发现的隐患。"), code="issue_without_finding")
    stored: list[str] = []
    try:
        with transaction.atomic():
            inspection_round = InspectionRound.objects.create(
                plan=plan, inspector=actor, performed_at=performed_at, performed_on=performed_on,
                answers=checked, no_hazard=no_hazard, note=(note or "").strip())
            for finding in findings:
                _register_finding(inspection_round, finding, actor=actor, stored=stored, request=request)
            record_audit(actor, "inspection.round", inspection_round, request=request,
                         summary=_("记录排查：%(plan)s %(on)s") % {"plan": plan, "on": performed_on},
                         changes={"no_hazard": no_hazard, "findings": len(findings),
                                  "issues": sum(a["answer"] == ChecklistAnswer.ISSUE for a in checked)})
    except BaseException:
        delete_stored(HazardPhoto, stored)  # photos of findings written before a later one was refused
        raise
    return inspection_round


def add_round_finding(inspection_round: InspectionRound, finding: Finding, *, actor, request=None):
    """A further hazard found on a round, added the same day by its inspector."""
    inspection_round = InspectionRound.objects.select_related("plan__node", "plan__unit").get(pk=inspection_round.pk)
    if not rules.has_perm("hazards.add_round_finding", actor, inspection_round):
        raise Refused.permission_denied(_("只有本次排查人可以补充发现的隐患。"))
    if inspection_round.performed_on != timezone.localdate():
        raise Refused(_("只能在排查当天补充发现的隐患。"), code="round_closed")
    if inspection_round.no_hazard:
        raise Refused(_("本次排查已记录为“未发现隐患”。"), code="no_hazard_round")
    stored: list[str] = []
    try:
        with transaction.atomic():
            hazard = _register_finding(inspection_round, finding, actor=actor, stored=stored, request=request)
    except BaseException:
        delete_stored(HazardPhoto, stored)
        raise
    return hazard


def _register_finding(inspection_round, finding: Finding, *, actor, stored: list[str], request=None):
    plan = inspection_round.plan
    if finding.category not in HazardCategory.values:
        raise Refused(_("请选择隐患类别。"), code="bad_category")
    workshop = plan.node if plan.node.kind == NodeKind.WORKSHOP else None
    team = plan.node if plan.node.kind == NodeKind.TEAM else None
    hazard = services.report_hazard(
        actor=actor, unit=plan.unit, category=finding.category, description=finding.description,
        location=finding.location, photos=finding.photos, workshop=workshop, team=team, finder_named=True,
        source=HazardSource.INSPECTION, found_at=inspection_round.performed_at, request=request)
    # report_hazard removes its own files when it fails; these are removed if a later step fails.
    stored.extend(name for photo in hazard.photos.all() for name in (photo.original.name, photo.preview.name) if name)
    InspectionFinding.objects.create(round=inspection_round, hazard=hazard)
    return hazard


# --- compliance (computed) ---------------------------------------------------------------------------------


@dataclass
class PlanCompliance:
    """A plan's figures over its rule's window: periods ended (due), with a round (done), without (missed)."""

    plan: InspectionPlan
    rule: InspectionRule
    due: int
    done: int
    missed_periods: list[datetime.date]
    current_status: str
    current_start: datetime.date | None
    last_round_on: datetime.date | None

    @property
    def missed(self) -> int:
        return len(self.missed_periods)

    @property
    def rate(self) -> int | None:
        """Per cent of ended periods with a round; None before any period ended."""
        return round(100 * self.done / self.due) if self.due else None

    @property
    def flagged(self) -> bool:
        return bool(self.missed_periods)


def plan_compliance(plan, rule, round_dates, today: datetime.date | None = None) -> PlanCompliance:
    """Count `plan`'s periods within the rule's window that have ended before `today` and those of them
    with a round on one of `round_dates`; the current period is done or still due (never missed)."""
    today = today or timezone.localdate()
    interval = rule.interval_days
    last = getattr(plan, "last_round_on", None)
    if today < plan.starts_on:
        return PlanCompliance(plan, rule, 0, 0, [], PeriodStatus.NOT_STARTED, None, last)
    done_indexes = {(day - plan.starts_on).days // interval for day in round_dates if day >= plan.starts_on}
    current = (today - plan.starts_on).days // interval
    window_start = today - datetime.timedelta(days=rule.window_days)
    first = max(0, -(-(window_start - plan.starts_on).days // interval))  # first period starting in the window
    ended = range(first, current)
    missed = [plan.starts_on + datetime.timedelta(days=k * interval) for k in ended if k not in done_indexes]
    status = PeriodStatus.DONE if current in done_indexes else PeriodStatus.DUE
    return PlanCompliance(plan, rule, len(ended), len(ended) - len(missed), missed, status,
                          plan.starts_on + datetime.timedelta(days=current * interval), last)


def with_last_round(plans):
    """The plans queryset with what every list shows: node, unit and the date of the last round."""
    return plans.select_related("node", "unit").annotate(last_round_on=Max("rounds__performed_on"),
                                                         last_round_id=Max("rounds__id"))


def compliance_rows(plans, today: datetime.date | None = None) -> list[PlanCompliance]:
    """The compliance of each of `plans` (a page, already loaded) in a fixed number of queries."""
    today = today or timezone.localdate()
    plans = list(plans)
    book = RuleBook(today.year)
    rules_by_plan = {plan.pk: book.rule(plan.unit, plan.level) for plan in plans}
    longest = max((rule.window_days + rule.interval_days for rule in rules_by_plan.values()), default=0)
    dates: dict[int, set] = {plan.pk: set() for plan in plans}
    for plan_id, day in (InspectionRound.objects
                         .filter(plan__in=[p.pk for p in plans],
                                 performed_on__gte=today - datetime.timedelta(days=longest))
                         .values_list("plan_id", "performed_on").distinct()):
        dates[plan_id].add(day)
    return [plan_compliance(plan, rules_by_plan[plan.pk], dates[plan.pk], today) for plan in plans]


def round_checklist(plan: InspectionPlan) -> list[str]:
    """The checklist a new round of `plan` answers (the governing programme's, today)."""
    return rule_for(plan).items
