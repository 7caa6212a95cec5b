"""Reading the downloaded workbooks back."""

import io

from openpyxl import load_workbook


def workbook(response):
    """The xlsx of a download response, opened with openpyxl."""
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def texts(sheet) -> list[str]:
    """Every non-empty cell of the sheet as text, row by row."""
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value not in (None, "")]


def value_right_of(sheet, label: str):
    """The value in the cell right of the (first) cell holding `label` (merged labels skipped)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == label:
                column = cell.column + 1
                while sheet.cell(row=cell.row, column=column).value is None and column < sheet.max_column:
                    column += 1
                return sheet.cell(row=cell.row, column=column).value
    raise AssertionError(f"{label} not found")
