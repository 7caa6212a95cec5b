"""Idle and absolute session timeouts for logged-in users.

- Absolute: a session ends PORTAL_SESSION_AGE seconds after login, however active the user is. The
  session's expiry is fixed to that moment at login, so neither the cookie nor the stored session is
  extended when the session is saved again; the middleware checks it too.
- Idle: a session not used for PORTAL_SESSION_IDLE_MINUTES is logged out at its next request. Activity
  is written to the session at most once a minute, so ordinary browsing does not save the session on
  every request.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

LOGIN_AT = "portal_login_at"
LAST_SEEN = "portal_last_seen"
# Writing the session costs a database (or cache) write: refresh the activity time at most this often.
ACTIVITY_RESOLUTION_SECONDS = 60


def _now() -> float:
    return timezone.now().timestamp()


def start_session_clock(session, at: float | None = None) -> None:
    """Record the login time and fix the session's expiry to login + SESSION_COOKIE_AGE."""
    at = _now() if at is None else at
    session[LOGIN_AT] = at
    session[LAST_SEEN] = at
    session.set_expiry(datetime.fromtimestamp(at + settings.SESSION_COOKIE_AGE, tz=UTC))


@receiver(user_logged_in, dispatch_uid="portal.session_timeouts.start_clock")
def _start_clock_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)


class SessionTimeoutMiddleware:
    """Log out a session past its absolute lifetime or idle for too long; otherwise note the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        now = _now()
        login_at = session.get(LOGIN_AT)
        if not isinstance(login_at, (int, float)):
            # A session from before this middleware, or a login that bypassed the signal: its clock
            # starts now rather than never.
            start_session_clock(session, now)
            return
        last_seen = session.get(LAST_SEEN, login_at)
        if now - login_at >= settings.SESSION_COOKIE_AGE:
            self._end(request, _("登录已超过 %(hours)s 小时，为了账号安全已自动退出，请重新登录。") % {
                "hours": _hours(settings.SESSION_COOKIE_AGE)})
        elif now - last_seen >= settings.PORTAL_SESSION_IDLE_SECONDS:
            self._end(request, _("您已 %(minutes)d 分钟没有操作，为了账号安全已自动退出，请重新登录。") % {
                "minutes": settings.PORTAL_SESSION_IDLE_SECONDS // 60})
        elif now - last_seen >= ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_SEEN] = now

    @staticmethod
    def _end(request, message: str) -> None:
        logout(request)
        messages.info(request, message)


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g}" if hours == int(hours) else f"{hours:.1f}"
