"""The workspace a benchmark measures: the one named on its command line, or a large demo made for it (the one
way the benchmarks make it, not timed)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path


def large_demo(folder: Path) -> Path:
    """A new large demo workspace (DESIGN.md's sizes) in ``folder``."""
    path = folder / "large.locality"
    print("Creating the large demo workspace (not timed)...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "locality", "demo", "--db", str(path), "--size", "large"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return path


def given_or_large_demo() -> Path:
    """The workspace named as the first argument, else a large demo made in a temporary folder."""
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    return large_demo(Path(tempfile.mkdtemp()))
