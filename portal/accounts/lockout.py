"""Login lock-outs (django-axes) that an attacker cannot turn against the account's owner (issue 12.1).

Failures count per (user name, client address) — the real address, see portal.audit.client_ip — so
wrong passwords typed elsewhere never lock the owner out at their own desk. The cool-off is short and
grows: PORTAL_LOGIN_COOLOFF_MINUTES for the first lock-out of that pair within a day, doubled for each
further one, capped at PORTAL_LOGIN_COOLOFF_MAX_MINUTES. A completed password reset lifts every lock of
the account (the lock-out page sends people there).
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from portal.audit.client_ip import client_ip

# Lock-outs older than this no longer make the next one longer.
LOCKOUT_MEMORY = timedelta(days=1)


def max_cool_off() -> timedelta:
    return timedelta(minutes=settings.PORTAL_LOGIN_COOLOFF_MAX_MINUTES)


def lockouts_in_memory(username: str | None, ip_address: str | None) -> int:
    """How many times this (user name, address) pair was locked out within LOCKOUT_MEMORY."""
    if not username:
        return 0
    return AccessFailureLog.objects.filter(
        username=username, ip_address=ip_address, locked_out=True,
        attempt_time__gte=timezone.now() - LOCKOUT_MEMORY,
    ).count()


def cool_off(request=None) -> timedelta:
    """AXES_COOLOFF_TIME: base × 2^(earlier lock-outs of this user name and address today), capped."""
    base = timedelta(minutes=settings.PORTAL_LOGIN_COOLOFF_MINUTES)
    if request is None:
        return base
    username = get_client_username(request)
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    earlier = max(lockouts_in_memory(username, address) - 1, 0)
    return min(base * 2 ** min(earlier, 20), max(max_cool_off(), base))


class PortalAxesHandler(AxesDatabaseHandler):
    """The database handler with a clean-up that respects a cool-off differing per user and address.

    Axes deletes every attempt older than the *current* request's cool-off; with a growing cool-off that
    would end another pair's longer lock-out early. Here only attempts older than the longest cool-off go
    for everyone, and the requesting pair's own attempts once its own cool-off has passed (so a failure
    after a served lock-out starts counting from one again).
    """

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        now = timezone.now()
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=now - max_cool_off()).delete()
        if request is not None and hasattr(request, "axes_ip_address"):
            threshold = now - cool_off(request)
            for attempts in self.filter_user_attempts(request, credentials):
                own, _ = attempts.filter(attempt_time__lte=threshold).delete()
                count += own
        return count


def lift_lockouts(username: str) -> int:
    """Forget every failed login of `username` from every address (after a completed password reset)."""
    attempts, _ = AccessAttempt.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username).update(locked_out=False)
    return attempts


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lock-out page, saying how long this lock-out lasts."""
    minutes = max(1, round(cool_off(request).total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
