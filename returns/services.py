"""State changes of 查保促 returns: open a year, start, fill, override, score, add evidence, file, accept,
send back, reopen, remind. Every service is atomic, audited (portal.audit) and raises only Refused.

A return's cells hold its own values (computed from the records, typed, or a computed value overridden
with a reason); its totals are its own values plus the totals of the accepted returns below, computed
when shown and frozen when it is filed, so nothing is typed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.models import HazardProgramme
from hazards.photos import cleaned_hazard_upload, delete_stored, store_cleaned
from portal.accounts.models import User
from portal.audit.services import record_audit
from portal.refusals import Refused
from returns import selectors
from returns.enums import (
    COMPUTED_SOURCES,
    EDITABLE_STATES,
    FILED_STATES,
    CellSource,
    CellUnit,
    FilerLevel,
    ReturnState,
)
from returns.models import (
    ChecklistCriterion,
    CriterionScore,
    Filer,
    Return,
    ReturnCell,
    ReturnPeriod,
    ReturnProgramme,
    ReturnReminder,
    ReturnScan,
)
from returns.roles import FILER_ROLES, files_for
from review.enums import NotificationKind
from review.notifications import notify_users

ZERO = Decimal(0)


# --- the programme ----------------------------------------------------------------------------------------

@transaction.atomic
def open_year(year: int, *, actor, place=None) -> ReturnProgramme:
    """The programme of `year` (at `place`), created from the default programme (its templates and
    periods) and last year's filer list when it does not exist yet."""
    existing = ReturnProgramme.objects.filter(year=year, place=place).first()
    if existing is not None:
        return existing
    default = ReturnProgramme.objects.filter(is_default=True).first()
    if default is None:
        raise Refused(_("尚未配置查保促报送默认方案。"), code="no_programme")
    programme = ReturnProgramme.objects.create(
        name=_("%(year)s年“查保促”活动报送") % {"year": year}, year=year, place=place,
        stat_template=default.stat_template, checklist_template=default.checklist_template,
        remind_days=default.remind_days, money_decimals=default.money_decimals, basis=default.basis)
    for period in default.periods.all():
        period.pk = None
        period.programme = programme
        period.save()
    previous = ReturnProgramme.objects.filter(year__lt=year, place=place).order_by("-year").first()
    if previous is not None:
        Filer.objects.bulk_create([Filer(programme=programme, node_id=f.node_id, level=f.level,
                                         is_chemical=f.is_chemical) for f in previous.filers.all()])
    record_audit(actor, "returns.open_year", programme, summary=_("开设%(year)s年度查保促报送") % {"year": year})
    return programme


# --- starting and filling a return ------------------------------------------------------------------------

def _window(report: Return) -> selectors.Window:
    return selectors.Window.of(report.period, report.year)


def _require_filer(report_or_filer, actor) -> None:
    filer = report_or_filer.filer if isinstance(report_or_filer, Return) else report_or_filer
    if not files_for(actor, filer):
        raise Refused.permission_denied()


def _require_editable(report: Return) -> None:
    if report.state not in EDITABLE_STATES:
        raise Refused(_("报表已报送，不能修改；如需修改请上级工会重新打开。"), code="locked")


@transaction.atomic
def start_return(period: ReturnPeriod, filer: Filer, *, actor) -> Return:
    """The filer's return for the period (created as a draft with every cell and criterion when new)."""
    _require_filer(filer, actor)
    if period.programme_id != filer.programme_id:
        raise Refused(_("该填报单位不在本期方案中。"), code="wrong_programme")
    report, created = Return.objects.get_or_create(period=period, filer=filer)
    if not created:
        return report
    programme = period.programme
    ReturnCell.objects.bulk_create([ReturnCell(report=report, cell=cell)
                                    for cell in programme.stat_template.cells.all()])
    if filer.level == FilerLevel.ENTERPRISE:
        CriterionScore.objects.bulk_create([
            CriterionScore(report=report, criterion=criterion)
            for criterion in ChecklistCriterion.objects.filter(item__template=programme.checklist_template)])
    refresh_computed(report)
    record_audit(actor, "returns.start", report, summary=_("开始填报"))
    return report


