"""The window opened with a partner's account on a shared server greys out what the account may not change and
says why; the server enforces it (tests/store/test_server_accounts.py). Runs against the test server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from locality.app import build_main_window
from locality.ui.action_dialog import ActionDialog
from locality.ui.main_window import MainWindow
from locality.ui.workers import background_work_pending
from tests.server_partnership import Partnership, partnership_on_server


@pytest.fixture
def partnership() -> Iterator[Partnership]:
    with partnership_on_server() as made:
        yield made


@pytest.fixture
def partner_window(qtbot: QtBot, partnership: Partnership) -> Iterator[MainWindow]:
    window = build_main_window(partnership.partner_url)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    yield window
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=60_000)  # before its schema goes
    window.close()


def test_a_partners_window_greys_out_what_it_may_not_change(
    qtbot: QtBot, partner_window: MainWindow, partnership: Partnership
) -> None:
    assert partner_window.services is not None
    why = (
        f"Your account ({partnership.partner_role}) may change only the progress, milestones and spend of actions "
        "Thames Valley Police leads or partners in."
    )
    for name in ("needsPage", "organisationsPage"):
        page = partner_window.show_page(name)
        assert not page.new_button.isEnabled() and page.new_button.toolTip() == why
    page = partner_window.show_page("actionsPage")
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() == 3, timeout=10_000)
    assert not page.new_button.isEnabled() and page.new_button.toolTip() == why

    assert page.select_where(lambda row: row.id == partnership.police_action)
    assert page.log_button.isEnabled() and page.edit_button.isEnabled()
    assert not page.delete_button.isEnabled() and not page.bulk_button.isEnabled()
    page.grab().save("/tmp/roles-actions-page.png")
    assert page.select_where(lambda row: row.id == partnership.council_action)
    assert not page.log_button.isEnabled() and page.log_button.toolTip() == why

    services = partner_window.services
    own = ActionDialog(page.env, services.actions.get(partnership.police_action), page)
    qtbot.addWidget(own)
    assert not own.title_edit.isEnabled() and own.title_edit.toolTip() == why
    assert own.milestones.isEnabled() and own.status.isEnabled() and own.log_button.isEnabled()
    assert own.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    own.show()
    own.grab().save("/tmp/roles-own-action.png")
    other = ActionDialog(page.env, services.actions.get(partnership.council_action), page)
    qtbot.addWidget(other)
    assert not other.milestones.isEnabled() and not other.log_button.isEnabled()
    save = other.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled() and save.toolTip() == why
    assert other.account_note.text() == why

    funding = partner_window.show_page("fundingPage")
    qtbot.waitUntil(lambda: funding.select_action(partnership.shared_action), timeout=10_000)
    assert funding.entries.spend_buttons[0].isEnabled()
    assert not funding.entries.allocation_buttons[0].isEnabled()
    assert funding.entries.allocation_buttons[0].toolTip() == why
    assert funding.select_action(partnership.council_action)
    assert not funding.entries.spend_buttons[0].isEnabled()


def test_a_coordinators_window_greys_out_nothing(qtbot: QtBot, partnership: Partnership) -> None:
    window = build_main_window(partnership.coordinator_url)
    qtbot.addWidget(window)
    window.show()
    try:
        page = window.show_page("needsPage")
        assert page.new_button.isEnabled() and page.new_button.toolTip() == ""
    finally:
        qtbot.waitUntil(lambda: not background_work_pending(), timeout=60_000)
        window.close()


def test_what_a_partners_window_may_not_do_is_told_in_one_sentence(
    qtbot: QtBot, partner_window: MainWindow, partnership: Partnership, shown_warnings: list[str]
) -> None:
    """The Delete key reaches a page whose Delete button is greyed out; a cell edited in place reaches the server."""
    assert partner_window.services is not None
    organisations = partner_window.show_page("organisationsPage")
    qtbot.waitUntil(lambda: not organisations.loading and organisations.model.rowCount() == 2, timeout=10_000)
    assert organisations.select_where(lambda row: row.name == "Northfield Council")
    organisations.delete_selected()
    assert shown_warnings == [partner_window.services.rights.reason]
    assert len(partner_window.services.organisations.list()) == 2

    actions = partner_window.show_page("actionsPage")
    qtbot.waitUntil(lambda: not actions.loading and actions.model.rowCount() == 3, timeout=10_000)
    number = actions.model.index_where(lambda row: row.id == partnership.police_action)
    title = next(i for i, column in enumerate(actions.model.columns) if column.title == "Title")
    assert not actions.save_cell(actions.model.row_at(number), title, "Renamed by the police")
    qtbot.waitUntil(lambda: len(shown_warnings) == 2)
    assert shown_warnings[1] == "Your account on the server may not make that change, so it was not saved."
    assert partner_window.services.actions.get(partnership.police_action).title == "Safer streets patrols"
