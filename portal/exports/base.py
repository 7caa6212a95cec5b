"""Spreadsheet exporters: tabular ones yield rows, form-like ones yield sheets; openpyxl writes both.

Every workbook is written in openpyxl's write-only mode, so memory stays flat however many rows or
sheets an export has, and every text cell passes through `neutralise` on its way out: a value a user
typed can never become a formula in Excel or LibreOffice, and characters that XML (and therefore
xlsx) cannot hold are dropped instead of failing the export.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
import re
import tempfile
import unicodedata
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as OpenpyxlImage
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

# A cell starting with one of these is read as a formula by Excel and LibreOffice (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What one xlsx cell can hold.
CELL_MAX_CHARS = 32767

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column width where an exporter gives none, in Excel's units (about one Latin character).
DEFAULT_COLUMN_WIDTH = 12
# A table wider than this (sum of column widths) does not fit a portrait A4 page at a readable size:
# 21 cm less 2 × 1.5 cm margins is about 680 pixels, roughly 100 of Excel's width units with padding.
PORTRAIT_WIDTH_UNITS = 100
# One of Excel's column width units in points (about 7 pixels), the height of a row left at its default,
# and the unit of drawing positions (English Metric Units) per point.
POINTS_PER_UNIT = 5.25
DEFAULT_ROW_POINTS = 15
EMU_PER_POINT = 12700
# Excel's largest row height, in points.
MAX_ROW_POINTS = 409
# Line height as a multiple of the font size (CJK fonts need more than Latin ones), and the padding
# of a row above and below its text, in points.
LINE_SPACING = 1.35
ROW_PADDING = 5
# The footer of every printed page (Excel's codes: &P this page, &N the number of pages).
PAGE_FOOTER = "第&P页 共&N页"

#: progress(done, total): called while an export is written; total may be 0 when unknown.
ProgressCallback = Callable[[int, int], None]


def _append_titles(sheet, titles, width: int, full_width: float) -> None:
    """The title lines above the header, each merged across the table's width (the first one larger)."""
    for number, line in enumerate(titles, start=1):
        text = neutralise(str(line))
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = TITLE_FONT if number == 1 else BODY_FONT
        cell.alignment = CENTRE if number == 1 else LEFT
        size = TITLE_FONT.size if number == 1 else BODY_FONT.size
        sheet.row_dimensions[number].height = row_height([(text, full_width, size)], minimum=30 if number == 1 else 20)
        sheet.append([cell])
        if width > 1:
            sheet.merged_cells.add(f"A{number}:{get_column_letter(width)}{number}")


