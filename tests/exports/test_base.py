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
