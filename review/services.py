"""The tiered review: every state change of an entry after submission goes through these functions.

unit (单位工会) → county union or group enterprise (县级/集团初评) → city union or provincial industry union
(市/产业甄选) → province. Each service locks the entry (`select_for_update`), re-checks who may act and
when, changes state and tier with one UPDATE, writes a `Transition` (the entry's history) and an audit
record, and notifies the author; e-mails are queued on commit. A refusal raises `ReviewError` with a
Chinese message for the user; `ReviewPermissionDenied` when the actor holds no role for the step.

When each tier may act (the campaign's phases; decided here, shown on the pages):
- the unit (Tier.UNIT) while the SUBMISSION or the FIRST_REVIEW phase is open: units review entries as
  they come in, and may still recommend late ones while the counties hold their 初评;
- the county/group (Tier.FIRST_REVIEW) while the FIRST_REVIEW phase is open;
- the city/industry union (Tier.SELECTION) grades while the SELECTION phase is open, recommends to the
  province (and undoes a recommendation) while the RECOMMENDATION phase is open, and returns or rejects
  while either is open. From the end of the RECOMMENDATION phase (9月30日 by default) the tier is
  read-only, whatever the other phases say.
- once the committee has locked the provincial results (review.experts' ResultsLock), nothing enters or
  leaves the province tier: recommending to the province and undoing such a recommendation are refused
  whatever the phases say (province_results_locked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import rules
from django.apps import apps as django_apps
from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.campaigns.enums import AwardKind, PhaseKind
from portal.campaigns.models import AwardLevel, Campaign
from portal.celery import enqueue_on_commit
from review.enums import (
    ACTING_TIERS,
    FORWARD_ACTION,
    FORWARD_ACTIONS,
    FORWARD_STATE,
    GRADEABLE_STATES,
    PENDING_STATES,
    UNDOABLE_ACTIONS,
    NotificationKind,
    QueueStage,
    TransitionAction,
)
from review.models import Notification, RecommendationQuota, TierGrade, Transition
from review.rules import reviews_at_tier
from submissions.enums import EntryState, Tier
from submissions.models import Entry

if TYPE_CHECKING:
    from review.scoping import ReviewerRole

REASON_MAX_CHARS = 500

FORWARD_PERMISSION = {
    Tier.UNIT: "review.recommend_entry",
    Tier.FIRST_REVIEW: "review.forward_entry",
    Tier.SELECTION: "review.recommend_entry_to_province",
}

# What a check is for: it decides which phase must be open at the tier.
DECIDE, GRADE, RECOMMEND = "decide", "grade", "recommend"


class ReviewError(Exception):
    """A refused review action; `message` is shown to the user as is."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


class ReviewPermissionDenied(ReviewError):
    """The actor holds no reviewer role for this step of this entry."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("您没有对该作品执行此操作的权限。"), code="permission_denied")


# --- phases and deadlines ----------------------------------------------------------------------------

def _local_day(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def deadline_text(moment: datetime) -> str:
    """"2025年9月30日" for a deadline at midnight starting 1 October (the whole 30th counts)."""
    local = timezone.localtime(moment)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return _local_day(local - timedelta(seconds=1))
    return f"{_local_day(local)} {local:%H:%M}"


def _window_text(campaign: Campaign, kind: str) -> str:
    phase = campaign.phase(kind)
    if phase is None:
        return _("（活动未设置该阶段）")
    return _("（%(start)s至%(end)s）") % {"start": _local_day(phase.starts_at), "end": deadline_text(phase.ends_at)}


def recommendation_deadline(campaign: Campaign) -> datetime | None:
    phase = campaign.phase(PhaseKind.RECOMMENDATION)
    return phase.ends_at if phase else None


def selection_read_only(campaign: Campaign, at: datetime | None = None) -> bool:
    """After the recommendation deadline the city/industry tier may only look."""
    deadline = recommendation_deadline(campaign)
    return deadline is not None and (at or timezone.now()) >= deadline


def province_results_locked(campaign: Campaign) -> bool:
    """Whether the committee has confirmed and locked the provincial results (review.experts' ResultsLock).

    From then on nothing enters the province tier and nothing leaves it: an entry recommended after the
    lock would never be scored nor awarded. Read through the app registry: review.experts sits above
    this app.
    """
    known = getattr(campaign, "province_results_locked", None)  # annotated by _lock: no extra query
    if known is not None:
        return known
    return _results_locks().filter(campaign_id=campaign.pk).exists()


def _results_locks():
    if not django_apps.is_installed("review.experts"):
        return Campaign.objects.none()
    return django_apps.get_model("experts", "ResultsLock").objects.all()


def _hold_off_the_results_lock(campaign: Campaign) -> None:
    """Make the committee's results lock wait for this transaction (and this one wait for it).

    review.experts.services.confirm_results locks the campaign row FOR UPDATE before it checks and
    creates the lock; a recommendation to the province takes a FOR SHARE lock on the same row before it
    checks for the lock. So the two serialise: either the lock commits first and the recommendation sees
    it, or the recommendation commits first and its entry is in the checklist the lock is decided on.
    Recommendations do not block one another (shared locks). Only PostgreSQL has row locks; SQLite
    serialises writers anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Campaign._meta.db_table)
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [campaign.pk])  # noqa: S608 - a model's table


