"""The tiered review: every state change of an entry after submission goes through these functions.

unit (单位工会) → county union or group enterprise (县级/集团初评) → city union or provincial industry union
(市/产业甄选) → province. Each service locks the entry (`select_for_update`), re-checks who may act and
when (review.checks, review.phases), changes state and tier with one UPDATE, writes a `Transition` (the
entry's history) and an audit record, and notifies the author (review.notifications); e-mails are queued
on commit. A refusal raises `portal.refusals.Refused` with a Chinese message for the user (code
"permission_denied" when the actor holds no role for the step).

Elsewhere: when each tier may act is review.phases; what a page offers is review.actions; notifications
and the reviewers' digest are review.notifications.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel, Campaign
from portal.refusals import Refused
from review.checks import (
    cap_refusal,
    check_advance,
    check_decision,
    check_grade,
    check_undo,
    last_transition,
    next_tier,
)
from review.enums import NotificationKind
from review.models import RecommendationQuota, TierGrade, Transition
from review.notifications import entry_title, notify_author
from review.phases import results_locks
from submissions.enums import EntryState, Tier, TransitionAction
from submissions.models import Entry
from submissions.tiers import TIERS

REASON_MAX_CHARS = 500

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


# --- the services -----------------------------------------------------------------------------------

def _lock(entry: Entry) -> tuple[Entry, Campaign]:
    # Only the entry row is locked; the campaign (with its phases) is read separately.
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    # The results lock is read in the same query (province_results_locked): checked once per action.
    campaign = (Campaign.objects.prefetch_related("phases")
                .annotate(province_results_locked=Exists(results_locks().filter(campaign_id=OuterRef("pk"))))
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
        raise Refused(_("请求无效。"), code="invalid") from None
    if entry.tier != expected:
        raise Refused(_("作品已被他人处理，当前在“%(tier)s”（%(state)s）。请刷新页面查看最新状态。") % {
            "tier": entry.get_tier_display(), "state": entry.get_state_display()}, code="stale")


def _clean_reason(reason, *, required: bool, what: str) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if required and not reason:
        raise Refused(_("请填写%(what)s。") % {"what": what}, code="reason_required")
    if len(reason) > REASON_MAX_CHARS:
        raise Refused(_("%(what)s不超过%(max)d字（现为%(count)d字）。") % {
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


def _advance(entry: Entry, *, actor, tier: int, comment: str = "", request=None) -> Transition:
    comment = _clean_reason(comment, required=False, what=_("评审意见"))
    locked, campaign = _lock(entry)
    spec = TIERS[Tier(tier)]
    if spec.capped:
        _hold_off_the_results_lock(campaign)
    check_advance(locked, actor, campaign, tier)
    to_tier = next_tier(locked, tier)
    if spec.capped:
        _take_quota(campaign, locked)
    transition = _move(locked, entry, actor=actor, action=spec.forward_action, to_state=spec.forward_state,
                       to_tier=to_tier, acting_tier=tier, reason=comment, request=request)
    node = spec.node_of(locked)
    if to_tier == Tier.PROVINCE:
        message = _("您的作品《%(title)s》已由%(node)s推荐参加省级评审。") % {"title": entry_title(locked), "node": node}
    else:
        message = _("您的作品《%(title)s》已通过%(node)s审核，进入%(tier)s。") % {
            "title": entry_title(locked), "node": node, "tier": Tier(to_tier).label}
    notify_author(locked, NotificationKind.ADVANCED, message, email=True)
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
        raise cap_refusal(quota, min(quota.cap, cap))


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
    # The author's page reads the reason back from this Transition (its reason is public for a return).
    transition = _move(locked, entry, actor=actor, action=TransitionAction.RETURN, to_state=EntryState.RETURNED,
                       to_tier=Tier.UNIT, acting_tier=acting, reason=reason, request=request)
    notify_author(locked, NotificationKind.RETURNED, _(
        "您的作品《%(title)s》被%(tier)s退回修改。退回原因：%(reason)s 请修改后重新提交。") % {
        "title": entry_title(locked), "tier": Tier(acting).label, "reason": reason}, email=True)
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
    notify_author(locked, NotificationKind.REJECTED, _("很遗憾，您的作品《%(title)s》在%(tier)s未入选。") % {
        "title": entry_title(locked), "tier": Tier(acting).label}, email=True)
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
    notify_author(locked, NotificationKind.UNDONE, _("您的作品《%(title)s》的“%(action)s”已撤销，作品回到%(tier)s（%(state)s）。") % {
        "title": entry_title(locked), "action": TransitionAction(last.action).label,
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
        raise Refused(_("评定层级无效。"), code="invalid_tier") from None
    locked, campaign = _lock(entry)
    check_grade(locked, actor, campaign, tier)
    if award_level is not None and (award_level.campaign_id != locked.campaign_id
                                    or award_level.kind != AwardKind.WORK):
        raise Refused(_("请选择本活动的作品奖等次。"), code="invalid_level")
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

