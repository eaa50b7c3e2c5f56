"""Benchmark: export the whole joint action plan of the large workspace in every format, and time each.

    python benchmarks/bench_export.py [--db PATH] [--repeat 3] [--format xlsx --format csv ...]

Without --db, the large demo partnership is created first with ``locality demo --size large`` in a temporary
folder (that takes some 20 s and is not timed). Budgets (DESIGN.md): the whole plan built and written as XLSX
or CSV in under 1 s, as DOCX or PDF in under 3 s. Each format is timed end to end (building the plan from the
workspace, then writing the file, as ``locality export`` does) and the best of ``--repeat`` runs is reported,
with the time to build the plan alone. Formats whose renderer is not importable are skipped with a note.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

from bench_workspace import figure, is_server, large_demo

from locality.exchange.export import FORMATS, export_plan
from locality.services.plan import PlanFilters
from locality.services.plan_building import build_plan
from locality.services.registry import Services

# DESIGN.md's budgets: CSV and XLSX under 1 s, DOCX and PDF under 3 s (HTML, not named there, as DOCX).
BUDGETS = {"xlsx": 1.0, "csv": 1.0, "docx": 3.0, "pdf": 3.0, "html": 3.0}


def _available(format: str) -> str | None:
    """None when the format's renderer imports, else why not."""
    try:
        importlib.import_module(f"locality.exchange.render_{format}")
    except ImportError as error:
        return str(error)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="an existing workspace or server URL (default: a new large demo)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", action="append", choices=FORMATS, help="formats to time (default: all)")
    args = parser.parse_args(argv)
    formats = args.format or list(FORMATS)

    with tempfile.TemporaryDirectory(prefix="locality-bench-export-") as folder_name:
        folder = Path(folder_name)
        db = (args.db if is_server(args.db) else Path(args.db)) if args.db is not None else large_demo(folder)
        services = Services.open(db, create_missing=False, read_only=True)
        over_budget = False
        try:
            counts = dict(services.workspace.counts())
            print(
                f"export of {db}: {counts.get('actions', 0):,} actions, {counts.get('needs', 0):,} needs, "
                f"{counts.get('milestones', 0):,} milestones, {counts.get('progress updates', 0):,} progress updates"
            )
            build_plan(services, PlanFilters())  # warm the caches once, as an open app would be
            build_times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                plan = build_plan(services, PlanFilters())
                build_times.append(time.perf_counter() - started)
            print(f"  build the plan:  {min(build_times):6.2f} s  ({len(plan.actions):,} actions)")
            figure("export: build the plan", min(build_times), "s")
            for format in formats:
                problem = _available(format)
                if problem is not None:
                    print(f"  {format:5s}           skipped: not written yet or not importable ({problem})")
                    continue
                target = folder / f"plan.{format}"
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    export_plan(services, format, target, PlanFilters())
                    times.append(time.perf_counter() - started)
                best = min(times)
                budget = BUDGETS[format]
                verdict = "ok" if best < budget else "OVER BUDGET"
                over_budget = over_budget or best >= budget
                size_mb = target.stat().st_size / 1_000_000
                figure(f"export {format.upper()}", best, "s", budget)
                print(
                    f"  {format:5s} build+write: {best:6.2f} s  (budget {budget:.0f} s: {verdict}; "
                    f"worst {max(times):.2f} s; {size_mb:.1f} MB)"
                )
        finally:
            services.close()
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
