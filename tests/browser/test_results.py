"""The end of the campaign in a real browser (issues 11.2, 11.7, 11.8): the committee's pre-lock checklist
and its override, a city after the lock, and the author reading the result and the exhibition link."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import AwardKind
from review.exhibition import services as exhibition_services
from review.experts import services
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.browser import conftest as browser_conftest
from tests.factories import (
    PASSWORD,
    SMALL,
    CampaignFactory,
    OrgTree,
    assign,
    at_province,
    make_entry,
    make_expert,
    make_user,
    set_counts,
)
from tests.factories.experts import score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = browser_conftest.browser
phone = browser_conftest.phone


@pytest.fixture
def world():
    org = OrgTree.build()
    campaign = CampaignFactory(**SMALL, experts_per_entry=2)
    author = make_user(RoleKind.WORKER, org.unit_a1a, username="author1", full_name="结果作者")
    committee = make_user(RoleKind.COMMITTEE, org.province, username="committee1")
    make_user(RoleKind.CITY, org.city_a, username="city1")
    experts = [make_expert(org.city_b, username=f"expert{n}") for n in range(2)]
    entries = [at_province(author, campaign) for _ in range(3)]
    for n, entry in enumerate(entries):
        Entry.objects.filter(pk=entry.pk).update(title=f"结果作品{n}")
    for expert in experts:  # only the first entry is scored: the checklist has an open item
        assign(entries[0], expert)
        score(entries[0], expert, "80")
    waiting = make_entry(author, campaign=campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION,
                         has_rectification_photos=True, unit_score="60")
    set_counts(campaign, {"一等奖": 1, "二等奖": 0, "三等奖": 0, "优秀奖": 0})
    set_counts(campaign, {"组织奖": 0}, kind=AwardKind.ORGANISATION)
    services.propose_awards(campaign, actor=committee)
    return {"campaign": campaign, "entries": entries, "committee": committee, "waiting": waiting}


def log_in(phone, username):
    browser_conftest.log_in(phone, username, PASSWORD)


def test_the_committee_cannot_lock_past_the_checklist_without_a_reason(phone, world):
    page = phone.page
    log_in(phone, "committee1")
    phone.goto("/experts/dashboard/")
    scores = page.locator("[data-check='scores']")
    expect(scores).to_have_attribute("data-check-open", "1")
    expect(scores).to_contain_text("2件作品的有效专家评分少于2份")
    expect(page.get_by_role("button", name="确认并锁定评审结果")).to_have_count(0)
    phone.step("checklist-open")
    form = page.locator("form[data-lock-override]")
    form.locator("textarea[name=reason]").fill("两位专家因病无法按期评分，经组委会会议决定按现有结果锁定")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    form.get_by_role("button", name="填写理由后强制锁定").click()
    expect(page.locator(".alert-success")).to_contain_text("评审结果已确认并锁定")
    expect(page.locator("[data-override]")).to_contain_text("两位专家因病无法按期评分")
    assert questions and "强制锁定" in questions[0]
    phone.step("locked-with-reason")


def test_after_the_lock_the_city_finds_no_recommend_action(phone, world):
    services.confirm_results(world["campaign"], actor=world["committee"], override_reason="测试")
    page = phone.page
    log_in(phone, "city1")
    phone.goto(f"/review/entries/{world['waiting'].pk}/")
    actions = page.locator("#review-actions")
    expect(actions).to_contain_text("省级评审结果已确认锁定")
    expect(actions.get_by_role("button", name="推荐省级评审")).to_have_count(0)
    phone.step("city-entry-after-lock")
    phone.goto("/review/")
    expect(page.locator("main")).to_contain_text("省级评审结果已确认锁定")
    phone.step("city-queue-after-lock")


def test_the_author_reads_the_result_and_finds_the_exhibition(phone, world):
    campaign, committee, entries = world["campaign"], world["committee"], world["entries"]
    services.confirm_results(campaign, actor=committee, override_reason="测试")
    exhibition_services.publish_results(campaign, actor=committee)
    page = phone.page
    log_in(phone, "author1")
    results = page.locator("#worker-results")
    expect(results).to_contain_text("荣获一等奖")
    expect(results.locator(f"[data-outcome-entry='{entries[1].pk}']")).to_contain_text("未获奖")
    phone.step("home-results")
    results.get_by_role("link", name="结果作品0").click()
    expect(page.locator("[data-step='result']")).to_contain_text("获奖：一等奖")
    expect(page.locator("[data-step='published']")).to_contain_text("已在作品展发布")
    phone.step("entry-progress")
    page.locator("[data-exhibition-link]").click()
    expect(page).to_have_url(re.compile(rf"/exhibition/{entries[0].code}/$"))
    phone.step("exhibition")
    phone.goto("/review/notifications/")
    expect(page.locator("main")).to_contain_text("荣获一等奖")
    expect(page.locator("main")).to_contain_text("已在作品展发布")
