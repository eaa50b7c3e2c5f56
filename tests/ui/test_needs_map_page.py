"""The needs map's tabs refresh through the one loader rule: a tab on screen reloads at once when data under it
changes; a hidden tab is marked stale and reloads when it is next shown, once, and only if what it watches
changed."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from locality.domain.entities import Entity
from locality.services.context import Changes
from locality.services.needs import NeedDraft
from locality.services.registry import Services
from locality.ui.env import UiEnv
from locality.ui.needs_map_page import NeedsMapPage, TabSpec
from locality.ui.settings import AppSettings


class _CountingTab(QWidget):
    """A tab that counts its reloads and watches needs only."""

    watches = frozenset({Entity.NEED})

    def __init__(self, _env: UiEnv) -> None:
        super().__init__()
        self.refreshes = 0

    def refresh(self) -> None:
        self.refreshes += 1


def _page(qtbot, services: Services) -> NeedsMapPage:  # type: ignore[no-untyped-def]
    # With no needs at all the page shows what to do first instead of its tabs.
    services.needs.create(NeedDraft(title="Stronger scrutiny of community safety"))
    env = UiEnv(services, QUndoStack(), AppSettings())
    page = NeedsMapPage(env, (TabSpec("firstTab", "First", _CountingTab), TabSpec("secondTab", "Second", _CountingTab)))
    qtbot.addWidget(page)
    page.show()
    return page


def test_a_hidden_tab_marked_stale_reloads_when_shown(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, services)
    first = page.tab("firstTab")
    second = page.tab("secondTab")  # now on screen; the first is hidden
    assert isinstance(first, _CountingTab) and isinstance(second, _CountingTab)
    assert (first.refreshes, second.refreshes) == (0, 0)  # each loaded as it was built

    page.on_changes(Changes(frozenset({Entity.NEED})))
    assert second.refreshes == 1  # on screen: at once
    assert first.refreshes == 0 and page.slots[0].loader.stale  # hidden: only marked
    page.on_changes(Changes(frozenset({Entity.NEED})))
    assert first.refreshes == 0 and second.refreshes == 2

    page.tab("firstTab")
    assert first.refreshes == 1 and not page.slots[0].loader.stale  # one reload for both changes
    page.tab("secondTab")
    page.tab("firstTab")
    assert first.refreshes == 1 and second.refreshes == 2  # nothing changed meanwhile


def test_a_change_a_tab_does_not_watch_leaves_it_alone(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, services)
    first = page.tab("firstTab")
    assert isinstance(first, _CountingTab)
    page.on_changes(Changes(frozenset({Entity.SPEND})))
    assert first.refreshes == 0 and not page.slots[0].loader.stale


def test_a_hidden_page_reloads_its_tab_when_shown_again(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, services)
    first = page.tab("firstTab")
    assert isinstance(first, _CountingTab)
    page.hide()
    page.on_changes(Changes(frozenset({Entity.NEED})))
    assert first.refreshes == 0
    page.show()
    assert first.refreshes == 1
    assert page.slots[1].widget is None  # a tab never shown is never built


def test_with_no_needs_the_page_says_where_needs_come_from(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    env = UiEnv(services, QUndoStack(), AppSettings())
    page = NeedsMapPage(env, (TabSpec("firstTab", "First", _CountingTab),))
    qtbot.addWidget(page)
    page.show()
    assert page.content.currentWidget() is page.empty_state
    assert page.empty_state.step_texts() == ["Go to the needs", "Import needs from a spreadsheet…"]
    services.needs.create(NeedDraft(title="Stronger scrutiny of community safety"))
    page.on_changes(Changes(frozenset({Entity.NEED})))
    assert page.content.currentWidget() is page.tabs
