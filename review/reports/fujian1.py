"""附件1 评审报名表: one sheet per entry, laid out like the notice's form, printed on one A4 page.

    A        B        C        D      E      F      G
 1  附件1                                   编号 (E:G)
 2  ──────────────── 第四届…活动评审报名表 ────────────────
 3  照片名称  [value  B:C]   ┌ （随手拍安全隐患照片）  D3:G3 ┐
 …  作者姓名 …               │ photo D:E     photo F:G       │  the photos themselves (metadata-free
 …  文字说明                 └ its name      its name        ┘  derivatives), each file name under it
12  照片相关情况 … 整改后说明   （隐患整改后的照片）, the same way, D12:G17
18  原创申明  [declaration, 责任人, date  B:G]
19  隐患举报价值评价（由推荐单位进行评价，在相应选项口内打√）  A:G
20  L        E        C        X      Y      综合得分 D / D=L*E*C*X*Y (F:G)
21  ☑/□ options, one cell per factor, every option listed   D (0.000)
22  推荐单位意见  [the unit's comment  B:G]
23               [（单位盖章） ____年__月__日  B:G]
24  备注：可能造成事故后果分类 …  A:G

One photo takes the whole box; two sit side by side; three or four make two rows of two.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
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
    POINTS_PER_UNIT,
    SMALL_FONT,
    THIN,
    TITLE_FONT,
    TOP_LEFT,
    CellStyle,
    FormExporter,
    PlacedImage,
    SheetLayout,
    lines_needed,
)
from review.reports.selectors import UnitAssessment
from scoring.formula import SCALES, SCALES_BY_CODE
from submissions.models import Entry
from submissions.photos import make_derivative

logger = logging.getLogger(__name__)

CHECKED, UNCHECKED = "☑", "□"
DECLARATION = "本作品为本人原创，情况属实，特此申明。"
# Seven columns: the label, the value (B:C), and the photo boxes D:G as two slots of two columns (D:E, F:G),
# each with its photo and, under it, its file name; the factor table puts X in D, Y in E and D in F:G.
COLUMN_WIDTHS = [14, 17, 16, 12, 12, 12.5, 12.5]
LAST_COLUMN = len(COLUMN_WIDTHS)
LINE_POINTS = 15.5
# Photos in the boxes: at most this tall (points), less when two rows of photos share a box.
PHOTO_HEIGHT = {1: 96, 2: 74}
PHOTO_PADDING = 6
NAME_FONT = Font(name=FONT_NAME, size=8)
# A derivative this many pixels on its long side prints sharp at the size of a box (~2 × 4 cm).
PHOTO_PIXELS = 640

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
CAPTION = CellStyle(font=SMALL_FONT, alignment=Alignment(horizontal="center", vertical="top", wrap_text=True))
PHOTO_NAME = CellStyle(font=NAME_FONT, alignment=Alignment(horizontal="center", vertical="top", wrap_text=True))

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
    # One loader per name (same order): the photo's bytes as a scaled, metadata-free JPEG, or None.
    hazard_photo_images: Sequence[Callable[[], bytes | None]] = ()
    rectified_photo_images: Sequence[Callable[[], bytes | None]] = ()


def photo_image(photo) -> Callable[[], bytes | None]:
    """A loader of `photo` for 附件1's boxes: a JPEG PHOTO_PIXELS on its long side, upright and without any
    metadata (no EXIF, GPS, XMP or comment: it goes into a spreadsheet that travels by e-mail), made
    from the stored preview, or from the original when there is no preview. Only the storage names are
    kept, so a province's worth of loaders holds no image in memory."""
    storage = photo.original.storage
    names = [file.name for file in (photo.preview, photo.original) if file]

    def load() -> bytes | None:
        for name in names:
            try:
                with storage.open(name, "rb") as stream:
                    return make_derivative(stream, PHOTO_PIXELS)
            except Exception:  # a missing or broken file leaves the box empty, never fails the export
                logger.warning("photo %s: %r could not be read for 附件1", photo.pk, name, exc_info=True)
        return None

    return load


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


