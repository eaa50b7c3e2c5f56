"""Benchmark: merge a copy of the large workspace into it after each side changed 2,000 records.

    python benchmarks/bench_merge.py [--db PATH] [--records 2000] [--conflicts 50]

Without --db, the large demo partnership is created first with ``locality demo --size large`` in a temporary
folder (not timed). A workshop copy is saved from it (``sync.copy.save_workshop_copy``), then each side changes
``--records`` records through the services, in one batch each (not timed): the office edits actions and needs and
logs progress, the laptop edits others, adds needs and progress, and both edit ``--conflicts`` of the same needs'
titles. Timed: the dry run (``plan_merge``) and the merge itself (``apply_merge``: backup, one transaction,
conflicts kept as this workspace's values), as ``locality merge`` runs them. Budget (DESIGN.md): the merge under
10 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from locality.services.context import User
from locality.services.needs import NeedDraft
from locality.services.progress import ProgressDraft
from locality.services.registry import Services
from locality.sync.copy import save_workshop_copy
from locality.sync.merge import apply_merge, plan_merge

sys.path.insert(0, str(Path(__file__).parent))
from bench_workspace import figure, large_demo  # noqa: E402 - the one way the benchmarks make the large demo

BUDGET_SECONDS = 10.0


def _change(path: Path, user: User, side: int, records: int, conflicts: int) -> None:
    """``records`` changes by one side (0: the office, 1: the laptop), in one batch: a third action edits, a
    third need edits (the first ``conflicts`` of them the same needs on both sides), a third new progress
    updates; the laptop also adds needs."""
    services = Services.open(path, user, create_missing=False)
    try:
        actions = services.actions.list()
        needs = services.needs.list()
        share = records // 3
        with services.batch():
            for index in range(share):
                action = services.actions.get(actions[2 * index + side].id)
                draft = dataclasses.replace(action.as_draft(), notes=f"{user.name} note {index}")
                services.actions.update(action.id, draft, action.version)
            for index in range(share):
                need = services.needs.get(needs[index if index < conflicts else 2 * index + side].id)
                draft = dataclasses.replace(need.as_draft(), title=f"{need.title} ({user.name} {index})")
                services.needs.update(need.id, draft, need.version)
            remaining = records - 2 * share
            new_needs = remaining // 4 if side else 0
            for index in range(new_needs):
                services.needs.create(NeedDraft(f"Workshop need {index}"))
            for index in range(remaining - new_needs):
                action = actions[-(2 * index + side) - 1]
                services.progress.log(ProgressDraft(action.id, date(2026, 11, 1), note=f"{user.name} {index}"))
    finally:
        services.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, help="an existing workspace to copy (default: a new large demo)")
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--conflicts", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="locality-bench-merge-") as folder_name:
        folder = Path(folder_name)
        if args.db is not None:
            office = folder / "office.locality"
            shutil.copyfile(args.db, office)
        else:
            office = large_demo(folder)
        laptop = folder / "laptop.locality"
        started = time.perf_counter()
        save_workshop_copy(str(office), laptop)
        copy_seconds = time.perf_counter() - started
        print(f"Saved the workshop copy in {copy_seconds:.2f} s ({laptop.stat().st_size / 1e6:.0f} MB).")
        print(f"Changing {args.records:,} records on each side (not timed)...", flush=True)
        _change(office, User("Olive Office", "Council"), 0, args.records, args.conflicts)
        _change(laptop, User("Adam Laptop", "Health Trust"), 1, args.records, args.conflicts)

        started = time.perf_counter()
        plan = plan_merge(str(office), laptop)
        plan_seconds = time.perf_counter() - started
        print(f"Dry run (plan_merge): {plan_seconds:.2f} s")
        for line in plan.lines()[:8]:
            print(f"  {line}")
        started = time.perf_counter()
        result = apply_merge(str(office), laptop)
        merge_seconds = time.perf_counter() - started
        print(f"Merge (apply_merge, backup included): {merge_seconds:.2f} s — {result.summary}")
        figure("merge: dry run", plan_seconds, "s")
        figure("merge: two copies that each changed records", merge_seconds, "s", BUDGET_SECONDS)
        started = time.perf_counter()
        again = plan_merge(str(office), laptop)
        print(f"Merging again would change nothing: {again.is_empty} ({time.perf_counter() - started:.2f} s)")
        verdict = "within" if merge_seconds <= BUDGET_SECONDS else "OVER"
        print(f"Budget {BUDGET_SECONDS:.0f} s: {verdict}.")
        return 0 if merge_seconds <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
