"""Session cookies, the idle timeout and the absolute timeout (portal.session_timeouts).

Time is moved by replacing django.utils.timezone.now, which the middleware, the session store's expiry
and the session backend's "not expired" query all read.
"""

from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from portal import session_timeouts
from portal.accounts.enums import RoleKind
from tests.factories import PASSWORD, make_user
from tests.portal.test_settings import PRODUCTION, read_settings

pytestmark = pytest.mark.django_db

HOME = "/accounts/home/worker/"
HOUR = timedelta(hours=1)


class Clock:
    def __init__(self):
        self.now = timezone.now().replace(microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def worker(org):
    return make_user(RoleKind.WORKER, org.unit_a1a)


def log_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def is_logged_in(client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


def set_session(client, **values) -> None:
    session = client.session
    session.update(values)
    session.save()


# --- settings, in a fresh process ------------------------------------------------------------------------


def test_session_settings_production_defaults():
    values = read_settings(["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                            "CSRF_COOKIE_SECURE", "SESSION_COOKIE_AGE", "SESSION_SAVE_EVERY_REQUEST",
                            "PORTAL_SESSION_IDLE_SECONDS", "SESSION_EXPIRE_AT_BROWSER_CLOSE"], **PRODUCTION)
    assert values == {
        "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True, "SESSION_COOKIE_AGE": 8 * 3600, "SESSION_SAVE_EVERY_REQUEST": False,
        "PORTAL_SESSION_IDLE_SECONDS": 120 * 60, "SESSION_EXPIRE_AT_BROWSER_CLOSE": None,
    }


def test_session_settings_timeouts_read_from_environment():
    values = read_settings(["SESSION_COOKIE_AGE", "PORTAL_SESSION_IDLE_SECONDS"], **PRODUCTION,
                           PORTAL_SESSION_AGE="3600", PORTAL_SESSION_IDLE_MINUTES="15")
    assert values == {"SESSION_COOKIE_AGE": 3600, "PORTAL_SESSION_IDLE_SECONDS": 900}


def test_session_cookie_flags_on_login(client, worker, settings, clock):
    settings.SESSION_COOKIE_SECURE = True  # as in production (tests run with PORTAL_DEBUG=1)
    response = log_in(client, worker)
    cookie = SimpleCookie(response.cookies.output(header=""))[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


# --- idle timeout -----------------------------------------------------------------------------------------


def test_session_login_records_the_clock(client, worker, clock):
    log_in(client, worker)
    session = client.session
    assert session[session_timeouts.LOGIN_AT] == clock.now.timestamp()
    assert session[session_timeouts.LAST_SEEN] == clock.now.timestamp()
    assert session.get_expiry_date() == clock.now + timedelta(seconds=8 * 3600)


def test_session_idle_within_limit_stays_logged_in(client, worker, clock):
    log_in(client, worker)
    clock.advance(timedelta(minutes=119))
    assert is_logged_in(client)


def test_session_idle_past_limit_logs_out_with_message(client, worker, clock):
    log_in(client, worker)
    clock.advance(timedelta(minutes=120))
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    texts = [str(m) for m in get_messages(page.wsgi_request)] or [str(m) for m in page.context["messages"]]
    assert any("120 分钟没有操作" in text for text in texts), texts


def test_session_activity_refreshes_the_idle_clock(client, worker, clock):
    log_in(client, worker)
    for _ in range(4):  # 4 × 100 minutes of use: never idle 120 minutes at once, within the 8 h
        clock.advance(timedelta(minutes=100))
        assert is_logged_in(client)
    assert client.session[session_timeouts.LAST_SEEN] == clock.now.timestamp()


def test_session_activity_written_at_most_once_a_minute(client, worker, clock):
    log_in(client, worker)
    first = client.session[session_timeouts.LAST_SEEN]
    clock.advance(timedelta(seconds=30))
    assert is_logged_in(client)
    assert client.session[session_timeouts.LAST_SEEN] == first  # no session write for this request
    clock.advance(timedelta(seconds=31))
    assert is_logged_in(client)
    assert client.session[session_timeouts.LAST_SEEN] == clock.now.timestamp()


def test_session_idle_minutes_setting_is_used(client, worker, clock, settings):
    settings.PORTAL_SESSION_IDLE_SECONDS = 15 * 60
    log_in(client, worker)
    clock.advance(timedelta(minutes=14))
    assert is_logged_in(client)
    clock.advance(timedelta(minutes=15))
    assert not is_logged_in(client)


# --- absolute timeout -------------------------------------------------------------------------------------


def test_session_absolute_limit_ends_an_active_session(client, worker, clock):
    log_in(client, worker)
    for _ in range(7):
        clock.advance(HOUR)
        assert is_logged_in(client)
    clock.advance(timedelta(minutes=59, seconds=59))
    assert is_logged_in(client)
    clock.advance(timedelta(seconds=1))  # exactly 8 h after login, although used every hour
    assert not is_logged_in(client)


def test_session_expiry_is_not_extended_by_activity(client, worker, clock, settings):
    log_in(client, worker)
    expiry = client.session.get_expiry_date()
    for _ in range(3):
        clock.advance(HOUR)
        response = client.get(HOME)
    assert response.status_code == 200
    assert client.session.get_expiry_date() == expiry
    # When the session is saved again (activity noted), the cookie's lifetime is what remains, not 8 h.
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    assert cookie is not None and int(cookie["max-age"]) == 5 * 3600


def test_session_absolute_limit_checked_by_the_middleware_too(client, worker, clock):
    # Even if the stored expiry were later (a session from before this policy), login + 8 h ends it.
    log_in(client, worker)
    started = clock.now - timedelta(hours=8, seconds=1)
    set_session(client, **{session_timeouts.LOGIN_AT: started.timestamp()})
    session = client.session
    session.set_expiry(clock.now + HOUR)
    session.save()
    response = client.get(HOME)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "登录已超过 8 小时" in page.content.decode()


def test_session_absolute_limit_uses_session_age_setting(client, worker, clock, settings):
    settings.SESSION_COOKIE_AGE = 3600
    log_in(client, worker)
    clock.advance(timedelta(minutes=59))
    assert is_logged_in(client)
    clock.advance(timedelta(minutes=1))
    assert not is_logged_in(client)


def test_session_relogin_restarts_both_clocks(client, worker, clock):
    log_in(client, worker)
    for _ in range(7):
        clock.advance(HOUR)
        assert is_logged_in(client)
    client.post("/accounts/logout/")
    log_in(client, worker)
    for _ in range(2):  # 9 h after the first login, 2 h after the second
        clock.advance(HOUR)
        assert is_logged_in(client)


def test_session_without_clock_gets_one_instead_of_never_expiring(client, worker, clock):
    # A session made before this middleware existed (or by force_login before it loaded).
    client.force_login(worker)
    session = client.session
    for key in (session_timeouts.LOGIN_AT, session_timeouts.LAST_SEEN):
        session.pop(key, None)
    session.set_expiry(None)
    session.save()
    assert is_logged_in(client)
    assert client.session[session_timeouts.LOGIN_AT] == clock.now.timestamp()
    clock.advance(timedelta(minutes=121))
    assert not is_logged_in(client)


def test_session_anonymous_visitor_gets_no_session_write(client, org, clock):
    response = client.get("/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
