"""The attack suite: kills at random points, full disks, two writers, crafted workspaces and malformed files.

Each test here reproduces one way a partnership's data could be lost or misread, and asserts that it is not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def run_locality(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs the ``locality`` command line in a child process, as a user would, and returns what it printed."""
    environment = dict(os.environ)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment["PYTHONPATH"] = str(REPOSITORY)
    if env:
        environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "locality", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        stdin=subprocess.DEVNULL,
    )
