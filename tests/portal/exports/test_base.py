"""The export framework's spreadsheet helpers: neutralisation, sheet titles, tabular and form-like sheets."""

import io

import pytest
from openpyxl import load_workbook

from portal.exports.base import (
    CELL_MAX_CHARS,
    Exporter,
    FormExporter,
    SheetLayout,
    display_width,
    lines_needed,
    neutralise,
    safe_sheet_title,
    unique_sheet_title,
)

FORMULAS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://evil\",\"点我\")"]


@pytest.mark.parametrize("text", FORMULAS)
def test_neutralise_makes_formula_like_text_inert(text):
    assert neutralise(text) == "'" + text
    assert neutralise(neutralise(text)) == neutralise(text)


def test_neutralise_keeps_other_values_and_drops_characters_xlsx_cannot_hold():
    assert neutralise("正常文本") == "正常文本"
    assert neutralise(5) == 5
    assert neutralise(None) is None
    assert neutralise("a\x00b\x0bc\x1fd") == "abcd"
    assert neutralise("\x01=1") == "'=1"
    assert len(neutralise("字" * (CELL_MAX_CHARS + 10))) == CELL_MAX_CHARS
    assert neutralise("多行\n文本") == "多行\n文本"


def test_safe_sheet_title():
    assert safe_sheet_title("001 配电[箱]:门*未?上/锁\\") == "001 配电箱门未上锁"
    assert len(safe_sheet_title("隐" * 50)) == 31
    assert safe_sheet_title("'引号'") == "引号"
    assert safe_sheet_title("[]:*?/\\") == "Sheet"
    assert safe_sheet_title("History") == "Sheet"
    assert safe_sheet_title("a\x00\u202eb") == "ab"


def test_unique_sheet_title_is_case_insensitive_and_stays_within_31_characters():
    taken = set()
    titles = [unique_sheet_title(title, taken) for title in ["Abc", "abc", "ABC", "隐" * 40, "隐" * 40]]
    assert titles[:3] == ["Abc", "abc(2)", "ABC(3)"]
    assert titles[3] == "隐" * 31
    assert titles[4] == "隐" * 28 + "(2)"
    assert all(len(title) <= 31 for title in titles)


def test_text_measurements_count_cjk_as_two_units():
    assert display_width("ab字") == 4
    assert lines_needed("字" * 10, 11) == 2
    assert lines_needed("a\nb", 20) == 2


class Rows(Exporter):
    sheet_title = "表[1]"
    headers = ["名称", "数值"]
    number_formats = {1: "0.000"}

    def title_rows(self):
        return ["=标题", "填报单位：测试"]

    def rows(self):
        yield ["=cmd|' /C calc'!A0", 77.62392]
        yield ["正常", None]


