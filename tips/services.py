"""Every state change of a tip and its reward.

Each service runs in one transaction, locks and re-reads the row, checks the actor (the same `rules` the
views ask) and the state, writes the change, a `TipEvent` and an audit record; refusals raise `Refused`
in Chinese and change nothing. The reporter acts only through the receipt (+ passcode): `tip_by_receipt`
answers the same refusal, after the same work, whether no case has the code or the passcode is wrong.

States: 已提交 → 已受理 (or 不予受理; a duplicate is linked to the first tip) → 核查中 (the clock: the
programme's days from acceptance, extendable once) → 属实 / 部分属实 / 不属实 (for a true hazard tip a
Hazard in the ledger with a 整改期限) → 已告知结果 → the reporter may object once → 复查中 → 已复查 by the
level above. Rewards: propose (engine) → N committee votes → approved (claim window) → claimed → paid,
or lapsed after the window.
"""

import datetime
import json
import logging
from contextlib import ExitStack, contextmanager
from decimal import Decimal, InvalidOperation

import rules
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.enums import HazardCategory
from hazards.models import Hazard, HazardProgramme
from hazards.photos import cleaned_hazard_upload, delete_stored, store_cleaned
from hazards.services import programme_for as hazard_programme_for
from hazards.services import register_tip_hazard
from portal.audit.services import record_audit
from portal.directory.enums import NodeKind
from portal.refusals import Refused
from tips import crypto
from tips.enums import (
    CLOCK_STATES,
    RESULT_STATES,
    TRUE_STATES,
    AccidentClass,
    Disclosure,
    MessageAuthor,
    RejectReason,
    RewardState,
    TipEventAction,
    TipMatter,
    TipState,
)
from tips.models import (
    Reward,
    RewardApproval,
    RewardClaim,
    Tip,
    TipCounter,
    TipEvent,
    TipMessage,
    TipPhoto,
    TipProgramme,
    VaultOpening,
)
from tips.rewards import compute, rule_for

logger = logging.getLogger(__name__)

HAZARD_MATTERS = (TipMatter.GENERAL_HAZARD, TipMatter.MAJOR_HAZARD)
# Spent on a miss so that a wrong code takes about as long as a right code with a passcode.
_DUMMY_PASSCODE_HASH = make_password("tips-dummy-passcode")
MIN_PHOTOS, MAX_PHOTOS = 1, 9


# --- reporting -------------------------------------------------------------------------------------------


def submit_tip(*, matter: str, description: str, disclosure: str, unit=None, place_text: str = "", area=None,
               happened_on: datetime.date | None = None, photos=(), name: str = "", phone: str = "",
               identifying: str = "", passcode: str = "", actor=None) -> tuple[Tip, str | None]:
    """File a tip (anyone; `actor` is the logged-in worker, if any). Returns the tip and the receipt code
    (None for 匿名 without follow-up), which is shown once and never stored. Even a logged-in worker's
    account is only sealed in the vault: the tip row names no user.

    The identity (name, phone, and whatever else the reporter says about themselves) is sealed; every
    photo passes the ledger's defences before anything is written. No address is recorded with the tip.
    """
    if matter not in TipMatter.values:
        raise Refused(_("请选择举报事项。"), code="bad_matter")
    if disclosure not in Disclosure.values:
        raise Refused(_("请选择是否实名。"), code="bad_disclosure")
    description = _required_text(description, _("请填写举报内容。"))
    place_text = (place_text or "").strip()
    area = _check_place(unit, place_text, area)
    if happened_on and happened_on > timezone.localdate():
        raise Refused(_("发生日期不能晚于今天。"), code="future_date")
    photos = list(photos)
    if not MIN_PHOTOS <= len(photos) <= MAX_PHOTOS:
        raise Refused(_("照片须为%(min)d至%(max)d幅。") % {"min": MIN_PHOTOS, "max": MAX_PHOTOS}, code="photo_count")
    programme = programme_for(unit or area)
    identity = _identity(disclosure, name, phone, identifying, actor)
    receipt = crypto.new_receipt() if disclosure != Disclosure.ANONYMOUS else None
    photo_programme = hazard_programme_for(unit) if unit is not None else _default_hazard_programme()
    stored: list[str] = []
    with _storage_errors_refused(), ExitStack() as stack:
        cleaned = [stack.enter_context(cleaned_hazard_upload(upload, photo_programme)) for upload in photos]
        if len({photo.sha256 for photo in cleaned}) != len(cleaned):
            raise Refused(_("同一张照片上传了两次，请检查。"), code="repeat")
        try:
            with transaction.atomic():
                tip = Tip.objects.create(
                    code=_next_code(), programme=programme, matter=matter, unit=unit, place_text=place_text,
                    area=area, happened_on=happened_on, description=description, disclosure=disclosure,
                    identity_sealed=crypto.seal(json.dumps(identity, ensure_ascii=False)) if identity else b"",
                    receipt_hash=crypto.receipt_hash(receipt) if receipt else None,
                    passcode_hash=make_password(passcode) if receipt and passcode else "")
                for position, photo in enumerate(cleaned, start=1):
                    _store_photo(tip, position, photo, stored)
                # No request: the reporter's address is not kept with the tip.
                _record(tip, actor=None, action=TipEventAction.SUBMIT, from_state="", note="")
        except BaseException:
            delete_stored(TipPhoto, stored)
            raise
    return tip, receipt


