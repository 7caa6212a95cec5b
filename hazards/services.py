"""Every state change of the hazard ledger.

Each service runs in one transaction, locks and re-reads the hazard row, checks the actor's permission
(the same `rules` the views ask) and the state, writes the change, a `HazardEvent` (the timeline) and an
audit record. Refusals raise `portal.refusals.Refused` with a Chinese message and change nothing.

States: 已登记 → 已受理 (or 不予受理, which the union inspector may reopen) → 整改中 (重大: an approved
治理方案 first) → 待验收 → 已验收 (or 退回整改) → 工会确认 (where the programme asks for it) → 已销号
(重大: after the regulator's 核销) → 已复查, or reopened after the follow-up date.
"""

import datetime
import hashlib
import io
import logging
from collections.abc import Sequence
from contextlib import ExitStack, contextmanager
from decimal import Decimal

import rules
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from hazards import notices
from hazards.enums import (
    DEADLINE_STATES,
    OPEN_STATES,
    WORK_STATES,
    EventAction,
    HazardCategory,
    HazardLevel,
    HazardPhotoKind,
    HazardSource,
    HazardState,
    StoppageKind,
)
from hazards.models import (
    LEC_FIELDS,
    ExtensionRequest,
    Hazard,
    HazardCounter,
    HazardEvent,
    HazardPhoto,
    HazardPlan,
    HazardProgramme,
    MajorHazardCriterion,
    StoppageProposal,
    UpwardReport,
)
from hazards.photos import cleaned_hazard_upload, delete_stored, store_cleaned
from hazards.roles import AREA_UNION, TRIAGE, UNIT_UNION, manages_unit, report_units
from hazards.workplaces import check_workplace
from portal.accounts.rules import holds_role_at
from portal.audit.services import record_audit
from portal.refusals import Refused
from scoring.formula import InvalidOption, get_scale
from submissions.enums import PhotoKind

logger = logging.getLogger(__name__)


# --- reporting -------------------------------------------------------------------------------------------


def report_hazard(*, actor, unit, category: str, description: str, location: str, photos=(), workshop=None,
                  team=None, finder_named: bool = False, source: str = HazardSource.WORKER_REPORT,
                  found_at: datetime.datetime | None = None, request=None) -> Hazard:
    """Register a hazard a worker (or anyone of the unit) found at their own unit, with its 1–9 photos.

    Every photo is validated and cleaned before anything is written; a refused photo leaves nothing.
    """
    if not rules.has_perm("hazards.report_hazard", actor) or unit not in report_units(actor):
        raise Refused.permission_denied(_("只能上报本单位的隐患。"))
    if category not in HazardCategory.values:
        raise Refused(_("请选择隐患类别。"), code="bad_category")
    if not (description or "").strip():
        raise Refused(_("请填写隐患内容。"), code="no_description")
    if not (location or "").strip():
        raise Refused(_("请填写隐患地点。"), code="no_location")
    workshop, team = check_workplace(unit, workshop, team)
    programme = programme_for(unit)
    photos = list(photos)
    if not programme.before_photos_min <= len(photos) <= programme.before_photos_max:
        raise Refused(_("隐患照片须为%(min)d至%(max)d幅，现有%(count)d幅。") % {
            "min": programme.before_photos_min, "max": programme.before_photos_max, "count": len(photos)},
            code="photo_count")
    stored: list[str] = []
    with _storage_errors_refused(), ExitStack() as stack:
        cleaned = [stack.enter_context(cleaned_hazard_upload(upload, programme)) for upload in photos]
        if len({photo.sha256 for photo in cleaned}) != len(cleaned):
            raise Refused(_("同一张照片上传了两次，请检查。"), code="repeat")
        try:
            with transaction.atomic():
                hazard = Hazard.objects.create(
                    code=_next_code(), programme=programme, source=source, unit=unit,
                    workshop=workshop, team=team, location=location.strip(), category=category,
                    description=description.strip(), found_at=found_at or timezone.now(), finder=actor,
                    finder_named=finder_named, state=HazardState.REGISTERED)
                for position, photo in enumerate(cleaned, start=1):
                    _store_photo(hazard, HazardPhotoKind.BEFORE, position, photo, actor, stored)
                _record(hazard, actor=actor, action=EventAction.REPORT, from_state="", request=request,
                        note=hazard.description, changes={"photos": [p.sha256 for p in cleaned]})
        except BaseException:
            delete_stored(HazardPhoto, stored)
            raise
    return hazard


