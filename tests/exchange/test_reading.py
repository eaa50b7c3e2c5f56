"""Reading import files: what counts as a file, text, a row and a cell, and how repeated warnings are folded.

The malformed-file corpus in tests/reliability/test_malformed_files.py imports each hostile file end to end; these
tests pin the reader's rules one by one (files are written by the tests themselves).
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from locality.domain.errors import ImportFileError
from locality.exchange import file_access, import_table, read_csv, read_xlsx
from locality.exchange.file_access import check_file
from locality.exchange.import_table import OddCell
from locality.exchange.importing import collapse_warnings, import_file
from locality.exchange.reading import read_table
from locality.services.registry import Services


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def problems(path: Path) -> dict[int, tuple[str, ...]]:
    return {row.number: row.problems for row in read_table(path).rows if row.problems}


# --------------------------------------------------------------------------- the file itself


@pytest.mark.timeout(10)
def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    # Opening a FIFO for reading blocks until a writer comes; the check must not open it at all.
    with pytest.raises(ImportFileError, match="is a named pipe, not a file"):
        check_file(pipe)
    with pytest.raises(ImportFileError, match="is a named pipe, not a file"):
        read_table(pipe)


@pytest.mark.timeout(10)
def test_a_fifo_swapped_in_after_the_check_is_opened_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(ImportFileError, match="is a named pipe, not a file"):
        file_access.open_regular(pipe)


def test_a_link_is_followed_to_what_it_points_at(tmp_path: Path) -> None:
    target = write(tmp_path / "real.csv", b"name\r\nA\r\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert read_table(link).rows[0].cells == ("A",)

    device = tmp_path / "zero.csv"
    device.symlink_to("/dev/zero")
    with pytest.raises(ImportFileError, match="is a device, not a file"):
        read_table(device)


def test_reading_stops_at_the_cap_whatever_the_size_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "big.csv", b"name\r\n" + b"A\r\n" * 100)
    monkeypatch.setattr(read_csv, "CSV_BYTE_LIMIT", 50)
    with pytest.raises(ImportFileError, match="larger than the 0 MB Locality imports"):
        read_csv.read_csv(path)  # past check_file, as if the file grew after it was checked


# --------------------------------------------------------------------------- CSV text


@pytest.mark.parametrize(
    ("data", "expected", "encoding"),
    [
        ("name\r\nCafé £5\r\n".encode(), "Café £5", "UTF-8"),
        ("\ufeffname\r\nCafé\r\n".encode(), "Café", "UTF-8"),
        ("name\r\nCafé £5 – “quoted”\r\n".encode("cp1252"), "Café £5 – “quoted”", "Windows-1252"),
        ("name\r\nCafé\r\n".encode("utf-16"), "Café", "UTF-16"),
    ],
)
def test_text_is_decoded_as_its_bytes_say(data: bytes, expected: str, encoding: str) -> None:
    text, found = read_csv._decoded("x.csv", data)
    assert found == encoding
    assert text.splitlines()[1] == expected


def test_utf8_with_broken_bytes_is_not_read_as_windows_1252(tmp_path: Path) -> None:
    """One valid UTF-8 sequence is enough to know the file is UTF-8: the broken row is named, not misread."""
    path = write(tmp_path / "x.csv", "name\r\nCafé\r\n".encode() + b"Caf\xe9\r\n")
    table = read_table(path)
    assert table.rows[0].cells == ("Café",) and not table.rows[0].problems
    assert table.rows[1].number == 3 and "not valid UTF-8" in table.rows[1].problems[0]


def test_a_windows_1252_file_with_an_undefined_byte_names_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", b"name,notes\r\nCaf\xe9,ok\r\nB,a\x8fb\r\n")
    assert read_table(path).rows[0].cells == ("Café", "ok")
    assert problems(path) == {
        3: (
            'Column B ("notes") holds a byte (0x8F) that is not a character in Windows-1252 text; save the file as '
            "CSV UTF-8 and import it",
        )
    }


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f", "\x80", "\x9f"])
def test_control_characters_are_a_row_problem(tmp_path: Path, character: str) -> None:
    path = write(tmp_path / "x.csv", f"name,notes\r\nA,x{character}y\r\n".encode())
    (found,) = problems(path)[2]
    assert found.startswith('Column B ("notes") holds a')


def test_tabs_and_quoted_line_breaks_are_text(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", b'name,notes\r\nA,"one\ttwo\r\nthree"\r\nB,x\r\n')
    table = read_table(path)
    assert [(row.number, row.cells, row.problems) for row in table.rows] == [
        (2, ("A", "one\ttwo\r\nthree"), ()),
        (3, ("B", "x"), ()),
    ]


def test_mostly_control_bytes_or_utf16_without_a_mark_is_not_text() -> None:
    with pytest.raises(ImportFileError, match="is not a CSV text file"):
        read_csv._decoded("x.csv", bytes(range(32)) * 10)
    with pytest.raises(ImportFileError, match="UTF-16 text without a byte-order mark"):
        read_csv._decoded("x.csv", "name\r\nA\r\n".encode("utf-16-be"))


# --------------------------------------------------------------------------- CSV shape


def test_trailing_empty_cells_and_short_rows_are_fine(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", b"name,short_name,notes,,\r\nA,B,C,,\r\nD\r\nE,,,,,,\r\n")
    table = read_table(path)
    assert table.header == ("name", "short_name", "notes")
    assert [(row.cells, row.problems) for row in table.rows] == [
        (("A", "B", "C"), ()),
        (("D",), ()),
        (("E", "", ""), ()),
    ]


def test_a_row_longer_than_the_header_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", b"name,notes\r\nA,x\r\nB,Smith, John\r\n")
    assert problems(path) == {
        3: ('It has 3 values but the header row has 2 columns; a value holding "," must be in double quotes',)
    }


def test_rows_saved_with_another_delimiter_are_a_problem(tmp_path: Path) -> None:
    every = write(tmp_path / "every.csv", b"name,notes\r\nA;x\r\nB;y\r\n")
    assert set(problems(every)) == {2, 3}
    assert "seems to be separated by semicolons" in problems(every)[2][0]

    # One row of one value holding a semicolon among proper rows is a name with a semicolon in it...
    one = write(tmp_path / "one.csv", b"name,notes\r\nTraining; phase 2\r\nB,y\r\n")
    assert problems(one) == {}
    # ...unless it splits into exactly as many pieces as the header has (three or more) columns.
    three = write(tmp_path / "three.csv", b"name,short_name,notes\r\nA;B;C\r\nD,E,F\r\n")
    assert set(problems(three)) == {2}


def test_quote_problems_are_on_the_row_where_the_quote_opens(tmp_path: Path) -> None:
    unclosed = write(tmp_path / "u.csv", b'name,notes\r\nA,x\r\n\r\nB,"y\r\nC,z\r\n')
    assert list(problems(unclosed)) == [4]
    assert "never closed" in problems(unclosed)[4][0]

    merged = write(tmp_path / "m.csv", b'name,notes\r\n"A,x\r\nB,"y"\r\nC,z\r\n')
    table = read_table(merged)
    assert [(row.number, bool(row.problems)) for row in table.rows] == [(2, True), (3, False)]


def test_a_header_with_a_control_character_is_refused_with_its_row(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", b"name\x00,notes\r\nA,x\r\n")
    with pytest.raises(ImportFileError) as raised:
        read_table(path)
    assert str(raised.value) == "The header row of x.csv cannot be read; nothing was written."
    assert raised.value.row_errors == [
        "row 1: Column A holds a NUL character, which text cannot hold; the file may be damaged."
    ]


def test_row_and_value_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_table, "MAX_ROWS", 3)
    monkeypatch.setattr(read_csv, "MAX_ROWS", 3)
    tall = write(tmp_path / "tall.csv", b"name\r\nA\r\nB\r\nC\r\nD\r\n")
    with pytest.raises(ImportFileError, match="has more than 3 rows"):
        read_table(tall)
    monkeypatch.setattr(read_csv, "MAX_VALUES", 5)
    wide = write(tmp_path / "wide.csv", b"name,a,b\r\nA,,\r\nB,,\r\n")
    with pytest.raises(ImportFileError, match="has more than 5 values"):
        read_table(wide)


# --------------------------------------------------------------------------- XLSX


def test_workbook_cells_are_read_as_values(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "when", "share", "count", "flag", "formula"])
    sheet.append(["A", date(2008, 4, 1), 0.5, 12, True, "'=1+1"])
    sheet["C2"].number_format = "0%"
    sheet.append([None, None, None, None, None, None])
    sheet.append(["B"])
    book.save(tmp_path / "x.xlsx")

    table = read_table(tmp_path / "x.xlsx")

    assert table.header == ("name", "when", "share", "count", "flag", "formula")
    assert [(row.number, row.cells) for row in table.rows] == [
        (2, ("A", date(2008, 4, 1), 50, 12, "TRUE", "=1+1")),
        (4, ("B", None, None, None, None, None)),
    ]


def test_an_odd_cell_is_kept_for_its_row_not_a_damaged_workbook(tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", [["name", "notes"], ["A", "x"], ["B", "y"]])
    data = path.read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = part.index(b'<c r="B3"')
                end = part.index(b"</c>", start) + 4
                part = part[:start] + b'<c r="B3" t="e"><v>#N/A</v></c>' + part[end:]
            target.writestr(info, part)
    path.write_bytes(buffer.getvalue())

    rows = read_table(path).rows

    assert rows[0].cells == ("A", "x")
    assert rows[1].cells == ("B", OddCell("B", "holds the error #N/A; correct it in the workbook"))


def test_values_without_a_heading_are_one_warning(tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", [["name", None, "notes"], ["A", "x", "y", "z", "w"], ["B", "", "", "", "v"]])
    table = read_table(path)
    assert table.warnings == ("Columns B, D and E have values but no heading, so they were ignored.",)
    assert table.rows[0].cells == ("A", "x", "y")


def test_zip_caps_are_checked_from_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook(tmp_path / "x.xlsx", [["name"], ["A"]])
    monkeypatch.setattr(read_xlsx, "XLSX_UNPACKED_LIMIT", 1000)
    with pytest.raises(ImportFileError, match="zip bomb"):
        read_table(path)


def test_a_workbook_compressed_otherwise_than_excel_does_is_refused(tmp_path: Path) -> None:
    source = zipfile.ZipFile(workbook(tmp_path / "x.xlsx", [["name"], ["A"]]))
    path = tmp_path / "bzip.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    with pytest.raises(ImportFileError, match="compressed in a way Excel does not use"):
        read_table(path)


def test_many_zip_parts_are_refused_before_the_directory_is_read(tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as target:
        for index in range(read_xlsx.XLSX_MAX_PARTS + 1):
            target.writestr(f"p{index}", b"")
    with pytest.raises(ImportFileError, match="far more parts than a workbook has"):
        read_table(path)


def test_twenty_thousand_workbook_rows_are_all_read_with_their_row_numbers(tmp_path: Path) -> None:
    # How fast is measured by benchmarks/bench_import.py, not here: a loaded machine made a timed test fail.
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["title", "description", "start", "percent_complete", "budget"])
    for index in range(20_000):
        sheet.append([f"Action {index}", "Words " * 20, date(2008, 4, 1), 10, 1234.5])
    book.save(tmp_path / "x.xlsx")
    table = read_table(tmp_path / "x.xlsx")

    assert len(table.rows) == 20_000 and table.rows[-1].number == 20_001


# --------------------------------------------------------------------------- warnings


def test_repeated_warnings_collapse_in_order() -> None:
    warnings = [
        "Only the first sheet was read.",
        *[f"Row {number}: the funding source was not recorded." for number in range(2, 3002)],
        *["Something odd." for _ in range(3_000)],
        "Row 7: something else.",
    ]
    assert collapse_warnings(warnings) == (
        "Only the first sheet was read.",
        "Rows 2, 3, 4, 5, 6 and 2,995 more: the funding source was not recorded.",
        "Something odd. (repeated 3,000 times)",
        "Row 7: something else.",
    )
    assert collapse_warnings(["Row 2: x.", "Row 9: x."]) == ("Rows 2 and 9: x.",)


def test_an_import_reports_thousands_of_repeats_in_a_line_or_two(services: Services, tmp_path: Path) -> None:
    source = services.vocabulary.funding_sources()[0].name
    header = ["title", "funding_source", *(["foo"] * 3_000)]
    lines = [",".join(header)] + [f"Action {index},{source}" for index in range(3_000)]
    path = write(tmp_path / "plan.csv", ("\r\n".join(lines) + "\r\n").encode())

    report = import_file(services, "actions", path)

    assert report.count("actions") == 3_000
    assert len(report.warnings) == 2
    assert report.warnings[0].startswith('The "foo" (3,000 times) columns are not read by an import of actions')
    assert report.warnings[1].startswith("Rows 2, 3, 4, 5, 6 and 2,995 more: the funding source was not recorded")


def test_unknown_headings_are_listed_at_most_ten_and_shortened(services: Services, tmp_path: Path) -> None:
    header = ["name", *(f"extra {index} {'x' * 100}" for index in range(25))]
    path = write(tmp_path / "x.csv", (",".join(header) + "\r\nA\r\n").encode())
    (warning,) = import_file(services, "organisations", path).warnings
    assert "15 more" in warning and len(warning) < 1000


# --------------------------------------------------------------------------- through the import


def test_an_odd_cell_in_a_column_not_read_is_ignored(services: Services, tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", [["name", "phone"], ["A", "=1/0"]])  # a formula without a saved result
    report = import_file(services, "organisations", path)
    assert report.count("organisations") == 1


def test_rows_the_reader_found_bad_are_reported_and_nothing_is_written(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", b"name,notes\r\nA,x\r\nB,x\x07\r\nC,y,z\r\n")
    with pytest.raises(ImportFileError) as raised:
        import_file(services, "organisations", path)
    assert str(raised.value) == "2 rows of x.csv cannot be imported; nothing was written."
    assert [line[:6] for line in raised.value.row_errors] == ["row 3:", "row 4:"]
    assert services.organisations.list() == []


def test_numbers_out_of_range_in_a_workbook_name_the_row(services: Services, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "x.xlsx",
        [
            ["title", "budget", "percent_complete", "start"],
            ["One", 1e30, 10, date(2008, 4, 1)],
            ["Two", -1.5, 1e30, None],
            ["Three", 2**70, 50, None],
            ["Four", 10.005, 50.0, date(2008, 4, 2)],
        ],
    )
    with pytest.raises(ImportFileError) as raised:
        import_file(services, "actions", path)
    first, second, third = raised.value.row_errors
    assert first == 'row 2: Budget: "1e+30" is too large an amount to store.'
    assert second.startswith('row 3: Budget: The amount cannot be negative ("-1.5").')
    assert "Percent complete must be between 0 and 100." in second
    assert third.startswith("row 4: Budget:") and "too large an amount to store" in third


def test_a_workbook_date_out_of_the_plausible_years_names_the_row(services: Services, tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", [["title", "start"], ["One", date(1066, 10, 14)]])
    with pytest.raises(ImportFileError) as raised:
        import_file(services, "actions", path)
    assert raised.value.row_errors == [
        "row 2: Column B (start) holds the date 1066-10-14, whose year is not from 1900 to 2999."
    ]


def test_a_name_of_invisible_characters_is_empty(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "name,notes\r\n\u200b\u200b,x\r\n\ufeff ,y\r\nReal,z\r\n".encode())
    with pytest.raises(ImportFileError) as raised:
        import_file(services, "organisations", path)
    assert raised.value.row_errors == ["row 2: Name cannot be empty.", "row 3: Name cannot be empty."]