def check_window(campaign: Campaign, tier: int, purpose: str = DECIDE, at: datetime | None = None) -> None:
    """Raise ReviewError unless `tier` may act for `purpose` now (see the module docstring)."""
    at = at or timezone.now()
    if tier == Tier.UNIT:
        if not (campaign.phase_open(PhaseKind.SUBMISSION, at) or campaign.phase_open(PhaseKind.FIRST_REVIEW, at)):
            raise ReviewError(_("基层单位只能在作品提交阶段%(submission)s或县级和集团初评阶段%(first)s审核推荐作品，当前不在这两个阶段。") % {
                "submission": _window_text(campaign, PhaseKind.SUBMISSION),
                "first": _window_text(campaign, PhaseKind.FIRST_REVIEW)}, code="phase_closed")
    elif tier == Tier.FIRST_REVIEW:
        if not campaign.phase_open(PhaseKind.FIRST_REVIEW, at):
            raise ReviewError(_("县级和集团初评只能在初评阶段%(window)s进行，当前不在该阶段。") % {
                "window": _window_text(campaign, PhaseKind.FIRST_REVIEW)}, code="phase_closed")
    elif tier == Tier.SELECTION:
        if purpose == RECOMMEND and province_results_locked(campaign):
            raise ReviewError(_("省级评审结果已确认锁定，不能再向省级评审推荐或撤回作品。"), code="results_locked")
        if selection_read_only(campaign, at):
            raise ReviewError(_("市/产业工会向省推荐已于%(deadline)s截止，本级作品现为只读。") % {
                "deadline": deadline_text(recommendation_deadline(campaign))}, code="deadline_passed")
        if purpose == RECOMMEND:
            if not campaign.phase_open(PhaseKind.RECOMMENDATION, at):
                raise ReviewError(_("向省推荐只能在推荐阶段%(window)s进行，当前不在该阶段。") % {
                    "window": _window_text(campaign, PhaseKind.RECOMMENDATION)}, code="phase_closed")
        elif purpose == GRADE:
            if not campaign.phase_open(PhaseKind.SELECTION, at):
                raise ReviewError(_("市/产业工会只能在甄选阶段%(window)s评定等次，当前不在该阶段。") % {
                    "window": _window_text(campaign, PhaseKind.SELECTION)}, code="phase_closed")
        elif not (campaign.phase_open(PhaseKind.SELECTION, at) or campaign.phase_open(PhaseKind.RECOMMENDATION, at)):
            raise ReviewError(_("市/产业工会只能在甄选阶段%(selection)s或推荐阶段%(recommendation)s处理作品，当前不在这两个阶段。") % {
                "selection": _window_text(campaign, PhaseKind.SELECTION),
                "recommendation": _window_text(campaign, PhaseKind.RECOMMENDATION)}, code="phase_closed")
    else:
        raise ReviewError(_("省级评审由组委会和评审专家进行，不在逐级评选中操作。"), code="province")


def tier_open(campaign: Campaign, tier: int, purpose: str = DECIDE) -> bool:
    try:
        check_window(campaign, tier, purpose)
    except ReviewError:
        return False
    return True


# --- checks shared by the services and the pages ---------------------------------------------------

def _title(entry: Entry) -> str:
    return entry.title or entry.code


def next_tier(entry: Entry, tier: int) -> Tier:
    """The tier an entry reaches when `tier` forwards it; a unit with no county/group above goes to the city."""
    if tier == Tier.UNIT:
        return Tier.FIRST_REVIEW if entry.first_review_union_id is not None else Tier.SELECTION
    return Tier(tier + 1)


def _state_refusal(entry: Entry, tier: int, verb: str) -> ReviewError:
    if entry.tier != tier:
        return ReviewError(_("该作品当前在“%(current)s”（%(state)s），不在%(tier)s，不能%(verb)s。请刷新页面查看最新状态。") % {
            "current": entry.get_tier_display(), "state": entry.get_state_display(),
            "tier": Tier(tier).label, "verb": verb}, code="wrong_tier")
    return ReviewError(_("该作品当前状态为“%(state)s”，不能%(verb)s。") % {
        "state": entry.get_state_display(), "verb": verb}, code="wrong_state")


