"""The exhibition and an expert's pages on a phone, in Debian's Chromium (run by `make test-browser`)."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.enums import RoleKind
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
    add_plain_photos,
    assign,
    make_entry,
    make_expert,
    make_user,
    set_counts,
)
from tests.factories.experts import score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clear_cache")]

browser = browser_conftest.browser
phone = browser_conftest.phone


@pytest.fixture
def world():
    org = OrgTree.build()
    campaign = CampaignFactory(**SMALL)
    author = make_user(RoleKind.WORKER, org.unit_a1a, full_name="展示作者")
    experts = [make_expert(org.city_b, username=f"expert{n}") for n in range(2)]
    committee = make_user(RoleKind.COMMITTEE, org.province)
    entries = []
    for n in range(2):
        entry = make_entry(author, campaign=campaign)
        add_plain_photos(entry, author, n=n)
        Entry.objects.filter(pk=entry.pk).update(state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                                                 has_rectification_photos=True)
        entries.append(entry)
    for expert in experts:
        assign(entries[0], expert)
        score(entries[0], expert, "80")
    assign(entries[1], experts[0])
    return {"campaign": campaign, "entries": entries, "experts": experts, "committee": committee,
            "author": author}


def publish(world):
    campaign, committee = world["campaign"], world["committee"]
    set_counts(campaign, {"一等奖": 1})
    set_counts(campaign, {"组织奖": 0}, kind="organisation")
    services.propose_awards(campaign, actor=committee)
    # The second entry has no score yet: the checklist is open, the committee locks with a reason.
    services.confirm_results(campaign, actor=committee, override_reason="第二件作品的专家无法按期评分")
    exhibition_services.publish_results(campaign, actor=committee)


def images_loaded(page) -> bool:
    return page.evaluate("() => Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)")


def test_the_exhibition_on_a_phone(phone, world):
    publish(world)
    page = phone.page
    phone.goto("/exhibition/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("作品展")
    card = page.locator("[data-exhibit]").first
    expect(card).to_contain_text("一等奖")
    expect(card).to_contain_text("展示作者")
    page.wait_for_load_state("networkidle")
    assert images_loaded(page)
    phone.step("exhibition")
    card.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/exhibition/\d{4}-\d{6}/$"))
    page.wait_for_load_state("networkidle")
    assert images_loaded(page)
    before, after = page.locator(".exhibition-pair > div").nth(0), page.locator(".exhibition-pair > div").nth(1)
    box_before, box_after = before.bounding_box(), after.bounding_box()
    assert abs(box_before["y"] - box_after["y"]) < 1 and box_after["x"] > box_before["x"]  # side by side
    assert box_after["x"] + box_after["width"] <= 390 + 1  # no horizontal scrolling on a phone
    phone.step("exhibition-detail")


def test_an_expert_scores_on_a_phone(phone, world):
    page = phone.page
    phone.goto("/accounts/login/")
    page.locator("input[name=username]").fill("expert0")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    phone.goto("/experts/")
    expect(page.locator("[data-progress]")).to_have_text("已评 1/2")
    expect(page.locator("main")).not_to_contain_text("展示作者")
    phone.step("my-assignments")
    page.locator(f"[data-entry='{world['entries'][1].pk}']").click()
    page.wait_for_load_state("networkidle")
    assert images_loaded(page)
    expect(page.locator("main")).to_contain_text("提交您的评分后才能看到")
    phone.step("entry")
    page.get_by_role("link", name="评分", exact=True).click()
    for code, value in (("L", "2"), ("E", "2"), ("C", "25"), ("X", "1"), ("Y", "1")):
        page.locator(f"input[data-factor='{code}'][value='{value}'] + label").click()
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("100.000")
    assert questions == ["评分提交后不能修改，并将显示其他专家的评分。确定提交吗？"]
    phone.goto(f"/experts/entries/{world['entries'][1].pk}/")
    expect(page.locator("main")).to_contain_text("专家评分（匿名）")
    expect(page.locator("[data-score-frozen]")).to_have_text("您的评分已提交，不能修改。")
    phone.goto("/experts/")
    expect(page.locator("[data-progress]")).to_have_text("已评 2/2")
    phone.step("done")
