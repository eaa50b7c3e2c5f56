"""What every page and dialog of one main window shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from locality.services.registry import Services
from locality.ui.settings import AppSettings


@dataclass
class UiEnv:
    services: Services
    undo_stack: QUndoStack
    settings: AppSettings
    #: Brings a page of the main window (by its object name) to the front and returns it, so one page can open
    #: another already filtered (the dashboard's "overdue" figure opens the actions page showing overdue ones).
    show_page: Callable[[str], QWidget] | None = None

    def open_page(self, object_name: str) -> QWidget | None:
        return self.show_page(object_name) if self.show_page is not None else None