def check_forward_rules(entry: Entry, campaign: Campaign) -> None:
    """The campaign's conditions for sending an entry up: rectification photos and the unit's assessment."""
    if campaign.require_rectification_to_forward and not entry.has_rectification_photos:
        raise ReviewError(_("该作品还没有隐患整改后的照片，不能向上推荐。请先由作者补充整改后照片。"),
                          code="no_rectification")
    if campaign.require_unit_assessment_to_forward and entry.unit_score is None:
        raise ReviewError(_("该作品还没有推荐单位的隐患举报价值评价（D值），不能向上推荐。请先完成单位评价。"),
                          code="no_unit_assessment")


def quota_for(campaign: Campaign, union) -> RecommendationQuota:
    """The union's quota row, created on first use with the campaign's cap (not saved when unused)."""
    quota = RecommendationQuota.objects.filter(campaign=campaign, union=union).first()
    return quota or RecommendationQuota(campaign=campaign, union=union, cap=campaign.recommend_cap, used=0)


def _cap_refusal(quota: RecommendationQuota, cap: int) -> ReviewError:
    return ReviewError(_("%(union)s推荐省级评审的作品已达上限：已推荐 %(used)d/%(cap)d，不能再推荐。如需更换，请先撤销一件已推荐的作品。") % {
        "union": quota.union, "used": quota.used, "cap": cap}, code="cap_reached")


def check_advance(entry: Entry, actor, campaign: Campaign, tier: int) -> None:
    """Raise ReviewError unless `actor` may forward `entry` from `tier` now."""
    if tier not in FORWARD_PERMISSION or not rules.has_perm(FORWARD_PERMISSION[tier], actor, entry):
        raise ReviewPermissionDenied
    verb = FORWARD_ACTION[tier].label
    if entry.tier != tier or entry.state not in PENDING_STATES[tier]:
        raise _state_refusal(entry, tier, verb)
    check_window(campaign, tier, RECOMMEND if tier == Tier.SELECTION else DECIDE)
    check_forward_rules(entry, campaign)
    if tier == Tier.SELECTION:
        # Read without a lock, to explain early; _take_quota decides under concurrency.
        quota = quota_for(campaign, entry.selection_union)
        if quota.used >= campaign.recommend_cap:
            raise _cap_refusal(quota, campaign.recommend_cap)


def check_decision(entry: Entry, actor, campaign: Campaign, action: str) -> None:
    """Raise ReviewError unless `actor` may return or reject `entry` at its current tier now."""
    permission = "review.return_entry" if action == TransitionAction.RETURN else "review.reject_entry"
    if not rules.has_perm(permission, actor, entry):
        raise ReviewPermissionDenied
    verb = TransitionAction(action).label
    if entry.tier not in ACTING_TIERS or entry.state not in PENDING_STATES[entry.tier]:
        raise _state_refusal(entry, entry.tier, verb)
    check_window(campaign, entry.tier, DECIDE)


def last_transition(entry: Entry) -> Transition | None:
    return entry.transitions.order_by("-created_at", "-id").first()


def _next_tier_acted(entry: Entry, tier: int) -> bool:
    """Whether the tier an entry was forwarded to has graded or assessed it (transitions are checked apart);
    at the province, also whether the committee has assigned experts or decided an award."""
    from scoring.models import Assessment

    if (TierGrade.objects.filter(entry=entry, tier=tier).exists()
            or Assessment.objects.filter(entry=entry, tier=tier).exists()):
        return True
    if tier == Tier.PROVINCE and django_apps.is_installed("review.experts"):
        assignments = django_apps.get_model("submissions", "ExpertAssignment")
        awards = django_apps.get_model("experts", "FinalAward")
        return (assignments.objects.filter(entry=entry).active().exists()
                or awards.objects.filter(entry=entry).exists())
    return False


