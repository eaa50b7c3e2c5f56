"""The malformed-file corpus: every file a partner (or an attacker) might hand over, imported the real way.

Each case is generated here by a small function (no binary fixtures live in the repository) and imported with
``import_file`` into a fresh workspace. A malformed file must be refused cleanly — one ``ImportFileError`` whose
message is one plain sentence, ``row N: reason`` lines where a row is to blame, nothing written — and a legitimate
one imported correctly; either way quickly. A few go through the command line too, and the zip bombs are also
measured in a child process for time and memory.
"""

from __future__ import annotations

import csv
import io
import os
import random
import socket
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from locality.domain.errors import ImportFileError
from locality.exchange.importing import import_file, preview
from locality.services.registry import Services
from tests.reliability.conftest import REPOSITORY, run_locality

# --------------------------------------------------------------------------- making files

SHEET_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DATE_STYLE = 1  # the styles of the base workbook below: a date cell and a percentage cell
PERCENT_STYLE = 2


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", terminator: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=terminator).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def base_workbook() -> bytes:
    """A real workbook whose styles hold a date format (style 1) and a percentage (style 2)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = date(2008, 1, 1)
    sheet["B1"] = 0.5
    sheet["B1"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    xml = zipfile.ZipFile(io.BytesIO(buffer.getvalue())).read("xl/worksheets/sheet1.xml").decode()
    assert f'r="A1" s="{DATE_STYLE}"' in xml and f'r="B1" s="{PERCENT_STYLE}"' in xml
    return buffer.getvalue()


def real_xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_cell(reference: str, text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{reference}" t="inlineStr"><is><t>{escaped}</t></is></c>'


def sheet_xml(rows: str, *, dimension: str = "A1:B2", prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'{prolog}<worksheet xmlns="{SHEET_NAMESPACE}"><dimension ref="{dimension}"/>'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def xlsx_with_sheet(sheet: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """The base workbook with its first sheet's XML replaced by ``sheet`` (and ``extra`` parts added)."""
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def header_and(row2: str, header: tuple[str, ...] = ("name", "notes")) -> bytes:
    """A sheet with ``header`` on row 1 and the raw cells ``row2`` on row 2."""
    cells = "".join(text_cell(f"{chr(65 + index)}1", heading) for index, heading in enumerate(header))
    return xlsx_with_sheet(sheet_xml(f'<row r="1">{cells}</row><row r="2">{row2}</row>'))


def actions_sheet(heading: str, raw_b2: str) -> bytes:
    """An actions sheet: title "One" in column A and the raw cell ``raw_b2`` under ``heading`` in column B."""
    return header_and(text_cell("A2", "One") + raw_b2, header=("title", heading))


