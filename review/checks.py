"""Who may take which review step on an entry now: the checks shared by the services and the pages.

Each `check_*` raises `Refused` with a Chinese sentence (code "permission_denied" when the actor holds no
role for the step); review.services calls them under the entry's lock, review.actions to explain on the
page why a button is disabled.
"""

from __future__ import annotations

import rules
from django.apps import apps as django_apps
from django.utils.translation import gettext as _

from portal.campaigns.models import Campaign
from portal.refusals import Refused
from review.models import RecommendationQuota, TierGrade, Transition
from review.phases import DECIDE, GRADE, RECOMMEND, check_window
from review.rules import reviews_at_tier
from scoring.models import Assessment
from submissions.enums import Tier, TransitionAction
from submissions.models import Entry, ExpertAssignment
from submissions.tiers import (
    DECIDING_TIERS,
    FORWARD_ACTIONS,
    GRADEABLE_STATES,
    TIERS,
    UNDOABLE_ACTIONS,
    spec_for,
)
from submissions.tiers import next_tier as next_tier


def forward_purpose(tier) -> str:
    """Which phase a forward from `tier` needs: a capped forward (to the province) is a recommendation."""
    spec = spec_for(tier)
    return RECOMMEND if spec is not None and spec.capped else DECIDE


def _denied(message: str | None = None) -> Refused:
    return Refused.permission_denied(message or _("您没有对该作品执行此操作的权限。"))


def _state_refusal(entry: Entry, tier: int, verb: str) -> Refused:
    if entry.tier != tier:
        return Refused(_("该作品当前在“%(current)s”（%(state)s），不在%(tier)s，不能%(verb)s。请刷新页面查看最新状态。") % {
            "current": entry.get_tier_display(), "state": entry.get_state_display(),
            "tier": Tier(tier).label, "verb": verb}, code="wrong_tier")
    return Refused(_("该作品当前状态为“%(state)s”，不能%(verb)s。") % {
        "state": entry.get_state_display(), "verb": verb}, code="wrong_state")


def check_forward_rules(entry: Entry, campaign: Campaign) -> None:
    """The campaign's conditions for sending an entry up: rectification photos and the unit's assessment."""
    if campaign.require_rectification_to_forward and not entry.has_rectification_photos:
        raise Refused(_("该作品还没有隐患整改后的照片，不能向上推荐。请先由作者补充整改后照片。"),
                      code="no_rectification")
    if campaign.require_unit_assessment_to_forward and entry.unit_score is None:
        raise Refused(_("该作品还没有推荐单位的隐患举报价值评价（D值），不能向上推荐。请先完成单位评价。"),
                      code="no_unit_assessment")


def quota_for(campaign: Campaign, union) -> RecommendationQuota:
    """The union's quota row, created on first use with the campaign's cap (not saved when unused)."""
    quota = RecommendationQuota.objects.filter(campaign=campaign, union=union).first()
    return quota or RecommendationQuota(campaign=campaign, union=union, cap=campaign.recommend_cap, used=0)


def cap_refusal(quota: RecommendationQuota, cap: int) -> Refused:
    return Refused(_("%(union)s推荐省级评审的作品已达上限：已推荐 %(used)d/%(cap)d，不能再推荐。如需更换，请先撤销一件已推荐的作品。") % {
        "union": quota.union, "used": quota.used, "cap": cap}, code="cap_reached")


def check_advance(entry: Entry, actor, campaign: Campaign, tier: int) -> None:
    """Raise Refused unless `actor` may forward `entry` from `tier` now."""
    spec = spec_for(tier)
    if spec is None or not spec.decides or not rules.has_perm(spec.forward_permission, actor, entry):
        raise _denied()
    if entry.tier != tier or entry.state not in spec.pending_states:
        raise _state_refusal(entry, tier, spec.forward_label)
    check_window(campaign, tier, forward_purpose(tier))
    check_forward_rules(entry, campaign)
    if spec.capped:
        # Read without a lock, to explain early; services._take_quota decides under concurrency.
        quota = quota_for(campaign, entry.selection_union)
        if quota.used >= campaign.recommend_cap:
            raise cap_refusal(quota, campaign.recommend_cap)


def check_decision(entry: Entry, actor, campaign: Campaign, action: str) -> None:
    """Raise Refused unless `actor` may return or reject `entry` at its current tier now."""
    permission = "review.return_entry" if action == TransitionAction.RETURN else "review.reject_entry"
    if not rules.has_perm(permission, actor, entry):
        raise _denied()
    verb = TransitionAction(action).label
    if entry.tier not in DECIDING_TIERS or entry.state not in TIERS[entry.tier].pending_states:
        raise _state_refusal(entry, entry.tier, verb)
    check_window(campaign, entry.tier, DECIDE)


def last_transition(entry: Entry) -> Transition | None:
    return entry.transitions.order_by("-created_at", "-id").first()


def _next_tier_acted(entry: Entry, tier: int) -> bool:
    """Whether the tier an entry was forwarded to has graded or assessed it (transitions are checked apart);
    at the province, also whether the committee has assigned experts or decided an award."""
    if (TierGrade.objects.filter(entry=entry, tier=tier).exists()
            or Assessment.objects.filter(entry=entry, tier=tier).exists()):
        return True
    if tier == Tier.PROVINCE:
        # Through the app registry: review.experts sits above this app.
        awards = django_apps.get_model("experts", "FinalAward")
        return (ExpertAssignment.objects.filter(entry=entry).active().exists()
                or awards.objects.filter(entry=entry).exists())
    return False


def check_undo(entry: Entry, actor, campaign: Campaign, last: Transition | None) -> Transition:
    """Raise Refused unless `actor` may take back `last`, the entry's latest step; return it."""
    if not rules.has_perm("review.undo_transition", actor, entry):
        raise _denied()
    if last is None or last.action not in UNDOABLE_ACTIONS:
        raise Refused(_("该作品最近一步不是推荐、报送或不予推荐，没有可以撤销的操作。"), code="nothing_to_undo")
    if not reviews_at_tier(actor, entry, last.acting_tier):
        raise _denied(_("只有%(tier)s的评审人员可以撤销这一步。") % {"tier": Tier(last.acting_tier).label})
    if (entry.state, entry.tier) != (last.to_state, last.to_tier):
        raise Refused(_("作品状态已变化，不能撤销。"), code="changed")
    if last.action in FORWARD_ACTIONS and _next_tier_acted(entry, last.to_tier):
        raise Refused(_("%(tier)s已对该作品评分或评定等次，不能撤销。") % {"tier": Tier(last.to_tier).label},
                      code="next_tier_acted")
    purpose = RECOMMEND if last.action == TransitionAction.RECOMMEND_PROVINCE else DECIDE
    check_window(campaign, last.acting_tier, purpose)
    return last


def check_grade(entry: Entry, actor, campaign: Campaign, tier: int) -> None:
    """Raise Refused unless `actor` may grade `entry` at `tier` now."""
    if tier not in DECIDING_TIERS or not reviews_at_tier(actor, entry, tier):
        raise _denied()
    if entry.tier < tier:
        raise Refused(_("该作品尚未报送到%(tier)s，不能评定等次。") % {"tier": Tier(tier).label},
                      code="tier_not_reached")
    if entry.state not in GRADEABLE_STATES:
        raise Refused(_("“%(state)s”的作品不能评定等次。") % {"state": entry.get_state_display()},
                      code="not_gradeable")
    check_window(campaign, tier, GRADE)