def check_undo(entry: Entry, actor, campaign: Campaign, last: Transition | None) -> Transition:
    """Raise ReviewError unless `actor` may take back `last`, the entry's latest step; return it."""
    if not rules.has_perm("review.undo_transition", actor, entry):
        raise ReviewPermissionDenied
    if last is None or last.action not in UNDOABLE_ACTIONS:
        raise ReviewError(_("该作品最近一步不是推荐、报送或不予推荐，没有可以撤销的操作。"), code="nothing_to_undo")
    if not reviews_at_tier(actor, entry, last.acting_tier):
        raise ReviewPermissionDenied(_("只有%(tier)s的评审人员可以撤销这一步。") % {
            "tier": Tier(last.acting_tier).label})
    if (entry.state, entry.tier) != (last.to_state, last.to_tier):
        raise ReviewError(_("作品状态已变化，不能撤销。"), code="changed")
    if last.action in FORWARD_ACTIONS and _next_tier_acted(entry, last.to_tier):
        raise ReviewError(_("%(tier)s已对该作品评分或评定等次，不能撤销。") % {"tier": Tier(last.to_tier).label},
                          code="next_tier_acted")
    purpose = RECOMMEND if last.action == TransitionAction.RECOMMEND_PROVINCE else DECIDE
    check_window(campaign, last.acting_tier, purpose)
    return last


def check_grade(entry: Entry, actor, campaign: Campaign, tier: int) -> None:
    """Raise ReviewError unless `actor` may grade `entry` at `tier` now."""
    if tier not in ACTING_TIERS or not reviews_at_tier(actor, entry, tier):
        raise ReviewPermissionDenied
    if entry.tier < tier:
        raise ReviewError(_("该作品尚未报送到%(tier)s，不能评定等次。") % {"tier": Tier(tier).label},
                          code="tier_not_reached")
    if entry.state not in GRADEABLE_STATES:
        raise ReviewError(_("“%(state)s”的作品不能评定等次。") % {"state": entry.get_state_display()},
                          code="not_gradeable")
    check_window(campaign, tier, GRADE)


# --- the services -----------------------------------------------------------------------------------

def _lock(entry: Entry) -> tuple[Entry, Campaign]:
    # Only the entry row is locked; the campaign (with its phases) is read separately.
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    # The results lock is read in the same query (province_results_locked): checked once per action.
    campaign = (Campaign.objects.prefetch_related("phases")
                .annotate(province_results_locked=Exists(_results_locks().filter(campaign_id=OuterRef("pk"))))
                .get(pk=locked.campaign_id))
    locked.campaign = campaign
    return locked, campaign


def _check_expected_tier(entry: Entry, expected) -> None:
    """A page acts on what it showed: a stale page (another reviewer moved the entry) is refused."""
    if expected in (None, ""):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise ReviewError(_("请求无效。"), code="invalid") from None
    if entry.tier != expected:
        raise ReviewError(_("作品已被他人处理，当前在“%(tier)s”（%(state)s）。请刷新页面查看最新状态。") % {
            "tier": entry.get_tier_display(), "state": entry.get_state_display()}, code="stale")


def _clean_reason(reason, *, required: bool, what: str) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if required and not reason:
        raise ReviewError(_("请填写%(what)s。") % {"what": what}, code="reason_required")
    if len(reason) > REASON_MAX_CHARS:
        raise ReviewError(_("%(what)s不超过%(max)d字（现为%(count)d字）。") % {
            "what": what, "max": REASON_MAX_CHARS, "count": len(reason)}, code="reason_too_long")
    return reason


def _move(entry: Entry, original: Entry, *, actor, action: str, to_state: str, to_tier: int, acting_tier: int,
          reason: str = "", request=None) -> Transition:
    """Change state and tier of the locked `entry`, record the step and audit it."""
    from_state, from_tier = entry.state, entry.tier
    now = timezone.now()
    # update(): only these columns change; whatever else was edited meanwhile is left alone.
    Entry.objects.filter(pk=entry.pk).update(state=to_state, tier=to_tier, updated_at=now)
    # The caller's object follows too, so it can redirect or render with the new state.
    for obj in (entry, original):
        obj.state, obj.tier, obj.updated_at = to_state, to_tier, now
    transition = Transition.objects.create(
        entry=entry, actor=actor, action=action, from_state=from_state, to_state=to_state,
        from_tier=from_tier, to_tier=to_tier, acting_tier=acting_tier, reason=reason)
    record_audit(actor, f"review.{action}", entry, request=request,
                 summary=_("%(action)s：%(from)s → %(to)s") % {
                     "action": TransitionAction(action).label, "from": EntryState(from_state).label,
                     "to": EntryState(to_state).label},
                 changes={"state": [from_state, to_state], "tier": [int(from_tier), int(to_tier)],
                          "acting_tier": int(acting_tier), "reason": reason, "transition": transition.pk})
    return transition


def _notify_author(entry: Entry, kind: str, message: str, *, email: bool) -> Notification:
    notification = Notification.objects.create(user_id=entry.author_id, entry=entry, kind=kind, message=message)
    if email:
        from review.tasks import task_send_notification_email as send_notification_email

        enqueue_on_commit(send_notification_email, notification.pk)
    return notification


