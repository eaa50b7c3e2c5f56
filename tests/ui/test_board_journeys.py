"""Whole-window journeys for the needs map and the board pages: what a coordinator does from the main window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from locality.app import build_main_window
from locality.domain.vocabulary import Rag
from locality.services.actions import ActionDraft
from locality.ui.chase_dialog import ChaseDialog
from locality.ui.workspace_settings_dialog import WorkspaceSettingsDialog
from tests.ui.helpers import when_dialog_opens


@pytest.fixture
def window(qtbot, demo_workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    qtbot.addWidget(built)
    built.resize(1400, 900)
    built.show()
    yield built
    built.close()


def test_a_workspace_opens_on_the_dashboard_and_its_red_figure_opens_the_red_actions(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert window.current_page().objectName() == "dashboardPage"
    dashboard = window.pages["dashboardPage"]
    qtbot.waitUntil(lambda: dashboard.figures is not None and not dashboard.busy, timeout=10_000)
    red = int(dashboard.overview.tiles["red"].value_text.replace(",", ""))
    assert red > 0  # the demo's 2008-09 plan, seen from today, has slipped

    qtbot.mouseClick(dashboard.overview.tiles["red"], Qt.MouseButton.LeftButton)

    actions = window.pages["actionsPage"]
    assert window.current_page() is actions
    assert actions.filter_value("rag") == Rag.RED and actions.filter_value("timing") == "open"
    qtbot.waitUntil(lambda: not actions.loading and actions.model.total() == red, timeout=10_000)


def test_the_chase_banner_on_the_dashboard_opens_the_chase_list(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    banner = window.pages["dashboardPage"].chase_banner
    qtbot.waitUntil(lambda: banner.summary is not None, timeout=10_000)
    assert banner.isVisible() and "overdue" in banner.sentence()
    seen: list[str] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, ChaseDialog)
        seen.append(dialog.windowTitle())
        dialog.reject()

    failure = when_dialog_opens(look)
    qtbot.mouseClick(banner.show_button, Qt.MouseButton.LeftButton)
    failure.check()
    assert seen


def test_menus_open_the_chase_list_and_the_workspace_settings(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    opened: list[type] = []

    def note(dialog: QDialog) -> None:
        opened.append(type(dialog))
        dialog.reject()

    for action in (window.chase_action, window.workspace_settings_action):
        failure = when_dialog_opens(note)
        action.trigger()
        failure.check()
    assert opened == [ChaseDialog, WorkspaceSettingsDialog]


def test_needs_map_tabs_are_built_when_first_shown_and_follow_changes(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    page = window.show_page("needsMapPage")
    built = lambda: [slot.spec.object_name for slot in page.slots if slot.widget is not None]  # noqa: E731
    assert built() == ["matrixTab"]  # only what is on screen is loaded

    gaps = page.tab("gapsTab")
    assert built() == ["matrixTab", "gapsTab"]
    qtbot.waitUntil(lambda: gaps.gaps is not None and not gaps.loading, timeout=10_000)
    before = gaps.gaps.shared_unaddressed_count
    need = gaps.gaps.shared_unaddressed[0]

    # A joint action planned elsewhere takes the need off the list on screen.
    window.services.actions.create(ActionDraft(title="Joint action for a shared need", need_ids=(need.id,)))
    qtbot.waitUntil(lambda: gaps.gaps.shared_unaddressed_count == before - 1, timeout=10_000)
    assert need.id not in {line.id for line in gaps.gaps.shared_unaddressed}


def test_every_board_page_shows_something_on_the_demo(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    for name in ("timelinePage", "indicatorsPage", "fundingPage"):
        page = window.show_page(name)
        assert page.isVisible()
    timeline = window.pages["timelinePage"]
    qtbot.waitUntil(lambda: timeline.timeline is not None and not timeline.loading, timeout=10_000)
    indicators = window.pages["indicatorsPage"]
    qtbot.waitUntil(lambda: not indicators.loading and indicators.model.total() == 10, timeout=10_000)
