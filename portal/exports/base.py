"""Tabular exporters: subclasses yield rows, this base writes them as xlsx (openpyxl) or csv."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook

# A cell starting with one of these is read as a formula by Excel and LibreOffice (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make a user-supplied text inert in a spreadsheet by prefixing an apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class Exporter:
    """Base class of every tabular export.

    Subclasses set `sheet_title` and `headers` and implement `rows()`, a generator of lists in header
    order. Large exports stay flat in memory: rows are streamed into openpyxl's write-only workbook.
    """

    sheet_title = "Sheet1"
    headers: list[str] = []

    def rows(self) -> Iterator[list[Any]]:
        raise NotImplementedError("subclasses yield their rows")

    def safe_rows(self) -> Iterable[list[Any]]:
        for row in self.rows():
            yield [neutralise(value) for value in row]

    def write_xlsx(self, stream) -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=self.sheet_title[:31])
        sheet.append([str(header) for header in self.headers])
        for row in self.safe_rows():
            sheet.append(row)
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
