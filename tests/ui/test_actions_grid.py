"""Spreadsheet habits on the actions page (issue 11 item 9): changing many selected actions at once as one undo
step, editing simple cells in place, choosing which columns show, saved views per workspace, and a title column
that stays in place while the table scrolls sideways."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QSpinBox,
)

from locality.app import build_main_window
from locality.domain.vocabulary import ActionStatus
from locality.services.actions import ActionDraft
from locality.services.bulk_edits import BulkField
from locality.services.organisations import OrganisationDraft
from locality.ui.bulk_edit import BulkEditDialog
from locality.ui.forms import find_data
from tests.ui.helpers import answer_message_box, when_dialog_opens

TITLE, LEAD, OWNER, PARTNERS, STATUS, RAG, DONE, START, DUE = range(9)


def open_window(qtbot: Any, path: Path) -> Any:
    window = build_main_window(str(path))
    window.services.context.today = lambda: date(2008, 6, 1)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    return window


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = open_window(qtbot, workspace_path)
    yield built
    if built.services is not None:
        built.close()


@pytest.fixture
def actions(window):  # type: ignore[no-untyped-def]
    """Four actions, the first three of them planned or in progress, led by the council."""
    organisations = window.services.organisations
    council = organisations.create(OrganisationDraft(name="Westshire County Council"))
    organisations.create(OrganisationDraft(name="Westshire Constabulary"))
    made = {}
    for title, status, start in (
        ("Anti-social behaviour pilot", ActionStatus.PLANNED, date(2008, 4, 1)),
        ("Burglary reduction", ActionStatus.IN_PROGRESS, date(2008, 5, 1)),
        ("Community safety training", ActionStatus.PROPOSED, date(2009, 1, 5)),
        ("Domestic abuse forum", ActionStatus.PLANNED, date(2008, 4, 1)),
    ):
        made[title] = window.services.actions.create(
            ActionDraft(
                title=title,
                status=status,
                start_on=start,
                due_on=date(2009, 3, 31),
                lead_organisation_id=council.id,
            )
        )
    return made


def actions_page(qtbot, window):  # type: ignore[no-untyped-def]
    page = window.show_page("actionsPage")
    qtbot.waitUntil(lambda: not page.loading and page.model.total() > 0)
    return page


def test_the_column_numbers_these_tests_use_are_the_pages(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    titles = [column.title for column in window.show_page("actionsPage").model.columns]
    assert [titles[n] for n in (TITLE, LEAD, OWNER, PARTNERS, STATUS, DONE, DUE)] == [
        "Title",
        "Lead",
        "Owner",
        "Partners",
        "Status",
        "Done",
        "Due",
    ]


def shown(page, column: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the list shows in ``column``, by title."""
    model = page.model
    return {model.index(number, TITLE).data(): model.index(number, column).data() for number in range(model.rowCount())}


def row_of(page, title: str) -> int:  # type: ignore[no-untyped-def]
    number = page.model.index_where(lambda row: row.title == title)
    assert number is not None, title
    return number


def select_titles(page, *titles: str) -> None:  # type: ignore[no-untyped-def]
    selection = page.table.selectionModel()
    selection.clearSelection()
    for title in titles:
        selection.select(
            page.model.index(row_of(page, title), TITLE),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


# --------------------------------------------------------------------------- many actions at once


def test_three_selected_actions_change_status_together_and_one_undo_restores_each(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    chosen = ("Anti-social behaviour pilot", "Burglary reduction", "Community safety training")
    select_titles(page, *chosen)
    assert page.bulk_button.isEnabled()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, BulkEditDialog)
        assert "3 selected actions" in dialog.windowTitle()
        dialog.choose(BulkField.STATUS)
        dialog.status.setCurrentIndex(find_data(dialog.status, ActionStatus.ON_HOLD))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(fill)
    page.bulk_button.click()
    failure.check()

    qtbot.waitUntil(lambda: shown(page, STATUS)["Burglary reduction"] == "On hold")
    statuses = shown(page, STATUS)
    assert [statuses[title] for title in chosen] == ["On hold"] * 3
    assert statuses["Domestic abuse forum"] == "Planned"  # not selected, not changed
    assert window.undo_action.text() == "&Undo change the status of 3 actions"

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: shown(page, STATUS)["Burglary reduction"] == "In progress")
    statuses = shown(page, STATUS)
    assert [statuses[title] for title in chosen] == ["Planned", "In progress", "Proposed"]

    window.redo_action.trigger()
    qtbot.waitUntil(lambda: set(shown(page, STATUS).values()) == {"On hold", "Planned"})


