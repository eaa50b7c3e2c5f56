"""The needs map's analyses and the board pages' figures on a workspace, and the longest the GUI thread is busy
while the dashboard works its figures out after opening (DESIGN.md: the GUI never blocks for more than 100 ms).

    python benchmarks/bench_board.py [WORKSPACE]      (default: a large demo workspace made in a temp folder)

The workspace is copied first: recording a board snapshot writes to it.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_workspace import figure, given_or_large_demo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LOCALITY_DATA_DIR", tempfile.mkdtemp())


def timed(label: str, work: Callable[[], Any], figures: list[tuple[str, float]], runs: int = 1) -> Any:
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    figures.append((label + (f" (median of {runs})" if runs > 1 else ""), statistics.median(times)))
    return result


def main() -> int:
    source = given_or_large_demo()
    workspace = Path(tempfile.mkdtemp()) / source.name
    shutil.copyfile(source, workspace)

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication.instance() or QApplication([])

    from locality.app import build_main_window
    from locality.services.network import layout, linked_only, suggested_minimum, with_minimum
    from locality.services.registry import Services

    figures: list[tuple[str, float]] = []
    services = Services.open(workspace, create_missing=False)
    try:
        timed("needs map: gaps", services.analysis.gaps, figures)
        timed("needs map: theme x organisation heat map", services.analysis.heat_map, figures)
        timed("needs map: ranking", services.analysis.ranking, figures)
        network = timed("needs map: network", services.network.network, figures)
        shown = linked_only(with_minimum(network, suggested_minimum(network)))
        timed(f"needs map: network layout ({len(shown.organisations)} organisations)", lambda: layout(shown), figures)
        timed("needs map: similar needs", services.similar_needs.find_similar, figures)
        timed("dashboard: figures, first time", services.dashboard.figures, figures)
        timed("dashboard: figures, nothing changed", services.dashboard.figures, figures, runs=3)
        timed("chasing: chase list", services.chase.chase_list, figures)
        timed("timeline: by theme", services.timeline.timeline, figures)
        timed("funding: spend against budget", services.funding.spend_against_budget, figures)
        timed("indicators: list", services.indicators.list, figures)
        today = services.context.today()
        snapshot = timed("board snapshot: record", lambda: services.snapshots.take("Board meeting", today), figures)
        timed("board snapshot: compare with now", lambda: services.dashboard.compare_with(snapshot.id), figures)
    finally:
        services.close()

    # The longest the GUI thread is busy between timer ticks from showing the window until the dashboard's
    # figures (worked out on a worker thread) are on screen.
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    window = build_main_window(str(workspace))
    window.show()
    dashboard = window.pages["dashboardPage"]
    timer = QTimer()
    timer.timeout.connect(tick)
    started = time.perf_counter()
    last[0] = started
    timer.start(10)
    while dashboard.figures is None or dashboard.busy:
        app.processEvents()
        if time.perf_counter() - started > 120:
            raise SystemExit("the dashboard did not fill within two minutes")
    timer.stop()
    figures.append(("dashboard on screen after the window is shown", time.perf_counter() - started))
    figures.append(("longest GUI-thread pause meanwhile", max(gaps, default=0.0)))
    window.close()

    print(f"Board figures on {source.name}")
    for label, seconds in figures:
        print(f"  {label:<58} {seconds * 1000:>9.1f} ms")
        figure(f"board: {re.sub(r' [(][0-9,]+ organisations[)]', '', label)}", seconds * 1000, "ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
