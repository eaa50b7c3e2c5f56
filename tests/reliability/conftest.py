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


# The demo's own records, as ``locality check`` labels them (its counts also list vocabulary and the change log).
DEMO_LABELS = (
    "organisations",
    "needs",
    "need–organisation links",
    "actions",
    "action partners",
    "action–need links",
    "milestones",
    "progress updates",
    "indicators",
    "measurements",
    "funding allocations",
    "spend entries",
    "workshops",
    "workshop participants",
    "workshop votes",
)


def parse_counts(output: str) -> dict[str, int]:
    """The counts ``locality check`` printed, by label."""
    counts: dict[str, int] = {}
    lines = output.splitlines()
    for line in lines[lines.index("Counts:") + 1 :]:
        label, _, number = line.strip().rpartition(": ")
        counts[label] = int(number.replace(",", ""))
    return counts


def check_ok(path: Path) -> tuple[str, dict[str, int]]:
    """``locality check`` exits 0 and says "Integrity: ok"; returns its output and counts."""
    result = run_locality("check", "--db", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Integrity: ok" in result.stdout, result.stdout
    assert "Traceback" not in result.stderr and "unexpected problem" not in result.stderr, result.stderr
    return result.stdout, parse_counts(result.stdout)
