"""The workshop board at a facilitator's pace: capturing 200 notes (with the "same as" look-up a capture makes as
it is typed), 1,000 dots clicked for 200 participants, typed tallies, the live ranking after each vote, the
board's columns, the Ranking tab's scores, and the workshop record as DOCX and PDF.

    python benchmarks/bench_workshop.py [WORKSPACE]   (default: a large demo workspace made in a temp folder)

The workspace is copied first: the benchmark adds a workshop to it. Every figure is the time of one service call
as the Workshops page makes it (one transaction each), so a capture that takes 40 ms keeps up with any room.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench_workspace import figure, given_or_large_demo

os.environ.setdefault("LOCALITY_DATA_DIR", tempfile.mkdtemp())

NOTES = 200
PARTICIPANTS = 200
DOTS_EACH = 5  # 1,000 dots in all
TALLIES = 50


class Timings:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}

    def time(self, label: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = work()
        self.samples.setdefault(label, []).append(time.perf_counter() - started)
        return result

    def report(self) -> None:
        print(f"{'operation':<52} {'calls':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'total s':>8}")
        for label, times in self.samples.items():
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            figure(f"workshop: {label} (median)", statistics.median(times) * 1000, "ms")
            print(
                f"{label:<52} {len(times):>6} {statistics.median(times) * 1000:>10.1f} {p95 * 1000:>8.1f} "
                f"{ordered[-1] * 1000:>8.1f} {sum(times):>8.2f}"
            )


def main() -> int:
    source = given_or_large_demo()
    workspace = Path(tempfile.mkdtemp()) / source.name
    shutil.copyfile(source, workspace)

    from locality.exchange.workshop_record import write_workshop_record
    from locality.services.registry import Services
    from locality.services.workshops import WorkshopDraft

    rng = random.Random(13)
    timings = Timings()
    services = Services.open(workspace, create_missing=False)
    try:
        needs = services.needs.list()
        organisations = [organisation.id for organisation in services.organisations.list()]
        themes = [theme.id for theme in services.vocabulary.themes()]
        print(f"{workspace.name}: {len(needs):,} needs, {len(organisations):,} organisations")
        workshop = services.workshops.create(WorkshopDraft("Benchmark workshop", date(2009, 6, 1))).id

        # Capture: the "same as" look-up as the title is typed, then the note; one in five links an existing need.
        for number in range(NOTES):
            existing = rng.choice(needs)
            linked = number % 5 == 0
            title = existing.title if linked else f"{rng.choice(needs).title.split(' in ')[0]} – note {number}"
            # Looked up at three points as the title is typed: the first after an edit reads the needs' titles.
            for end in (len(title) // 2, 3 * len(title) // 4, len(title)):
                similar = timings.time(
                    "similar_to (as a title is typed)", lambda t=title[:end]: services.workshops.similar_to(t)
                )
            same_as = similar[0].need_id if linked and similar else None
            timings.time(
                "capture_note" + (" (same as an existing need)" if same_as else " (new need)"),
                lambda t=title, s=same_as: services.workshops.capture_note(
                    workshop, t, rng.choice(organisations), rng.choice(themes), s
                ),
            )
        notes = timings.time("notes (the whole board)", lambda: services.workshops.notes(workshop))
        for note in rng.sample(notes, 20):
            timings.time("move_note (drag to another theme)", lambda n=note: services.workshops.move_note(
                n.id, rng.choice(themes), rng.randint(0, 5)
            ))  # fmt: skip

        # Dots: 200 participants click five each, the ranking beside the board refreshing after every dot.
        people = [
            services.workshops.add_participant(workshop, f"Participant {number}", rng.choice(organisations)).id
            for number in range(PARTICIPANTS)
        ]
        board_needs = [note.need_id for note in notes if note.need_id is not None]
        favourites = rng.sample(board_needs, 30)
        for person in people:
            for _ in range(DOTS_EACH):
                need = rng.choice(favourites if rng.random() < 0.6 else board_needs)
                timings.time("place_dot", lambda n=need, p=person: services.workshops.place_dot(workshop, n, p))
                timings.time("tally (live ranking after each dot)", lambda: services.workshops.tally(workshop))
        for _ in range(TALLIES):
            timings.time(
                "set_tally (typed from the paper wall)",
                lambda: services.workshops.set_tally(
                    workshop, rng.choice(board_needs), rng.choice(organisations), rng.randint(1, 12)
                ),
            )
        timings.time("participant_dots", lambda: services.workshops.participant_dots(workshop))
        ranking = timings.time("tally (final ranking)", lambda: services.workshops.tally(workshop))
        timings.time("Ranking tab: analysis.ranking()", services.analysis.ranking)
        for row in ranking[:3]:
            timings.time(
                "agree_action",
                lambda r=row: services.workshops.agree_action(
                    workshop, [r.need_id], f"Act on {r.need_title}"[:300], rng.choice(organisations)
                ),
            )
        data = timings.time("record_data", lambda: services.workshops.record_data(workshop))
        folder = Path(tempfile.mkdtemp())
        timings.time("workshop record DOCX", lambda: write_workshop_record(data, folder / "record.docx", "docx"))
        timings.time("workshop record PDF", lambda: write_workshop_record(data, folder / "record.pdf", "pdf"))
        print(f"{len(notes)} notes, {sum(row.total_dots for row in ranking):,} dots on {len(ranking)} needs")
    finally:
        services.close()
    timings.report()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
