"""The whole campaign in a real browser, as people play it (issue #8).

One long test walks an entry from the worker's phone to the public exhibition, with a screenshot after
every step in PORTAL_SCREENSHOT_DIR (default var/screenshots; a failing step leaves "…-FAILED.png"):

 1. a worker, on a phone, creates an entry, uploads 2 hazard and 2 rectification photos (real
    3000×2000 / 2000×3000 JPEGs at 300 dpi) through the page's file inputs and submits it;
 2. the unit coordinator scores it (L E C X Y, live D preview) and recommends it;
 3. the county union forwards it;
 4. the city union grades it and recommends it to the province, then recommends up to its cap
    (lowered to 3; three more entries wait at the city tier) and is refused beyond it;
 5. the committee assigns experts automatically; the three demo experts score it blind;
 6. the committee proposes awards, fixes one by hand, confirms the 组织奖 and the results, publishes,
    and downloads 附件1, 附件2, 附件3 and the photo archive from the export pages;
 7. an anonymous visitor on a phone sees the entry in the exhibition, before and after, without contacts.

The entry comes from a unit under 晋中市, so none of the demo experts (太原市, 大同市, 长治市) is tied to it;
the worker and reviewers of that area are made here with tests.factories, the rest comes from seed_demo.
The unhappy paths follow: a PNG renamed .jpg, a 72 dpi photo, and an entry returned to its author.
"""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from portal.accounts.enums import RoleKind
from portal.accounts.models import User
from portal.campaigns.enums import AwardKind, DpiPolicy
from portal.campaigns.models import AwardLevel, Campaign
from portal.directory.models import OrgNode
from review.models import RecommendationQuota
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, Photo
from submissions.services import create_photo_derivatives
from tests.browser.conftest import DESKTOP, log_in
from tests.factories import PASSWORD, add_photo, make_entry, make_user, recommended_entry
from tests.factories import photos as pf
from tests.factories.experts import score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


CITY, COUNTY = "晋中市总工会", "晋中市榆次区总工会"
UNIT = "晋中市榆次区恒安机械制造有限公司"
AUTHOR = "王晓明"
PHONE_NUMBER = "13934567890"
EMAIL = "wangxiaoming.jz@example.com"
ADDRESS = "晋中市榆次区锦纶路88号"
TITLE = "冲床光电保护装置被拆除"

UNIT_FACTORS = ("2", "1.8", "22", "0.99", "0.99")  # D = 77.62392
EXPERT_FACTORS = {  # username: (full name, factors, D shown)
    "expert1": ("周专家", ("2", "2", "25", "1", "1"), "100.000"),
    "expert2": ("吴专家", ("2", "1.8", "25", "1", "1"), "90.000"),
    "expert3": ("郑专家", ("2", "2", "20", "1", "1"), "80.000"),
}


@pytest.fixture
def jinzhong(demo):
    """The worker and the reviewers of one unit's line under 晋中市 (no demo expert is tied to 晋中市)."""
    node = {name: OrgNode.objects.get(name=name) for name in (CITY, COUNTY, UNIT)}
    # The panel is the three experts of EXPERT_FACTORS: the demo's other experts are off for this walk.
    User.objects.filter(roles__kind=RoleKind.EXPERT).exclude(username__in=EXPERT_FACTORS).update(is_active=False)
    return {
        "worker": make_user(RoleKind.WORKER, node[UNIT], username="jz_worker", full_name=AUTHOR,
                            phone=PHONE_NUMBER, email=EMAIL),
        "unit": make_user(RoleKind.UNIT, node[UNIT], username="jz_unit", full_name="刘工会"),
        "county": make_user(RoleKind.COUNTY, node[COUNTY], username="jz_county", full_name="陈初评"),
        "city": make_user(RoleKind.CITY, node[CITY], username="jz_city", full_name="杨甄选"),
    }


# --- helpers --------------------------------------------------------------------------------------------


def accept_next_dialog(page) -> list[str]:
    """Accept the next confirm() and keep its question, to check what the user was asked."""
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return questions


def pick_factors(page, factors):
    """Tap the options of L, E, C, X, Y in turn (fewer values: the first factors only)."""
    for code, value in zip("LECXY"[:len(factors)], factors, strict=True):
        # The radios are Bootstrap btn-check inputs: the user taps the drawn label.
        page.locator(f"input[data-factor='{code}'][value='{value}'] + label").click()


def images_loaded(page) -> bool:
    """Every image with a source has loaded (the review page's lightbox <img> has none until opened)."""
    return page.evaluate("() => Array.from(document.images).filter(img => img.getAttribute('src'))"
                         ".every(img => img.complete && img.naturalWidth > 0)")


