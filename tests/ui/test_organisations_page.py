"""Journeys on the organisations page: create, validate beside the field, filter, edit conflict, delete, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QMessageBox

from locality.app import build_main_window
from locality.services.organisations import OrganisationDraft
from locality.ui.organisations_page import OrganisationDialog
from tests.ui.helpers import answer_message_box, when_dialog_opens


@pytest.fixture
def window(qtbot, workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()


@pytest.fixture
def page(window):  # type: ignore[no-untyped-def]
    return window.show_page("organisationsPage")


def fill_and_save(name: str, email: str = ""):  # type: ignore[no-untyped-def]
    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, OrganisationDialog)
        dialog.name.setText(name)
        dialog.contact_email.setText(email)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    return when_dialog_opens(act)


def test_create_an_organisation_through_the_dialog(qtbot, window, page) -> None:  # type: ignore[no-untyped-def]
    failure = fill_and_save("Westshire Constabulary")
    page.new_button.click()
    failure.check()
    assert [o.name for o in window.services.organisations.list()] == ["Westshire Constabulary"]
    assert page.model.total() == 1
    assert page.count_label.text() == "1 organisation"
    assert page.selected_rows()[0].name == "Westshire Constabulary"


def test_validation_errors_are_shown_beside_the_field(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.services.organisations.create(OrganisationDraft(name="Westshire County Council"))
    dialog = OrganisationDialog(window.env, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("  westshire county council ")
    dialog.contact_email.setText("not an address")
    dialog.try_save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "already an organisation" in dialog.form.error_text("name")
    assert "e-mail" in dialog.form.error_text("contact_email").lower()
    assert dialog.findChild(QLabel, "nameError").isVisible()
    assert len(window.services.organisations.list()) == 1


def test_search_and_filters_narrow_the_table(qtbot, window, page) -> None:  # type: ignore[no-untyped-def]
    vocabulary = window.services.vocabulary
    from locality.domain.vocabulary import VocabularyKind

    police = vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "Police")
    for name in ("Westshire County Council", "Westshire Constabulary", "Eastvale District Council"):
        window.services.organisations.create(
            OrganisationDraft(name=name, type_id=police if "Constabulary" in name else None)
        )
    qtbot.keyClicks(page.search, "council")
    page.apply_filters()
    assert {row.name for row in page.model.all_rows()} == {"Westshire County Council", "Eastvale District Council"}
    assert page.count_label.text() == "2 of 3 organisations"
    page.search.clear()
    page.set_filter("type", "Police")
    assert [row.name for row in page.model.all_rows()] == ["Westshire Constabulary"]


def test_delete_with_confirmation_then_undo_and_redo(qtbot, window, page) -> None:  # type: ignore[no-untyped-def]
    organisations = window.services.organisations
    for name in ("Westshire Fire and Rescue", "Westshire Housing Trust"):
        organisations.create(OrganisationDraft(name=name))
    page.refresh()
    page.table.selectAll()
    answer_message_box(QMessageBox.StandardButton.Yes)
    page.delete_selected()
    assert organisations.list() == []
    assert page.count_label.text() == "0 organisations"

    window.undo_action.trigger()
    assert {o.name for o in organisations.list()} == {"Westshire Fire and Rescue", "Westshire Housing Trust"}
    assert page.model.total() == 2
    window.redo_action.trigger()
    assert organisations.list() == []


def test_declining_the_confirmation_deletes_nothing(qtbot, window, page) -> None:  # type: ignore[no-untyped-def]
    window.services.organisations.create(OrganisationDraft(name="Westshire College"))
    page.refresh()
    page.table.selectRow(0)
    answer_message_box(QMessageBox.StandardButton.No)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert [o.name for o in window.services.organisations.list()] == ["Westshire College"]


def test_edit_then_undo_restores_the_old_values(qtbot, window, page) -> None:  # type: ignore[no-untyped-def]
    created = window.services.organisations.create(OrganisationDraft(name="Westshire PCT"))
    dialog = OrganisationDialog(window.env, created, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Westshire Primary Care Trust")
    dialog.try_save()
    assert window.services.organisations.get(created.id).name == "Westshire Primary Care Trust"
    window.undo_action.trigger()
    assert window.services.organisations.get(created.id).name == "Westshire PCT"
    window.redo_action.trigger()
    assert window.services.organisations.get(created.id).name == "Westshire Primary Care Trust"


def test_stale_row_shows_current_values_and_overwrites_nothing(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    organisations = window.services.organisations
    created = organisations.create(OrganisationDraft(name="Westshire Voluntary Action"))
    dialog = OrganisationDialog(window.env, created, window)
    qtbot.addWidget(dialog)
    # Someone else saves first.
    organisations.update(created.id, OrganisationDraft(name="Westshire Voluntary Action", short_name="WVA"), 1)
    messages: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: messages.append(text))
    dialog.short_name.setText("Voluntary Action")
    dialog.try_save()
    assert messages and "changed by someone else" in messages[0]
    assert dialog.short_name.text() == "WVA", "the form shows the current values"
    assert organisations.get(created.id).short_name == "WVA", "nothing was overwritten"
    dialog.short_name.setText("Voluntary Action")
    dialog.try_save()
    assert organisations.get(created.id).short_name == "Voluntary Action"


def test_enter_opens_the_editor_for_the_selected_row(qtbot, window, page) -> None:  # type: ignore[no-untyped-def]
    window.services.organisations.create(OrganisationDraft(name="Westshire Chamber of Commerce"))
    page.refresh()
    page.table.selectRow(0)
    seen: list[str] = []

    def act(dialog: QDialog) -> None:
        seen.append(dialog.findChild(QLineEdit).text())
        dialog.reject()

    failure = when_dialog_opens(act)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    failure.check()
    assert seen == ["Westshire Chamber of Commerce"]


def test_everything_persists_after_reopening(qtbot, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = build_main_window(str(workspace_path))
    qtbot.addWidget(first)
    first.services.organisations.create(OrganisationDraft(name="Westshire Youth Service"))
    first.close()
    second = build_main_window(str(workspace_path))
    qtbot.addWidget(second)
    page = second.show_page("organisationsPage")
    second.show()
    assert [row.name for row in page.model.all_rows()] == ["Westshire Youth Service"]
    second.close()


def test_filtering_keeps_the_chosen_sort_order(qtbot, window, page) -> None:  # type: ignore[no-untyped-def]
    for name in ("Westshire Housing Trust", "Eastvale Housing Association", "Westshire Police"):
        window.services.organisations.create(OrganisationDraft(name=name))
    page.refresh()
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    page.search.setText("housing")
    page.apply_filters()
    assert [row.name for row in page.model.all_rows()] == ["Westshire Housing Trust", "Eastvale Housing Association"]
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    page.search.setText("westshire")
    page.apply_filters()
    assert [row.name for row in page.model.all_rows()] == ["Westshire Housing Trust", "Westshire Police"]
