"""The needs map's Gaps, Heat map and Ranking tabs, driven as a user would on the small demo partnership."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableView

from locality.services.need_analysis import RankingFormula
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.registry import Services
from locality.ui.action_dialog import ActionDialog, open_action
from locality.ui.env import UiEnv
from locality.ui.need_dialog import NeedDialog
from locality.ui.needs_map.gaps import GapsTab
from locality.ui.needs_map.heat_map import HeatMapTab
from locality.ui.needs_map.ranking import RankingTab
from locality.ui.needs_page import NeedsPage
from locality.ui.settings import AppSettings
from tests.ui.helpers import when_dialog_opens


def _env(services: Services) -> UiEnv:
    return UiEnv(services, QUndoStack(), AppSettings())


def _shown(qtbot: Any, tab: Any) -> Any:
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitUntil(lambda: not tab.loading)
    return tab


def _double_click(qtbot: Any, table: QTableView, row: int, column: int = 0) -> None:
    index = table.model().index(row, column)
    table.scrollTo(index)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def _click(qtbot: Any, table: QTableView, index: QModelIndex) -> None:
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def _expect_need_dialog(need_id: uuid.UUID) -> Any:
    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, NeedDialog)
        assert dialog.need is not None and dialog.need.id == need_id
        dialog.reject()

    return when_dialog_opens(act)


# --------------------------------------------------------------------------- gaps


def test_gaps_tab_shows_both_lists_with_their_counts(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    gaps = demo_services.analysis.gaps()
    tab = _shown(qtbot, GapsTab(_env(demo_services)))

    assert tab.title == "Gaps"
    assert tab.needs_heading.text() == f"Shared needs with no joint action ({gaps.shared_unaddressed_count})"
    assert tab.actions_heading.text() == f"Actions that address no need ({gaps.needless_actions_count})"
    assert tab.needs.model.total() == gaps.shared_unaddressed_count
    assert tab.needless_actions.model.total() == gaps.needless_actions_count
    assert "two or more organisations" in tab.findChild(type(tab.needs_heading), "gapsIntro").text()
    assert not tab.plan_button.isEnabled(), "nothing is selected yet"

    # Double-clicking a shared need opens it.
    first = tab.needs.model.row_at(0)
    failure = _expect_need_dialog(first.id)
    _double_click(qtbot, tab.needs.table, 0)
    failure.check()

    # Double-clicking an action opens the action.
    action = tab.needless_actions.model.row_at(0)

    def check_action(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        assert dialog.action is not None and dialog.action.id == action.id
        dialog.reject()

    failure = when_dialog_opens(check_action)
    _double_click(qtbot, tab.needless_actions.table, 0)
    failure.check()


def test_planning_a_joint_action_takes_the_need_off_the_gaps_list(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    tab = _shown(qtbot, GapsTab(_env(demo_services)))
    before = tab.needs.model.total()
    tab.needs.table.selectRow(0)
    need = tab.needs.selected()
    assert need is not None and tab.plan_button.isEnabled()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog) and dialog.action is None
        assert "joint action for 1 need" in dialog.rag_label.text()
        dialog.tabs.setCurrentIndex(2)  # the Needs tab: the need is already ticked
        ticked = [
            dialog.needs_list.item(n).data(Qt.ItemDataRole.UserRole)
            for n in range(dialog.needs_list.count())
            if dialog.needs_list.item(n).checkState() == Qt.CheckState.Checked
        ]
        assert ticked == [need.id]
        dialog.title_edit.setText("Joint workshop on the shared need")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(fill)
    tab.plan_button.click()
    failure.check()
    qtbot.waitUntil(lambda: not tab.loading)

    assert need.id not in {row.id for row in tab.needs.model.all_rows()}
    assert tab.needs.model.total() == before - 1
    assert tab.needs_heading.text() == f"Shared needs with no joint action ({before - 1})"
    [created] = demo_services.actions.list(search="Joint workshop on the shared need")
    action = demo_services.actions.get(created.id)
    assert action.need_ids == (need.id,)
    # The need's organisations make the action: one leads, the others are partners; the theme is the need's.
    organisations = {link.organisation_id for link in demo_services.needs.get(need.id).links}
    assert action.lead_organisation_id in organisations
    assert {partner.organisation_id for partner in action.partners} == organisations - {action.lead_organisation_id}
    assert action.theme_id == need.theme_id


def test_open_action_can_start_with_a_lead_and_needs(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    env = _env(demo_services)
    lead_id = demo_services.organisations.names()[1][0]
    need_id = demo_services.needs.list()[0].id

    def check(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        assert dialog.lead.currentData() == lead_id
        assert dialog.chosen_need_ids() == (need_id,)
        dialog.reject()

    failure = when_dialog_opens(check)
    assert open_action(env, None, None, need_ids=[need_id], lead_organisation_id=lead_id) is None
    failure.check()


def test_show_in_needs_list_opens_the_needs_page_filtered(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    env = _env(demo_services)
    needs_page = NeedsPage(env)
    qtbot.addWidget(needs_page)
    opened: list[str] = []

    def show_page(name: str) -> NeedsPage:
        opened.append(name)
        return needs_page

    env.show_page = show_page
    tab = _shown(qtbot, GapsTab(env))
    tab.show_needs_button.click()
    assert opened == ["needsPage"]
    assert needs_page.filter_value("gap") == "shared_unaddressed"


def test_gaps_tab_explains_an_empty_workspace(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    tab = _shown(qtbot, GapsTab(_env(services)))
    assert tab.needs_heading.text() == "Shared needs with no joint action (0)"
    assert tab.needs.stack.currentWidget() is tab.needs.message
    assert "Every shared need has at least one action" in tab.needs.message.text()
    assert not tab.show_needs_button.isEnabled(), "there is no main window to open the Needs page in"


# --------------------------------------------------------------------------- heat map


def test_heat_map_shows_the_counts_and_lists_a_cells_needs(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    analysis = demo_services.analysis
    heat = analysis.heat_map()
    tab = _shown(qtbot, HeatMapTab(_env(demo_services)))
    model = tab.model

    assert tab.title == "Heat map"
    assert model.rowCount() == len(heat.rows) + 1 and model.columnCount() == len(heat.columns) + 1
    for row_number, row in enumerate(heat.rows):
        assert model.headerData(row_number, Qt.Orientation.Vertical) == row.name
        assert model.index(row_number, 0).data() == str(row.total)
        for column in heat.columns:
            _row, where = tab.cell_position(row.theme_id, column.organisation_id)
            assert model.index(row_number, where).data() == str(heat.cell(row.theme_id, column.organisation_id))
    assert model.index(len(heat.rows), 0).data() == str(heat.total)

    # Click the busiest cell: its needs are listed below under a caption.
    row = max(heat.rows, key=lambda r: max(r.cells))
    column = heat.columns[row.cells.index(max(row.cells))]
    row_number, column_number = tab.cell_position(row.theme_id, column.organisation_id)
    _click(qtbot, tab.table, model.index(row_number, column_number))
    qtbot.waitUntil(lambda: not tab.drilling)
    expected = analysis.drill_down(row.theme_id, column.organisation_id)
    count = len(expected)
    assert tab.cell_heading.text() == f"{row.name} × {column.name}: {count} need{'s' if count != 1 else ''}"
    assert [n.id for n in tab.cell_needs.model.all_rows()] == [n.id for n in expected]

    # Double-clicking a listed need opens it.
    first = tab.cell_needs.model.row_at(0)
    failure = _expect_need_dialog(first.id)
    _double_click(qtbot, tab.cell_needs.table, 0)
    failure.check()

    # An organisation's total lists all its needs.
    _click(qtbot, tab.table, model.index(len(heat.rows), column_number))
    qtbot.waitUntil(lambda: not tab.drilling)
    assert tab.cell_needs.model.total() == column.total
    assert tab.cell_heading.text().startswith(f"All themes × {column.name}: ")


def test_heat_map_with_service_areas_separately(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    tab = _shown(qtbot, HeatMapTab(_env(demo_services)))
    rolled_up = tab.model.rowCount()
    tab.separate_box.setChecked(True)
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() > rolled_up)

    heat = demo_services.analysis.heat_map(service_areas_separate=True)
    row = next(r for r in heat.rows if r.is_service_area and sum(r.cells) > 0)
    column = heat.columns[row.cells.index(max(row.cells))]
    row_number, column_number = tab.cell_position(row.theme_id, column.organisation_id)
    assert tab.model.headerData(row_number, Qt.Orientation.Vertical).strip() == row.name
    _click(qtbot, tab.table, tab.model.index(row_number, column_number))
    qtbot.waitUntil(lambda: not tab.drilling)
    expected = demo_services.analysis.drill_down(row.theme_id, column.organisation_id, service_areas_separate=True)
    assert tab.cell_heading.text().startswith(f"{row.name} × {column.name}: {len(expected)} need")
    assert {n.id for n in tab.cell_needs.model.all_rows()} == {n.id for n in expected}
    assert all(n.theme_id == row.theme_id for n in tab.cell_needs.model.all_rows())


def test_heat_map_explains_an_empty_workspace(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    tab = _shown(qtbot, HeatMapTab(_env(services)))
    assert tab.map_stack.currentWidget() is tab.map_message
    assert "No need is linked to an organisation yet" in tab.map_message.text()


# --------------------------------------------------------------------------- ranking


def test_ranking_tab_shows_the_formula_and_follows_the_weights(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    analysis = demo_services.analysis
    tab = _shown(qtbot, RankingTab(_env(demo_services)))

    assert tab.title == "Ranking"
    assert tab.formula_label.text() == RankingFormula().describe()
    ranking = analysis.ranking()
    rows = tab.table.model.all_rows()
    assert [r.need_id for r in rows] == [r.need_id for r in ranking.rows]
    model = tab.table.model
    assert model.index(0, 0).data() == "1"
    assert model.index(0, 5).data() == str(ranking.rows[0].score)
    assert model.index(0, 6).data() == ranking.rows[0].explain()

    # Only workshop dots count: the order follows the dots.
    tab.priority_weight.setValue(0)
    tab.organisations_weight.setValue(0)
    assert tab.formula_label.text().startswith("Score = 0 × priority points")
    qtbot.waitUntil(lambda: not tab.loading and tab.ranking is not None and tab.ranking.formula.organisations == 0)
    by_dots = analysis.ranking(RankingFormula(0, 0, 1))
    assert [r.need_id for r in tab.table.model.all_rows()] == [r.need_id for r in by_dots.rows]
    dots = [r.dots for r in tab.table.model.all_rows()]
    assert dots == sorted(dots, reverse=True)

    # All weights at zero cannot rank anything: the tab says so.
    tab.set_weights(0, 0, 0)
    assert tab.error_label.isVisibleTo(tab)
    assert "at least one weight" in tab.error_label.text()
    assert tab.table.stack.currentWidget() is tab.table.message

    tab.reset_button.click()
    qtbot.waitUntil(lambda: not tab.loading)
    assert not tab.error_label.isVisibleTo(tab)
    assert tab.formula_label.text() == RankingFormula().describe()
    assert [r.need_id for r in tab.table.model.all_rows()] == [r.need_id for r in ranking.rows]

    # Met and closed needs come in when asked for.
    tab.closed_box.setChecked(True)
    qtbot.waitUntil(lambda: not tab.loading and tab.ranking is not None and tab.ranking.include_closed)
    assert tab.table.model.total() == len(demo_services.needs.list())

    # Double-clicking a ranked need opens it.
    failure = _expect_need_dialog(tab.table.model.row_at(0).need_id)
    _double_click(qtbot, tab.table.table, 0, 1)
    failure.check()


def _shown_text(table: QTableView, row: int, column: int) -> str:
    """The text as drawn in the cell: cut to the column's width the way the view cuts it."""
    text = str(table.model().index(row, column).data())
    width = table.columnWidth(column) - 8  # less the cell's margins
    return table.fontMetrics().elidedText(text, table.textElideMode(), width)


def test_gaps_titles_that_start_alike_are_told_apart_on_screen(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    organisations = demo_services.organisations.list()
    links = (NeedLinkDraft(organisations[0].id), NeedLinkDraft(organisations[1].id))
    stem = "A shared evidence base for local area agreement targets agreed with every partner"
    for place in ("in Selbourne district", "in Wexcombe borough"):
        demo_services.needs.create(NeedDraft(title=f"{stem} {place}", organisations=links))
    tab = _shown(qtbot, GapsTab(_env(demo_services)))
    table = tab.needs.table
    model = tab.needs.model
    rows = [row for row in range(model.rowCount()) if str(model.index(row, 0).data()).startswith(stem)]
    assert len(rows) == 2
    shown = {_shown_text(table, row, 0) for row in rows}
    assert len(shown) == 2, f"both rows read {shown}"
    assert any(text.endswith("Selbourne district") for text in shown)
    # The title takes the room the short columns leave.
    assert table.columnWidth(0) == max(table.columnWidth(c) for c in range(model.columnCount()))
