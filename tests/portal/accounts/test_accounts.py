import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from portal.accounts.enums import ROLE_PRIORITY, RoleKind
from portal.accounts.models import Role, User
from portal.accounts.navigation import ROLE_HOMES
from portal.accounts.services import grant_role
from portal.audit.models import AuditRecord
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-pw-2025!"



def signup_data(unit_id, **overrides) -> dict:
    return {
        "username": "zhangsan", "full_name": "张三", "phone": "13912345678", "email": "zhangsan@example.com",
        "unit": str(unit_id), "password1": "Hazard-photo-2025", "password2": "Hazard-photo-2025",
        **overrides,
    }


def login(client, user, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": user.username, "password": password},
                       REMOTE_ADDR="10.0.0.1", **extra)


# --- signup ---------------------------------------------------------------------------------------------

def test_signup_page_renders_unit_search(client, org):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "data-unit-search" in content
    assert "/directory/units/" in content
    # The directory is never dumped into the page: no unit is an option until one is chosen.
    assert org.unit_a1a.name not in content


def test_signup_creates_worker_role_at_the_chosen_unit(client, org):
    response = client.post("/accounts/signup/", signup_data(org.unit_a1b.pk))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"
    user = User.objects.get(username="zhangsan")
    assert user.full_name == "张三"
    assert user.phone == "13912345678"
    assert user.email == "zhangsan@example.com"
    assert user.check_password("Hazard-photo-2025")
    assert [(role.kind, role.node) for role in user.roles.all()] == [(RoleKind.WORKER, org.unit_a1b)]
    assert AuditRecord.objects.filter(action="accounts.signup", actor=user).count() == 1
    # Signed up and logged in: home sends the new worker to the worker page.
    response = client.get("/accounts/home/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/home/worker/"
    assert "职工首页" in response.content.decode()


@pytest.mark.parametrize("node_attr", ["county_a1", "city_a", "province", "group", "industry"])
def test_signup_refuses_a_node_that_is_not_a_unit(client, org, node_attr):
    node = getattr(org, node_attr)
    response = client.post("/accounts/signup/", signup_data(node.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["请从组织目录中选择基层单位。"]
    assert "请从组织目录中选择基层单位。" in response.content.decode()
    assert not User.objects.exists()
    assert not Role.objects.exists()


def test_signup_refuses_an_inactive_unit(client, org):
    org.unit_a1a.is_active = False
    org.unit_a1a.save()
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk))
    assert "unit" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("unit", ""),
    ("unit", "999999"),
    ("full_name", ""),
    ("phone", "call me"),
    ("email", "not-an-email"),
    ("password2", "Different-pw-2025"),
    ("password1", "12345678"),
])
def test_signup_invalid_input_saves_nothing(client, org, field, value):
    data = signup_data(org.unit_a1a.pk, **{field: value})
    if field == "password1":
        data["password2"] = value
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.exists()
    assert not Role.objects.exists()
    assert not AuditRecord.objects.exists()


def test_signup_keeps_the_chosen_unit_as_the_only_option_after_an_error(client, org):
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk, phone="x"))
    content = response.content.decode()
    assert org.unit_a1a.name in content
    assert org.unit_a1b.name not in content


def test_signup_duplicate_username_is_refused(client, org):
    make_user(RoleKind.WORKER, org.unit_a1a, username="zhangsan")
    response = client.post("/accounts/signup/", signup_data(org.unit_a1a.pk))
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


