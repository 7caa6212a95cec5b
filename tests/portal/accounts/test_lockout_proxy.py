"""Lock-outs behind a reverse proxy (issue 12.1): the real client address, a growing cool-off, reset lifts it."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.accounts.lockout import cool_off
from portal.audit.client_ip import client_ip
from portal.audit.models import AuditRecord
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.2"
VICTIM = "203.0.113.7"
ATTACKER = "198.51.100.66"
LOCKED_TEXT = "登录失败次数过多"
NEW_PASSWORD = "Another-pw-2025!"


@pytest.fixture
def behind_nginx(settings):
    settings.PORTAL_TRUSTED_PROXIES = 1
    return settings


@pytest.fixture
def reviewer(org):
    return make_user(RoleKind.UNIT, org.unit_a1a, username="unit1", email="unit1@example.com")


def through_nginx(client, username, password, client_address, forwarded_for=None):
    """A login POST as nginx passes it on: REMOTE_ADDR is nginx, the client is appended to X-Forwarded-For."""
    chain = f"{forwarded_for}, {client_address}" if forwarded_for else client_address
    return client.post("/accounts/login/", {"username": username, "password": password},
                       REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=chain)


def lock(client, username, client_address, forwarded_for=None):
    for number in range(settings.AXES_FAILURE_LIMIT):
        response = through_nginx(client, username, f"wrong-{number}", client_address, forwarded_for)
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    return response


def age_attempts(minutes):
    """Move every recorded failure `minutes` into the past (instead of waiting)."""
    shift = timedelta(minutes=minutes)
    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - shift)


# --- the client address ----------------------------------------------------------------------------------

def request_from(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_client_ip_without_trusted_proxies_ignores_forwarded_for(settings):
    settings.PORTAL_TRUSTED_PROXIES = 0
    assert client_ip(request_from(VICTIM, "1.2.3.4")) == VICTIM


def test_client_ip_with_one_proxy_takes_the_address_nginx_appended(behind_nginx):
    assert client_ip(request_from(NGINX, VICTIM)) == VICTIM


def test_client_ip_with_one_proxy_ignores_what_the_client_wrote_in_front(behind_nginx):
    assert client_ip(request_from(NGINX, f"{VICTIM}, {ATTACKER}")) == ATTACKER
    assert client_ip(request_from(NGINX, f"garbage, {ATTACKER}")) == ATTACKER


def test_client_ip_with_two_proxies_skips_both(settings):
    settings.PORTAL_TRUSTED_PROXIES = 2
    assert client_ip(request_from(NGINX, f"{ATTACKER}, {VICTIM}, 10.0.0.9")) == VICTIM


def test_client_ip_with_fewer_hops_than_proxies_falls_back_to_the_peer(behind_nginx):
    assert client_ip(request_from(VICTIM)) == VICTIM
    assert client_ip(request_from(NGINX, "not-an-address")) == NGINX


def test_client_ip_keeps_ipv6_and_strips_a_port(behind_nginx):
    assert client_ip(request_from(NGINX, "2001:db8::1")) == "2001:db8::1"
    assert client_ip(request_from(NGINX, "203.0.113.7:51234")) == VICTIM


def test_trusted_proxies_default_is_zero():
    assert settings.PORTAL_TRUSTED_PROXIES == 0
    assert settings.AXES_CLIENT_IP_CALLABLE == "portal.audit.client_ip.client_ip"


# --- the lock-out behind the proxy ----------------------------------------------------------------------

def test_lockout_behind_proxy_leaves_the_victim_able_to_log_in(client, behind_nginx, reviewer):
    # The attacker even writes the victim's address into X-Forwarded-For: nginx appends the real one.
    lock(client, reviewer.username, ATTACKER, forwarded_for=VICTIM)
    victim = through_nginx(client.__class__(), reviewer.username, PASSWORD, VICTIM)
    assert victim.status_code == 302
    assert victim["Location"] == "/accounts/home/"
    # The attacker stays locked out, even with the right password.
    assert through_nginx(client, reviewer.username, PASSWORD, ATTACKER).status_code == 429


def test_lockout_records_the_real_client_address(client, behind_nginx, reviewer):
    lock(client, reviewer.username, ATTACKER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_audit_record_carries_the_real_client_address(client, behind_nginx, org):
    client.post("/accounts/signup/", {
        "username": "zhangsan", "full_name": "张三", "phone": "13912345678", "email": "zs@example.com",
        "unit": str(org.unit_a1a.pk), "password1": "Hazard-photo-2025", "password2": "Hazard-photo-2025",
    }, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=VICTIM)
    assert AuditRecord.objects.get(action="accounts.signup").ip == VICTIM


# --- a short, growing cool-off --------------------------------------------------------------------------

def test_first_lockout_lasts_the_short_cool_off(client, behind_nginx, reviewer):
    response = lock(client, reviewer.username, ATTACKER)
    assert f"请{settings.PORTAL_LOGIN_COOLOFF_MINUTES}分钟后再试" in response.content.decode()
    assert "1小时" not in response.content.decode()
    age_attempts(settings.PORTAL_LOGIN_COOLOFF_MINUTES - 1)
    assert through_nginx(client, reviewer.username, PASSWORD, ATTACKER).status_code == 429
    age_attempts(2)
    assert through_nginx(client, reviewer.username, PASSWORD, ATTACKER).status_code == 302


def test_each_further_lockout_doubles_the_cool_off(client, behind_nginx, reviewer):
    base = settings.PORTAL_LOGIN_COOLOFF_MINUTES
    lock(client, reviewer.username, ATTACKER)
    age_attempts(base + 1)
    # After the first lock-out has passed, one failure does not lock again: counting restarts.
    assert through_nginx(client, reviewer.username, "wrong", ATTACKER).status_code == 200
    AccessAttempt.objects.all().delete()
    response = lock(client, reviewer.username, ATTACKER)
    assert f"请{2 * base}分钟后再试" in response.content.decode()
    age_attempts(base + 1)
    assert through_nginx(client, reviewer.username, PASSWORD, ATTACKER).status_code == 429
    age_attempts(base)
    assert through_nginx(client, reviewer.username, PASSWORD, ATTACKER).status_code == 302


def test_cool_off_is_capped(behind_nginx, reviewer):
    behind_nginx.PORTAL_LOGIN_COOLOFF_MAX_MINUTES = 30
    now = timezone.now()
    AccessFailureLog.objects.bulk_create([
        AccessFailureLog(username=reviewer.username, ip_address=ATTACKER, user_agent="", http_accept="",
                         path_info="/accounts/login/", attempt_time=now, locked_out=True)
        for _ in range(12)])
    request = RequestFactory().post("/accounts/login/", {"username": reviewer.username},
                                    REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert cool_off(request) == timedelta(minutes=30)


def test_a_short_cool_off_does_not_end_another_pairs_longer_lockout(client, behind_nginx, reviewer, org):
    base = settings.PORTAL_LOGIN_COOLOFF_MINUTES
    lock(client, reviewer.username, ATTACKER)
    age_attempts(base + 1)
    AccessAttempt.objects.all().delete()
    lock(client, reviewer.username, ATTACKER)  # second lock-out: twice as long
    age_attempts(base + 1)
    # Someone else's failure runs axes' clean-up with their own (short) cool-off.
    through_nginx(client.__class__(), "somebody-else", "wrong", VICTIM)
    assert through_nginx(client, reviewer.username, PASSWORD, ATTACKER).status_code == 429


# --- a completed password reset lifts the lock ----------------------------------------------------------

def test_completed_password_reset_lifts_the_lockout(client, behind_nginx, reviewer):
    lock(client, reviewer.username, VICTIM)
    response = client.post("/accounts/password/reset/", {"email": reviewer.email},
                           REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=VICTIM)
    assert response.status_code == 302
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                           REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=VICTIM)
    assert response["Location"] == "/accounts/password/reset/complete/"
    assert through_nginx(client, reviewer.username, NEW_PASSWORD, VICTIM).status_code == 302
    record = AuditRecord.objects.get(action="accounts.lockout_lifted")
    assert record.ip == VICTIM


def test_lockout_page_offers_the_password_reset(client, behind_nginx, reviewer):
    response = lock(client, reviewer.username, VICTIM)
    assert "/accounts/password/reset/" in response.content.decode()


# --- deploy check ---------------------------------------------------------------------------------------

def test_deploy_check_warns_behind_a_proxy_without_trusted_proxies(settings):
    from portal.accounts.checks import trusted_proxies_check

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PORTAL_TRUSTED_PROXIES = 0
    assert [warning.id for warning in trusted_proxies_check()] == ["portal.W001"]
    settings.PORTAL_TRUSTED_PROXIES = 1
    assert trusted_proxies_check() == []
