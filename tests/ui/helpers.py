"""Helpers for driving modal dialogs in GUI tests: act on the dialog once it is open, then let exec() return."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QWidget

Shown = TypeVar("Shown", bound=QWidget)


class DialogFailure:
    """What went wrong inside a dialog callback, re-raised by ``check`` once exec() has returned."""

    def __init__(self) -> None:
        self.error: BaseException | None = None

    def check(self) -> None:
        if self.error is not None:
            raise self.error


def when_dialog_opens(
    act: Callable[[QDialog], None], *, attempts: int = 100, kind: type[QDialog] = QDialog
) -> DialogFailure:
    """Runs ``act`` on the next modal dialog of ``kind`` to appear (polling, as exec() starts its own loop).

    If ``act`` fails, the dialog is closed so the test cannot hang, and the failure is kept for ``check``.
    """
    failure = DialogFailure()

    def poll(remaining: int) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            try:
                act(dialog)
            except BaseException as error:  # noqa: BLE001 - handed back to the test
                failure.error = error
                dialog.reject()
                return
            if dialog.isVisible() and QApplication.activeModalWidget() is dialog:
                labels = dialog.findChildren(QLabel)
                errors = " ".join(label.text() for label in labels if label.objectName().endswith("Error"))
                failure.error = AssertionError(f"the dialog stayed open: {errors}")
                dialog.reject()
        elif remaining > 0:
            QTimer.singleShot(20, lambda: poll(remaining - 1))

    QTimer.singleShot(0, lambda: poll(attempts))
    return failure


def answer_message_box(button: QMessageBox.StandardButton) -> None:
    """Clicks ``button`` on the next message box, waiting up to 30 s for it: a question asked when background
    work finishes comes after any progress dialog, later still on a busy machine."""

    def act(dialog: QDialog) -> None:
        assert isinstance(dialog, QMessageBox), type(dialog)
        dialog.button(button).click()

    when_dialog_opens(act, attempts=1500, kind=QMessageBox)


def find(widget: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = widget.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def shown_page(qtbot: Any, page: Shown, size: tuple[int, int], loaded: Callable[[Shown], bool]) -> Iterator[Shown]:
    """For a page fixture: shows ``page`` at ``size``, told of changes as the main window would tell it, and
    yields it once ``loaded`` says its rows are in; stops telling it afterwards."""
    qtbot.addWidget(page)
    context = page.env.services.context  # type: ignore[attr-defined]
    context.subscribe(page.on_changes)  # type: ignore[attr-defined]
    page.resize(*size)
    page.show()
    qtbot.waitUntil(lambda: loaded(page))
    yield page
    context.unsubscribe(page.on_changes)  # type: ignore[attr-defined]


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None], *, attempts: int = 1500) -> DialogFailure:
    """Runs ``act`` on the first modal window of ``kind`` to appear (polling every 20 ms, while other dialogs
    come and go); a failure closes every modal window so the test cannot hang, and is kept for ``check``."""
    failure = DialogFailure()

    def close_all() -> None:
        while (modal := QApplication.activeModalWidget()) is not None:
            modal.close()

    def poll(remaining: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            try:
                act(widget)
            except BaseException as error:  # noqa: BLE001 - handed back to the test
                failure.error = error
                close_all()
        elif remaining > 0:
            QTimer.singleShot(20, lambda: poll(remaining - 1))
        else:
            failure.error = AssertionError(f"no {kind.__name__} appeared")
            close_all()

    QTimer.singleShot(0, lambda: poll(attempts))
    return failure