def test_signup_logged_in_user_is_sent_home(client, org):
    client.force_login(make_user(RoleKind.WORKER, org.unit_a1a))
    response = client.get("/accounts/signup/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"


# --- login and role homes -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["worker", "unit", "county", "city", "industry", "group", "expert", "committee"])
def test_login_lands_each_role_on_its_home(client, org, name):
    user = org.users()[name]
    kind = user.roles.get().kind
    response = login(client, user, follow=True)
    assert [url for url, _status in response.redirect_chain] == ["/accounts/home/", f"/accounts/home/{kind}/"]
    assert response.status_code == 200
    assert response.context["user"] == user
    assert f"<h1 class=\"h3 my-3\">{ROLE_HOMES[kind].title}</h1>" in response.content.decode()


def test_login_wrong_password_stays_on_login_page(client, org):
    user = make_user(RoleKind.WORKER, org.unit_a1a)
    response = login(client, user, password="wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_home_sends_a_user_with_several_roles_to_the_highest_priority(client, org):
    user = make_user(RoleKind.WORKER, org.unit_a1a)
    Role.objects.create(user=user, kind=RoleKind.UNIT, node=org.unit_a1a)
    Role.objects.create(user=user, kind=RoleKind.COUNTY, node=org.county_a1)
    client.force_login(user)
    response = client.get("/accounts/home/")
    assert response["Location"] == "/accounts/home/county/"
    assert ROLE_PRIORITY.index(RoleKind.COUNTY) < ROLE_PRIORITY.index(RoleKind.UNIT)
    # The other roles' pages stay reachable, and the menu offers them all.
    for kind in (RoleKind.WORKER, RoleKind.UNIT, RoleKind.COUNTY):
        page = client.get(f"/accounts/home/{kind}/")
        assert page.status_code == 200
        assert {nav_kind for _label, nav_kind, _home in page.context["nav_roles"]} == {
            RoleKind.WORKER, RoleKind.UNIT, RoleKind.COUNTY}


def test_home_without_role_shows_a_notice(client):
    client.force_login(make_user())
    response = client.get("/accounts/home/")
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()


@pytest.mark.parametrize("kind", RoleKind.values)
def test_role_home_shows_title_and_node(client, org, kind):
    node = {"worker": org.unit_a1a, "unit": org.unit_a1a, "county": org.county_a1, "city": org.city_a,
            "expert": org.city_b, "committee": org.province, "team_leader": org.unit_a1a,
            "workshop_head": org.unit_a1a, "safety_officer": org.unit_a1a, "unit_head": org.unit_a1a,
            "union_inspector": org.unit_a1a, "regulator": org.city_a, "tip_handler": org.county_a1,
            "custodian": org.city_a, "reward_reviewer": org.city_a}[kind]
    client.force_login(make_user(kind, node))
    response = client.get(f"/accounts/home/{kind}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert str(ROLE_HOMES[kind].title) in content
    assert node.name in content


def test_role_home_not_held_is_404(client, org):
    client.force_login(make_user(RoleKind.WORKER, org.unit_a1a))
    for kind in ("unit", "county", "city", "expert", "committee", "nonsense"):
        assert client.get(f"/accounts/home/{kind}/").status_code == 404


@pytest.mark.parametrize("url", ["/accounts/home/", "/accounts/home/worker/", "/accounts/password/change/"])
def test_anonymous_is_redirected_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_login_page_redirects_a_logged_in_user(client, org):
    client.force_login(make_user(RoleKind.WORKER, org.unit_a1a))
    response = client.get("/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"


def test_login_ignores_an_offsite_next(client, org):
    user = make_user(RoleKind.WORKER, org.unit_a1a)
    response = client.post("/accounts/login/?next=https://evil.example.com/",
                           {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/home/"


def test_landing_sends_logged_in_user_home(client, org):
    assert client.get("/").status_code == 200
    client.force_login(make_user(RoleKind.WORKER, org.unit_a1a))
    response = client.get("/")
    assert response["Location"] == "/accounts/home/"


# --- logout and passwords -------------------------------------------------------------------------------

def test_logout_requires_post(client, org):
    client.force_login(make_user(RoleKind.WORKER, org.unit_a1a))
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/home/").status_code == 302


def test_password_change(client, org):
    user = make_user(RoleKind.WORKER, org.unit_a1a)
    client.force_login(user)
    assert client.get("/accounts/password/change/").status_code == 200
    response = client.post("/accounts/password/change/", {
        "old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The session survives the change (update_session_auth_hash).
    assert client.get("/accounts/password/change/done/").status_code == 200


def test_password_reset_sends_one_mail_with_a_working_link(client, org):
    user = make_user(RoleKind.WORKER, org.unit_a1a, email="reset-me@example.com")
    response = client.post("/accounts/password/reset/", {"email": "reset-me@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reset-me@example.com"]
    assert "重设密码" in message.subject
    assert "\n" not in message.subject
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/\S+/)", message.body).group(1)
    # Django swaps the token for a session marker and redirects to the set-password form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    assert response.context["form"] is not None
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link is single-use.
    response = client.get(link, follow=True)
    assert "链接无效或已过期" in response.content.decode()


def test_password_reset_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


# --- Role model and services ----------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "node_attr"), [
    (RoleKind.WORKER, "county_a1"),
    (RoleKind.WORKER, "city_a"),
    (RoleKind.UNIT, "group"),
    (RoleKind.COUNTY, "city_a"),
    (RoleKind.CITY, "county_a1"),
    (RoleKind.COMMITTEE, "city_a"),
    (RoleKind.EXPERT, "unit_a1a"),
])
def test_role_clean_refuses_a_node_of_the_wrong_kind(org, kind, node_attr):
    role = Role(user=make_user(), kind=kind, node=getattr(org, node_attr))
    with pytest.raises(ValidationError) as caught:
        role.full_clean()
    assert "只能属于" in caught.value.message_dict["node"][0]


@pytest.mark.parametrize(("kind", "node_attr"), [
    (RoleKind.WORKER, "unit_a1a"), (RoleKind.WORKER, "unit_ga"), (RoleKind.UNIT, "unit_a0"),
    (RoleKind.COUNTY, "county_a1"), (RoleKind.COUNTY, "group"), (RoleKind.CITY, "city_a"),
    (RoleKind.CITY, "industry"), (RoleKind.EXPERT, "city_b"), (RoleKind.EXPERT, None),
    (RoleKind.COMMITTEE, "province"),
])
def test_role_clean_accepts_the_right_kind(org, kind, node_attr):
    Role(user=make_user(), kind=kind, node=getattr(org, node_attr) if node_attr else None).full_clean()


def test_role_clean_requires_a_node_except_for_experts(org):
    with pytest.raises(ValidationError) as caught:
        Role(user=make_user(), kind=RoleKind.WORKER, node=None).full_clean()
    assert caught.value.message_dict["node"] == ["该角色必须指定所属组织。"]


def test_worker_role_message_is_chinese(org):
    with pytest.raises(ValidationError) as caught:
        Role(user=make_user(), kind=RoleKind.WORKER, node=org.county_a1).full_clean()
    assert caught.value.message_dict["node"] == ["职工只能属于：基层单位"]


def test_grant_role_saves_and_audits(org):
    committee = make_user(RoleKind.COMMITTEE, org.province)
    user = make_user()
    role = grant_role(user, RoleKind.COUNTY, org.county_a1, actor=committee)
    assert role.pk and user.roles.get() == role
    record = AuditRecord.objects.get(action="accounts.grant_role")
    assert record.actor == committee
    assert record.target_id == str(user.pk)
    assert org.county_a1.name in record.summary


def test_grant_role_invalid_saves_nothing(org):
    committee = make_user(RoleKind.COMMITTEE, org.province)
    user = make_user()
    with pytest.raises(ValidationError):
        grant_role(user, RoleKind.WORKER, org.county_a1, actor=committee)
    assert not user.roles.exists()
    assert not AuditRecord.objects.filter(action="accounts.grant_role").exists()


def test_grant_role_twice_is_refused(org):
    committee = make_user(RoleKind.COMMITTEE, org.province)
    user = make_user()
    grant_role(user, RoleKind.UNIT, org.unit_a1a, actor=committee)
    with pytest.raises(ValidationError):
        grant_role(user, RoleKind.UNIT, org.unit_a1a, actor=committee)
    assert user.roles.count() == 1
