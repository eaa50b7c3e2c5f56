"""File › Export: choose the options, preview, and write the plan in the background."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from locality.app import build_main_window
from locality.services.demo import generate_demo
from locality.ui.export_dialog import ExportDialog
from locality.ui.forms import find_data
from tests.ui.helpers import answer_message_box


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    generate_demo(built.services.context, size="small", seed=2)
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()


def test_preview_shows_the_plan(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_preview()  # built in the background, with progress and Cancel
    qtbot.waitUntil(lambda: "Joint action plan" in dialog.preview.toPlainText(), timeout=10_000)
    text = dialog.preview.toPlainText()
    assert "Joint action plan" in text
    assert window.services.workspace.details().partnership_name in text


def test_a_partner_extract_is_written_in_the_background(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    dialog = ExportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format.setCurrentIndex(find_data(dialog.format, "xlsx"))
    partner = dialog.organisations.item(0)
    partner.setCheckState(Qt.CheckState.Checked)
    target = tmp_path / "extract.xlsx"
    dialog.target.setText(str(target))
    answer_message_box(QMessageBox.StandardButton.Close)
    dialog.export()
    qtbot.waitUntil(lambda: dialog.work is not None and dialog.work.finished, timeout=20_000)
    qtbot.waitUntil(lambda: dialog.written == target, timeout=5000)
    workbook = openpyxl.load_workbook(target, read_only=True)
    assert "Actions" in workbook.sheetnames
    cover = " ".join(str(cell) for row in workbook["Cover"].iter_rows(values_only=True) for cell in row if cell)
    assert partner.text() in cover


def test_a_missing_folder_or_a_workspace_is_refused_beside_the_field(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.target.setText(str(tmp_path / "no-such-folder" / "plan.docx"))
    dialog.export()
    assert "does not exist" in dialog.form.error_text("target")
    workspace = window.services.context.workspace.path
    size = workspace.stat().st_size
    dialog.target.setText(str(workspace))  # the plan must never replace the workspace it came from
    dialog.export()
    assert "workspace" in dialog.form.error_text("target")
    assert dialog.work is None
    assert workspace.stat().st_size == size


def test_the_update_sheet_needs_exactly_one_organisation(qtbot, window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    dialog = ExportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.write_update_sheet()
    assert "one organisation" in dialog.form.error_text("organisations")
    dialog.organisations.item(0).setCheckState(Qt.CheckState.Checked)
    target = tmp_path / "update.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kwargs: (str(target), "*.xlsx"))
    answer_message_box(QMessageBox.StandardButton.Close)
    dialog.write_update_sheet()
    qtbot.waitUntil(lambda: dialog.written == target, timeout=20_000)
    assert target.exists()


def test_cancelling_a_preview_leaves_the_preview_empty_and_says_nothing(qtbot, window, shown_warnings) -> None:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_preview()
    dialog.work.cancel()  # the user presses Cancel on the progress dialog
    qtbot.waitUntil(lambda: dialog.work.finished, timeout=10_000)
    if dialog.work.error is not None:  # cancelled before the plan was built
        assert dialog.preview.toPlainText() == ""
    assert shown_warnings == []


def test_the_update_sheet_suggests_a_file_name_any_system_accepts(qtbot, window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from locality.services.organisations import OrganisationDraft

    window.services.organisations.create(OrganisationDraft(name="Police / Fire: Joint *Unit*"))
    dialog = ExportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    row = next(
        index
        for index in range(dialog.organisations.count())
        if dialog.organisations.item(index).text().startswith("Police / Fire")
    )
    dialog.organisations.item(row).setCheckState(Qt.CheckState.Checked)
    suggested: list[str] = []

    def choose(_parent, _title, default, _filter):  # type: ignore[no-untyped-def]
        suggested.append(default)
        return "", ""  # the user cancels

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    dialog.write_update_sheet()
    name = Path(suggested[0]).name
    assert name == "Police Fire Joint Unit - progress update.xlsx"
