"""The legal clocks of a tip, their reminders and their escalation.

A tip has at most one running clock at a time (`running_clock`):

- 受理核查期限 (verify): from filing until a result, the programme's `verify_days` — counted from the filing
  while nobody has accepted the tip, from acceptance (plus the one extension) once accepted;
- 告知结果期限 (notify): from the conclusion until the reporter is told, `notify_days`;
- 异议复查期限 (review): from the reporter's objection until the 复查, `review_days`;
- 奖励申领期限 (claim): from the approval of a reward until it is claimed, `claim_days`.

`check_tip_clocks(today)` (the daily task) sends, once per clock, tip and due date, a reminder
`due_soon_days` before the due date to the handlers who must act, and after a missed due date an
escalation to the handlers of the level above (the province committee when no handler sits above); both
are `TipClockAlert` rows, shown on the tip page and the lists. A reward whose claim window closed lapses
instead of being escalated (the reporter, not a handler, missed it). Every notice goes through
review.notifications (kind TIP) and names the tip by its code only, never the reporter.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.enums import RoleKind
from portal.accounts.models import Role
from portal.audit.services import record_audit
from review.enums import NotificationKind
from review.notifications import notify_users
from tips.enums import CLOCK_STATES, RESULT_STATES, AlertKind, RewardState, TipClock, TipState
from tips.models import Tip, TipClockAlert
from tips.services import lapse_rewards

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningClock:
    clock: str
    due: datetime.date

    @property
    def label(self) -> str:
        return str(TipClock(self.clock).label)


def running_clock(tip: Tip) -> RunningClock | None:
    """The clock that runs for `tip` now (needs `tip.programme`, and `tip.reward` when there is one)."""
    programme = tip.programme
    if tip.state == TipState.SUBMITTED:
        return RunningClock(TipClock.VERIFY, timezone.localdate(tip.submitted_at)
                            + datetime.timedelta(days=programme.verify_days))
    if tip.state in CLOCK_STATES and tip.verify_due:
        return RunningClock(TipClock.VERIFY, tip.verify_due)
    if tip.state in RESULT_STATES and tip.notified_at is None and tip.notify_due:
        return RunningClock(TipClock.NOTIFY, tip.notify_due)
    if tip.state == TipState.OBJECTED and tip.objected_at:
        return RunningClock(TipClock.REVIEW, timezone.localdate(tip.objected_at)
                            + datetime.timedelta(days=programme.review_days))
    reward = getattr(tip, "reward", None) if _has_reward(tip) else None
    if reward is not None and reward.state == RewardState.APPROVED and reward.claim_due:
        return RunningClock(TipClock.CLAIM, reward.claim_due)
    return None


def _has_reward(tip: Tip) -> bool:
    try:
        return tip.reward is not None
    except Tip.reward.RelatedObjectDoesNotExist:
        return False


def escalation_shown(tip: Tip, alerts) -> TipClockAlert | None:
    """The escalation of the clock running now, if it was escalated (from `alerts`, the tip's alerts)."""
    clock = running_clock(tip)
    if clock is None:
        return None
    for alert in alerts:
        if alert.kind == AlertKind.ESCALATION and alert.clock == clock.clock and alert.due == clock.due:
            return alert
    return None


# Tips that may have a running clock: one query for the daily check.
OPEN_TIPS = (Q(state__in=(TipState.SUBMITTED, *CLOCK_STATES, TipState.OBJECTED))
             | Q(state__in=RESULT_STATES, notified_at__isnull=True)
             | Q(reward__state=RewardState.APPROVED))


@dataclass
class ClockReport:
    reminders: int = 0
    escalations: int = 0
    lapsed: int = 0


def check_tip_clocks(today: datetime.date | None = None) -> ClockReport:
    """Remind before and escalate after every running clock, once each (see the module docstring)."""
    today = today or timezone.localdate()
    report = ClockReport()
    tips = (Tip.objects.filter(OPEN_TIPS).distinct().select_related("programme", "unit", "area", "handler", "reward")
            .order_by("pk"))
    handlers = _handler_roles()
    for tip in tips:
        clock = running_clock(tip)
        if clock is None:
            continue
        if today > clock.due:
            if clock.clock == TipClock.CLAIM:
                continue  # lapsed below
            report.escalations += _alert(tip, clock, AlertKind.ESCALATION, _escalation_recipients(tip, clock,
                                                                                                  handlers))
        elif (clock.due - today).days <= tip.programme.due_soon_days:
            report.reminders += _alert(tip, clock, AlertKind.REMINDER, _acting_handlers(tip, clock, handlers))
    report.lapsed = lapse_rewards(today)
    return report


def _alert(tip: Tip, clock: RunningClock, kind: str, recipients: list[int]) -> int:
    """Record the alert once (the unique constraint makes a second run, or a concurrent one, a no-op) and
    notify `recipients`; 1 when it was new."""
    try:
        with transaction.atomic():
            _alert_row, created = TipClockAlert.objects.get_or_create(
                tip=tip, clock=clock.clock, kind=kind, due=clock.due, defaults={"notified": len(recipients)})
            if not created:
                return 0
            _notify(tip, clock, kind, recipients)
            record_audit(None, f"tip.clock_{kind}", tip, summary=f"{clock.label} {clock.due}")
    except IntegrityError:
        return 0
    return 1


def _notify(tip: Tip, clock: RunningClock, kind: str, recipients: list[int]) -> None:
    if not recipients:
        logger.warning("tip %s: nobody to notify about %s %s", tip.pk, clock.clock, kind)
        return
    values = {"code": tip.code, "clock": clock.label, "due": f"{clock.due:%Y-%m-%d}"}
    if kind == AlertKind.REMINDER:
        subject = _("举报%(code)s的%(clock)s即将到期") % values
        message = _("举报%(code)s的%(clock)s将于%(due)s到期，请及时办理。") % values
    else:
        subject = _("举报%(code)s已超过%(clock)s") % values
        message = _("举报%(code)s的%(clock)s已于%(due)s届满，现上报上一级督办。") % values
    notify_users([(user_id, message) for user_id in recipients], NotificationKind.TIP, subject=subject,
                 target_url=reverse("tips:detail", args=[tip.pk]), email=True)


def _handler_roles() -> list[tuple[int, str, int]]:
    """(user id, node path, node depth) of every active handler: one query for the whole check."""
    return list(Role.objects.filter(kind=RoleKind.TIP_HANDLER, user__is_active=True, node__isnull=False)
                .values_list("user_id", "node__path", "node__depth"))


def _covering(tip: Tip, handlers) -> list[tuple[int, int]]:
    """(user id, depth) of the handlers whose node holds the tip's place."""
    node = tip.location_node
    if node is None:
        return []
    return [(user_id, depth) for user_id, path, depth in handlers if node.path.startswith(path)]


def _acting_handlers(tip: Tip, clock: RunningClock, handlers) -> list[int]:
    """Who must act: for a 复查, the handlers above the tip's handler; otherwise the tip's handler while they
    still cover it, else every handler of the area."""
    covering = _covering(tip, handlers)
    if clock.clock == TipClock.REVIEW:
        return _above(covering, _depth_of(tip.handler_id, covering), exclude=tip.handler_id) or _committee()
    if tip.handler_id and any(user_id == tip.handler_id for user_id, _depth in covering):
        return [tip.handler_id]
    deepest = max((depth for _user, depth in covering), default=None)
    return sorted({user_id for user_id, depth in covering if depth == deepest})


def _escalation_recipients(tip: Tip, clock: RunningClock, handlers) -> list[int]:
    """The level above those who must act; the province committee when no handler sits above them."""
    covering = _covering(tip, handlers)
    acting = _acting_handlers(tip, clock, handlers)
    depths = [depth for user_id, depth in covering if user_id in acting]
    above = _above(covering, min(depths) if depths else None, exclude=None)
    return above or _committee()


def _committee() -> list[int]:
    """The province committee: where a clock goes when no handler sits above."""
    return sorted(set(Role.objects.filter(kind=RoleKind.COMMITTEE, user__is_active=True)
                      .values_list("user_id", flat=True)))


def _depth_of(user_id, covering) -> int | None:
    depths = [depth for uid, depth in covering if uid == user_id]
    return min(depths) if depths else None


def _above(covering, depth: int | None, *, exclude) -> list[int]:
    """The handlers of the nearest level above `depth` (every covering handler when depth is None)."""
    candidates = [(user_id, d) for user_id, d in covering if (depth is None or d < depth) and user_id != exclude]
    if not candidates:
        return []
    nearest = max(d for _user, d in candidates)
    return sorted({user_id for user_id, d in candidates if d == nearest})
