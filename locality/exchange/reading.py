"""Reading an import file (CSV or XLSX) into its header and rows, with each row's number as a spreadsheet shows it.

CSV: comma, semicolon or tab, told apart by the header line; UTF-8 with or without a byte-order mark, UTF-16
with one (Excel's "Unicode text"), or Windows-1252 when the bytes are not UTF-8. XLSX: the first sheet; openpyxl
reads the workbook's parts (sheets, shared texts, styles) and the sheet's XML is read here one row at a time with
lxml; date cells come back as ``date``, numbers as ``int`` or ``float`` (a number formatted as a percentage as
the percentage, so a cell showing 50% reads as 50).

Row numbers are the spreadsheet's: the header is on row 1 when it is the first line, and blank rows are skipped
but still counted, so "row 7" is the row the user sees as 7. Every problem with the file itself is an
``ImportFileError`` carrying one plain sentence; a problem with one row is kept on that row (``Row.problems``,
or an ``OddCell`` in its cells) so that the import reports it as ``row N: reason``.

What is refused, and why
------------------------
- Only a regular file is read (after following symbolic links): a folder, a named pipe, a device such as
  ``/dev/zero`` or a socket is refused before it is opened, and the file is opened without blocking and checked
  again once open, so a pipe swapped in meanwhile cannot hang the import.
- Size: a CSV file of at most ``CSV_BYTE_LIMIT`` (64 MB) — 20,000 actions with long descriptions take about
  20 MB — and at most ``MAX_ROWS`` (100,000) lines and ``MAX_VALUES`` (2,000,000) values. A workbook file of at
  most ``XLSX_BYTE_LIMIT`` (64 MB) whose parts unpack to at most ``XLSX_UNPACKED_LIMIT`` (128 MB) in all, no part
  of more than 1 MB shrunk more than ``XLSX_RATIO_LIMIT`` (200) times (real sheets shrink 5 to 50 times; a "zip
  bomb" thousands of times), with at most ``XLSX_MAX_PARTS`` parts, compressed only as Excel does (deflate),
  and with no DTD (entity declarations) in any XML part. Sizes, methods and ratios are checked from the zip's
  own directory before anything is unpacked. Then each part is unpacked once, at most 1 MB at a time, before
  openpyxl reads anything: the zip reader never unpacks more than a part declares, and a part that lies about
  its size fails its checksum there and the workbook is refused as damaged — so a lying header costs no more
  than it declared (which is capped), and no reader is ever handed more.
- CSV encoding: a UTF-16 byte-order mark means UTF-16. Otherwise, a file that is valid UTF-8 is UTF-8. A file
  that is not, but holds at least one valid UTF-8 sequence of two or more bytes (such as ``C3 A9`` for "é"), is
  taken as UTF-8 with some broken bytes — Windows-1252 text practically never forms such sequences, while UTF-8
  text with a damaged or pasted-in part always does — and every row holding a broken byte is an error. A file
  with no such sequence is Windows-1252, and a row holding one of the five bytes Windows-1252 leaves undefined
  (0x81, 0x8D, 0x8F, 0x90, 0x9D) is an error. So mojibake is never imported silently: either the text decodes
  as what its bytes say, or the rows that do not are named. A file whose first 64 KB are mostly NUL at every
  other byte is UTF-16 without a byte-order mark, and one with many control bytes is not text: both refused.
- In any text cell (header too), a control character other than tab and the line breaks of a quoted multi-line
  value — NUL, the other C0 controls, DEL and the C1 controls U+0080 to U+009F (which only appear when text was
  decoded wrongly) — is a row error.
- CSV shape: a row with more values than the header has columns is an error (trailing empty cells, as Excel
  writes ``a,b,,``, do not count, and a shorter row is fine). A row of one value holding another delimiter
  under a header of several columns was saved with a different delimiter from the header's — an error when
  every row is so, or when that delimiter splits the value into exactly the header's three or more columns (a
  lone "Training; phase 2" among proper rows is a name with a semicolon in it). An unterminated quote, or a
  quote closed in the middle of a value, is an error on the row where the quoted value starts.
- XLSX cells: an error value (#REF!, #DIV/0!...), a formula whose result was not saved, a date out of range
  (years 1900 to 2999, as the domain's), a number that is not finite, or a value that cannot be converted is an
  ``OddCell`` naming the column; the import reports it when that column is read and ignores it otherwise.
  Rows past Excel's 1,048,576 or columns past its 16,384 mean a damaged workbook. A sheet's recorded size is
  never trusted: only the cells present are read.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
import re
import stat
import struct
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from locality.domain.errors import ImportFileError
from locality.domain.values import MAX_YEAR, MIN_YEAR, strip_invisible

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OddCell:
    """A workbook cell whose value cannot be read: ``reason`` says why (it follows "column X ")."""

    column: str  # the spreadsheet's letter
    reason: str

    def __str__(self) -> str:
        return ""


Cell = str | int | float | date | OddCell | None

CSV_EXTENSIONS = (".csv", ".tsv", ".txt")
XLSX_EXTENSIONS = (".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_EXCEL_SEPARATOR = re.compile(r"sep=[,;\t|]", re.IGNORECASE)

MEGABYTE = 1024 * 1024
CSV_BYTE_LIMIT = 64 * MEGABYTE
XLSX_BYTE_LIMIT = 64 * MEGABYTE
XLSX_UNPACKED_LIMIT = 128 * MEGABYTE
XLSX_RATIO_LIMIT = 200
XLSX_MAX_PARTS = 10_000
MAX_ROWS = 100_000
MAX_VALUES = 2_000_000  # 20,000 actions of 14 columns are 280,000
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384

# Bytes that never appear in text (C0 controls other than tab, line feed, form feed and carriage return).
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32)])
_BINARY_SIGNATURES = (
    b"%PDF",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"GIF8",
    b"\x1f\x8b",
    b"\x7fELF",
    b"MZ",
    b"\xff\xd8\xff",
)
# A valid UTF-8 sequence of two to four bytes.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Characters a text cell must not hold: C0 controls but tab and line breaks, DEL, C1 controls, and the lone
# surrogates that stand for bytes which could not be decoded.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header's row is 1 when it is the first line
    cells: tuple[Cell, ...]
    problems: tuple[str, ...] = ()  # sentences about the row as a whole (its shape, its bytes)


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


def shown(text: str, limit: int = 40) -> str:
    """Text from the file as quoted back in a message: one line, shortened if long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- the file itself


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def _not_regular(path: Path, kind: str) -> ImportFileError:
    if kind == "a folder":
        return ImportFileError(f"{path} is a folder, not a file to import.")
    return ImportFileError(f"{path} is {kind}, not a file; save what it holds to a file and import that.")


