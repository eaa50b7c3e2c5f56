"""Journeys on the History page: every change newest first, filtered by person, organisation, kind of record and
dates, read a page at a time, and an old value put back and the putting back undone."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QDialog

from locality.domain.entities import Entity
from locality.services.history import MERGE
from locality.services.needs import NeedDraft
from locality.services.organisations import OrganisationDraft
from locality.ui.history_page import HistoryPage
from locality.ui.need_dialog import NeedDialog
from locality.ui.record_history import PAGE_SIZE
from tests.ui.helpers import when_dialog_opens


def open_history(qtbot, window) -> HistoryPage:  # type: ignore[no-untyped-def]
    page = window.show_page("historyPage")
    assert isinstance(page, HistoryPage)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() > 0)
    return page


def shown_column(page: HistoryPage, title: str) -> list[str]:
    number = [column.title for column in page.model.columns].index(title)
    return [page.model.index(row, number).data() for row in range(page.model.rowCount())]


def log_as(window, author: str, organisation: str, entity: Entity, day: date, field: str = "notes") -> None:  # type: ignore[no-untyped-def]
    at = datetime.combine(day, time(12)).astimezone().astimezone(UTC)
    with window.services.context.workspace.transaction(author=author, author_organisation=organisation) as unit:
        unit.log(entity, uuid.uuid4(), "update", field, "before", "after", at=at)


def test_every_change_newest_first_and_filtered_by_person(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    log_as(window, "Sam Patel", "Northshire Police", Entity.ACTION, date(2008, 2, 1))
    log_as(window, "Jo Bloggs", "Northshire CC", Entity.NEED, date(2008, 3, 1))
    log_as(window, "Ann Lee", "Northshire CC", Entity.ACTION, date(2008, 4, 1))
    page = open_history(qtbot, window)

    assert shown_column(page, "Who") == ["Ann Lee", "Jo Bloggs", "Sam Patel"]
    assert shown_column(page, "Organisation") == ["Northshire CC", "Northshire CC", "Northshire Police"]
    assert shown_column(page, "Kind of record") == ["Action", "Need", "Action"]
    assert shown_column(page, "Field") == ["notes"] * 3
    assert shown_column(page, "Change") == ["before → after"] * 3
    assert shown_column(page, "When")[0] == datetime.combine(date(2008, 4, 1), time(12)).strftime("%d/%m/%Y %H:%M")
    assert page.count_label.text() == "3 changes"

    page.set_filter("person", "Jo Bloggs")
    qtbot.waitUntil(lambda: not page.loading and shown_column(page, "Who") == ["Jo Bloggs"])
    assert page.count_label.text() == "1 change matches the filters"

    page.set_filter("person", None)
    page.set_filter("organisation", "Northshire CC")
    qtbot.waitUntil(lambda: not page.loading and shown_column(page, "Who") == ["Ann Lee", "Jo Bloggs"])
    page.set_filter("kind", Entity.ACTION)
    qtbot.waitUntil(lambda: not page.loading and shown_column(page, "Who") == ["Ann Lee"])

    page.clear_filters()
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 3)
    page.since.edit.setText("01/03/2008")
    page.until.edit.setText("31/03/2008")
    page.apply_filters()
    qtbot.waitUntil(lambda: not page.loading and shown_column(page, "Who") == ["Jo Bloggs"])

    page.until.edit.setText("01/02/2008")  # before the "from" date
    page.apply_filters()
    assert page.filter_error.isVisibleTo(page)
    assert "before the “from” date" in page.filter_error.text()
    page.until.edit.setText("31/02/2008")
    page.apply_filters()
    assert "dd/mm/yyyy" in page.filter_error.text()
    assert shown_column(page, "Who") == ["Jo Bloggs"]  # what was shown stays until the filter can be read


def test_a_long_history_is_read_a_page_at_a_time(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    with window.services.context.workspace.transaction(author="Jo Bloggs") as unit:
        for number in range(PAGE_SIZE * 2 + 5):
            unit.log(Entity.NEED, uuid.uuid4(), "update", "notes", number, number + 1)
    page = open_history(qtbot, window)
    assert page.model.rowCount() == PAGE_SIZE
    assert page.count_label.text() == f"{PAGE_SIZE * 2 + 5} changes"

    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == PAGE_SIZE * 2)
    while page.model.canFetchMore(QModelIndex()) or page.model.fetching:
        page.model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not page.model.fetching)
    ids = [entry.id for entry in page.model.entries()]
    assert len(ids) == PAGE_SIZE * 2 + 5 == len(set(ids))
    assert page.model.complete


def test_put_an_old_value_back_and_undo_it(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    organisations = window.services.organisations
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), police.version)
    page = open_history(qtbot, window)
    assert shown_column(page, "Change")[0] == "Northshire Police → Northshire Constabulary"
    assert shown_column(page, "Record")[0] == "Northshire Constabulary"

    page.table.selectRow(1)  # the creation: nothing to put back
    assert not page.put_back_button.isEnabled()
    page.table.selectRow(0)
    assert page.put_back_button.isEnabled()
    page.put_back_button.click()

    assert organisations.get(police.id).name == "Northshire Police"
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 3)
    assert shown_column(page, "Change")[0] == "Northshire Constabulary → Northshire Police"
    assert window.undo_stack.undoText() == "put back the name of Northshire Police"

    window.undo_stack.undo()
    assert organisations.get(police.id).name == "Northshire Constabulary"
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 4)
    window.undo_stack.redo()
    assert organisations.get(police.id).name == "Northshire Police"


def test_putting_back_a_value_of_a_deleted_record_is_refused_plainly(  # type: ignore[no-untyped-def]
    qtbot, window, shown_warnings
) -> None:
    organisations = window.services.organisations
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), police.version)
    page = open_history(qtbot, window)
    organisations.delete([police.id])
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 3)
    page.table.selectRow(1)  # the change of name, below the deletion
    page.put_back_button.click()
    assert shown_warnings == ["This organisation has been deleted, so its old value cannot be put back."]
    assert window.undo_stack.count() == 0


def test_a_merge_reads_as_merged_from_the_copy(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    with window.services.context.workspace.transaction(author="Jo Bloggs", author_organisation="Northshire CC") as unit:
        unit.log(Entity.WORKSPACE_META, uuid.uuid4(), MERGE, None, None, {"copy": "Hall workshop.locality"})
    page = open_history(qtbot, window)
    assert shown_column(page, "Change") == ["Merged from Hall workshop.locality"]
    assert shown_column(page, "Record") == [""]
    page.table.selectRow(0)
    assert not page.put_back_button.isEnabled()


def test_a_double_click_opens_the_need_changed(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    need = window.services.needs.create(NeedDraft("Reduce repeat burglary"))
    page = open_history(qtbot, window)
    opened: list[object] = []

    def look(dialog: QDialog) -> None:
        opened.append((type(dialog).__name__, dialog.windowTitle(), dialog.title_edit.text()))  # type: ignore[attr-defined]
        dialog.reject()

    failure = when_dialog_opens(look, kind=NeedDialog)
    page.table.selectRow(0)
    page.open_selected()
    failure.check()
    assert opened == [("NeedDialog", "Edit need", need.title)]
