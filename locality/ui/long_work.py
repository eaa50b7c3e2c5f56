"""Long work (import, export, demo data) on a worker thread, with a progress dialog and Cancel.

The work gets two callables: ``progress(done, total)`` (safe to call from the worker; the dialog updates on the
GUI thread) and ``cancelled()`` (True once the user pressed Cancel; the work stops and writes nothing).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from locality.ui.errors import show_error
from locality.ui.workers import run_in_background

Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class _ProgressRelay(QObject):
    moved = Signal(int, int)


class LongWork:
    """One piece of long work and its dialog; ``result``/``error`` hold how it ended."""

    def __init__(self, parent: QWidget, title: str, label: str) -> None:
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)  # quick work finishes without a flash of dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self._stop = threading.Event()
        self.dialog.canceled.connect(self._stop.set)
        self._relay = _ProgressRelay()
        self._relay.moved.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None

    def _show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def cancel(self) -> None:
        self._stop.set()

    @property
    def was_cancelled(self) -> bool:
        return self._stop.is_set()

    def start(
        self,
        work: Work,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        def finish_ok(result: Any) -> None:
            self.finished = True
            self.result = result
            self.dialog.close()
            on_done(result)

        def finish_error(error: BaseException) -> None:
            self.finished = True
            self.error = error
            self.dialog.close()
            if on_error is not None:
                on_error(error)
            else:
                show_error(self.dialog.parentWidget(), error, self.dialog.windowTitle())

        run_in_background(
            lambda: work(self._relay.moved.emit, self._stop.is_set),
            finish_ok,
            finish_error,
            self.dialog,
        )
