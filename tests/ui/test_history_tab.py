"""Each edit dialog's History tab: the record's own changes, newest first, and an old value put back from there —
shown on the form at once, undoable, and refused while the form holds unsaved changes."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMessageBox

from locality.services.actions import ActionDraft
from locality.services.needs import NeedDraft
from locality.services.organisations import OrganisationDraft
from locality.ui.action_dialog import ActionDialog
from locality.ui.edit_dialog import SAVE_BEFORE_PUTTING_BACK
from locality.ui.need_dialog import NeedDialog
from locality.ui.organisations_page import OrganisationDialog
from locality.ui.record_history import RecordHistory


def history_tab(qtbot, dialog) -> RecordHistory:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tabs is not None
    titles = [dialog.tabs.tabText(number) for number in range(dialog.tabs.count())]
    assert titles[-1] == "History"
    dialog.tabs.setCurrentIndex(len(titles) - 1)
    history = dialog.history
    assert isinstance(history, RecordHistory)
    qtbot.waitUntil(lambda: history.model.rowCount() > 0)
    return history


def changes(history: RecordHistory) -> list[str]:
    return [history.model.index(row, len(history.model.columns) - 1).data() for row in range(history.model.rowCount())]


def test_an_organisations_history_and_a_name_put_back_from_its_dialog(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    organisations = window.services.organisations
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.create(OrganisationDraft("Someone else"))  # not this record's history
    renamed = organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), police.version)

    dialog = OrganisationDialog(window.env, renamed, window)
    history = history_tab(qtbot, dialog)
    assert changes(history) == ["Northshire Police → Northshire Constabulary", "Created"]
    assert history.count_label.text() == "2 changes"

    history.table.selectRow(1)
    assert not history.put_back_button.isEnabled()  # a creation has no old value
    history.table.selectRow(0)
    history.put_back_button.click()

    assert dialog.name.text() == "Northshire Police"  # the form shows the record as it now is
    assert not dialog.has_unsaved_changes()
    assert organisations.get(police.id).name == "Northshire Police"
    assert changes(history)[0] == "Northshire Constabulary → Northshire Police"
    window.undo_stack.undo()
    assert organisations.get(police.id).name == "Northshire Constabulary"
    dialog.reject()


def test_putting_back_waits_for_unsaved_changes(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    organisations = window.services.organisations
    police = organisations.create(OrganisationDraft("Northshire Police"))
    renamed = organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), police.version)
    dialog = OrganisationDialog(window.env, renamed, window)
    history = history_tab(qtbot, dialog)
    dialog.notes.setPlainText("typed, not saved")

    history.table.selectRow(0)
    history.put_back_button.click()

    assert told == [SAVE_BEFORE_PUTTING_BACK]
    assert organisations.get(police.id).name == "Northshire Constabulary"
    assert dialog.notes.toPlainText() == "typed, not saved"
    assert window.undo_stack.count() == 0
    monkeypatch.setattr(dialog, "confirm_discard", lambda: True)
    dialog.reject()


def test_need_and_action_dialogs_have_a_history_tab_and_new_records_none(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    needs = window.services.needs
    need = needs.create(NeedDraft("Reduce repeat burglary"))
    need = needs.update(need.id, NeedDraft("Reduce repeat burglary", area="Northbrook"), need.version)
    need_history = history_tab(qtbot, NeedDialog(window.env, need, window))
    assert changes(need_history) == ["(blank) → Northbrook", "Created"]

    actions = window.services.actions
    action = actions.create(ActionDraft("Joint patrols", start_on=date(2008, 4, 1), due_on=date(2008, 5, 1)))
    action = actions.update(
        action.id, ActionDraft("Joint patrols", start_on=date(2008, 4, 1), due_on=date(2008, 6, 1)), action.version
    )
    dialog = ActionDialog(window.env, action, window)
    action_history = history_tab(qtbot, dialog)
    assert changes(action_history)[0] == "01/05/2008 → 01/06/2008"
    action_history.table.selectRow(0)
    action_history.put_back_button.click()
    assert dialog.due_on.value() == date(2008, 5, 1)
    assert actions.get(action.id).due_on == date(2008, 5, 1)

    for new in (NeedDialog(window.env, None, window), OrganisationDialog(window.env, None, window)):
        qtbot.addWidget(new)
        assert new.history is None
