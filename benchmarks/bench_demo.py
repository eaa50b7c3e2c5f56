"""Benchmark: generate the large demo partnership into a new workspace and report time, file size and counts.

    python benchmarks/bench_demo.py [--size large] [--seed 1] [--keep PATH]

The large size is the performance budgets' workspace (DESIGN.md): 200 organisations, 5,000 needs, 20,000
actions, 100,000 progress updates and 50,000 measurements. It must be generated in well under 60 s.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_workspace import figure

from locality.services.context import ServiceContext, User
from locality.services.demo import DEMO_SIZES, generate_demo
from locality.store.workspace import open_workspace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(DEMO_SIZES), default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="copy the generated workspace here (for other benchmarks)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="locality-bench-") as folder:
        path = Path(folder) / f"demo-{args.size}.locality"
        started = time.perf_counter()
        workspace = open_workspace(path)
        opened = time.perf_counter()
        writing_from: list[float] = []

        def progress(done: int, total: int, stage: str) -> None:
            if stage.startswith("Writing") and not writing_from:
                writing_from.append(time.perf_counter())

        try:
            summary = generate_demo(ServiceContext(workspace, User("Benchmark", "")), args.size, args.seed,
                                    progress=progress)  # fmt: skip
            finished = time.perf_counter()
            problems = workspace.integrity_problems()
        finally:
            workspace.close()
        size_mb = path.stat().st_size / 1_000_000
        composed = (writing_from[0] if writing_from else finished) - opened

        print(f"demo --size {args.size} --seed {args.seed} (as at {summary.today:%d/%m/%Y})")
        print(f"  new workspace:     {opened - started:6.2f} s")
        print(f"  composing rows:    {composed:6.2f} s")
        print(f"  writing rows:      {finished - opened - composed:6.2f} s")
        print(f"  generation total:  {finished - opened:6.2f} s  (budget: well under 60 s)")
        figure("demo: make the workspace of that size", finished - opened, "s", 60)
        print(f"  file size:         {size_mb:6.1f} MB")
        print(f"  integrity:         {'ok' if not problems else f'{len(problems)} problem(s)'}")
        print(f"  rows written:      {summary.total_rows:,}")
        for label, count in summary.counts():
            print(f"    {label}: {count:,}")
        if args.keep:
            shutil.copyfile(path, args.keep)
            print(f"  kept a copy at {args.keep}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
