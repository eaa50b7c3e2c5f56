"""What the app remembers between sessions: window size, recent workspaces, table sort, and who the user is."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from locality.app import build_main_window
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.store.models import ChangeLogRecord
from locality.ui.main_window import UserDialog
from locality.ui.settings import AppSettings
from tests.ui.helpers import when_dialog_opens


def test_window_size_is_remembered(qtbot, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = build_main_window(str(workspace_path))
    qtbot.addWidget(first)
    first.show()
    first.resize(1011, 655)
    first.close()
    second = build_main_window(str(workspace_path))
    qtbot.addWidget(second)
    second.show()
    # The offscreen test screen is 800 pixels wide, so Qt fits a restored width to it; the height is kept.
    assert second.height() == 655
    second.close()


def test_recent_workspaces_are_offered(qtbot, workspace_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "laptop.locality"
    shutil.copyfile(workspace_path, other)
    window = build_main_window(str(workspace_path))
    qtbot.addWidget(window)
    assert window.open_workspace(str(other))
    assert window.services.location == str(other)
    recent = [action.text() for action in window.recent_menu.actions()]
    assert recent == [str(workspace_path)]
    window.recent_menu.actions()[0].trigger()
    assert window.services.location == str(workspace_path)
    window.close()
    assert AppSettings().last_workspace() == str(workspace_path)


def test_table_sort_is_remembered(qtbot, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = build_main_window(str(workspace_path))
    qtbot.addWidget(window)
    for name in ("Alpha Housing", "Zeta Police"):
        window.services.organisations.create(OrganisationDraft(name=name))
    page = window.show_page("organisationsPage")
    window.show()
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert page.model.row_at(0).name == "Zeta Police"
    window.close()
    again = build_main_window(str(workspace_path))
    qtbot.addWidget(again)
    page = again.show_page("organisationsPage")
    again.show()
    assert page.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert page.model.row_at(0).name == "Zeta Police"
    again.close()


def test_the_users_name_is_asked_once_and_written_on_changes(qtbot, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = build_main_window(str(workspace_path))
    qtbot.addWidget(window)
    window.services.organisations.create(OrganisationDraft(name="Westshire County Council"))
    window.services.organisations.create(OrganisationDraft(name="Westshire Constabulary"))

    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, UserDialog)
        dialog.name.setText("Priya Shah")
        choices = [dialog.organisation.itemText(index) for index in range(dialog.organisation.count())]
        assert choices == ["(not set)", "Westshire Constabulary", "Westshire County Council"]
        dialog.organisation.setCurrentIndex(2)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    failure = when_dialog_opens(answer)
    window.ask_user()
    failure.check()
    assert AppSettings().user() == User("Priya Shah", "Westshire County Council")
    window.services.organisations.create(OrganisationDraft(name="Westshire Youth Forum"))
    with window.services.context.workspace.reading() as unit:
        entry = unit.list(ChangeLogRecord)[-1]
        assert (entry.author, entry.author_organisation) == ("Priya Shah", "Westshire County Council")
    window.close()
    later = build_main_window(str(workspace_path))
    qtbot.addWidget(later)
    assert later.services.context.user.name == "Priya Shah", "not asked again"
    later.close()


def test_a_name_is_required(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = UserDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "name" in dialog.form.error_text("name").lower()


def test_an_organisation_from_another_workspace_stays_choosable_and_is_marked(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = UserDialog(User("Sam Okafor", "Eastshire Fire"), None, ["Westshire County Council"])
    qtbot.addWidget(dialog)
    assert dialog.organisation.currentText() == "Eastshire Fire (not in this partnership)"
    assert dialog.user() == User("Sam Okafor", "Eastshire Fire")
    dialog.organisation.setCurrentIndex(1)
    assert dialog.user() == User("Sam Okafor", "Westshire County Council")