def zeros_member_workbook(size: int) -> bytes:
    """A workbook whose first sheet is ``size`` bytes of spaces inside the XML: it shrinks a thousandfold."""
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w") as part:
                    part.write(f'<worksheet xmlns="{SHEET_NAMESPACE}"><sheetData>'.encode())
                    chunk = b" " * (1 << 20)
                    for _ in range(size // len(chunk)):
                        part.write(chunk)
                    part.write(b"</sheetData></worksheet>")
            else:
                target.writestr(info.filename, source.read(info))
    return buffer.getvalue()


def lie_about(archive: bytes, name: str, declared: int) -> bytes:
    """``archive`` with the unpacked size its directory declares for the part ``name`` replaced by ``declared``."""
    data = bytearray(archive)
    position = 0
    while True:
        position = data.find(b"PK\x01\x02", position)
        assert position >= 0
        name_length = struct.unpack("<H", data[position + 28 : position + 30])[0]
        if data[position + 46 : position + 46 + name_length] == name.encode():
            data[position + 24 : position + 28] = struct.pack("<L", declared)
            return bytes(data)
        position += 4


def lying_workbook() -> bytes:
    """A zip bomb whose directory lies: the sheet says it unpacks to 2 KB but really unpacks to 40 MB."""
    return lie_about(zeros_member_workbook(40 << 20), "xl/worksheets/sheet1.xml", 2048)


def lying_styles() -> bytes:
    """A zip bomb in a part openpyxl reads whole: the styles say 20 MB (a plausible 65 times smaller packed) but
    really unpack to 300 MB of spaces after the real styles."""
    source = zipfile.ZipFile(io.BytesIO(base_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "xl/styles.xml":
                with target.open(info.filename, "w") as part:
                    part.write(source.read(info))
                    chunk = b" " * (1 << 20)
                    for _ in range(300):
                        part.write(chunk)
            else:
                target.writestr(info.filename, source.read(info))
    return lie_about(buffer.getvalue(), "xl/styles.xml", 20 << 20)


def padded_doctype() -> bytes:
    """A DTD hidden behind a comment that looks like an element and a long run of spaces."""
    rows = f'<row r="1">{text_cell("A1", "name")}</row><row r="2">{text_cell("A2", "A")}</row>'
    prolog = "<!-- <a -->" + " " * 100_000 + '<!DOCTYPE worksheet [<!ENTITY e "x">]>'
    return xlsx_with_sheet(sheet_xml(rows, prolog=prolog))


def two_sheets() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Partners"
    sheet.append(["name"])
    sheet.append(["A"])
    workbook.create_sheet("Notes").append(["not read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def billion_laughs() -> bytes:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + index)} "{("&" + chr(97 + index) + ";") * 10}">' for index in range(9)
    )
    rows = f'<row r="1">{text_cell("A1", "name")}</row><row r="2"><c r="A2" t="inlineStr"><is><t>&j;</t></is></c></row>'
    return xlsx_with_sheet(sheet_xml(rows, prolog=f"<!DOCTYPE worksheet [{entities}]>"))


# --------------------------------------------------------------------------- the corpus


Maker = Callable[[Path], Path]


def write(name: str, data: bytes | Callable[[], bytes]) -> Maker:
    """Writes ``data`` (or what the function ``data`` makes, when the test runs) as ``name``."""

    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return make


def fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def dev_zero(folder: Path) -> Path:
    path = folder / "zero.csv"
    path.symlink_to("/dev/zero")
    return path


def dev_zero_xlsx(folder: Path) -> Path:
    path = folder / "zero.xlsx"
    path.symlink_to("/dev/zero")
    return path


def directory(folder: Path) -> Path:
    path = folder / "folder.csv"
    path.mkdir()
    return path


def broken_link(folder: Path) -> Path:
    path = folder / "gone.csv"
    path.symlink_to(folder / "never-there.csv")
    return path


def unix_socket(folder: Path) -> Path:
    path = folder / "s.csv"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def sparse(size: int, name: str) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        with path.open("wb") as handle:
            handle.write(b"name\r\n")
            handle.truncate(size)
        return path

    return make


def truncated_xlsx(folder: Path) -> Path:
    data = real_xlsx([["name"], ["A"]])
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def not_workbook_zip(folder: Path) -> Path:
    path = folder / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def random_bytes(size: int, seed: int = 10) -> bytes:
    return random.Random(seed).randbytes(size)


@dataclass(frozen=True)
class Case:
    id: str
    make: Maker
    message: str  # expected in the refusal's sentence (or row errors); for an import, "" (nothing refused)
    kind: str = "organisations"
    row_errors: tuple[str, ...] = ()  # the start of each "row N: reason" expected, in order ("row 2: ...")
    imported: int = 0  # for a legitimate file: how many records it creates
    check: Callable[[Services], None] | None = None


def names(*expected: str) -> Callable[[Services], None]:
    def check(services: Services) -> None:
        assert sorted(organisation.name for organisation in services.organisations.list()) == sorted(expected)

    return check


def notes_of(name: str, notes: str) -> Callable[[Services], None]:
    def check(services: Services) -> None:
        found = services.organisations.find(name)
        assert found is not None and found.notes == notes

    return check


ORGS = [["name", "notes"]]
MANY_COLUMNS = ["name", *(f"c{index}" for index in range(9_999))]

CASES = [
    # ---------------------------------------------------------------- not a file, or not one to read
    Case("missing", lambda folder: folder / "missing.csv", "There is no file at"),
    Case("broken-symlink", broken_link, "There is no file at"),
    Case("directory", directory, "is a folder, not a file to import"),
    Case("fifo", fifo, "is a named pipe, not a file"),
    Case("dev-zero-symlink", dev_zero, "is a device, not a file"),
    Case("dev-zero-symlink-xlsx", dev_zero_xlsx, "is a device, not a file"),
    Case("socket", unix_socket, "is a socket, not a file"),
    Case("pdf-extension", write("plan.pdf", b"%PDF-1.4"), "is not a CSV or XLSX file"),
    Case("xls-extension", write("plan.xls", b"\xd0\xcf\x11\xe0"), "old-style Excel file (.xls)"),
    Case("csv-over-64-mb", sparse(65 << 20, "big.csv"), "larger than the 64 MB Locality imports"),
    Case("xlsx-over-64-mb", sparse(65 << 20, "big.xlsx"), "larger than the 64 MB Locality imports"),
    # ---------------------------------------------------------------- CSV that is no table
    Case("empty", write("empty.csv", b""), "empty.csv is empty."),
    Case("only-bom", write("bom.csv", b"\xef\xbb\xbf"), "bom.csv is empty."),
    Case("only-blank-lines", write("blank.csv", b"\r\n  \r\n\t\r\n"), "blank.csv is empty."),
    Case("header-only-delimiters", write("commas.csv", b",,,\r\n,,\r\n"), "commas.csv is empty."),
    Case("only-header", write("header.csv", b"name,notes\r\n"), "has a header row but no rows below it"),
    Case("binary-garbage", write("garbage.csv", lambda: random_bytes(4096)), "is not a CSV text file"),
    Case("pdf-renamed-csv", write("plan.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "is not a CSV text file"),
    Case("xlsx-renamed-csv", write("plan.csv", real_xlsx([["name"], ["A"]])), "is a workbook, not CSV text"),
    Case(
        "utf16-without-bom",
        write("unicode.csv", "name\tnotes\r\nCafé\tx\r\n".encode("utf-16-le")),
        "UTF-16 text without a byte-order mark",
    ),
    Case("duplicate-headers", write("dup.csv", b"name,Name\r\nA,B\r\n"), 'more than one "name" column'),
    Case("unknown-headers", write("unknown.csv", b"foo,bar\r\nA,B\r\n"), 'has no "name" column'),
    Case(
        "huge-single-line",
        write("line.csv", lambda: b"x" * (5 << 20)),
        "has a header row but no rows below it",
    ),
    Case(
        "ten-thousand-columns-no-name",
        write("wide.csv", lambda: csv_bytes([[f"c{index}" for index in range(10_000)], ["v"] * 10_000])),
        'has no "name" column',
    ),
    Case(
        "twenty-thousand-columns",
        write("wider.csv", lambda: csv_bytes([["name", *(f"c{index}" for index in range(20_000))], ["A"]])),
        "more than a spreadsheet can have",
    ),
    Case("too-many-lines", write("tall.csv", lambda: b"name\n" + b"a\n" * 250_001), "more than 100,000 rows"),
    Case("too-many-values", write("commas.csv", lambda: b"name\n" + b"," * 3_000_000), "more than 2,000,000 values"),
    # ---------------------------------------------------------------- CSV rows that are wrong
    Case(
        "rows-with-another-delimiter",
        write("mixed.csv", b"name,notes\r\nBarset Police;x\r\nBarset Trust;y\r\n"),
        "2 rows of mixed.csv cannot be imported",
        row_errors=("row 2: It is one value", "row 3: It is one value"),
    ),
    Case(
        "semicolon-header-comma-rows",
        write("mixed.csv", b"name;short_name;notes\r\nA,B,C\r\nD,E,F\r\n"),
        "cannot be imported",
        row_errors=("row 2: It is one value", "row 3: It is one value"),
    ),
    Case(
        "tab-header-comma-rows",
        write("mixed.csv", b"name\tnotes\r\nA,x\r\n"),
        "cannot be imported",
        row_errors=("row 2: It is one value",),
    ),
    Case(
        "row-with-too-many-fields",
        write("wide.csv", b"name,notes\r\nA,x\r\nB,y,z\r\n"),
        "1 row of wide.csv cannot be imported",
        row_errors=("row 3: It has 3 values but the header row has 2 columns",),
    ),
    Case(
        "unterminated-quote",
        write("quote.csv", b'name,notes\r\nA,x\r\n"B,y\r\nC,z\r\n'),
        "cannot be imported",
        row_errors=("row 3: A quote",),
    ),
    Case(
        "quote-closed-on-a-later-line",
        write("quote.csv", b'name,notes\r\n"A,x\r\nB,"y"\r\nC,z\r\n'),
        "cannot be imported",
        row_errors=("row 2: A quoted value",),
    ),
    Case(
        "text-after-closing-quote",
        write("quote.csv", b'name,notes\r\n"A"x,y\r\nB,z\r\n'),
        "cannot be imported",
        row_errors=("row 2: A quoted value",),
    ),
    Case("nul-in-cell", write("nul.csv", b"name,notes\r\nA\x00B,x\r\n"), "", row_errors=("row 2: Column A",)),
    Case("bell-in-cell", write("bel.csv", b"name,notes\r\nA,x\x07y\r\n"), "U+0007", row_errors=("row 2: Column B",)),
    Case("escape-in-cell", write("esc.csv", b"name,notes\r\nA\x1b[31m,x\r\n"), "U+001B", row_errors=("row 2:",)),
    Case("form-feed-in-cell", write("ff.csv", b"name,notes\r\nA,x\x0cy\r\n"), "U+000C", row_errors=("row 2:",)),
    Case("delete-in-cell", write("del.csv", b"name,notes\r\nA\x7f,x\r\n"), "U+007F", row_errors=("row 2:",)),
    Case("c1-control-in-utf8", write("c1.csv", "name\r\nA\u0085B\r\n".encode()), "U+0085", row_errors=("row 2:",)),
    Case(
        "header-with-control",
        write("head.csv", b"na\x01me,notes\r\nA,x\r\n"),
        "The header row of head.csv cannot be read",
        row_errors=("row 1: Column A",),
    ),
    Case(
        "zero-width-space-name",
        write("zw.csv", "name,notes\r\nReal,x\r\n\u200b,y\r\n".encode()),
        "Name cannot be empty",
        row_errors=("row 3:",),
    ),
    Case("bom-only-name", write("feff.csv", "name\r\nA\r\n\ufeff\r\n".encode()), "empty", row_errors=("row 3:",)),
    Case(
        "nbsp-only-name",
        write("nbsp.csv", "name,notes\r\n\u00a0\u00a0,x\r\n".encode()),
        "empty",
        row_errors=("row 2:",),
    ),
    Case(
        "invisible-mix-name",
        write("mix.csv", "name,notes\r\n\u200b\u00a0\ufeff\u2060\u200d,x\r\n".encode()),
        "Name cannot be empty",
        row_errors=("row 2:",),
    ),
    Case(
        "utf8-with-a-broken-sequence",
        write("broken.csv", "name,notes\r\nCafé,x\r\n".encode() + b"Bar\xe2\x82,y\r\n"),
        "not valid UTF-8",
        row_errors=("row 3: Column A",),
    ),
    Case(
        "mixed-utf8-and-cp1252",
        write("mixed.csv", "name,notes\r\nCafé Society,£5\r\n".encode() + "Tea Rooms,£3\r\n".encode("cp1252")),
        "not valid UTF-8",
        row_errors=("row 3: Column B",),
    ),
    *(
        Case(
            f"cp1252-undefined-0x{byte:02x}",
            write("ansi.csv", b"name,notes\r\nCaf\xe9," + bytes([byte]) + b"\r\n"),
            f"0x{byte:02X}",
            row_errors=("row 2: Column B",),
        )
        for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    ),
    # ---------------------------------------------------------------- numbers and dates out of range (CSV)
    *(
        Case(
            f"csv-{label}",
            write("plan.csv", csv_bytes([["title", column], ["One", value]])),
            text,
            "actions",
            ("row 2:",),
        )
        for label, column, value, text in [
            ("budget-1e30", "budget", "1e30", "is not an amount of money"),
            ("budget-overflow", "budget", "9" * 30, "too large an amount to store"),
            ("budget-negative", "budget", "-5", "cannot be negative"),
            ("budget-nan", "budget", "NaN", "is not an amount of money"),
            ("budget-inf", "budget", "inf", "is not an amount of money"),
            ("percent-1e30", "percent_complete", "1e30", "is not a whole number between 0 and 100"),
            ("percent-huge-int", "percent_complete", "9" * 30, "must be between 0 and 100"),
            ("percent-negative", "percent_complete", "-1", "is not a whole number between 0 and 100"),
            ("percent-nan", "percent_complete", "nan", "is not a whole number between 0 and 100"),
            ("date-31-february", "start", "31/02/2008", "is not a date"),
            ("date-month-13", "start", "2008-13-01", "is not a date"),
            ("date-year-0", "start", "0000-01-01", "is not a date"),
            ("date-year-99999", "due", "99999-01-01", "is not a date"),
            ("date-year-1", "due", "01/01/0001", "is not a plausible date"),
        ]
    ),
    # ---------------------------------------------------------------- workbooks that are not workbooks
    Case("xlsx-really-csv", write("plan.xlsx", b"name,notes\r\nA,x\r\n"), "is not a readable XLSX workbook but text"),
    Case("xlsx-empty-file", write("plan.xlsx", b""), "plan.xlsx is empty."),
    Case("xlsx-truncated", truncated_xlsx, "is not a readable XLSX workbook"),
    Case("xlsx-zip-not-workbook", not_workbook_zip, "is not a readable XLSX workbook"),
    Case("xlsx-random-garbage", write("plan.xlsx", lambda: random_bytes(8192)), "is not a readable XLSX workbook"),
    Case("xlsx-zip-bomb", write("bomb.xlsx", lambda: zeros_member_workbook(60 << 20)), "zip bomb"),
    Case("xlsx-lying-zip-bomb", write("liar.xlsx", lying_workbook), "is not a readable XLSX workbook"),
    Case("xlsx-lying-styles-bomb", write("styles.xlsx", lying_styles), "is not a readable XLSX workbook"),
    Case("xlsx-billion-laughs", write("laughs.xlsx", billion_laughs), "is not a readable XLSX workbook"),
    Case("xlsx-padded-doctype", write("padded.xlsx", padded_doctype), "is not a readable XLSX workbook"),
    Case("gzip-renamed-csv", write("plan.csv", b"\x1f\x8b\x08\x00" + bytes(40)), "is not a CSV text file"),
    Case("only-excel-sep-line", write("sep.csv", b"sep=;\r\n"), "sep.csv is empty."),
    Case(
        "xlsx-row-past-excel",
        write(
            "far.xlsx",
            xlsx_with_sheet(
                sheet_xml(
                    f'<row r="1">{text_cell("A1", "name")}</row><row r="1048577">{text_cell("A1048577", "A")}</row>'
                )
            ),
        ),
        "is not a readable XLSX workbook",
    ),
    Case("xlsx-only-header", write("head.xlsx", real_xlsx([["name", "notes"]])), "has a header row but no rows"),
    # ---------------------------------------------------------------- workbooks with one odd cell
    Case(
        "xlsx-error-ref",
        write("ref.xlsx", header_and('<c r="A2" t="e"><v>#REF!</v></c>')),
        "",
        row_errors=("row 2: Column A (name) holds the error #REF!",),
    ),
    Case(
        "xlsx-formula-without-value",
        write("formula.xlsx", header_and(text_cell("A2", "A") + '<c r="B2"><f>CONCAT("a","b")</f></c>')),
        "",
        row_errors=("row 2: Column B (notes) holds a formula whose result was not saved",),
    ),
    Case(
        "xlsx-shared-string-missing",
        write("shared.xlsx", header_and('<c r="A2" t="s"><v>999</v></c>')),
        "",
        row_errors=("row 2: Column A (name) refers to a text that is not in the workbook",),
    ),
    Case(
        "xlsx-control-character",
        write(
            "control.xlsx", header_and(text_cell("A2", "A") + '<c r="B2" t="inlineStr"><is><t>x&#x85;y</t></is></c>')
        ),
        "U+0085",
        row_errors=("row 2: Column B",),
    ),
    *(
        Case(f"xlsx-{label}", write("plan.xlsx", actions_sheet(column, cell)), text, "actions", ("row 2: ",))
        for label, column, cell, text in [
            ("div0-budget", "budget", '<c r="B2" t="e"><v>#DIV/0!</v></c>', "holds the error #DIV/0!"),
            ("unknown-cell-type", "description", '<c r="B2" t="zz"><v>1</v></c>', "of a kind Locality does not read"),
            ("boolean-not-0-or-1", "description", '<c r="B2" t="b"><v>maybe</v></c>', "as TRUE or FALSE"),
            ("budget-1e30", "budget", '<c r="B2"><v>1E30</v></c>', "too large an amount to store"),
            ("budget-huge-int", "budget", f'<c r="B2"><v>{"9" * 25}</v></c>', "too large to read"),
            (
                "percent-huge-int",
                "percent_complete",
                f'<c r="B2" s="{PERCENT_STYLE}"><v>{"9" * 400}</v></c>',
                "too large",
            ),
            ("budget-just-too-large", "budget", '<c r="B2"><v>100000000001</v></c>', "too large an amount to store"),
            ("budget-negative", "budget", '<c r="B2"><v>-12.5</v></c>', "cannot be negative"),
            ("budget-nan", "budget", '<c r="B2"><v>NaN</v></c>', "cannot be read"),
            ("budget-infinite", "budget", '<c r="B2"><v>1E999</v></c>', "not finite"),
            ("percent-1e30", "percent_complete", f'<c r="B2" s="{PERCENT_STYLE}"><v>1E28</v></c>', "between 0"),
            ("percent-string", "percent_complete", text_cell("B2", "lots"), "is not a whole number"),
            ("date-serial-huge", "start", f'<c r="B2" s="{DATE_STYLE}"><v>1E10</v></c>', "a date Excel cannot show"),
            ("date-serial-negative", "start", f'<c r="B2" s="{DATE_STYLE}"><v>-5</v></c>', "year is not from 1900"),
            ("date-iso-year-99999", "due", '<c r="B2" t="d"><v>99999-01-01</v></c>', "cannot be read"),
            ("date-iso-year-1", "due", '<c r="B2" t="d"><v>0001-01-01</v></c>', "whose year is not from 1900"),
            ("date-as-number", "start", '<c r="B2"><v>39448</v></c>', "is not a date"),
        ]
    ),
    # ---------------------------------------------------------------- legitimate files
    Case("crlf", write("crlf.csv", b"name,notes\r\nA,x\r\nB,y\r\n"), "", imported=2, check=names("A", "B")),
    Case("lf", write("lf.csv", b"name,notes\nA,x\nB,y\n"), "", imported=2, check=names("A", "B")),
    Case("cr-only", write("cr.csv", b"name,notes\rA,x\rB,y\r"), "", imported=2, check=notes_of("B", "y")),
    Case("no-final-newline", write("end.csv", b"name,notes\r\nA,x"), "", imported=1, check=notes_of("A", "x")),
    Case(
        "trailing-empty-cells",
        write("excel.csv", b"name,notes,,\r\nA,x,,\r\nB,,,\r\n"),
        "",
        imported=2,
        check=notes_of("A", "x"),
    ),
    Case("short-rows", write("short.csv", b"name,short_name,notes\r\nA\r\nB,BB\r\n"), "", imported=2),
    Case(
        "quoted-newline",
        write("multi.csv", b'name,notes\r\nA,"line one\r\nline two"\r\nB,y\r\n'),
        "",
        imported=2,
        check=notes_of("A", "line one\r\nline two"),
    ),
    Case(
        "tab-inside-cell", write("tab.csv", b'name,notes\r\nA,"x\ty"\r\n'), "", imported=1, check=notes_of("A", "x\ty")
    ),
    Case(
        "one-value-with-semicolon-among-others",
        write("semi.csv", b"name,notes\r\nTraining; phase 2\r\nB,y\r\n"),
        "",
        imported=2,
        check=names("Training; phase 2", "B"),
    ),
    Case(
        "windows-1252",
        write("ansi.csv", "name,notes\r\nCafé,£5 – each\r\n".encode("cp1252")),
        "",
        imported=1,
        check=notes_of("Café", "£5 – each"),
    ),
    Case("utf8-bom", write("bom.csv", "\ufeffname,notes\r\nCafé,x\r\n".encode()), "", imported=1, check=names("Café")),
    Case(
        "utf16-bom",
        write("unicode.txt", "name\tnotes\r\nCafé\t€\r\n".encode("utf-16")),
        "",
        imported=1,
        check=notes_of("Café", "€"),
    ),
    Case(
        "excel-sep-line",
        write("sep.csv", b"sep=;\r\nname;notes\r\nA;x,y\r\n"),
        "",
        imported=1,
        check=notes_of("A", "x,y"),
    ),
    Case(
        "formula-text-stays-text",
        write(
            "formulas.csv",
            csv_bytes(
                [
                    ["name", "notes"],
                    ['=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0"],
                    ["@SUM(1)", "+1-1"],
                ]
            ),
        ),
        "",
        imported=2,
        check=notes_of('=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0"),
    ),
    Case(
        "name-with-edge-zero-width",
        write("edge.csv", "name\r\n\u200bBarset\ufeff\r\n".encode()),
        "",
        imported=1,
        check=names("Barset"),
    ),
    Case(
        "ten-thousand-columns-with-name",
        write("wide.csv", lambda: csv_bytes([MANY_COLUMNS, ["A", *(["v"] * 9_999)]])),
        "",
        imported=1,
    ),
    Case(
        "xlsx-declares-a-million-rows",
        write(
            "tall.xlsx",
            xlsx_with_sheet(
                sheet_xml(
                    f'<row r="1">{text_cell("A1", "name")}</row><row r="2">{text_cell("A2", "A")}</row>'
                    f'<row r="1048576">{text_cell("A1048576", "Z")}</row>',
                    dimension="A1:XFD1048576",
                )
            ),
        ),
        "",
        imported=2,
        check=names("A", "Z"),
    ),
    Case("xlsx-two-sheets", write("two.xlsx", two_sheets), "", imported=1, check=names("A")),
    Case(
        "xlsx-cached-formula-and-boolean",
        write(
            "cached.xlsx", header_and('<c r="A2" t="b"><v>1</v></c><c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>')
        ),
        "",
        imported=1,
        check=notes_of("TRUE", "ab"),
    ),
    Case(
        "xlsx-hyperlink-text",
        write(
            "link.xlsx",
            header_and(text_cell("A2", '=HYPERLINK("http://x","y")') + text_cell("B2", "'=cmd|' /C calc'!A0")),
        ),
        "",
        imported=1,
        check=notes_of('=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0"),
    ),
    Case(
        "xlsx-value-far-right-without-heading",
        write(
            "far.xlsx",
            xlsx_with_sheet(
                sheet_xml(
                    f'<row r="1">{text_cell("A1", "name")}</row>'
                    f'<row r="2">{text_cell("A2", "A")}{text_cell("XFD2", "far")}</row>'
                )
            ),
        ),
        "",
        imported=1,
    ),
]


def counts(services: Services) -> tuple[int, ...]:
    actions = services.actions.list()
    return (
        len(services.organisations.list()),
        len(services.needs.list()),
        len(actions),
        sum(len(services.progress.history(action.id)) for action in actions),
        len(services.funding.allocations()),
    )


def workspace_counts(path: Path) -> tuple[int, ...]:
    opened = Services.open(path, create_missing=False)
    try:
        return counts(opened)
    finally:
        opened.close()


def assert_one_sentence(message: str) -> None:
    assert message and "\n" not in message, message
    assert message.endswith("."), message
    assert "unexpected problem" not in message and "Traceback" not in message, message
    assert len(message) < 400, message


@pytest.mark.timeout(20)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_malformed_file_is_refused_cleanly_or_imported_correctly(
    case: Case, services: Services, tmp_path: Path
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    path = case.make(folder)
    before = counts(services)
    started = time.monotonic()

    if not case.imported:
        with pytest.raises(ImportFileError) as raised:
            import_file(services, case.kind, path)
        error = raised.value
        assert_one_sentence(str(error))
        everything = " ".join([str(error), *error.row_errors])
        assert case.message in everything
        assert len(error.row_errors) == len(case.row_errors), error.row_errors
        for line, start in zip(error.row_errors, case.row_errors, strict=True):
            assert line.startswith(start), line
            assert "\n" not in line and line.endswith("."), line
        assert counts(services) == before  # nothing written
        if error.row_errors and not str(error).startswith("The header row"):
            assert preview(services, case.kind, path).row_errors == tuple(error.row_errors)
            assert counts(services) == before
    else:
        report = import_file(services, case.kind, path)
        assert sum(report.created.values()) == case.imported
        assert all("\n" not in warning and len(warning) < 2000 for warning in report.warnings), report.warnings
        if case.check is not None:
            case.check(services)
    # A crafted file (a zip bomb, a billion laughs) must not keep the import busy for minutes: a bound far above
    # any honest file's seconds, so that a loaded machine does not fail it.
    assert time.monotonic() - started < 120


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 60


# --------------------------------------------------------------------------- the command line


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("case_id", "first_line"),
    [
        ("fifo", "is a named pipe, not a file"),
        ("dev-zero-symlink", "is a device, not a file"),
        ("xlsx-zip-bomb", "zip bomb"),
        ("rows-with-another-delimiter", "2 rows of mixed.csv cannot be imported; nothing was written."),
        ("nul-in-cell", "1 row of nul.csv cannot be imported; nothing was written."),
        ("xlsx-error-ref", "1 row of ref.xlsx cannot be imported; nothing was written."),
        ("csv-budget-1e30", "1 row of plan.csv cannot be imported; nothing was written."),
    ],
)
def test_command_line_refuses_with_plain_sentences(
    case_id: str, first_line: str, tmp_path: Path, workspace_path: Path
) -> None:
    case = next(case for case in CASES if case.id == case_id)
    folder = tmp_path / "files"
    folder.mkdir()
    path = case.make(folder)
    snapshot = workspace_counts(workspace_path)

    result = run_locality("import", "--db", str(workspace_path), "--kind", case.kind, str(path), timeout=45)

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "unexpected problem" not in result.stderr
    lines = result.stderr.splitlines()
    assert first_line in lines[0]
    assert lines[0].endswith(".")
    assert len(lines) == 1 + len(case.row_errors)
    assert all(line.startswith("row ") for line in lines[1:])
    assert workspace_counts(workspace_path) == snapshot  # nothing written


# --------------------------------------------------------------------------- zip bombs: time and memory


MEASURE = textwrap.dedent(
    """
    import resource, sys, time
    from pathlib import Path
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from locality.domain.errors import ImportFileError
    from locality.exchange.reading import read_table
    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        read_table(Path(sys.argv[1]))
    except ImportFileError as error:
        print("refused:", error)
    print("seconds:", time.monotonic() - started)
    print("grew-kb:", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - imported)
    """
)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "case_id",
    ["xlsx-zip-bomb", "xlsx-lying-zip-bomb", "xlsx-lying-styles-bomb", "xlsx-billion-laughs", "dev-zero-symlink"],
)
def test_bombs_are_refused_fast_and_small(case_id: str, tmp_path: Path) -> None:
    case = next(case for case in CASES if case.id == case_id)
    path = case.make(tmp_path)
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}

    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=50, env=environment
    )

    assert result.returncode == 0, result.stderr
    found = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert "refused" in found
    assert float(found["seconds"]) < 1.0
    assert int(found["grew-kb"]) < 64 * 1024  # ru_maxrss is in kilobytes on Linux: under 64 MB more