def _source(row: ReturnCell, level: str) -> str:
    return row.cell.source_for(level)


def derived_chemical(row: ReturnCell, level: str) -> bool:
    """An enterprise's 其中化工行业 cell follows its total: the whole enterprise is 化工 or is not."""
    return level == FilerLevel.ENTERPRISE and row.cell.chemical and row.cell.sub_of_id is not None


def typed_here(row: ReturnCell, level: str) -> bool:
    """Whether the filer types the cell's value: a typed cell, or a computed one the records say nothing
    about (no training among the 安康杯 activity records of the period: no system value to override)."""
    if derived_chemical(row, level):
        return False
    source = _source(row, level)
    return source == CellSource.TYPED or (source in COMPUTED_SOURCES and row.computed is None)


def refresh_computed(report: Return) -> None:
    """Recompute every computed cell of an editable return from the records (not overridden ones' values)."""
    if report.state not in EDITABLE_STATES:
        return
    filer, window = report.filer, _window(report)
    level = filer.level
    rows = list(report.cells.select_related("cell"))
    by_cell = {row.cell_id: row for row in rows}
    for row in rows:
        source = _source(row, level)
        if source in COMPUTED_SOURCES and source != CellSource.COUNTY_FUND_SET:
            chemical = row.cell.chemical
            row.computed = selectors.computed_value(source, filer, window, chemical=chemical)
            if row.computed is None:
                row.override_reason = ""  # nothing to override: the filer's typed value stands
            elif not row.override_reason:
                row.value = row.computed
    for row in rows:
        # After the totals, overrides included, so that a sub-count never exceeds its overridden total.
        if derived_chemical(row, level):
            total = by_cell.get(row.cell.sub_of_id)
            row.value = row.computed = (total.value if filer.is_chemical else ZERO) if total else None
    _set_fund_counts(rows, level)
    ReturnCell.objects.bulk_update(rows, ["computed", "value", "override_reason"])


@transaction.atomic
def refresh_return(report: Return) -> Return:
    """The computed cells of an editable return brought up to the records before it is shown (the ledger
    or the activity records may have changed since the last save). Not audited: nothing the filer wrote
    changes, and the values are computed again (and recorded) whenever the return is saved or filed."""
    report = Return.objects.select_for_update().get(pk=report.pk)
    refresh_computed(report)
    return report


def _set_fund_counts(rows: list[ReturnCell], level: str) -> None:
    """设立专项奖励资金县级总工会数量 of a county union: 1 when its own fund (the 万元 cell it
    follows from the template's order: the typed 万元 cell of its level) is above zero."""
    funds = [row for row in rows if _source(row, level) == CellSource.TYPED and row.cell.unit == CellUnit.WAN_YUAN
             and row.cell.full_width]
    for row in rows:
        if _source(row, level) == CellSource.COUNTY_FUND_SET:
            row.computed = Decimal(1) if any((fund.value or ZERO) > 0 for fund in funds) else ZERO
            if not row.override_reason:
                row.value = row.computed


@dataclass(frozen=True)
class CellInput:
    """What a filer posted for one cell: a typed value, or for a computed cell an override with its reason
    (an empty reason keeps the computed value)."""

    value: str | Decimal | None
    reason: str = ""


def _parse(row: ReturnCell, raw, decimals: int) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise Refused(_("“%(label)s”须填写数字。") % {"label": row.cell.label}, code="not_a_number") from None
    if not value.is_finite() or value < 0:
        raise Refused(_("“%(label)s”不能为负数。") % {"label": row.cell.label}, code="negative")
    if row.cell.unit == CellUnit.COUNT and value != value.to_integral_value():
        raise Refused(_("“%(label)s”须为整数。") % {"label": row.cell.label}, code="not_integer")
    if row.cell.unit == CellUnit.WAN_YUAN and -value.as_tuple().exponent > decimals:
        raise Refused(_("“%(label)s”以万元为单位，最多%(n)s位小数。") % {"label": row.cell.label, "n": decimals},
                      code="too_many_decimals")
    if value >= Decimal(10) ** 10:
        raise Refused(_("“%(label)s”数值过大。") % {"label": row.cell.label}, code="too_large")
    return value


