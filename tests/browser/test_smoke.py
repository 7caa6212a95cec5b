"""The foundation in a real browser on a phone: landing, login, worker home, menu, logout, sign-up."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from portal.directory.models import OrgNode
from tests.browser.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_server_threads_have_their_own_database_connection(live_server):
    # One connection shared by the test and every request thread made concurrent requests fail with
    # "database table is locked" (tests/browser/conftest.py, django_db_modify_db_settings).
    assert live_server.thread.connections_override == {}
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()


def test_worker_logs_in_and_out_on_a_phone(phone, demo):
    page = phone.page
    phone.goto("/")
    expect(page).to_have_title(re.compile("随手拍"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("第四届全省职工安全隐患和职业危害")
    # On a phone the navbar is collapsed behind the toggler.
    expect(page.locator("#mainnav")).to_be_hidden()
    phone.step("landing")

    page.locator("main").get_by_role("link", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.locator("input[name=username]").fill("worker1")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    phone.step("login-filled")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/home/worker/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("职工首页")
    expect(page.locator("main")).to_contain_text("太原市小店区恒安机械制造有限公司")
    phone.step("worker-home")

    page.locator(".navbar-toggler").click()
    menu = page.locator("#mainnav")
    # Wait for Bootstrap's collapse animation to end ("collapsing" becomes "collapse show").
    expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "true")
    expect(menu).to_contain_text("职工")
    phone.step("menu-open")
    menu.get_by_role("button", name="张三").click()
    logout = menu.get_by_role("button", name="退出登录")
    expect(logout).to_be_visible()
    expect(menu.get_by_role("link", name="修改密码")).to_be_visible()
    phone.step("user-menu")
    logout.click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    phone.step("logged-out")
    # The session is really gone: the worker page asks for a login again.
    phone.goto("/accounts/home/worker/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_signup_finds_the_unit_by_keyword(phone, demo):
    page = phone.page
    matching = list(OrgNode.objects.units().filter(name__contains="小店").order_by("name")
                    .values_list("name", flat=True))
    assert len(matching) >= 2
    chosen = "太原市小店区顺达物流有限公司"
    assert chosen in matching

    phone.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("职工注册")
    phone.step("signup")

    search = page.locator("input[data-unit-search-box]")
    options = page.locator("select#id_unit option")
    search.press_sequentially("小店", delay=50)
    expect(options).to_have_count(len(matching))
    expect(options).to_have_text(matching)
    phone.step("unit-search")

    page.locator("select#id_unit").select_option(label=chosen)
    page.locator("input[name=username]").fill("lisi2025")
    page.locator("input[name=full_name]").fill("李四")
    page.locator("input[name=phone]").fill("13912345678")
    page.locator("input[name=email]").fill("lisi@example.com")
    page.locator("input[name=password1]").fill("Hazard-photo-2025")
    page.locator("input[name=password2]").fill("Hazard-photo-2025")
    phone.step("signup-filled")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/home/worker/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("职工首页")
    expect(page.locator("main")).to_contain_text(chosen)
    expect(page.locator("main .alert-success")).to_contain_text("注册成功")
    phone.step("worker-home")

    user = User.objects.get(username="lisi2025")
    assert [(role.kind, role.node.name) for role in user.roles.select_related("node")] == [
        (RoleKind.WORKER, chosen)]


def test_signup_search_with_no_match_says_so(phone, demo):
    page = phone.page
    phone.goto("/accounts/signup/")
    page.locator("input[data-unit-search-box]").press_sequentially("不存在的单位名称", delay=20)
    options = page.locator("select#id_unit option")
    expect(options).to_have_count(1)
    expect(options).to_have_text("没有找到匹配的单位，请换个关键字")
    expect(options.first).to_be_disabled()
    phone.step("no-match")
