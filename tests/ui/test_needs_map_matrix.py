"""The needs map's matrix tab on the small demo: the model (checked by pytest-qt's model tester), the figures it
shows, clicking cells to link and unlink with undo and redo, filters and sorts, loading in the background, and
exporting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog

from locality.domain.vocabulary import NeedRole, NeedStatus, Priority
from locality.services.needs_map import CellLink, MatrixSort
from locality.services.registry import Services
from locality.ui.env import UiEnv
from locality.ui.needs_map.matrix import MatrixTab
from locality.ui.needs_map.matrix_cells import ACTIONS_COLUMN, FIXED_COLUMNS, NEED_COLUMN, SHARED_COLUMN
from locality.ui.settings import AppSettings
from tests.ui.helpers import when_dialog_opens


@pytest.fixture
def tab(qtbot, demo_services: Services) -> MatrixTab:  # type: ignore[no-untyped-def]
    widget = MatrixTab(UiEnv(demo_services, QUndoStack(), AppSettings()))
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loading)
    return widget


def _click(qtbot, tab: MatrixTab, row: int, column: int, button=Qt.MouseButton.LeftButton) -> None:  # type: ignore[no-untyped-def]
    index = tab.model.index(row, column)
    tab.table.scrollTo(index)
    rect = tab.table.visualRect(index)
    assert rect.left() >= tab.table.frozen_width(), "the cell is out from under the frozen columns"
    qtbot.mouseClick(tab.table.viewport(), button, pos=rect.center())


def _links(services: Services, need_id) -> dict:  # type: ignore[no-untyped-def]
    return {link.organisation_id: (link.role, link.severity) for link in services.needs.get(need_id).links}


def test_model_passes_the_model_tester(qtmodeltester, tab: MatrixTab) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 40
    assert tab.model.columnCount() == FIXED_COLUMNS + 12


def test_shares_and_gaps_match_the_needs_service(tab: MatrixTab, demo_services: Services) -> None:
    summaries = {need.id: need for need in demo_services.needs.list()}
    model = tab.model
    no_action_rows = 0
    for row in range(model.rowCount()):
        need_id = model.need_at(row).id
        summary = summaries[need_id]
        assert model.index(row, NEED_COLUMN).data() == summary.title
        assert model.headerData(row, Qt.Orientation.Vertical) == summary.title
        assert model.index(row, SHARED_COLUMN).data() == str(summary.organisation_count)
        action_text = model.index(row, ACTIONS_COLUMN).data()
        if summary.action_count == 0:
            no_action_rows += 1
            assert action_text == "No action"
            assert model.index(row, ACTIONS_COLUMN).data(Qt.ItemDataRole.FontRole).bold()
        else:
            assert action_text == str(summary.action_count)
        title_font = model.index(row, NEED_COLUMN).data(Qt.ItemDataRole.FontRole)
        assert (title_font is not None and title_font.bold()) == summary.is_shared
        filled = [
            model.index(row, column).data()
            for column in range(FIXED_COLUMNS, model.columnCount())
            if model.index(row, column).data()
        ]
        assert len(filled) == summary.organisation_count
    shared = sum(1 for need in summaries.values() if need.is_shared)
    assert tab.count_label.text().startswith(f"40 of 40 needs · {shared} shared · {no_action_rows} with no action")


def test_cells_say_role_and_severity_in_words(tab: MatrixTab, demo_services: Services) -> None:
    model = tab.model
    seen: set[str] = set()
    for row in range(model.rowCount()):
        need = model.need_at(row)
        links = _links(demo_services, need.id)
        for column in range(FIXED_COLUMNS, model.columnCount()):
            organisation = model.organisation_at(column)
            text = model.index(row, column).data()
            if organisation.id in links:
                role, severity = links[organisation.id]
                expected = CellLink(role, severity).short_text
                assert text == expected
                assert model.index(row, column).data(Qt.ItemDataRole.BackgroundRole) is not None
                seen.add(text.split()[0])
            else:
                assert text == ""
    assert seen == {"Lead", "Raised", "Shares"}
    header = model.headerData(FIXED_COLUMNS, Qt.Orientation.Horizontal)
    organisation = model.organisation_at(FIXED_COLUMNS)
    assert header == (organisation.short_name or organisation.name)
    assert model.headerData(FIXED_COLUMNS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole).startswith(
        organisation.name
    )


def test_clicking_an_empty_cell_links_and_undo_unlinks(qtbot, tab: MatrixTab, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    model = tab.model
    row, column = next(
        (r, c)
        for r in range(model.rowCount())
        for c in range(FIXED_COLUMNS + 3, model.columnCount())
        if model.link_at(r, c) is None
    )
    need, organisation = model.need_at(row), model.organisation_at(column)
    count = need.organisation_count
    _click(qtbot, tab, row, column)
    assert _links(demo_services, need.id)[organisation.id] == (NeedRole.SHARES, None)
    new_row = model.row_of(need.id)
    assert model.index(new_row, model.column_of(organisation.id)).data() == "Shares"
    assert model.need_at(new_row).organisation_count == count + 1

    stack = tab.env.undo_stack
    assert stack.count() == 1 and stack.undoText().startswith("link")
    stack.undo()
    assert organisation.id not in _links(demo_services, need.id)
    assert model.link_at(model.row_of(need.id), model.column_of(organisation.id)) is None
    stack.redo()
    assert _links(demo_services, need.id)[organisation.id] == (NeedRole.SHARES, None)


def test_clicking_a_link_unlinks_and_undo_brings_back_role_and_severity(
    qtbot, tab: MatrixTab, demo_services: Services
) -> None:  # type: ignore[no-untyped-def]
    model = tab.model
    row, column = next(
        (r, c)
        for r in range(model.rowCount())
        for c in range(FIXED_COLUMNS, model.columnCount())
        if (link := model.link_at(r, c)) is not None and link.severity is not None and link.role != NeedRole.SHARES
    )
    before = model.link_at(row, column)
    need, organisation = model.need_at(row), model.organisation_at(column)
    _click(qtbot, tab, row, column)
    assert organisation.id not in _links(demo_services, need.id)
    assert model.index(model.row_of(need.id), column).data() == ""

    tab.env.undo_stack.undo()
    assert _links(demo_services, need.id)[organisation.id] == (before.role, before.severity)
    assert model.link_at(model.row_of(need.id), column) == before
    tab.env.undo_stack.redo()
    assert organisation.id not in _links(demo_services, need.id)


def test_right_click_menu_sets_role_and_severity(tab: MatrixTab, demo_services: Services) -> None:
    model = tab.model
    row = 0
    column = next(c for c in range(FIXED_COLUMNS, model.columnCount()) if model.link_at(row, c) is None)
    need, organisation = model.need_at(row), model.organisation_at(column)
    menu = tab.cell_menu(row, column)
    lead = next(action for action in menu.actions() if action.text() == "Lead").menu()
    next(action for action in lead.actions() if "3 (high)" in action.text()).trigger()
    assert _links(demo_services, need.id)[organisation.id] == (NeedRole.LEAD, Priority.HIGH)
    assert model.index(model.row_of(need.id), column).data() == "Lead 3"
    tab.env.undo_stack.undo()
    assert organisation.id not in _links(demo_services, need.id)


def test_filters_and_sorts(qtbot, tab: MatrixTab, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    summaries = demo_services.needs.list()
    shared = [need for need in summaries if need.is_shared]
    tab.set_filter("shared", True)
    assert tab.model.rowCount() == len(shared)
    assert tab.count_label.text().startswith(f"{len(shared)} of 40 needs")
    tab.set_filter("no_action", True)
    both = [need for need in shared if need.action_count == 0]
    assert tab.model.rowCount() == len(both) > 0
    assert all(tab.model.index(r, ACTIONS_COLUMN).data() == "No action" for r in range(tab.model.rowCount()))
    assert tab.clear_button.isEnabled()
    tab.clear_filters()
    assert tab.model.rowCount() == 40 and not tab.clear_button.isEnabled()

    tab.set_filter("status", NeedStatus.AGREED)
    assert tab.model.rowCount() == sum(1 for need in summaries if need.status == NeedStatus.AGREED)
    tab.clear_filters()
    organisation_id = tab.model.organisation_at(FIXED_COLUMNS).id
    tab.set_filter("organisation", organisation_id)
    assert tab.model.rowCount() == len(demo_services.needs.list(organisation_id=organisation_id))
    tab.clear_filters()

    tab.set_filter("sort", MatrixSort.PRIORITY)
    rank = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2, None: 3}
    ranks = [rank[tab.model.need_at(r).priority] for r in range(tab.model.rowCount())]
    assert ranks == sorted(ranks)
    tab.set_filter("sort", MatrixSort.ORGANISATIONS)
    counts = [tab.model.need_at(r).organisation_count for r in range(tab.model.rowCount())]
    assert counts == sorted(counts, reverse=True)

    tab.set_filter("theme", tab.model.need_at(0).theme_id)
    tab.set_filter("status", NeedStatus.CLOSED)
    tab.set_filter("shared", True)
    if tab.model.rowCount() == 0:
        assert tab.stack.currentWidget() is tab.placeholder
        assert "No need matches these filters" in tab.placeholder.text()


def test_loads_in_the_background_when_slow(qtbot, tab: MatrixTab) -> None:  # type: ignore[no-untyped-def]
    tab._last_load_seconds = 1.0  # as a large workspace would have taken
    tab.set_filter("shared", True)
    assert tab.loading
    assert tab.count_label.text() == "Loading the needs map…"
    qtbot.waitUntil(lambda: not tab.loading)
    assert all(tab.model.need_at(r).is_shared for r in range(tab.model.rowCount()))
    assert tab.stack.currentWidget() is tab.table


def test_double_clicking_a_title_opens_the_need(qtbot, tab: MatrixTab) -> None:  # type: ignore[no-untyped-def]
    title = tab.model.need_at(0).title
    seen: list[str] = []

    def act(dialog: QDialog) -> None:
        seen.append(dialog.title_edit.text())  # type: ignore[attr-defined]
        dialog.reject()

    failure = when_dialog_opens(act)
    frozen = tab.table.frozen
    rect = frozen.visualRect(tab.model.index(0, NEED_COLUMN))
    # A real double-click: a click, then the second press Qt reports as a double-click.
    qtbot.mouseClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    failure.check()
    assert seen == [title]


def test_frozen_columns_stay_while_scrolling_right(qtbot, tab: MatrixTab) -> None:  # type: ignore[no-untyped-def]
    last = tab.model.index(tab.model.rowCount() - 1, tab.model.columnCount() - 1)
    tab.table.scrollTo(last)
    frozen = tab.table.frozen
    assert frozen.isVisible() and frozen.width() == tab.table.frozen_width()
    assert frozen.indexAt(QPoint(10, 40)).column() == NEED_COLUMN
    assert frozen.verticalScrollBar().value() == tab.table.verticalScrollBar().value() > 0


def test_export_writes_the_filtered_matrix(qtbot, tab: MatrixTab, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import csv

    tab.set_filter("shared", True)
    target = tmp_path / "shared.csv"
    tab.export_to(target)
    qtbot.waitUntil(lambda: tab.work is not None and tab.work.finished, timeout=10000)
    assert tab.exported == target
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) - 1 == tab.model.rowCount()
    assert "Exported" in tab.count_label.text()


def test_empty_workspace_says_what_to_do(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    widget = MatrixTab(UiEnv(services, QUndoStack(), AppSettings()))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.stack.currentWidget() is widget.placeholder
    assert "No needs yet" in widget.placeholder.text()
    assert not widget.export_button.isEnabled()


def test_organisation_names_are_written_upwards_in_full(tab: MatrixTab) -> None:
    from locality.ui.needs_map.matrix_view import UpwardHeader

    header = tab.table.horizontalHeader()
    assert isinstance(header, UpwardHeader) and header.first_upward == FIXED_COLUMNS
    assert header.sectionSize(FIXED_COLUMNS) < 80  # narrow columns, one an organisation
    room = header.height() - 12
    metrics = header.fontMetrics()
    names = [
        tab.model.headerData(column, Qt.Orientation.Horizontal)
        for column in range(FIXED_COLUMNS, tab.model.columnCount())
    ]
    assert names and all(metrics.horizontalAdvance(name) <= room for name in names)
    assert not header.grab().isNull()  # painting the upward headings works


def test_double_clicking_a_cell_links_one_need_only(qtbot, tab: MatrixTab, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    """The first click links and re-sorts the rows (most shared first); the second click of the double-click
    lands on whichever need moved under the pointer, and must not link that one too."""
    model = tab.model
    # A need level with the one above it, so that one more organisation lifts it past that one.
    row, column = next(
        (r, c)
        for r in range(1, model.rowCount())
        if model.need_at(r - 1).organisation_count == model.need_at(r).organisation_count
        for c in range(FIXED_COLUMNS + 3, model.columnCount())
        if model.link_at(r, c) is None
    )
    need, organisation = model.need_at(row), model.organisation_at(column)
    linked_before = {
        other.id: organisation.id in _links(demo_services, other.id) for other in demo_services.needs.list()
    }
    index = model.index(row, column)
    tab.table.scrollTo(index)
    position = tab.table.visualRect(index).center()
    viewport = tab.table.viewport()
    hints = QApplication.styleHints()
    interval = hints.mouseDoubleClickInterval()
    hints.setMouseDoubleClickInterval(10_000)  # however slow this machine, the clicks count as one double-click
    try:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=position)
        tab.refresh()  # as the window does on hearing of the change: the rows re-sort
        qtbot.waitUntil(lambda: not tab.loading and model.row_of(need.id) != row)
        assert model.need_at(row).id != need.id  # another need is under the pointer now
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=position)
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=position)
    finally:
        hints.setMouseDoubleClickInterval(interval)
    linked_after = {
        other.id: organisation.id in _links(demo_services, other.id) for other in demo_services.needs.list()
    }
    changed = [need_id for need_id in linked_after if linked_after[need_id] != linked_before.get(need_id)]
    assert changed == [need.id]
    assert tab.env.undo_stack.count() == 1