def _check_place(unit, place_text: str, area):
    """A unit of the directory, or a free-text place with the city/county that handles it."""
    if unit is not None:
        if unit.kind != NodeKind.UNIT:
            raise Refused(_("请从单位目录中选择被举报单位。"), code="bad_unit")
        return None
    if not place_text:
        raise Refused(_("请选择被举报单位，或填写单位名称和地点。"), code="no_place")
    if area is None or area.kind not in (NodeKind.COUNTY, NodeKind.CITY):
        raise Refused(_("自填地点的举报请选择所在的市或县。"), code="no_area")
    return area


def _identity(disclosure: str, name: str, phone: str, identifying: str, actor) -> dict:
    """What will be sealed: the real name and phone, anything the reporter says about themselves, and the
    account of a logged-in reporter."""
    name, phone = (name or "").strip(), (phone or "").strip()
    identity = {}
    if disclosure == Disclosure.REAL_NAME:
        if not name or not phone:
            raise Refused(_("实名举报请填写姓名和联系电话。"), code="no_identity")
        identity.update(name=name, phone=phone)
    if (identifying or "").strip():
        identity["identifying"] = identifying.strip()
    if actor is not None and actor.is_authenticated:
        identity["account"] = actor.username
    return identity


def tip_by_receipt(code: str, passcode: str = "") -> Tip:
    """The tip whose receipt is `code` (and whose passcode, if set, is `passcode`). A bad code, an unknown
    code and a wrong passcode all give the same refusal after a password check."""
    normalised = crypto.normalise_receipt(code)
    tip = None
    if normalised is not None:
        tip = Tip.objects.filter(receipt_hash=crypto.receipt_hash(normalised)).select_related("programme").first()
    if tip is not None and tip.passcode_hash:
        ok = check_password(passcode or "", tip.passcode_hash)
    else:
        check_password(passcode or "", _DUMMY_PASSCODE_HASH)  # the same work as a passcode check
        ok = tip is not None
    if not ok:
        raise Refused(_("回执码或查询密码不正确。"), code="bad_receipt")
    return tip


# --- handling --------------------------------------------------------------------------------------------