def notify_authors(items: list[tuple[Entry, str]], kind: str, *, email: bool) -> list[Notification]:
    """Notify the author of each entry of `items` ((entry, message) pairs) in the portal, in one insert,
    and e-mail them when `email` (one task for all, queued on commit). Used by review.experts and
    review.exhibition for the provincial result and the publication."""
    notifications = Notification.objects.bulk_create([
        Notification(user_id=entry.author_id, entry=entry, kind=kind, message=message) for entry, message in items])
    if email and notifications:
        from review.tasks import task_send_notification_emails as send_notification_emails

        enqueue_on_commit(send_notification_emails, [notification.pk for notification in notifications])
    return notifications


def _advance(entry: Entry, *, actor, tier: int, comment: str = "", request=None) -> Transition:
    comment = _clean_reason(comment, required=False, what=_("评审意见"))
    locked, campaign = _lock(entry)
    if tier == Tier.SELECTION:
        _hold_off_the_results_lock(campaign)
    check_advance(locked, actor, campaign, tier)
    to_tier = next_tier(locked, tier)
    if tier == Tier.SELECTION:
        _take_quota(campaign, locked)
    transition = _move(locked, entry, actor=actor, action=FORWARD_ACTION[tier], to_state=FORWARD_STATE[tier],
                       to_tier=to_tier, acting_tier=tier, reason=comment, request=request)
    node = {Tier.UNIT: locked.unit, Tier.FIRST_REVIEW: locked.first_review_union,
            Tier.SELECTION: locked.selection_union}[tier]
    if tier == Tier.SELECTION:
        message = _("您的作品《%(title)s》已由%(node)s推荐参加省级评审。") % {"title": _title(locked), "node": node}
    else:
        message = _("您的作品《%(title)s》已通过%(node)s审核，进入%(tier)s。") % {
            "title": _title(locked), "node": node, "tier": Tier(to_tier).label}
    _notify_author(locked, NotificationKind.ADVANCED, message, email=True)
    return transition


def _take_quota(campaign: Campaign, entry: Entry) -> None:
    """Count one more recommendation of the entry's union, or refuse when its cap is reached.

    One conditional UPDATE does it (`used = used + 1 WHERE used < cap`): PostgreSQL locks the row and
    re-evaluates the condition after a concurrent transaction commits, so of many simultaneous clicks
    exactly the remaining number succeed; the CHECK constraint (used <= cap) backs it in the database.
    """
    cap = campaign.recommend_cap
    quota, _created = RecommendationQuota.objects.get_or_create(
        campaign=campaign, union_id=entry.selection_union_id, defaults={"cap": cap})
    if quota.cap != cap:
        # The committee changed the campaign's cap: follow it, never below what is already used.
        RecommendationQuota.objects.filter(pk=quota.pk, used__lte=cap).update(cap=cap)
    taken = (RecommendationQuota.objects.filter(pk=quota.pk, used__lt=F("cap")).filter(used__lt=cap)
             .update(used=F("used") + 1))
    if not taken:
        quota.refresh_from_db()
        raise _cap_refusal(quota, min(quota.cap, cap))


def _release_quota(campaign: Campaign, entry: Entry) -> None:
    RecommendationQuota.objects.filter(campaign=campaign, union_id=entry.selection_union_id, used__gt=0).update(
        used=F("used") - 1)


@transaction.atomic
def recommend_entry(entry: Entry, *, actor, comment: str = "", request=None) -> Transition:
    """The unit union recommends a submitted entry (推荐): state UNIT_RECOMMENDED, tier FIRST_REVIEW, or
    tier SELECTION directly when the unit hangs under a city or industry union (no county/group above).

    Requires the actor to coordinate the entry's unit, the unit's window open, and the campaign's
    forwarding conditions (rectification photos, unit assessment). The author is notified and e-mailed.
    """
    return _advance(entry, actor=actor, tier=Tier.UNIT, comment=comment, request=request)


@transaction.atomic
def forward_entry(entry: Entry, *, actor, comment: str = "", request=None) -> Transition:
    """The county union or group enterprise forwards an entry after 初评 (报送): state FIRST_FORWARDED,
    tier SELECTION. Same conditions as recommend_entry, at the FIRST_REVIEW tier and phase."""
    return _advance(entry, actor=actor, tier=Tier.FIRST_REVIEW, comment=comment, request=request)


