"""The committee opens the year's 安康杯 competition on a phone: from the 安康杯 page to the form filled from
seed 003, a theme and the organisers, then the quotas of the county level; the competition is then listed."""

import pytest
from playwright.sync_api import expect

from ankang.models import Competition
from tests.browser.conftest import log_in
from tests.factories import OrgTree
from tests.factories.accounts import PASSWORD
from tests.factories.ankang import ankang_people, ensure_ankang_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_opens_a_competition_and_sets_its_quotas(phone):
    org = OrgTree.build()
    people = ankang_people(org)
    ensure_ankang_seed()  # seed 003's calendar and score sheet: an earlier transactional test may have flushed them
    page = phone.page
    log_in(phone, people["committee"].username, PASSWORD)
    phone.goto("/ankang/")
    page.locator("#new-competition").click()
    page.fill("#id_theme", "落实安全生产责任 共建安康家园")
    page.fill("#id_organisers", "省总工会\n省应急管理厅")
    phone.step("new-competition")
    page.get_by_role("button", name="开设竞赛").click()
    expect(page.locator("#quota-form")).to_be_visible()
    competition = Competition.objects.get()
    assert competition.place == org.province and competition.organiser_list == ["省总工会", "省应急管理厅"]

    page.fill("#id_quota_county_unit", "2")
    page.fill("#id_quota_county_team", "3")
    page.get_by_role("button", name="保存名额").click()
    expect(page.locator("#id_quota_county_unit")).to_have_value("2")
    phone.step("quotas")
    assert sorted(competition.quotas.values_list("level", "kind", "cap")) == [
        ("county", "team", 3), ("county", "unit", 2)]

    # The 表彰等次, one per line from the highest: a 特等 above the three the competition started with.
    expect(page.locator("#id_names")).to_have_value("一等\n二等\n三等")
    page.fill("#id_names", "特等\n一等\n二等\n三等")
    page.get_by_role("button", name="保存等次").click()
    expect(page.get_by_text("表彰等次已保存。")).to_be_visible()
    phone.step("grades")
    assert list(competition.grades.values_list("name", flat=True)) == ["特等", "一等", "二等", "三等"]
    phone.goto("/ankang/")
    expect(page.get_by_text("落实安全生产责任 共建安康家园").first).to_be_visible()