def forgive_refused_uploads(person, count=1):
    """A refused photo answers 400 on purpose; the phone fixture fails on any other failed request."""
    # Photos go up through the resumable (tus) endpoint, or the one-shot POST without JavaScript.
    refused = [error for error in person.errors
               if error.startswith("HTTP 400: ") and ("/photos/" in error or "/tus/" in error)]
    assert len(refused) == count, person.errors
    for error in refused:
        person.errors.remove(error)


def assert_blind(page, secrets):
    html = page.content()
    leaked = [secret for secret in secrets if secret in html]
    assert leaked == [], f"an expert page shows {leaked}"


def success(page):
    return page.locator("main .alert-success")


def export_and_download(person, kind, union=None) -> bytes:
    """Start an export from the export page, follow the progress page and download the file."""
    page = person.page
    person.goto("/exports/")
    offer = page.locator(f"form:has(input[name=kind][value='{kind}'])")
    if union is None:
        offer = offer.and_(page.locator("form:not(:has(input[name=union]))"))
    else:
        offer = offer.and_(page.locator(f"form:has(input[name=union][value='{union.pk}'])"))
    expect(offer).to_have_count(1)
    offer.get_by_role("button", name="生成").click()
    expect(page).to_have_url(re.compile(r"/exports/jobs/\d+/$"))
    link = page.locator("[data-export-download]")
    expect(link).to_be_visible(timeout=30_000)
    expect(page.locator("[data-export-label]")).to_have_text("已完成")
    expect(page.locator("[data-export-percent]")).to_have_text("100")
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.failure() is None
    with open(download.path(), "rb") as file:
        return file.read()


def city_tier_entry(campaign, unit_name, title, factors, reviewer) -> Entry:
    """An entry forwarded by its county, waiting at the city tier, with photos and a unit score."""
    author = make_user(RoleKind.WORKER, OrgNode.objects.get(name=unit_name))
    values = dict(zip(("l", "e", "c", "x", "y"), factors, strict=True))
    return recommended_entry(author, campaign, assessor=reviewer, values=values, grade=None,
                             state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION, title=title)


# --- the campaign ---------------------------------------------------------------------------------------


