"""Start to a usable main window on a workspace, and memory after opening (DESIGN.md: under 1.5 s, 300 MB).

    python benchmarks/bench_startup.py [WORKSPACE]      (default: a large demo workspace made in a temp folder)

Each run starts a fresh Python process, as a user starting the app would; the figure is the median of 3.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

from bench_workspace import figure, given_or_large_demo, is_server

CHILD = r"""
import os, resource, sys, time
started = time.perf_counter()
from PySide6.QtWidgets import QApplication
from locality.app import build_main_window
window = build_main_window(sys.argv[1])
window.show()
QApplication.processEvents()
elapsed = time.perf_counter() - started
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{elapsed:.3f} {rss_mb:.0f}")
window.close()
"""


def main() -> int:
    workspace = given_or_large_demo()
    environment = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    environment.setdefault("LOCALITY_DATA_DIR", tempfile.mkdtemp())
    environment["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    times, memory = [], []
    for _ in range(3):
        output = subprocess.run(
            [sys.executable, "-c", CHILD, str(workspace)], check=True, capture_output=True, text=True, env=environment
        ).stdout.split()
        times.append(float(output[0]))
        memory.append(float(output[1]))
    size = "a server" if is_server(workspace) else f"{workspace.stat().st_size / 1e6:.1f} MB"
    print(f"workspace: {workspace} ({size})")
    print(f"start to usable main window: median {statistics.median(times):.2f} s (budget 1.5 s); runs {times}")
    print(f"peak memory after opening: {max(memory):.0f} MB (budget 300 MB)")
    figure("start to usable main window (median)", statistics.median(times), "s", 1.5)
    figure("memory after opening", max(memory), "MB", 250)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
