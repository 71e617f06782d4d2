"""Files a spreadsheet can trust: CSV and .xlsx downloads of a table, and safe file names.

Every download is a header row and data rows, after a few preamble rows that say what the file
covers ("Cycle", "2026 Q4"). Each value is a number (int, float, Decimal, or None for an empty
cell) or text. Numbers stay numbers; text can never become a formula: in a CSV a cell starting
with a formula character gets a leading quote (OWASP's CSV injection advice), and in an .xlsx
text is stored as a string cell whatever it starts with.

Below every app: this imports nothing from the project.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

Number = int | float | Decimal
Value = Number | str | None
Row = Sequence[Value]
FileFormat = Literal["csv", "xlsx"]

FORMATS: tuple[FileFormat, ...] = ("csv", "xlsx")
CONTENT_TYPES: dict[FileFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A download is about one person's view of the figures: never kept by a shared cache or on disk.
CACHE_CONTROL = "private, no-store"
MAX_FILENAME_STEM = 150


def is_number(value: Value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def escape_formula(value: Value) -> Value:
    """The value as a CSV cell: text starting with a formula character gets a leading quote, so
    a spreadsheet shows it as text. Numbers are left alone, so -0.5 stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


# --- File names -----------------------------------------------------------------------------


def attachment_filename(*parts: object, extension: str) -> str:
    """A file name from the parts, each slugified to ASCII letters, digits and hyphens, so it
    cannot carry quotes, line breaks or anything else a header could trip on."""
    words = [slugify(str(part)).replace("_", "-").strip("-") for part in parts]
    stem = "-".join(word for word in words if word)[:MAX_FILENAME_STEM].strip("-")
    extension = re.sub(r"[^a-z0-9]", "", extension.lower()) or "txt"
    return f"{stem or 'download'}.{extension}"


def attachment_header(filename: str) -> str:
    """A Content-Disposition value for downloading `filename`. The name is cleaned again here,
    so a caller that built it by hand still cannot inject a header."""
    stem, _, extension = filename.rpartition(".")
    if not stem:
        stem, extension = extension, "txt"
    return f'attachment; filename="{attachment_filename(stem, extension=extension)}"'


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    """Mark a response as an attachment that no cache keeps."""
    response["Content-Disposition"] = attachment_header(filename)
    response["Cache-Control"] = CACHE_CONTROL
    return response


# --- Writers --------------------------------------------------------------------------------


def write_csv(
    out: io.TextIOBase | HttpResponse,
    *,
    head: Row,
    rows: Iterable[Row],
    preamble: Iterable[Row] = (),
) -> None:
    """The preamble rows, a blank row, the header, then the rows. Text is quoted and escaped;
    numbers are written bare so a spreadsheet reads them as numbers."""
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    preamble = list(preamble)
    for row in [*preamble, *([[]] if preamble else []), head, *rows]:
        writer.writerow([_csv_value(value) for value in row])


def _csv_value(value: Value) -> Value:
    if value is None:
        return ""
    if is_number(value):
        return value
    return escape_formula(str(value))


def write_xlsx(
    out: io.BufferedIOBase | io.BytesIO,
    *,
    head: Row,
    rows: Iterable[Row],
    preamble: Iterable[Row] = (),
    title: str = "Data",
) -> None:
    """The same layout as write_csv, in one worksheet: numbers as numeric cells (with as many
    decimal places as a Decimal carries), text as string cells that are never formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    bold = Font(bold=True)
    row_number = 0
    preamble = list(preamble)
    for row in preamble:
        row_number += 1
        _write_row(sheet, row_number, row)
        sheet.cell(row=row_number, column=1).font = bold
    if preamble:
        row_number += 1  # a blank row between the preamble and the table
    row_number += 1
    _write_row(sheet, row_number, head)
    for column in range(1, len(head) + 1):
        sheet.cell(row=row_number, column=column).font = bold
    sheet.freeze_panes = sheet.cell(row=row_number + 1, column=1)
    for row in rows:
        row_number += 1
        _write_row(sheet, row_number, row)
    workbook.save(out)


def _write_row(sheet: Worksheet, row_number: int, row: Row) -> None:
    for column, value in enumerate(row, start=1):
        if value is None or value == "":
            continue
        cell = sheet.cell(row=row_number, column=column)
        if is_number(value):
            cell.value = value
            if isinstance(value, Decimal) and value.as_tuple().exponent < 0:
                cell.number_format = "0." + "0" * -int(value.as_tuple().exponent)
            continue
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        # openpyxl takes any string starting with "=" for a formula: store it as text instead,
        # and mark it so a spreadsheet keeps it as text if someone edits the cell.
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def _sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\ or quotes."""
    cleaned = " ".join(re.sub(r"[\[\]:*?/\\']", " ", ILLEGAL_CHARACTERS_RE.sub("", title)).split())
    if len(cleaned) > 31:
        cleaned = cleaned[:32].rsplit(" ", 1)[0][:31]
    return cleaned or "Data"


# --- Responses ------------------------------------------------------------------------------


def download_response(
    file_format: FileFormat,
    *,
    filename: str,
    head: Row,
    rows: Iterable[Row],
    preamble: Iterable[Row] = (),
    title: str = "Data",
) -> HttpResponse:
    """A CSV or .xlsx download of one table, marked as an attachment that no cache keeps."""
    response = HttpResponse(content_type=CONTENT_TYPES[file_format])
    if file_format == "csv":
        write_csv(response, head=head, rows=rows, preamble=preamble)
    else:
        buffer = io.BytesIO()
        write_xlsx(buffer, head=head, rows=rows, preamble=preamble, title=title)
        response.write(buffer.getvalue())
    return as_download(response, filename)