def neutralise(value: Any) -> Any:
    """Make a user-supplied text inert in a spreadsheet by prefixing an apostrophe-like quote.

    Also drops the control characters xlsx cannot store (openpyxl would refuse the whole workbook) and
    truncates to the cell limit. Non-text values pass unchanged; applying it twice changes nothing.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return value[:CELL_MAX_CHARS]


def _no_progress(done: int, total: int) -> None:
    return None


# --- styles ---------------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
THIN_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NO_BORDER = Border()
# 宋体 as the official forms use; LibreOffice and other systems substitute a CJK serif font.
FONT_NAME = "宋体"
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=11)
SMALL_FONT = Font(name=FONT_NAME, size=10)
# Tables (附件2, 附件3) in 10 points: the paper tables have many columns.
TABLE_FONT = Font(name=FONT_NAME, size=10)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)




class Exporter(ABC):
    """Base class of every tabular export (one sheet, a header row, one row per record).

    Subclasses set `sheet_title` and `headers` and implement `rows()`, a generator of lists in header
    order. Optional hooks: `title_rows()` (lines merged across the table above the header, like the
    title of an official form), `total()` (the number of rows, for progress), `column_widths`,
    `number_formats` (column index from 0 → Excel format, e.g. {12: "0.000"}) and `landscape` (None:
    landscape when the columns are wider than a portrait A4 page).
    Large exports stay flat in memory: rows are streamed into openpyxl's write-only workbook.

    Every sheet prints like the paper table (print_layout): a border on every cell, text wrapped in
    rows tall enough for it (write-only rows cannot be auto-fitted afterwards, and LibreOffice and
    Excel do not grow a row with an explicit height, so the height is computed from the text), the
    header row repeated on every page, "第N页 共M页" in the footer, A4 fitted to the page width; the
    frozen header and the filter are for the screen.
    """

    sheet_title = "Sheet1"
    headers: list[str] = []
    column_widths: list[float] | None = None
    number_formats: dict[int, str] = {}
    landscape: bool | None = None
    font = TABLE_FONT

    @abstractmethod
    def rows(self) -> Iterator[list[Any]]:
        """The table's rows, in header order."""

    def title_rows(self) -> list[str]:
        return []

    def total(self) -> int:
        return 0

    def safe_rows(self) -> Iterable[list[Any]]:
        for row in self.rows():
            yield [neutralise(value) for value in row]

    def widths(self) -> list[float]:
        """Every column's width (DEFAULT_COLUMN_WIDTH where `column_widths` says nothing)."""
        given = list(self.column_widths or [])
        return [given[index] if index < len(given) else DEFAULT_COLUMN_WIDTH for index in range(len(self.headers))]

    def is_landscape(self) -> bool:
        return needs_landscape(self.widths()) if self.landscape is None else self.landscape

    def write_sheet(self, workbook: Workbook, progress: ProgressCallback = _no_progress) -> None:
        """Append this export as one sheet of a write-only `workbook`."""
        sheet = workbook.create_sheet(title=safe_sheet_title(str(self.sheet_title)))
        widths = self.widths()
        width = max(len(self.headers), 1)
        titles = self.title_rows()
        header_row = len(titles) + 1
        # Columns, panes and page set-up first: a write-only sheet writes them before its first row.
        for index, column_width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = column_width
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        set_print_layout(sheet, landscape=self.is_landscape())
        _append_titles(sheet, titles, width, sum(widths))
        self._append_header(sheet, header_row, widths)
        total, done = self.total(), 0
        font_size = self.font.size
        # Every cell appended below is already a styled WriteOnlyCell: placed as it is (see _place_cells).
        sheet._values_to_row = _place_cells
        # Assigning a font, border and alignment to a cell hashes each style object (about 1 ms a cell):
        # every cell instead shares the style array of a prototype cell styled once per combination (a
        # write-only cell is written once and dropped; nothing changes its style afterwards).
        prototypes: dict[tuple[bool, str | None], Any] = {}

        def styled(value, number_format: str | None, text: bool | None = None) -> WriteOnlyCell:
            key = (isinstance(value, str) if text is None else text, number_format)
            if key not in prototypes:
                prototype = WriteOnlyCell(sheet)
                prototype.font, prototype.border = self.font, THIN_BORDER
                prototype.alignment = LEFT if key[0] else CENTRE
                if number_format:
                    prototype.number_format = number_format
                prototypes[key] = prototype._style
            cell = WriteOnlyCell(sheet, value=value)
            cell._style = prototypes[key]
            return cell

        for row in self.safe_rows():
            cells = []
            for index, value in enumerate(row):
                number_format = self.number_formats.get(index)
                cells.append(styled(value, number_format if value is not None else None))
            # Cells the row leaves out still get their border: a paper table has no open boxes.
            for _index in range(len(cells), width):
                cells.append(styled(None, None, text=True))
            sheet.row_dimensions[header_row + done + 1].height = row_height(
                [(_shown(value, self.number_formats.get(index)), widths[index] if index < len(widths) else
                  DEFAULT_COLUMN_WIDTH, font_size) for index, value in enumerate(row)])
            sheet.append(cells)
            done += 1
            if done % 500 == 0:
                progress(done, total)
        if done:
            sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(width)}{header_row + done}"
        progress(done, total)

    def _append_header(self, sheet, header_row: int, widths: list[float]) -> None:
        header_cells = []
        for header in self.headers:
            cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
            cell.font, cell.alignment, cell.border, cell.fill = HEADER_FONT, CENTRE, THIN_BORDER, HEADER_FILL
            header_cells.append(cell)
        sheet.row_dimensions[header_row].height = row_height(
            [(str(header), widths[index], HEADER_FONT.size) for index, header in enumerate(self.headers)])
        sheet.append(header_cells)

    def write_xlsx(self, stream, progress: ProgressCallback = _no_progress) -> None:
        workbook = Workbook(write_only=True)
        self.write_sheet(workbook, progress)
        workbook.save(stream)

    def write_csv(self, stream) -> None:
        # A BOM so that Excel on Windows reads the Chinese text as UTF-8.
        text = io.StringIO()
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow([str(header) for header in self.headers])
        for row in self.safe_rows():
            writer.writerow(["" if value is None else value for value in row])
        stream.write(text.getvalue().encode("utf-8"))


