"""An entry's history, read back from its review steps and the author's submissions."""

from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditRecord
from submissions.enums import EntryState, Tier

# Audit actions of the submissions app that belong in an entry's history beside the review's steps.
SUBMISSION_EVENTS = {"entry.submit": _("提交作品"), "entry.withdraw": _("撤回作品")}


def entry_history(entry, *, staff: bool):
    """The entry's steps, oldest first: review transitions and the author's submissions.

    For staff every step with actor and reason; for the author the status after each step and the
    reasons of returns only.
    """
    steps = []
    for transition in entry.transitions.select_related("actor").order_by("created_at", "id"):
        public_reason = transition.reason if transition.is_public else ""
        steps.append({
            "at": transition.created_at, "action": transition.get_action_display(),
            "actor": (transition.actor.get_full_name() if transition.actor else "") if staff else "",
            "tier": Tier(transition.acting_tier).label,
            "from_state": transition.get_from_state_display(), "to_state": transition.get_to_state_display(),
            "from_tier": transition.get_from_tier_display(), "to_tier": transition.get_to_tier_display(),
            "reason": transition.reason if staff else public_reason,
            "public": transition.is_public,
        })
    for record in AuditRecord.objects.for_object(entry).filter(action__in=SUBMISSION_EVENTS):
        state = (record.changes or {}).get("state") or [None, None]
        steps.append({
            "at": record.created_at, "action": SUBMISSION_EVENTS[record.action],
            "actor": record.actor_name if staff else "", "tier": Tier.UNIT.label,
            "from_state": _state_label(state[0]), "to_state": _state_label(state[-1]),
            "from_tier": "", "to_tier": "", "reason": "", "public": True,
        })
    steps.sort(key=lambda step: step["at"])
    return steps


def _state_label(value):
    try:
        return EntryState(value).label
    except ValueError:
        return ""
