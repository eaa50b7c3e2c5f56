"""Reading a CSV import file: its encoding (UTF-8, UTF-16 or Windows-1252, with every row holding a broken byte
named), its delimiter (told apart by the header line), Excel's ``sep=`` line, and quotes left open; see
``reading.py`` for what is refused and why."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from locality.domain.errors import ImportFileError
from locality.exchange.file_access import CONTROL_BYTES, CSV_BYTE_LIMIT, cannot_read, open_regular, too_large
from locality.exchange.import_table import (
    BAD_CHARACTER,
    DELIMITERS,
    EXCEL_MAX_COLUMN,
    MAX_ROWS,
    MAX_VALUES,
    Table,
    TableBuilder,
    unquoted,
)

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


_EXCEL_SEPARATOR = re.compile(r"sep=[,;\t|]", re.IGNORECASE)


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


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _read_bytes(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path`` (a regular file); more than that is refused, whatever the size said."""
    with open_regular(path) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise cannot_read(path.name, error) from None
    if len(data) > limit:
        raise too_large(path.name, limit)
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
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
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
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for character in header_line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
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


def read_csv(path: Path) -> Table:
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
    builder = TableBuilder(name, encoding="UTF-8" if encoding == "UTF-16" else encoding, delimiter=delimiter)
    builder.check_characters = BAD_CHARACTER.search(text) is not None
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
        builder.add(number, [unquoted(cell) for cell in cells] if guarded else cells)
    return builder.table()
