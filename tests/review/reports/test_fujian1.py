"""附件1 评审报名表: read back with openpyxl, cell by cell, merge by merge, mark by mark."""

import io

import pytest
from openpyxl import load_workbook
from PIL import Image

from review.reports.exporters import EntryFormsExport, entry_forms
from review.reports.fujian1 import (
    CHECKED,
    COLUMN_WIDTHS,
    PHOTO_HEIGHT,
    PHOTO_PIXELS,
    UNCHECKED,
    EntryFormExporter,
    form_title,
)
from review.reports.selectors import export_entries
from scoring.formula import SCALES, SCALES_BY_CODE
from submissions.enums import EntryState, Tier
from tests.factories import recommended_entry
from tests.factories.reports import workbook

pytestmark = pytest.mark.django_db

# Two hazard and two rectification photos: each box has its caption, the two photos side by side (D:E and
# F:G) and each file name under its photo.
EXPECTED_MERGES = {
    "E1:G1", "A2:G2",
    *[f"B{row}:C{row}" for row in range(3, 18)],
    "D3:G3", "D4:E10", "F4:G10", "D11:E11", "F11:G11",
    "D12:G12", "D13:E16", "F13:G16", "D17:E17", "F17:G17",
    "B18:G18", "A19:G19", "F20:G20", "F21:G21", "A22:A23", "B22:G22", "B23:G23", "A24:G24",
}
LABELS = ["照片名称", "作者姓名", "作者单位", "联系地址", "联系电话", "电子信箱", "所属行业", "推荐市或产业", "文字说明",
          "照片相关情况", "拍摄时间", "隐患地点", "存在隐患", "整改建议", "整改后说明", "原创申明"]


def export(user, campaign, **params):
    buffer = io.BytesIO()
    EntryFormsExport().generate({"campaign": campaign.pk, "union": None, "entries": None, **params}, user, buffer,
                                lambda done, total: None)
    return workbook(buffer.getvalue())


@pytest.fixture
def entry(people, campaign):
    return recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"],
                             title="配电箱门未上锁", values={"l": "2", "e": "1.8", "c": "22", "x": "0.99", "y": "0.99"})


def test_the_sheet_is_laid_out_like_the_official_form(entry, people, campaign, org):
    book = export(people["city"], campaign, union=org.city_a.pk)
    assert book.sheetnames == ["001 配电箱门未上锁"]
    sheet = book.active
    assert {str(merged) for merged in sheet.merged_cells.ranges} == EXPECTED_MERGES
    assert sheet["A1"].value == "附件1"
    assert sheet["E1"].value == f"编号：{entry.code}"
    assert sheet["A2"].value == "第四届全省职工安全隐患和职业危害“随手拍”活动评审报名表"
    assert [sheet[f"A{row}"].value for row in range(3, 19)] == LABELS
    values = {sheet[f"A{row}"].value: sheet[f"B{row}"].value for row in range(3, 18)}
    assert values == {
        "照片名称": "配电箱门未上锁", "作者姓名": entry.author_name, "作者单位": "甲市一区安泰机械有限公司",
        "联系地址": "某某路1号", "联系电话": entry.contact_phone, "电子信箱": entry.contact_email,
        "所属行业": "煤矿", "推荐市或产业": "甲市总工会", "文字说明": entry.description,
        "照片相关情况": "隐患类别：人的不安全行为",
        "拍摄时间": f"{entry.taken_on.year}年{entry.taken_on.month}月{entry.taken_on.day}日",
        "隐患地点": "一号车间", "存在隐患": "配电箱门未上锁", "整改建议": "加锁并张贴警示标识", "整改后说明": "已加锁",
    }
    assert sheet["D3"].value == "（随手拍安全隐患照片）"
    assert sheet["D12"].value == "（隐患整改后的照片）"
    stem = f"001-配电箱门未上锁-甲市一区安泰机械有限公司-{entry.author_name}"
    assert [sheet[cell].value for cell in ("D11", "F11", "D17", "F17")] == [
        f"{stem}-整改前1.jpg", f"{stem}-整改前2.jpg", f"{stem}-整改后1.jpg", f"{stem}-整改后2.jpg"]
    declaration = sheet["B18"].value
    assert declaration.startswith(f"{CHECKED} 本作品为本人原创，情况属实，特此申明。")
    assert f"责任人：{entry.declaration_name}（签章）" in declaration
    assert sheet["A19"].value == "隐患举报价值评价（由推荐单位进行评价，在相应选项口内打√）"
    assert [sheet.cell(20, column).value for column in range(1, 7)] == [
        "造成事故可能性 L", "工作人员接触隐患频率 E", "可能造成事故后果 C", "排查难度 X", "画面质量 Y",
        "综合得分 D\nD=L*E*C*X*Y"]
    assert sheet["A22"].value == "推荐单位意见"
    assert sheet["B22"].value == "同意推荐"
    assert sheet["B23"].value.startswith("（单位盖章）\n____年__月__日")
    remark = sheet["A24"].value
    assert remark.startswith("备注：可能造成事故后果分类：1、灾难，是指造成3人以上死亡")
    assert str(SCALES_BY_CODE["C"].help_text) in remark


