"""Exports and statistics on a phone: the dashboard's charts, an export from the list, the progress page."""

import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from portal.accounts.enums import RoleKind
from portal.exports.enums import ExportStatus
from portal.exports.models import ExportJob
from submissions.enums import EntryState, Tier
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, CampaignFactory, OrgTree, make_user, recommended_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    org = OrgTree.build()
    campaign = CampaignFactory()
    people = org.users()
    worker_a0 = make_user(RoleKind.WORKER, org.unit_a0)
    unit_a0 = make_user(RoleKind.UNIT, org.unit_a0)
    recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"], title="配电箱门未上锁")
    recommended_entry(worker_a0, campaign, assessor=unit_a0, grader=people["city"], title="叉车无证驾驶",
                      values={"l": "1.5", "e": "1.4", "c": "20", "x": "0.98", "y": "1"})
    recommended_entry(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.SELECTION,
                      rectified_photos=0, title="脚手架缺少护栏")
    return {"org": org, "people": people}


def test_city_dashboard_draws_every_chart(phone, world):
    page = phone.page
    log_in(phone, world["people"]["city"].username, PASSWORD)
    phone.goto("/stats/")
    expect(page.get_by_role("heading", level=1)).to_have_text("统计")
    expect(page.locator("[data-total=entries]")).to_have_text("3")
    canvases = page.locator("canvas[data-chart]")
    expect(canvases).to_have_count(7)
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length === 7")
    phone.step("dashboard")


def test_city_exports_ticked_entries_as_a_photo_archive(phone, world):
    page = phone.page
    log_in(phone, world["people"]["city"].username, PASSWORD)
    phone.goto("/stats/entries/")
    rows = page.locator("tr[data-entry]")
    expect(rows).to_have_count(2)  # recommended ones by default
    page.locator("[data-pick-all]").check()
    expect(page.locator("[data-pick-count]")).to_have_text("已选 2 件")
    page.locator("#export-kind").select_option("photos")
    phone.step("entries-ticked")
    page.get_by_role("button", name="导出所选作品").click()
    expect(page).to_have_url(re.compile(r"/exports/jobs/\d+/$"))
    download_link = page.locator("[data-export-download]")
    expect(download_link).to_be_visible()
    phone.step("job-done")
    with page.expect_download() as waiting:
        download_link.click()
    download = waiting.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        assert len([name for name in archive.namelist() if name.endswith(".jpg")]) == 8


def test_the_progress_page_follows_a_job_until_it_is_ready(phone, world):
    page = phone.page
    city = world["people"]["city"]
    job = ExportJob.objects.create(kind="fujian2", requested_by=city, download_name="附件2.xlsx",
                                   params={"campaign": None, "union": world["org"].city_a.pk, "entries": None},
                                   status=ExportStatus.RUNNING, progress=40)
    log_in(phone, city.username, PASSWORD)
    phone.goto(f"/exports/jobs/{job.pk}/")
    expect(page.locator("[data-export-percent]")).to_have_text("40")
    expect(page.locator("[data-export-download]")).to_be_hidden()
    phone.step("running")
    job.file.save("x.xlsx", ContentFile(b"PK"), save=False)
    job.status, job.progress = ExportStatus.DONE, 100
    job.save()
    expect(page.locator("[data-export-percent]")).to_have_text("100", timeout=15_000)
    expect(page.locator("[data-export-download]")).to_be_visible()
    expect(page.locator("[data-export-label]")).to_have_text("已完成")
    phone.step("ready")
