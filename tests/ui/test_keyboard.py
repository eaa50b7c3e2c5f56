"""Every dialog can be filled and saved with the keyboard alone: Tab visits each field once and reaches Save,
no field traps the focus, Esc asks before throwing away what was typed, and a message about a value goes once
the value is corrected."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from locality.app import build_main_window
from locality.services.actions import ActionDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.ui.action_dialog import ActionDialog, LogProgressDialog
from locality.ui.chase_dialog import ChaseDialog
from locality.ui.dashboard.snapshots import RecordSnapshotDialog
from locality.ui.edit_dialog import EditDialog
from locality.ui.export_dialog import ExportDialog
from locality.ui.funding.dialogs import AllocationDialog, SpendDialog
from locality.ui.import_dialog import ImportDialog
from locality.ui.indicators.dialog import IndicatorDialog
from locality.ui.main_window import UserDialog
from locality.ui.merge_dialog import MergeDialog
from locality.ui.need_dialog import NeedDialog
from locality.ui.needs_map.similar import MergeNeedsDialog
from locality.ui.organisations_page import OrganisationDialog
from locality.ui.workshop_copy_dialog import WorkshopCopyDialog
from locality.ui.workspace_settings_dialog import WorkspaceSettingsDialog
from tests.ui.helpers import answer_message_box, when_dialog_opens

TODAY = date(2008, 6, 1)
REAL_CONFIRM_DISCARD = EditDialog.confirm_discard  # read at import, before the suite's stand-in replaces it


@pytest.fixture
def window(qtbot, workspace_path: Path) -> Iterator:  # type: ignore[no-untyped-def, type-arg]
    built = build_main_window(str(workspace_path))
    built.services.context.today = lambda: TODAY
    qtbot.addWidget(built)
    built.show()
    yield built
    if built.services is not None:
        built.close()


@pytest.fixture
def partnership(window):  # type: ignore[no-untyped-def]
    services = window.services
    council = services.organisations.create(OrganisationDraft(name="Westshire County Council"))
    police = services.organisations.create(OrganisationDraft(name="Westshire Constabulary"))
    need = services.needs.create(
        NeedDraft(
            title="Stronger scrutiny of community safety",
            organisations=(NeedLinkDraft(council.id), NeedLinkDraft(police.id)),
        )
    )
    action = services.actions.create(
        ActionDraft(title="Joint scrutiny training", lead_organisation_id=council.id, need_ids=(need.id,))
    )
    return council, police, need, action


def _focus_targets(field: QWidget) -> list[QWidget]:
    """The widgets inside one form field that Tab can stop at (the field itself when it takes focus)."""
    widgets = [field, *field.findChildren(QWidget)]
    return [
        widget
        for widget in widgets
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.isVisibleTo(field.window())
        and widget.isEnabled()
        and widget.focusProxy() is None
    ]


def tab_chain(qtbot, dialog: QDialog, limit: int = 120) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """Presses Tab from the dialog's first focus until the focus comes back where it began; fails if a Tab
    leaves the focus where it was (a field that traps it) or the chain never closes."""
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    start = QApplication.focusWidget()
    assert start is not None, "nothing has the focus when the dialog opens"
    chain = [start]
    for _ in range(limit):
        qtbot.keyClick(chain[-1], Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        assert now is not chain[-1], f"Tab is trapped in {type(now).__name__} {now.accessibleName()!r}"
        if now is start:
            return chain
        chain.append(now)
    raise AssertionError(f"Tab never came back to {start.accessibleName()!r}")


def assert_every_field_is_reached(qtbot, dialog: EditDialog) -> None:  # type: ignore[no-untyped-def]
    chain = tab_chain(qtbot, dialog)
    page = _current_page(dialog)
    for form in dialog.forms:
        for name, field in form._fields.items():
            if page is not None and not page.isAncestorOf(field):
                continue  # on another tab: reached with Ctrl+Tab, then Tab
            targets = _focus_targets(field)
            if not targets:
                continue  # nothing to type into (a read-only list, say)
            assert any(target in chain for target in targets), f"Tab never reaches the {name} field"
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert save in chain, "Tab never reaches Save"


def _current_page(dialog: QDialog) -> QWidget | None:
    tabs = dialog.findChild(QTabWidget)
    return tabs.currentWidget() if tabs is not None else None


DIALOGS: dict[str, Callable[..., EditDialog]] = {
    "new organisation": lambda window, p: OrganisationDialog(window.env, None, window),
    "new need": lambda window, p: NeedDialog(window.env, None, window),
    "edit need": lambda window, p: NeedDialog(window.env, window.services.needs.get(p[2].id), window),
    "new action": lambda window, p: ActionDialog(window.env, None, window),
    "edit action": lambda window, p: ActionDialog(window.env, window.services.actions.get(p[3].id), window),
    "log progress": lambda window, p: LogProgressDialog(window.env, window.services.actions.get(p[3].id), window),
    "allocation": lambda window, p: AllocationDialog(window.env, p[3].id, p[3].title, None, window),
    "spend": lambda window, p: SpendDialog(window.env, p[3].id, p[3].title, None, window),
    "indicator": lambda window, p: IndicatorDialog(window.env, None, window),
    "board snapshot": lambda window, p: RecordSnapshotDialog(TODAY, window),
    "workspace settings": lambda window, p: WorkspaceSettingsDialog(window.env, window),
}


@pytest.mark.parametrize("kind", list(DIALOGS))
def test_tab_reaches_every_field_and_save(qtbot, window, partnership, kind: str) -> None:  # type: ignore[no-untyped-def]
    dialog = DIALOGS[kind](window, partnership)
    assert_every_field_is_reached(qtbot, dialog)
    letters = mnemonics(dialog)
    clashes = {letter: owners for letter, owners in letters.items() if len(owners) > 1}
    assert not clashes, f"Alt+letter reaches more than one control: {clashes}"


def mnemonics(dialog: QDialog) -> dict[str, list[str]]:
    """The Alt+letter keys of the controls on screen (and of the tabs), by letter."""
    texts = [
        widget.text()
        for widget in dialog.findChildren(QWidget)
        if isinstance(widget, (QLabel, QAbstractButton)) and widget.isVisibleTo(dialog)
    ]
    for tabs in dialog.findChildren(QTabWidget):
        texts += [tabs.tabText(index) for index in range(tabs.count())]
    found: dict[str, list[str]] = {}
    for text in texts:
        match = re.search(r"&([^&])", text.replace("&&", ""))
        if match:
            found.setdefault(match[1].lower(), []).append(text)
    return found


def test_tab_reaches_every_field_on_every_tab_of_the_action_dialog(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, window.services.actions.get(partnership[3].id), window)
    assert_every_field_is_reached(qtbot, dialog)
    for index in range(1, dialog.tabs.count()):
        dialog.tabs.setFocus()
        qtbot.keyClick(dialog.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        assert dialog.tabs.currentIndex() == index
        chain = tab_chain(qtbot, dialog)
        page = dialog.tabs.currentWidget()
        assert any(page.isAncestorOf(widget) for widget in chain), f"Tab never enters {dialog.tabs.tabText(index)}"


def test_export_dialog_has_no_focus_trap(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(window.env, window)
    chain = tab_chain(qtbot, dialog)
    names = {widget.accessibleName() for widget in chain}
    assert {"Period from", "Period to"} <= names  # the two date fields, each one stop


OTHER_DIALOGS: dict[str, Callable[..., QDialog]] = {
    "import": lambda window, p: ImportDialog(window.env, window),
    "what needs chasing": lambda window, p: ChaseDialog(window.env, window),
    "about you": lambda window, p: UserDialog(None, window, ["Westshire County Council"]),
    "merge needs": lambda window, p: MergeNeedsDialog(window.env, p[2].id, p[4].id, window),
    "save a copy for a workshop": lambda window, p: WorkshopCopyDialog(window.env, window),
    "merge from": lambda window, p: MergeDialog(window.env, window),
}


@pytest.mark.parametrize("kind", list(OTHER_DIALOGS))
def test_other_dialogs_have_no_focus_trap_and_reach_their_buttons(qtbot, window, partnership, kind: str) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    twin = services.needs.create(NeedDraft(title="Stronger scrutiny of community safety (2)"))
    dialog = OTHER_DIALOGS[kind](window, (*partnership, twin))
    chain = tab_chain(qtbot, dialog)
    buttons = [widget for widget in chain if isinstance(widget, QAbstractButton)]
    assert buttons, "Tab never reaches a button"
    letters = mnemonics(dialog)
    clashes = {letter: owners for letter, owners in letters.items() if len(owners) > 1}
    assert not clashes, f"Alt+letter reaches more than one control: {clashes}"


def test_a_new_need_typed_and_saved_with_the_keyboard_alone(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = NeedDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(QApplication.focusWidget(), "Shared data on anti-social behaviour")
    # Alt+letter jumps to a field by its label's mnemonic, as in any Windows form.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.identified_on.edit, QApplication.focusWidget().accessibleName()
    dialog.identified_on.edit.selectAll()
    qtbot.keyClicks(dialog.identified_on.edit, "15/05/2008")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.priority
    qtbot.keyClick(dialog.priority, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.priority, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(dialog.area, "North Westshire")
    qtbot.keyClick(dialog.area, Qt.Key.Key_Return)  # Enter saves, as the dialog's default button
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = window.services.needs.get(dialog.saved.id)
    assert saved.title == "Shared data on anti-social behaviour"
    assert saved.identified_on == date(2008, 5, 15)
    assert saved.area == "North Westshire"
    assert saved.priority is not None


def test_up_and_alt_down_work_in_an_empty_date_of_a_dialog(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, window.services.actions.get(partnership[3].id), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.due_on.setFocus()
    qtbot.keyClick(dialog.due_on.edit, Qt.Key.Key_Up)
    assert dialog.due_on.value() == date.today()  # today, not 02/01/1900
    qtbot.keyClick(dialog.due_on.edit, Qt.Key.Key_Up)
    assert dialog.due_on.value() == date.today() + timedelta(days=1)


@pytest.fixture
def real_discard_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """This module drives the real "Discard?" question instead of the suite's recorded answer."""
    monkeypatch.setattr(EditDialog, "confirm_discard", REAL_CONFIRM_DISCARD)