@transaction.atomic
def accept_tip(tip: Tip, *, actor, request=None) -> Tip:
    """受理: the verification clock starts (the programme's days from today)."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, (TipState.SUBMITTED,), _("受理"))
    today = timezone.localdate()
    return _move(locked, TipState.ACCEPTED, actor=actor, action=TipEventAction.ACCEPT, request=request,
                 note=_("核查期限：%(due)s") % {"due": today + datetime.timedelta(days=locked.programme.verify_days)},
                 handler=actor, accepted_at=timezone.now(),
                 verify_due=today + datetime.timedelta(days=locked.programme.verify_days))


@transaction.atomic
def reject_tip(tip: Tip, *, actor, reason: str, note: str = "", request=None) -> Tip:
    """不予受理 with a reason from the list (重复举报 goes through `link_duplicate`)."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, (TipState.SUBMITTED,), _("不予受理"))
    if reason not in RejectReason.values or reason == RejectReason.DUPLICATE:
        raise Refused(_("请选择不予受理的理由。"), code="bad_reason")
    note = (note or "").strip()
    if reason == RejectReason.OTHER and not note:
        raise Refused(_("理由为“其他”时请填写说明。"), code="missing_text")
    return _move(locked, TipState.REJECTED, actor=actor, action=TipEventAction.REJECT, request=request,
                 note=f"{RejectReason(reason).label}{('：' + note) if note else ''}", handler=actor,
                 reject_reason=reason, reject_note=note)


@transaction.atomic
def link_duplicate(tip: Tip, *, actor, original: Tip, request=None) -> Tip:
    """不予受理 as 重复举报, linked to the first tip of the matter (whose reporter alone is rewarded)."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, (TipState.SUBMITTED,), _("合并重复举报"))
    if original is None or original.pk == locked.pk or not rules.has_perm("tips.view_tip", actor, original):
        raise Refused(_("请选择本地区的首次举报。"), code="bad_original")
    first = Tip.objects.get(pk=original.pk)  # re-read: the caller's copy may be stale
    while first.duplicate_of_id:
        first = first.duplicate_of
    if first.state in (TipState.SUBMITTED, TipState.REJECTED) or first.submitted_at > locked.submitted_at:
        raise Refused(_("只能合并到更早且已受理的举报。"), code="bad_original")
    return _move(locked, TipState.REJECTED, actor=actor, action=TipEventAction.DUPLICATE, request=request,
                 note=_("重复举报，首次举报为%(code)s") % {"code": first.code}, handler=actor,
                 reject_reason=RejectReason.DUPLICATE, duplicate_of=first)


@transaction.atomic
def identify_unit(tip: Tip, *, actor, unit, request=None) -> Tip:
    """A free-text tip's unit found in the directory (within the handler's area), so that a true hazard
    can enter that unit's ledger."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    if locked.unit_id:
        raise Refused(_("该举报已指明被举报单位。"), code="has_unit")
    if unit is None or unit.kind != NodeKind.UNIT or not unit.path.startswith(locked.area.path):
        raise Refused(_("请选择本地区单位目录中的单位。"), code="bad_unit")
    locked.unit = unit
    locked.save()
    _record(locked, actor=actor, action=TipEventAction.UNIT, from_state=locked.state, request=request, public=False,
            note=_("确定被举报单位：%(unit)s") % {"unit": unit.name})
    return locked


@transaction.atomic
def start_verification(tip: Tip, *, actor, request=None) -> Tip:
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, (TipState.ACCEPTED,), _("开始核查"))
    return _move(locked, TipState.VERIFYING, actor=actor, action=TipEventAction.START, request=request)


