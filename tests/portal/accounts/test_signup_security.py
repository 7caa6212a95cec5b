"""Sign-up abuse (issue 12.12) and sign-up wording (issue 11.6)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.2"


def signup_data(unit_id, number=0, **overrides) -> dict:
    return {
        "username": f"worker{number}", "full_name": "张三", "phone": "13912345678",
        "email": f"worker{number}@example.com", "unit": str(unit_id),
        "password1": "Hazard-photo-2025", "password2": "Hazard-photo-2025", **overrides,
    }


def sign_up(client_class, data, address):
    return client_class().post("/accounts/signup/", data, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=address)


# --- throttle per real client address -------------------------------------------------------------------

def test_signup_is_throttled_per_client_address(client, org, settings):
    settings.PORTAL_TRUSTED_PROXIES = 1
    settings.PORTAL_SIGNUPS_PER_ADDRESS = 3
    for number in range(3):
        assert sign_up(client.__class__, signup_data(org.unit_a1a.pk, number), "198.51.100.66").status_code == 302
    response = sign_up(client.__class__, signup_data(org.unit_a1a.pk, 9), "198.51.100.66")
    assert response.status_code == 429
    assert "注册的账号过多" in response.content.decode()
    assert not User.objects.filter(username="worker9").exists()
    # Another address behind the same proxy is not affected.
    assert sign_up(client.__class__, signup_data(org.unit_a1a.pk, 9), "203.0.113.7").status_code == 302


def test_signup_throttle_forgets_old_signups(client, org, settings):
    settings.PORTAL_TRUSTED_PROXIES = 1
    settings.PORTAL_SIGNUPS_PER_ADDRESS = 1
    assert sign_up(client.__class__, signup_data(org.unit_a1a.pk, 1), "198.51.100.66").status_code == 302
    assert sign_up(client.__class__, signup_data(org.unit_a1a.pk, 2), "198.51.100.66").status_code == 429
    # Audit records are append-only, so the clock moves instead.
    later = timezone.now() + timedelta(minutes=settings.PORTAL_SIGNUP_WINDOW_MINUTES + 1)
    with mock.patch("portal.accounts.services.timezone.now", return_value=later):
        assert sign_up(client.__class__, signup_data(org.unit_a1a.pk, 2), "198.51.100.66").status_code == 302


# --- one account per e-mail -----------------------------------------------------------------------------

def test_signup_refuses_an_email_already_in_use_whatever_its_case(client, org):
    make_user(RoleKind.WORKER, org.unit_a1a, username="first", email="Shared@Example.com")
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, 1, email="shared@example.COM"))
    assert response.status_code == 200
    assert "该电子信箱已用于另一个账号" in str(response.context["form"].errors["email"])
    assert not User.objects.filter(username="worker1").exists()


def test_signup_without_email_is_still_allowed_twice(client, org):
    assert client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, 1, email="")).status_code == 302
    client.post("/accounts/logout/")
    assert client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, 2, email="")).status_code == 302


def test_password_reset_mails_one_account_for_an_address_shared_before(client, org):
    for number in range(11):
        make_user(RoleKind.WORKER, org.unit_a1a, username=f"dup{number}", email="same@example.com")
    response = client.post("/accounts/password/reset/", {"email": "same@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1


# --- wording (issue 11.6) -------------------------------------------------------------------------------

def test_signup_username_help_text_is_our_own_chinese(client):
    form = client.get("/accounts/signup/").context["form"]
    help_text = str(form.fields["username"].help_text)
    assert help_text.startswith("登录时使用")
    assert "150" in help_text
    assert "必填" not in help_text  # Django's translated "Required. 150 characters or fewer…"
    assert "Required" not in help_text


def test_signup_password_help_text_is_plain_chinese(client):
    content = client.get("/accounts/signup/").content.decode()
    assert "至少8个字符" in content
    assert "<ul><li>" not in str(client.get("/accounts/signup/").context["form"].fields["password1"].help_text)


def test_signup_weak_password_error_is_under_the_password_field(client, org):
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, 1, password1="12345678",
                                                            password2="12345678"))
    errors = response.context["form"].errors
    assert "password1" in errors
    assert "password2" not in errors


def test_signup_password_mismatch_error_is_under_the_confirmation(client, org):
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, 1, password2="Other-pw-2025x"))
    errors = response.context["form"].errors
    assert "password2" in errors
    assert "password1" not in errors


def test_signup_invalid_username_message_is_chinese(client, org):
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, 1, username="bad name!"))
    assert "用户名只能包含字母、数字" in str(response.context["form"].errors["username"])


def test_admin_refuses_an_email_another_account_has(org):
    from portal.accounts.admin import UserChangeForm

    make_user(RoleKind.WORKER, org.unit_a1a, username="first", email="taken@example.com")
    other = make_user(RoleKind.WORKER, org.unit_a1a, username="second", email="second@example.com")
    data = {"username": other.username, "email": "TAKEN@example.com", "date_joined": "2026-01-01 00:00"}
    form = UserChangeForm(data, instance=other)
    assert not form.is_valid()
    assert "email" in form.errors
    form = UserChangeForm({**data, "email": "second@example.com"}, instance=other)
    assert "email" not in form.errors


def test_signup_weak_password_message_is_printed_next_to_the_password_input(client, org):
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, 1, password1="12345678",
                                                            password2="12345678"))
    html = response.content.decode()
    message = str(response.context["form"].errors["password1"][0])
    position = html.index(message)
    assert html.index('id="id_password1"') < position < html.index('id="id_password2"')
