"""The History page and the look for another app's writes on a workspace: time to the History page's first rows,
the next page as the table is scrolled, filtering by one person, the longest the GUI thread is busy meanwhile
(< 100 ms), the service calls behind them, and one look for outside changes when nothing has changed.

    python benchmarks/bench_history.py [WORKSPACE]      (default: a large demo workspace made in a temp folder)
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable

from bench_workspace import figure, given_or_large_demo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LOCALITY_DATA_DIR", tempfile.mkdtemp())


def main() -> int:
    workspace = given_or_large_demo()

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from locality.app import build_main_window
    from locality.services.history import HistoryFilter
    from locality.services.outside_changes import OutsideChangesWatch

    window = build_main_window(str(workspace))
    window.show()
    app = QApplication.instance()
    assert app is not None

    def until(done: Callable[[], bool], what: str) -> float:
        started = time.perf_counter()
        while not done():
            app.processEvents()
            if time.perf_counter() - started > 60:
                raise SystemExit(f"{what} did not happen within a minute")
        return time.perf_counter() - started

    dashboard = window.pages["dashboardPage"]
    until(lambda: not dashboard.loader.busy, "the dashboard loading")  # measured alone, not racing it

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    page = window.show_page("historyPage")
    first = until(lambda: page.model.rowCount() > 0, "the first rows")
    until(lambda: not page.loading, "the pickers' choices")
    total = page.count_label.text()
    page.table.scrollToBottom()
    shown = page.model.rowCount()
    more = until(lambda: page.model.rowCount() > shown, "the next page")
    person = page.person_filter.itemData(1)
    page.set_filter("person", person)
    filtered = until(lambda: not page.loading and page.model.filters.author == person, "filtering by a person")
    timer.stop()

    history = window.services.history
    calls = {
        "entries (first page)": lambda: history.entries(limit=200),
        "count": history.count,
        "authors (the pickers)": history.authors,
        "entries (one person)": lambda: history.entries(filters=HistoryFilter(author=person), limit=200),
    }
    print(f"History page on {workspace} ({total})")
    print(f"  first rows on screen:        {first * 1000:7.0f} ms")
    print(f"  next page while scrolling:   {more * 1000:7.0f} ms")
    print(f"  filter by one person:        {filtered * 1000:7.0f} ms")
    print(f"  longest GUI-thread pause:    {max(gaps, default=0.0) * 1000:7.0f} ms (budget 100 ms)")
    figure("history: first rows on screen", first * 1000, "ms")
    figure("history: next page while scrolling", more * 1000, "ms")
    figure("history: filter by one person", filtered * 1000, "ms")
    figure("history: longest GUI pause", max(gaps, default=0.0) * 1000, "ms", 100)
    for name, call in calls.items():
        started = time.perf_counter()
        call()
        print(f"  service {name + ':':27}{(time.perf_counter() - started) * 1000:7.0f} ms")
    watch = OutsideChangesWatch(window.services.context)
    started = time.perf_counter()
    for _ in range(1000):
        watch.check()
    print(f"  a look for another app's writes: {(time.perf_counter() - started) * 1000:5.0f} µs")
    watch.close()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
