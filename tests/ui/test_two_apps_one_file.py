"""Two people, one file: a second running app shows the first one's changes without restarting, an edit of a
record the other changed meanwhile is refused as "changed by someone else", and a file held by the other app is
waited for briefly, then refused in one plain sentence with nothing lost."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

import locality.store.workspace as workspace_module
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.ui.history_page import HistoryPage
from locality.ui.organisations_page import OrganisationDialog
from locality.ui.outside_poll import POLL_MILLISECONDS

BUSY_SENTENCE = "The workspace is busy in another program, so the change was not saved; try again in a moment."


@pytest.fixture
def other_app(workspace_path: Path, window) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    """The same file opened by a colleague's app: its own engines, its own user."""
    services = Services.open(workspace_path, User("Sam Patel", "Northshire Police"))
    yield services
    services.close()


def names_shown(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.name for row in page.model.all_rows()]


def test_the_other_apps_changes_show_without_restarting(qtbot, window, other_app: Services) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("organisationsPage")
    qtbot.waitUntil(lambda: not page.loading)
    assert names_shown(page) == []

    other_app.organisations.create(OrganisationDraft("Northshire Police"))
    qtbot.waitUntil(lambda: names_shown(page) == ["Northshire Police"], timeout=POLL_MILLISECONDS * 4)

    history = window.show_page("historyPage")
    assert isinstance(history, HistoryPage)
    qtbot.waitUntil(lambda: not history.loading and history.model.rowCount() == 1)
    newest = history.model.entry_at(0)
    assert (newest.author, newest.author_organisation) == ("Sam Patel", "Northshire Police")

    # Seen while on screen, too: the History page refreshes as the other app edits.
    police = other_app.organisations.list()[0]
    other_app.organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), police.version)
    qtbot.waitUntil(lambda: history.model.rowCount() == 2, timeout=POLL_MILLISECONDS * 4)
    assert history.model.entry_at(0).summary == 'Changed name from "Northshire Police" to "Northshire Constabulary"'


def test_this_apps_own_edits_do_not_count_as_the_other_apps(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    heard: list[object] = []
    window.services.context.subscribe(heard.append)
    window.services.organisations.create(OrganisationDraft("Northshire Police"))
    assert len(heard) == 1  # the edit's own notice
    qtbot.wait(POLL_MILLISECONDS * 2)
    assert len(heard) == 1  # and no second one from the poll


def test_an_edit_of_a_record_the_other_app_changed_is_not_lost(  # type: ignore[no-untyped-def]
    qtbot, window, other_app: Services, monkeypatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, title, text: told.append(f"{title}: {text}"))
    police = window.services.organisations.create(OrganisationDraft("Northshire Police"))
    dialog = OrganisationDialog(window.env, police, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.notes.setPlainText("Mine")

    other_app.organisations.update(police.id, OrganisationDraft("Northshire Police", notes="Theirs"), police.version)
    dialog.try_save()

    assert told and told[0].startswith("Changed by someone else: This organisation was changed by someone else")
    assert window.services.organisations.get(police.id).notes == "Theirs"
    assert dialog.notes.toPlainText() == "Theirs"  # the form shows their values, to decide again
    dialog.reject()


def test_a_file_held_by_the_other_app_is_waited_for_then_refused_plainly(  # type: ignore[no-untyped-def]
    qtbot, window, workspace_path: Path, monkeypatch, shown_warnings
) -> None:
    monkeypatch.setattr(workspace_module, "BUSY_WAIT_SECONDS", 0.5)
    police = window.services.organisations.create(OrganisationDraft("Northshire Police"))
    dialog = OrganisationDialog(window.env, police, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.notes.setPlainText("Typed while the other app was saving")

    holder = sqlite3.connect(workspace_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the other app in the middle of saving
    try:
        started = time.monotonic()
        dialog.try_save()
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert shown_warnings == [BUSY_SENTENCE]
    assert waited >= 0.5  # it waited before giving up
    assert dialog.isVisible() and dialog.notes.toPlainText() == "Typed while the other app was saving"
    assert window.services.organisations.get(police.id).notes == ""

    dialog.try_save()  # the other app has finished: saved now
    assert window.services.organisations.get(police.id).notes == "Typed while the other app was saving"
