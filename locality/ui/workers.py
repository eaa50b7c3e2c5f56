"""Running slow reads off the GUI thread, so that the window never freezes while a large list loads.

The work runs on a plain Python thread (a QRunnable subclass written in Python has proved fragile under load);
its result comes back to the GUI thread through a queued Qt signal.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from shiboken6 import isValid

log = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="locality-worker")


class _Outcome(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    abandoned = Signal()  # the work raised what is not an Exception: nothing to hand over, but it has finished


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
    collect_on_gui_thread()
    outcome = _Outcome()
    outcome.moveToThread(owner.thread())
    _running.add(outcome)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _running.discard(outcome)
        if isValid(owner):
            callback(value)
        # What was just loaded and shown (20,000 rows, a needs map) lives until the next load replaces it: exempt
        # it from full collections, which otherwise walked it again and again (bench_gui_pauses: up to 2.5 s).
        # The youngest generation is collected first, here on the GUI thread, so that the cycles the load left
        # behind last are freed rather than exempted with it; those left earlier were freed by the timer's young
        # collections while the load ran. (Collecting the middle generation too walked the whole result once
        # more: 110 to 140 ms for the timeline's, while a few dozen objects were all it freed.)
        gc.collect(0)
        settle_garbage_collector()

    queued = Qt.ConnectionType.QueuedConnection
    outcome.succeeded.connect(lambda result: finish(on_done, result), queued)
    outcome.failed.connect(lambda error: finish(on_error, error), queued)
    outcome.abandoned.connect(lambda: _running.discard(outcome), queued)

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
            outcome.abandoned.emit()  # otherwise it would count as pending for ever, and waits for it never end

    _executor.submit(job)


#: Work started by ``warm_in_background`` that has not finished yet.
_warming: set[object] = set()


def warm_in_background(work: Callable[[], object]) -> None:
    """Runs ``work`` on a worker thread for what it leaves behind (a service's cache), not for its result: the
    dashboard's figures are started as the workspace opens, and counted while the window is built; the page then
    asks for them and gets what was counted. A failure is only logged: whoever asks next works it out again and
    shows the error there."""
    collect_on_gui_thread()
    token = object()
    _warming.add(token)

    def job() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - asked for again by the page, which says what went wrong
            log.info("work started ahead of time failed; it is done again when asked for", exc_info=True)
        finally:
            _warming.discard(token)

    _executor.submit(job)


def background_work_pending() -> bool:
    """Whether work started here has yet to hand back its result (a test waits for none before closing)."""
    return bool(_running or _warming)


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


#: How often the GUI thread checks whether a collection is due (what the interpreter would check at each
#: allocation); short enough that young objects never pile up for long (a worker building 15,000 rows made
#: enough in 100 ms for one young collection to take 40 ms).
COLLECTION_CHECK_MS = 40


class _GuiThreadCollector(QObject):
    """Runs Python's cyclic garbage collection on the GUI thread only, in place of the automatic one.

    The automatic collector runs on whichever thread happens to allocate when a threshold is passed. On a worker
    thread it can free the last Python wrapper of a closed window's Qt objects, whose C++ side must be destroyed on
    the GUI thread: that crashed the process (a segmentation fault while a worker read the vocabulary for the
    network tab). Here the same thresholds are checked on a timer, and the collection is made on the GUI thread.
    """

    def __init__(self) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECTION_CHECK_MS)
        self.timer.timeout.connect(self.collect_if_due)
        self.timer.start()

    @staticmethod
    def collect_if_due() -> None:
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        if counts[0] <= thresholds[0]:
            return
        generation = 0
        # While background work is building its result, the older generations are left alone: what survives the
        # young collections is mostly that result, and walking it again and again held the GUI thread for up to
        # 150 ms (the timeline's 15,000 rows). The result is settled once it is handed over (``finish``).
        older_allowed = 0 if background_work_pending() else 2
        while generation < older_allowed and counts[generation + 1] > thresholds[generation + 1]:
            generation += 1
        gc.collect(generation)


_collector: _GuiThreadCollector | None = None


def collect_on_gui_thread() -> None:
    """Turns the automatic collector off and collects on the GUI thread instead (once; called on that thread,
    before any background work starts, by ``run_in_background`` and when the window is built)."""
    global _collector
    if _collector is not None and isValid(_collector):
        return
    _collector = _GuiThreadCollector()
    gc.disable()
