"""Reading the files people upload: one CSV reader and one JSON reader for every import.

Whatever a file holds, these return rows or problems with line numbers; they never raise on bad
content. Excel writes CSV with CRLF, LF or (its old Mac format) CR line endings, and often a BOM:
all are read the same way.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A cell longer than this is not a name or a descriptor but a pasted document.
MAX_CELL_CHARACTERS = 20_000
MAX_JSON_DEPTH = 20

# The csv module's own limit (128 KB) raises an error mid-file; read whole cells, then check.
csv.field_size_limit(MAX_UPLOAD_BYTES)


def read_command_file(path: Path, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """The text of a file named on the command line, refused as the upload pages refuse it (too
    large, not UTF-8, binary). A BOM is dropped."""
    try:
        if path.stat().st_size > max_bytes:
            limit = max_bytes // (1024 * 1024)
            raise CommandError(f"{path.name}: the file must be smaller than {limit}MB")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"{path.name}: the file must be saved as UTF-8 text") from error
    # A NUL character means a binary file (or UTF-16); PostgreSQL cannot store it as text.
    if "\x00" in text:
        raise CommandError(f"{path.name}: the file must be saved as UTF-8 text")
    return text


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class CsvRow:
    line: int  # the line the row starts on, counting from 1 (the header is line 1)
    values: list[str]


@dataclass
class CsvFile:
    header: list[str]  # stripped and lower-cased
    rows: list[CsvRow]
    errors: list[RowError]


def normalise_line_endings(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_csv(text: str) -> CsvFile:
    """Every row with its first line number; blank rows are skipped.

    Rows with a different number of values from the header, and cells over the limit, are
    reported (all of them, in one round) and left out of `rows`."""
    reader = csv.reader(io.StringIO(normalise_line_endings(text)))
    errors: list[RowError] = []
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        return CsvFile([], [], [RowError(1, "the file is empty")])
    except csv.Error as error:
        return CsvFile([], [], [RowError(1, f"the header row cannot be read ({error})")])
    rows: list[CsvRow] = []
    last_line = reader.line_num
    while True:
        line = last_line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"the row cannot be read ({error})"))
            break
        last_line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        long_cells = [
            index for index, value in enumerate(values) if len(value) > MAX_CELL_CHARACTERS
        ]
        if long_cells:
            column = header[long_cells[0]] if long_cells[0] < len(header) else "a"
            errors.append(
                RowError(
                    line,
                    f'the "{column}" cell has more than {MAX_CELL_CHARACTERS:,} characters',
                )
            )
            continue
        if len(values) != len(header):
            errors.append(
                RowError(
                    line, f"the row has {len(values)} values but the header row has {len(header)}"
                )
            )
            continue
        rows.append(CsvRow(line, values))
    return CsvFile(header, rows, errors)


class JsonUnreadable(ValueError):
    """The text is not a JSON document this service will read; the message says why."""


def read_json(text: str) -> Any:
    """The parsed document. Raises JsonUnreadable for bad syntax, size or depth."""
    if len(text.encode("utf-8", errors="ignore")) > MAX_UPLOAD_BYTES:
        raise JsonUnreadable("it must be smaller than 5MB")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonUnreadable(f"it is not valid JSON: {error.msg} on line {error.lineno}") from error
    except RecursionError as error:
        raise JsonUnreadable(f"it is nested more than {MAX_JSON_DEPTH} levels deep") from error
    if _depth(data) > MAX_JSON_DEPTH:
        raise JsonUnreadable(f"it is nested more than {MAX_JSON_DEPTH} levels deep")
    return data


def _depth(data: Any) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest
