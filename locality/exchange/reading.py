"""Reading an import file (CSV or XLSX) into its header and rows, with each row's number as a spreadsheet shows it.

CSV: comma, semicolon or tab, told apart by the header line; UTF-8 with or without a byte-order mark, UTF-16
with one (Excel's "Unicode text"), or Windows-1252 when the bytes are not UTF-8. XLSX: the first sheet, read
with openpyxl in read-only mode; date cells come back as ``date``, numbers as ``int`` or ``float`` (a number
formatted as a percentage as the percentage, so a cell showing 50% reads as 50).

Row numbers are the spreadsheet's: the header is on row 1 when it is the first line, and blank rows are skipped
but still counted, so "row 7" is the row the user sees as 7. Every problem with the file itself is an
``ImportFileError`` carrying one plain sentence.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from locality.domain.errors import ImportFileError

log = logging.getLogger(__name__)

Cell = str | int | float | date | None

CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_EXCEL_SEPARATOR = re.compile(r"sep=[,;\t|]", re.IGNORECASE)


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header's row is 1 when it is the first line
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """What an import file holds: its header cells (as text) and its non-blank rows below the header."""

    name: str  # the file's name, for messages
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)


def column_letter(index: int) -> str:
    """The spreadsheet's letter for a zero-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def check_file(path: Path) -> None:
    """Refuses a file that is missing, a folder, or neither CSV nor XLSX by its extension — before anything is
    read or opened, so that a command can refuse early."""
    name = path.name
    if not path.exists():
        raise ImportFileError(f"There is no file at {path}.")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder, not a file to import.")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(f"{name} is an old-style Excel file (.xls); save it as .xlsx or CSV and import that.")
    if suffix not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportFileError(f"{name} is not a CSV or XLSX file; save it as .csv or .xlsx and import that.")


def read_table(path: Path) -> Table:
    """The header and rows of ``path``; ``ImportFileError`` with one sentence when it cannot be read."""
    check_file(path)
    if path.suffix.lower() in XLSX_EXTENSIONS:
        return _read_xlsx(path)
    return _read_csv(path)


def _table(name: str, lines: Sequence[tuple[int, Sequence[Cell]]], warnings: Sequence[str] = ()) -> Table:
    """Splits numbered lines into the header (the first non-blank line) and the non-blank rows below it."""
    filled = [(number, cells) for number, cells in lines if not all(is_blank(cell) for cell in cells)]
    if not filled:
        raise ImportFileError(f"{name} is empty.")
    _, header_cells = filled[0]
    header = tuple("" if cell is None else _header_text(cell) for cell in header_cells)
    rows = tuple(Row(number, tuple(cells)) for number, cells in filled[1:])
    if not rows:
        raise ImportFileError(f"{name} has a header row but no rows below it to import.")
    return Table(name, header, rows, tuple(warnings))


def _header_text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# --------------------------------------------------------------------------- CSV


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise ImportFileError(f"{path.name} cannot be read: permission was refused.") from None
    except OSError as error:
        raise ImportFileError(f"{path.name} cannot be read ({error.strerror or error}).") from None


def _decoded(name: str, data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(f"{name} is not readable text; save it as CSV (UTF-8) and import that.") from None
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(f"{name} is a workbook, not CSV text; give it the .xlsx extension, or save it as CSV.")
    if b"\x00" in data[:65536]:
        raise ImportFileError(f"{name} is not a CSV text file; save it as CSV (UTF-8) or .xlsx and import that.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{name} is not text in UTF-8 or Windows-1252; save it as CSV (UTF-8) and import that."
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: whichever the header line holds most of (outside quotes); comma if none."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for character in header_line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _read_csv(path: Path) -> Table:
    name = path.name
    data = _read_bytes(path)
    text = _decoded(name, data)
    if not text.strip():
        raise ImportFileError(f"{name} is empty.")
    physical = text.splitlines(keepends=True)
    first = next(index for index, line in enumerate(physical) if line.strip())
    first_line = physical[first].rstrip("\r\n")
    if _EXCEL_SEPARATOR.fullmatch(first_line):
        # Excel's "sep=;" line names the delimiter; Excel does not show it, so the header is still row 1.
        delimiter = first_line[4]
        text = "".join(physical[first + 1 :])
        if not text.strip():
            raise ImportFileError(f"{name} is empty.")
    else:
        delimiter = sniff_delimiter(first_line)
    lines: list[tuple[int, Sequence[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            lines.append((number, [_unquoted(cell) for cell in cells]))
    except csv.Error as error:
        raise ImportFileError(f"{name} is not well-formed CSV near line {reader.line_num}: {error}.") from None
    return _table(name, lines)


def _unquoted(text: str) -> str:
    """Text as it was before an export kept it from being read as a formula (a leading ' before = + - @)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


# --------------------------------------------------------------------------- XLSX


def _read_xlsx(path: Path) -> Table:
    name = path.name
    damaged = f"{name} is not a readable XLSX workbook; it may be damaged, or be another kind of file renamed."
    try:
        if path.stat().st_size == 0:
            raise ImportFileError(f"{name} is empty.")
        if not zipfile.is_zipfile(path):
            raise ImportFileError(damaged)
    except OSError as error:
        raise ImportFileError(f"{name} cannot be read ({error.strerror or error}).") from None
    import openpyxl

    warnings: list[str] = []
    lines: list[tuple[int, Sequence[Cell]]] = []
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a damaged workbook can fail in many ways inside openpyxl and the XML parser
        log.debug("cannot open %s as a workbook", path, exc_info=True)
        raise ImportFileError(damaged) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise ImportFileError(f"{name} is empty.")
        sheet = sheets[0]
        if len(sheets) > 1:
            warnings.append(f'Only the first sheet, "{sheet.title}", was read; the workbook has {len(sheets)} sheets.')
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some programs record a wrong size; read every cell there is
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            lines.append((number, [_cell_value(cell) for cell in cells]))
    except ImportFileError:
        raise
    except Exception:
        log.debug("cannot read the first sheet of %s", path, exc_info=True)
        raise ImportFileError(damaged) from None
    finally:
        workbook.close()
    return _table(name, lines, warnings)


def _cell_value(cell: object) -> Cell:
    value = getattr(cell, "value", None)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "%" in str(getattr(cell, "number_format", "") or ""):
            value = round(value * 100, 10)
            return int(value) if float(value).is_integer() else value
        return value
    if isinstance(value, str):
        return _unquoted(value)
    return str(value)
