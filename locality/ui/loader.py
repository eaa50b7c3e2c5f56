"""One way for a page to load what it shows: off the GUI thread when the read is slow, with one rule for results
that arrive too late, and a refresh put off until the page is next shown.

- A load started while another is running supersedes it: the earlier result is dropped when it arrives (it
  answers a question nobody is asking any more) and the newest request runs once the running one has finished,
  so a burst of changes costs at most one more load, never one per change.
- A page that is not on screen is only marked stale; it reloads when it is next shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from locality.ui.workers import run_in_background

Work = Callable[[], Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class BackgroundLoader(QObject):
    """Loads for ``page``; ``refresh`` is the page's own reload, called by ``shown`` (from the page's
    ``showEvent``) when the page's data changed while it was hidden."""

    def __init__(self, page: QWidget, refresh: Callable[[], None]) -> None:
        super().__init__(page)
        self._page = page
        self._refresh = refresh
        self.busy = False
        #: Counts requests; a result is shown only if no request came after the one it answers.
        self.generation = 0
        #: How long the last completed load took, so a page can decide to go to the background next time.
        self.last_seconds = 0.0
        #: The page's data changed while it was hidden (or it was never loaded): reload when next shown.
        self.stale = True
        self._pending: tuple[Work, Done, Failed] | None = None

    # ------------------------------------------------------------------ refresh when shown

    def refresh_when_shown(self) -> None:
        """Reloads now if the page is on screen, otherwise when it is next shown."""
        if self._page.isVisible():
            self.stale = False
            self._refresh()
        else:
            self.stale = True

    def shown(self) -> None:
        """Called from the page's ``showEvent``: a stale page reloads now."""
        if self.stale:
            self.stale = False
            self._refresh()

    # ------------------------------------------------------------------ loading

    def run_now(self, work: Work, on_done: Done, on_error: Failed) -> None:
        """Loads on the GUI thread (the read was quick last time); any load still running is superseded."""
        self.generation += 1
        self._pending = None
        self.stale = False
        started = time.perf_counter()
        try:
            result = work()
        except Exception as error:  # shown by the page, in one place
            on_error(error)
            return
        self.last_seconds = time.perf_counter() - started
        on_done(result)

    def start(self, work: Work, on_done: Done, on_error: Failed) -> None:
        """Loads on a worker thread. While another load runs, this request waits for it (replacing any request
        already waiting) and the running load's result is dropped."""
        self.generation += 1
        self.stale = False
        if self.busy:
            self._pending = (work, on_done, on_error)
            return
        self._launch(work, on_done, on_error)

    def _launch(self, work: Work, on_done: Done, on_error: Failed) -> None:
        self.busy = True
        generation = self.generation

        def timed() -> tuple[Any, float]:
            began = time.perf_counter()
            return work(), time.perf_counter() - began

        def done(outcome: tuple[Any, float]) -> None:
            self.last_seconds = max(outcome[1], 1e-6)  # never 0, which reads as "not loaded yet"
            self._finish(generation, lambda: on_done(outcome[0]))

        def failed(error: BaseException) -> None:
            self._finish(generation, lambda: on_error(error))

        run_in_background(timed, done, failed, self._page)

    def _finish(self, generation: int, deliver: Callable[[], None]) -> None:
        if not isValid(self._page):
            return
        if self._pending is not None:
            work, on_done, on_error = self._pending
            self._pending = None
            self._launch(work, on_done, on_error)
            return
        self.busy = False
        if generation == self.generation:
            deliver()