def test_every_option_is_listed_and_only_the_chosen_one_is_ticked(entry, people, campaign, org):
    sheet = export(people["city"], campaign, union=org.city_a.pk).active
    chosen = {"L": "2", "E": "1.8", "C": "22", "X": "0.99", "Y": "0.99"}
    for column, scale in enumerate(SCALES, start=1):
        lines = sheet.cell(21, column).value.split("\n")
        assert len(lines) == len(scale.options)
        for line, option in zip(lines, scale.options, strict=True):
            mark = CHECKED if str(option.value) == chosen[scale.code] else UNCHECKED
            assert line == f"{mark} {option.label} {option.value}分"
        assert sum(line.startswith(CHECKED) for line in lines) == 1
    assert sheet["B21"].value.split("\n")[1] == "☑ 每天几次接触 1.8分"
    assert sheet["F21"].value == pytest.approx(77.62392)
    assert sheet["F21"].number_format == "0.000"


def test_without_a_unit_assessment_nothing_is_ticked_and_d_is_empty(people, campaign, org):
    recommended_entry(people["worker"], campaign, assessor=None, grader=None)
    sheet = export(people["city"], campaign, union=org.city_a.pk).active
    for column in range(1, 6):
        assert CHECKED not in sheet.cell(21, column).value
        assert sheet.cell(21, column).value.count(UNCHECKED) == len(SCALES[column - 1].options)
    assert sheet["F21"].value is None
    assert sheet["B22"].value is None


def test_print_set_up_is_a4_portrait_fitted_to_the_width(entry, people, campaign, org):
    sheet = export(people["city"], campaign, union=org.city_a.pk).active
    assert int(sheet.page_setup.paperSize) == 9
    assert sheet.page_setup.orientation == "portrait"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 1)  # one page per entry
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert "A$1:$G$24" in str(sheet.print_area)
    assert sheet.page_margins.left == pytest.approx(0.6) and sheet.page_margins.top == pytest.approx(0.7)
    assert sheet["A3"].border.left.style == "thin"
    # Each photo box is closed all round, with no lines between its photos and names.
    assert sheet["D11"].border.bottom.style == sheet["G11"].border.right.style == "thin"
    assert sheet["D3"].border.top.style == sheet["D3"].border.left.style == "thin"
    assert sheet["E4"].border.right.style is None and sheet["D10"].border.bottom.style is None


def test_one_sheet_per_entry_with_unique_valid_titles(people, campaign, org):
    for _ in range(2):
        recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=None,
                          title="配电箱/门[未]上锁:*?" + "很长的名称" * 8)
    book = export(people["city"], campaign, union=org.city_a.pk)
    assert len(book.sheetnames) == 2
    assert len(set(book.sheetnames)) == 2
    for title in book.sheetnames:
        assert len(title) <= 31
        assert not set(title) & set("[]:*?/\\")
    assert book.sheetnames[0].startswith("001 配电箱门未上锁")
    assert book.sheetnames[1].startswith("002 配电箱门未上锁")


def test_text_typed_by_users_is_neutralised_in_every_cell(people, campaign, org):
    recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=None,
                      title="=HYPERLINK(\"http://x\",\"y\")", description="+1", location="-2", hazard="@SUM(A1)",
                      suggestion="\t=1", rectification_note="=2", author_name="=3", contact_address="=4",
                      contact_phone="+86 139", declaration_name="=5")
    sheet = export(people["city"], campaign, union=org.city_a.pk).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.coordinate
    assert sheet["B3"].value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert sheet["B7"].value == "'+86 139"


