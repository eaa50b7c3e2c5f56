"""Benchmark: import a partner's whole tracker — organisations, needs, actions and progress updates from CSV files
that name the workspace's real organisations, needs, actions and vocabulary — and time each kind.

    python benchmarks/bench_import.py [WORKSPACE] [--actions 20000] [--needs 5000] [--progress 20000]
                                      [--organisations 1000] [--kind actions --kind needs ...] [--no-dry-run]

Without WORKSPACE, the large demo partnership is created first with ``locality demo --size large`` in a
temporary folder (some 20 s, not timed). Each file is written once (not timed), then imported into a fresh copy
of the workspace, as ``locality import`` does: reading the file, checking every row and writing them all in one
transaction. A dry run (every row checked and written, then rolled back) is timed on another fresh copy.
Budget (DESIGN.md, issue 10): 20,000 actions in under 10 s, and every kind linear in its rows, so each kind is
held to the same 0.5 ms a row.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from bench_workspace import figure, large_demo

from locality.domain.vocabulary import ActionStatus, NeedStatus, Priority, Rag, VocabularyKind
from locality.exchange.import_columns import KINDS
from locality.exchange.importing import import_file
from locality.services.context import User
from locality.services.registry import Services

BUDGET_MS_PER_ROW = 0.5  # 20,000 actions in 10 s
ORDER = ("organisations", "needs", "actions", "progress")


class _Names:
    """What the workspace holds, for the rows to name."""

    def __init__(self, services: Services) -> None:
        vocabulary = services.vocabulary
        self.organisations = [organisation.name for organisation in services.organisations.list()]
        self.needs = [need.title for need in services.needs.list()]
        self.actions = [action.title for action in services.actions.list()]
        self.themes = [theme.name for theme in vocabulary.themes()]
        self.terms = {kind: [term.name for term in vocabulary.terms(kind)] for kind in VocabularyKind}
        self.funding_sources = [source.name for source in vocabulary.funding_sources()]


def _uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _some(rng: random.Random, names: Sequence[str], most: int) -> str:
    return "; ".join(rng.sample(list(names), rng.randint(1, min(most, len(names))))) if names else ""


def _organisation_rows(names: _Names, count: int, rng: random.Random) -> list[list[str]]:
    types = names.terms[VocabularyKind.ORGANISATION_TYPE]
    sectors = names.terms[VocabularyKind.SECTOR]
    rows = []
    for number in range(1, count + 1):
        rows.append(
            [
                f"Imported partner {number:05d}",
                f"IP{number:05d}",
                rng.choice(types),
                rng.choice(sectors),
                f"Contact {number}",
                f"contact{number}@partner{number}.example.org",
                "Joined the partnership at the spring workshop.",
            ]
        )
    return rows


def _need_rows(names: _Names, count: int, rng: random.Random) -> list[list[str]]:
    sources = names.terms[VocabularyKind.NEED_SOURCE]
    rows = []
    for number in range(1, count + 1):
        theme = rng.choice(names.themes)
        rows.append(
            [
                f"Imported need {number:05d}: {theme.lower()} capacity",
                f"Raised by partners at a locality workshop; gap {number} in {theme.lower()}.",
                theme,
                _some(rng, names.organisations, 3),
                rng.choice(list(Priority)).value,
                rng.choice(sources),
                rng.choice(list(NeedStatus)).value,
                _uk(date(2008, 4, 1) + timedelta(days=rng.randint(0, 700))),
            ]
        )
    return rows


def _action_rows(names: _Names, count: int, rng: random.Random) -> list[list[str]]:
    types = names.terms[VocabularyKind.ACTION_TYPE]
    providers = names.terms[VocabularyKind.PROVIDER]
    levels = names.terms[VocabularyKind.DELIVERY_LEVEL]
    rows = []
    for number in range(1, count + 1):
        start = date(2008, 4, 1) + timedelta(days=rng.randint(0, 500))
        due = start + timedelta(days=rng.randint(30, 400))
        status = rng.choice(list(ActionStatus))
        budget = rng.choice(["", f"£{rng.randint(1, 400) * 250:,}.00", str(rng.randint(1, 90) * 1000)])
        action_type = rng.choice(types)
        rows.append(
            [
                f"Imported action {number:05d}: {action_type.lower()}",
                f"Joint action {number} agreed at the partnership board.",
                action_type,
                rng.choice(names.organisations),
                _some(rng, names.organisations, 3),
                _some(rng, names.needs, 3) if rng.random() < 0.8 else "",
                rng.choice(providers),
                rng.choice(levels),
                _uk(start),
                due.isoformat(),
                status.value,
                "100" if status == ActionStatus.COMPLETED else str(rng.randint(0, 95)),
                budget,
                rng.choice(names.funding_sources) if budget else "",
            ]
        )
    return rows


def _progress_rows(names: _Names, count: int, rng: random.Random) -> list[list[str]]:
    statuses = [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD]
    rows = []
    for number in range(1, count + 1):
        rows.append(
            [
                rng.choice(names.actions),
                _uk(date(2009, 1, 1) + timedelta(days=rng.randint(0, 300))),
                f"{rng.randint(0, 95)}%",
                rng.choice(statuses).value,
                rng.choice(list(Rag)).value if rng.random() < 0.5 else "",
                f"Update {number}: met the partners and agreed the next steps.",
                rng.choice(["Pat Jones", "Sam Patel", ""]),
            ]
        )
    return rows


BUILDERS: dict[str, Callable[[_Names, int, random.Random], list[list[str]]]] = {
    "organisations": _organisation_rows,
    "needs": _need_rows,
    "actions": _action_rows,
    "progress": _progress_rows,
}


def _write(path: Path, kind: str, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(KINDS[kind])
        writer.writerows(rows)
    return path


def _timed_import(source: Path, copy: Path, kind: str, csv_path: Path, *, dry_run: bool) -> tuple[float, float, str]:
    """Seconds on the clock and of this process's CPU (which shows how much of the former other programs took)."""
    shutil.copyfile(source, copy)
    services = Services.open(copy, User("Benchmark", "Locality"), create_missing=False)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        report = import_file(services, kind, csv_path, dry_run=dry_run)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        services.close()
        copy.unlink()
    return elapsed, cpu, " ".join(report.lines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("workspace", nargs="?", type=Path, help="a workspace to copy (default: a new large demo)")
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--actions", type=int, default=20000)
    parser.add_argument("--progress", type=int, default=20000)
    parser.add_argument("--kind", action="append", choices=ORDER, help="kinds to time (default: all)")
    parser.add_argument("--no-dry-run", action="store_true", help="skip the dry runs")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    kinds = [kind for kind in ORDER if kind in (args.kind or ORDER)]

    with tempfile.TemporaryDirectory(prefix="locality-bench-import-") as folder_name:
        folder = Path(folder_name)
        source = args.workspace if args.workspace is not None else large_demo(folder)
        services = Services.open(source, create_missing=False, read_only=True)
        try:
            names = _Names(services)
        finally:
            services.close()
        print(
            f"import into copies of {source}: {len(names.organisations):,} organisations, "
            f"{len(names.needs):,} needs, {len(names.actions):,} actions"
        )
        over_budget = False
        for kind in kinds:
            count = getattr(args, kind)
            csv_path = _write(folder / f"{kind}.csv", kind, BUILDERS[kind](names, count, random.Random(args.seed)))
            runs = [("import", False)] + ([] if args.no_dry_run else [("dry run", True)])
            for label, dry_run in runs:
                elapsed, cpu, said = _timed_import(source, folder / "copy.locality", kind, csv_path, dry_run=dry_run)
                per_row = elapsed * 1000 / count
                budget = BUDGET_MS_PER_ROW * count / 1000
                verdict = "ok" if elapsed < budget else "OVER BUDGET"
                over_budget = over_budget or (not dry_run and elapsed >= budget)
                figure(f"import {count:,} {kind} ({label})", elapsed, "s", None if dry_run else budget)
                print(
                    f"  {kind:13s} {label:7s} {count:7,} rows: {elapsed:7.2f} s  {per_row:6.2f} ms/row  "
                    f"(CPU {cpu:6.2f} s; budget {budget:.1f} s: {verdict})  {said}",
                    flush=True,
                )
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
