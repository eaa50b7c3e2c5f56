"""What every page and dialog of one main window shares."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QUndoStack

from locality.services.registry import Services
from locality.ui.settings import AppSettings


@dataclass
class UiEnv:
    services: Services
    undo_stack: QUndoStack
    settings: AppSettings
