"""File › Board report…: from the menu, choose a file, write the board's exception report in the background, and
find it written."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from locality.app import build_main_window
from locality.services.demo import generate_demo
from locality.ui.board_report_dialog import BoardReportDialog
from locality.ui.forms import find_data
from tests.ui.helpers import when_shown


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    generate_demo(built.services.context, size="small", seed=2)
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()


def test_the_menu_item_writes_the_board_report(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file_menu = window.menuBar().actions()[0].menu()
    assert window.board_report_action in file_menu.actions()
    target = tmp_path / "board.docx"

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, BoardReportDialog)
        dialog.format.setCurrentIndex(find_data(dialog.format, "docx"))
        dialog.target.setText(str(target))
        dialog.write_button.click()  # written in the background, with progress and Cancel

    filled = when_shown(BoardReportDialog, fill_in)
    answered = when_shown(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Close).click())
    window.board_report_action.trigger()  # returns once the dialog has closed

    filled.check()
    answered.check()
    assert target.exists() and target.stat().st_size > 0
    assert "Saved the board report" in window.statusBar().currentMessage()
    import docx

    assert "Board exception report" in [p.text for p in docx.Document(str(target)).paragraphs]


def test_a_missing_folder_or_a_workspace_is_refused_beside_the_field(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = BoardReportDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.target.setText(str(tmp_path / "no-such-folder" / "board.pdf"))
    dialog.write()
    assert "does not exist" in dialog.form.error_text("target")
    dialog.target.setText(str(window.services.context.workspace.path))
    dialog.write()
    assert "workspace" in dialog.form.error_text("target")
    assert dialog.work is None
