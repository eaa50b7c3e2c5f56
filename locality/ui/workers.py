"""Running slow reads off the GUI thread, so that the window never freezes while a large list loads.

The work runs on a plain Python thread (a QRunnable subclass written in Python has proved fragile under load);
its result comes back to the GUI thread through a queued Qt signal.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from shiboken6 import isValid

_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="locality-worker")


class _Outcome(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


_running: set[_Outcome] = set()


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    owner: QObject,
) -> None:
    """Runs ``work`` on a worker thread; ``on_done`` or ``on_error`` then runs on ``owner``'s (the GUI) thread,
    unless ``owner`` has been deleted meanwhile (its window closed, its workspace replaced): then the result is
    dropped, as nobody is left to show it."""
    outcome = _Outcome()
    outcome.moveToThread(owner.thread())
    _running.add(outcome)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _running.discard(outcome)
        if isValid(owner):
            callback(value)
        # What was just loaded and shown (20,000 rows, a needs map) lives until the next load replaces it: exempt
        # it from full collections, which otherwise walked it again and again (bench_gui_pauses: up to 2.5 s).
        settle_garbage_collector()

    queued = Qt.ConnectionType.QueuedConnection
    outcome.succeeded.connect(lambda result: finish(on_done, result), queued)
    outcome.failed.connect(lambda error: finish(on_error, error), queued)

    def job() -> None:
        try:
            try:
                result = work()
            except Exception as error:  # handed to the GUI thread, which shows it in one place
                outcome.failed.emit(error)
            else:
                outcome.succeeded.emit(result)
        except BaseException:  # noqa: BLE001 - the executor would keep it in a future nobody reads
            sys.excepthook(*sys.exc_info())  # the crash reporter in the app; pytest-qt's capture in tests

    _executor.submit(job)


def background_work_pending() -> bool:
    """Whether work started here has yet to hand back its result (a test waits for none before closing)."""
    return bool(_running)


def settle_garbage_collector() -> None:
    """Exempts every object alive now (modules, mappers, widgets, the rows a page shows) from later full
    collections.

    A full collection holds Python's interpreter lock while it walks every tracked object; with a large workspace
    loaded that took from 50 ms to over two seconds, on whichever thread it happened, and froze the GUI thread
    for as long (benchmarks/bench_needs_map.py, bench_gui_pauses.py). Called once the window is built and again
    whenever background work has handed its result over: what is alive then is what the window shows, which
    lives until it is replaced, so walking it again finds nothing to free. Exempt objects are still freed as
    soon as nothing refers to them (reference counting); only a reference cycle among them would stay, and the
    rows and records loaded are plain values without cycles. (No collection first: it would cost as long as the
    collection it avoids.)
    """
    gc.freeze()