@transaction.atomic
def recommend_entry_to_province(entry: Entry, *, actor, comment: str = "", request=None) -> Transition:
    """The city or provincial industry union recommends an entry to the province: state
    PROVINCE_RECOMMENDED, tier PROVINCE, while the RECOMMENDATION phase is open.

    Counts against the union's cap (campaign.recommend_cap, 50): the 51st is refused, also when several
    staff click at once (see _take_quota).
    """
    return _advance(entry, actor=actor, tier=Tier.SELECTION, comment=comment, request=request)


FORWARD_SERVICES = {Tier.UNIT: recommend_entry, Tier.FIRST_REVIEW: forward_entry,
                    Tier.SELECTION: recommend_entry_to_province}


@transaction.atomic
def return_entry(entry: Entry, *, actor, reason: str, tier=None, request=None) -> Transition:
    """Return an entry waiting at the actor's tier to its author for changes (退回修改); reason required.

    The entry goes to state RETURNED and back to tier UNIT, whichever tier returned it: once the author
    has edited it and submitted it again (submissions.services.submit_entry: RETURNED → SUBMITTED), it
    climbs again from the unit, tier by tier, so every tier sees the changed version. Grades already
    given stay as they were. The author sees the reason and is notified and e-mailed.
    `tier` is the tier the page showed; when the entry has moved since, the return is refused.
    """
    reason = _clean_reason(reason, required=True, what=_("退回原因"))
    locked, campaign = _lock(entry)
    _check_expected_tier(locked, tier)
    check_decision(locked, actor, campaign, TransitionAction.RETURN)
    acting = locked.tier
    # The author's page reads the reason back from this step's audit record ("review.return").
    transition = _move(locked, entry, actor=actor, action=TransitionAction.RETURN, to_state=EntryState.RETURNED,
                       to_tier=Tier.UNIT, acting_tier=acting, reason=reason, request=request)
    _notify_author(locked, NotificationKind.RETURNED, _(
        "您的作品《%(title)s》被%(tier)s退回修改。退回原因：%(reason)s 请修改后重新提交。") % {
        "title": _title(locked), "tier": Tier(acting).label, "reason": reason}, email=True)
    return transition


@transaction.atomic
def reject_entry(entry: Entry, *, actor, reason: str, tier=None, request=None) -> Transition:
    """Reject an entry waiting at the actor's tier (不予推荐): state REJECTED, the tier stays.

    The reason is required and internal: staff read it in the history, the author only learns that the
    entry was not selected at this tier (notified and e-mailed). The same tier may undo it while its
    window is open (undo_transition).
    """
    reason = _clean_reason(reason, required=True, what=_("不予推荐的原因"))
    locked, campaign = _lock(entry)
    _check_expected_tier(locked, tier)
    check_decision(locked, actor, campaign, TransitionAction.REJECT)
    acting = locked.tier
    transition = _move(locked, entry, actor=actor, action=TransitionAction.REJECT, to_state=EntryState.REJECTED,
                       to_tier=acting, acting_tier=acting, reason=reason, request=request)
    _notify_author(locked, NotificationKind.REJECTED, _("很遗憾，您的作品《%(title)s》在%(tier)s未入选。") % {
        "title": _title(locked), "tier": Tier(acting).label}, email=True)
    return transition


@transaction.atomic
def undo_transition(entry: Entry, *, actor, reason: str = "", request=None) -> Transition:
    """Take back the entry's latest step when it was a forward or a rejection: back to the previous
    state and tier.

    Only the tier that took the step may undo it, while that tier's window is open (for a recommendation
    to the province: the RECOMMENDATION phase), and only while nothing happened since: no later step,
    and no grade or assessment by the tier it was forwarded to. Undoing a recommendation to the province
    gives its place back to the union's quota. The author is notified in the portal (not e-mailed).
    """
    reason = _clean_reason(reason, required=False, what=_("撤销说明"))
    locked, campaign = _lock(entry)
    last = last_transition(locked)
    if last is not None and last.action == TransitionAction.RECOMMEND_PROVINCE:
        _hold_off_the_results_lock(campaign)
    last = check_undo(locked, actor, campaign, last)
    if last.action == TransitionAction.RECOMMEND_PROVINCE:
        _release_quota(campaign, locked)
    transition = _move(locked, entry, actor=actor, action=TransitionAction.UNDO, to_state=last.from_state,
                       to_tier=last.from_tier, acting_tier=last.acting_tier, reason=reason, request=request)
    _notify_author(locked, NotificationKind.UNDONE, _("您的作品《%(title)s》的“%(action)s”已撤销，作品回到%(tier)s（%(state)s）。") % {
        "title": _title(locked), "action": TransitionAction(last.action).label,
        "tier": Tier(last.from_tier).label, "state": EntryState(last.from_state).label}, email=False)
    return transition