@transaction.atomic
def extend_verification(tip: Tip, *, actor, days: int, reason: str, request=None) -> Tip:
    """Extend the clock once by at most the programme's days; the reason is shown to the reporter."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, CLOCK_STATES, _("延长核查期限"))
    if locked.extension_days:
        raise Refused(_("核查期限只能延长一次。"), code="extended")
    if not isinstance(days, int) or not 1 <= days <= locked.programme.extension_max_days:
        raise Refused(_("延长天数须为1至%(max)d天。") % {"max": locked.programme.extension_max_days},
                      code="bad_days")
    reason = _required_text(reason, _("请填写延期理由（将告知举报人）。"))
    due = locked.verify_due + datetime.timedelta(days=days)
    locked.extension_days, locked.extension_reason, locked.verify_due = days, reason, due
    locked.save()
    _record(locked, actor=actor, action=TipEventAction.EXTEND, from_state=locked.state, request=request,
            note=_("核查期限延长%(days)d天至%(due)s：%(reason)s") % {"days": days, "due": due, "reason": reason})
    return locked


@transaction.atomic
def conclude_tip(tip: Tip, *, actor, result: str, conclusion: str, fine_amount=None, fine_reference: str = "",
                 concealed_deaths: int | None = None, accident_class: str = "", request=None) -> Tip:
    """属实 / 部分属实 / 不属实, with the facts a reward needs (the fine from the regulator's decision,
    the concealed deaths and accident class). The result must reach the reporter within the notify days."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, (TipState.VERIFYING,), _("作出核查结论"))
    if result not in RESULT_STATES:
        raise Refused(_("请选择核查结果。"), code="bad_result")
    conclusion = _required_text(conclusion, _("请填写核查结论。"))
    _set_facts(locked, fine_amount, fine_reference, concealed_deaths, accident_class)
    today = timezone.localdate()
    return _move(locked, result, actor=actor, action=TipEventAction.CONCLUDE, request=request,
                 note=f"{TipState(result).label}：{conclusion}", result=result, conclusion=conclusion,
                 concluded_at=timezone.now(),
                 notify_due=today + datetime.timedelta(days=locked.programme.notify_days))


@transaction.atomic
def record_facts(tip: Tip, *, actor, fine_amount=None, fine_reference: str = "", concealed_deaths=None,
                 accident_class: str = "", request=None) -> Tip:
    """Record the fine (or deaths) after the conclusion, when the regulator's decision comes later."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    if locked.final_result not in TRUE_STATES:
        raise Refused(_("只有核查属实的举报才记录处罚情况。"), code="bad_state")
    _set_facts(locked, fine_amount, fine_reference, concealed_deaths, accident_class)
    locked.save()
    _record(locked, actor=actor, action=TipEventAction.FINE, from_state=locked.state, request=request, public=False,
            note=_("罚款%(fine)s元（%(ref)s）") % {"fine": locked.fine_amount, "ref": locked.fine_reference})
    return locked


@transaction.atomic
def send_to_ledger(tip: Tip, *, actor, category: str = "", deadline: datetime.date | None = None,
                   location: str = "", hazard: Hazard | None = None, request=None) -> Tip:
    """For a true hazard tip: a new Hazard in the unit's ledger (source 举报, with its 整改期限), or a link to
    a hazard of the same unit already there. The ledger never learns who reported: a new hazard gets copies
    of the tip's metadata-free previews as its before photos (a linked one keeps its own)."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, TRUE_STATES, _("登记到隐患台账"))
    if locked.hazard_id:
        raise Refused(_("该举报已登记到隐患台账。"), code="has_hazard")
    if locked.unit_id is None:
        raise Refused(_("自填地点的举报须先确定被举报单位，才能登记到隐患台账。"), code="no_unit")
    if hazard is not None:
        if hazard.unit_id != locked.unit_id:
            raise Refused(_("只能关联同一单位的隐患。"), code="other_unit")
        note = _("关联台账隐患%(code)s") % {"code": hazard.code}
    else:
        if deadline is None:
            deadline = timezone.localdate() + datetime.timedelta(days=locked.programme.rectify_days)
        hazard = register_tip_hazard(
            actor=actor, unit=locked.unit, category=category or HazardCategory.UNSAFE_CONDITION,
            description=locked.description, location=location or locked.place_text or str(locked.unit),
            deadline=deadline, photos=_preview_bytes(locked), request=request)
        note = _("登记台账隐患%(code)s，整改期限%(deadline)s") % {"code": hazard.code, "deadline": deadline}
    locked.hazard = hazard
    locked.save()
    _record(locked, actor=actor, action=TipEventAction.HAZARD, from_state=locked.state, request=request, note=note)
    return locked


