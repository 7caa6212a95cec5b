"""Login throttling (django-axes): lock-out by user name and address, without revealing who exists."""

import pytest
from django.conf import settings

from portal.accounts.enums import RoleKind
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "登录失败次数过多"
ADDRESS = "203.0.113.7"



@pytest.fixture
def worker(org):
    return make_user(RoleKind.WORKER, org.unit_a1a, username="lockme")


def attempt(client, username, password, address=ADDRESS):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_limit(client, username, address=ADDRESS):
    """Submit wrong passwords up to the limit; every one before the limit shows the normal form error."""
    for number in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = attempt(client, username, f"wrong-{number}", address)
        if number < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200, number
            assert LOCKED_TEXT not in response.content.decode()
            assert response.context["form"].errors
    return response


def assert_locked_out(response):
    assert response.status_code in (403, 429)
    content = response.content.decode()
    assert LOCKED_TEXT in content
    assert "<title>暂时无法登录" in content
    return response


def test_axes_failure_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_axes_wrong_passwords_lock_out_an_existing_user(client, worker):
    fail_until_limit(client, worker.username)
    assert_locked_out(attempt(client, worker.username, "wrong-again"))


def test_axes_correct_password_during_lockout_is_refused(client, worker):
    fail_until_limit(client, worker.username)
    response = assert_locked_out(attempt(client, worker.username, PASSWORD))
    assert "_auth_user_id" not in client.session
    assert response.get("Location") is None
    assert client.get("/accounts/home/").status_code == 302  # still anonymous


def test_axes_unknown_user_gets_the_same_lockout_response(client, worker):
    fail_until_limit(client, worker.username)
    existing = assert_locked_out(attempt(client, worker.username, "wrong-again"))
    fail_until_limit(client, "no-such-user")
    unknown = assert_locked_out(attempt(client, "no-such-user", "wrong-again"))
    assert unknown.status_code == existing.status_code
    assert unknown.content == existing.content


def test_axes_unknown_user_failures_look_like_existing_user_failures(client, worker):
    existing = attempt(client, worker.username, "wrong")
    unknown = attempt(client, "no-such-user", "wrong")
    assert existing.status_code == unknown.status_code == 200
    assert existing.context["form"].errors == unknown.context["form"].errors


def test_axes_lockout_is_per_user_name_and_address(client, worker):
    fail_until_limit(client, worker.username)
    assert_locked_out(attempt(client, worker.username, PASSWORD))
    # The same user from another address (another workplace behind its own NAT) can still log in.
    response = attempt(client, worker.username, PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"


def test_axes_other_user_on_the_same_address_is_not_locked(client, worker, org):
    colleague = make_user(RoleKind.WORKER, org.unit_a1a, username="colleague")
    fail_until_limit(client, worker.username)
    response = attempt(client, colleague.username, PASSWORD)
    assert response.status_code == 302


def test_axes_success_before_the_limit_resets_the_count(client, worker):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, worker.username, "wrong")
    assert attempt(client, worker.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, worker.username, "wrong").status_code == 200
    assert attempt(client, worker.username, PASSWORD).status_code == 302