def _cannot_read(name: str, error: OSError) -> ImportFileError:
    if isinstance(error, PermissionError):
        return ImportFileError(f"{name} cannot be read: permission was refused.")
    return ImportFileError(f"{name} cannot be read ({error.strerror or error}).")


def _limit_for(path: Path) -> int:
    return XLSX_BYTE_LIMIT if path.suffix.lower() in XLSX_EXTENSIONS else CSV_BYTE_LIMIT


def _too_large(name: str, limit: int) -> ImportFileError:
    return ImportFileError(
        f"{name} is larger than the {limit // MEGABYTE} MB Locality imports at once; split it into smaller files."
    )


def check_file(path: Path) -> None:
    """Refuses a file that is missing, not a regular file (a folder, a pipe, a device), too large, or neither
    CSV nor XLSX by its extension — before anything is read or opened, so that a command can refuse early."""
    name = path.name
    try:
        status = os.stat(path)  # follows symbolic links: what counts is what the link points at
    except FileNotFoundError:
        raise ImportFileError(f"There is no file at {path}.") from None
    except OSError as error:
        raise _cannot_read(name, error) from None
    kind = _kind_of(status.st_mode)
    if kind is not None:
        raise _not_regular(path, kind)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(f"{name} is an old-style Excel file (.xls); save it as .xlsx or CSV and import that.")
    if suffix not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportFileError(f"{name} is not a CSV or XLSX file; save it as .csv or .xlsx and import that.")
    if status.st_size > _limit_for(path):
        raise _too_large(name, _limit_for(path))