def _place_cells(cells: list[WriteOnlyCell | None], row_index: int) -> Iterator[WriteOnlyCell]:
    """The cells of a row of the table, numbered in place.

    openpyxl's own version (WriteOnlyWorksheet._values_to_row) first tries each appended cell as a plain
    value (a failed conversion: an exception per cell) and then makes a new blank cell for the next one:
    two extra cell constructions per cell, a fifth of a 10,000-row export's time. The table's rows hold
    nothing but cells made by `styled` (or None), so that detour is left out."""
    for column, cell in enumerate(cells, 1):
        if cell is None:
            continue
        cell.column, cell.row = column, row_index
        yield cell


def _shown(value: Any, number_format: str | None) -> str:
    """Roughly the text a cell shows, for its row height."""
    if value is None:
        return ""
    if isinstance(value, float | Decimal) and number_format and "." in number_format:
        return f"{value:.{len(number_format.split('.')[1])}f}"
    return str(value)


# --- form-like sheets -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CellStyle:
    """How a cell of a form-like sheet looks; every cell of a merged range gets it (borders show)."""

    font: Font = BODY_FONT
    alignment: Alignment = LEFT
    border: Border = THIN_BORDER
    fill: PatternFill | None = None
    number_format: str | None = None


PLAIN = CellStyle()


@dataclass
class _Cell:
    value: Any
    style: CellStyle


@dataclass
class PlacedImage:
    """A picture centred in the box of `rows` × `columns` cells from (row, column), at most `max_width` ×
    `max_height` points. `load()` returns its bytes (a JPEG or PNG, e.g. a metadata-free derivative) or
    None when there is none (the box then stays empty); it is called while the sheet is written."""

    row: int
    column: int
    rows: int
    columns: int
    max_width: float
    max_height: float
    load: Callable[[], bytes | None]