def test_esc_on_a_half_filled_new_need_asks_first(qtbot, window, partnership, real_discard_question) -> None:  # type: ignore[no-untyped-def]
    dialog = NeedDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title_edit, "Half a thought")
    answer_message_box(QMessageBox.StandardButton.Cancel)  # "Keep editing"
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.title_edit.text() == "Half a thought"
    answer_message_box(QMessageBox.StandardButton.Discard)
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert [need.title for need in window.services.needs.list()] == ["Stronger scrutiny of community safety"]


def test_esc_on_an_untouched_dialog_closes_without_asking(qtbot, window, partnership, discard_questions) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, window.services.actions.get(partnership[3].id), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(2)  # looking at the needs fills the list: still nothing changed
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert discard_questions == []


def test_the_discard_question_names_a_new_record(qtbot, window, partnership, discard_questions) -> None:  # type: ignore[no-untyped-def]
    dialog = NeedDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title_edit, "x")
    dialog.reject()
    assert discard_questions == ["Discard this new need? What you typed has not been saved."]


def test_a_date_message_goes_once_the_date_is_corrected(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, window.services.actions.get(partnership[3].id), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_on.set_value(date(2008, 4, 1))
    dialog.due_on.set_value(date(2008, 3, 1))
    dialog.try_save()
    assert dialog.isVisible()
    assert "before" in dialog.error_text("due_on") or "before" in dialog.error_text("start_on")
    dialog.due_on.edit.clear()
    qtbot.keyClicks(dialog.due_on.edit, "31/03/2009")
    assert dialog.error_text("due_on") == "" and dialog.error_text("start_on") == ""


def test_a_typed_date_that_is_no_date_is_refused_beside_its_field(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, window.services.actions.get(partnership[3].id), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.completed_on.edit, "31/13/2008")
    dialog.try_save()
    assert dialog.isVisible()
    assert "is not a date" in dialog.error_text("completed_on")
    assert window.services.actions.get(partnership[3].id).completed_on is None


def test_cancel_after_log_progress_says_the_progress_is_kept(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    action = partnership[3]
    dialog = ActionDialog(window.env, window.services.actions.get(action.id), window)
    qtbot.addWidget(dialog)
    dialog.show()

    def log(progress: QDialog) -> None:
        assert isinstance(progress, LogProgressDialog)
        progress.percent.setValue(40)
        progress.note.setPlainText("Venue booked")
        progress.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(log)
    dialog.log_button.click()
    failure.check()
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Close"
    assert dialog.progress_saved.isVisibleTo(dialog)
    assert "is saved" in dialog.progress_saved.text()
    assert dialog.percent.value() == 40
    cancel.click()
    assert window.services.actions.get(action.id).percent_complete == 40


def test_log_progress_keeps_changes_typed_before_it(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    action = partnership[3]
    dialog = ActionDialog(window.env, window.services.actions.get(action.id), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.title_edit.setText("Joint scrutiny training for councillors")

    def log(progress: QDialog) -> None:
        progress.note.setPlainText("Trainer chosen")
        progress.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answer_message_box(QMessageBox.StandardButton.Save)  # "save your changes first?"
    failure = when_dialog_opens(log, attempts=200)
    dialog.log_button.click()
    failure.check()
    assert window.services.actions.get(action.id).title == "Joint scrutiny training for councillors"
    assert dialog.title_edit.text() == "Joint scrutiny training for councillors"
    assert not dialog.has_unsaved_changes()


def test_plan_a_joint_action_starts_titled_with_its_need_listed_first(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    council, _police, _need, _action = partnership
    for number in range(30):
        window.services.needs.create(NeedDraft(title=f"Another need {number:02}"))
    chosen = window.services.needs.create(NeedDraft(title="Zebra crossings near schools"))
    dialog = ActionDialog(window.env, None, window, need_ids=(chosen.id,), lead_organisation_id=council.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.title_edit.text() == "Zebra crossings near schools"
    dialog.tabs.setCurrentIndex(2)
    first = dialog.needs_list.item(0)
    assert first.data(Qt.ItemDataRole.UserRole) == chosen.id
    assert first.checkState() == Qt.CheckState.Checked


def test_date_field_buttons_are_not_tab_stops(qtbot, window, partnership) -> None:  # type: ignore[no-untyped-def]
    dialog = ActionDialog(window.env, window.services.actions.get(partnership[3].id), window)
    chain = tab_chain(qtbot, dialog)
    buttons = [widget for widget in chain if isinstance(widget, QAbstractButton)]
    assert all(button.text() != "Clear" for button in buttons)
