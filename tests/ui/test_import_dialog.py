"""File › Import: the dialog shows the column mapping, the rows and every bad row before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from locality.app import build_main_window
from locality.ui.forms import find_data
from locality.ui.import_dialog import ImportDialog


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()


def open_dialog(qtbot, window, kind: str, path: Path) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = ImportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(find_data(dialog.kind, kind))
    dialog.path.setText(str(path))
    dialog.check()
    qtbot.waitUntil(lambda: dialog.work is not None and dialog.work.finished, timeout=10_000)
    return dialog


def test_a_good_file_is_previewed_then_imported(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "partners.csv"
    path.write_text(
        "Name;Short Name;Type;Sector;Fax\n"
        "Westshire County Council;WCC;County council;Public;01234\n"
        "Westshire Constabulary;Police;Police;Public;\n",
        encoding="utf-8-sig",
    )
    dialog = open_dialog(qtbot, window, "organisations", path)
    mapping = {dialog.mapping.item(row, 0).text(): dialog.mapping.item(row, 1).text() for row in range(4)}
    assert mapping["Short Name"] == "short_name"
    assert dialog.mapping.item(4, 1).text() == "(ignored)", "an unknown column is shown as ignored"
    assert dialog.rows.rowCount() == 2
    assert "2 organisations" in dialog.summary.text()
    assert window.services.organisations.list() == [], "nothing written by checking"
    assert dialog.import_button.isEnabled()

    dialog.run_import()
    qtbot.waitUntil(lambda: dialog.work.finished, timeout=10_000)
    assert {o.name for o in window.services.organisations.list()} == {
        "Westshire County Council",
        "Westshire Constabulary",
    }
    page = window.show_page("organisationsPage")
    qtbot.waitUntil(lambda: page.model.total() == 2, timeout=5000)


def test_bad_rows_are_listed_and_nothing_can_be_imported(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "partners.csv"
    path.write_text(
        "name,type\nWestshire Fire and Rescue,Fire and rescue\nWestshire Bank,Bank\n,Police\n", encoding="utf-8"
    )
    dialog = open_dialog(qtbot, window, "organisations", path)
    errors = [dialog.errors.item(row).text() for row in range(dialog.errors.count())]
    assert any(line.startswith("row 3:") and "Bank" in line for line in errors), errors
    assert any(line.startswith("row 4:") for line in errors), errors
    assert not dialog.import_button.isEnabled()
    assert "Nothing has been written" in dialog.summary.text()
    assert window.services.organisations.list() == []


def test_a_file_that_is_not_a_spreadsheet_gets_one_sentence(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "minutes.docx"
    path.write_bytes(b"PK\x03\x04 not a spreadsheet")
    dialog = open_dialog(qtbot, window, "needs", path)
    assert dialog.summary.text()
    assert "\n" not in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