def _open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading, refused unless it is a regular file. Opened without blocking, so that a named
    pipe put in its place after ``check_file`` cannot hang the import; checked again once open."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ImportFileError(f"There is no file at {path}.") from None
    except OSError as error:
        raise _cannot_read(path.name, error) from None
    try:
        kind = _kind_of(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise _not_regular(path, kind)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_table(path: Path) -> Table:
    """The header and rows of ``path``; ``ImportFileError`` with one sentence when it cannot be read."""
    check_file(path)
    if path.suffix.lower() in XLSX_EXTENSIONS:
        return _read_xlsx(path)
    return _read_csv(path)


# --------------------------------------------------------------------------- building the table


def _header_text(cell: Cell) -> str:
    if cell is None or isinstance(cell, OddCell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, date):
        return cell.isoformat()
    return strip_invisible(str(cell))


def _trimmed_width(cells: Sequence[Cell]) -> int:
    """How many cells are left once the blank ones at the end are dropped."""
    width = len(cells)
    while width and is_blank(cells[width - 1]):
        width -= 1
    return width


def _character_problem(text: str, encoding: str) -> str | None:
    """What is wrong with the characters of one text cell, or None."""
    found = _BAD_CHARACTER.search(text)
    if found is None:
        return None
    character = found.group()
    if character == "\x00":
        return "holds a NUL character, which text cannot hold; the file may be damaged"
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:
        byte = code - 0xDC00
        if encoding == "UTF-8":
            return f"holds bytes that are not valid UTF-8 text (0x{byte:02X}); save the file as CSV UTF-8 and import it"
        return (
            f"holds a byte (0x{byte:02X}) that is not a character in Windows-1252 text; "
            "save the file as CSV UTF-8 and import it"
        )
    if 0xD800 <= code <= 0xDFFF:
        return "holds a broken character (a lone UTF-16 surrogate)"
    return f"holds a control character (U+{code:04X}), which cannot be imported; remove it"


class _Builder:
    """Takes a file's lines in order and builds its ``Table``: the first non-blank line is the header, the
    non-blank lines below it are rows; checks each row's characters and (for CSV) its shape."""

    def __init__(self, name: str, *, encoding: str = "", delimiter: str | None = None) -> None:
        self.name = name
        self.encoding = encoding  # "UTF-8" or "Windows-1252" for CSV: names the bytes in messages
        self.delimiter = delimiter  # CSV only: rows longer than the header are errors
        self.header: tuple[str, ...] | None = None
        self.headings = 0
        self.unnamed: tuple[int, ...] = ()  # indexes of the header's empty headings
        self.rows: list[Row] = []
        self.unheaded: dict[int, int] = {}  # column index -> the first row with a value but no heading
        self.one_value: list[tuple[int, str, int]] = []  # CSV rows of one value holding another delimiter
        self.check_characters = True

    def add(self, number: int, cells: Sequence[Cell], problems: Sequence[str] = ()) -> None:
        if not problems and all(is_blank(cell) for cell in cells):
            return
        if self.header is None:
            self._set_header(number, cells, problems)
            return
        if len(self.rows) >= MAX_ROWS:
            raise ImportFileError(
                f"{self.name} has more than {MAX_ROWS:,} rows, more than Locality imports at once; "
                "split it into smaller files."
            )
        found = list(problems)
        width = len(self.header)
        if self.delimiter is not None:
            filled = _trimmed_width(cells)
            if filled > width:
                found.append(
                    f"It has {filled:,} values but the header row has {width:,} columns; "
                    f'a value holding "{_printable(self.delimiter)}" must be in double quotes'
                )
            elif filled == 1 and self.headings > 1 and isinstance(cells[0], str):
                for other in _DELIMITERS:
                    if other != self.delimiter and other in cells[0]:
                        self.one_value.append((len(self.rows), other, len(cells[0].split(other))))
                        break
        for index in self.unnamed:
            if index < len(cells) and not is_blank(cells[index]):
                self.unheaded.setdefault(index, number)
        if self.check_characters:
            found.extend(self._characters(cells))
        self.rows.append(Row(number, tuple(cells[:width]), tuple(found)))

    def add_sparse(self, number: int, pairs: Sequence[tuple[int, Cell]]) -> None:
        """A row given as (zero-based column, value) pairs: a workbook's, where a value may sit far to the right
        of the header without every empty cell before it being made."""
        if not pairs:
            return
        width = len(self.header) if self.header is not None else max(index for index, _ in pairs) + 1
        cells: list[Cell] = [None] * width
        beyond: list[str] = []
        for index, value in pairs:
            if index < width:
                cells[index] = value
            elif not is_blank(value):
                self.unheaded.setdefault(index, number)
                if isinstance(value, str) and (problem := _character_problem(value, self.encoding)):
                    beyond.append(f"Column {column_letter(index)} {problem}")
        self.add(number, cells, beyond)

    def _characters(self, cells: Sequence[Cell]) -> list[str]:
        found: list[str] = []
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and (problem := _character_problem(cell, self.encoding)):
                found.append(f"Column {self._column(index)} {problem}")
        return found

    def _column(self, index: int) -> str:
        heading = self.header[index] if self.header is not None and index < len(self.header) else ""
        return f'{column_letter(index)} ("{shown(heading, 30)}")' if heading else column_letter(index)

    def _set_header(self, number: int, cells: Sequence[Cell], problems: Sequence[str]) -> None:
        if len(cells) > EXCEL_MAX_COLUMN:
            raise ImportFileError(
                f"{self.name} has {len(cells):,} columns in its header row, more than a spreadsheet can have; "
                "it is not a table Locality can import."
            )
        found = [*problems, *self._characters(cells)]
        if found:
            raise ImportFileError(
                f"The header row of {self.name} cannot be read; nothing was written.",
                row_errors=[f"row {number}: {' '.join(_sentence(problem) for problem in found)}"],
            )
        self.header = tuple(_header_text(cell) for cell in cells[: _trimmed_width(cells)])
        self.headings = sum(1 for heading in self.header if heading)
        self.unnamed = tuple(index for index, heading in enumerate(self.header) if not heading)

    def _delimiter_problems(self) -> None:
        """Rows of one value holding another delimiter were saved with a different delimiter from the header's
        when every row is so, or when that delimiter splits the value into as many pieces as there are columns."""
        if not self.one_value or self.delimiter is None or self.header is None:
            return
        every = len(self.one_value) == len(self.rows)
        for position, other, pieces in self.one_value:
            if every or pieces == len(self.header) >= 3:
                row = self.rows[position]
                value = row.cells[0] if row.cells and isinstance(row.cells[0], str) else ""
                problem = (
                    f'It is one value, "{shown(value)}", but the header\'s columns are separated by '
                    f"{_DELIMITER_NAMES[self.delimiter]}; this row seems to be separated by "
                    f"{_DELIMITER_NAMES[other]}: save the file with one delimiter throughout"
                )
                self.rows[position] = Row(row.number, row.cells, (*row.problems, problem))

    def table(self, warnings: Sequence[str] = ()) -> Table:
        if self.header is None:
            raise ImportFileError(f"{self.name} is empty.")
        if not self.rows:
            raise ImportFileError(f"{self.name} has a header row but no rows below it to import.")
        self._delimiter_problems()
        found = list(warnings)
        if self.unheaded:
            letters = [column_letter(index) for index in sorted(self.unheaded)]
            if len(letters) == 1:
                found.append(f"Column {letters[0]} has values but no heading, so it was ignored.")
            else:
                if len(letters) > 10:
                    listed = f"{', '.join(letters[:10])} and {len(letters) - 10:,} more"
                else:
                    listed = f"{', '.join(letters[:-1])} and {letters[-1]}"
                found.append(f"Columns {listed} have values but no heading, so they were ignored.")
        return Table(self.name, self.header, tuple(self.rows), tuple(found))


def _printable(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


# --------------------------------------------------------------------------- CSV


def _read_bytes(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path`` (a regular file); more than that is refused, whatever the size said."""
    with _open_regular(path) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise _cannot_read(path.name, error) from None
    if len(data) > limit:
        raise _too_large(path.name, limit)
    return data


def _decoded(name: str, data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read as ("UTF-8", "Windows-1252" or "UTF-16"); bytes
    that could not be decoded are kept as lone surrogates (U+DC80 to U+DCFF) for the rows to report."""
    not_text = f"{name} is not a CSV text file; save it as CSV (UTF-8) or .xlsx and import that."
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(f"{name} is not readable text; save it as CSV (UTF-8) and import that.") from None
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(f"{name} is a workbook, not CSV text; give it the .xlsx extension, or save it as CSV.")
    if data.startswith(_BINARY_SIGNATURES):
        raise ImportFileError(not_text)
    sample = data[:65536]
    half = len(sample) // 2
    if half >= 2:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) > half * 0.4 and min(even, odd) < half * 0.05:
            raise ImportFileError(
                f"{name} seems to be UTF-16 text without a byte-order mark; save it as CSV (UTF-8) and import that."
            )
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls >= 3 and controls > len(sample) * 0.05:
        raise ImportFileError(not_text)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        return data.decode("utf-8", "surrogateescape"), "UTF-8"
    return data.decode("cp1252", "surrogateescape"), "Windows-1252"


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


def _first_line(text: str) -> tuple[str, int]:
    """The first line of ``text`` with anything but spaces on it, and where the text after it starts."""
    position = 0
    for match in _LINE_BREAK.finditer(text):
        line = text[position : match.start()]
        if line.strip():
            return line, match.end()
        position = match.end()
    return text[position:], len(text)


def _quote_problem(error: csv.Error) -> str:
    message = str(error)
    if "unexpected end of data" in message:
        return (
            'A quote (") opens a value on this row but is never closed, so the rest of the file would be read as '
            "one value; close the quote or remove it"
        )
    if "expected after" in message:
        return (
            "A quoted value on this row (or a quote opened on it and closed on a later line) has more text after "
            'its closing quote; a quote inside a value must be doubled ("")'
        )
    return f"It is not well-formed CSV ({message})"


def _read_csv(path: Path) -> Table:
    name = path.name
    text, encoding = _decoded(name, _read_bytes(path, CSV_BYTE_LIMIT))
    if not text.strip():
        raise ImportFileError(f"{name} is empty.")
    if max(text.count("\n"), text.count("\r")) > MAX_ROWS * 2:
        raise ImportFileError(
            f"{name} has more than {MAX_ROWS:,} rows, more than Locality imports at once; split it into smaller files."
        )
    first_line, after = _first_line(text)
    if _EXCEL_SEPARATOR.fullmatch(first_line.strip()):
        # Excel's "sep=;" line names the delimiter; Excel does not show it, so the header is still row 1.
        delimiter = first_line.strip()[4]
        text = text[after:]
        if not text.strip():
            raise ImportFileError(f"{name} is empty.")
        first_line, _ = _first_line(text)
    else:
        delimiter = sniff_delimiter(first_line)
    if delimiter == "|":
        delimiter = ","  # not one of ours; the header then reads as one column and the import says what is missing
    if text.count(delimiter) > MAX_VALUES:
        raise ImportFileError(
            f"{name} has more than {MAX_VALUES:,} values, more than Locality imports at once; "
            "split it into smaller files."
        )
    builder = _Builder(name, encoding="UTF-8" if encoding == "UTF-16" else encoding, delimiter=delimiter)
    builder.check_characters = _BAD_CHARACTER.search(text) is not None
    if csv.field_size_limit() < CSV_BYTE_LIMIT:
        csv.field_size_limit(CSV_BYTE_LIMIT)  # a value may be long; the file's size is capped instead
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    guarded = any(mark in text for mark in ("'=", "'+", "'-", "'@"))  # an export's guards to take off
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            builder.add(number, [], [_quote_problem(error)])
            continue
        if len(cells) > EXCEL_MAX_COLUMN and builder.header is not None:
            builder.add(
                number,
                [],
                [f"It has {len(cells):,} values, more than a spreadsheet can have; check the delimiters and quotes"],
            )
            continue
        builder.add(number, [_unquoted(cell) for cell in cells] if guarded else cells)
    return builder.table()


def _unquoted(text: str) -> str:
    """Text as it was before an export kept it from being read as a formula (a leading ' before = + - @)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


# --------------------------------------------------------------------------- XLSX


def _damaged(name: str) -> ImportFileError:
    return ImportFileError(
        f"{name} is not a readable XLSX workbook; it may be damaged, or be another kind of file renamed."
    )


def _entry_count(handle: IO[bytes], size: int) -> int | None:
    """How many parts the zip's end record says it has (read before the zip's directory is), or None when
    there is no end record."""
    tail_size = min(size, 65536 + 22)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or position + 22 > len(tail):
        return None
    _, _, _, _, total, directory_size, _, _ = struct.unpack("<4s4H2LH", tail[position : position + 22])
    if total == 0xFFFF or directory_size == 0xFFFFFFFF:  # a ZIP64 archive: far more than a workbook has
        return XLSX_MAX_PARTS + 1
    return int(total)


_UNPACK_STEP = 1024 * 1024


class _BoundedZipFile(zipfile.ZipFile):
    """A zip whose parts are unpacked at most 1 MB at a time, however much a reader asks for. Python's zip reader
    stops a part at its declared size, but asked for "everything" it first inflates all of the part's compressed
    bytes in one go — a part that lies about its size could make that gigabytes. So nothing unpacks more than
    the part declares (checked against ``XLSX_UNPACKED_LIMIT``) plus one step."""

    def open(self, name: Any, mode: Any = "r", pwd: bytes | None = None, *, force_zip64: bool = False) -> IO[bytes]:
        part = super().open(name, mode, pwd, force_zip64=force_zip64)
        if isinstance(part, zipfile.ZipExtFile):
            part.MAX_N = _UNPACK_STEP
        return part


def _check_archive(name: str, archive: zipfile.ZipFile) -> None:
    """Refuses a workbook whose parts would unpack to too much (a "zip bomb") or that a workbook never is, from
    the sizes and methods the zip's directory declares — before anything is unpacked."""
    total = 0
    bomb = ImportFileError(
        f'{name} would unpack to far more than a workbook holds (it may be a "zip bomb"); it was not opened.'
    )
    for info in archive.infolist():
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ImportFileError(f"{name} is compressed in a way Excel does not use; save it again as .xlsx.")
        if info.flag_bits & 0x1:
            raise ImportFileError(f"{name} is encrypted; save it without a password and import that.")
        total += info.file_size
        if total > XLSX_UNPACKED_LIMIT:
            raise bomb
        if info.file_size > MEGABYTE and info.file_size > XLSX_RATIO_LIMIT * max(info.compress_size, 1):
            raise bomb
    for info in archive.infolist():
        # Every part is unpacked once, a step at a time, before openpyxl sees it: the zip reader stops at the
        # declared size and checks the part's checksum there, so a part that lies about its size is refused
        # here, having cost at most what it declared.
        with archive.open(info) as part:
            head = part.read(_PROLOG_LIMIT)
            while part.read(_UNPACK_STEP):
                pass
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size and not _plain_prolog(head):
            raise _damaged(name)


_PROLOG_LIMIT = 1024 * 1024
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def _plain_prolog(head: bytes) -> bool:
    """True when the XML in ``head`` reaches its first element with nothing but spaces, processing instructions
    and comments before it: no DTD, so no entities to expand (a "billion laughs") and nothing fetched."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while position < len(head):
        match = _PROLOG_ITEM.match(head, position)
        if match is None:
            return head[position : position + 1] == b"<" and head[position + 1 : position + 2] not in (b"!", b"?", b"")
        position = match.end()
    return False


def _read_xlsx(path: Path) -> Table:
    name = path.name
    with _open_regular(path) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise ImportFileError(f"{name} is empty.")
            if size > XLSX_BYTE_LIMIT:
                raise _too_large(name, XLSX_BYTE_LIMIT)
            count = _entry_count(handle, size)
            if count is None:
                handle.seek(0)
                head = handle.read(4096)
                if head and len(head.translate(None, _CONTROL_BYTES)) == len(head):
                    raise ImportFileError(
                        f"{name} is not a readable XLSX workbook but text; if it is CSV, give it the .csv "
                        "extension and import that."
                    )
                raise _damaged(name)
            if count > XLSX_MAX_PARTS:
                raise ImportFileError(f"{name} has far more parts than a workbook has; it was not opened.")
            handle.seek(0)
            try:
                archive = _BoundedZipFile(handle)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
                raise _damaged(name) from None
            with archive:
                try:
                    _check_archive(name, archive)
                except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError):
                    raise _damaged(name) from None
            handle.seek(0)
            return _read_workbook(name, handle)
        except OSError as error:
            raise _cannot_read(name, error) from None


def _read_workbook(name: str, handle: IO[bytes]) -> Table:
    """The first sheet of a workbook already checked by ``_check_archive``. openpyxl reads the workbook's parts
    (its sheets, shared texts and styles) but not the sheets themselves: openpyxl's read-only sheets scan the
    whole sheet for its recorded size on opening, and convert each cell in Python, so ``_sheet_rows`` reads the
    first sheet's XML itself."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    warnings_found: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it skips; they do not concern an import
        reader: Any = None
        try:
            reader = ExcelReader(handle, read_only=True, data_only=True)
            reader.archive.close()  # the same file, but unpacked a step at a time (see _BoundedZipFile)
            reader.archive = _BoundedZipFile(handle)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            sheets = [
                (sheet, relation)
                for sheet, relation in reader.parser.find_sheets()
                if relation.target in reader.valid_files and "chartsheet" not in str(relation.Type)
            ]
        except Exception:  # a damaged workbook can fail in many ways inside openpyxl and the XML parser
            log.debug("cannot open %s as a workbook", name, exc_info=True)
            if reader is not None and getattr(reader, "archive", None) is not None:
                reader.archive.close()
            raise _damaged(name) from None
        try:
            if not sheets:
                raise ImportFileError(f"{name} is empty.")
            sheet, relation = sheets[0]
            if len(sheets) > 1:
                warnings_found.append(
                    f'Only the first sheet, "{sheet.name}", was read; the workbook has {len(sheets)} sheets.'
                )
            builder = _Builder(name)
            rows = _sheet_rows(name, reader.wb, reader.archive, relation.target, reader.shared_strings)
            for number, pairs in rows:
                builder.add_sparse(number, pairs)
            return builder.table(warnings_found)
        except ImportFileError:
            raise
        except Exception:
            log.debug("cannot read the first sheet of %s", name, exc_info=True)
            raise _damaged(name) from None
        finally:
            reader.archive.close()


class _Styles:
    """What a cell's style says about its number: a date, a duration or a percentage."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.known: dict[int, str] = {}

    def kind(self, style_id: int) -> str:
        if style_id not in self.known:
            self.known[style_id] = self._kind(style_id)
        return self.known[style_id]

    def _kind(self, style_id: int) -> str:
        workbook = self.workbook
        if style_id in getattr(workbook, "_timedelta_formats", ()):
            return "duration"
        if style_id in getattr(workbook, "_date_formats", ()):
            return "date"
        try:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

            number_format_id = workbook._cell_styles[style_id].numFmtId
            if number_format_id < BUILTIN_FORMATS_MAX_SIZE:
                text = BUILTIN_FORMATS.get(number_format_id, "General")
            else:
                text = workbook._number_formats[number_format_id - BUILTIN_FORMATS_MAX_SIZE]
        except (IndexError, KeyError, AttributeError, TypeError):
            return "number"
        return "percent" if "%" in str(text or "") else "number"


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW_TAG, _CELL_TAG, _VALUE_TAG, _FORMULA_TAG = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}f"
_INLINE_TAG, _TEXT_TAG, _RUN_TAG = f"{_MAIN}is", f"{_MAIN}t", f"{_MAIN}r"
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})", re.ASCII)


def _sheet_rows(
    name: str, workbook: Any, archive: zipfile.ZipFile, part: str, shared_strings: Sequence[Any]
) -> Iterator[tuple[int, list[tuple[int, Cell]]]]:
    """Each row of the sheet that has a value, as (its number, its (zero-based column, value) pairs), from the
    cells present in the sheet's XML — not from the size the sheet records, which may be wrong. Each row's XML
    is let go once read, so a sheet takes little memory however long it is."""
    from lxml import etree

    shared = list(shared_strings or ())
    reader = _CellReader(shared, _Styles(workbook), workbook.epoch)
    cells_read = 0
    last = 0
    with archive.open(part) as source:
        rows = etree.iterparse(
            source,
            events=("end",),
            tag=_ROW_TAG,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for _, row in rows:
            reference = row.get("r")
            number = last + 1 if reference is None else int(reference) if reference.isdigit() else 0
            if not last < number <= EXCEL_MAX_ROW:
                raise _damaged(name)
            last = number
            pairs: list[tuple[int, Cell]] = []
            column = 0
            for cell in row.iterchildren(_CELL_TAG):
                cells_read += 1
                if cells_read > MAX_VALUES:
                    raise ImportFileError(
                        f"{name} has more than {MAX_VALUES:,} cells, more than Locality imports at once; "
                        "split it into smaller files."
                    )
                column = _column_of(cell.get("r"), column, name)
                value = reader.value(cell, column)
                if value is not None:
                    pairs.append((column - 1, value))
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            if pairs:
                yield number, pairs


def _column_of(reference: str | None, previous: int, name: str) -> int:
    """The one-based column of a cell: from its reference ("C7"), or the one after ``previous`` when it has none."""
    if reference is None:
        column = previous + 1
    else:
        match = _REFERENCE.fullmatch(reference)
        if match is None:
            raise ImportFileError(
                f"{name} is not a readable XLSX workbook; its first sheet has a cell with a wrong reference "
                f'("{shown(reference, 20)}").'
            )
        column = 0
        for letter in match[1].upper():
            column = column * 26 + ord(letter) - ord("A") + 1
    if not 1 <= column <= EXCEL_MAX_COLUMN:
        raise _damaged(name)
    return column


class _CellReader:
    """One cell's value from its XML: text, a number, a date, TRUE/FALSE — or an ``OddCell`` saying why not."""

    def __init__(self, shared: list[Any], styles: _Styles, epoch: datetime) -> None:
        self.shared = shared
        self.styles = styles
        self.epoch = epoch

    def value(self, cell: Any, column: int) -> Cell:
        found = self._value(cell, "")
        if isinstance(found, OddCell):  # the column's letter is worked out only for the rare odd cell
            return OddCell(column_letter(column - 1), found.reason)
        return found

    def _value(self, cell: Any, letter: str) -> Cell:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE_TAG)
            if inline is None:
                return None
            return _unquoted(_inline_text(inline))
        found = cell.find(_VALUE_TAG)
        raw = found.text if found is not None else None
        if raw is None or raw == "":
            if found is None and cell.find(_FORMULA_TAG) is not None:
                return OddCell(
                    letter,
                    "holds a formula whose result was not saved with the workbook; open it in Excel, save it and "
                    "import it again",
                )
            return None
        if kind == "s":
            try:
                return _unquoted(str(self.shared[int(raw)]))
            except (ValueError, IndexError):
                return OddCell(letter, "refers to a text that is not in the workbook; it may be damaged")
        if kind == "str":
            return _unquoted(raw)
        if kind == "b":
            if raw.strip() in ("0", "1"):
                return "TRUE" if raw.strip() == "1" else "FALSE"
            return OddCell(letter, f'holds "{shown(raw, 20)}" as TRUE or FALSE, which cannot be read')
        if kind == "e":
            return OddCell(letter, f"holds the error {shown(raw, 20)}; correct it in the workbook")
        if kind == "d":
            return self._iso_date(raw, letter)
        if kind != "n":
            return OddCell(letter, f'holds a value of a kind Locality does not read ("{shown(kind, 12)}")')
        return self._number(raw, cell.get("s"), letter)

    def _number(self, raw: str, style: str | None, letter: str) -> Cell:
        text = raw.strip()
        number: int | float
        try:
            number = float(text) if any(mark in text for mark in ".eE") else int(text)
        except ValueError:
            return OddCell(letter, f'holds "{shown(raw, 20)}", which cannot be read as a number')
        if isinstance(number, float) and not math.isfinite(number):
            return OddCell(letter, "holds a number that is not finite (infinity or not a number)")
        if isinstance(number, int) and abs(number) > 10**18:  # beyond what any field stores, or a float holds
            return OddCell(letter, "holds a number too large to read")
        kind = self.styles.kind(int(style)) if style and style.isdigit() else "number"
        if kind == "date":
            return _serial_date(number, letter, self.epoch)
        if kind == "percent":
            scaled = round(number * 100, 10)
            if not math.isfinite(scaled):
                return OddCell(letter, "holds a number too large to read")
            return int(scaled) if float(scaled).is_integer() else scaled
        return number

    def _iso_date(self, raw: str, letter: str) -> Cell:
        from openpyxl.utils.datetime import from_ISO8601

        try:
            value = from_ISO8601(raw)
        except (ValueError, TypeError, OverflowError):
            value = None
        if isinstance(value, datetime):
            return _checked_date(value.date(), letter)
        if isinstance(value, date):
            return _checked_date(value, letter)
        return OddCell(letter, f'holds a date that cannot be read ("{shown(raw, 20)}")')


def _inline_text(inline: Any) -> str:
    """The text of an inline string: its own text, or its runs' (phonetic guides left out)."""
    direct = inline.find(_TEXT_TAG)
    if direct is not None:
        return str(direct.text or "")
    return "".join(str(run.findtext(_TEXT_TAG) or "") for run in inline.iterchildren(_RUN_TAG))


def _serial_date(value: float, letter: str, epoch: datetime) -> Cell:
    from openpyxl.utils.datetime import from_excel

    try:
        converted = from_excel(value, epoch)
    except (OverflowError, ValueError, TypeError):
        converted = None
    if not isinstance(converted, (datetime, date)):
        return OddCell(letter, f"holds a date Excel cannot show (the number {shown(str(value), 20)})")
    return _checked_date(converted.date() if isinstance(converted, datetime) else converted, letter)


def _checked_date(value: date, letter: str) -> Cell:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return OddCell(letter, f"holds the date {value.isoformat()}, whose year is not from {MIN_YEAR} to {MAX_YEAR}")
    return value