def test_the_whole_campaign_from_a_phone_to_the_exhibition(phone, cast, demo, jinzhong, tmp_path):
    campaign = demo
    worker = phone
    hazard_files = [tmp_path / "IMG_0101.jpg", tmp_path / "IMG_0102.jpg"]
    rectified_files = [tmp_path / "IMG_0201.jpg", tmp_path / "IMG_0202.jpg"]
    hazard_files[0].write_bytes(pf.jpeg(quality=72, exif=(("taken_at", "2025:06:03 09:15:00"),)))
    hazard_files[1].write_bytes(pf.jpeg(quality=76))
    rectified_files[0].write_bytes(pf.jpeg(quality=80))
    rectified_files[1].write_bytes(pf.jpeg((2000, 3000), quality=84))  # portrait: long side 3000 is fine
    for path in hazard_files + rectified_files:
        with Image.open(path) as image:
            assert max(image.size) >= 3000 and min(image.size) >= 2000 and image.info["dpi"] == (300, 300)

    # 1. The worker, on a phone, creates the entry, uploads the photos and submits it.
    with cast.step("worker-new-entry-form", worker) as page:
        log_in(worker, "jz_worker", PASSWORD)
        worker.goto("/submissions/")
        page.locator("main").get_by_role("link", name="提交新作品").first.click()
        expect(page.locator("input[name=author_name]")).to_have_value(AUTHOR)
        expect(page.locator("#selection-union")).to_have_value(CITY)
        page.locator("input[name=title]").fill(TITLE)
        page.get_by_label("物的不安全状态").check()
        page.locator("select[name=industry]").select_option(label="机械")
        page.locator("textarea[name=description]").fill("冲床光电保护被拆除，操作工手部可能被压伤，已恢复。")
        page.locator("input[name=contact_phone]").fill(PHONE_NUMBER)
        page.locator("input[name=contact_address]").fill(ADDRESS)
        page.locator("input[name=contact_email]").fill(EMAIL)
        page.locator("input[name=location]").fill("冲压车间3号冲床")
        page.locator("textarea[name=hazard]").fill("冲床光电保护装置被拆除，双手按钮被短接")
        page.locator("textarea[name=suggestion]").fill("恢复光电保护装置，拆除短接线，班前检查")
        page.locator("textarea[name=rectification_note]").fill("光电保护已恢复并经设备科验收")
        page.locator("input[name=declaration_accepted]").check()
        page.locator("input[name=declaration_name]").fill(AUTHOR)

    with cast.step("worker-draft-saved", worker) as page:
        page.get_by_role("button", name="保存草稿，下一步上传照片").click()
        expect(page).to_have_url(re.compile(r"/submissions/\d+/edit/$"))
        expect(page.locator("[data-missing-panel]")).to_contain_text("隐患照片")

    def upload(kind, files):
        wrapper = page.locator(f"[data-photo-group-wrapper]:has([data-photo-group={kind}])")
        page.locator(f"#file-{kind}").set_input_files([str(path) for path in files])
        # Each photo goes up on its own with a progress bar, then is reported done; after the last one
        # the group is redrawn with a thumbnail per photo.
        done = wrapper.locator("[data-upload-status] .text-success")
        expect(done).to_have_count(len(files), timeout=30_000)
        for path in files:
            expect(done.filter(has_text=path.name)).to_have_text(f"“{path.name}”已上传。")
        expect(wrapper.locator("[data-upload-status] .progress")).to_have_count(0)
        thumbs = wrapper.locator("[data-photo-group] img.photo-thumb")
        expect(thumbs).to_have_count(len(files))
        for number in range(len(files)):
            expect(thumbs.nth(number)).to_have_attribute("src", re.compile(r"/files/photo/\d+/thumbnail/"))
            expect(thumbs.nth(number)).to_have_js_property("complete", True)
            assert thumbs.nth(number).evaluate("img => img.naturalWidth") > 0
        expect(wrapper.locator("[data-photo-group] .badge").first).to_have_text(f"{len(files)} / 4")

    with cast.step("worker-hazard-photos", worker) as page:
        upload("hazard", hazard_files)
        expect(page.locator("[data-photo-group=hazard]")).to_contain_text("3000×2000")
        expect(page.locator("input[name=taken_on]")).to_have_value("2025-06-03")  # from the photo's EXIF

    with cast.step("worker-rectification-photos", worker) as page:
        upload("rectified", rectified_files)
        expect(page.locator("[data-photo-group=rectified]")).to_contain_text("2000×3000")
        expect(page.locator("[data-missing-panel]")).not_to_contain_text("照片")

    with cast.step("worker-submitted", worker) as page:
        asked = accept_next_dialog(page)
        page.get_by_role("button", name="提交作品").click()
        expect(page).to_have_url(re.compile(r"/submissions/\d+/$"))
        expect(page.locator("main")).to_contain_text("已提交，待单位审核")
        assert asked and "确定提交吗" in asked[0]
    entry = Entry.objects.get(author=jinzhong["worker"])
    assert entry.state == EntryState.SUBMITTED
    assert [(p.kind, p.width, p.height) for p in entry.photos.order_by("kind", "position")] == [
        (PhotoKind.HAZARD, 3000, 2000), (PhotoKind.HAZARD, 3000, 2000),
        (PhotoKind.RECTIFIED, 3000, 2000), (PhotoKind.RECTIFIED, 2000, 3000)]
    assert entry.unit.name == UNIT and entry.selection_union.name == CITY

    # 2. The unit coordinator scores it, watching the live D, and recommends it.
    unit = cast.person(DESKTOP)
    with cast.step("unit-queue", unit) as page:
        log_in(unit, "jz_unit", PASSWORD)
        unit.goto("/review/")
        row = page.locator(f"li[data-entry='{entry.pk}']")
        expect(row).to_contain_text(TITLE)
        expect(row).to_contain_text(AUTHOR)
        row.get_by_role("link", name=TITLE).click()
        expect(page).to_have_url(re.compile(rf"/review/entries/{entry.pk}/$"))
        expect(page.locator("main")).to_contain_text("整改前（2）")
        expect(page.locator("main")).to_contain_text("整改后（2）")
        page.wait_for_load_state("networkidle")
        assert images_loaded(page)

    with cast.step("unit-assessment", unit) as page:
        page.get_by_role("link", name="填写/修改单位价值评价").click()
        preview = page.locator("[data-d-preview]")
        expect(preview).to_have_text("—")
        pick_factors(page, UNIT_FACTORS[:4])
        expect(preview).to_have_text("—")  # not until every factor is chosen
        page.locator(f"input[data-factor='Y'][value='{UNIT_FACTORS[4]}'] + label").click()
        expect(preview).to_have_text("77.624")  # 2 × 1.8 × 22 × 0.99 × 0.99 = 77.62392

    with cast.step("unit-assessment-saved", unit) as page:
        page.locator("textarea[name=comment]").fill("隐患典型，整改到位")
        page.get_by_role("button", name="保存评价").click()
        expect(success(page)).to_contain_text("价值评价已保存：D = 77.624")

    with cast.step("unit-recommended", unit) as page:
        unit.goto(f"/review/entries/{entry.pk}/")
        expect(page.locator("main")).to_contain_text("推荐单位评价 D：77.624")
        page.locator("#reason-recommend").fill("同意推荐")
        asked = accept_next_dialog(page)
        page.get_by_role("button", name="单位推荐").click()
        expect(success(page)).to_contain_text(f"已推荐作品 {entry.code}")
        assert asked == ["确定单位推荐该作品吗？"]
    entry.refresh_from_db()
    assert (entry.state, entry.tier, entry.unit_score) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW,
                                                           Decimal("77.62392"))

    # 3. The county union forwards it.
    county = cast.person(DESKTOP)
    with cast.step("county-forwarded", county) as page:
        log_in(county, "jz_county", PASSWORD)
        county.goto("/review/")
        page.locator(f"li[data-entry='{entry.pk}']").get_by_role("link", name=TITLE).click()
        expect(page.locator("main")).to_contain_text("77.624")
        accept_next_dialog(page)
        page.get_by_role("button", name="县级/集团报送").click()
        expect(success(page)).to_contain_text(f"已报送作品 {entry.code}")
    entry.refresh_from_db()
    assert (entry.state, entry.tier) == (EntryState.FIRST_FORWARDED, Tier.SELECTION)

    # 4. The city union grades and recommends it, then fills its quota (cap lowered to 3 for speed, three
    # more entries of the city waiting at its tier) and is refused beyond it.
    Campaign.objects.filter(pk=campaign.pk).update(recommend_cap=3)
    others = [
        city_tier_entry(campaign, "晋中市介休市顺达物流有限公司", "叉车无证驾驶",
                        ("1.5", "1.4", "20", "0.98", "1"), jinzhong["unit"]),
        city_tier_entry(campaign, "晋中市平遥县宏远建材有限责任公司", "脚手架缺少护栏",
                        ("1", "2", "20", "1", "1"), jinzhong["unit"]),
        city_tier_entry(campaign, "晋中市榆次区顺达物流有限公司", "消防通道被堵塞",
                        ("1", "1", "15", "1", "1"), jinzhong["unit"]),
    ]
    city = cast.person(DESKTOP)
    with cast.step("city-queue", city) as page:
        log_in(city, "jz_city", PASSWORD)
        city.goto("/review/")
        expect(page.locator("[data-quota-used]")).to_have_text("已推荐 0/3")
        expect(page.locator("li[data-entry]")).to_have_count(4)
        expect(page.locator("li[data-entry]").first).to_have_attribute("data-entry", str(entry.pk))  # D desc

    with cast.step("city-graded", city) as page:
        page.locator(f"li[data-entry='{entry.pk}']").get_by_role("link", name=TITLE).click()
        expect(page.locator("main")).to_contain_text(f"{CITY}：已推荐 0/3")
        page.locator("form[action$='/grade/'] select[name=award_level]").select_option(label="一等奖")
        accept_next_dialog(page)
        page.get_by_role("button", name="保存等次").click()
        expect(success(page)).to_contain_text("已评定等次：一等奖")

    with cast.step("city-recommended", city) as page:
        page.locator("#reason-recommend_province").fill("推荐参加省级评审")
        accept_next_dialog(page)
        page.get_by_role("button", name="推荐省级评审").click()
        expect(success(page)).to_contain_text(f"已推荐作品 {entry.code} 参加省级评审")

    with cast.step("city-bulk-to-the-cap", city) as page:
        city.goto("/review/")
        expect(page.locator("[data-quota-used]")).to_have_text("已推荐 1/3")
        expect(page.locator("li[data-entry]")).to_have_count(3)
        page.locator("[data-bulk-all]").check()
        expect(page.locator("[data-bulk-count]")).to_have_text("3")
        asked = accept_next_dialog(page)
        page.get_by_role("button", name="执行").click()
        expect(success(page)).to_contain_text("已推荐省级评审 2 件作品")
        refusal = page.locator("main .alert-danger")
        expect(refusal).to_contain_text("1 件作品未能推荐省级评审")
        expect(refusal).to_contain_text(f"{CITY}推荐省级评审的作品已达上限：已推荐 3/3，不能再推荐")
        expect(page.locator("[data-quota-used]")).to_have_text("已推荐 3/3")
        expect(page.locator("[data-quota-used] .badge")).to_have_class(re.compile("text-bg-danger"))
        assert asked == ["确定推荐省级评审所选的 3 件作品吗？"]
    left = [other for other in others if Entry.objects.get(pk=other.pk).state == EntryState.FIRST_FORWARDED]
    recommended = [other for other in others if other not in left]
    assert len(left) == 1 and len(recommended) == 2
    assert RecommendationQuota.objects.get(campaign=campaign, union__name=CITY).used == 3

    with cast.step("city-refused-beyond-the-cap", city) as page:
        city.goto(f"/review/entries/{left[0].pk}/")
        expect(page.locator("main")).to_contain_text(f"{CITY}：已推荐 3/3")
        actions = page.locator("#review-actions")
        expect(actions.get_by_role("button", name="推荐省级评审")).to_have_count(0)
        expect(actions).to_contain_text("推荐省级评审：")
        expect(actions.locator(".text-danger").first).to_contain_text("已达上限：已推荐 3/3，不能再推荐")

    # 5. The committee assigns experts; each of the three scores the entry blind.
    committee = cast.person(DESKTOP)
    with cast.step("committee-assigns-experts", committee) as page:
        log_in(committee, "committee")
        committee.goto("/experts/assignments/")
        expect(page.locator("main")).to_contain_text("共 3 件作品，3 件专家人数不足")
        accept_next_dialog(page)
        page.get_by_role("button", name="自动分配").click()
        expect(success(page)).to_contain_text("自动分配完成：新增9项分配")
        row = page.locator(f"tr[data-entry='{entry.pk}']")
        for name, _factors, _d in EXPERT_FACTORS.values():
            expect(row).to_contain_text(name)
        expect(row).to_contain_text("已满")

    secrets = [AUTHOR, UNIT, PHONE_NUMBER, EMAIL, ADDRESS, COUNTY]
    for username, (name, factors, shown) in EXPERT_FACTORS.items():
        expert = cast.person()
        with cast.step(f"{username}-blind-entry", expert) as page:
            log_in(expert, username)
            expert.goto("/experts/")
            expect(page.locator("[data-progress]")).to_have_text("已评 0/3")
            expect(page.locator("main")).to_contain_text("本届为匿名评审")
            assert_blind(page, secrets)
            page.locator(f"[data-entry='{entry.pk}']").click()
            expect(page).to_have_url(re.compile(rf"/experts/entries/{entry.pk}/$"))
            expect(page.locator("main")).to_contain_text("匿名评审：不显示作者姓名、单位和联系方式")
            expect(page.locator("main")).to_contain_text("冲床光电保护装置被拆除，双手按钮被短接")
            expect(page.locator(".experts-thumb")).to_have_count(4)
            page.wait_for_load_state("networkidle")
            assert images_loaded(page)
            assert_blind(page, secrets)

        with cast.step(f"{username}-scored", expert) as page:
            page.get_by_role("link", name="评分", exact=True).click()
            expect(page.locator("h1")).to_contain_text("省级评审")
            assert_blind(page, secrets)
            pick_factors(page, factors)
            expect(page.locator("[data-d-preview]")).to_have_text(shown)
            asked = accept_next_dialog(page)  # a saved expert score is final (issue 12.3)
            page.locator("main form button[type=submit]").click()
            expect(success(page)).to_contain_text(f"D = {shown}")
            assert asked == ["评分提交后不能修改，并将显示其他专家的评分。确定提交吗？"]
            assert_blind(page, secrets)
            expert.goto("/experts/")
            expect(page.locator("[data-progress]")).to_have_text("已评 1/3")
            expect(page.locator(f"[data-entry='{entry.pk}']")).to_contain_text("已评")
            assert_blind(page, secrets)
        assert name in page.locator("nav.navbar").text_content()  # the expert's own name only

    # The other two entries' scores, as the experts would give them, straight into the database.
    experts = [User.objects.get(username=username) for username in EXPERT_FACTORS]
    for other, key in zip(sorted(recommended, key=lambda e: e.pk), ("72", "60"), strict=True):
        for expert_user in experts:
            score(other, expert_user, key)
    second, third = sorted(recommended, key=lambda e: e.pk)

    # 6. The committee proposes the awards, fixes one, confirms, publishes and exports.
    levels = {level.name: level for level in AwardLevel.objects.filter(campaign=campaign)}
    for name, count in (("一等奖", 1), ("二等奖", 1), ("三等奖", 1), ("优秀奖", 1), ("组织奖", 1)):
        AwardLevel.objects.filter(pk=levels[name].pk).update(count=count)
    assert levels["组织奖"].kind == AwardKind.ORGANISATION

    with cast.step("committee-dashboard-proposed", committee) as page:
        committee.goto("/experts/dashboard/")
        row = page.locator(f"tr[data-entry='{entry.pk}']")
        expect(row).to_contain_text("3/3")
        expect(row).to_contain_text("90.000")
        accept_next_dialog(page)
        page.get_by_role("button", name="按名次拟定奖项").click()
        expect(success(page)).to_contain_text("已按名次拟定作品奖3项")
        expect(page.locator(f"tr[data-entry='{entry.pk}']")).to_contain_text("一等奖")
        expect(page.locator(f"tr[data-entry='{second.pk}']")).to_contain_text("二等奖")
        expect(page.locator(f"tr[data-entry='{third.pk}']")).to_contain_text("三等奖")

    with cast.step("committee-fixes-an-award", committee) as page:
        page.locator(f"tr[data-entry='{third.pk}']").get_by_role("link", name="调整").click()
        page.locator("select[name=level]").select_option(label="优秀奖")
        page.locator("textarea[name=reason]").fill("组委会复核：整改成效一般，调整为优秀奖")
        page.get_by_role("button", name="保存", exact=True).click()
        expect(success(page)).to_contain_text("奖项已调整")
        row = page.locator(f"tr[data-entry='{third.pk}']")
        expect(row).to_contain_text("优秀奖")
        expect(row).to_contain_text("人工")

    with cast.step("committee-organisation-awards", committee) as page:
        committee.goto("/experts/organisation/")
        accept_next_dialog(page)
        page.get_by_role("button", name="计算并拟定组织奖").click()
        expect(success(page)).to_contain_text("已计算组织奖得分，拟定1个")
        page.get_by_role("button", name=re.compile("按拟定结果确认全部")).click()
        expect(success(page)).to_contain_text("项组织奖")
        expect(page.locator("tr[data-union]").first).to_contain_text(CITY)
        expect(page.locator("tr[data-union]").first.locator(".badge.text-bg-primary")).to_have_text("组织奖")

    with cast.step("committee-results-locked", committee) as page:
        committee.goto("/experts/dashboard/")
        asked = accept_next_dialog(page)
        page.get_by_role("button", name="确认并锁定评审结果").click()
        expect(success(page)).to_contain_text("评审结果已确认并锁定")
        expect(page.locator("main")).to_contain_text("确认锁定，奖项和专家分配不能再更改")
        expect(page.get_by_role("button", name="按名次拟定奖项")).to_have_count(0)
        assert asked == ["确认后奖项锁定，不能再更改。确定确认评审结果吗？"]

    with cast.step("committee-published", committee) as page:
        committee.goto("/exhibition/manage/")
        accept_next_dialog(page)
        page.get_by_role("button", name="发布获奖作品").click()
        expect(success(page)).to_contain_text("已发布3件获奖作品")
        expect(page.locator(f"tr[data-exhibit='{entry.pk}']")).to_contain_text("一等奖")

    with cast.step("committee-fujian1", committee):
        book = load_workbook(io.BytesIO(export_and_download(committee, "fujian1")))
        assert len(book.sheetnames) == 3  # the three entries recommended to the province
        sheet = book[book.sheetnames[0]]
        assert book.sheetnames[0] == f"001 {TITLE}"
        assert sheet["A1"].value == "附件1" and sheet["E1"].value == f"编号：{entry.code}"
        fields = {sheet[f"A{row}"].value: sheet[f"B{row}"].value for row in range(3, 18)}
        assert fields["照片名称"] == TITLE and fields["作者姓名"] == AUTHOR and fields["作者单位"] == UNIT
        assert fields["联系电话"] == PHONE_NUMBER and fields["推荐市或产业"] == CITY
        # Each photo's file name is under the photo itself in its box.
        assert f"001-{TITLE}-{UNIT}-{AUTHOR}-整改后2.jpg" in {cell.value for row in sheet.iter_rows() for cell in row}
        assert sheet._images  # the photos themselves

    with cast.step("committee-fujian2", committee):
        sheet = load_workbook(io.BytesIO(export_and_download(committee, "fujian2"))).active
        headers = [cell.value for cell in sheet[3]]
        rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)]
        assert len(rows) == 3 and rows[0]["照片名称"] == TITLE
        first = rows[0]
        assert (first["作者姓名"], first["作者单位"], first["推荐市或产业"]) == (AUTHOR, UNIT, CITY)
        assert [first[code] for code in "LECXY"] == [2, 1.8, 22, 0.99, 0.99]
        assert first["D"] == pytest.approx(77.62392) and first["推荐等次"] == "一等奖"
        assert first["联系电话"] == PHONE_NUMBER

    with cast.step("committee-fujian3", committee):
        sheet = load_workbook(io.BytesIO(export_and_download(committee, "fujian3"))).active
        headers = [cell.value for cell in sheet[3]]
        rows = {row[1]: dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)}
        # 整改隐患数 counts from the ledger (hazards.campaign_counts): the entry this test's worker submitted is
        # in its unit's ledger, registered but not yet verified (已验收) there, so it is found, not yet rectified;
        # entries outside the ledger count by their rectification photos.
        assert (rows[CITY]["发现隐患数"], rows[CITY]["整改隐患数"]) == (4, 3)
        assert rows[CITY]["职工参与数"] == 4 and rows[CITY]["参加单位数"] == 4
        assert "合计" in rows

    with cast.step("committee-photo-archive", committee):
        data = export_and_download(committee, "photos", union=OrgNode.objects.get(name=CITY))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            names = archive.namelist()
            assert names[:3] == ["附件1-评审报名表.xlsx", "附件2-评审报名汇总表.xlsx", "附件3-统计表.xlsx"]
            ours = [name for name in names if name.startswith(f"照片/001-{TITLE}-{UNIT}-{AUTHOR}-")]
            assert [name.rsplit("-", 1)[1] for name in ours] == ["整改前1.jpg", "整改前2.jpg", "整改后1.jpg",
                                                                 "整改后2.jpg"]
            for photo in entry.photos.all():
                label = "整改前" if photo.kind == PhotoKind.HAZARD else "整改后"
                stored = archive.read(f"照片/001-{TITLE}-{UNIT}-{AUTHOR}-{label}{photo.position}.jpg")
                with photo.original.open("rb") as original:
                    assert stored == original.read()
                with Image.open(io.BytesIO(stored)) as image:
                    assert image.format == "JPEG" and image.size == (photo.width, photo.height)
                    assert image.info["dpi"] == (300, 300)
            load_workbook(io.BytesIO(archive.read("附件2-评审报名汇总表.xlsx")))

    # 7. An anonymous visitor on a phone sees it in the exhibition, before and after, without contacts.
    visitor = cast.person()
    with cast.step("visitor-exhibition", visitor) as page:
        visitor.goto("/exhibition/")
        card = page.locator(f"[data-exhibit='{entry.pk}']")
        expect(card).to_contain_text("一等奖")
        expect(card).to_contain_text(TITLE)
        expect(page.locator("[data-exhibit]")).to_have_count(3)
        page.wait_for_load_state("networkidle")
        assert images_loaded(page)
        html = page.content()
        assert PHONE_NUMBER not in html and EMAIL not in html and ADDRESS not in html

    with cast.step("visitor-exhibition-entry", visitor) as page:
        card.locator("a").first.click()
        expect(page).to_have_url(re.compile(rf"/exhibition/{entry.code}/$"))
        pair = page.locator(".exhibition-pair > div")
        expect(pair.nth(0)).to_contain_text("整改前")
        expect(pair.nth(1)).to_contain_text("整改后")
        expect(pair.nth(0).locator("img")).to_have_count(2)
        expect(pair.nth(1).locator("img")).to_have_count(2)
        page.wait_for_load_state("networkidle")
        assert images_loaded(page)
        html = page.content()
        assert PHONE_NUMBER not in html and EMAIL not in html and ADDRESS not in html
        # The served photo is a re-encoded copy: no EXIF (the upload carried a date), no GPS.
        src = pair.nth(0).locator("img").first.get_attribute("src")
        response = page.request.get(visitor.base_url + src)
        assert response.ok and response.headers["content-type"].startswith("image/jpeg")
        with Image.open(io.BytesIO(response.body())) as image:
            assert not image.getexif() and "exif" not in image.info


