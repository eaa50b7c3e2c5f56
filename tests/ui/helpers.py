"""Helpers for driving modal dialogs in GUI tests: act on the dialog once it is open, then let exec() return."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget


def when_dialog_opens(act: Callable[[QDialog], None], *, attempts: int = 50) -> None:
    """Runs ``act`` on the next modal dialog to appear (polling briefly, as exec() starts its own loop)."""

    def poll(remaining: int) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            act(dialog)
        elif remaining > 0:
            QTimer.singleShot(20, lambda: poll(remaining - 1))

    QTimer.singleShot(0, lambda: poll(attempts))


def answer_message_box(button: QMessageBox.StandardButton) -> None:
    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, QMessageBox), type(dialog)
        dialog.button(button).click()

    when_dialog_opens(act)


def find(widget: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = widget.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found
