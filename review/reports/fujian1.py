"""附件1 评审报名表: one sheet per entry, laid out like the notice's form.

    A        B        C        D        E        F
 1  附件1                                     编号
 2  ─────────────── 第四届…活动评审报名表 ───────────────
 3  照片名称  [value  B:C]   ┌ (随手拍安全隐患照片) D3:F11 ┐
 …  作者姓名 … 文字说明       └ with the photo file names   ┘
12  照片相关情况 … 整改后说明   (隐患整改后的照片) D12:F17
18  原创申明  [declaration, 责任人, date  B:F]
19  隐患举报价值评价（由推荐单位进行评价，在相应选项口内打√）  A:F
20  L        E        C        X        Y        综合得分 D / D=L*E*C*X*Y
21  ☑/□ options, one cell per factor, every option listed       D (0.000)
22  推荐单位意见  [the unit's comment  B:F]
23               [（单位盖章） ____年__月__日  B:F]
24  备注：可能造成事故后果分类 …  A:F
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font

from portal.exports.base import (
    BODY_FONT,
    CENTRE,
    FONT_NAME,
    HEADER_FONT,
    LEFT,
    NO_BORDER,
    SMALL_FONT,
    THIN,
    TITLE_FONT,
    TOP_LEFT,
    CellStyle,
    FormExporter,
    SheetLayout,
    lines_needed,
)
from review.reports.selectors import UnitAssessment
from scoring.formula import SCALES, SCALES_BY_CODE
from submissions.models import Entry

CHECKED, UNCHECKED = "☑", "□"
DECLARATION = "本作品为本人原创，情况属实，特此申明。"
COLUMN_WIDTHS = [15, 17, 17, 15, 15, 17]
LINE_POINTS = 15.5

LABEL = CellStyle(font=BODY_FONT, alignment=CENTRE)
VALUE = CellStyle(font=BODY_FONT, alignment=LEFT)
PHOTO_BOX = CellStyle(font=SMALL_FONT, alignment=CENTRE)
SECTION = CellStyle(font=HEADER_FONT, alignment=CENTRE)
FACTOR_HEAD = CellStyle(font=HEADER_FONT, alignment=CENTRE)
OPTIONS = CellStyle(font=SMALL_FONT, alignment=TOP_LEFT)
SCORE = CellStyle(font=Font(name=FONT_NAME, size=14, bold=True), alignment=CENTRE, number_format="0.000")
TITLE = CellStyle(font=TITLE_FONT, alignment=CENTRE, border=NO_BORDER)
CORNER = CellStyle(font=HEADER_FONT, alignment=Alignment(horizontal="left", vertical="center"), border=NO_BORDER)
CODE = CellStyle(font=SMALL_FONT, alignment=Alignment(horizontal="right", vertical="center"), border=NO_BORDER)
OPINION = CellStyle(font=BODY_FONT, alignment=TOP_LEFT, border=Border(left=THIN, right=THIN, top=THIN))
STAMP = CellStyle(font=BODY_FONT, alignment=Alignment(horizontal="right", vertical="bottom", wrap_text=True),
                  border=Border(left=THIN, right=THIN, bottom=THIN))
REMARK = CellStyle(font=SMALL_FONT, alignment=TOP_LEFT)

# The form's rows, as printed: (label, how to read the value from the entry).
UPPER_ROWS = ("照片名称", "作者姓名", "作者单位", "联系地址", "联系电话", "电子信箱", "所属行业", "推荐市或产业",
              "文字说明")
LOWER_ROWS = ("照片相关情况", "拍摄时间", "隐患地点", "存在隐患", "整改建议", "整改后说明")
CONTACT_ROWS = ("联系地址", "联系电话", "电子信箱")


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _blank_date() -> str:
    return "____年__月__日"


@dataclass
class EntryForm:
    """What one sheet needs beyond the entry: its 序号, the unit's assessment, the photo file names in
    the archive, and whether the contacts may be shown."""

    entry: Entry
    number: int
    assessment: UnitAssessment | None
    hazard_photo_names: Sequence[str] = ()
    rectified_photo_names: Sequence[str] = ()
    show_contacts: bool = True


def _value(entry: Entry, label: str) -> str:
    values = {
        "照片名称": entry.title,
        "作者姓名": entry.author_name,
        "作者单位": entry.unit.name if entry.unit_id else "",
        "联系地址": entry.contact_address,
        "联系电话": entry.contact_phone,
        "电子信箱": entry.contact_email,
        "所属行业": str(entry.industry) if entry.industry_id else "",
        "推荐市或产业": entry.selection_union.name if entry.selection_union_id else "",
        "文字说明": entry.description,
        "照片相关情况": _("隐患类别：%(category)s") % {"category": entry.category.name} if entry.category_id else "",
        "拍摄时间": _date(entry.taken_on),
        "隐患地点": entry.location,
        "存在隐患": entry.hazard,
        "整改建议": entry.suggestion,
        "整改后说明": entry.rectification_note,
    }
    return values[label]


def _photo_box(caption: str, names: Sequence[str]) -> str:
    if not names:
        return f"{caption}\n\n" + _("（未上传）")
    return f"{caption}\n\n" + _("照片文件（见照片包）：") + "\n" + "\n".join(names)


def _option_lines(code: str, assessment: UnitAssessment | None) -> str:
    scale = SCALES_BY_CODE[code]
    chosen = assessment.value(code) if assessment else None
    return "\n".join(
        f"{CHECKED if option.value == chosen else UNCHECKED} {option.label} {option.value}分"
        for option in scale.options)


def _declaration(entry: Entry) -> str:
    if entry.declaration_accepted:
        signer = entry.declaration_name or entry.author_name
        date = _date(entry.declaration_date) or _blank_date()
        return f"{CHECKED} {DECLARATION}\n" + _("责任人：%(name)s（签章）　　%(date)s") % {"name": signer, "date": date}
    return f"{UNCHECKED} {DECLARATION}\n" + _("责任人：________（签章）　　%(date)s") % {"date": _blank_date()}


def _fit_rows(layout: SheetLayout, first: int, last: int, text: str, width_units: float) -> None:
    """Make rows first..last together tall enough for `text` in a box `width_units` wide."""
    needed = lines_needed(text, width_units, font_size=10) * LINE_POINTS + 8
    have = sum(layout.row_heights.get(row, 20) for row in range(first, last + 1))
    if needed > have:
        extra = (needed - have) / (last - first + 1)
        for row in range(first, last + 1):
            layout.row_heights[row] = layout.row_heights.get(row, 20) + extra


def entry_sheet(form: EntryForm, *, form_title: str) -> SheetLayout:
    """The 附件1 sheet of one entry."""
    entry = form.entry
    layout = SheetLayout(title=f"{form.number:03d} {entry.title or entry.code}", column_widths=COLUMN_WIDTHS)
    value_width = COLUMN_WIDTHS[1] + COLUMN_WIDTHS[2]
    box_width = sum(COLUMN_WIDTHS[3:])
    full_width = sum(COLUMN_WIDTHS)

    layout.put(1, 1, _("附件1"), CORNER)
    layout.put(1, 5, _("编号：%(code)s") % {"code": entry.code}, CODE, columns=2)
    layout.put(2, 1, form_title, TITLE, columns=6)
    layout.height(2, 40)

    def label_rows(first_row: int, labels: Sequence[str]) -> None:
        for offset, label in enumerate(labels):
            row = first_row + offset
            text = "" if label in CONTACT_ROWS and not form.show_contacts else _value(entry, label)
            layout.put(row, 1, label, LABEL)
            layout.put(row, 2, text, VALUE, columns=2)
            layout.height(row, max(20, lines_needed(text, value_width) * LINE_POINTS + 6))

    upper = 3
    label_rows(upper, UPPER_ROWS)
    upper_last = upper + len(UPPER_ROWS) - 1
    box = _photo_box(_("（随手拍安全隐患照片）"), form.hazard_photo_names)
    layout.put(upper, 4, box, PHOTO_BOX, rows=len(UPPER_ROWS), columns=3)
    _fit_rows(layout, upper, upper_last, box, box_width)

    lower = upper_last + 1
    label_rows(lower, LOWER_ROWS)
    lower_last = lower + len(LOWER_ROWS) - 1
    box = _photo_box(_("（隐患整改后的照片）"), form.rectified_photo_names)
    layout.put(lower, 4, box, PHOTO_BOX, rows=len(LOWER_ROWS), columns=3)
    _fit_rows(layout, lower, lower_last, box, box_width)

    row = lower_last + 1
    layout.put(row, 1, _("原创申明"), LABEL)
    declaration = _declaration(entry)
    layout.put(row, 2, declaration, VALUE, columns=5)
    layout.height(row, max(44, lines_needed(declaration, full_width - COLUMN_WIDTHS[0]) * LINE_POINTS + 10))

    row += 1
    layout.put(row, 1, _("隐患举报价值评价（由推荐单位进行评价，在相应选项口内打√）"), SECTION, columns=6)
    layout.height(row, 24)

    row += 1
    for column, scale in enumerate(SCALES, start=1):
        layout.put(row, column, f"{scale.name} {scale.code}", FACTOR_HEAD)
    layout.put(row, 6, _("综合得分 D") + "\nD=L*E*C*X*Y", FACTOR_HEAD)
    layout.height(row, 36)

    row += 1
    longest = 0
    for column, scale in enumerate(SCALES, start=1):
        text = _option_lines(scale.code, form.assessment)
        layout.put(row, column, text, OPTIONS)
        longest = max(longest, lines_needed(text, COLUMN_WIDTHS[column - 1], font_size=10))
    layout.put(row, 6, form.assessment.d if form.assessment else None, SCORE)
    layout.height(row, longest * LINE_POINTS + 10)

    row += 1
    layout.put(row, 1, _("推荐单位意见"), LABEL, rows=2)
    opinion = form.assessment.comment if form.assessment else ""
    layout.put(row, 2, opinion, OPINION, columns=5)
    layout.height(row, max(40, lines_needed(opinion, full_width - COLUMN_WIDTHS[0]) * LINE_POINTS + 8))
    layout.put(row + 1, 2, _("（单位盖章）") + "\n" + _blank_date() + "　　", STAMP, columns=5)
    layout.height(row + 1, 40)

    row += 2
    remark = _("备注：可能造成事故后果分类：") + str(SCALES_BY_CODE["C"].help_text)
    layout.put(row, 1, remark, REMARK, columns=6)
    layout.height(row, lines_needed(remark, full_width, font_size=10) * 14 + 8)
    return layout


class EntryFormExporter(FormExporter):
    """附件1 for a list of entries: a sheet per entry, numbered like the summary and the archive."""

    def __init__(self, forms: Sequence[EntryForm] | Iterator[EntryForm], *, form_title: str, total: int = 0):
        self.forms = forms
        self.form_title = form_title
        self._total = total

    def total(self) -> int:
        return self._total

    def sheets(self) -> Iterator[SheetLayout]:
        for form in self.forms:
            yield entry_sheet(form, form_title=self.form_title)

    def empty_message(self) -> str:
        return _("没有符合条件的作品。")


def form_title(campaign) -> str:
    return _("%(campaign)s评审报名表") % {"campaign": campaign.title}