# --- unhappy paths --------------------------------------------------------------------------------------


def draft_of(username, campaign) -> Entry:
    return make_entry(User.objects.get(username=username), campaign=campaign)


def test_a_png_renamed_jpg_is_refused_in_chinese_and_no_thumbnail_appears(phone, cast, demo, tmp_path):
    entry = draft_of("worker1", demo)
    fake = tmp_path / "IMG_3001.jpg"
    fake.write_bytes(pf.other_format("PNG"))
    with cast.step("png-warned-before-upload", phone) as page:
        log_in(phone, "worker1")
        phone.goto(f"/submissions/{entry.pk}/edit/")
        page.locator("#file-hazard").set_input_files(str(fake))
        warning = page.locator("[data-upload-status] .alert-warning")
        expect(warning).to_contain_text("“IMG_3001.jpg”不是 JPEG（jpg）照片，服务器会拒收。")

    with cast.step("png-refused-by-the-server", phone) as page:
        warning.get_by_role("button", name="仍然上传").click()
        refusal = page.locator("[data-upload-status] .alert-danger")
        expect(refusal).to_contain_text("“IMG_3001.jpg”未上传：文件不是 JPEG 格式（检测到 PNG），请上传 jpg 照片")
        group = page.locator("[data-photo-group=hazard]")
        expect(group.locator("figure")).to_have_count(0)
        expect(group.locator("img")).to_have_count(0)
        expect(group).to_contain_text("尚未上传。")
        expect(page.locator("[data-missing-panel]")).to_contain_text("请上传至少1幅隐患照片")
    forgive_refused_uploads(phone)
    assert not Photo.objects.exists()