def test_a_due_date_before_one_actions_start_is_refused_naming_it_and_nothing_changes(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    select_titles(page, "Anti-social behaviour pilot", "Community safety training")
    messages: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, BulkEditDialog)
        dialog.choose(BulkField.DUE)
        dialog.due.set_value(date(2008, 12, 31))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert dialog.isVisible()  # refused: the dialog stays open with the reason
        messages.append(dialog.error_text("value"))
        dialog.reject()

    failure = when_dialog_opens(fill)
    page.change_selected()
    failure.check()

    assert messages == [
        "Nothing was changed: for “Community safety training”, the due date cannot be before the start date "
        "(05/01/2009)."
    ]
    assert set(shown(page, DUE).values()) == {"31/03/2009"}
    assert not window.undo_stack.canUndo() or "due date" not in window.undo_stack.undoText()


def test_ctrl_a_selects_every_row_and_the_context_menu_offers_change_selected(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(page.selected_rows()) == 4
    assert page.bulk_button.isEnabled() and not page.edit_button.isEnabled()


def test_ctrl_a_selects_rows_not_loaded_yet(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The list shows rows a batch at a time; select all means all of them, so a bulk change reaches each."""
    for number in range(450):
        window.services.actions.create(ActionDraft(title=f"Action {number:03}"))
    page = actions_page(qtbot, window)
    assert page.model.rowCount() < 450  # only the first batch is loaded
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(page.selected_rows()) == 450


# --------------------------------------------------------------------------- cells edited in place


def editor_of(kind: type) -> Any:
    editor = QApplication.focusWidget()
    assert isinstance(editor, kind), type(editor)
    return editor


def test_status_edited_in_place_with_the_keyboard_is_saved_and_undone(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    action = actions["Burglary reduction"]
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(row_of(page, "Burglary reduction"), STATUS))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    combo = editor_of(QComboBox)
    combo.setCurrentIndex(combo.findText("Completed"))
    qtbot.keyClick(combo, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: window.services.actions.get(action.id).status != ActionStatus.IN_PROGRESS)
    saved = window.services.actions.get(action.id)
    assert saved.status == ActionStatus.COMPLETED and saved.percent_complete == 100  # as the dialog would
    qtbot.waitUntil(lambda: shown(page, STATUS)["Burglary reduction"] == "Completed")
    assert shown(page, DONE)["Burglary reduction"] == "100%"
    assert window.undo_stack.undoText() == "edit action Burglary reduction"
    window.undo_action.trigger()
    assert window.services.actions.get(action.id).status == ActionStatus.IN_PROGRESS
    qtbot.waitUntil(lambda: shown(page, STATUS)["Burglary reduction"] == "In progress")


def test_title_and_percent_edit_in_place_and_esc_cancels(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    action = actions["Domestic abuse forum"]
    frozen = page.table.frozen
    title_cell = frozen.visualRect(page.model.index(row_of(page, "Domestic abuse forum"), TITLE)).center()
    qtbot.mouseClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=title_cell)  # on the frozen column
    assert page.selected_rows()[0].title == "Domestic abuse forum"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F2)
    line = editor_of(QLineEdit)
    assert line.parent() is page.table.frozen.viewport()  # opened where the title shows, on the frozen column
    qtbot.keyClicks(line, "Domestic abuse partnership forum")
    qtbot.keyClick(line, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.table.frozen.state() != page.table.frozen.State.EditingState)
    assert window.services.actions.get(action.id).title == "Domestic abuse forum"
    assert "Domestic abuse forum" in shown(page, TITLE)

    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    line = editor_of(QLineEdit)
    qtbot.keyClicks(line, "Domestic abuse partnership forum")
    qtbot.keyClick(line, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.services.actions.get(action.id).title == "Domestic abuse partnership forum")
    qtbot.waitUntil(lambda: "Domestic abuse partnership forum" in shown(page, TITLE))

    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(row_of(page, "Domestic abuse partnership forum"), DONE))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    spin = editor_of(QSpinBox)
    spin.selectAll()
    qtbot.keyClicks(spin, "35")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.services.actions.get(action.id).percent_complete == 35)
    qtbot.waitUntil(lambda: shown(page, DONE)["Domestic abuse partnership forum"] == "35%")


def test_a_refused_due_date_typed_in_place_is_explained_and_the_old_value_stays(  # type: ignore[no-untyped-def]
    qtbot, window, actions, shown_warnings: list[str]
) -> None:
    page = actions_page(qtbot, window)
    action = actions["Anti-social behaviour pilot"]
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(row_of(page, "Anti-social behaviour pilot"), DUE))
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    line = editor_of(QLineEdit)
    assert line.text() == "31/03/2009"
    line.clear()
    qtbot.keyClicks(line, "01/02/2008")
    qtbot.keyClick(line, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: bool(shown_warnings))
    assert shown_warnings == [
        "“Anti-social behaviour pilot” was not changed. The due date cannot be before the start date."
    ]
    assert window.services.actions.get(action.id).due_on == date(2009, 3, 31)
    assert shown(page, DUE)["Anti-social behaviour pilot"] == "31/03/2009"

    # A date typed day first is saved.
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    line = editor_of(QLineEdit)
    line.clear()
    qtbot.keyClicks(line, "30/06/2009")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.services.actions.get(action.id).due_on == date(2009, 6, 30))


def test_double_click_edits_status_in_place_but_opens_the_action_from_its_title(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    number = row_of(page, "Burglary reduction")
    status_cell = page.table.visualRect(page.model.index(number, STATUS)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=status_cell)
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=status_cell)
    combo = editor_of(QComboBox)
    qtbot.keyClick(combo, Qt.Key.Key_Escape)

    opened: list[str] = []

    def look(dialog: QDialog) -> None:
        opened.append(dialog.windowTitle())
        dialog.reject()

    failure = when_dialog_opens(look)
    frozen = page.table.frozen
    title_cell = frozen.visualRect(page.model.index(number, TITLE)).center()
    qtbot.mouseClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=title_cell)
    qtbot.mouseDClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=title_cell)
    qtbot.waitUntil(lambda: bool(opened))
    failure.check()
    assert opened == ["Edit action"]


# --------------------------------------------------------------------------- columns


def test_a_hidden_column_stays_hidden_after_restarting(qtbot, workspace_path: Path, actions, window) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    menu = page.columns_menu()
    ticks = {action.text(): action for action in menu.actions()}
    assert not ticks["Title"].isEnabled()  # the title always shows
    ticks["Partners"].trigger()
    assert page.table.isColumnHidden(PARTNERS)
    window.close()

    again = open_window(qtbot, workspace_path)
    page = actions_page(qtbot, again)
    assert page.table.isColumnHidden(PARTNERS)
    assert not page.table.isColumnHidden(LEAD)
    ticks = {action.text(): action for action in page.columns_menu().actions()}
    assert not ticks["Partners"].isChecked()
    ticks["Partners"].trigger()
    assert not page.table.isColumnHidden(PARTNERS)
    again.close()


# --------------------------------------------------------------------------- saved views


def save_view_as(page, name: str) -> None:  # type: ignore[no-untyped-def]
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue(name)
        dialog.accept()

    failure = when_dialog_opens(fill)
    page.views.save_button.click()
    failure.check()


def test_a_saved_view_brings_back_its_filters_and_sort(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    police = window.services.organisations.find("Westshire Constabulary")
    burglary = actions["Burglary reduction"]
    current = window.services.actions.get(burglary.id)
    window.services.actions.update(
        burglary.id, replace(current.as_draft(), lead_organisation_id=police.id), current.version
    )
    qtbot.waitUntil(lambda: shown(page, LEAD)["Burglary reduction"] == "Westshire Constabulary")

    page.set_filter("organisation", police.id)
    page.set_filter("status", ActionStatus.IN_PROGRESS)
    page.table.sortByColumn(DUE, Qt.SortOrder.DescendingOrder)
    assert list(shown(page, TITLE)) == ["Burglary reduction"]
    save_view_as(page, "Police-led, in progress")

    page.set_filter("organisation", None)
    page.set_filter("status", None)
    page.table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    assert page.model.rowCount() == 4
    assert page.views.combo.currentText() == "(no saved view)"  # the list no longer matches the view

    page.views.combo.setCurrentIndex(page.views.combo.findText("Police-led, in progress"))
    assert page.filters["organisation"].currentText() == "Westshire Constabulary"
    assert page.filters["status"].currentText() == "In progress"
    assert page.table.horizontalHeader().sortIndicatorSection() == DUE
    assert page.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert list(shown(page, TITLE)) == ["Burglary reduction"]
    assert page.count_label.text() == "1 of 4 actions"

    answer_message_box(QMessageBox.StandardButton.Yes)
    page.views.delete_button.click()
    assert page.views.combo.findText("Police-led, in progress") == -1


def test_views_belong_to_their_workspace(qtbot, window, actions, workspace_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = actions_page(qtbot, window)
    page.search.setText("burglary")
    page.apply_filters()
    save_view_as(page, "Burglary work")
    window.close()

    # Another partnership's workspace, made new: the view is not offered there.
    other = open_window(qtbot, tmp_path / "other-partnership.locality")
    other_page = other.show_page("actionsPage")
    assert other_page.views.combo.findText("Burglary work") == -1
    other.close()

    # A copy of the same workspace (a workshop laptop's, say) is the same partnership: the view is there.
    copy = tmp_path / "workshop-copy.locality"
    shutil.copyfile(workspace_path, copy)
    copied = open_window(qtbot, copy)
    copied_page = actions_page(qtbot, copied)
    assert copied_page.views.combo.findText("Burglary work") >= 0
    copied.close()


# --------------------------------------------------------------------------- the frozen title column


def test_the_title_column_stays_in_view_and_in_step_while_scrolling_and_sorting(qtbot, window, actions) -> None:  # type: ignore[no-untyped-def]
    window.resize(700, 600)
    page = actions_page(qtbot, window)
    table = page.table
    frozen = table.frozen
    bar = table.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    qtbot.wait(10)

    assert frozen.isVisible()
    assert frozen.geometry().left() <= table.frameWidth() + 1
    assert frozen.width() == table.columnWidth(TITLE)
    assert table.columnViewportPosition(TITLE) < 0  # the table's own title column has scrolled away
    first = frozen.indexAt(frozen.visualRect(page.model.index(0, TITLE)).center())
    assert first.data() == "Anti-social behaviour pilot"

    # Sorting from the frozen column's header sorts the table; both show the same row at the top.
    header = frozen.horizontalHeader()
    middle = QPoint(header.sectionViewportPosition(TITLE) + header.sectionSize(TITLE) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    assert table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert page.model.index(0, TITLE).data() == "Domestic abuse forum"
    top = frozen.indexAt(frozen.visualRect(page.model.index(0, TITLE)).center())
    assert top.data() == "Domestic abuse forum"
    assert top.row() == table.indexAt(table.visualRect(page.model.index(0, STATUS)).center()).row()

    # Sorting by another column keeps the frozen titles beside their own rows.
    table.sortByColumn(STATUS, Qt.SortOrder.AscendingOrder)
    for number in range(page.model.rowCount()):
        assert frozen.model() is table.model()
        assert frozen.rowViewportPosition(number) == table.rowViewportPosition(number)
    assert header.sortIndicatorSection() == STATUS

    # Widening the title column widens the frozen one; hiding another column leaves it in place.
    table.setColumnWidth(TITLE, 350)
    assert frozen.width() == 350
    page.columns_menu().actions()[PARTNERS].trigger()
    assert frozen.isVisible() and frozen.isColumnHidden(STATUS) and not frozen.isColumnHidden(TITLE)
