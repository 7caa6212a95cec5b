"""The 考核评分表 of each unit in the paper layout, through the one xlsx base (portal.exports.base: form-like
sheets, A4, borders, print titles, page numbers): sections and items with their points, the figure each
item is informed by, self and review scores with notes and comments, bonus items, vetoes, totals and the
reasons a unit is not eligible."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font

from ankang.models import ScoreSheet
from ankang.presenters import sheet_view
from portal.exports.base import (
    BODY_FONT,
    CENTRE,
    FONT_NAME,
    HEADER_FILL,
    LEFT,
    NO_BORDER,
    TITLE_FONT,
    CellStyle,
    LayoutsExporter,
    SheetLayout,
    row_height,
)

TITLE = CellStyle(font=TITLE_FONT, alignment=CENTRE, border=NO_BORDER)
PLAIN_LINE = CellStyle(font=BODY_FONT, alignment=LEFT, border=NO_BORDER)
HEAD = CellStyle(font=Font(name=FONT_NAME, size=11, bold=True), alignment=CENTRE, fill=HEADER_FILL)
TEXT = CellStyle(font=BODY_FONT, alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
SMALL = CellStyle(font=Font(name=FONT_NAME, size=10),
                  alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
NUMBER = CellStyle(font=BODY_FONT, alignment=CENTRE, number_format="0.#")
SECTION = CellStyle(font=BODY_FONT, alignment=CENTRE)
NOTE = CellStyle(font=Font(name=FONT_NAME, size=10), alignment=LEFT, border=NO_BORDER)

WIDTHS = [12, 34, 8, 26, 9, 9, 22]
HEADERS = [gettext_lazy("考核部分"), gettext_lazy("考核内容"), gettext_lazy("分值"), gettext_lazy("系统数据"),
           gettext_lazy("自评"), gettext_lazy("评审"), gettext_lazy("评审意见")]


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _item_row(layout: SheetLayout, row: int, view, first_text: str | None) -> None:
    score = view.score
    if first_text is not None:
        layout.put(row, 1, first_text, SECTION, rows=view.section_size)
    layout.put(row, 2, f"{view.item.number}. {view.item.text}", TEXT)
    layout.put(row, 3, _number(view.item.max_points), NUMBER)
    layout.put(row, 4, view.figure.text if view.figure else "", SMALL)
    layout.put(row, 5, _number(score.self_score), NUMBER)
    layout.put(row, 6, _number(score.review_score), NUMBER)
    layout.put(row, 7, score.review_comment, SMALL)
    layout.height(row, row_height([(view.item.text, WIDTHS[1], 11), (layout.cells[(row, 4)].value or "", WIDTHS[3], 10),
                                   (score.review_comment, WIDTHS[6], 10)], minimum=30))


def sheet_layout(sheet: ScoreSheet) -> SheetLayout:
    view = sheet_view(sheet)
    layout = SheetLayout(title=sheet.unit.name, column_widths=WIDTHS, print_title_rows="4:4", landscape=True)
    layout.put(1, 1, sheet.template.title, TITLE, columns=7)
    layout.height(1, 30)
    layout.put(2, 1, _("单位：%(u)s") % {"u": sheet.unit.name}, PLAIN_LINE, columns=4)
    layout.put(2, 5, _("状态：%(s)s") % {"s": sheet.get_state_display()}, PLAIN_LINE, columns=3)
    layout.put(3, 1, sheet.competition.name, PLAIN_LINE, columns=7)
    for column, header in enumerate(HEADERS, start=1):
        layout.put(4, column, str(header), HEAD)
    row = 5
    for item_view in view.scored:
        section_name = item_view.item.section.name if item_view.first_in_section else None
        _item_row(layout, row, item_view, section_name)
        row += 1
    for index, item_view in enumerate(view.bonus):
        item_view.section_size = len(view.bonus)
        _item_row(layout, row, item_view, _("加分项") if index == 0 else None)
        row += 1
    for mark in view.marks:
        layout.put(row, 1, _("一票否决"), SECTION)
        layout.put(row, 2, mark.veto.text, TEXT, columns=2)
        layout.put(row, 4, mark.note, SMALL)
        layout.put(row, 5, _("存在") if mark.self_declared else _("无"), NUMBER)
        found = "" if mark.review_found is None else (_("存在") if mark.review_found else _("无"))
        layout.put(row, 6, found, NUMBER)
        layout.put(row, 7, None, SMALL)
        row += 1
    outcome = view.review_outcome or view.self_outcome
    layout.put(row, 1, _("总 分"), HEAD, columns=4)
    layout.put(row, 5, _number(view.self_outcome.total), NUMBER)
    layout.put(row, 6, _number(view.review_outcome.total) if view.review_outcome else None, NUMBER)
    layout.put(row, 7, sheet.review_comment, SMALL)
    row += 1
    verdict = _("符合表彰基本条件。") if outcome.eligible else _("不符合表彰条件：") + "".join(outcome.reasons)
    layout.put(row, 1, verdict, NOTE, columns=7)
    layout.height(row, row_height([(verdict, sum(WIDTHS), 10)]))
    return layout


class ScoreSheetExporter(LayoutsExporter):
    """One sheet per unit's 考核评分表."""

    layout = staticmethod(sheet_layout)
