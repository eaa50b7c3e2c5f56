"""The base of a main-window page that is not a plain list: it refreshes when data it shows changes, at once if
on screen, otherwise when next shown — the one rule of ``ui/loader.py``'s ``BackgroundLoader``."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from locality.domain.entities import Entity
from locality.services.context import Changes
from locality.ui.env import UiEnv
from locality.ui.loader import BackgroundLoader


class Page(QWidget):
    """A page of the main window; ``refresh`` is called when data it shows has changed."""

    title = ""
    #: Entities whose change means this page must refresh; empty means "any change".
    watches: frozenset[Entity] = frozenset()

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.services = env.services
        #: Loads for the page and keeps its refresh-when-shown rule. A page that loads as it is built starts
        #: fresh; one that loads only when first shown sets ``loader.stale``.
        self.loader = BackgroundLoader(self, self.refresh)
        self.loader.stale = False

    def refresh(self) -> None:  # pragma: no cover - overridden
        pass

    def on_changes(self, changes: Changes) -> None:
        if self.watches and not changes.touches(*self.watches):
            return
        self.refresh_when_shown()

    def refresh_when_shown(self) -> None:
        """Refreshes now if on screen, otherwise when next shown."""
        self.loader.refresh_when_shown()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.loader.shown()