@transaction.atomic
def notify_result(tip: Tip, *, actor, request=None) -> Tip:
    """The result is told to the reporter (a true hazard tip must be in the ledger first)."""
    locked = _lock(tip)
    _require(actor, "tips.handle_tip", locked)
    _require_state(locked, RESULT_STATES, _("告知核查结果"))
    if locked.result in TRUE_STATES and locked.matter in HAZARD_MATTERS and not locked.hazard_id:
        raise Refused(_("请先将属实的隐患登记到隐患台账。"), code="no_hazard")
    return _move(locked, TipState.NOTIFIED, actor=actor, action=TipEventAction.NOTIFY, request=request,
                 note=locked.conclusion, notified_at=timezone.now())


@transaction.atomic
def object_to_result(tip: Tip, *, text: str) -> Tip:
    """The reporter (by receipt) objects once to the notified result, within the programme's days."""
    locked = _lock(tip)
    _require_state(locked, (TipState.NOTIFIED,), _("提出异议"))
    if locked.objected_at is not None:
        raise Refused(_("每件举报只能提出一次异议。"), code="objected")
    if timezone.localdate() > timezone.localdate(locked.notified_at) + datetime.timedelta(
            days=locked.programme.objection_days):
        raise Refused(_("已超过提出异议的期限。"), code="late")
    text = _required_text(text, _("请填写异议内容。"))
    return _move(locked, TipState.OBJECTED, actor=None, action=TipEventAction.OBJECT, note=text,
                 objection=text, objected_at=timezone.now())


@transaction.atomic
def review_tip(tip: Tip, *, actor, result: str, note: str, request=None) -> Tip:
    """复查 by the level above the handler: confirms or changes the result."""
    locked = _lock(tip)
    _require(actor, "tips.review_tip", locked)
    _require_state(locked, (TipState.OBJECTED,), _("复查"))
    if result not in RESULT_STATES:
        raise Refused(_("请选择复查结论。"), code="bad_result")
    note = _required_text(note, _("请填写复查意见。"))
    return _move(locked, TipState.REVIEWED, actor=actor, action=TipEventAction.REVIEW, request=request,
                 note=f"{TipState(result).label}：{note}", review_result=result, review_note=note,
                 reviewed_by=actor, reviewed_at=timezone.now())


# --- messages --------------------------------------------------------------------------------------------


def handler_message(tip: Tip, *, actor, text: str, request=None) -> TipMessage:
    if not rules.has_perm("tips.handle_tip", actor, tip):
        raise Refused.permission_denied()
    if tip.receipt_hash is None:
        raise Refused(_("该举报人选择不需回复，无法留言。"), code="no_receipt")
    text = _required_text(text, _("请填写留言内容。"))
    message = TipMessage.objects.create(tip=tip, author=MessageAuthor.HANDLER, sender=actor, text=text)
    record_audit(actor, "tip.message", tip, summary=text[:100], request=request)
    return message


def reporter_message(tip: Tip, *, text: str) -> TipMessage:
    """A message from the reporter (already identified by `tip_by_receipt`)."""
    text = _required_text(text, _("请填写留言内容。"))
    if len(text) > 2000:
        raise Refused(_("留言不超过2000字。"), code="too_long")
    message = TipMessage.objects.create(tip=tip, author=MessageAuthor.REPORTER, text=text)
    record_audit(None, "tip.reporter_message", tip, summary="")
    return message


# --- the vault -------------------------------------------------------------------------------------------