@dataclass
class SheetLayout:
    """A form-like sheet built cell by cell (merged ranges, borders, row heights, print set-up), then
    written row by row into a write-only worksheet.

    Coordinates are 1-based (row, column). `put` neutralises text as it is placed; `write_to` does it
    again on the way out, so nothing typed by a user reaches the sheet unneutralised.
    """

    title: str
    column_widths: list[float]
    cells: dict[tuple[int, int], _Cell] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    row_heights: dict[int, float] = field(default_factory=dict)
    landscape: bool = False
    print_title_rows: str | None = None
    images: list[PlacedImage] = field(default_factory=list)
    one_page: bool = False  # printed on exactly one page (a form), else as many pages down as needed
    footer: bool = True  # "第N页 共M页"

    @property
    def width(self) -> int:
        return len(self.column_widths)

    def frame(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        """One box around the cells placed in the range, no lines inside (a photo box of a paper form)."""
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                placed = self.cells.get((row, column))
                if placed is None:
                    continue
                border = Border(left=THIN if column == first_column else None,
                                right=THIN if column == last_column else None,
                                top=THIN if row == first_row else None,
                                bottom=THIN if row == last_row else None)
                placed.style = dataclasses.replace(placed.style, border=border)

    def image(self, placed: PlacedImage) -> None:
        self.images.append(placed)

    def put(self, row: int, column: int, value: Any = None, style: CellStyle = PLAIN, *,
            rows: int = 1, columns: int = 1) -> None:
        """Place `value` at (row, column), merged over `rows` × `columns` cells when either is above 1."""
        last_row, last_column = row + rows - 1, column + columns - 1
        for r in range(row, last_row + 1):
            for c in range(column, last_column + 1):
                self.cells[(r, c)] = _Cell(neutralise(value) if (r, c) == (row, column) else None, style)
        if rows > 1 or columns > 1:
            self.merges.append(f"{get_column_letter(column)}{row}:{get_column_letter(last_column)}{last_row}")

    def height(self, row: int, points: float) -> None:
        self.row_heights[row] = max(points, self.row_heights.get(row, 0))

    @property
    def last_row(self) -> int:
        return max((row for row, _column in self.cells), default=0)

    def write_to(self, workbook: Workbook, title: str | None = None, scratch: str | None = None) -> None:
        """Write the sheet into write-only `workbook` (its title made safe by the caller) and close it.

        Pictures are written to files in the folder `scratch` (openpyxl reads them when the workbook is
        saved, so memory stays flat), or kept in memory when there is none."""
        sheet = workbook.create_sheet(title=title or safe_sheet_title(self.title))
        for index, width in enumerate(self.column_widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row, points in self.row_heights.items():
            sheet.row_dimensions[row].height = points
        set_print_layout(sheet, landscape=self.landscape, one_page=self.one_page, footer=self.footer)
        if self.print_title_rows:
            sheet.print_title_rows = self.print_title_rows
        for row in range(1, self.last_row + 1):
            values = []
            for column in range(1, self.width + 1):
                placed = self.cells.get((row, column))
                if placed is None:
                    values.append(None)
                    continue
                cell = WriteOnlyCell(sheet, value=neutralise(placed.value))
                style = placed.style
                cell.font, cell.alignment, cell.border = style.font, style.alignment, style.border
                if style.fill is not None:
                    cell.fill = style.fill
                if style.number_format:
                    cell.number_format = style.number_format
                values.append(cell)
            sheet.append(values)
        for merged in self.merges:
            sheet.merged_cells.add(merged)
        sheet.print_area = f"A1:{get_column_letter(self.width)}{max(self.last_row, 1)}"
        for placed in self.images:
            self._add_image(sheet, placed, scratch)
        # Close now: a write-only sheet holds an open temporary file until it is closed, and a workbook
        # of a thousand entries would otherwise hold a thousand.
        sheet.close()


    def _add_image(self, sheet, placed: PlacedImage, scratch: str | None) -> None:
        data = placed.load()
        if not data:
            return
        if scratch:
            path = os.path.join(scratch, f"{uuid.uuid4().hex}.img")
            with open(path, "wb") as out:
                out.write(data)
            picture = OpenpyxlImage(path)
        else:
            picture = OpenpyxlImage(io.BytesIO(data))
        box_width = sum(self.column_widths[placed.column - 1:placed.column - 1 + placed.columns]) * POINTS_PER_UNIT
        box_height = sum(self.row_heights.get(row, DEFAULT_ROW_POINTS)
                         for row in range(placed.row, placed.row + placed.rows))
        scale = min(placed.max_width / picture.width, placed.max_height / picture.height)
        width, height = picture.width * scale, picture.height * scale
        column, x = self._walk(placed.column, max(0.0, (box_width - width) / 2), horizontal=True)
        row, y = self._walk(placed.row, max(0.0, (box_height - height) / 2), horizontal=False)
        picture.anchor = OneCellAnchor(
            _from=AnchorMarker(col=column - 1, colOff=int(x * EMU_PER_POINT), row=row - 1, rowOff=int(y * EMU_PER_POINT)),
            ext=XDRPositiveSize2D(int(width * EMU_PER_POINT), int(height * EMU_PER_POINT)))
        sheet.add_image(picture)

    def _walk(self, start: int, offset: float, *, horizontal: bool) -> tuple[int, float]:
        """The cell (column or row number) `offset` points past the start of `start`, and the rest."""
        index = start
        while True:
            size = (self.column_widths[index - 1] * POINTS_PER_UNIT if index <= self.width else offset + 1) \
                if horizontal else self.row_heights.get(index, DEFAULT_ROW_POINTS)
            if offset < size:
                return index, offset
            offset -= size
            index += 1


class FormExporter(ABC):
    """Base class of form-like exports: one sheet per record, each a `SheetLayout` from `sheets()`.

    Sheet titles are made unique and valid (≤ 31 characters, none of []:*?/\\) by the base.
    """

    @abstractmethod
    def sheets(self) -> Iterator[SheetLayout]:
        """One SheetLayout per record."""

    def total(self) -> int:
        return 0

    def write_sheets(self, workbook: Workbook, progress: ProgressCallback = _no_progress, scratch: str | None = None) -> int:
        taken: set[str] = set()
        done, total = 0, self.total()
        for layout in self.sheets():
            layout.write_to(workbook, unique_sheet_title(layout.title, taken), scratch=scratch)
            done += 1
            progress(done, total)
        return done

    def write_xlsx(self, stream, progress: ProgressCallback = _no_progress) -> None:
        # Pictures wait in files until the workbook is saved; the folder goes when it is written.
        with tempfile.TemporaryDirectory(prefix="export-images-") as scratch:
            workbook = Workbook(write_only=True)
            if not self.write_sheets(workbook, progress, scratch):
                workbook.create_sheet(title="Sheet1").append([neutralise(str(self.empty_message()))])
            workbook.save(stream)

    def empty_message(self) -> str:
        return "（无）"


class LayoutsExporter(FormExporter):
    """A form export of records already loaded: one sheet per record, laid out by the subclass's `layout`
    (a function of one record returning its SheetLayout, set as `layout = staticmethod(...)`)."""

    layout: Callable[[Any], SheetLayout]

    def __init__(self, records: Iterable[Any]):
        self.records = list(records)

    def total(self) -> int:
        return len(self.records)

    def sheets(self) -> Iterator[SheetLayout]:
        for record in self.records:
            yield self.layout(record)


def set_print_layout(sheet, *, landscape: bool = False, one_page: bool = False, footer: bool = True) -> None:
    """A4, fitted to the page width (as many pages down as needed, or exactly one page with `one_page`),
    1.5 cm side margins, centred, "第N页 共M页" in the footer unless `footer` is False."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    if footer:
        sheet.oddFooter.center.text = PAGE_FOOTER
        sheet.oddFooter.center.size = 9
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    margins = sheet.page_margins
    margins.left = margins.right = 0.6
    margins.top = margins.bottom = 0.7
    margins.header = margins.footer = 0.3
    sheet.print_options.horizontalCentered = True


# --- sheet titles and text measurements ----------------------------------------------------------------

SHEET_TITLE_MAX = 31
_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def safe_sheet_title(title: str, default: str = "Sheet") -> str:
    """A valid worksheet title: no []:*?/\\ or control characters, no apostrophe at either end,
    at most 31 characters, never empty and never Excel's reserved "History"."""
    text = "".join(ch for ch in str(title) if unicodedata.category(ch)[0] != "C")
    text = _SHEET_TITLE_ILLEGAL.sub("", text)
    text = re.sub(r"\s+", " ", text).strip().strip("'").strip()[:SHEET_TITLE_MAX].strip().strip("'")
    if not text or text.casefold() == "history":
        text = default
    return text


def unique_sheet_title(title: str, taken: set[str]) -> str:
    """`safe_sheet_title(title)`, suffixed "(2)", "(3)"… when a title already used (compared
    case-insensitively, as Excel does) would repeat; the result is added to `taken`."""
    base = safe_sheet_title(title)
    candidate, number = base, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f"({number})"
        candidate = base[: SHEET_TITLE_MAX - len(suffix)].rstrip().rstrip("'") + suffix
    taken.add(candidate.casefold())
    return candidate


def display_width(text: str) -> int:
    """Width in Excel column units: a CJK or full-width character counts 2, anything else 1."""
    if text.isascii():  # codes, dates, numbers: no character to look up
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def lines_needed(text: str, width_units: float, font_size: float = 11) -> int:
    """How many lines `text` wraps to in a cell `width_units` wide (explicit line breaks included), in a
    font of `font_size` points. An estimate: Excel and LibreOffice do not grow a row that holds merged
    cells by themselves, so form-like sheets set their row heights from it."""
    usable = max((width_units - 1) * 11 / font_size, 1)
    # No character is wider than 2 units, so a line of at most usable / 2 characters takes one line
    # without measuring it: most cells of a big table (dates, numbers, names) end here, which halves the
    # time a 10,000-row export spends on row heights.
    return sum(1 if 2 * len(line) <= usable else max(1, math.ceil(display_width(line) / usable))
               for line in str(text).split("\n"))


def needs_landscape(column_widths: Iterable[float]) -> bool:
    """Whether columns this wide need a landscape page (fitted to its width either way)."""
    return sum(column_widths) > PORTRAIT_WIDTH_UNITS


def row_height(cells: Iterable[tuple[str, float, float]], *, minimum: float = 18) -> float:
    """The height in points of a row whose cells hold (text, column width, font size): the tallest
    wrapped text, at LINE_SPACING per line, plus padding; never below `minimum` nor above Excel's limit."""
    lines = [lines_needed(text, width, size) * size * LINE_SPACING for text, width, size in cells if text]
    return round(min(MAX_ROW_POINTS, max([minimum, *[height + ROW_PADDING for height in lines]])), 1)


# --- dates and times ------------------------------------------------------------------------------------

def local_datetime(value: datetime | None = None) -> datetime:
    """`value` (default: now) in the portal's time zone (settings.TIME_ZONE, Asia/Shanghai): every date
    and time an export prints goes through here, whatever zone a request may have activated."""
    return timezone.localtime(value or timezone.now(), timezone.get_default_timezone())


def local_date(value: datetime | None = None) -> date:
    """The calendar date of `value` (default: now) in the portal's time zone."""
    return local_datetime(value).date()
