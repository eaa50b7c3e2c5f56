"""The funding page: spend against budget with totals and filters, sources, partners, and money added or
removed for one action with undo."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics, QUndoStack
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from locality.domain.values import format_money
from locality.services.actions import ActionDraft
from locality.ui.env import UiEnv
from locality.ui.funding.dialogs import AllocationDialog, SpendDialog
from locality.ui.funding.wording import OVERSPENT
from locality.ui.funding_page import FundingPage
from locality.ui.settings import AppSettings
from tests.ui.helpers import answer_message_box, shown_page, when_dialog_opens


@pytest.fixture
def env(demo_services) -> UiEnv:  # type: ignore[no-untyped-def]
    return UiEnv(demo_services, QUndoStack(), AppSettings())


@pytest.fixture
def page(qtbot, env: UiEnv):  # type: ignore[no-untyped-def]
    yield from shown_page(
        qtbot, FundingPage(env), (1300, 850), lambda shown: not shown.loading and shown.budget_model.total() > 0
    )


def position_of(page: FundingPage, action_id) -> str:  # type: ignore[no-untyped-def]
    number = page.budget_model.index_where(lambda line: line.action_id == action_id)
    assert number is not None
    return page.budget_model.data(page.budget_model.index(number, 8))


def test_every_demo_action_is_shown_with_totals_from_independent_sums(page: FundingPage) -> None:
    services = page.services
    assert {line.action_id for line in page.visible_lines()} == {a.id for a in services.actions.list()}
    assert page.count_label.text() == "60 actions"
    spent = sum(s.amount_pence for s in services.funding.spends())
    allocated = sum(a.amount_pence for a in services.funding.allocations())
    budget = sum(a.budget_pence or 0 for a in services.actions.list())
    totals = page.totals_texts()
    assert totals[0] == "Total of 60 actions"
    assert totals[3:6] == [format_money(budget), format_money(allocated), format_money(spent)]
    overspent = [line for line in page.visible_lines() if line.overspent]
    assert overspent  # the demo has some
    assert all(position_of(page, line.action_id) == OVERSPENT for line in overspent)
    assert totals[7] == f"{len(overspent)} overspent"
    # Funding sources tab: the total row adds up what is allocated and spent.
    last = page.sources.table.rowCount() - 1
    assert page.sources.table.item(last, 1).text() == format_money(allocated)
    assert page.sources.table.item(last, 2).text() == format_money(spent)


def test_filters_keep_overspent_actions_a_lead_and_a_funding_source(page: FundingPage) -> None:
    services = page.services
    lines = page.visible_lines()
    page.set_filter("overspent", True)
    assert {line.action_id for line in page.visible_lines()} == {line.action_id for line in lines if line.overspent}
    page.set_filter("overspent", False)
    lead = next(line.lead_organisation_id for line in lines if line.lead_organisation_id)
    page.set_filter("organisation", lead)
    assert {line.action_id for line in page.visible_lines()} == {
        a.id for a in services.actions.list(lead_organisation_id=lead)
    }
    page.set_filter("organisation", None)
    source = services.vocabulary.funding_sources()[0]
    page.set_filter("source", source.id)
    funded = {a.action_id for a in services.funding.allocations() if a.funding_source_id == source.id} | {
        s.action_id for s in services.funding.spends() if s.funding_source_id == source.id
    }
    assert {line.action_id for line in page.visible_lines()} == funded
    assert page.count_label.text() == f"{len(funded)} of 60 actions"
    page.set_filter("source", None)
    assert len(page.visible_lines()) == 60


def test_a_spend_beyond_the_budget_shows_overspent_and_undo_clears_it(qtbot, page: FundingPage, env: UiEnv) -> None:  # type: ignore[no-untyped-def]
    line = next(item for item in page.visible_lines() if item.budget_pence and not item.overspent)
    assert page.select_action(line.action_id)
    assert page.entries.currentIndex() == 1
    assert position_of(page, line.action_id) == "Within budget"
    spends_before = page.entries.spend_table.rowCount() if page.entries.spend_table.isVisibleTo(page) else 0

    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, SpendDialog)
        dialog.amount.setText("lots")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert dialog.error_text("amount_pence")
        dialog.amount.setText(format_money(line.remaining_pence))
        assert "£0.00 left" in dialog.budget_note.text()  # said while typing, before saving
        dialog.amount.setText(format_money(line.remaining_pence + 50_000))
        assert "£500.00 over" in dialog.budget_note.text()
        dialog.note.setText("Venue hire for the peer challenge")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(act)
    page.entries.spend_buttons[0].click()
    failure.check()
    qtbot.waitUntil(lambda: position_of(page, line.action_id) == OVERSPENT)
    assert "Overspent by £500.00" in page.entries.action_label.text()
    assert page.entries.spend_table.rowCount() == spends_before + 1
    assert page.services.funding.budget_line(line.action_id).remaining_pence == -50_000

    env.undo_stack.undo()
    qtbot.waitUntil(lambda: position_of(page, line.action_id) == "Within budget")
    assert page.services.funding.budget_line(line.action_id) == line


def test_an_allocation_is_added_edited_and_deleted_with_undo(qtbot, page: FundingPage, env: UiEnv) -> None:  # type: ignore[no-untyped-def]
    line = page.visible_lines()[0]
    page.select_action(line.action_id)
    before = line.allocated_pence

    def add(dialog: QDialog) -> None:
        assert isinstance(dialog, AllocationDialog)
        dialog.amount.setText("£1,000")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(add)
    page.entries.allocation_buttons[0].click()
    failure.check()
    qtbot.waitUntil(lambda: page.services.funding.budget_line(line.action_id).allocated_pence == before + 100_000)
    assert page.entries.funding is not None and page.entries.funding.allocated_pence == before + 100_000

    row = len(page.entries.funding.allocations) - 1
    page.entries.allocations_table.selectRow(row)
    answer_message_box(QMessageBox.StandardButton.Yes)
    page.entries.allocation_buttons[2].click()
    qtbot.waitUntil(lambda: page.entries.funding is not None and page.entries.funding.allocated_pence == before)
    env.undo_stack.undo()  # the delete
    qtbot.waitUntil(
        lambda: page.entries.funding is not None and page.entries.funding.allocated_pence == before + 100_000
    )
    env.undo_stack.undo()  # the add
    qtbot.waitUntil(lambda: page.entries.funding is not None and page.entries.funding.allocated_pence == before)


def test_deleting_an_action_drops_its_money_from_the_page_and_undo_brings_it_back(qtbot, page: FundingPage) -> None:  # type: ignore[no-untyped-def]
    actions = page.services.actions
    line = max(page.visible_lines(), key=lambda item: item.spent_pence)
    spent_total = page.totals_texts()[5]
    deleted = actions.delete([line.action_id])
    qtbot.waitUntil(lambda: page.count_label.text() == "59 actions")
    assert page.sources.table.item(page.sources.table.rowCount() - 1, 2).text() != spent_total
    actions.restore(deleted)
    qtbot.waitUntil(lambda: page.count_label.text() == "60 actions")
    assert page.totals_texts()[5] == spent_total


def test_partner_contributions_are_laid_out_when_their_tab_is_first_shown(qtbot, page: FundingPage) -> None:  # type: ignore[no-untyped-def]
    # Loaded with the page, but not put into the table while the budget tab is the one on screen.
    qtbot.waitUntil(lambda: not page.loading)
    assert page.partners.table.rowCount() == 0
    page.tabs.setCurrentIndex(2)
    summaries = page.services.funding.partner_contributions()
    assert page.partners.table.rowCount() == len(summaries) + 1
    assert page.partners.totals_texts()[0] == "Total of every partner"


def test_partner_contributions_total_per_partner(page: FundingPage) -> None:
    page.tabs.setCurrentIndex(2)
    summaries = page.services.funding.partner_contributions()
    totals = page.partners.totals_texts()
    assert totals[2] == format_money(sum(s.cash_pence for s in summaries))
    assert page.partners.table.rowCount() == len(summaries) + 1
    chosen = max(summaries, key=lambda s: s.actions_count)
    page.partners.picker.setCurrentIndex(page.partners.picker.findText(chosen.organisation_name))
    ledger = page.services.funding.partner_ledger(chosen.organisation_id)
    assert page.partners.table.rowCount() == len(ledger) + 1
    totals = page.partners.totals_texts()
    assert totals[0] == f"Total for {chosen.organisation_name}"
    assert totals[1] == str(chosen.actions_count)
    assert totals[2] == format_money(chosen.cash_pence)


def test_every_figure_is_whole_on_a_small_screen(qtbot, env: UiEnv) -> None:  # type: ignore[no-untyped-def]
    """At the width the page has on a 1366-pixel laptop, with nine-figure totals: no column off to the side
    and no total cut to "£103,599,500.…"."""
    services = env.services
    services.actions.create(ActionDraft(title="County-wide shared service centre", budget_pence=10_359_950_000))
    for page in shown_page(
        qtbot, FundingPage(env), (1150, 700), lambda shown: not shown.loading and shown.budget_model.total() > 0
    ):
        table, totals = page.budget_table, page.totals_table
        assert table.horizontalScrollBar().maximum() == 0, "a column is off to the side"
        bold = QFont(totals.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        for column in range(totals.columnCount()):
            item = totals.item(0, column)
            if item is None or not item.text():
                continue
            span = totals.columnSpan(0, column)
            width = sum(totals.columnWidth(c) for c in range(column, column + span))
            assert metrics.horizontalAdvance(item.text()) + 8 <= width, f"{item.text()!r} is cut short"
        page.tabs.setCurrentIndex(1)
        sources = page.sources.table
        for row in range(sources.rowCount()):
            for column in range(1, sources.columnCount()):
                item = sources.item(row, column)
                shown = QFontMetrics(item.font()).horizontalAdvance(item.text()) + 8
                assert shown <= sources.columnWidth(column), f"{item.text()!r} is cut short"


def test_an_action_deleted_meanwhile_is_said_to_be_deleted_in_the_pane(  # type: ignore[no-untyped-def]
    page: FundingPage, monkeypatch, shown_warnings
) -> None:
    from locality.domain.errors import NotFoundError

    line = page.visible_lines()[0]

    def deleted(_action_id):  # type: ignore[no-untyped-def]
        raise NotFoundError("That action no longer exists; it may have been deleted by someone else.")

    monkeypatch.setattr(page.services.funding, "action_funding", deleted)
    assert page.select_action(line.action_id)
    assert page.entries.currentIndex() == 0
    assert page.entries.no_action_label.text().startswith("That action has been deleted.")
    assert shown_warnings == []


def test_a_bug_behind_the_pane_is_not_called_a_deletion_but_unexpected_and_logged(  # type: ignore[no-untyped-def]
    page: FundingPage, monkeypatch, shown_warnings, caplog
) -> None:
    line = page.visible_lines()[0]

    def broken(_action_id):  # type: ignore[no-untyped-def]
        raise KeyError("budget_pence")  # a programming error inside the service

    monkeypatch.setattr(page.services.funding, "action_funding", broken)
    with caplog.at_level("ERROR", logger="locality"):
        assert page.select_action(line.action_id)
    assert page.entries.currentIndex() == 0
    assert "deleted" not in page.entries.no_action_label.text()
    assert len(shown_warnings) == 1
    assert "unexpected problem (KeyError)" in shown_warnings[0] and "deleted" not in shown_warnings[0]
    logged = [record for record in caplog.records if record.exc_info and record.exc_info[0] is KeyError]
    assert logged, "the bug was not logged with its traceback"
    assert logged[0].exc_info is not None and logged[0].exc_info[2] is not None  # the traceback itself


def test_the_budget_list_is_a_list_page_that_loads_in_the_background_when_slow(qtbot, page: FundingPage) -> None:  # type: ignore[no-untyped-def]
    from locality.ui.list_page import ListPage

    assert isinstance(page.budget, ListPage)
    assert not page.budget.new_button.isVisible() and not page.budget.search.isVisible()
    page.budget._last_load_seconds = 1.0  # as a large workspace would have taken
    page.budget.refresh()
    assert page.loading
    assert page.count_label.text() == "Loading actions…"
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    assert page.count_label.text() == "60 actions"
    assert page.totals_texts()[0] == "Total of 60 actions"
