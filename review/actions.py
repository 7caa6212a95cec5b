"""What a review page offers a user on an entry: each action with whether it is allowed now and, if not, why.

Read-only: the checks are review.checks, the same the services run under the entry's lock, so a button
is enabled exactly when the click would be accepted (barring a concurrent change).
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.utils.translation import gettext as _

from portal.campaigns.models import Campaign
from portal.refusals import Refused
from review.checks import (
    check_advance,
    check_decision,
    check_grade,
    check_undo,
    last_transition,
)
from review.rules import reviews_at_tier
from submissions.enums import Tier, TransitionAction
from submissions.models import Entry
from submissions.tiers import DECIDING_TIERS, UNDOABLE_ACTIONS, spec_for


# The url name in review.urls of each tier's forward action.
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


def _attempt(check) -> tuple[bool, str | None]:
    """(allowed, refusal) of a check; refusal None when the user holds no role for the step at all."""
    try:
        check()
    except Refused as exc:
        return False, None if exc.denied else exc.message
    return True, ""


def _forward_option(entry: Entry, user, campaign: Campaign) -> ActionOption | None:
    tier = entry.tier
    spec = spec_for(tier)
    if spec is None or not spec.decides or not rules.has_perm(spec.forward_permission, user, entry):
        return None
    allowed, refusal = _attempt(lambda: check_advance(entry, user, campaign, tier))
    if refusal is None:
        return None
    label = spec.forward_label
    return ActionOption(name=spec.forward_url, label=label, allowed=allowed, refusal=refusal,
                        reason_label=_("评审意见（选填，仅评审人员可见）"),
                        confirm=_("确定%(action)s该作品吗？") % {"action": label}, style="success")


def _decision_options(entry: Entry, user, campaign: Campaign) -> list[ActionOption]:
    options = []
    for action, name, reason_label, style in (
            (TransitionAction.RETURN, "return", _("退回原因（必填，作者可见）"), "warning"),
            (TransitionAction.REJECT, "reject", _("不予推荐的原因（必填，仅评审人员可见）"), "danger")):
        allowed, refusal = _attempt(lambda action=action: check_decision(entry, user, campaign, action))
        if refusal is not None:
            options.append(ActionOption(name=name, label=action.label, allowed=allowed, refusal=refusal,
                                        needs_reason=True, reason_label=reason_label, style=style,
                                        confirm=_("确定%(action)s该作品吗？") % {"action": action.label}))
    return options


def _undo_option(entry: Entry, user, campaign: Campaign) -> ActionOption | None:
    last = last_transition(entry)
    if last is None or last.action not in UNDOABLE_ACTIONS or not reviews_at_tier(user, entry, last.acting_tier):
        return None
    allowed, refusal = _attempt(lambda: check_undo(entry, user, campaign, last))
    label = _("撤销“%(action)s”") % {"action": last.get_action_display()}
    return ActionOption(name="undo", label=label, allowed=allowed, refusal=refusal or "",
                        reason_label=_("撤销说明（选填，仅评审人员可见）"), style="secondary",
                        confirm=_("确定%(action)s吗？") % {"action": label})


def available_actions(entry: Entry, user, campaign: Campaign | None = None) -> list[ActionOption]:
    """The actions `user` holds a role for on `entry`, each allowed now or with the reason it is not."""
    campaign = campaign or entry.campaign
    forward = _forward_option(entry, user, campaign)
    undo = _undo_option(entry, user, campaign)
    return [*([forward] if forward else []), *_decision_options(entry, user, campaign), *([undo] if undo else [])]


def gradeable_tiers(entry: Entry, user, campaign: Campaign | None = None) -> list[tuple[Tier, bool, str]]:
    """(tier, allowed, refusal) for each tier at which `user` reviews `entry` and the entry has reached."""
    campaign = campaign or entry.campaign
    result = []
    for tier in DECIDING_TIERS:
        if not reviews_at_tier(user, entry, tier) or entry.tier < tier:
            continue
        try:
            check_grade(entry, user, campaign, tier)
        except Refused as exc:
            result.append((Tier(tier), False, exc.message))
        else:
            result.append((Tier(tier), True, ""))
    return result
