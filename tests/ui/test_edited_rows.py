"""Saving an edit of one action shows it by reading that action's row again, not the whole list: the row is redrawn
where it is (no reset, the scroll and selection kept), the status bar's counts are not read again, and a row that
no longer passes the filters, or whose sort key changed, leaves or moves exactly as a full reload would show it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from locality.app import build_main_window
from locality.domain.entities import Entity
from locality.domain.vocabulary import ActionStatus
from locality.services.actions import ActionDraft
from locality.services.context import Changes
from locality.services.needs import NeedDraft
from locality.ui.actions_page import ActionsPage
from locality.ui.main_window import MainWindow
from locality.ui.needs_page import NeedsPage


@pytest.fixture
def window(qtbot, workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    built.services.context.today = lambda: date(2008, 6, 1)
    qtbot.addWidget(built)
    built.show()
    actions = built.services.actions
    for number, status in enumerate([ActionStatus.PLANNED] * 4 + [ActionStatus.IN_PROGRESS] * 2):
        actions.create(ActionDraft(title=f"Action {number}", status=status, due_on=date(2008, 7, 1 + number)))
    yield built
    built.close()


def _page(window: MainWindow) -> ActionsPage:
    page = window.show_page("actionsPage")
    assert isinstance(page, ActionsPage)
    assert not page.loading and page.model.total() == 6
    return page


def _shown_titles(page: ActionsPage) -> list[str]:
    return [page.model.row_at(number).title for number in range(page.model.total())]


def _edit(window: MainWindow, which: str, **changes: object) -> None:
    actions = window.services.actions
    [row] = [row for row in actions.list() if row.title == which]
    current = actions.get(row.id)
    actions.update(current.id, replace(current.as_draft(), **changes), current.version)


def _full_reload_titles(window: MainWindow, page: ActionsPage) -> list[str]:
    """What the page shows after reading every row again, as it did before rows were read one by one."""
    page.loader.refresh_when_shown()
    return _shown_titles(page)


def test_an_update_names_the_edited_action_and_a_create_does_not(window: MainWindow) -> None:
    heard: list[Changes] = []
    window.services.context.subscribe(heard.append)
    actions = window.services.actions
    created = actions.create(ActionDraft(title="New one"))
    actions.update(created.id, replace(created.as_draft(), notes="Checked"), created.version)
    with window.services.batch():
        again = actions.get(created.id)
        actions.update(created.id, replace(again.as_draft(), notes="Checked twice"), again.version)
    assert heard[0].edited is None  # an action was added: the lists and counts must read everything
    assert heard[1].edited == (Entity.ACTION, frozenset({created.id}))
    assert heard[1].edited_only(Entity.ACTION) == {created.id}
    assert heard[1].edited_only(Entity.NEED) is None
    assert heard[2].edited is None  # a batch may add and delete as well


def test_saving_one_action_redraws_its_row_in_place(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = _page(window)
    page.select_where(lambda row: row.title == "Action 2")
    resets: list[bool] = []
    page.model.modelReset.connect(lambda: resets.append(True))
    redrawn: list[tuple[int, int]] = []
    page.model.dataChanged.connect(lambda first, last, _roles=(): redrawn.append((first.row(), last.row())))
    counted: list[Entity] = []
    workspace = window.services.workspace
    count = workspace.count

    def counting(entity: Entity) -> int:
        counted.append(entity)
        return count(entity)

    workspace.count = counting  # type: ignore[method-assign]
    loads_before = page.loader.generation

    _edit(window, "Action 2", percent_complete=40, notes="Venue booked")

    number = page.model.index_where(lambda row: row.title == "Action 2")
    assert number is not None
    assert page.model.data(page.model.index(number, 6)) == "40%"
    assert resets == []  # not a reset: the view keeps its scroll position
    assert redrawn == [(number, number)]
    assert page.loader.generation == loads_before  # the list was not read again
    assert counted == []  # nor were 20,000 actions counted for a status bar that cannot have changed
    assert [row.title for row in page.selected_rows()] == ["Action 2"]
    assert page.count_label.text() == "6 actions"


def test_a_row_that_no_longer_passes_the_filters_leaves(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = _page(window)
    page.set_filter("status", ActionStatus.PLANNED)
    assert page.count_label.text() == "4 of 6 actions"
    _edit(window, "Action 1", status=ActionStatus.IN_PROGRESS)
    assert _shown_titles(page) == ["Action 0", "Action 2", "Action 3"]
    assert page.count_label.text() == "3 of 6 actions"
    _edit(window, "Action 4", status=ActionStatus.PLANNED)
    assert _shown_titles(page) == ["Action 0", "Action 2", "Action 3", "Action 4"]
    assert _shown_titles(page) == _full_reload_titles(window, page)


def test_a_row_whose_sort_key_changed_moves_to_its_place(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = _page(window)
    due = [column.title for column in page.model.columns].index("Due")
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        page.table.sortByColumn(due, order)
        _edit(window, "Action 0", due_on=date(2008, 7, 10))
        _edit(window, "Action 5", due_on=None)  # no date sorts last either way
        _edit(window, "Action 2", due_on=date(2009, 1, 1))
        shown = _shown_titles(page)
        assert shown == _full_reload_titles(window, page), order
        assert shown[-1] == "Action 5"
        _edit(window, "Action 5", due_on=date(2008, 7, 6))


def test_an_edit_while_the_page_is_hidden_is_shown_when_it_is_next_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = _page(window)
    window.show_page("organisationsPage")
    loads_before = page.loader.generation
    _edit(window, "Action 3", title="Action 3 renamed")
    assert "Action 3 renamed" not in _shown_titles(page)
    window.show_page("actionsPage")
    assert "Action 3 renamed" in _shown_titles(page)
    assert page.loader.generation == loads_before


def test_an_edit_of_an_action_not_in_the_list_reads_the_whole_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = _page(window)
    actions = window.services.actions
    # Added behind the list's back (notified as an edit, as another window's save might look).
    created = actions.create(ActionDraft(title="Added elsewhere"))
    page._all_rows = [row for row in page._all_rows if row.id != created.id]  # noqa: SLF001
    page._haystacks = [page.search_text(row) for row in page._all_rows]  # noqa: SLF001
    page._numbers = None  # noqa: SLF001
    actions.update(created.id, replace(created.as_draft(), notes="Seen"), created.version)
    assert "Added elsewhere" in _shown_titles(page)


def test_saving_one_need_redraws_its_row_in_place(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    needs = window.services.needs
    for title in ("Damp housing", "Lonely older people", "School readiness"):
        needs.create(NeedDraft(title=title))
    page = window.show_page("needsPage")
    assert isinstance(page, NeedsPage)
    qtbot.waitUntil(lambda: page.model.total() == 3)
    resets: list[bool] = []
    page.model.modelReset.connect(lambda: resets.append(True))
    loads_before = page.loader.generation
    [lonely] = [row for row in needs.list() if row.title == "Lonely older people"]
    current = needs.get(lonely.id)
    needs.update(current.id, replace(current.as_draft(), title="Isolated older people"), current.version)
    assert [page.model.row_at(number).title for number in range(3)] == [
        "Damp housing",
        "Isolated older people",
        "School readiness",
    ]
    assert resets == [] and page.loader.generation == loads_before
    assert needs.list(ids=[lonely.id]) == [row for row in needs.list() if row.id == lonely.id]
