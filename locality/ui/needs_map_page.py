"""The needs map: which improvement needs are shared across organisations, and which have no joint action.

One page of tabs (matrix, gaps, heat map, network, similar needs, ranking). A tab is built the first time it is
shown and reloads only when it is on screen (``BackgroundLoader.refresh_when_shown``), so opening a large workspace
costs nothing until the map is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from locality.domain.entities import Entity
from locality.services.context import Changes
from locality.ui.empty_state import EmptyState, import_step, page_step
from locality.ui.env import UiEnv
from locality.ui.loader import BackgroundLoader
from locality.ui.page import Page


@dataclass(frozen=True)
class TabSpec:
    object_name: str
    title: str
    build: Callable[[UiEnv], QWidget]


class _TabSlot(QWidget):
    """Holds one tab's widget, built on first showing, and reloads it through ``BackgroundLoader``'s one rule
    when data under it changes: at once if the tab is on screen, otherwise when it is next shown."""

    def __init__(self, spec: TabSpec, env: UiEnv) -> None:
        super().__init__()
        self.spec = spec
        self.env = env
        self.widget: QWidget | None = None
        self.setObjectName(spec.object_name)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.loader = BackgroundLoader(self, self._reload)
        self.loader.stale = False  # a tab loads as it is built

    def ensure_built(self) -> QWidget:
        if self.widget is None:
            self.widget = self.spec.build(self.env)
            self._layout.addWidget(self.widget)
            self.loader.stale = False
        return self.widget

    def note_changes(self, changes: Changes) -> None:
        watches: frozenset[Entity] = getattr(self.widget, "watches", frozenset())
        if not watches or changes.touches(*watches):
            self.refresh_when_shown()

    def refresh_when_shown(self) -> None:
        """A tab not built yet has nothing to reload: it loads when it is built."""
        if self.widget is not None:
            self.loader.refresh_when_shown()

    def _reload(self) -> None:
        self.widget.refresh()  # type: ignore[union-attr]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.loader.shown()


class NeedsMapPage(Page):
    title = "Needs map"

    def __init__(self, env: UiEnv, tabs: Sequence[TabSpec], parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        layout = QVBoxLayout(self)
        heading = QLabel("Needs map")
        heading.setObjectName("pageHeading")
        intro = QLabel(
            "Which improvement needs each organisation has, which are shared by two or more, and which have no "
            "joint action yet."
        )
        intro.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("needsMapTabs")
        self.tabs.setAccessibleName("Needs map views")
        self.tabs.setDocumentMode(True)
        self.slots = [_TabSlot(spec, env) for spec in tabs]
        for slot in self.slots:
            self.tabs.addTab(slot, slot.spec.title)
        # With no needs yet, every tab would be empty: the page says where needs come from instead.
        self.empty_state = EmptyState(
            "No needs to map yet. Record the improvement needs on the Needs page and link the organisations that "
            "share them; the map then shows which needs are shared and which have no joint action.",
            [
                page_step(env, "Go to the &needs", "needsPage"),
                import_step(env, self, "needs", "&Import needs from a spreadsheet…"),
            ],
        )
        self.content = QStackedWidget()
        self.content.addWidget(self.tabs)
        self.content.addWidget(self.empty_state)
        layout.addWidget(self.content, 1)
        self.tabs.currentChanged.connect(lambda _index: self._show_current())
        self._no_needs: bool | None = None  # not counted yet

    def tab(self, object_name: str) -> QWidget:
        """The tab's widget (built if it was not yet), after bringing it to the front."""
        for index, slot in enumerate(self.slots):
            if slot.spec.object_name == object_name:
                self.tabs.setCurrentIndex(index)
                return slot.ensure_built()
        raise KeyError(object_name)

    def _show_current(self) -> None:
        """Builds the tab on screen the first time it is shown (a stale tab reloads from its own showing)."""
        if not self.isVisible():
            return
        if self._no_needs is None:
            self._no_needs = self.services.workspace.count(Entity.NEED) == 0
        self.content.setCurrentWidget(self.empty_state if self._no_needs else self.tabs)
        if not self._no_needs:
            self.slots[self.tabs.currentIndex()].ensure_built()

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(Entity.NEED):
            self._no_needs = None  # counted again when next shown
            self._show_current()
        for slot in self.slots:
            slot.note_changes(changes)

    def refresh(self) -> None:
        for slot in self.slots:
            slot.refresh_when_shown()
        self._show_current()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._show_current()
