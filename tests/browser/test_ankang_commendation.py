"""The 安康杯 main path on a phone: a unit union records two activities with photos, self-scores its sheet
and submits it; the county union reviews it and nominates the unit as 优胜单位 within its quota; the city
forwards it; the province lists, fixes and publishes the commendation; the county's report opens as Word
and the nomination list as xlsx. (The activity and sheet pages are those of the ankang branch at 4e21e35.)"""

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from ankang.models import ScoreItem
from ankang.nomination_models import Nomination
from tests.browser.conftest import log_in
from tests.browser.test_returns import jpeg
from tests.factories import OrgTree
from tests.factories.accounts import PASSWORD
from tests.factories.ankang import ankang_people, confirmed, days, make_competition
from tests.factories.ankang_nominations import set_quotas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _record(page, base, competition, day):
    page.goto(f"{base}/ankang/{competition.pk}/records/new/")
    page.locator("#id_activity_type").select_option(index=1)
    page.fill("#id_held_on", day)
    page.fill("#id_place", "一号车间")
    page.fill("#id_participants", "25")
    page.fill("#id_description", "全员安全生产培训")
    page.set_input_files("#id_photos", {"name": "培训.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("h1")).not_to_contain_text("登记活动")


def _as(phone, user):
    phone.page.context.clear_cookies()
    log_in(phone, user.username, PASSWORD)


def test_unit_records_scores_county_nominates_city_forwards_province_publishes(phone):
    org = OrgTree.build()
    people = ankang_people(org)
    competition = make_competition(org.province)
    set_quotas(competition, cap=1)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    page, base = phone.page, phone.base_url
    day = days(-3).isoformat()

    _as(phone, people["unit"])
    for _ in range(2):
        _record(page, base, competition, day)
    phone.step("recorded")
    phone.goto(f"/ankang/{competition.pk}/")
    page.get_by_role("button", name="开始自评").first.click()
    expect(page.locator("[data-figure]").first).to_be_visible()  # the fed indicators beside the items
    for item in ScoreItem.objects.filter(template=competition.score_template):
        page.fill(f"#s_{item.pk}", str(item.max_points.normalize()) if item.kind == "scored" else "0")
    phone.step("self-scoring")
    page.check("#id_submit")  # 同时提交自评
    page.get_by_role("button", name="保存自评").click()
    expect(page.locator("main")).to_contain_text("已提交自评")

    _as(phone, people["county"])
    phone.goto(f"/ankang/{competition.pk}/sheets/")
    page.locator("a[href*='/ankang/sheets/']").first.click()
    page.get_by_role("button", name="保存评审").click()
    expect(page.locator("main")).to_contain_text("评审")
    phone.step("reviewed")
    phone.goto(f"/ankang/{competition.pk}/nominations/")
    page.locator("summary", has_text="推荐").click()
    page.locator("#id_kind").select_option("unit")
    page.get_by_role("button", name="提交推荐").click()
    page.get_by_role("button", name="审核通过并上报").click()
    expect(page.locator("#timeline li")).to_have_count(2)
    phone.step("county-forwarded")

    _as(phone, people["city"])
    nomination = Nomination.objects.get()
    phone.goto(f"/ankang/nominations/{nomination.pk}/")
    page.get_by_role("button", name="审核通过并上报").click()
    expect(page.locator("#timeline li")).to_have_count(3)

    _as(phone, people["committee"])
    phone.goto(f"/ankang/nominations/{nomination.pk}/")
    page.locator("#id_grade").select_option("first")
    page.get_by_role("button", name="列入表彰名单").click()
    expect(page.locator("#state")).to_contain_text("列入表彰名单")
    phone.goto(f"/ankang/{competition.pk}/nominations/")
    page.get_by_role("button", name="确定表彰名单").click()
    expect(page.get_by_role("button", name="发布表彰")).to_be_visible()
    page.get_by_role("button", name="发布表彰").click()
    page.get_by_role("link", name="表彰公示页").click()
    expect(page.locator("main")).to_contain_text(org.unit_a1a.name)
    phone.step("published")
    with page.expect_download() as waiting:
        phone.goto(f"/ankang/{competition.pk}/nominations/")
        page.get_by_role("link", name="导出推荐名单（xlsx）").click()
    with open(waiting.value.path(), "rb") as stream:
        rows = list(load_workbook(io.BytesIO(stream.read())).active.iter_rows(values_only=True))
    assert any(org.unit_a1a.name in row for row in rows)

    _as(phone, people["county"])
    phone.goto(f"/ankang/{competition.pk}/reports/")
    page.get_by_role("button", name="报告草稿").click()
    expect(page.locator("#docx")).to_be_visible()
    with page.expect_download() as waiting:
        page.get_by_role("link", name="下载Word文档").click()
    with open(waiting.value.path(), "rb") as stream:
        text = "\n".join(p.text for p in Document(io.BytesIO(stream.read())).paragraphs)
    assert "活动开展情况" in text and "50" in text  # two records of 25 participants