@transaction.atomic
def open_identity(tip: Tip, *, actor, reason: str, request=None) -> dict:
    """The custodian opens the sealed identity of a tip (and its reward claim's payment details), saying
    why; the opening is logged (who, when, why) for the committee."""
    if actor is None or not rules.has_perm("tips.open_identity", actor, tip):
        raise Refused.permission_denied(_("只有身份保管员可以查阅举报人身份。"))
    reason = _required_text(reason, _("请填写查阅理由。"))
    identity = json.loads(crypto.unseal(tip.identity_sealed) or "{}")
    claim = RewardClaim.objects.filter(reward__tip=tip).first()
    if claim is not None:
        identity["payment"] = json.loads(crypto.unseal(claim.payment_sealed) or "{}")
    VaultOpening.objects.create(tip=tip, claim=claim, opened_by=actor, reason=reason)
    record_audit(actor, "tip.open_identity", tip, summary=reason, request=request)
    return identity


def rotate_vault() -> int:
    """Re-encrypt every sealed value under the first key of PORTAL_TIP_KEYS; returns rows changed."""
    count = 0
    with transaction.atomic():
        for tip in Tip.objects.exclude(identity_sealed=b"").select_for_update():
            Tip.objects.filter(pk=tip.pk).update(identity_sealed=crypto.rotate(tip.identity_sealed))
            count += 1
        for claim in RewardClaim.objects.select_for_update():
            RewardClaim.objects.filter(pk=claim.pk).update(payment_sealed=crypto.rotate(claim.payment_sealed))
            count += 1
    return count


# --- rewards ---------------------------------------------------------------------------------------------


@transaction.atomic
def propose_reward(tip: Tip, *, actor, request=None) -> Reward:
    """The engine's proposal for a tip verified as true, by its first accepted reporter."""
    locked = _lock(tip)
    _require(actor, "tips.propose_reward", locked)
    if locked.state not in (TipState.NOTIFIED, TipState.REVIEWED) or locked.final_result not in TRUE_STATES:
        raise Refused(_("只有核查属实并已告知结果的举报才能计算奖励。"), code="bad_state")
    if locked.duplicate_of_id:
        raise Refused(_("重复举报不予奖励，奖励首次受理的举报人。"), code="duplicate")
    if locked.receipt_hash is None:
        raise Refused(_("该举报人选择匿名且不需回复，无法领取奖励。"), code="no_receipt")
    if hasattr(locked, "reward"):
        raise Refused(_("该举报已计算过奖励。"), code="has_reward")
    rule = rule_for(locked)
    if rule.real_name_required and locked.disclosure != Disclosure.REAL_NAME:
        raise Refused(_("该奖励规则要求实名举报。"), code="real_name_required")
    proposal = compute(rule, locked)
    reward = Reward.objects.create(tip=locked, rule=rule, proposed_amount=proposal.amount,
                                   computation=proposal.computation)
    record_audit(actor, "tip.propose_reward", reward, summary=proposal.computation, request=request)
    return reward


@transaction.atomic
def approve_reward(reward: Reward, *, actor, amount=None, reason: str = "", request=None) -> Reward:
    """One committee member's vote, for the proposed amount or a changed one (with a reason, within the
    rule's ceiling). When the programme's number of members agree on an amount it is approved and the
    claim window starts."""
    locked = Reward.objects.select_for_update().select_related("tip__programme", "rule").get(pk=reward.pk)
    if actor is None or not rules.has_perm("tips.approve_reward", actor, locked.tip):
        raise Refused.permission_denied()
    if locked.state != RewardState.PROPOSED:
        raise Refused(_("奖励当前状态为“%(state)s”，不能审查。") % {"state": locked.get_state_display()},
                      code="bad_state")
    value = locked.proposed_amount if amount in (None, "") else _money(amount)
    reason = (reason or "").strip()
    if value != locked.proposed_amount and not reason:
        raise Refused(_("调整奖励金额须填写理由。"), code="no_reason")
    ceiling = compute(locked.rule, locked.tip).ceiling
    if ceiling is not None and value > ceiling:
        raise Refused(_("奖励金额不能超过%(max)s元。") % {"max": ceiling}, code="over_cap")
    try:
        with transaction.atomic():
            RewardApproval.objects.create(reward=locked, reviewer=actor, amount=value, reason=reason)
    except IntegrityError:
        raise Refused(_("您已审查过该奖励。"), code="voted") from None
    record_audit(actor, "tip.approve_reward", locked, summary=f"{value} {reason}", request=request)
    agreeing = locked.approvals.filter(amount=value).count()
    if agreeing >= locked.tip.programme.reviewers_required:
        locked.amount, locked.state, locked.approved_at = value, RewardState.APPROVED, timezone.now()
        locked.claim_due = timezone.localdate() + datetime.timedelta(days=locked.tip.programme.claim_days)
        locked.save()
        record_audit(actor, "tip.reward_approved", locked, summary=str(value), request=request)
    return locked