def test_a_72_dpi_photo_is_refused_with_the_dpi_message(phone, cast, demo, tmp_path):
    Campaign.objects.filter(pk=demo.pk).update(dpi_policy=DpiPolicy.REJECT)
    entry = draft_of("worker1", demo)
    low = tmp_path / "IMG_3002.jpg"
    low.write_bytes(pf.jpeg(dpi=72))
    with cast.step("72dpi-refused", phone) as page:
        log_in(phone, "worker1")
        phone.goto(f"/submissions/{entry.pk}/edit/")
        page.locator("#file-rectified").set_input_files(str(low))
        # The browser's pre-check reads the density and warns first (issue 11.4); sent anyway, the server
        # reads it too and refuses.
        warning = page.locator("[data-upload-status] .alert-warning")
        expect(warning).to_contain_text("72 dpi")
        warning.get_by_role("button", name="仍然上传").click()
        refusal = page.locator("[data-upload-status] .alert-danger")
        expect(refusal).to_contain_text("照片分辨率为 72 dpi，要求不低于 300 dpi")
        expect(refusal).to_contain_text("可用图片软件将分辨率改为 300 dpi（像素不变）后重新上传")
        expect(page.locator("[data-photo-group=rectified] figure")).to_have_count(0)
        expect(page.locator("[data-upload-status] .alert-warning")).to_have_count(0)
    forgive_refused_uploads(phone)
    assert not Photo.objects.exists()