@transaction.atomic
def grade_entry(entry: Entry, *, actor, tier, award_level: AwardLevel | None, request=None) -> TierGrade | None:
    """Set (or with award_level=None clear) the grade (评出等次) `tier` gives `entry`: one of the campaign's
    work award levels (一等奖 … 优秀奖), the tier's own local result, one per entry and tier.

    The actor must review the entry at `tier`, the entry must have reached that tier and still be in the
    running (submitted or recommended), and the tier's grading window must be open.
    """
    try:
        tier = Tier(int(tier))
    except (TypeError, ValueError):
        raise ReviewError(_("评定层级无效。"), code="invalid_tier") from None
    locked, campaign = _lock(entry)
    check_grade(locked, actor, campaign, tier)
    if award_level is not None and (award_level.campaign_id != locked.campaign_id
                                    or award_level.kind != AwardKind.WORK):
        raise ReviewError(_("请选择本活动的作品奖等次。"), code="invalid_level")
    grade = TierGrade.objects.filter(entry=locked, tier=tier).select_related("award_level").first()
    old = grade.award_level.name if grade else None
    new = award_level.name if award_level else None
    if old == new:
        return grade
    if award_level is None:
        grade.delete()
        grade = None
    elif grade is None:
        grade = TierGrade.objects.create(entry=locked, tier=tier, award_level=award_level, graded_by=actor)
    else:
        grade.award_level, grade.graded_by = award_level, actor
        grade.save(update_fields=["award_level", "graded_by", "graded_at"])
    record_audit(actor, "review.grade", locked, request=request,
                 summary=_("%(tier)s评定等次：%(old)s → %(new)s") % {
                     "tier": tier.label, "old": old or _("无"), "new": new or _("无")},
                 changes={"tier": int(tier), "award_level": [old, new]})
    return grade


# --- what a page offers -----------------------------------------------------------------------------

@dataclass
class ActionOption:
    name: str            # url name in review.urls
    label: str
    allowed: bool
    refusal: str = ""
    needs_reason: bool = False
    reason_label: str = ""
    confirm: str = ""
    style: str = "primary"


def available_actions(entry: Entry, user, campaign: Campaign | None = None) -> list[ActionOption]:
    """The actions `user` holds a role for on `entry`, each allowed now or with the reason it is not."""
    campaign = campaign or entry.campaign
    options = []

    def attempt(check) -> tuple[bool, str]:
        try:
            check()
        except ReviewPermissionDenied:
            return False, None
        except ReviewError as exc:
            return False, exc.message
        return True, ""

    tier = entry.tier
    if tier in FORWARD_PERMISSION and rules.has_perm(FORWARD_PERMISSION[tier], user, entry):
        allowed, refusal = attempt(lambda: check_advance(entry, user, campaign, tier))
        if refusal is not None:
            label = FORWARD_ACTION[tier].label
            options.append(ActionOption(
                name={Tier.UNIT: "recommend", Tier.FIRST_REVIEW: "forward", Tier.SELECTION: "recommend_province"}[tier],
                label=label, allowed=allowed, refusal=refusal, reason_label=_("评审意见（选填，仅评审人员可见）"),
                confirm=_("确定%(action)s该作品吗？") % {"action": label}, style="success"))
    for action, name, reason_label, style in (
            (TransitionAction.RETURN, "return", _("退回原因（必填，作者可见）"), "warning"),
            (TransitionAction.REJECT, "reject", _("不予推荐的原因（必填，仅评审人员可见）"), "danger")):
        allowed, refusal = attempt(lambda action=action: check_decision(entry, user, campaign, action))
        if refusal is not None:
            options.append(ActionOption(name=name, label=action.label, allowed=allowed, refusal=refusal,
                                        needs_reason=True, reason_label=reason_label, style=style,
                                        confirm=_("确定%(action)s该作品吗？") % {"action": action.label}))
    last = last_transition(entry)
    if last is not None and last.action in UNDOABLE_ACTIONS and reviews_at_tier(user, entry, last.acting_tier):
        allowed, refusal = attempt(lambda: check_undo(entry, user, campaign, last))
        label = _("撤销“%(action)s”") % {"action": last.get_action_display()}
        options.append(ActionOption(name="undo", label=label, allowed=allowed, refusal=refusal or "",
                                    reason_label=_("撤销说明（选填，仅评审人员可见）"), style="secondary",
                                    confirm=_("确定%(action)s吗？") % {"action": label}))
    return options