@transaction.atomic
def claim_reward(tip: Tip, *, payment: dict, declared_not_excluded: bool) -> RewardClaim:
    """The reporter (already identified by receipt + passcode) claims the approved reward within the
    window; the payment details go into the vault. A second or replayed claim, or one after the window,
    is refused."""
    reward = Reward.objects.select_for_update().filter(tip=tip).first()
    if reward is None or reward.state == RewardState.PROPOSED:
        raise Refused(_("该举报暂无可领取的奖励。"), code="no_reward")
    if reward.state != RewardState.APPROVED:
        raise Refused(_("该奖励已申领或已失效，不能重复申领。"), code="claimed")
    if timezone.localdate() > reward.claim_due:  # `lapse_rewards` marks it 逾期未领
        raise Refused(_("已超过奖励申领期限（%(date)s）。") % {"date": reward.claim_due}, code="late")
    if not declared_not_excluded:
        raise Refused(_("请声明本人不是被举报单位负有安全生产职责的人员及其近亲属。"), code="no_declaration")
    payment = {key: str(value).strip() for key, value in (payment or {}).items() if str(value).strip()}
    if not payment.get("name") or not payment.get("account"):
        raise Refused(_("请填写收款人姓名和收款账号。"), code="no_payment")
    claim = RewardClaim.objects.create(reward=reward, declared_not_excluded=True,
                                       payment_sealed=crypto.seal(json.dumps(payment, ensure_ascii=False)))
    reward.state = RewardState.CLAIMED
    reward.save(update_fields=["state"])
    record_audit(None, "tip.claim_reward", reward, summary="")
    return claim


@transaction.atomic
def record_payment(reward: Reward, *, actor, paid_on: datetime.date, method: str, reference: str,
                   request=None) -> Reward:
    locked = Reward.objects.select_for_update().select_related("tip").get(pk=reward.pk)
    if actor is None or not rules.has_perm("tips.record_payment", actor, locked.tip):
        raise Refused.permission_denied()
    if locked.state != RewardState.CLAIMED:
        raise Refused(_("只有已申领的奖励才能登记发放。"), code="bad_state")
    method = _required_text(method, _("请填写发放方式。"))
    reference = _required_text(reference, _("请填写发放凭证号。"))
    locked.state, locked.paid_at, locked.payment_method, locked.payment_reference = (
        RewardState.PAID, paid_on, method, reference)
    locked.save()
    record_audit(actor, "tip.record_payment", locked, summary=f"{paid_on} {method} {reference}", request=request)
    return locked


def lapse_rewards(today: datetime.date | None = None) -> int:
    """Approved rewards whose claim window closed become 逾期未领."""
    today = today or timezone.localdate()
    return Reward.objects.filter(state=RewardState.APPROVED, claim_due__lt=today).update(state=RewardState.LAPSED)


# --- helpers ---------------------------------------------------------------------------------------------


def programme_for(node) -> TipProgramme:
    try:
        return TipProgramme.objects.for_node(node)
    except TipProgramme.DoesNotExist:
        raise Refused(_("尚未配置举报受理方案，请联系管理员。"), code="no_programme") from None


def _default_hazard_programme():
    programme = HazardProgramme.objects.filter(is_default=True).first()
    if programme is None:
        raise Refused(_("尚未配置隐患排查治理方案，请联系管理员。"), code="no_programme")
    return programme