def test_a_returned_entry_is_edited_and_resubmitted_by_its_author(phone, cast, demo):
    worker_user = User.objects.get(username="worker1")
    entry = make_entry(worker_user, campaign=demo, state=EntryState.SUBMITTED, has_rectification_photos=True)
    assert entry.title == "配电箱门未上锁"
    for kind, seed in ((PhotoKind.HAZARD, 1), (PhotoKind.RECTIFIED, 2)):
        create_photo_derivatives(add_photo(entry, kind, 1, seed))
    reason = "整改后照片看不清配电箱门锁，请补拍清晰照片并补充整改说明。"

    unit = cast.person(DESKTOP)
    with cast.step("unit-returns-the-entry", unit) as page:
        log_in(unit, "unit1")
        unit.goto("/review/")
        page.locator(f"li[data-entry='{entry.pk}']").get_by_role("link", name="配电箱门未上锁").click()
        page.locator("#reason-return").fill(reason)
        asked = accept_next_dialog(page)
        page.get_by_role("button", name="退回修改").click()
        expect(success(page)).to_contain_text(f"已将作品 {entry.code} 退回作者修改")
        assert asked == ["确定退回修改该作品吗？"]
    entry.refresh_from_db()
    assert (entry.state, entry.tier) == (EntryState.RETURNED, Tier.UNIT)

    with cast.step("worker-sees-the-reason", phone) as page:
        log_in(phone, "worker1")
        phone.goto("/submissions/")
        item = page.locator("main .list-group-item", has_text="配电箱门未上锁")
        expect(item).to_contain_text("退回修改")
        item.click()
        expect(page).to_have_url(re.compile(rf"/submissions/{entry.pk}/edit/$"))
        expect(page.locator("main .alert-warning", has_text="退回原因")).to_have_text(f"退回原因：{reason}")

    with cast.step("worker-edits", phone) as page:
        page.locator("textarea[name=rectification_note]").fill("已更换挂锁并补拍清晰照片")
        page.get_by_role("button", name="保存草稿", exact=True).click()
        expect(success(page)).to_contain_text("已保存")
        expect(page.locator("textarea[name=rectification_note]")).to_have_value("已更换挂锁并补拍清晰照片")

    with cast.step("worker-resubmitted", phone) as page:
        accept_next_dialog(page)
        page.get_by_role("button", name="提交作品").click()
        expect(page).to_have_url(re.compile(rf"/submissions/{entry.pk}/$"))
        expect(page.locator("main")).to_contain_text("已提交，待单位审核")
    entry.refresh_from_db()
    assert (entry.state, entry.tier, entry.rectification_note) == (EntryState.SUBMITTED, Tier.UNIT,
                                                                   "已更换挂锁并补拍清晰照片")

    with cast.step("unit-sees-it-again", unit) as page:
        unit.goto("/review/")
        expect(page.locator(f"li[data-entry='{entry.pk}']")).to_contain_text("已提交，待单位审核")
