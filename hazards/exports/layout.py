"""What the one-hazard forms share: a four-column A4 portrait sheet with a title, label/value rows, long
text boxes and a signature block, built on portal.exports.base.SheetLayout."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border

from portal.exports.base import (
    BODY_FONT,
    CENTRE,
    HEADER_FONT,
    LEFT,
    NO_BORDER,
    SMALL_FONT,
    THIN,
    TITLE_FONT,
    TOP_LEFT,
    CellStyle,
    SheetLayout,
    lines_needed,
    local_date,
    local_datetime,
)

# 标签 | 值 | 标签 | 值: about 96 width units, a portrait A4 page.
COLUMN_WIDTHS = [16, 32, 16, 32]
WIDTH = len(COLUMN_WIDTHS)
LINE_POINTS = 15.5

TITLE = CellStyle(font=TITLE_FONT, alignment=CENTRE, border=NO_BORDER)
SUBTITLE = CellStyle(font=BODY_FONT, alignment=CENTRE, border=NO_BORDER)
CORNER = CellStyle(font=SMALL_FONT, alignment=Alignment(horizontal="right", vertical="center"), border=NO_BORDER)
LABEL = CellStyle(font=HEADER_FONT, alignment=CENTRE)
VALUE = CellStyle(font=BODY_FONT, alignment=LEFT)
NUMBER = CellStyle(font=BODY_FONT, alignment=CENTRE)
SECTION = CellStyle(font=HEADER_FONT, alignment=LEFT)
TEXT = CellStyle(font=BODY_FONT, alignment=TOP_LEFT, border=Border(left=THIN, right=THIN, top=THIN))
SIGN = CellStyle(font=BODY_FONT, alignment=Alignment(horizontal="right", vertical="bottom", wrap_text=True),
                 border=Border(left=THIN, right=THIN, bottom=THIN))
NOTE = CellStyle(font=SMALL_FONT, alignment=TOP_LEFT, border=NO_BORDER)


def chinese_date(value) -> str:
    """2026年3月5日 (a datetime in the portal's time zone), or "" for none."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = local_datetime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


BLANK_DATE = "____年__月__日"


def person(user) -> str:
    return user.get_full_name() if user is not None else ""


class FormSheet:
    """A SheetLayout filled from the top down: `title`, `pairs`, `box`, `signatures`, `note`."""

    def __init__(self, title: str, *, widths: list[float] | None = None):
        self.layout = SheetLayout(title=title, column_widths=list(widths or COLUMN_WIDTHS), one_page=False)
        self.row = 1

    @property
    def width(self) -> int:
        return self.layout.width

    def _text_height(self, text: str, columns: list[float], minimum: float = 22) -> float:
        width = sum(columns)
        return max(minimum, lines_needed(str(text or ""), width, BODY_FONT.size) * LINE_POINTS + 6)

    def title(self, text: str, corner: str = "", subtitle: str = "") -> None:
        if corner:
            self.layout.put(self.row, 1, corner, CORNER, columns=self.width)
            self.row += 1
        self.layout.put(self.row, 1, text, TITLE, columns=self.width)
        self.layout.height(self.row, 34)
        self.row += 1
        if subtitle:
            self.layout.put(self.row, 1, subtitle, SUBTITLE, columns=self.width)
            self.layout.height(self.row, 20)
            self.row += 1

    def pairs(self, *items: tuple[str, object]) -> None:
        """Label/value pairs, two to a row (a lone last pair takes the whole row)."""
        widths = self.layout.column_widths
        for start in range(0, len(items), 2):
            chunk = items[start:start + 2]
            height = 22.0
            if len(chunk) == 2:
                for index, (label, value) in enumerate(chunk):
                    column = 1 + index * 2
                    self.layout.put(self.row, column, label, LABEL)
                    self.layout.put(self.row, column + 1, _text(value), VALUE)
                    height = max(height, self._text_height(_text(value), [widths[column]]))
            else:
                label, value = chunk[0]
                self.layout.put(self.row, 1, label, LABEL)
                self.layout.put(self.row, 2, _text(value), VALUE, columns=self.width - 1)
                height = self._text_height(_text(value), widths[1:])
            self.layout.height(self.row, height)
            self.row += 1

    def box(self, label: str, text: str, *, minimum: float = 60) -> None:
        """A labelled box of free text across the rows' value columns (a paragraph of the form)."""
        widths = self.layout.column_widths
        self.layout.put(self.row, 1, label, LABEL)
        self.layout.put(self.row, 2, _text(text), CellStyle(font=BODY_FONT, alignment=TOP_LEFT),
                        columns=self.width - 1)
        self.layout.height(self.row, self._text_height(_text(text), widths[1:], minimum))
        self.row += 1

    def section(self, text: str) -> None:
        self.layout.put(self.row, 1, text, SECTION, columns=self.width)
        self.layout.height(self.row, 22)
        self.row += 1

    def signatures(self, label: str, lines: list[str], *, text: str = "", minimum: float = 40) -> None:
        """An opinion box and its signature lines (签字、日期) under it, bordered as one box."""
        widths = self.layout.column_widths
        self.layout.put(self.row, 1, label, LABEL, rows=2)
        self.layout.put(self.row, 2, _text(text), TEXT, columns=self.width - 1)
        self.layout.height(self.row, self._text_height(_text(text), widths[1:], minimum))
        self.layout.put(self.row + 1, 2, "    ".join(lines), SIGN, columns=self.width - 1)
        self.layout.height(self.row + 1, 26)
        self.row += 2

    def note(self, text: str) -> None:
        widths = self.layout.column_widths
        self.layout.put(self.row, 1, text, NOTE, columns=self.width)
        self.layout.height(self.row, self._text_height(text, widths, 20) * SMALL_FONT.size / BODY_FONT.size + 4)
        self.row += 1

    def printed_on(self) -> str:
        return chinese_date(local_date())


def _text(value) -> str:
    if value is None:
        return ""
    return str(value)
