"""The 安康杯 main path of items 1–3 on a phone: unit1 enrols, county1 confirms, unit1 records an activity
with two photos and self-scores its sheet beside the fed indicators, county1 reviews it, city1 sees the
coverage table and the calendar; the sheet's xlsx reads back."""

import io

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from ankang.models import ActivityRecord, Competition, ScoreSheet
from portal.directory.models import OrgNode
from tests.browser.conftest import Cast, log_in
from tests.factories.ankang import days, make_competition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg(shade: int) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, shade, 230)).save(out, "JPEG")
    return {"name": f"p{shade}.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_unit_records_scores_county_reviews(phone, browser, demo):
    # The demo's competition of this year holds the (year, place) slot; this test builds its own, whose
    # deadlines are all still ahead, so it files the demo's under the year before.
    province = OrgNode.objects.get(kind="province")
    for demo_competition in Competition.objects.filter(place=province):
        Competition.objects.filter(pk=demo_competition.pk).update(year=demo_competition.year - 1)
    competition = make_competition(province)
    cast = Cast(browser, phone)
    page = phone.page
    county = cast.person()
    log_in(phone, "unit1")
    log_in(county, "county1")

    phone.goto(f"/ankang/{competition.pk}/")
    page.locator("details summary").click()
    page.locator("form[action$='/enrol/'] button[type=submit]").click()
    expect(page.locator("[data-enrolment]")).to_contain_text("待确认")
    phone.step("enrolled")

    with cast.step("county-confirms", county) as county_page:
        county.goto(f"/ankang/{competition.pk}/enrolments/")
        county_page.get_by_role("button", name="确认", exact=True).click()
        expect(county_page.locator("[data-enrolment]")).to_contain_text("已确认")

    phone.goto(f"/ankang/{competition.pk}/records/new/")
    page.select_option("#id_activity_type", label="安全生产知识和技能培训（8–9月）")
    page.fill("#id_held_on", days(-2).isoformat())
    page.fill("#id_place", "公司培训中心")
    page.fill("#id_participants", "80")
    page.fill("#id_description", "全员安全生产培训")
    page.set_input_files("#id_photos", [jpeg(10), jpeg(90)])
    page.get_by_role("button", name="登记").click()
    expect(page.locator("img.ankang-evidence")).to_have_count(2)
    phone.step("record")
    assert ActivityRecord.objects.get(competition=competition).evidence.count() == 2

    phone.goto(f"/ankang/{competition.pk}/")
    page.get_by_role("button", name="开始自评").click()
    expect(page.locator("[data-figure=activity_coverage]")).to_contain_text("已开展系列活动1/")
    sheet = ScoreSheet.objects.get(competition=competition)
    for row in sheet.scores.select_related("item").filter(item__kind="scored"):
        page.fill(f"#s_{row.item_id}", str(row.item.max_points))
    phone.step("self-score")
    page.check("#id_submit")
    page.get_by_role("button", name="保存自评").click()
    expect(page.locator("[data-state]")).to_have_text("已提交自评")

    with cast.step("county-reviews", county) as county_page:
        county.goto(f"/ankang/sheets/{sheet.pk}/")
        county_page.fill("#id_comment", "活动开展扎实")
        county_page.get_by_role("button", name="保存评审").click()
        expect(county_page.locator("[data-state]")).to_have_text("已评审")
        expect(county_page.locator("[data-outcome]").last).to_contain_text("符合表彰基本条件")
        with county_page.expect_download() as waiting:
            county_page.get_by_role("link", name="导出 Excel").click()
        with open(waiting.value.path(), "rb") as stream:
            values = [c.value for row in load_workbook(io.BytesIO(stream.read())).active.iter_rows() for c in row]
        assert sheet.template.title in values and "总 分" in values

    city = cast.person()
    log_in(city, "city1")
    with cast.step("city-coverage", city) as city_page:
        city.goto(f"/ankang/{competition.pk}/coverage/")
        expect(city_page.locator("[data-unit]")).to_have_count(1)
        city.goto(f"/ankang/{competition.pk}/calendar/")
        expect(city_page.locator("td.planned").first).to_be_visible()
    cast.close()
