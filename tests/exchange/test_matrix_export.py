"""Exporting the needs matrix: the workbook and CSV read back as the matrix shows it, formulas neutralised,
filters respected, and a failing or cancelled write leaves an existing file as it was."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from locality.domain.errors import ValidationError
from locality.domain.vocabulary import NeedRole, Priority
from locality.exchange import matrix_export
from locality.exchange.matrix_export import export_matrix, write_matrix
from locality.services.needs import NeedDraft
from locality.services.needs_map import MatrixFilter
from locality.services.plan import ExportCancelled
from locality.services.registry import Services

FIXED = len(matrix_export.NEED_COLUMNS)


def _formula_need(services: Services) -> None:
    organisation = services.needs_map.matrix().organisations[0]
    created = services.needs.create(NeedDraft(title='=HYPERLINK("http://example.invalid")', area="+44 area"))
    services.needs_map.link(created.id, organisation.id, NeedRole.LEAD, Priority.HIGH)


def test_xlsx_reads_back(demo_services: Services, tmp_path: Path) -> None:
    _formula_need(demo_services)
    target = tmp_path / "matrix.xlsx"
    reports: list[tuple[int, int]] = []
    count = export_matrix(demo_services, MatrixFilter(), target, progress=lambda d, t: reports.append((d, t)))
    matrix = demo_services.needs_map.matrix()
    assert count == len(matrix.needs) == 41
    assert reports[-1] == (41, 41)

    book = openpyxl.load_workbook(target)
    sheet = book.active
    assert sheet.title == "Needs matrix"
    assert sheet.freeze_panes == "B2"  # header row and need title column stay in view
    assert sheet.auto_filter.ref == f"A1:{matrix_export.column_letter(FIXED + len(matrix.organisations))}42"
    header = [cell.value for cell in sheet[1]]
    assert header[:FIXED] == [title for title, _width in matrix_export.NEED_COLUMNS]
    assert header[FIXED:] == [organisation.name for organisation in matrix.organisations]

    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [
        "'" + need.title if need.title.startswith("=") else need.title for need in matrix.needs
    ]
    for row, need in zip(rows, matrix.needs, strict=True):
        assert row[5] == need.organisation_count and row[6] == need.action_count
        for offset, organisation in enumerate(matrix.organisations):
            link = matrix.link(need.id, organisation.id)
            assert row[FIXED + offset] == (link.long_text if link else None)
    formula_row = next(row for row in rows if row[0].startswith("'="))
    assert formula_row[4] == "'+44 area"
    assert "Lead (severity 3)" in formula_row
    assert sheet.cell(row=1, column=1).font.bold


def test_csv_reads_back_with_bom_and_neutralised_cells(demo_services: Services, tmp_path: Path) -> None:
    _formula_need(demo_services)
    target = tmp_path / "matrix.csv"
    export_matrix(demo_services, MatrixFilter(shared_only=True), target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    matrix = demo_services.needs_map.matrix(MatrixFilter(shared_only=True))
    assert len(rows) == len(matrix.needs) + 1  # the filter is respected
    assert all(int(row[5]) >= 2 for row in rows[1:])
    first = rows[1]
    need = matrix.needs[0]
    assert first[0] == need.title and first[5] == str(need.organisation_count)
    links = [cell for cell in first[FIXED:] if cell]
    assert len(links) == need.organisation_count
    assert all(cell.split(" (")[0] in {"Lead", "Raised by", "Shares"} for cell in links)

    everything = tmp_path / "all.csv"
    export_matrix(demo_services, MatrixFilter(), everything)
    with open(everything, encoding="utf-8-sig", newline="") as handle:
        titles = [row[0] for row in csv.reader(handle)]
    assert '\'=HYPERLINK("http://example.invalid")' in titles
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_failing_write_leaves_the_existing_file(
    demo_services: Services, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matrix_export, "_BATCH", 10)  # reports (and so fails) part-way through the 40 needs
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / f"matrix.{suffix}"
    target.write_bytes(b"the previous export")
    matrix = demo_services.needs_map.matrix()

    def fail(done: int, total: int) -> None:
        if done < total:
            raise OSError(28, "No space left on device")

    with pytest.raises(Exception):  # noqa: B017 - whatever the failure, the file must be untouched
        write_matrix(matrix, target, progress=fail)
    assert target.read_bytes() == b"the previous export"
    assert [path.name for path in folder.iterdir()] == [target.name]  # no temporary file left behind

    with pytest.raises(ExportCancelled):
        write_matrix(matrix, target, cancelled=lambda: True)
    assert target.read_bytes() == b"the previous export"


def test_only_xlsx_and_csv(demo_services: Services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=".xlsx or .csv"):
        export_matrix(demo_services, MatrixFilter(), tmp_path / "matrix.pdf")
    assert not (tmp_path / "matrix.pdf").exists()


def test_an_empty_matrix_still_makes_a_valid_workbook(services: Services, tmp_path: Path) -> None:
    target = tmp_path / "empty.xlsx"
    assert export_matrix(services, MatrixFilter(), target) == 0
    sheet = openpyxl.load_workbook(target).active
    assert [cell.value for cell in sheet[1]][:1] == ["Need"]
    assert sheet.max_row == 1
