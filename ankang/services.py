"""State changes of the 安康杯 competition: enrolment and its confirmation, activity records with their
evidence, and score sheets (self-score, submit, return, review). Each is atomic, audited and refuses bad
input with one Chinese sentence (portal.refusals.Refused), storing nothing.

Dates are checked against the competition's own data: records only inside the window and until the
records deadline, enrolments until the enrolment deadline, self-scores and reviews until theirs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ankang import evidence, indicators
from ankang.eligibility import evaluate
from ankang.enums import (
    SHEET_EDITABLE_STATES,
    EnrolmentKind,
    EnrolmentState,
    EvidenceKind,
    RecordLevel,
    ScoreItemKind,
    SheetState,
)
from ankang.models import (
    ActivityEvidence,
    ActivityRecord,
    ActivityType,
    Competition,
    Enrolment,
    ScoreSheet,
    SheetScore,
    SheetVeto,
)
from ankang.roles import EVALUATOR_ROLES, UNIT_ROLES, evaluator_of, unit_union_of
from hazards.models import HazardProgramme
from hazards.photos import cleaned_hazard_upload, delete_stored, store_cleaned
from hazards.workplaces import check_workplace
from portal.audit.services import record_audit
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.refusals import Refused
from review.enums import NotificationKind
from review.notifications import notify_users

User = get_user_model()
MAX_EVIDENCE = 9


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _day(value: datetime.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}


def _require_unit_union(unit, actor) -> None:
    if not unit_union_of(actor, unit):
        raise Refused.permission_denied()


def _require_evaluator(unit, actor):
    node = evaluator_of(actor, unit)
    if node is None:
        raise Refused.permission_denied()
    return node


def _notify(user_ids, message: str, *, subject: str, url: str) -> None:
    ids = sorted({pk for pk in user_ids if pk})
    if ids:
        notify_users([(pk, message) for pk in ids], NotificationKind.ANKANG, subject=subject, target_url=url)


def _unit_staff(unit) -> list[int]:
    return list(User.objects.filter(is_active=True, roles__kind__in=UNIT_ROLES, roles__node=unit)
                .distinct().values_list("pk", flat=True))


def _evaluator_staff(unit) -> list[int]:
    """The county (or city) union staff nearest above `unit`."""
    ancestors = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    staff = list(User.objects.filter(is_active=True, roles__kind__in=EVALUATOR_ROLES, roles__node_id__in=ancestors)
                 .values_list("pk", "roles__node__depth"))
    if not staff:
        return []
    nearest = max(depth for _pk, depth in staff)
    return [pk for pk, depth in staff if depth == nearest]


# --- enrolment -------------------------------------------------------------------------------------------

@transaction.atomic
def enrol(competition: Competition, unit, *, actor, kind: str = EnrolmentKind.UNIT, team=None,
          members: int | None = None, contact: str = "", today=None, request=None) -> Enrolment:
    """报名: the unit union enrols its unit or one of its 班组 (a 班组 node of the directory under the unit;
    its 车间 comes with it); the county union then confirms it."""
    _require_unit_union(unit, actor)
    today = _today(today)
    if unit.kind != NodeKind.UNIT or not unit.path.startswith(competition.place.path):
        raise Refused(_("本单位不在该竞赛的组织范围内。"), code="outside")
    if today > competition.enrol_closes_on:
        raise Refused(_("报名已于%(d)s截止。") % {"d": _day(competition.enrol_closes_on)}, code="enrol_closed")
    if kind not in EnrolmentKind.values:
        raise Refused(_("请选择参赛类别。"), code="bad_kind")
    if kind == EnrolmentKind.TEAM and team is None:
        raise Refused(_("班组参赛请选择本单位的班组。"), code="team_missing")
    workshop = None
    if kind == EnrolmentKind.TEAM:
        workshop, team = check_workplace(unit, team=team)
    else:
        team = None
    enrolment = (Enrolment.objects.select_for_update()
                 .filter(competition=competition, unit=unit, kind=kind, team=team).order_by("pk").first())
    if enrolment is not None and enrolment.state in (EnrolmentState.PROPOSED, EnrolmentState.CONFIRMED):
        raise Refused(_("已经报名，无需重复报名。"), code="duplicate")
    enrolment = enrolment or Enrolment(competition=competition, unit=unit, kind=kind, team=team)
    enrolment.workshop, enrolment.members, enrolment.contact = workshop, members, contact.strip()[:40]
    enrolment.state, enrolment.proposed_by, enrolment.proposed_at = EnrolmentState.PROPOSED, actor, timezone.now()
    enrolment.decided_by, enrolment.decided_at, enrolment.reason = None, None, ""
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise Refused(_("已经报名，无需重复报名。"), code="duplicate") from None
    record_audit(actor, "ankang.enrol", enrolment, summary=_("报名参赛：%(l)s") % {"l": enrolment.label},
                 request=request)
    _notify(_evaluator_staff(unit), _("%(l)s报名参加“安康杯”竞赛，请确认。") % {"l": enrolment.label},
            subject=competition.name, url=reverse("ankang:enrolments", args=[competition.pk]))
    return enrolment


@transaction.atomic
def decide_enrolment(enrolment: Enrolment, *, actor, confirm: bool, reason: str = "", request=None) -> Enrolment:
    """确认 or 不予确认 by the county union above the unit (the city for a unit directly under it)."""
    enrolment = Enrolment.objects.select_for_update().select_related("unit", "competition").get(pk=enrolment.pk)
    _require_evaluator(enrolment.unit, actor)
    if enrolment.state != EnrolmentState.PROPOSED:
        raise Refused(_("该报名已处理。"), code="decided")
    reason = reason.strip()
    if not confirm and not reason:
        raise Refused(_("不予确认时请填写原因。"), code="reason_missing")
    enrolment.state = EnrolmentState.CONFIRMED if confirm else EnrolmentState.DECLINED
    enrolment.decided_by, enrolment.decided_at, enrolment.reason = actor, timezone.now(), reason[:200]
    enrolment.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    record_audit(actor, "ankang.decide_enrolment", enrolment, summary=enrolment.get_state_display(),
                 changes={"state": enrolment.state, "reason": reason}, request=request)
    message = (_("%(l)s的参赛报名已确认。") if confirm else _("%(l)s的参赛报名未获确认：%(r)s")) % {
        "l": enrolment.label, "r": reason}
    _notify(_unit_staff(enrolment.unit), message, subject=enrolment.competition.name,
            url=reverse("ankang:competition", args=[enrolment.competition_id]))
    return enrolment


# --- activity records ------------------------------------------------------------------------------------

@dataclass
class RecordInput:
    activity_type: ActivityType
    held_on: datetime.date
    place: str
    participants: int
    description: str
    level: str = RecordLevel.UNIT
    workshop: OrgNode | None = None
    team: OrgNode | None = None
    participant_names: str = ""


def _check_record(competition: Competition, enrolment: Enrolment, data: RecordInput, today) -> None:
    if enrolment.competition_id != competition.pk or enrolment.state != EnrolmentState.CONFIRMED:
        raise Refused(_("该单位（班组）未报名参赛或报名尚未经县级工会确认，不能登记活动。"), code="not_enrolled")
    if today > competition.records_close_on:
        raise Refused(_("活动记录已于%(d)s截止，不能再登记或修改。") % {"d": _day(competition.records_close_on)},
                      code="records_closed")
    if data.activity_type.template_id != competition.calendar_id:
        raise Refused(_("该活动类型不属于本竞赛的活动安排。"), code="wrong_type")
    if not competition.in_window(data.held_on):
        raise Refused(_("开展日期不在竞赛期内（%(a)s至%(b)s）。") % {
            "a": _day(competition.starts_on), "b": _day(competition.ends_on)}, code="outside_window")
    if data.held_on > today:
        raise Refused(_("开展日期不能晚于今天。"), code="future")
    if data.participants is None or data.participants < 1:
        raise Refused(_("参加人数至少为1人。"), code="participants")
    if not data.place.strip() or not data.description.strip():
        raise Refused(_("请填写活动地点和活动情况。"), code="incomplete")
    if data.level not in RecordLevel.values:
        raise Refused(_("请选择开展范围。"), code="bad_level")
    if data.level == RecordLevel.TEAM and not (data.team or enrolment.team):
        raise Refused(_("班组开展的活动请选择班组。"), code="team_missing")
    if data.level == RecordLevel.WORKSHOP and not data.workshop:
        raise Refused(_("车间开展的活动请选择车间。"), code="workshop_missing")


def _record_place(enrolment: Enrolment, data: RecordInput) -> tuple[str, OrgNode | None, OrgNode | None]:
    """(level, 车间, 班组) of a record: a 班组's enrolment records for its 班组; a unit's records for the unit,
    one of its 车间 or one of its 班组 (nodes under the unit, checked by the ledger's check_workplace)."""
    if enrolment.kind == EnrolmentKind.TEAM:
        return RecordLevel.TEAM, enrolment.workshop, enrolment.team
    if data.level == RecordLevel.UNIT:
        return RecordLevel.UNIT, None, None
    if data.level == RecordLevel.WORKSHOP:
        workshop, _team = check_workplace(enrolment.unit, workshop=data.workshop)
        return RecordLevel.WORKSHOP, workshop, None
    workshop, team = check_workplace(enrolment.unit, team=data.team)
    return RecordLevel.TEAM, workshop, team


def _store_evidence(record: ActivityRecord, upload, *, actor, caption: str = "") -> ActivityEvidence:
    """A JPEG or PNG photo through the ledger's photo defences (hazards.photos; a PNG re-encoded first), or a
    PDF rewritten by ankang.evidence: nothing stored when it is refused, and no file left behind when the row
    cannot be written."""
    programme = HazardProgramme.objects.for_unit(record.unit, record.competition.year)
    found = evidence.evidence_format(upload)
    stored: list[str] = []
    try:
        if found == "PDF":
            row = _store_pdf(record, evidence.cleaned_pdf(upload, programme), stored, actor=actor, caption=caption)
        else:
            if found == "PNG":
                upload = evidence.png_as_jpeg(upload, programme)
            with cleaned_hazard_upload(upload, programme) as cleaned:
                row = ActivityEvidence(record=record, caption=caption[:100], sha256=cleaned.sha256,
                                       size=cleaned.size, uploaded_by=actor)
                store_cleaned(row, cleaned, stored)
                row.save()
    except BaseException:
        delete_stored(ActivityEvidence, stored)
        raise
    return row


def _store_pdf(record, document, stored: list[str], *, actor, caption: str) -> ActivityEvidence:
    row = ActivityEvidence(record=record, kind=EvidenceKind.PDF, caption=caption[:100], sha256=document.sha256,
                           size=document.size, uploaded_by=actor)
    field = ActivityEvidence._meta.get_field("original")
    target = field.storage.get_available_name(field.generate_filename(row, "original.pdf"), max_length=200)
    stored.append(target)
    stored[-1] = field.storage.save(target, ContentFile(document.content), max_length=200)
    row.original.name = stored[-1]
    row.save()
    return row


def _store_all(record: ActivityRecord, uploads, *, actor) -> list[str]:
    """Every upload or none: a refused photo removes the files already written in this request."""
    stored_rows: list[ActivityEvidence] = []
    try:
        for upload in uploads:
            stored_rows.append(_store_evidence(record, upload, actor=actor))
    except BaseException:
        delete_stored(ActivityEvidence, [name for row in stored_rows
                                         for name in (row.original.name, row.preview.name) if name])
        raise
    return [row.pk for row in stored_rows]


@transaction.atomic
def record_activity(competition: Competition, enrolment: Enrolment, data: RecordInput, *, actor, photos=(),
                    today=None, request=None) -> ActivityRecord:
    """登记活动: one activity of the calendar run by the unit, a 车间 or a 班组, with its evidence photos."""
    enrolment = Enrolment.objects.select_related("unit").get(pk=enrolment.pk)
    _require_unit_union(enrolment.unit, actor)
    _check_record(competition, enrolment, data, _today(today))
    photos = list(photos)
    if len(photos) > MAX_EVIDENCE:
        raise Refused(_("每条活动记录最多上传%(n)s张照片。") % {"n": MAX_EVIDENCE}, code="too_many")
    level, workshop, team = _record_place(enrolment, data)
    record = ActivityRecord.objects.create(
        competition=competition, activity_type=data.activity_type, unit=enrolment.unit, enrolment=enrolment,
        level=level, workshop=workshop, team=team, held_on=data.held_on, place=data.place.strip()[:200], participants=data.participants,
        participant_names=data.participant_names.strip(), description=data.description.strip(), created_by=actor)
    _store_all(record, photos, actor=actor)
    record_audit(actor, "ankang.record_activity", record, summary=_("登记活动：%(t)s，%(d)s") % {
        "t": data.activity_type.name, "d": data.held_on}, request=request)
    return record


@transaction.atomic
def add_evidence(record: ActivityRecord, photos, *, actor, today=None, request=None) -> list[int]:
    record = ActivityRecord.objects.select_for_update().select_related("competition", "unit").get(pk=record.pk)
    _require_unit_union(record.unit, actor)
    if _today(today) > record.competition.records_close_on:
        raise Refused(_("活动记录已于%(d)s截止，不能再登记或修改。") % {
            "d": _day(record.competition.records_close_on)}, code="records_closed")
    photos = list(photos)
    if not photos:
        raise Refused(_("请选择要上传的照片。"), code="no_photo")
    if record.evidence.count() + len(photos) > MAX_EVIDENCE:
        raise Refused(_("每条活动记录最多上传%(n)s张照片。") % {"n": MAX_EVIDENCE}, code="too_many")
    ids = _store_all(record, photos, actor=actor)
    record_audit(actor, "ankang.add_evidence", record, summary=_("上传佐证照片%(n)s张") % {"n": len(ids)},
                 request=request)
    return ids


@transaction.atomic
def delete_record(record: ActivityRecord, *, actor, today=None, request=None) -> None:
    """删除 a record (before the records deadline); its files are removed once the deletion commits."""
    record = ActivityRecord.objects.select_for_update().select_related("competition", "unit").get(pk=record.pk)
    _require_unit_union(record.unit, actor)
    if _today(today) > record.competition.records_close_on:
        raise Refused(_("活动记录已于%(d)s截止，不能再登记或修改。") % {
            "d": _day(record.competition.records_close_on)}, code="records_closed")
    names = [name for row in record.evidence.all() for name in (row.original.name, row.preview.name) if name]
    record_audit(actor, "ankang.delete_record", record, summary=str(record), request=request)
    record.delete()
    transaction.on_commit(lambda: delete_stored(ActivityEvidence, names))


# --- score sheets ----------------------------------------------------------------------------------------

@transaction.atomic
def start_sheet(competition: Competition, enrolment: Enrolment, *, actor, request=None) -> ScoreSheet:
    """The unit's 考核评分表, one row per item and veto of the competition's template version."""
    enrolment = Enrolment.objects.select_related("unit").get(pk=enrolment.pk)
    _require_unit_union(enrolment.unit, actor)
    if (enrolment.competition_id != competition.pk or enrolment.kind != EnrolmentKind.UNIT
            or enrolment.state != EnrolmentState.CONFIRMED):
        raise Refused(_("本单位未报名参赛或报名尚未经县级工会确认，不能填写评分表。"), code="not_enrolled")
    existing = ScoreSheet.objects.filter(competition=competition, unit=enrolment.unit).first()
    if existing is not None:
        return existing
    template = competition.score_template
    sheet = ScoreSheet.objects.create(competition=competition, enrolment=enrolment, unit=enrolment.unit,
                                      template=template)
    SheetScore.objects.bulk_create([SheetScore(sheet=sheet, item=item) for item in template.items.all()])
    SheetVeto.objects.bulk_create([SheetVeto(sheet=sheet, veto=veto) for veto in template.vetoes.all()])
    record_audit(actor, "ankang.start_sheet", sheet, summary=_("开始自评"), request=request)
    return sheet


def parse_score(item, raw) -> Decimal | None:
    """A score between 0 and the item's points, one decimal; blank is None; anything else is refused."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > item.max_points \
            or value != value.quantize(Decimal("0.1")):
        raise Refused(_("“%(t)s”的得分须为0至%(m)s之间的数（最多一位小数）。") % {"t": item.text, "m": item.max_points},
                      code="bad_score")
    return value


def _rows(sheet: ScoreSheet):
    return list(sheet.scores.select_related("item__section").order_by("item__kind", "item__number"))


def _marks(sheet: ScoreSheet):
    return list(sheet.veto_marks.select_related("veto").order_by("veto__number"))


def _apply_outcome(sheet: ScoreSheet, rows, marks, *, review: bool) -> None:
    outcome = evaluate(rows, marks, list(sheet.template.conditions.all()), review=review)
    if review:
        sheet.review_total = outcome.total
    else:
        sheet.self_total = outcome.total
    sheet.vetoed, sheet.eligible, sheet.reasons = outcome.vetoed, outcome.eligible, outcome.reasons


def _check_deadline(day: datetime.date, closes_on: datetime.date, what: str) -> None:
    if day > closes_on:
        raise Refused(_("%(w)s已于%(d)s截止。") % {"w": what, "d": _day(closes_on)}, code="closed")


@transaction.atomic
def score_self(sheet: ScoreSheet, scores: dict[int, tuple[str | None, str]], vetoes: dict[int, bool], *, actor,
               today=None, request=None) -> ScoreSheet:
    """自评: the unit's score and note per item (item id → (score, note)) and the vetoes it declares."""
    sheet = ScoreSheet.objects.select_for_update().select_related("competition", "unit", "template").get(pk=sheet.pk)
    _require_unit_union(sheet.unit, actor)
    if sheet.state not in SHEET_EDITABLE_STATES:
        raise Refused(_("评分表已提交，不能再修改自评。"), code="locked")
    _check_deadline(_today(today), sheet.competition.self_score_closes_on, _("自评"))
    rows, marks = _rows(sheet), _marks(sheet)
    for row in rows:
        if row.item_id in scores:
            raw, note = scores[row.item_id]
            row.self_score, row.self_note = parse_score(row.item, raw), (note or "").strip()[:300]
    for mark in marks:
        if mark.veto_id in vetoes:
            mark.self_declared = bool(vetoes[mark.veto_id])
    SheetScore.objects.bulk_update(rows, ["self_score", "self_note"])
    SheetVeto.objects.bulk_update(marks, ["self_declared"])
    _apply_outcome(sheet, rows, marks, review=False)
    sheet.save()
    record_audit(actor, "ankang.score_self", sheet, summary=_("自评总分%(t)s") % {"t": sheet.self_total},
                 request=request)
    return sheet


@transaction.atomic
def submit_sheet(sheet: ScoreSheet, *, actor, today=None, request=None) -> ScoreSheet:
    """提交自评: every scored item needs a self-score; the indicators are kept as they stood."""
    sheet = ScoreSheet.objects.select_for_update().select_related("competition", "unit", "template").get(pk=sheet.pk)
    _require_unit_union(sheet.unit, actor)
    if sheet.state not in SHEET_EDITABLE_STATES:
        raise Refused(_("评分表已提交。"), code="locked")
    today = _today(today)
    _check_deadline(today, sheet.competition.self_score_closes_on, _("自评"))
    rows = _rows(sheet)
    missing = [_("“%(t)s”尚未自评打分。") % {"t": row.item.text} for row in rows
               if row.item.kind == ScoreItemKind.SCORED and row.self_score is None]
    if missing:
        raise Refused(_("评分表尚未填写完整。"), code="incomplete", details=missing)
    figures = indicators.figures_for(sheet.unit, sheet.competition, [row.item.indicator for row in rows], today)
    sheet.indicators = {code: {"value": None if f.value is None else str(f.value), "text": f.text}
                        for code, f in figures.items()}
    sheet.state, sheet.submitted_by, sheet.submitted_at, sheet.return_reason = (
        SheetState.SUBMITTED, actor, timezone.now(), "")
    sheet.save()
    record_audit(actor, "ankang.submit_sheet", sheet, summary=_("提交自评，总分%(t)s") % {"t": sheet.self_total},
                 request=request)
    _notify(_evaluator_staff(sheet.unit), _("%(u)s提交了“安康杯”竞赛考核评分表，请评审。") % {"u": sheet.unit.name},
            subject=sheet.competition.name, url=reverse("ankang:sheet", args=[sheet.pk]))
    return sheet


@transaction.atomic
def return_sheet(sheet: ScoreSheet, *, actor, reason: str, request=None) -> ScoreSheet:
    """退回 a submitted sheet to the unit with the reason (before review)."""
    sheet = ScoreSheet.objects.select_for_update().select_related("competition", "unit").get(pk=sheet.pk)
    _require_evaluator(sheet.unit, actor)
    if sheet.state != SheetState.SUBMITTED:
        raise Refused(_("只有已提交、尚未评审的评分表可以退回。"), code="not_submitted")
    if not reason.strip():
        raise Refused(_("请填写退回理由。"), code="reason_missing")
    sheet.state, sheet.return_reason = SheetState.RETURNED, reason.strip()
    sheet.save(update_fields=["state", "return_reason", "updated_at"])
    record_audit(actor, "ankang.return_sheet", sheet, summary=_("退回：%(r)s") % {"r": sheet.return_reason},
                 request=request)
    _notify(_unit_staff(sheet.unit), _("“安康杯”竞赛考核评分表被退回：%(r)s") % {"r": sheet.return_reason},
            subject=sheet.competition.name, url=reverse("ankang:sheet", args=[sheet.pk]))
    return sheet


@transaction.atomic
def review_sheet(sheet: ScoreSheet, scores: dict[int, tuple[str | None, str]], vetoes: dict[int, bool | None], *,
                 actor, comment: str = "", today=None, request=None) -> ScoreSheet:
    """评审: the county or city evaluator's score and comment per item, the vetoes found, an overall comment;
    the sheet's review total, veto and eligibility (with the reasons) follow. A reviewed sheet may be
    reviewed again until the review deadline."""
    sheet = ScoreSheet.objects.select_for_update().select_related("competition", "unit", "template").get(pk=sheet.pk)
    node = _require_evaluator(sheet.unit, actor)
    if sheet.state not in (SheetState.SUBMITTED, SheetState.REVIEWED):
        raise Refused(_("单位提交自评后才能评审。"), code="not_submitted")
    _check_deadline(_today(today), sheet.competition.review_closes_on, _("评审"))
    rows, marks = _rows(sheet), _marks(sheet)
    for row in rows:
        if row.item_id in scores:
            raw, note = scores[row.item_id]
            row.review_score, row.review_comment = parse_score(row.item, raw), (note or "").strip()[:300]
    missing = [_("“%(t)s”尚未评审打分。") % {"t": row.item.text} for row in rows
               if row.item.kind == ScoreItemKind.SCORED and row.review_score is None]
    if missing:
        raise Refused(_("评审打分尚未完成。"), code="incomplete", details=missing)
    for mark in marks:
        if mark.veto_id in vetoes:
            mark.review_found = bool(vetoes[mark.veto_id])
        elif mark.review_found is None:
            mark.review_found = mark.self_declared
    SheetScore.objects.bulk_update(rows, ["review_score", "review_comment"])
    SheetVeto.objects.bulk_update(marks, ["review_found"])
    _apply_outcome(sheet, rows, marks, review=True)
    sheet.state, sheet.reviewed_by, sheet.reviewer_node, sheet.reviewed_at = (
        SheetState.REVIEWED, actor, node, timezone.now())
    sheet.review_comment = comment.strip()
    sheet.save()
    record_audit(actor, "ankang.review_sheet", sheet, summary=_("评审总分%(t)s") % {"t": sheet.review_total},
                 changes={"eligible": sheet.eligible, "reasons": sheet.reasons}, request=request)
    _notify(_unit_staff(sheet.unit), _("“安康杯”竞赛考核评分表已评审，总分%(t)s。") % {"t": sheet.review_total},
            subject=sheet.competition.name, url=reverse("ankang:sheet", args=[sheet.pk]))
    return sheet