def _photo_box(layout: SheetLayout, first: int, last: int, caption: str, names: Sequence[str],
               images: Sequence[Callable[[], bytes | None]]) -> None:
    """The photo box D:G beside rows first..last, as on the paper form: its caption, the photos themselves
    (one, or two side by side per row of photos) and each file name under its photo; one frame round it.
    Rows grow so that photos and names fit."""
    if not names:
        text = f"{caption}\n\n" + _("（未上传）")
        layout.put(first, 4, text, PHOTO_BOX, rows=last - first + 1, columns=4)
        _fit_rows(layout, first, last, text, sum(COLUMN_WIDTHS[3:]))
        return
    layout.put(first, 4, caption, CAPTION, columns=4)
    slots = 1 if len(names) == 1 else 2
    photo_rows = math.ceil(len(names) / slots)
    height = PHOTO_HEIGHT[min(photo_rows, 2)]
    # The rows below the caption, shared out among the rows of photos: photo cells, then one name row.
    spare = last - first
    sizes = [spare // photo_rows + (1 if index < spare % photo_rows else 0) for index in range(photo_rows)]
    row = first + 1
    for group, size in enumerate(sizes):
        name_row = row + size - 1
        for slot in range(slots):
            index = group * slots + slot
            column = 4 + slot * 2
            columns = 4 if slots == 1 else 2
            if index >= len(names):
                layout.put(row, column, None, PHOTO_BOX, rows=size, columns=columns)
                continue
            layout.put(row, column, None, PHOTO_BOX, rows=max(size - 1, 1), columns=columns)
            layout.put(name_row, column, names[index], PHOTO_NAME, columns=columns)
            box_width = sum(COLUMN_WIDTHS[column - 1:column - 1 + columns])
            layout.height(name_row, lines_needed(names[index], box_width, font_size=NAME_FONT.size) * 11 + 4)
            if index < len(images):
                layout.image(PlacedImage(row=row, column=column, rows=max(size - 1, 1), columns=columns,
                                         max_width=box_width * POINTS_PER_UNIT - 2 * PHOTO_PADDING,
                                         max_height=height, load=images[index]))
        _grow(layout, row, name_row - 1, height + 2 * PHOTO_PADDING)
        row = name_row + 1
    layout.frame(first, 4, last, LAST_COLUMN)


def _grow(layout: SheetLayout, first: int, last: int, points: float) -> None:
    """Make rows first..last together at least `points` tall, sharing the extra equally."""
    have = sum(layout.row_heights.get(row, 20) for row in range(first, last + 1))
    if points > have:
        extra = (points - have) / (last - first + 1)
        for row in range(first, last + 1):
            layout.row_heights[row] = layout.row_heights.get(row, 20) + extra


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
    # One page per entry, as the paper form; the form number is at its top, no page footer.
    layout = SheetLayout(title=f"{form.number:03d} {entry.title or entry.code}", column_widths=COLUMN_WIDTHS,
                         one_page=True, footer=False)
    value_width = COLUMN_WIDTHS[1] + COLUMN_WIDTHS[2]
    full_width = sum(COLUMN_WIDTHS)

    layout.put(1, 1, _("附件1"), CORNER)
    layout.put(1, 5, _("编号：%(code)s") % {"code": entry.code}, CODE, columns=3)
    layout.put(2, 1, form_title, TITLE, columns=LAST_COLUMN)
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
    _photo_box(layout, upper, upper_last, _("（随手拍安全隐患照片）"), form.hazard_photo_names,
               form.hazard_photo_images)

    lower = upper_last + 1
    label_rows(lower, LOWER_ROWS)
    lower_last = lower + len(LOWER_ROWS) - 1
    _photo_box(layout, lower, lower_last, _("（隐患整改后的照片）"), form.rectified_photo_names,
               form.rectified_photo_images)

    row = lower_last + 1
    layout.put(row, 1, _("原创申明"), LABEL)
    declaration = _declaration(entry)
    layout.put(row, 2, declaration, VALUE, columns=LAST_COLUMN - 1)
    layout.height(row, max(44, lines_needed(declaration, full_width - COLUMN_WIDTHS[0]) * LINE_POINTS + 10))

    row += 1
    layout.put(row, 1, _("隐患举报价值评价（由推荐单位进行评价，在相应选项口内打√）"), SECTION, columns=LAST_COLUMN)
    layout.height(row, 24)

    row += 1
    for column, scale in enumerate(SCALES, start=1):
        layout.put(row, column, f"{scale.name} {scale.code}", FACTOR_HEAD)
    layout.put(row, 6, _("综合得分 D") + "\nD=L*E*C*X*Y", FACTOR_HEAD, columns=2)
    layout.height(row, 36)

    row += 1
    longest = 0
    for column, scale in enumerate(SCALES, start=1):
        text = _option_lines(scale.code, form.assessment)
        layout.put(row, column, text, OPTIONS)
        longest = max(longest, lines_needed(text, COLUMN_WIDTHS[column - 1], font_size=10))
    layout.put(row, 6, form.assessment.d if form.assessment else None, SCORE, columns=2)
    layout.height(row, longest * LINE_POINTS + 10)

    row += 1
    layout.put(row, 1, _("推荐单位意见"), LABEL, rows=2)
    opinion = form.assessment.comment if form.assessment else ""
    layout.put(row, 2, opinion, OPINION, columns=LAST_COLUMN - 1)
    layout.height(row, max(40, lines_needed(opinion, full_width - COLUMN_WIDTHS[0]) * LINE_POINTS + 8))
    layout.put(row + 1, 2, _("（单位盖章）") + "\n" + _blank_date() + "　　", STAMP, columns=LAST_COLUMN - 1)
    layout.height(row + 1, 40)

    row += 2
    remark = _("备注：可能造成事故后果分类：") + str(SCALES_BY_CODE["C"].help_text)
    layout.put(row, 1, remark, REMARK, columns=LAST_COLUMN)
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