@transaction.atomic
def register_tip_hazard(*, actor, unit, category: str, description: str, location: str, deadline: datetime.date,
                        found_at: datetime.datetime | None = None, photos: Sequence[bytes] = (),
                        request=None) -> Hazard:
    """A verified tip (tips/services.py) enters the ledger: source 举报, with the 整改期限 the handler set
    and no finder, so the reporter's identity never reaches the ledger. The tips app checked its handler's
    permission; the unit's triage still accepts and assigns it as any other hazard.

    `photos` are the tip's photos as metadata-free JPEG bytes (the tip's previews: no EXIF, so no camera,
    place or owner that could point at the reporter); each is COPIED into a before photo of the hazard, as
    both its original and its preview, so that the ledger never refers back to the tip (hazards sits below
    tips) and nothing of the tip's originals reaches the unit. Nothing is left stored on a refusal."""
    if category not in HazardCategory.values:
        raise Refused(_("请选择隐患类别。"), code="bad_category")
    description = _required_text(description, _("请填写隐患内容。"))
    location = _required_text(location, _("请填写隐患地点。"))
    _require_future(deadline)
    stored: list[str] = []
    try:
        with _storage_errors_refused(), transaction.atomic():
            hazard = Hazard.objects.create(
                code=_next_code(), programme=programme_for(unit), source=HazardSource.TIP, unit=unit,
                location=location, category=category, description=description, found_at=found_at or timezone.now(),
                finder=None, deadline=deadline, state=HazardState.REGISTERED)
            for position, data in enumerate(photos, start=1):
                _copy_tip_photo(hazard, position, data, stored)
            _record(hazard, actor=actor, action=EventAction.REPORT, from_state="", request=request,
                    note=_("举报核查属实，限期整改至%(deadline)s") % {"deadline": deadline},
                    changes={"source": HazardSource.TIP, "deadline": str(deadline), "photos": len(stored) // 2})
    except BaseException:
        delete_stored(HazardPhoto, stored)
        raise
    return hazard


def _copy_tip_photo(hazard: Hazard, position: int, data: bytes, stored: list[str]) -> HazardPhoto:
    """A before photo holding a copy of `data` (already metadata-free) as original and preview."""
    photo = HazardPhoto(hazard=hazard, kind=HazardPhotoKind.BEFORE, position=position,
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    with Image.open(io.BytesIO(data)) as image:
        photo.width, photo.height = image.size
    storage = HazardPhoto._meta.get_field("original").storage
    for name in ("original", "preview"):
        field = HazardPhoto._meta.get_field(name)
        target = storage.get_available_name(field.generate_filename(photo, f"{name}.jpg"), max_length=200)
        stored.append(target)
        stored[-1] = storage.save(target, ContentFile(data), max_length=200)
        getattr(photo, name).name = stored[-1]
    photo.save()
    return photo


def add_hazard_photo(hazard: Hazard, kind: str, upload, *, actor, request=None) -> HazardPhoto:
    """Add a before photo (the finder or triage, until work starts) or an after photo (the rectifier,
    while the rectification is under way), within the programme's caps. Nothing is stored on refusal."""
    if kind not in HazardPhotoKind.values:
        raise Refused(_("照片类别无效。"), code="bad_kind")
    stored: list[str] = []
    with _storage_errors_refused(), cleaned_hazard_upload(upload, hazard.programme) as cleaned:
        try:
            with transaction.atomic():
                locked = _lock(hazard)
                programme = locked.programme
                if kind == HazardPhotoKind.AFTER:
                    _require(actor, "hazards.add_after_photo", locked)
                    _require_state(locked, WORK_STATES, _("上传整改后照片"))
                    cap = programme.after_photos_max
                else:
                    _require(actor, "hazards.add_before_photo", locked)
                    _require_state(locked, (HazardState.REGISTERED, HazardState.ACCEPTED), _("补充隐患照片"))
                    cap = programme.before_photos_max
                group = list(locked.photos.filter(kind=kind))
                if len(group) >= cap:
                    raise Refused(_("%(kind)s不超过%(max)d幅。") % {
                        "kind": HazardPhotoKind(kind).label, "max": cap}, code="group_full")
                if any(photo.sha256 == cleaned.sha256 for photo in group):
                    raise Refused(_("这张照片已经上传过，请勿重复上传。"), code="repeat")
                position = max((photo.position for photo in group), default=0) + 1
                photo = _store_photo(locked, kind, position, cleaned, actor, stored)
                _record(locked, actor=actor, action=EventAction.PHOTO, from_state=locked.state, request=request,
                        note=f"{photo.get_kind_display()}{position}", changes={"sha256": cleaned.sha256})
        except BaseException:
            delete_stored(HazardPhoto, stored)
            raise
    return photo


@transaction.atomic
def set_finder_named(hazard: Hazard, *, actor, named: bool, request=None) -> Hazard:
    """The finder chooses whether unit management sees their name (union staff always do)."""
    locked = _lock(hazard)
    _require(actor, "hazards.set_finder_named", locked)
    if locked.finder_named == bool(named):
        return locked
    locked.finder_named = bool(named)
    locked.save(update_fields=["finder_named", "updated_at"])
    _record(locked, actor=actor, action=EventAction.FINDER_NAMED, from_state=locked.state, request=request,
            note=_("上报人向单位公开姓名") if named else _("上报人不向单位公开姓名"), changes={"finder_named": bool(named)})
    return locked


# --- triage ----------------------------------------------------------------------------------------------


@transaction.atomic
def accept_hazard(hazard: Hazard, *, actor, level: str, responsible, deadline: datetime.date,
                  criterion: MajorHazardCriterion | None = None, interim_measures: str = "",
                  lec: tuple | None = None, request=None) -> Hazard:
    """受理: set the level (重大 names a criterion), the responsible person of the unit and a deadline
    that is not in the past; optionally grade it with L, E, C (the notice's scales)."""
    locked = _lock(hazard)
    _require(actor, "hazards.accept_hazard", locked)
    _require_state(locked, (HazardState.REGISTERED,), _("受理"))
    if level not in HazardLevel.values:
        raise Refused(_("请选择隐患级别。"), code="bad_level")
    if level == HazardLevel.MAJOR and (criterion is None or not criterion.is_active):
        raise Refused(_("重大事故隐患须注明判定依据（判定标准条款）。"), code="no_criterion")
    if responsible is None or not manages_unit(responsible, locked.unit):
        raise Refused(_("整改责任人须是本单位的班组长、车间负责人、安全管理员或主要负责人。"), code="bad_responsible")
    _require_future(deadline)
    values = _lec_values(lec)
    previous = locked.state
    locked.level = level
    locked.criterion = criterion if level == HazardLevel.MAJOR else None
    for name, value in zip(LEC_FIELDS, values, strict=True):
        setattr(locked, name, value)
    locked.interim_measures = (interim_measures or "").strip()
    locked.responsible = responsible
    locked.deadline = deadline
    locked.assigned_by = actor
    locked.accepted_at = timezone.now()
    locked.state = HazardState.ACCEPTED
    locked.save()
    _record(locked, actor=actor, action=EventAction.ACCEPT, from_state=previous, request=request,
            note=_("%(level)s；整改责任人：%(who)s；整改期限：%(deadline)s") % {
                "level": locked.get_level_display(), "who": responsible.get_full_name(), "deadline": deadline},
            changes={"level": level, "responsible": responsible.pk, "deadline": str(deadline),
                     "criterion": criterion.pk if criterion and level == HazardLevel.MAJOR else None})
    notices.notify_assigned(locked, actor=actor)
    if locked.is_major:
        _report_major_automatically(locked, request=request)
    return locked


@transaction.atomic
def decline_hazard(hazard: Hazard, *, actor, reason: str, request=None) -> Hazard:
    """不予受理, with a reason the finder sees."""
    locked = _lock(hazard)
    _require(actor, "hazards.decline_hazard", locked)
    _require_state(locked, (HazardState.REGISTERED,), _("不予受理"))
    reason = _required_text(reason, _("请填写不予受理的理由。"))
    return _move(locked, HazardState.DECLINED, actor=actor, action=EventAction.DECLINE, note=reason,
                 request=request, decline_reason=reason)


@transaction.atomic
def reopen_declined_hazard(hazard: Hazard, *, actor, note: str, request=None) -> Hazard:
    """The union inspector sends a declined hazard back to be registered again."""
    locked = _lock(hazard)
    _require(actor, "hazards.reopen_declined", locked)
    _require_state(locked, (HazardState.DECLINED,), _("重新受理"))
    note = _required_text(note, _("请填写要求重新受理的理由。"))
    return _move(locked, HazardState.REGISTERED, actor=actor, action=EventAction.REOPEN_DECLINED, note=note,
                 request=request)


# --- 重大: the 治理方案 ------------------------------------------------------------------------------------


@transaction.atomic
def submit_plan(hazard: Hazard, *, actor, request=None, **parts) -> HazardPlan:
    """Write (or rewrite, dropping an earlier approval) the six parts of a 重大 hazard's 治理方案."""
    locked = _lock(hazard)
    _require(actor, "hazards.submit_plan", locked)
    _require_major(locked)
    _require_state(locked, (HazardState.ACCEPTED,), _("提交治理方案"))
    values = {name: (parts.get(name) or "").strip() for name in HazardPlan.PARTS}
    missing = [str(HazardPlan._meta.get_field(name).verbose_name) for name, value in values.items() if not value]
    if missing:
        raise Refused(_("治理方案须包括：%(parts)s。") % {"parts": "、".join(missing)}, code="plan_incomplete",
                      details=missing)
    plan, _created = HazardPlan.objects.update_or_create(
        hazard=locked, defaults={**values, "submitted_by": actor, "submitted_at": timezone.now(),
                                 "approved_by": None, "approved_at": None})
    _record(locked, actor=actor, action=EventAction.PLAN_SUBMIT, from_state=locked.state, request=request,
            changes={"plan": plan.pk})
    return plan


@transaction.atomic
def approve_plan(hazard: Hazard, *, actor, request=None) -> HazardPlan:
    """The 主要负责人 approves the 治理方案; only then may the rectification start."""
    locked = _lock(hazard)
    _require(actor, "hazards.approve_plan", locked)
    _require_major(locked)
    _require_state(locked, (HazardState.ACCEPTED,), _("批准治理方案"))
    plan = HazardPlan.objects.select_for_update().filter(hazard=locked).first()
    if plan is None:
        raise Refused(_("尚未提交治理方案。"), code="no_plan")
    if plan.is_approved:
        raise Refused(_("治理方案已经批准。"), code="plan_approved")
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save(update_fields=["approved_by", "approved_at"])
    _record(locked, actor=actor, action=EventAction.PLAN_APPROVE, from_state=locked.state, request=request,
            changes={"plan": plan.pk})
    return plan


# --- rectification ---------------------------------------------------------------------------------------


@transaction.atomic
def start_rectification(hazard: Hazard, *, actor, request=None) -> Hazard:
    """整改中; a 重大 hazard only with an approved 治理方案."""
    locked = _lock(hazard)
    _require(actor, "hazards.start_rectification", locked)
    _require_state(locked, (HazardState.ACCEPTED,), _("开始整改"))
    if locked.is_major:
        plan = HazardPlan.objects.filter(hazard=locked).first()
        if plan is None or not plan.is_approved:
            raise Refused(_("重大事故隐患须先由主要负责人批准治理方案，才能开始整改。"), code="plan_not_approved")
    return _move(locked, HazardState.RECTIFYING, actor=actor, action=EventAction.START, request=request)


@transaction.atomic
def submit_rectification(hazard: Hazard, *, actor, note: str, cost, request=None) -> Hazard:
    """待验收: what was done, what it cost (元) and at least the programme's number of after photos."""
    locked = _lock(hazard)
    _require(actor, "hazards.submit_rectification", locked)
    _require_state(locked, WORK_STATES, _("提交验收"))
    note = _required_text(note, _("请填写整改情况。"))
    cost = _money(cost)
    after = locked.photos.filter(kind=HazardPhotoKind.AFTER).count()
    if after < locked.programme.after_photos_min:
        raise Refused(_("请先上传至少%(min)d幅整改后照片。") % {"min": locked.programme.after_photos_min},
                      code="no_after_photos")
    return _move(locked, HazardState.SUBMITTED, actor=actor, action=EventAction.SUBMIT, note=note, request=request,
                 rectification_note=note, cost=cost, rectified_by=actor, rectified_at=timezone.now(),
                 return_reason="")


@transaction.atomic
def verify_rectification(hazard: Hazard, *, actor, note: str = "", request=None) -> Hazard:
    """已验收, by someone other than the person who rectified it."""
    locked = _lock(hazard)
    _require(actor, "hazards.verify_rectification", locked)
    _require_state(locked, (HazardState.SUBMITTED,), _("验收"))
    if actor.pk in (locked.rectified_by_id, locked.responsible_id):
        raise Refused(_("整改责任人不能验收自己的整改，请由其他人员验收。"), code="own_rectification")
    note = (note or "").strip()
    _move(locked, HazardState.VERIFIED, actor=actor, action=EventAction.VERIFY, note=note, request=request,
          verifier=actor, verified_at=timezone.now(), verification_note=note)
    notices.notify_verified(locked, actor=actor)
    return locked


@transaction.atomic
def return_rectification(hazard: Hazard, *, actor, reason: str, request=None) -> Hazard:
    """退回整改 with a reason; the responsible person works on it again."""
    locked = _lock(hazard)
    _require(actor, "hazards.return_rectification", locked)
    _require_state(locked, (HazardState.SUBMITTED,), _("退回整改"))
    reason = _required_text(reason, _("请填写退回理由。"))
    _move(locked, HazardState.RETURNED, actor=actor, action=EventAction.RETURN, note=reason, request=request,
          return_reason=reason)
    notices.notify_returned(locked, actor=actor)
    return locked


@transaction.atomic
def sign_off_hazard(hazard: Hazard, *, actor, comment: str = "", request=None) -> Hazard:
    """工会确认: the union inspector 签字监督确认 a verified rectification (where the programme asks)."""
    locked = _lock(hazard)
    _require(actor, "hazards.sign_off", locked)
    _require_state(locked, (HazardState.VERIFIED,), _("工会签字确认"))
    if not locked.programme.union_signoff_required:
        raise Refused(_("本方案销号前不需要工会签字确认。"), code="signoff_not_required")
    comment = (comment or "").strip()
    return _move(locked, HazardState.SIGNED, actor=actor, action=EventAction.SIGN_OFF, note=comment,
                 request=request, union_signed_by=actor, union_signed_at=timezone.now(), union_comment=comment)


# --- the regulator ---------------------------------------------------------------------------------------


@transaction.atomic
def record_regulator_listing(hazard: Hazard, *, actor, note: str = "", request=None) -> Hazard:
    """挂牌督办 of an open 重大 hazard, recorded by the regulator's liaison of the area."""
    locked = _lock(hazard)
    _require(actor, "hazards.record_regulator", locked)
    _require_state(locked, OPEN_STATES, _("挂牌督办"))
    if locked.regulator_listed:
        raise Refused(_("该隐患已挂牌督办。"), code="already_listed")
    note = (note or "").strip()
    locked.regulator_listed, locked.regulator_listed_by, locked.regulator_listed_at = True, actor, timezone.now()
    if note:
        locked.regulator_note = note
    locked.save()
    _record(locked, actor=actor, action=EventAction.REGULATOR_LIST, from_state=locked.state, note=note,
            request=request)
    return locked


@transaction.atomic
def record_regulator_cancellation(hazard: Hazard, *, actor, note: str = "", request=None) -> Hazard:
    """核销: the regulator accepts the rectification of a 重大 hazard (once it has been verified)."""
    locked = _lock(hazard)
    _require(actor, "hazards.record_regulator", locked)
    _require_state(locked, (HazardState.VERIFIED, HazardState.SIGNED), _("核销"))
    if locked.regulator_cancelled_at is not None:
        raise Refused(_("该隐患已核销。"), code="already_cancelled")
    note = (note or "").strip()
    locked.regulator_cancelled_by, locked.regulator_cancelled_at = actor, timezone.now()
    if note:
        locked.regulator_note = note
    locked.save()
    _record(locked, actor=actor, action=EventAction.REGULATOR_CANCEL, from_state=locked.state, note=note,
            request=request)
    return locked


# --- closing and following up ----------------------------------------------------------------------------


@transaction.atomic
def close_hazard(hazard: Hazard, *, actor, request=None) -> Hazard:
    """已销号, after the union's sign-off where required and, for 重大, the regulator's 核销; sets the
    follow-up date."""
    locked = _lock(hazard)
    _require(actor, "hazards.close_hazard", locked)
    programme = locked.programme
    ready = (HazardState.SIGNED,) if programme.union_signoff_required else (HazardState.VERIFIED, HazardState.SIGNED)
    if locked.state == HazardState.VERIFIED and programme.union_signoff_required:
        raise Refused(_("销号前须经工会签字监督确认。"), code="needs_signoff")
    _require_state(locked, ready, _("销号"))
    if locked.is_major and locked.regulator_cancelled_at is None:
        raise Refused(_("重大事故隐患须经监管部门核销后才能销号。"), code="needs_regulator")
    today = timezone.localdate()
    _move(locked, HazardState.CLOSED, actor=actor, action=EventAction.CLOSE, request=request, closed_by=actor,
          closed_at=timezone.now(), follow_up_on=today + datetime.timedelta(days=programme.follow_up_days))
    notices.notify_closed(locked, actor=actor)
    return locked


@transaction.atomic
def review_hazard(hazard: Hazard, *, actor, result: str, request=None) -> Hazard:
    """已复查: the follow-up found the rectification holding (not before the follow-up date)."""
    locked = _lock(hazard)
    _require(actor, "hazards.review_hazard", locked)
    _require_state(locked, (HazardState.CLOSED,), _("复查"))
    _require_follow_up_due(locked)
    result = _required_text(result, _("请填写复查结果。"))
    return _move(locked, HazardState.REVIEWED, actor=actor, action=EventAction.REVIEW, note=result,
                 request=request, follow_up_result=result, reviewed_by=actor, reviewed_at=timezone.now())


@transaction.atomic
def reopen_hazard(hazard: Hazard, *, actor, reason: str, deadline: datetime.date, request=None) -> Hazard:
    """重新打开 a closed hazard that came back (after the follow-up date): 整改中 again with a new deadline;
    the earlier verification and sign-off stay in the timeline only."""
    locked = _lock(hazard)
    _require(actor, "hazards.reopen_hazard", locked)
    _require_state(locked, (HazardState.CLOSED, HazardState.REVIEWED), _("重新打开"))
    _require_follow_up_due(locked)
    reason = _required_text(reason, _("请填写重新打开的理由。"))
    _require_future(deadline)
    return _move(locked, HazardState.RECTIFYING, actor=actor, action=EventAction.REOPEN, note=reason,
                 request=request, deadline=deadline, reopened_count=locked.reopened_count + 1,
                 verifier=None, verified_at=None, verification_note="", union_signed_by=None, union_signed_at=None,
                 union_comment="", closed_by=None, closed_at=None, regulator_cancelled_by=None,
                 regulator_cancelled_at=None, rectified_by=None, rectified_at=None)


# --- extensions ------------------------------------------------------------------------------------------


@transaction.atomic
def request_extension(hazard: Hazard, *, actor, new_deadline: datetime.date, reason: str,
                      request=None) -> ExtensionRequest:
    """Ask the assigner to move the deadline; one pending request at a time."""
    locked = _lock(hazard)
    _require(actor, "hazards.request_extension", locked)
    _require_state(locked, DEADLINE_STATES, _("申请延期"))
    reason = _required_text(reason, _("请填写延期理由。"))
    _require_future(new_deadline)
    if new_deadline <= locked.deadline:
        raise Refused(_("延期后的期限须晚于原整改期限（%(deadline)s）。") % {"deadline": locked.deadline},
                      code="not_later")
    if locked.extension_requests.filter(decided_at__isnull=True).exists():
        raise Refused(_("已有一项延期申请尚未审批。"), code="pending_extension")
    extension = ExtensionRequest.objects.create(hazard=locked, requested_by=actor, old_deadline=locked.deadline,
                                                new_deadline=new_deadline, reason=reason)
    _record(locked, actor=actor, action=EventAction.EXTENSION_REQUEST, from_state=locked.state, note=reason,
            request=request, changes={"old": str(locked.deadline), "new": str(new_deadline)})
    notices.notify_extension_requested(extension, actor=actor)
    return extension


@transaction.atomic
def decide_extension(extension: ExtensionRequest, *, actor, approve: bool, note: str = "",
                     request=None) -> ExtensionRequest:
    """The assigner approves (the deadline moves) or refuses an extension request."""
    locked = _lock(extension.hazard)
    _require(actor, "hazards.decide_extension", locked)
    current = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if current.decided_at is not None:
        raise Refused(_("该延期申请已经审批。"), code="decided")
    _require_state(locked, DEADLINE_STATES, _("审批延期"))
    if approve:
        _require_future(current.new_deadline)
    current.decided_by, current.decided_at, current.approved = actor, timezone.now(), bool(approve)
    current.decision_note = (note or "").strip()
    current.save()
    if approve:
        locked.deadline = current.new_deadline
        locked.save(update_fields=["deadline", "updated_at"])
    _record(locked, actor=actor, action=EventAction.EXTENSION_DECIDE, from_state=locked.state, request=request,
            note=(_("批准延期至%(date)s") if approve else _("不同意延期至%(date)s")) % {"date": current.new_deadline},
            changes={"extension": current.pk, "approved": bool(approve)})
    return current


# --- the union's stoppage proposal ----------------------------------------------------------------------


@transaction.atomic
def propose_stoppage(hazard: Hazard, *, actor, kind: str, reasons: str, request=None) -> StoppageProposal:
    """The union inspector proposes 停产整改 or withdrawing the workers (安全生产法 §60); the unit must
    answer in writing within the programme's days."""
    locked = _lock(hazard)
    _require(actor, "hazards.propose_stoppage", locked)
    _require_state(locked, OPEN_STATES, _("建议停产整改"))
    if kind not in StoppageKind.values:
        raise Refused(_("请选择建议的类别。"), code="bad_kind")
    reasons = _required_text(reasons, _("请填写建议的理由。"))
    due = timezone.localdate() + datetime.timedelta(days=locked.programme.stoppage_answer_days)
    proposal = StoppageProposal.objects.create(hazard=locked, kind=kind, reasons=reasons, proposed_by=actor,
                                               answer_due=due)
    _record(locked, actor=actor, action=EventAction.STOPPAGE_PROPOSE, from_state=locked.state, request=request,
            note=f"{proposal.get_kind_display()}：{reasons}", changes={"proposal": proposal.pk, "due": str(due)})
    notices.notify_stoppage_proposed(proposal, actor=actor)
    return proposal


@transaction.atomic
def answer_stoppage(proposal: StoppageProposal, *, actor, accept: bool, answer: str,
                    request=None) -> StoppageProposal:
    """The unit answers the union's proposal in writing, accepting or refusing it (a refusal escalates)."""
    locked = _lock(proposal.hazard)
    _require(actor, "hazards.answer_stoppage", locked)
    current = StoppageProposal.objects.select_for_update().get(pk=proposal.pk)
    if current.answered_at is not None:
        raise Refused(_("该建议已经答复。"), code="answered")
    answer = _required_text(answer, _("请填写书面答复。"))
    current.answered_by, current.answered_at, current.accepted, current.answer = (
        actor, timezone.now(), bool(accept), answer)
    current.save()
    _record(locked, actor=actor, action=EventAction.STOPPAGE_ANSWER, from_state=locked.state, note=answer,
            request=request, changes={"proposal": current.pk, "accepted": bool(accept)})
    return current


# --- 随手拍 joins the ledger ------------------------------------------------------------------------------


@transaction.atomic
def hazard_from_entry(entry) -> Hazard:
    """Create (or bring up to date) the Hazard of a submitted 随手拍 entry at its unit, referring to the
    entry's photos (never copied or uploaded again). Idempotent: a resubmitted entry adds its new photos.
    The finder is the author, not named to management (they may choose so on the hazard later)."""
    hazard = Hazard.objects.select_for_update().filter(entry=entry).first()
    created = hazard is None
    if created:
        category_name = entry.category.name if entry.category_id else ""
        category = next((value for value, label in HazardCategory.choices if str(label) == category_name),
                        HazardCategory.UNSAFE_CONDITION)
        hazard = Hazard.objects.create(
            code=_next_code(), programme=programme_for(entry.unit), source=HazardSource.SNAPSHOT, entry=entry,
            unit=entry.unit, location=entry.location or "-", category=category,
            description=entry.hazard or entry.description or entry.title or "-",
            found_at=entry.submitted_at or timezone.now(), finder=entry.author, state=HazardState.REGISTERED)
    linked = set(hazard.photos.filter(entry_photo__isnull=False).values_list("entry_photo_id", flat=True))
    kinds = {PhotoKind.HAZARD: HazardPhotoKind.BEFORE, PhotoKind.RECTIFIED: HazardPhotoKind.AFTER}
    new = [photo for photo in entry.photos.all() if photo.pk not in linked]
    for photo in new:
        HazardPhoto.objects.create(hazard=hazard, kind=kinds[photo.kind], position=photo.position, entry_photo=photo,
                                   sha256=photo.sha256, size=photo.size, width=photo.width, height=photo.height,
                                   uploaded_by=entry.author)
    if created:
        _record(hazard, actor=None, action=EventAction.REPORT, from_state="", note=hazard.description,
                changes={"entry": entry.pk, "photos": [p.pk for p in new]})
    elif new:
        _record(hazard, actor=None, action=EventAction.LINK_ENTRY, from_state=hazard.state,
                changes={"entry": entry.pk, "photos": [p.pk for p in new]})
    return hazard


# --- 逐级报告 and the union's supervision ----------------------------------------------------------------

REPORTABLE_STATES = (*OPEN_STATES, HazardState.DECLINED)


@transaction.atomic
def report_hazard_up(hazard: Hazard, *, actor, reason: str, request=None) -> UpwardReport:
    """逐级报告: report a hazard the unit cannot fix up one level, with a reason.

    The unit's triage or union reports it to the unit's county/city union; union staff at or above where
    it stands move it one level further up (their own union's parent). A 重大 hazard goes to the area's
    regulator liaison as well. The level above is notified."""
    locked = _lock(hazard)
    _require(actor, "hazards.report_up", locked)
    _require_state(locked, REPORTABLE_STATES, _("逐级上报"))
    reason = _required_text(reason, _("请填写上报理由（单位无法自行整改的原因）。"))
    current = locked.upward_reports.select_related("to_node").first()
    target = _report_target(locked, actor, current)
    report = UpwardReport.objects.create(hazard=locked, to_node=target, to_regulator=locked.is_major, reason=reason,
                                         reported_by=actor)
    _record(locked, actor=actor, action=EventAction.REPORT_UP, from_state=locked.state, request=request,
            note=_("上报至%(node)s：%(reason)s") % {"node": target.name, "reason": reason},
            changes={"to_node": target.pk, "to_regulator": report.to_regulator})
    notices.notify_reported_up(report, actor=actor)
    return report


def _report_target(hazard: Hazard, actor, current: UpwardReport | None):
    """The node one level above where the hazard stands, from where the actor stands."""
    if holds_role_at(actor, (*TRIAGE, *UNIT_UNION), hazard.unit_id):
        start = hazard.unit
    else:
        covering = [role.node for role in actor.role_list if role.kind in AREA_UNION and role.node_id
                    and hazard.unit.path.startswith(role.node.path)]
        start = max(covering, key=lambda node: node.depth)  # the permission made sure there is one
    target = start.parent
    if target is None:
        raise Refused(_("已是最高一级，无法继续上报。"), code="top_level")
    if current is not None and target.path.startswith(current.to_node.path):
        raise Refused(_("该隐患已上报至%(node)s。") % {"node": current.to_node.name}, code="already_reported")
    return target


def _report_major_automatically(hazard: Hazard, *, request=None) -> UpwardReport | None:
    """A 重大 hazard is reported to the regulator and the 职代会 (安全生产法 §41) as soon as it is graded
    重大: to the unit's county/city union and the area's regulator liaison, once."""
    parent = hazard.unit.parent
    if parent is None or hazard.upward_reports.filter(to_regulator=True).exists():
        return None
    report = UpwardReport.objects.create(
        hazard=hazard, to_node=parent, to_regulator=True, automatic=True, reported_by=None,
        reason=_("重大事故隐患，依安全生产法第四十一条报告监管部门和职工代表大会。"))
    _record(hazard, actor=None, action=EventAction.REPORT_UP, from_state=hazard.state, request=request,
            note=_("上报至%(node)s及监管部门：%(reason)s") % {"node": parent.name, "reason": report.reason},
            changes={"to_node": parent.pk, "to_regulator": True, "automatic": True})
    notices.notify_reported_up(report, actor=None)
    return report


@transaction.atomic
def remind_hazards(hazards, *, actor, note: str = "", request=None) -> tuple[list[Hazard], int]:
    """督促提醒: tell the people whose move it is on each open hazard (the unit's triage, its union, or
    union staff above). Returns the reminded hazards and how many were skipped (closed, not the actor's
    to remind, or nobody to remind); refused when none could be reminded."""
    hazards = list(hazards)
    if not hazards:
        raise Refused(_("请先选择要提醒的隐患。"), code="none_selected")
    note = (note or "").strip()
    roles = notices.unit_roles(hazard.unit_id for hazard in hazards)
    reminded = []
    for hazard in hazards:
        if hazard.state not in OPEN_STATES or not rules.has_perm("hazards.remind_hazard", actor, hazard):
            continue
        people = notices.people_to_act(hazard, roles[hazard.unit_id])
        message = _("请尽快办理隐患%(code)s（%(state)s）。") % {"code": hazard.code, "state": hazard.get_state_display()}
        if not notices.notify_people(hazard, people, f"{message}{note}", actor=actor):
            continue
        _record(hazard, actor=actor, action=EventAction.REMIND, from_state=hazard.state, note=note, request=request,
                changes={"reminded": sorted(set(people) - {actor.pk})})
        reminded.append(hazard)
    if not reminded:
        raise Refused(_("所选隐患没有需要提醒的责任人（已销号、无权提醒或尚无责任人）。"), code="nobody_to_remind")
    return reminded, len(hazards) - len(reminded)


@transaction.atomic
def comment_on_hazard(hazard: Hazard, *, actor, note: str, request=None) -> HazardEvent:
    """督导意见 of county/city/province union staff on a hazard of their subtree, on the timeline and
    told to the people whose move it is."""
    locked = _lock(hazard)
    _require(actor, "hazards.comment_hazard", locked)
    note = _required_text(note, _("请填写督导意见。"))
    event = _record(locked, actor=actor, action=EventAction.COMMENT, from_state=locked.state, note=note,
                    request=request)
    people = notices.people_to_act(locked, notices.unit_roles([locked.unit_id])[locked.unit_id])
    notices.notify_people(locked, people, _("上级工会对隐患%(code)s提出督导意见：%(note)s") % {
        "code": locked.code, "note": note}, actor=actor)
    return event


# --- helpers ---------------------------------------------------------------------------------------------


def programme_for(unit) -> HazardProgramme:
    try:
        return HazardProgramme.objects.for_unit(unit)
    except HazardProgramme.DoesNotExist:
        raise Refused(_("尚未配置隐患排查治理方案，请联系管理员。"), code="no_programme") from None


def _next_code(year: int | None = None) -> str:
    """HZ-<year>-<6 digits>, numbered per year under the counter row's lock."""
    year = year or timezone.localdate().year
    HazardCounter.objects.get_or_create(year=year)
    counter = HazardCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HZ-{year}-{counter.last:06d}"


def _lock(hazard: Hazard) -> Hazard:
    """The hazard's row, locked for the rest of the transaction and re-read (with its unit and programme)."""
    return (Hazard.objects.select_for_update(of=("self",)).select_related("unit", "programme")
            .get(pk=hazard.pk))


def _require(actor, permission: str, hazard: Hazard) -> None:
    if actor is None or not rules.has_perm(permission, actor, hazard):
        raise Refused.permission_denied()


def _require_state(hazard: Hazard, states, doing: str) -> None:
    if hazard.state not in states:
        raise Refused(_("隐患当前状态为“%(state)s”，不能%(doing)s。") % {
            "state": hazard.get_state_display(), "doing": doing}, code="bad_state")


def _require_major(hazard: Hazard) -> None:
    if not hazard.is_major:
        raise Refused(_("只有重大事故隐患需要治理方案。"), code="not_major")


def _require_future(date) -> None:
    if not isinstance(date, datetime.date):
        raise Refused(_("请填写整改期限。"), code="no_deadline")
    if date < timezone.localdate():
        raise Refused(_("整改期限不能早于今天。"), code="past_deadline")


def _require_follow_up_due(hazard: Hazard) -> None:
    if hazard.follow_up_on and timezone.localdate() < hazard.follow_up_on:
        raise Refused(_("复查日期（%(date)s）未到。") % {"date": hazard.follow_up_on}, code="follow_up_not_due")


def _required_text(value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Refused(message, code="missing_text")
    return value


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        raise Refused(_("整改资金须为金额（元）。"), code="bad_cost") from None
    if value is None or amount < 0 or not amount.is_finite():
        raise Refused(_("整改资金须为不小于0的金额（元）。"), code="bad_cost")
    return amount


def _lec_values(lec) -> tuple:
    """(L, E, C) as the notice's option values, or three Nones; partly filled is refused."""
    if not lec or all(value in (None, "") for value in lec):
        return (None, None, None)
    if any(value in (None, "") for value in lec) or len(lec) != 3:
        raise Refused(_("LEC评价须同时填写L、E、C三项。"), code="lec_partial")
    try:
        return tuple(get_scale(code).option_for(value).value for code, value in zip("LEC", lec, strict=True))
    except InvalidOption:
        raise Refused(_("LEC评价的取值不在评分表中。"), code="lec_invalid") from None


def _move(hazard: Hazard, to_state: str, *, actor, action: str, note: str = "", request=None, **fields) -> Hazard:
    previous = hazard.state
    for name, value in fields.items():
        setattr(hazard, name, value)
    hazard.state = to_state
    hazard.save()
    _record(hazard, actor=actor, action=action, from_state=previous, note=note, request=request)
    return hazard


def _record(hazard: Hazard, *, actor, action: str, from_state: str, note: str = "", changes: dict | None = None,
            request=None) -> HazardEvent:
    """The timeline entry and the audit record of one step."""
    event = HazardEvent.objects.create(hazard=hazard, actor=actor, action=action, from_state=from_state,
                                       to_state=hazard.state, note=note)
    record_audit(actor, f"hazard.{action}", hazard, summary=note, request=request,
                 changes={"state": [from_state, hazard.state], **(changes or {})})
    return event



@contextmanager
def _storage_errors_refused():
    """A storage failure while taking a photo becomes a Chinese refusal; the caller removed its files."""
    try:
        yield
    except OSError:
        logger.exception("could not store a hazard photo")
        raise Refused(_("服务器暂时无法保存照片，照片未能保存。请稍后重试；如仍失败，请联系管理员。"),
                      code="storage_error") from None


def _store_photo(hazard: Hazard, kind: str, position: int, cleaned, actor, stored: list[str]) -> HazardPhoto:
    photo = HazardPhoto(hazard=hazard, kind=kind, position=position, sha256=cleaned.sha256, size=cleaned.size,
                        width=cleaned.check.width, height=cleaned.check.height, uploaded_by=actor)
    store_cleaned(photo, cleaned, stored)
    photo.save()
    return photo
