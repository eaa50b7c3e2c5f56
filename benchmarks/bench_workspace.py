"""The workspace a benchmark measures: the one named on its command line, or a large demo made for it (the one
way the benchmarks make it, not timed)."""

from __future__ import annotations

import json
import os
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
    """The workspace named as the first argument (a file, or a server URL, which is kept as written: ``Path``
    would fold its "//"), else a large demo made in a temporary folder."""
    if len(sys.argv) > 1:
        return sys.argv[1] if is_server(sys.argv[1]) else Path(sys.argv[1])  # type: ignore[return-value]
    return large_demo(Path(tempfile.mkdtemp()))


def is_server(location: object) -> bool:
    """Whether a workspace location is a database server's URL rather than a file."""
    return "://" in str(location)


#: The environment variable naming a file each benchmark appends its figures to, one JSON object a line
#: (``bench_table.py`` sets it); the printed report is for people and may change its wording.
FIGURES_VARIABLE = "LOCALITY_BENCH_FIGURES"


def figure(measure: str, value: float, unit: str, budget: float | None = None) -> None:
    """Records one measured figure for ``bench_table.py``, when it is listening: ``measure`` names it once for
    every workspace size ("save one edit, worst"), ``value`` in ``unit`` ("ms", "s" or "MB")."""
    target = os.environ.get(FIGURES_VARIABLE)
    if not target:
        return
    line = {"measure": measure, "value": round(value, 4), "unit": unit, "budget": budget}
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
