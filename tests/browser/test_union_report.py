"""The publications in a real browser (issue 20): city1 writes its 活动开展情况和成效做法 from the pre-filled
draft with the toolbar and files it with 附件3; the committee sees it filed and downloads the album PDF."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from portal.accounts.enums import RoleKind
from submissions import services as submission_services
from submissions.models import Photo
from tests.browser import conftest as browser_conftest
from tests.factories import PASSWORD, SMALL, CampaignFactory, OrgTree, make_expert, make_user
from tests.factories.exhibition import AUTHOR, PHONE, published_results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

browser = browser_conftest.browser
phone = browser_conftest.phone


@pytest.fixture
def world():
    org = OrgTree.build()
    campaign = CampaignFactory(**SMALL)
    people = {
        "worker": make_user(RoleKind.WORKER, org.unit_a1a),
        "worker_ga": make_user(RoleKind.WORKER, org.unit_ga),
        "expert_b": make_expert(org.city_b),
        "expert_i": make_expert(org.industry),
        "committee": make_user(RoleKind.COMMITTEE, org.province, username="committee1", full_name="组委会"),
        "city": make_user(RoleKind.CITY, org.city_a, username="city1"),
    }
    shown = published_results(org, people, campaign)
    for photo in Photo.objects.all():  # the report shows previews: make every one
        submission_services.create_photo_derivatives(photo)
    return {"org": org, "campaign": campaign, "shown": shown}


def log_in(person, username):
    browser_conftest.log_in(person, username, PASSWORD)


def test_city1_files_its_report_and_the_committee_downloads_the_album(phone, world):
    page = phone.page
    union = world["org"].city_a
    log_in(phone, "city1")
    phone.goto(f"/stats/statistics/{union.pk}/")
    page.locator("[data-union-report-link]").click()
    expect(page).to_have_url(re.compile(rf"/stats/statistics/{union.pk}/report/$"))
    body = page.locator("textarea[name=body]")
    expect(body).to_have_value(re.compile("发现隐患 \\d+ 处"))
    phone.step("draft")
    body.evaluate("area => { area.focus(); area.selectionStart = area.selectionEnd = area.value.length; }")
    page.get_by_role("button", name="小标题").click()
    page.get_by_role("button", name="插入照片").click()
    expect(body).to_have_value(re.compile(r'<h3>…</h3><p><img src="/files/photo/\d+/preview/"'))
    page.get_by_role("button", name="随附件3报送省活动组委会办公室").click()
    expect(page.locator("main .alert-success").first).to_contain_text("已报送")
    expect(page.locator("[data-filed]")).to_contain_text("已于")
    preview = page.locator("[data-report-body]")
    expect(preview.locator("h3").first).to_contain_text("一、活动开展情况")
    expect(preview.locator("img").first).to_be_visible()
    phone.step("filed")

    page.context.clear_cookies()
    log_in(phone, "committee1")
    phone.goto("/stats/union-reports/")
    expect(page.locator(f"tr[data-union='{union.pk}']")).to_contain_text("已报送")
    phone.step("committee-list")
    phone.goto("/exports/")
    offer = page.locator("form:has(input[name=kind][value='album-pdf']):has(input[name=names][value='1'])")
    expect(offer).to_have_count(1)
    offer.get_by_role("button", name="生成").click()
    link = page.locator("[data-export-download]")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.failure() is None
    with open(download.path(), "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "获奖作品集" in text and AUTHOR in text and PHONE not in text
    assert len(reader.pages) >= 5
    phone.step("album-ready")
