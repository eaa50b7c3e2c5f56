"""The dashboard as a coordinator uses it: figures that open the lists behind them, charts that agree with the
figures, and board snapshots that say what has moved since the last meeting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from locality.domain.funding import NO_FUNDING_SOURCE
from locality.domain.values import format_money
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.actions import ActionDraft
from locality.services.context import User
from locality.services.funding import SpendDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.ui.actions_page import ActionsPage
from locality.ui.dashboard import links, snapshots
from locality.ui.dashboard.links import FigureListDialog
from locality.ui.dashboard.snapshots import EMPTY_SNAPSHOTS, RecordSnapshotDialog
from locality.ui.dashboard.wording import compact_money, short_name, spend_scale
from locality.ui.dashboard_page import DashboardPage
from locality.ui.env import UiEnv
from locality.ui.funding_page import FundingPage
from locality.ui.main_window import ChangeBridge
from locality.ui.needs_page import NeedsPage
from locality.ui.page import Page
from locality.ui.rag import RAG_BACKGROUND
from locality.ui.settings import AppSettings
from locality.ui.workers import background_work_pending
from tests.ui.helpers import when_dialog_opens

LATER = date(2009, 3, 1)  # eleven months into the demo's plan: reds, overdue actions and milestones to show


class Pages:
    """Stands in for the main window: builds the list pages the dashboard opens and shows the one asked for."""

    def __init__(self, qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
        self.env = UiEnv(services, QUndoStack(), AppSettings(), self.show_page)
        self.qtbot = qtbot
        self.built: dict[str, QWidget] = {}
        self.shown: list[str] = []

    def show_page(self, name: str) -> QWidget:
        if name not in self.built:
            builders = {"actionsPage": ActionsPage, "needsPage": NeedsPage, "fundingPage": FundingPage}
            page = builders[name](self.env) if name in builders else Page(self.env)
            page.setObjectName(name)
            self.qtbot.addWidget(page)
            self.built[name] = page
        page = self.built[name]
        page.show()
        self.shown.append(name)
        return page


@pytest.fixture
def later_services(demo_workspace_path: Path) -> Iterator[Services]:
    opened = Services.open(demo_workspace_path, User("Test User", "Test Org"), today=lambda: LATER)
    yield opened
    opened.close()


@pytest.fixture
def pages(qtbot, later_services: Services) -> Pages:  # type: ignore[no-untyped-def]
    return Pages(qtbot, later_services)


@pytest.fixture
def dashboard(qtbot, pages: Pages) -> DashboardPage:  # type: ignore[no-untyped-def]
    page = DashboardPage(pages.env)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    # As the main window does: changes (some made on worker threads) reach the page on the GUI thread.
    bridge = ChangeBridge(page)
    bridge.changed.connect(page.on_changes)
    pages.env.services.context.subscribe(bridge.changed.emit)
    qtbot.waitUntil(lambda: page.figures is not None and not page.busy, timeout=10_000)
    return page


def _shown_rows(page: ActionsPage | NeedsPage) -> int:
    return page.model.total()


def test_tiles_show_the_figures(dashboard: DashboardPage, later_services: Services) -> None:
    figures = later_services.dashboard.figures()
    tiles = dashboard.overview.tiles
    assert tiles["actions"].value_text == "60"
    assert tiles["red"].value_text == str(figures.rag_count(Rag.RED)) != "0"
    assert RAG_BACKGROUND[Rag.RED].name() in tiles["red"].styleSheet()
    assert tiles["overdue"].value_text == str(figures.overdue_actions) != "0"
    assert tiles["overdueMilestones"].value_text == str(len(figures.overdue_milestones))
    assert tiles["sharedUnaddressed"].value_text == str(figures.shared_needs_unaddressed)
    assert tiles["noNeed"].value_text == str(figures.actions_without_need)
    assert tiles["spent"].value_text.startswith("£")
    # Headline sums are short enough for the tile; the exact sum is in its tooltip.
    assert len(tiles["budget"].value_text) <= 9
    assert tiles["budget"].toolTip().startswith(format_money(figures.budget_pence))
    assert dashboard.heading.text() == later_services.workspace.details().partnership_name
    assert "Plan period" in dashboard.details.text() and "01/03/2009" in dashboard.details.text()


def test_red_tile_opens_the_actions_list_filtered_to_red(qtbot, dashboard: DashboardPage, pages: Pages) -> None:  # type: ignore[no-untyped-def]
    actions = pages.show_page("actionsPage")
    assert isinstance(actions, ActionsPage)
    qtbot.waitUntil(lambda: _shown_rows(actions) == 60, timeout=10_000)
    actions.set_filter("status", ActionStatus.PLANNED)  # left over from earlier: the dashboard clears it
    actions.search.setText("training")
    qtbot.mouseClick(dashboard.overview.tiles["red"], Qt.MouseButton.LeftButton)
    assert pages.shown[-1] == "actionsPage"
    assert actions.filter_value("rag") == Rag.RED
    assert actions.filter_value("status") is None
    assert actions.search.text() == ""
    qtbot.waitUntil(lambda: _shown_rows(actions) == int(dashboard.overview.tiles["red"].value_text), timeout=5_000)
    assert all(actions.model.row_at(i).rag == Rag.RED for i in range(_shown_rows(actions)))


def test_other_figures_open_their_lists(qtbot, dashboard: DashboardPage, pages: Pages) -> None:  # type: ignore[no-untyped-def]
    figures = dashboard.figures
    assert figures is not None
    dashboard.overview.tiles["overdue"].clicked.emit()
    actions = pages.built["actionsPage"]
    assert isinstance(actions, ActionsPage)
    assert actions.filter_value("timing") == "overdue"
    qtbot.waitUntil(lambda: _shown_rows(actions) == figures.overdue_actions, timeout=10_000)
    dashboard.overview.tiles["noNeed"].clicked.emit()
    assert actions.filter_value("timing") == "no_need"
    qtbot.waitUntil(lambda: _shown_rows(actions) == figures.actions_without_need)
    dashboard.overview.status_chart.bars.clicked.emit(
        dashboard.overview.status_chart.categories.index(ActionStatus.COMPLETED)
    )
    assert actions.filter_value("status") == ActionStatus.COMPLETED and actions.filter_value("timing") is None
    qtbot.waitUntil(lambda: _shown_rows(actions) == figures.status_count(ActionStatus.COMPLETED))
    dashboard.overview.rag_chart.slices[Rag.AMBER].clicked.emit()
    assert actions.filter_value("rag") == Rag.AMBER and actions.filter_value("status") is None

    dashboard.overview.tiles["sharedUnaddressed"].clicked.emit()
    needs = pages.built["needsPage"]
    assert isinstance(needs, NeedsPage)
    assert needs.filter_value("gap") == "shared_unaddressed"
    qtbot.waitUntil(lambda: _shown_rows(needs) == figures.shared_needs_unaddressed, timeout=10_000)

    dashboard.overview.tiles["spent"].clicked.emit()
    assert pages.shown[-1] == "fundingPage"
    funding = pages.built["fundingPage"]
    assert isinstance(funding, FundingPage) and funding.source_filter.currentData() is None
    dashboard.overview.spend_chart.sets[1].clicked.emit(0)  # the first funding source's "Spent" bar
    assert funding.tabs.currentIndex() == 1  # "Funding sources": the same allocated and spent as the bars
    selected = funding.sources.table.selectionModel().selectedRows()
    chosen = funding.sources.table.item(selected[0].row(), 0).data(Qt.ItemDataRole.UserRole)
    assert chosen == dashboard.overview.spend_chart.categories[0] is not None
    funding.set_filter("source", chosen)  # the user filters the actions list by that source...
    dashboard.overview.tiles["spent"].clicked.emit()  # ...then the Spent figure shows every action again
    assert funding.source_filter.currentData() is None and funding.tabs.currentIndex() == 0
    dashboard.overview.tiles["indicators"].clicked.emit()
    assert pages.shown[-1] == "indicatorsPage"


def test_overdue_milestones_tile_lists_them_and_opens_an_action(
    qtbot, dashboard: DashboardPage, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    figures = dashboard.figures
    assert figures is not None and figures.overdue_milestones
    opened: list[object] = []
    monkeypatch.setattr(links, "open_action", lambda _env, action_id, _parent: opened.append(action_id))
    seen: list[int] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, FigureListDialog)
        seen.append(dialog.tree.topLevelItemCount())
        first = dialog.tree.topLevelItem(0)
        dialog.tree.itemActivated.emit(first, 0)
        dialog.reject()

    failure = when_dialog_opens(look)
    dashboard.overview.tiles["overdueMilestones"].clicked.emit()
    failure.check()
    assert seen == [len(figures.overdue_milestones)]
    assert opened == [figures.overdue_milestones[0].action_id]


def test_charts_show_the_figures(dashboard: DashboardPage, later_services: Services) -> None:
    figures = dashboard.figures
    assert figures is not None
    for rag, piece in dashboard.overview.rag_chart.slices.items():
        assert piece.value() == figures.rag_count(rag)
    assert sum(piece.value() for piece in dashboard.overview.rag_chart.slices.values()) == figures.open_actions
    bars = dashboard.overview.status_chart.bars
    assert [bars.at(i) for i in range(bars.count())] == [
        figures.status_count(status) for status in dashboard.overview.status_chart.categories
    ]
    assert set(dashboard.overview.status_chart.categories) == set(ActionStatus)
    scale = dashboard.overview.spend_chart.scale
    # The whole plan's money is on the tiles, not a bar that would dwarf the sources' bars.
    assert dashboard.overview.spend_chart.chart.title() == "Spend by funding source"
    assert dashboard.overview.tiles["budget"].value_text == compact_money(figures.budget_pence)
    # Each funding source: what it allocated and what was spent against it, two bars of the same thickness.
    sources = later_services.funding.totals_by_source()
    charted = [s for s in sources if s.allocated_pence or s.spent_pence]
    assert dashboard.overview.spend_chart.categories == [s.funding_source_id or NO_FUNDING_SOURCE for s in charted]
    assert [bar.label() for bar in dashboard.overview.spend_chart.sets] == ["Allocated", "Spent"]
    for column, totals in enumerate(charted):
        allocated, spent = (round(bar.at(column) * scale * 100) for bar in dashboard.overview.spend_chart.sets)
        assert (allocated, spent) == (totals.allocated_pence, totals.spent_pence)
    # The largest source's bar reaches at least half way across: no slivers.
    axis = next(a for a in dashboard.overview.spend_chart.chart.axes() if isinstance(a, QValueAxis))
    assert (
        max(bar.at(column) for bar in dashboard.overview.spend_chart.sets for column in range(len(charted)))
        >= axis.max() / 2
    )


def test_dashboard_refreshes_after_a_change_made_elsewhere(
    qtbot, dashboard: DashboardPage, later_services: Services
) -> None:  # type: ignore[no-untyped-def]
    before = int(dashboard.overview.tiles["overdue"].value_text)
    later_services.actions.create(ActionDraft(title="Shared procurement review", due_on=LATER - timedelta(days=7)))
    qtbot.waitUntil(lambda: dashboard.overview.tiles["actions"].value_text == "61", timeout=10_000)
    assert dashboard.overview.tiles["overdue"].value_text == str(before + 1)
    assert int(dashboard.overview.tiles["red"].value_text) == dashboard.figures.rag_count(Rag.RED)  # type: ignore[union-attr]


def test_a_hidden_dashboard_is_marked_stale_and_works_its_figures_out_when_shown(
    qtbot, dashboard: DashboardPage, later_services: Services
) -> None:  # type: ignore[no-untyped-def]
    dashboard.hide()
    later_services.actions.create(ActionDraft(title="Shared procurement review"))
    later_services.actions.create(ActionDraft(title="Joint scrutiny training"))
    assert dashboard.loader.stale and not dashboard.busy  # nothing worked out while nobody looks
    assert dashboard.overview.tiles["actions"].value_text == "60"
    dashboard.show()
    assert not dashboard.loader.stale
    qtbot.waitUntil(lambda: dashboard.overview.tiles["actions"].value_text == "62", timeout=10_000)


def test_the_comparison_waits_for_its_tab_to_be_shown(
    qtbot, dashboard: DashboardPage, later_services: Services
) -> None:  # type: ignore[no-untyped-def]
    later_services.snapshots.take("February board", date(2009, 2, 26), "")
    assert dashboard.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: dashboard.snapshots.compare_combo.count() == 1, timeout=10_000)
    assert dashboard.snapshots.loader.stale and dashboard.snapshots.comparison is None
    dashboard.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: dashboard.snapshots.comparison is not None, timeout=10_000)
    assert not dashboard.snapshots.loader.stale


def test_empty_workspace_says_what_would_appear(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    page = DashboardPage(UiEnv(services, QUndoStack(), AppSettings()))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    # A partnership with nothing in it yet: where to begin, in place of a page of zeros.
    assert page.content.currentWidget() is page.empty_state
    assert page.empty_state.step_texts() == [
        "Add the partner organisations",
        "Import them from a spreadsheet…",
        "Read the user guide",
    ]
    # With its partners in, the figures show, each chart saying what would appear in it.
    figures = page.figures
    services.organisations.create(OrganisationDraft(name="Westshire County Council"))
    page.refresh()
    qtbot.waitUntil(lambda: page.figures is not figures and not page.busy, timeout=10_000)
    assert page.content.currentWidget() is page.tabs
    assert page.overview.tiles["actions"].value_text == "0"
    assert RAG_BACKGROUND[Rag.RED].name() not in page.overview.tiles["red"].styleSheet()  # no alarm for nothing
    assert page.overview.rag_chart.empty.isVisible() and not page.overview.rag_chart.view.isVisible()
    assert page.overview.spend_chart.empty.isVisible()
    page.tabs.setCurrentIndex(1)
    assert page.snapshots.snapshot_empty.isVisible() and page.snapshots.snapshot_empty.text() == EMPTY_SNAPSHOTS
    assert not page.snapshots.compare_combo.isVisible()


def test_record_a_snapshot_then_see_what_moved(
    qtbot, dashboard: DashboardPage, later_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    services = later_services
    dashboard.tabs.setCurrentIndex(1)
    assert dashboard.snapshots.snapshot_empty.isVisible()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, RecordSnapshotDialog)
        dialog.title_edit.setText("February board")
        dialog.meeting_on.set_value(date(2009, 2, 26))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(fill)
    dashboard.snapshots.record_button.click()
    failure.check()
    qtbot.waitUntil(lambda: dashboard.env.undo_stack.count() == 1, timeout=10_000)
    # The list is read again in the background, and opens on the snapshot just recorded.
    qtbot.waitUntil(lambda: dashboard.snapshots.compare_combo.count() == 1, timeout=10_000)
    assert dashboard.snapshots.compare_combo.currentText() == "February board — 26/02/2009"
    assert not dashboard.snapshots.snapshot_empty.isVisible()

    # Since the meeting: one open action completed, one slipped, one now overdue (red), and some spend.
    open_actions = [
        a for a in services.actions.list() if a.status not in (ActionStatus.COMPLETED, ActionStatus.CANCELLED)
    ]
    done, slipping = open_actions[0], next(a for a in open_actions[1:] if a.due_on is not None)
    action = services.actions.get(done.id)
    services.actions.update(
        done.id, replace(action.as_draft(), status=ActionStatus.COMPLETED, percent_complete=100), action.version
    )
    action = services.actions.get(slipping.id)
    assert action.due_on is not None
    services.actions.update(
        slipping.id, replace(action.as_draft(), due_on=action.due_on + timedelta(days=60)), action.version
    )
    green = next(
        a
        for a in open_actions[2:]
        if a.rag == Rag.GREEN and a.id != slipping.id and (a.start_on is None or a.start_on < LATER - timedelta(days=1))
    )
    action = services.actions.get(green.id)
    services.actions.update(green.id, replace(action.as_draft(), due_on=LATER - timedelta(days=1)), action.version)
    services.funding.create_spend(SpendDraft(action_id=green.id, spent_on=LATER, amount_pence=12_345))

    qtbot.waitUntil(
        lambda: dashboard.snapshots.comparison is not None and not dashboard.snapshots.comparing, timeout=10_000
    )
    qtbot.waitUntil(
        lambda: dashboard.snapshots.comparison is not None and dashboard.snapshots.comparison.spend.rises != (),
        timeout=10_000,
    )
    completed = dashboard.snapshots.moved_group("completed")
    assert completed is not None and completed.text(0) == "1 completed"
    assert completed.child(0).text(0) == done.title
    slipped = dashboard.snapshots.moved_group("slipped")
    assert slipped is not None and slipped.text(0).startswith("1 action slipped")
    assert slipped.child(0).text(0).startswith(f"{slipping.title} — 60 days later")
    brought = dashboard.snapshots.moved_group("broughtForward")
    if green.due_on is not None and green.due_on > LATER - timedelta(days=1):
        assert brought is not None and brought.text(0).startswith("1 action brought forward")
        assert brought.child(0).text(0).startswith(f"{green.title} — ")
    reds = dashboard.snapshots.moved_group("newReds")
    assert reds is not None and reds.text(0) == "1 new red"
    assert reds.child(0).text(0).startswith(green.title)
    spend = dashboard.snapshots.moved_group("spend")
    assert spend is not None and "+£123.45 since" in spend.text(0)
    summary = dashboard.snapshots.comparison_summary.text()
    assert "1 new red" in summary and "1 completed" in summary and "+£123.45 spent" in summary

    opened: list[object] = []
    monkeypatch.setattr(snapshots, "open_action", lambda _env, action_id, _parent: opened.append(action_id))
    dashboard.snapshots.moved_tree.itemActivated.emit(reds.child(0), 0)
    assert opened == [green.id]

    # Undo takes the recording back, on a worker thread: the GUI thread is free while 20,000 rows might go.
    dashboard.env.undo_stack.undo()
    assert background_work_pending()
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=10_000)
    assert services.snapshots.list() == []
    qtbot.waitUntil(lambda: dashboard.snapshots.snapshot_empty.isVisible(), timeout=5_000)


def test_undo_and_redo_of_a_snapshot_delete_run_off_the_gui_thread_in_order(
    qtbot, dashboard: DashboardPage, later_services: Services
) -> None:  # type: ignore[no-untyped-def]
    services = later_services
    taken = services.snapshots.take("February board", date(2009, 2, 26), "")
    recorded = services.snapshots.compare(taken.id)
    dashboard.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: dashboard.snapshots.compare_combo.count() == 1, timeout=10_000)
    stack = dashboard.env.undo_stack

    dashboard.snapshots.delete_snapshot_button.click()
    qtbot.waitUntil(lambda: stack.count() == 1 and not background_work_pending(), timeout=10_000)
    assert services.snapshots.list() == []
    assert stack.undoText() == "delete board snapshot February board — 26/02/2009"

    # Undo brings it back through a worker, not on the GUI thread: handed over, not done, when undo() returns.
    # (Whether the worker has finished by the next line is a race, so the restored list is not asserted here.)
    stack.undo()
    assert background_work_pending()
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=10_000)
    assert [snapshot.id for snapshot in services.snapshots.list()] == [taken.id]
    back = services.snapshots.compare(taken.id)
    assert replace(back, snapshot=recorded.snapshot) == recorded  # every recorded position is back (a new version)
    qtbot.waitUntil(lambda: dashboard.snapshots.compare_combo.count() == 1, timeout=10_000)

    # Pressed quickly one after another, each waits for the one before: delete, restore, delete.
    stack.redo()
    stack.undo()
    stack.redo()
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=20_000)
    assert services.snapshots.list() == []
    assert stack.index() == 1 and stack.count() == 1  # nothing failed or was dropped
    qtbot.waitUntil(lambda: dashboard.snapshots.snapshot_empty.isVisible(), timeout=5_000)


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(10_359_950_000, "£103.6m"), (4_823_150, "£48.2k"), (95_000, "£950.00"), (0, "£0.00")],
)
def test_headline_sums_read_as_a_board_paper_writes_them(pence: int, shown: str) -> None:
    assert compact_money(pence) == shown


def test_spend_chart_scale_follows_the_largest_bar() -> None:
    assert spend_scale(25_000_000) == (1_000_000, "£ millions")
    assert spend_scale(10_000) == (1_000, "£ thousands")
    assert spend_scale(9_999.99) == (1, "£")


def test_long_names_are_cut_beside_a_bar() -> None:
    assert short_name("Capacity-building fund") == "Capacity-building fund"
    assert short_name("Performance reward grant for partners") == "Performance reward gr…"


def test_a_snapshot_deleted_while_it_is_compared_is_dropped_without_a_warning(
    qtbot, dashboard: DashboardPage, later_services: Services, demo_workspace_path: Path
) -> None:  # type: ignore[no-untyped-def]
    taken = later_services.snapshots.take("March board", date(2009, 3, 26), "")
    dashboard.tabs.setCurrentIndex(1)
    tab = dashboard.snapshots
    qtbot.waitUntil(lambda: tab.compare_combo.count() == 1 and not background_work_pending(), timeout=10_000)
    other = Services.open(demo_workspace_path, User("Another coordinator"))
    try:
        other.snapshots.delete(taken.id)  # deleted from another computer: this window has not heard yet
    finally:
        other.close()
    tab.compare()  # still chosen in the list: its comparison finds it gone
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=10_000)
    # No warning box (the test fails on any); the list is read again without it, and says there is none.
    qtbot.waitUntil(lambda: tab.compare_combo.count() == 0 and tab.snapshot_empty.isVisible(), timeout=5_000)
    assert not tab.comparing
