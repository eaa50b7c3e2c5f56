"""Colour is never the only signal: wherever a RAG rating (or a needs-map role) is shown in colour, its word is
shown or read with it — the actions list, the action dialog, the dashboard's tiles and chart, the timeline's bars,
the needs matrix and the chase list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from locality.app import build_main_window
from locality.domain.vocabulary import Rag
from locality.ui.action_dialog import ActionDialog
from locality.ui.actions_page import ActionsPage
from locality.ui.chase_dialog import ChaseDialog
from locality.ui.dashboard_page import DashboardPage
from locality.ui.main_window import MainWindow
from locality.ui.needs_map.matrix import MatrixTab
from locality.ui.needs_map.matrix_cells import ACTIONS_COLUMN, FIXED_COLUMNS
from locality.ui.needs_map_page import NeedsMapPage
from locality.ui.timeline.view import bar_label
from locality.ui.timeline.wording import describe_action
from locality.ui.timeline_page import TimelinePage

WORDS = {rag.value for rag in Rag}
BACKGROUND, FOREGROUND = Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole


@pytest.fixture
def window(qtbot, demo_workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    built.services.context.today = lambda: date(2009, 6, 1)  # a year in: every rating has actions
    qtbot.addWidget(built)
    built.resize(1350, 696)
    built.show()
    yield built
    built.close()


def test_the_actions_list_says_each_rating_it_colours(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("actionsPage")
    assert isinstance(page, ActionsPage)
    qtbot.waitUntil(lambda: not page.loading and page.model.rowCount() > 0, timeout=10_000)
    model = page.model
    column = [model.headerData(number, Qt.Orientation.Horizontal) for number in range(model.columnCount())].index("RAG")
    seen = set()
    for row in range(model.rowCount()):
        index = model.index(row, column)
        text = model.data(index)
        if model.data(index, BACKGROUND) is not None:
            assert text in WORDS, text
            assert model.data(index, FOREGROUND) is not None  # its text keeps its contrast in any palette
            seen.add(text)
    assert seen == WORDS


def test_the_action_dialog_says_its_rating(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    assert services is not None
    for row in services.actions.list()[:10]:
        action = services.actions.get(row.id)
        dialog = ActionDialog(window.env, action, window)
        qtbot.addWidget(dialog)
        word = action.rag.rag.value if action.rag.rag is not None else "Not rated"
        assert dialog.rag_label.text().startswith(f"{word}:")
        assert word in dialog.rag_label.accessibleName()
        dialog.close()


def test_the_dashboard_names_the_ratings_it_colours(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("dashboardPage")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.figures is not None and not page.busy, timeout=10_000)
    slices = page.overview.rag_chart.slices
    assert {rag.value for rag in slices if rag is not None} == WORDS
    for rag, piece in slices.items():
        word = rag.value if rag is not None else "Not rated"
        assert piece.label().startswith(f"{word}:") and piece.isLabelVisible()
    red = page.overview.tiles["red"]
    assert "Red" in red.caption.text() and "Red" in QAccessible.queryAccessibleInterface(red).text(
        QAccessible.Text.Name
    )


def test_every_timeline_bar_says_its_rating(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("timelinePage")
    assert isinstance(page, TimelinePage)
    qtbot.waitUntil(lambda: page.timeline is not None and not page.loading, timeout=10_000)
    layout = page.view.layout_model
    assert layout is not None
    actions = [row.action for row in layout.rows if row.action is not None]
    assert actions
    for action in actions:
        word = action.rag.value if action.rag is not None else "Not rated"
        assert bar_label(action).startswith(word)
        assert f"RAG: <b>{word}</b>" in describe_action(action)


def test_every_coloured_matrix_cell_says_what_its_colour_means(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("needsMapPage")
    assert isinstance(page, NeedsMapPage)
    qtbot.waitUntil(lambda: page.findChild(MatrixTab) is not None, timeout=10_000)
    tab = page.findChild(MatrixTab)
    assert tab is not None
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() > 0, timeout=10_000)
    model = tab.model
    coloured = 0
    for row in range(model.rowCount()):
        actions = model.index(row, ACTIONS_COLUMN)
        if model.data(actions, BACKGROUND) is not None:
            assert model.data(actions) == "No action"
        for column in range(FIXED_COLUMNS, model.columnCount()):
            index = model.index(row, column)
            if model.data(index, BACKGROUND) is not None:
                coloured += 1
                assert model.data(index).split()[0] in {"Lead", "Raised", "Shares"}, model.data(index)
                assert model.data(index, FOREGROUND) is not None
    assert coloured > 0


def test_the_chase_list_says_each_rating_it_colours(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = ChaseDialog(window.env, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.loading and dialog.chase is not None, timeout=10_000)
    model = dialog.model
    headers = [model.headerData(number, Qt.Orientation.Horizontal) for number in range(model.columnCount())]
    column = headers.index("RAG")
    assert model.rowCount() > 0
    for row in range(model.rowCount()):
        index = model.index(row, column)
        if model.data(index, BACKGROUND) is not None:
            assert model.data(index) in WORDS
