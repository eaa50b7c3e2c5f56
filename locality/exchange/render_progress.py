"""What every renderer shares while it writes: progress reported as it goes, and a check for Cancel."""

from __future__ import annotations

from locality.services.plan import Cancelled, Plan, Progress, check_cancelled


class Ticker:
    """Reports an export's progress as ``(done, total)`` and stops it when ``cancelled()`` says so."""

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None, total: int) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.total = max(total, 1)
        self.done = 0

    def advance(self, steps: int) -> None:
        check_cancelled(self.cancelled)
        self.done = min(self.done + steps, self.total)
        if self.progress is not None:
            self.progress(self.done, self.total)

    def check(self) -> None:
        check_cancelled(self.cancelled)


def table_rows(plan: Plan) -> int:
    """About how many table rows a rendered plan has (its cover and headings counted as 20): the scale of a
    renderer's progress."""
    return (
        len(plan.needs)
        + len(plan.actions)
        + sum(len(action.milestones) for action in plan.actions)
        + len(plan.indicators)
        + len(plan.organisations)
        + len(plan.summary.by_theme)
        + 20
    )
