"""Cyclic garbage is collected on the GUI thread only: a collection on a worker thread once freed a closed
window's Qt objects there and crashed the process."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QWidget

from locality.ui.workers import background_work_pending, run_in_background


class _Cycle:
    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_garbage_made_on_a_worker_is_collected_on_the_gui_thread(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    _Cycle.freed_on.clear()
    kept: list[list[int]] = []

    def work() -> int:
        _Cycle()  # unreachable at once, but only a collection can free it (it refers to itself)
        # Enough young objects to pass the first generation's threshold many times over on this thread.
        kept.extend([index] for index in range(20_000))
        return len(kept)

    done: list[int] = []
    run_in_background(work, done.append, lambda error: None, owner)
    assert not gc.isenabled()  # no collection can start on the worker
    qtbot.waitUntil(lambda: bool(done) and not background_work_pending(), timeout=10_000)
    qtbot.waitUntil(lambda: bool(_Cycle.freed_on), timeout=10_000)
    assert _Cycle.freed_on == [threading.main_thread().name]