def test_contacts_only_for_the_committee_and_the_unions_own_staff(entry, people, campaign, org):
    for who in ("city", "committee"):
        sheet = export(people[who], campaign, union=org.city_a.pk).active
        assert [sheet[f"B{row}"].value for row in (6, 7, 8)] == [
            entry.contact_address, entry.contact_phone, entry.contact_email], who
    # Anyone else who could build the form (a county reviewer of the entry here) gets the rows empty.
    county = people["county"]
    entries = export_entries(county, campaign, entry_ids=[entry.pk])
    assert entries.exists()
    buffer = io.BytesIO()
    EntryFormExporter(entry_forms(entries, county), form_title=form_title(campaign)).write_xlsx(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [sheet[f"A{row}"].value for row in (6, 7, 8)] == ["联系地址", "联系电话", "电子信箱"]
    assert [sheet[f"B{row}"].value for row in (6, 7, 8)] == [None, None, None]
    assert sheet["B4"].value == entry.author_name


def test_a_selection_may_hold_entries_of_any_stage_but_only_within_scope(people, campaign, org):
    mine = recommended_entry(people["worker"], campaign, assessor=None, grader=None,
                             state=EntryState.UNIT_RECOMMENDED, tier=Tier.SELECTION, title="本市甄选中")
    theirs = recommended_entry(people["worker_b"], campaign, assessor=None, grader=None, title="乙市作品")
    book = export(people["city"], campaign, entries=[mine.pk, theirs.pk])
    assert book.sheetnames == ["001 本市甄选中"]


def _anchor_cell(image):
    marker = image.anchor._from
    return marker.row + 1, marker.col + 1


@pytest.mark.storage
def test_the_photos_themselves_are_in_their_boxes_scaled_and_without_metadata(entry, people, campaign, org):
    sheet = export(people["city"], campaign, union=org.city_a.pk).active
    images = sheet._images
    assert len(images) == 4
    rows = sorted(_anchor_cell(image) for image in images)
    # Two hazard photos beside rows 4–10 (D, F), two rectification photos beside rows 13–16.
    assert [row for row, _column in rows[:2]] and all(4 <= row <= 10 for row, _column in rows[:2])
    assert all(13 <= row <= 16 for row, _column in rows[2:])
    assert sorted(column for _row, column in rows[:2]) == [4, 6]
    for image in images:
        data = image._data()
        picture = Image.open(io.BytesIO(data))
        assert picture.format == "JPEG"
        assert max(picture.size) <= PHOTO_PIXELS
        assert not picture.info.get("exif") and b"Exif" not in data[:4096]
        # It fits inside its slot: at most the photo height and a slot's width.
        assert image.anchor.ext.height <= PHOTO_HEIGHT[1] * 12700
        assert image.anchor.ext.width <= (COLUMN_WIDTHS[3] + COLUMN_WIDTHS[4]) * 5.25 * 12700


@pytest.mark.storage
def test_a_photo_file_that_cannot_be_read_leaves_its_box_empty_but_keeps_its_name(entry, people, campaign, org):
    for photo in entry.photos.all():
        photo.original.storage.delete(photo.original.name)
    sheet = export(people["city"], campaign, union=org.city_a.pk).active
    assert sheet._images == []
    assert sheet["D11"].value.endswith("-整改前1.jpg")


@pytest.mark.storage
def test_a_single_photo_takes_the_whole_box(people, campaign, org):
    recommended_entry(people["worker"], campaign, assessor=people["unit"], hazard_photos=1, rectified_photos=0)
    sheet = export(people["city"], campaign, union=org.city_a.pk).active
    merges = {str(merged) for merged in sheet.merged_cells.ranges}
    assert {"D3:G3", "D4:G10", "D11:G11", "D12:G17"} <= merges
    assert sheet["D11"].value.endswith("-整改前1.jpg")
    assert sheet["D12"].value == "（隐患整改后的照片）\n\n（未上传）"
    (image,) = sheet._images
    assert 4 <= _anchor_cell(image)[0] <= 10 and _anchor_cell(image)[1] in (4, 5)  # centred in D:G
