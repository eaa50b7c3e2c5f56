"""The needs map's matrix on a workspace (DESIGN.md budgets: the GUI never blocks for more than 100 ms; exports
of the whole plan under 2 s): the service load, building the model, showing the tab (loaded off the GUI thread)
and painting it, scrolling to the far right and bottom, linking and unlinking one cell, exporting XLSX and CSV.

    python benchmarks/bench_needs_map.py [WORKSPACE]   (default: a large demo workspace made in a temp folder)

The workspace is copied to a temporary folder first: the benchmark links and unlinks a cell.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_workspace import figure

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LOCALITY_DATA_DIR", tempfile.mkdtemp())


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    folder = Path(tempfile.mkdtemp())
    workspace = folder / "bench.locality"
    if len(sys.argv) > 1:
        shutil.copyfile(sys.argv[1], workspace)
    else:
        subprocess.run(
            [sys.executable, "-m", "locality", "demo", "--db", str(workspace), "--size", "large"], check=True
        )

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    app = QApplication.instance() or QApplication([])

    from locality.exchange.matrix_export import export_matrix
    from locality.services.needs_map import MatrixFilter
    from locality.services.registry import Services
    from locality.ui.env import UiEnv
    from locality.ui.needs_map.matrix import MatrixTab
    from locality.ui.needs_map.matrix_cells import FIXED_COLUMNS
    from locality.ui.needs_map.matrix_model import MatrixModel
    from locality.ui.settings import AppSettings
    from locality.ui.workers import settle_garbage_collector

    services = Services.open(workspace, create_missing=False)
    figures: list[tuple[str, float]] = []

    loads = []
    for _ in range(3):
        started = time.perf_counter()
        matrix = services.needs_map.matrix()
        loads.append(time.perf_counter() - started)
    figures.append(("service load, all needs (median of 3)", statistics.median(loads)))
    started = time.perf_counter()
    services.needs_map.matrix(MatrixFilter(shared_only=True, no_action_only=True))
    figures.append(("service load, shared with no action", time.perf_counter() - started))

    started = time.perf_counter()
    model = MatrixModel()
    model.set_matrix(matrix)
    figures.append(("model creation", time.perf_counter() - started))

    # The longest the GUI thread is busy between ticks while the tab is built, shown and loaded.
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    started = time.perf_counter()
    settle_garbage_collector()  # as build_main_window does once the window is built
    tab = MatrixTab(UiEnv(services, QUndoStack(), AppSettings()))
    tab.resize(1400, 900)
    tab.show()
    built = time.perf_counter() - started
    last[0] = time.perf_counter()
    timer.start(10)
    while tab.loading:
        app.processEvents()
        if time.perf_counter() - started > 60:
            raise SystemExit("the matrix did not load within a minute")
    app.processEvents()
    timer.stop()
    figures.append(("tab built and shown (until loading starts)", built))
    figures.append(("tab shown until the matrix is on screen", time.perf_counter() - started))
    figures.append(("longest GUI-thread block while loading", max(gaps, default=0.0)))

    started = time.perf_counter()
    tab.table.viewport().grab()
    figures.append(("painting the viewport (grab)", time.perf_counter() - started))

    started = time.perf_counter()
    last_index = tab.model.index(tab.model.rowCount() - 1, tab.model.columnCount() - 1)
    tab.table.scrollTo(last_index)
    app.processEvents()
    tab.table.viewport().grab()
    figures.append(("scroll to far right and bottom, and paint", time.perf_counter() - started))

    row = last_index.row()
    column = next(c for c in range(FIXED_COLUMNS, tab.model.columnCount()) if tab.model.link_at(row, c) is None)
    started = time.perf_counter()
    tab.toggle_cell(row, column)
    figures.append(("link one cell (click)", time.perf_counter() - started))
    started = time.perf_counter()
    tab.toggle_cell(row, column)
    figures.append(("unlink one cell (click)", time.perf_counter() - started))
    started = time.perf_counter()
    tab.env.undo_stack.undo()
    figures.append(("undo the unlink", time.perf_counter() - started))

    for suffix in ("xlsx", "csv"):
        target = folder / f"matrix.{suffix}"
        started = time.perf_counter()
        count = export_matrix(services, MatrixFilter(), target)
        figures.append(
            (
                f"export {suffix.upper()} ({count:,} needs, {target.stat().st_size // 1024:,} KiB)",
                time.perf_counter() - started,
            )
        )

    print(
        f"Needs matrix on {Path(sys.argv[1]).name if len(sys.argv) > 1 else 'a large demo'}: "
        f"{len(matrix.needs):,} needs × {len(matrix.organisations):,} organisations, {len(matrix.links):,} links"
    )
    for label, seconds in figures:
        print(f"  {label:<55}{_ms(seconds)}")
        figure(f"needs map: {re.sub(r' [(].*[)]', '', label)}", seconds * 1000, "ms")
    tab.close()
    services.close()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