def _set_facts(tip: Tip, fine_amount, fine_reference, concealed_deaths, accident_class) -> None:
    if fine_amount not in (None, ""):
        tip.fine_amount = _money(fine_amount)
        tip.fine_reference = (fine_reference or "").strip()
    if concealed_deaths not in (None, ""):
        try:
            deaths = int(concealed_deaths)
        except (TypeError, ValueError):
            deaths = -1
        if deaths < 0:
            raise Refused(_("瞒报死亡人数须为不小于0的整数。"), code="bad_deaths")
        tip.concealed_deaths = deaths
    if accident_class:
        if accident_class not in AccidentClass.values:
            raise Refused(_("事故等级无效。"), code="bad_class")
        tip.accident_class = accident_class


def _next_code() -> str:
    year = timezone.localdate().year
    TipCounter.objects.get_or_create(year=year)
    counter = TipCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"JB-{year}-{counter.last:06d}"


def _lock(tip: Tip) -> Tip:
    return (Tip.objects.select_for_update(of=("self",))
            .select_related("unit", "area", "programme", "handler").get(pk=tip.pk))


def _require(actor, permission: str, tip: Tip) -> None:
    if actor is None or not rules.has_perm(permission, actor, tip):
        raise Refused.permission_denied()


def _require_state(tip: Tip, states, doing: str) -> None:
    if tip.state not in states:
        raise Refused(_("举报当前状态为“%(state)s”，不能%(doing)s。") % {
            "state": tip.get_state_display(), "doing": doing}, code="bad_state")


def _required_text(value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Refused(message, code="missing_text")
    return value


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise Refused(_("金额须为数字（元）。"), code="bad_amount") from None
    if not amount.is_finite() or amount < 0:
        raise Refused(_("金额须为不小于0的数字（元）。"), code="bad_amount")
    return amount


def _move(tip: Tip, to_state: str, *, actor, action: str, note: str = "", request=None, **fields) -> Tip:
    previous = tip.state
    for name, value in fields.items():
        setattr(tip, name, value)
    tip.state = to_state
    tip.save()
    _record(tip, actor=actor, action=action, from_state=previous, note=note, request=request)
    return tip


def _record(tip: Tip, *, actor, action: str, from_state: str, note: str = "", public: bool = True,
            request=None) -> TipEvent:
    event = TipEvent.objects.create(tip=tip, actor=actor, action=action, from_state=from_state, to_state=tip.state,
                                    note=note, public=public)
    record_audit(actor, f"tip.{action}", tip, summary=note[:200], request=request,
                 changes={"state": [from_state, tip.state]})
    return event


@contextmanager
def _storage_errors_refused():
    """A storage failure while keeping a photo becomes a Chinese refusal; the caller removed its files."""
    try:
        yield
    except OSError:
        logger.exception("could not store a tip photo")
        raise Refused(_("服务器暂时无法保存照片，举报未能提交。请稍后重试。"), code="storage_error") from None


def _preview_bytes(tip: Tip) -> list[bytes]:
    """The tip's photos for the ledger: the metadata-free previews only (the originals keep the camera's
    EXIF — device, place, owner — that may point at the reporter, and stay with the custodian)."""
    previews = []
    try:
        for photo in tip.photos.order_by("position", "id"):
            with photo.preview.open("rb") as stream:
                previews.append(stream.read())
    except OSError:
        logger.exception("could not read a tip photo for the ledger")
        raise Refused(_("服务器暂时无法读取举报照片，未能登记到隐患台账。请稍后重试。"), code="storage_error") from None
    return previews


def _store_photo(tip: Tip, position: int, cleaned, stored: list[str]) -> TipPhoto:
    photo = TipPhoto(tip=tip, position=position, sha256=cleaned.sha256, size=cleaned.size)
    store_cleaned(photo, cleaned, stored)
    photo.save()
    return photo

