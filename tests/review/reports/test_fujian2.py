"""附件2 评审报名汇总表: rows, columns, order, scope and the contact column."""

import io

import pytest

from review.reports.exporters import SummaryExport
from review.reports.fujian2 import SummaryExporter
from review.reports.selectors import export_entries
from submissions.enums import EntryState, Tier
from tests.factories import recommended_entry
from tests.factories.reports import workbook

pytestmark = pytest.mark.django_db

HEADERS = ["序号", "照片名称", "作者姓名", "作者单位", "所属行业", "隐患类别", "隐患地点", "L", "E", "C", "X", "Y", "D",
           "推荐等次", "联系电话"]


def export(user, campaign, **params):
    buffer = io.BytesIO()
    SummaryExport().generate({"campaign": campaign.pk, "union": None, "entries": None, **params}, user, buffer,
                             lambda done, total: None)
    return workbook(buffer.getvalue()).active


@pytest.fixture
def entries(people, campaign):
    low = recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"], grade="二等奖",
                            title="低分", values={"l": "1", "e": "1", "c": "15", "x": "0.98", "y": "0.98"})
    high = recommended_entry(people["worker_a0"], campaign, assessor=people["unit_a0"], grader=people["city"],
                             title="高分", values={"l": "2", "e": "2", "c": "25", "x": "1", "y": "1"}, location="=A1")
    ungraded = recommended_entry(people["worker"], campaign, assessor=None, grader=None, title="未评价")
    # Not on the list: still at the city, another city, withdrawn.
    recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=None, title="未推荐",
                      state=EntryState.UNIT_RECOMMENDED, tier=Tier.SELECTION)
    other = recommended_entry(people["worker_b"], campaign, assessor=people["unit_b"], grader=people["city_other"],
                              title="乙市")
    recommended_entry(people["worker"], campaign, assessor=None, grader=None, title="撤回",
                      state=EntryState.WITHDRAWN)
    return {"low": low, "high": high, "ungraded": ungraded, "other": other}


def test_a_unions_summary_lists_its_recommended_entries_by_d(entries, people, campaign, org):
    sheet = export(people["city"], campaign, union=org.city_a.pk)
    assert sheet.title == "附件2 评审报名汇总表"
    assert sheet["A1"].value == "第四届全省职工安全隐患和职业危害“随手拍”活动评审报名汇总表"
    assert sheet["A2"].value.startswith("推荐市或产业：甲市总工会")
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:O1", "A2:O2"}
    assert [cell.value for cell in sheet[3]] == HEADERS
    rows = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
    high, low = entries["high"], entries["low"]
    assert rows == [
        [1, "高分", high.author_name, "甲市公共交通有限公司", "煤矿", "人的不安全行为", "'=A1", 2, 2, 25, 1, 1, 100,
         "一等奖", high.contact_phone],
        [2, "低分", low.author_name, "甲市一区安泰机械有限公司", "煤矿", "人的不安全行为", "一号车间", 1, 1, 15, 0.98,
         0.98, pytest.approx(14.406), "二等奖", low.contact_phone],
        [3, "未评价", entries["ungraded"].author_name, "甲市一区安泰机械有限公司", "煤矿", "人的不安全行为", "一号车间",
         None, None, None, None, None, None, None, entries["ungraded"].contact_phone],
    ]
    assert sheet["M4"].number_format == "0.000"
    assert sheet.page_setup.orientation == "landscape"


def test_the_province_summary_adds_the_union_column(entries, people, campaign):
    sheet = export(people["committee"], campaign)
    headers = [cell.value for cell in sheet[3]]
    assert headers == [*HEADERS[:4], "推荐市或产业", *HEADERS[4:]]
    unions = [row[4] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert unions == ["甲市总工会", "甲市总工会", "甲市总工会", "乙市总工会"]
    assert sheet["A2"].value.startswith("推荐市或产业：全省")


def test_a_city_never_sees_another_citys_entries(entries, people, campaign, org):
    sheet = export(people["city"], campaign, union=org.city_b.pk)
    assert list(sheet.iter_rows(min_row=4, values_only=True)) == []
    sheet = export(people["city"], campaign, entries=[entries["other"].pk, entries["low"].pk])
    assert [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["低分"]


def test_the_phone_column_is_absent_for_someone_who_may_see_no_contacts(entries, people, campaign, org):
    county = people["county"]
    queryset = export_entries(county, campaign, entry_ids=[entries["low"].pk])
    buffer = io.BytesIO()
    SummaryExporter(queryset, user=county, campaign=campaign, heading="x", several_unions=False).write_xlsx(buffer)
    sheet = workbook(buffer.getvalue()).active
    assert [cell.value for cell in sheet[3]] == HEADERS[:-1]
    assert entries["low"].contact_phone not in [value for row in sheet.iter_rows(values_only=True) for value in row]


def test_every_text_cell_is_neutralised(people, campaign, org):
    recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=None, title="=cmd|'/C calc'!A0",
                      author_name="@me", location="+1", contact_phone="-139")
    sheet = export(people["city"], campaign, union=org.city_a.pk)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.coordinate


def test_query_count_does_not_grow_with_the_rows(people, campaign, org, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"])
    user = people["city"]
    user.role_list  # noqa: B018 - loaded once per request in real use

    def run():
        queryset = export_entries(user, campaign, union_id=org.city_a.pk)
        SummaryExporter(queryset, user=user, campaign=campaign, heading="x", several_unions=False).write_xlsx(
            io.BytesIO())

    with CaptureQueriesContext(connection) as one:
        run()
    for _ in range(2):
        recommended_entry(people["worker"], campaign, assessor=people["unit"], grader=people["city"])
    with django_assert_num_queries(len(one)):
        run()


def test_the_summary_prints_like_the_paper_table(entries, people, campaign):
    from portal.exports.base import lines_needed

    sheet = export(people["committee"], campaign)
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.oddFooter.center.text == "第&P页 共&N页"
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:")
    widths = [sheet.column_dimensions[chr(ord("A") + index)].width for index in range(sheet.max_column)]
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in row:
            assert cell.border.left.style == cell.border.bottom.style == "thin", cell.coordinate
            assert cell.alignment.wrap_text, cell.coordinate
        tallest = max(lines_needed(str(cell.value), widths[cell.column - 1], cell.font.size) * cell.font.size * 1.2
                      for cell in row if cell.value is not None)
        assert sheet.row_dimensions[row[0].row].height >= tallest, row[0].row
