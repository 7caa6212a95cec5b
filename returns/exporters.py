"""附件1 工作情况统计表 and 附件2 企业工会自查表 in the seed's layouts, through the one xlsx base
(portal.exports.base: form-like sheets, A4, borders, print titles, page numbers): one sheet per return.

附件1 shows each cell's total (the return's own value plus the accepted returns below; frozen once filed);
a value the filer changed from the computed one is shaded and listed with its reason under the table."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill

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
from returns.models import Return
from returns.presenters import checklist_rows, stat_rows

LABEL = CellStyle(font=BODY_FONT, alignment=LEFT)
NUMBER = CellStyle(font=BODY_FONT, alignment=CENTRE, number_format="0.####")
OVERRIDDEN = CellStyle(font=BODY_FONT, alignment=CENTRE, number_format="0.####",
                       fill=PatternFill("solid", fgColor="FFF2CC"))
TITLE = CellStyle(font=TITLE_FONT, alignment=CENTRE, border=NO_BORDER)
PLAIN_LINE = CellStyle(font=BODY_FONT, alignment=LEFT, border=NO_BORDER)
CORNER = CellStyle(font=Font(name=FONT_NAME, size=12, bold=True), alignment=LEFT, border=NO_BORDER)
HEAD = CellStyle(font=Font(name=FONT_NAME, size=11, bold=True), alignment=CENTRE, fill=HEADER_FILL)
SECTION = CellStyle(font=BODY_FONT, alignment=CENTRE)
TEXT = CellStyle(font=BODY_FONT, alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
NOTE = CellStyle(font=Font(name=FONT_NAME, size=10), alignment=LEFT, border=NO_BORDER)

STAT_WIDTHS = [30, 12, 30, 12]
CHECKLIST_WIDTHS = [12, 62, 10]


def _date_line(report: Return) -> str:
    day = report.filed_on
    if day is None:
        return _("填报日期：     年    月    日")
    return _("填报日期：%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def stat_sheet(report: Return) -> SheetLayout:
    template = report.period.programme.stat_template
    layout = SheetLayout(title=f"{report.filer.node.name}{report.period.name}", column_widths=STAT_WIDTHS,
                         one_page=True)
    layout.put(1, 1, _("附件1"), CORNER, columns=2)
    layout.put(2, 1, template.title, TITLE, columns=4)
    layout.height(2, 30)
    layout.put(3, 1, _("填报单位（章）：%(name)s") % {"name": report.stamp_name or report.filer.node.name},
               PLAIN_LINE, columns=2)
    layout.put(3, 3, _date_line(report), PLAIN_LINE, columns=2)
    row = 4
    notes = []
    for stat_row in stat_rows(report):
        labels = []
        for view in stat_row.cells:
            style = OVERRIDDEN if view.row.overridden else NUMBER
            if view.row.overridden:
                notes.append(_("＊%(label)s：%(reason)s") % {"label": view.cell.label, "reason": view.row.override_reason})
            if view.cell.full_width:
                layout.put(row, 1, view.cell.label, LABEL, columns=3)
                layout.put(row, 4, _number(view.total), style)
                labels.append((view.cell.label, sum(STAT_WIDTHS[:3]), 11))
            else:
                column = 1 if view.cell.column == 1 else 3
                layout.put(row, column, view.cell.label, LABEL)
                layout.put(row, column + 1, _number(view.total), style)
                labels.append((view.cell.label, STAT_WIDTHS[column - 1], 11))
        for column in (1, 2, 3, 4):
            if (row, column) not in layout.cells:
                layout.put(row, column, None, LABEL)
        layout.height(row, row_height(labels, minimum=30))
        row += 1
    if template.note:
        layout.put(row, 1, template.note, NOTE, columns=4)
        layout.height(row, row_height([(template.note, sum(STAT_WIDTHS), 10)]))
        row += 1
    if notes:
        text = _("修改系统计算数的栏目（底色标出）：") + "\n" + "\n".join(notes)
        layout.put(row, 1, text, NOTE, columns=4)
        layout.height(row, row_height([(text, sum(STAT_WIDTHS), 10)]))
    return layout


def checklist_sheet(report: Return) -> SheetLayout:
    template = report.period.programme.checklist_template
    layout = SheetLayout(title=f"{report.filer.node.name}{report.period.name}", column_widths=CHECKLIST_WIDTHS,
                         print_title_rows="4:4", one_page=True)
    layout.put(1, 1, _("附件2"), CORNER, columns=2)
    layout.put(2, 1, template.title, TITLE, columns=3)
    layout.height(2, 30)
    layout.put(3, 1, _("企业工会：%(name)s") % {"name": report.stamp_name or report.filer.node.name}, PLAIN_LINE,
               columns=3)
    layout.put(4, 1, _("项目"), HEAD)
    layout.put(4, 2, _("自查内容"), HEAD)
    layout.put(4, 3, _("得分"), HEAD)
    row = 5
    for view in checklist_rows(report):
        if view.first_in_section:
            layout.put(row, 1, view.item.section, SECTION, rows=view.section_size)
        layout.put(row, 2, f"{view.item.number}.{view.item.text}", TEXT)
        scores = [s.self_score for s in view.scores if s.self_score is not None]
        layout.put(row, 3, _number(sum(scores, Decimal(0))) if scores else None, NUMBER)
        layout.height(row, row_height([(view.item.text, CHECKLIST_WIDTHS[1], 11)], minimum=30))
        row += 1
    layout.put(row, 1, _("总 得 分"), HEAD, columns=2)
    layout.put(row, 3, _number(report.self_total), NUMBER)
    layout.height(row, 24)
    return layout


class StatSheetExporter(LayoutsExporter):
    """附件1 of each return (a filer's, with its roll-up)."""

    layout = staticmethod(stat_sheet)


class ChecklistExporter(LayoutsExporter):
    """附件2 of each enterprise union's return."""

    layout = staticmethod(checklist_sheet)