@transaction.atomic
def save_cells(report: Return, inputs: dict[str, CellInput], *, actor, request=None) -> Return:
    """Store the filer's typed values and overrides (by cell code); refuse, storing nothing, when a value
    is not a valid number or a check fails."""
    report = Return.objects.select_for_update().get(pk=report.pk)
    _require_filer(report, actor)
    _require_editable(report)
    level = report.filer.level
    decimals = report.period.programme.money_decimals
    rows = list(report.cells.select_related("cell"))
    changes = {}
    for row in rows:
        given = inputs.get(row.cell.code)
        source = _source(row, level)
        if given is None or derived_chemical(row, level) or source == CellSource.NONE:
            continue
        value = _parse(row, given.value, decimals)
        if typed_here(row, level):
            if value != row.value:
                changes[row.cell.code] = [str(row.value), str(value)]
            row.value = value
        elif value is not None and value != row.computed:
            reason = given.reason.strip()
            if not reason:
                raise Refused(_("修改系统计算的“%(label)s”须填写理由。") % {"label": row.cell.label},
                              code="reason_required")
            changes[row.cell.code] = [str(row.computed), str(value), reason]
            row.value, row.override_reason = value, reason
        elif row.override_reason:
            changes[row.cell.code] = [str(row.value), str(row.computed), _("恢复系统数")]
            row.value, row.override_reason = row.computed, ""
    ReturnCell.objects.bulk_update(rows, ["value", "override_reason"])
    refresh_computed(report)
    check_cells(report, own=True)
    record_audit(actor, "returns.save_cells", report, summary=_("填写统计表"), changes=changes, request=request)
    return report


def _values(rows, use_totals: bool) -> dict[str, Decimal]:
    return {row.cell.code: ((row.total if use_totals else row.value) or ZERO) for row in rows}


def check_cells(report: Return, *, own: bool) -> None:
    """The checks of 附件1: a sub-count ≤ its total; rectified ≤ found + the open backlog (own values of an
    enterprise). `own`: check the return's own values (while filling), else its totals (when filing)."""
    rows = list(report.cells.select_related("cell__sub_of"))
    values = _values(rows, use_totals=not own)
    level = report.filer.level
    for row in rows:
        total_cell = row.cell.sub_of
        if total_cell is None or not _kept(total_cell, level, own=own):
            continue  # a total kept only at a level above is checked when that level files
        if values[row.cell.code] > values.get(total_cell.code, ZERO):
            raise Refused(_("“%(sub)s”（%(a)s）不能大于“%(total)s”（%(b)s）。") % {
                "sub": row.cell.label, "a": _shown(values[row.cell.code]), "total": total_cell.label,
                "b": _shown(values.get(total_cell.code, ZERO))}, code="sub_exceeds_total")
    found = next((r for r in rows if _source(r, level) == CellSource.HAZARDS_FOUND and not r.cell.chemical), None)
    fixed = next((r for r in rows if _source(r, level) == CellSource.HAZARDS_RECTIFIED and not r.cell.chemical), None)
    if own and found is not None and fixed is not None:
        backlog = selectors.open_backlog(report.filer.node, _window(report))
        if (fixed.value or ZERO) > (found.value or ZERO) + backlog:
            raise Refused(_("整改完成隐患数（%(fixed)s）不能大于本期查出数（%(found)s）与期初未整改数（%(backlog)s）之和。")
                          % {"fixed": _shown(fixed.value or ZERO), "found": _shown(found.value or ZERO),
                             "backlog": backlog}, code="rectified_exceeds_found")


LEVEL_ORDER = (FilerLevel.ENTERPRISE, FilerLevel.COUNTY, FilerLevel.CITY)


def _kept(cell, level: str, *, own: bool) -> bool:
    """Whether `cell` has a value at `level`: its own source there (own values), or there or below (totals)."""
    levels = (level,) if own else LEVEL_ORDER[:LEVEL_ORDER.index(level) + 1]
    return any(cell.source_for(each) != CellSource.NONE for each in levels)