def gradeable_tiers(entry: Entry, user, campaign: Campaign | None = None) -> list[tuple[Tier, bool, str]]:
    """(tier, allowed, refusal) for each tier at which `user` reviews `entry` and the entry has reached."""
    campaign = campaign or entry.campaign
    result = []
    for tier in ACTING_TIERS:
        if not reviews_at_tier(user, entry, tier) or entry.tier < tier:
            continue
        try:
            check_grade(entry, user, campaign, tier)
        except ReviewError as exc:
            result.append((Tier(tier), False, exc.message))
        else:
            result.append((Tier(tier), True, ""))
    return result


# --- notifications ----------------------------------------------------------------------------------

def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def author_entry_url(entry: Entry) -> str:
    """Where the author follows their entry (the submissions app's detail page, when it exists)."""
    for name in ("submissions:entry_detail", "submissions:detail"):
        try:
            return reverse(name, args=[entry.pk])
        except NoReverseMatch:
            continue
    return reverse("review:notifications")


def email_notification(notification: Notification) -> bool:
    """E-mail a notification to its user once; False when there is nothing to send or nobody to send to."""
    user = notification.user
    if notification.emailed_at is not None or not user.is_active or not user.email:
        return False
    link = author_entry_url(notification.entry) if notification.entry_id else reverse("review:notifications")
    subject = _("【随手拍】%(kind)s：%(title)s") % {
        "kind": notification.get_kind_display(),
        "title": _title(notification.entry) if notification.entry_id else ""}
    body = _("%(name)s，您好：\n\n%(message)s\n\n查看详情：%(link)s\n\n（本邮件由系统自动发送，请勿直接回复。）") % {
        "name": user.get_full_name(), "message": notification.message, "link": absolute_url(link)}
    send_mail(subject, body, None, [user.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def mark_notification_read(notification: Notification, *, actor) -> Notification:
    """Mark one of the actor's notifications read (no audit: reading is not a state change of the review)."""
    if notification.user_id != actor.pk:
        raise ReviewPermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def mark_all_notifications_read(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def waiting_counts(user, campaign: Campaign) -> list[tuple[ReviewerRole, int]]:
    """For each reviewer role of `user` whose tier can act now: how many entries wait in its queue."""
    from review.scoping import queue_entries, reviewer_roles

    counts = []
    for role in reviewer_roles(user):
        if role.is_committee or not tier_open(campaign, role.tier):
            continue
        count = queue_entries(user, role, campaign, QueueStage.PENDING).count()
        if count:
            counts.append((role, count))
    return counts


def send_review_digest(*, campaign: Campaign | None = None) -> int:
    """E-mail every reviewer with entries waiting for them a count per role and a link; return how many
    e-mails were sent. Counts go through the queue's own query, so they match what the link shows."""
    from portal.accounts.models import User
    from review.enums import ROLE_TIER

    campaign = campaign or Campaign.objects.prefetch_related("phases").current()
    if campaign is None:
        return 0
    reviewers = (User.objects.filter(is_active=True, roles__kind__in=list(ROLE_TIER))
                 .exclude(email="").distinct().order_by("pk"))
    messages = []
    for user in reviewers:
        counts = waiting_counts(user, campaign)
        if not counts:
            continue
        total = sum(count for _role, count in counts)
        lines = [_("%(role)s：%(count)d 件待处理　%(link)s") % {
            "role": role.label, "count": count,
            "link": absolute_url(reverse("review:queue") + f"?role={role.pk}")} for role, count in counts]
        body = _("%(name)s，您好：\n\n%(campaign)s中有 %(total)d 件作品等待您评审：\n\n%(lines)s\n\n（本邮件由系统每日自动发送，请勿直接回复。）") % {
            "name": user.get_full_name(), "campaign": campaign.title, "total": total, "lines": "\n".join(lines)}
        subject = _("【随手拍】您有 %(total)d 件作品待评审") % {"total": total}
        messages.append((subject, body, None, [user.email]))
    if messages:
        send_mass_mail(messages)
    return len(messages)


@transaction.atomic
def sync_recommendation_quota(campaign: Campaign, union) -> RecommendationQuota:
    """Recount a union's quota from its entries (after a data import or demo data); cap from the campaign."""
    used = Entry.objects.filter(campaign=campaign, selection_union=union,
                                state=EntryState.PROVINCE_RECOMMENDED).count()
    quota, _created = RecommendationQuota.objects.select_for_update().get_or_create(
        campaign=campaign, union=union, defaults={"cap": max(campaign.recommend_cap, used), "used": used})
    quota.cap, quota.used = max(campaign.recommend_cap, used), used
    quota.save(update_fields=["cap", "used"])
    return quota