def test_tabular_exporter_writes_titles_header_and_neutralised_rows():
    buffer = io.BytesIO()
    Rows().write_xlsx(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.title == "表1"
    assert sheet["A1"].value == "'=标题"
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:B1", "A2:B2"}
    assert [cell.value for cell in sheet[3]] == ["名称", "数值"]
    assert sheet["A4"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A4"].data_type == "s"
    assert sheet["B4"].number_format == "0.000"
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:B5"


def test_tabular_exporter_without_titles_keeps_the_header_on_the_first_row():
    class Plain(Exporter):
        headers = ["a"]

        def rows(self):
            yield ["+1"]

    buffer = io.BytesIO()
    Plain().write_xlsx(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert list(sheet.iter_rows(values_only=True)) == [("a",), ("'+1",)]


class Forms(FormExporter):
    def __init__(self, count):
        self.count = count

    def total(self):
        return self.count

    def sheets(self):
        for number in range(self.count):
            layout = SheetLayout(title="同名/表", column_widths=[10, 10, 10])
            layout.put(1, 1, "=标题", columns=3)
            layout.put(2, 1, "左", rows=2)
            layout.put(2, 2, number)
            layout.height(2, 30)
            yield layout


def test_form_exporter_merges_borders_print_set_up_and_unique_titles():
    buffer = io.BytesIO()
    progress = []
    Forms(3).write_xlsx(buffer, lambda done, total: progress.append((done, total)))
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["同名表", "同名表(2)", "同名表(3)"]
    sheet = book["同名表(2)"]
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:C1", "A2:A3"}
    assert sheet["A1"].value == "'=标题"
    assert sheet["B2"].value == 1
    # The merged boxes are closed on every side.
    assert sheet["A1"].border.left.style == sheet["C1"].border.right.style == "thin"
    assert all(sheet[coordinate].border.top.style == "thin" for coordinate in ("A1", "B1", "C1"))
    assert all(sheet[coordinate].border.bottom.style == "thin" for coordinate in ("A1", "B1", "C1"))
    assert sheet["A3"].border.bottom.style == sheet["A3"].border.left.style == "thin"
    assert sheet.row_dimensions[2].height == 30
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.page_margins.left == pytest.approx(0.6)
    assert sheet.print_options.horizontalCentered is True
    assert progress == [(1, 3), (2, 3), (3, 3)]


def test_form_exporter_closes_each_sheet_so_many_sheets_need_no_open_files():
    buffer = io.BytesIO()
    Forms(1200).write_xlsx(buffer)
    assert len(load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).sheetnames) == 1200


def test_form_exporter_without_sheets_still_writes_a_valid_workbook():
    buffer = io.BytesIO()
    Forms(0).write_xlsx(buffer)
    assert load_workbook(io.BytesIO(buffer.getvalue())).active["A1"].value == "（无）"


class WideTable(Exporter):
    """Like 附件2: many columns, long texts, a number column with a format, a short row."""

    sheet_title = "汇总"
    headers = ["序号", "照片名称", "作者单位", *[f"列{n}" for n in range(12)], "D"]
    column_widths = [5, 16, 20, *[8] * 12, 8]
    number_formats = {15: "0.000"}

    def title_rows(self):
        return ["某某活动评审报名汇总表", "填报单位：测试"]

    def rows(self):
        yield [1, "高处作业平台临边防护栏杆缺失且作业人员未正确佩戴安全带存在高处坠落风险",
               "山西焦煤集团有限责任公司西山煤电（集团）有限责任公司马兰矿选煤厂", *["短"] * 12, 77.62392]
        yield [2, "短标题"]  # a short row still gets its boxes


def _wide_sheet():
    buffer = io.BytesIO()
    WideTable().write_xlsx(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


def test_a_table_has_a_border_on_every_cell_and_wraps_its_text():
    sheet = _wide_sheet()
    width = len(WideTable.headers)
    for row in sheet.iter_rows(min_row=3, max_row=5, max_col=width):
        for cell in row:
            sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
            assert all(side.style == "thin" for side in sides), cell.coordinate
            assert cell.alignment.wrap_text, cell.coordinate
    assert sheet["B4"].alignment.horizontal == "left"
    assert sheet["A4"].alignment.horizontal == "center"


def test_every_row_is_tall_enough_for_its_wrapped_text():
    sheet = _wide_sheet()
    widths = WideTable.column_widths
    for row in range(3, 6):
        cells = [(str(sheet.cell(row, column).value or ""), widths[column - 1], sheet.cell(row, column).font.size)
                 for column in range(1, len(widths) + 1)]
        needed = max(lines_needed(text, width, size) * size * 1.2 for text, width, size in cells if text)
        assert sheet.row_dimensions[row].height >= needed, row
    # The long title takes several lines, so its row is taller than a one-line row.
    assert sheet.row_dimensions[4].height > sheet.row_dimensions[5].height


def test_a_wide_table_prints_landscape_with_titles_footer_and_screen_aids():
    sheet = _wide_sheet()
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$3:$3"  # the header repeats on every printed page
    assert sheet.oddFooter.center.text == "第&P页 共&N页"
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:P5"


def test_a_narrow_table_stays_portrait():
    class Narrow(Exporter):
        headers = ["序号", "名称"]
        column_widths = [6, 30]

        def rows(self):
            yield [1, "名称"]

    buffer = io.BytesIO()
    Narrow().write_xlsx(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.oddFooter.center.text == "第&P页 共&N页"


def test_export_dates_are_in_asia_shanghai_whatever_zone_is_active(settings):
    from datetime import UTC, datetime

    from django.utils import timezone

    from portal.exports.base import local_date, local_datetime

    settings.TIME_ZONE = "Asia/Shanghai"
    filed = datetime(2026, 11, 30, 19, 51, tzinfo=UTC)  # 03:51 on 12-01 in Beijing
    with timezone.override("UTC"):
        assert local_date(filed).isoformat() == "2026-12-01"
        assert local_datetime(filed).strftime("%H:%M") == "03:51"


def _measured_lines(text, width_units, font_size=11):
    usable = max((width_units - 1) * 11 / font_size, 1)
    return sum(max(1, -(-display_width(line) // usable)) for line in text.split("\n"))


@pytest.mark.parametrize("text", ["", "2026-03-05", "HZ-2026-000123", "字" * 5, "字" * 6, "字" * 16, "字" * 17,
                                  "a字" * 9, "配电箱门\n未上锁" * 3])
@pytest.mark.parametrize("width", [6, 11, 12, 16, 32])
def test_lines_needed_skips_measuring_only_lines_that_surely_fit(text, width):
    # The short-line shortcut must give what measuring every character gives, at and around the limit.
    assert lines_needed(text, width) == _measured_lines(text, width)
    assert lines_needed(text, width, 10) == _measured_lines(text, width, 10)


def test_tabular_cells_keep_their_columns_types_and_styles_around_empty_values():
    import datetime
    from decimal import Decimal

    class Mixed(Exporter):
        headers = ["日期", "空", "金额", "文字"]
        number_formats = {0: "yyyy-mm-dd", 2: "0.00"}

        def rows(self):
            yield [datetime.date(2026, 3, 5), None, Decimal("120.50"), "护栏"]
            yield [None, "乙", None]

    buffer = io.BytesIO()
    Mixed().write_xlsx(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [cell.value for cell in sheet[2]] == [datetime.datetime(2026, 3, 5), None, 120.5, "护栏"]
    assert [cell.value for cell in sheet[3]] == [None, "乙", None, None]
    assert sheet["A2"].number_format == "yyyy-mm-dd" and sheet["C2"].number_format == "0.00"
    assert sheet["D2"].alignment.horizontal == "left" and sheet["C2"].alignment.horizontal == "center"
    assert all(cell.border.left.style == "thin" for row in sheet.iter_rows(min_row=2, max_row=3) for cell in row)