def _shown(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def totals(report: Return) -> dict[str, Decimal | None]:
    """cell code → the return's total: frozen once filed, else its own value plus the accepted returns
    below (None where nothing is known yet)."""
    rows = list(report.cells.select_related("cell"))
    if report.state in FILED_STATES:
        return {row.cell.code: row.total for row in rows}
    lower = [item.report for item in selectors.lower_returns(report) if item.accepted]
    result = {}
    for row in rows:
        parts = [row.value] + [cell.total for other in lower for cell in other.cells.all()
                               if cell.cell_id == row.cell_id]
        known = [part for part in parts if part is not None]
        result[row.cell.code] = sum(known, ZERO) if known else None
    return result


# --- 附件2: self-inspection ---------------------------------------------------------------------------------

def _score(criterion: ChecklistCriterion, raw) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        score = Decimal(str(raw).strip())
    except InvalidOperation:
        raise Refused(_("得分须为数字。"), code="not_a_number") from None
    allowed = criterion.allowed_scores()
    if allowed is not None and score not in allowed:
        raise Refused(_("“%(text)s”只能评%(scores)s分。") % {
            "text": criterion.text, "scores": "、".join(_shown(a) for a in allowed)}, code="not_a_grade")
    if not score.is_finite() or score < 0 or score > criterion.points or score != score.quantize(Decimal("0.1")):
        raise Refused(_("“%(text)s”的得分须在0至%(points)s分之间（最多1位小数）。") % {
            "text": criterion.text, "points": _shown(criterion.points)}, code="out_of_range")
    return score


def _sum(scores, field: str) -> Decimal | None:
    values = [getattr(s, field) for s in scores if getattr(s, field) is not None]
    return sum(values, ZERO) if values else None


@transaction.atomic
def score_self(report: Return, scores: dict[int, tuple[str | None, str]], *, actor, request=None) -> Return:
    """The enterprise union's self-scores (criterion id → (score, note)); the total is computed."""
    report = Return.objects.select_for_update().get(pk=report.pk)
    _require_filer(report, actor)
    _require_editable(report)
    report.self_total = _apply_scores(report, scores, "self_score", "note")
    report.save(update_fields=["self_total", "updated_at"])
    record_audit(actor, "returns.score_self", report, summary=_("自查打分，总得分%(t)s") % {
        "t": _shown(report.self_total or ZERO)}, request=request)
    return report


@transaction.atomic
def review_scores(report: Return, scores: dict[int, tuple[str | None, str]], *, actor, request=None) -> Return:
    """The level above's review score and comment per criterion (criterion id → (score, comment))."""
    report = Return.objects.select_for_update().get(pk=report.pk)
    above = selectors.parent_filer(report.filer)
    if above is None or not files_for(actor, above):
        raise Refused.permission_denied()
    if report.state not in FILED_STATES:
        raise Refused(_("自查表报送后才能审核评分。"), code="not_filed")
    report.review_total = _apply_scores(report, scores, "review_score", "review_comment")
    report.save(update_fields=["review_total", "updated_at"])
    record_audit(actor, "returns.review_scores", report, summary=_("审核评分，总得分%(t)s") % {
        "t": _shown(report.review_total or ZERO)}, request=request)
    return report


def _apply_scores(report: Return, scores: dict[int, tuple[str | None, str]], score_field: str,
                  text_field: str):
    """Write (score, text) per criterion id of `scores` into the return's criterion rows (the self-scores or
    the review's), each score checked against its criterion; the total of that score column."""
    rows = list(report.scores.select_related("criterion"))
    for row in rows:
        if row.criterion_id in scores:
            raw, text = scores[row.criterion_id]
            setattr(row, score_field, _score(row.criterion, raw))
            setattr(row, text_field, text.strip())
    CriterionScore.objects.bulk_update(rows, [score_field, text_field])
    return _sum(rows, score_field)


def _store_file(report: Return, upload, *, actor, criterion=None, caption: str = "") -> ReturnScan:
    """A JPEG through the ledger's photo defences (hazards.photos): nothing stored when it is refused, and
    no file left behind when the row cannot be written."""
    programme = HazardProgramme.objects.for_unit(report.filer.node, report.year)
    stored: list[str] = []
    try:
        with cleaned_hazard_upload(upload, programme) as cleaned:
            scan = ReturnScan(report=report, criterion=criterion, caption=caption[:100], sha256=cleaned.sha256,
                              size=cleaned.size, uploaded_by=actor)
            store_cleaned(scan, cleaned, stored)
            scan.save()
    except BaseException:
        delete_stored(ReturnScan, stored)
        raise
    return scan


@transaction.atomic
def add_evidence(report: Return, criterion: ChecklistCriterion, upload, *, actor, caption: str = "",
                 request=None) -> ReturnScan:
    """A photo or scan as evidence of one criterion of the 自查表."""
    report = Return.objects.select_for_update().get(pk=report.pk)
    _require_filer(report, actor)
    _require_editable(report)
    if criterion.item.template_id != report.period.programme.checklist_template_id:
        raise Refused(_("该评分内容不属于本自查表。"), code="wrong_criterion")
    scan = _store_file(report, upload, actor=actor, criterion=criterion, caption=caption)
    record_audit(actor, "returns.add_evidence", report, summary=_("上传佐证材料：%(text)s") % {
        "text": criterion.text}, request=request)
    return scan


# --- filing and review ------------------------------------------------------------------------------------

def _missing(report: Return) -> list[str]:
    level = report.filer.level
    missing = [_("请填写“%(label)s”。") % {"label": row.cell.label}
               for row in report.cells.select_related("cell")
               if typed_here(row, level) and row.value is None]
    if level == FilerLevel.ENTERPRISE:
        missing += [_("自查表第%(n)s项“%(text)s”尚未打分。") % {"n": s.criterion.item.number, "text": s.criterion.text}
                    for s in report.scores.select_related("criterion__item") if s.self_score is None]
    return missing


@transaction.atomic
def file_return(report: Return, *, actor, filed_on=None, scan=None, request=None) -> Return:
    """报送: the return is stamped with the filer's full name and the date, its totals frozen (own values
    plus the accepted returns below), locked, and the union above told."""
    report = Return.objects.select_for_update().select_related("filer__node", "period__programme").get(pk=report.pk)
    _require_filer(report, actor)
    _require_editable(report)
    refresh_computed(report)
    missing = _missing(report)
    if missing:
        raise Refused(_("报表尚未填写完整。"), code="incomplete", details=missing)
    frozen = totals(report)
    rows = list(report.cells.select_related("cell"))
    for row in rows:
        row.total = frozen[row.cell.code] if frozen[row.cell.code] is not None else ZERO
    ReturnCell.objects.bulk_update(rows, ["total"])
    check_cells(report, own=False)
    if scan is not None:
        report.scan = _store_file(report, scan, actor=actor, caption=_("盖章件扫描"))
    now = timezone.now()
    before = report.state
    report.state, report.filed_at, report.filed_by = ReturnState.SUBMITTED, now, actor
    report.filed_on = filed_on or timezone.localdate()
    report.stamp_name = report.filer.node.name
    report.reason = ""
    report.save()
    record_audit(actor, "returns.file", report, summary=_("报送"), changes={"state": [before, report.state]},
                 request=request)
    above = selectors.parent_filer(report.filer)
    if above is not None:
        _notify_staff(above, report, _("%(name)s报送了%(period)s“查保促”报表，请审核。") % {
            "name": report.filer.node.name, "period": report.period.name})
    return report


def _staff_ids(filer: Filer) -> list[int]:
    kinds = FILER_ROLES.get(filer.level, ())
    return list(User.objects.filter(is_active=True, roles__kind__in=kinds, roles__node=filer.node)
                .distinct().values_list("pk", flat=True))


def _notify_staff(filer: Filer, report: Return, message: str) -> int:
    ids = _staff_ids(filer)
    notify_users([(pk, message) for pk in ids], NotificationKind.RETURN,
                 subject=_("查保促报表：%(name)s") % {"name": report.filer.node.name},
                 target_url=reverse("returns:detail", args=[report.pk]), email=True)
    return len(ids)


def _require_reviewer(report: Return, actor) -> None:
    above = selectors.parent_filer(report.filer)
    if above is None or not files_for(actor, above):
        raise Refused.permission_denied()


@transaction.atomic
def accept_return(report: Return, *, actor, request=None) -> Return:
    """The level above accepts a filed return: its totals now count in the level above's roll-up."""
    report = Return.objects.select_for_update().get(pk=report.pk)
    _require_reviewer(report, actor)
    if report.state != ReturnState.SUBMITTED:
        raise Refused(_("只能接收已报送的报表。"), code="not_submitted")
    report.state, report.reviewed_by, report.reviewed_at = ReturnState.ACCEPTED, actor, timezone.now()
    report.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
    record_audit(actor, "returns.accept", report, summary=_("接收"),
                 changes={"state": [ReturnState.SUBMITTED, ReturnState.ACCEPTED]}, request=request)
    _notify_staff(report.filer, report, _("%(period)s“查保促”报表已被上级接收。") % {"period": report.period.name})
    return report


def _back(report: Return, *, actor, reason: str, from_state: str, action: str, request=None) -> Return:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请填写理由。"), code="reason_required")
    report = Return.objects.select_for_update().get(pk=report.pk)
    _require_reviewer(report, actor)
    if report.state != from_state:
        raise Refused(_("报表状态已变化，请刷新页面。"), code="stale")
    above = selectors.parent_filer(report.filer)
    if from_state == ReturnState.ACCEPTED and above is not None and Return.objects.filter(
            period=report.period, filer=above, state__in=FILED_STATES).exists():
        raise Refused(_("本级报表已报送并计入了该报表，须先由上级重新打开本级报表。"), code="parent_filed")
    report.state, report.reason = ReturnState.RETURNED, reason
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    ReturnCell.objects.filter(report=report).update(total=None)
    report.save(update_fields=["state", "reason", "reviewed_by", "reviewed_at", "updated_at"])
    record_audit(actor, action, report, summary=reason, changes={"state": [from_state, ReturnState.RETURNED]},
                 request=request)
    _notify_staff(report.filer, report, _("%(period)s“查保促”报表被退回：%(reason)s") % {
        "period": report.period.name, "reason": reason})
    return report


@transaction.atomic
def send_back_return(report: Return, *, actor, reason: str, request=None) -> Return:
    """The level above returns a filed return to its filer with a reason (it is editable again)."""
    return _back(report, actor=actor, reason=reason, from_state=ReturnState.SUBMITTED, action="returns.send_back",
                 request=request)


@transaction.atomic
def reopen_return(report: Return, *, actor, reason: str, request=None) -> Return:
    """The level above reopens an accepted return with a reason (refused while its own return counts it)."""
    return _back(report, actor=actor, reason=reason, from_state=ReturnState.ACCEPTED, action="returns.reopen",
                 request=request)


# --- reminders --------------------------------------------------------------------------------------------

def remind_returns(today=None) -> int:
    """Remind every filer that has not filed a period's return within the programme's reminder days before
    its deadline (once per filer and period); return how many filers were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    for period in ReturnPeriod.objects.filter(programme__year=today.year).select_related("programme"):
        deadline = period.deadline(today.year)
        if not 0 <= (deadline - today).days <= period.programme.remind_days:
            continue
        filed = Return.objects.filter(period=period, state__in=FILED_STATES).values("filer_id")
        done = ReturnReminder.objects.filter(period=period).values("filer_id")
        for filer in (period.programme.filers.exclude(pk__in=filed).exclude(pk__in=done)
                      .select_related("node")):
            reminded += _remind(period, filer, deadline)
    return reminded


@transaction.atomic
def _remind(period: ReturnPeriod, filer: Filer, deadline) -> int:
    ids = _staff_ids(filer)
    message = _("%(period)s“查保促”工作情况统计表%(checklist)s请于%(month)s月%(day)s日前报送。") % {
        "period": period.name, "checklist": _("和自查表") if filer.level == FilerLevel.ENTERPRISE else "",
        "month": deadline.month, "day": deadline.day}
    notify_users([(pk, message) for pk in ids], NotificationKind.RETURN, subject=_("查保促报表催报"),
                 target_url=reverse("returns:index"), email=True)
    _reminder, created = ReturnReminder.objects.get_or_create(period=period, filer=filer,
                                                              defaults={"recipients": len(ids)})
    record_audit(None, "returns.remind", filer, summary=message)
    return 1 if created else 0

