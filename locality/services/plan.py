"""The joint action plan's values: the filters asked for, and the plan as built once from the services
(``plan_building.build_plan``) then rendered in each export format; and cancelling a long export.

The renderers in exchange/ (``render_<format>``) only lay out what the plan holds.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from locality.domain.errors import LocalityError
from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus, Rag

if TYPE_CHECKING:
    pass

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ExportCancelled(LocalityError):
    """The user cancelled an export; no file was written."""

    def __init__(self, message: str = "The export was cancelled; nothing was written.") -> None:
        super().__init__(message)


def check_cancelled(cancelled: Cancelled | None) -> None:
    """Raise ``ExportCancelled`` when the user has asked to stop."""
    if cancelled is not None and cancelled():
        raise ExportCancelled()


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector while hundreds of thousands of small objects are made.

    The plan's objects hold no reference cycles, yet each collection would walk them all again: pausing it
    halves the time to build and write a large plan. It resumes (if it was running) however the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class PlanFilters:
    organisations: tuple[str, ...] = ()  # names (or short names) as the user typed them
    theme: str | None = None  # a theme name; includes its service areas
    statuses: tuple[ActionStatus, ...] = ()
    period_start: date | None = None  # actions overlapping the period (start..due)
    period_end: date | None = None
    include_confidential: bool = False

    def describe(self) -> list[str]:
        """The filters in words, one line each; ``["All actions"]`` when nothing is filtered."""
        lines: list[str] = []
        if self.organisations:
            label = "Organisation" if len(self.organisations) == 1 else "Organisations"
            lines.append(f"{label}: {', '.join(name.strip() for name in self.organisations)}")
        if self.theme:
            lines.append(f"Theme: {self.theme.strip()}")
        if self.statuses:
            label = "Status" if len(self.statuses) == 1 else "Statuses"
            lines.append(f"{label}: {', '.join(status.value for status in self.statuses)}")
        if self.period_start is not None or self.period_end is not None:
            if self.period_start is not None and self.period_end is not None:
                lines.append(f"Period: {format_date(self.period_start)} to {format_date(self.period_end)}")
            elif self.period_start is not None:
                lines.append(f"Period: from {format_date(self.period_start)}")
            else:
                lines.append(f"Period: up to {format_date(self.period_end)}")
        return lines or ["All actions"]


# A plan's actions, needs and milestones are named tuples rather than frozen dataclasses: a large partnership's plan
# makes 70,000 of them, and a frozen dataclass takes three times as long to make (0.15 s more for each export).
class PlanMilestone(NamedTuple):
    action_title: str
    title: str
    due_on: date | None
    done_on: date | None
    overdue: bool


class PlanAction(NamedTuple):
    id: uuid.UUID
    title: str
    theme: str  # theme name or ""
    lead: str  # lead organisation name or ""
    partners: tuple[str, ...]
    needs: tuple[str, ...]  # titles of the needs it addresses
    start_on: date | None
    due_on: date | None
    status: ActionStatus
    rag: Rag | None
    rag_reason: str  # "Overdue: due 31/03/2008, 40% complete"
    percent_complete: int
    budget_pence: int | None
    spend_pence: int
    latest_note: str  # latest progress note; "" when that note is confidential and not included
    latest_note_on: date | None
    milestones: tuple[PlanMilestone, ...]
    # The named owner at the lead organisation ("" for none); their e-mail and telephone are personal contact
    # details, "" unless confidential content is included.
    owner: str = ""
    owner_email: str = ""
    owner_phone: str = ""


class PlanNeed(NamedTuple):
    id: uuid.UUID
    title: str
    theme: str
    organisations: tuple[str, ...]
    priority: str  # "High" / "Medium" / "Low" / ""
    status: str
    action_count: int
    notes: str  # "" when confidential and not included


@dataclass(frozen=True)
class PlanIndicator:
    name: str
    unit: str
    direction: str  # "Higher is better" / "Lower is better"
    baseline_value: float | None
    baseline_on: date | None
    target_value: float | None
    target_on: date | None
    # Its latest value as the app shows it (``indicators.actual_value``): the running total of its measurements
    # for a cumulative indicator, the latest measurement for a periodic one; printed as "Latest".
    actual_value: float | None
    latest_on: date | None  # the date of its latest measurement
    percent_to_target: int | None  # worked out from actual_value
    evidences: str  # the need or action title it evidences, or ""


@dataclass(frozen=True)
class PlanOrganisation:
    name: str
    short_name: str
    type: str
    contact_name: str  # "" unless confidential content is included (personal data)
    contact_email: str  # "" unless confidential content is included


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    needs: int
    actions: int
    budget_pence: int
    spend_pence: int


@dataclass(frozen=True)
class PlanSummary:
    by_status: tuple[CountRow, ...]  # every ActionStatus in order, with counts (zeros included)
    by_rag: tuple[CountRow, ...]  # open actions: Red, Amber, Green, Not rated (as the dashboard's RAG_SPLIT_TITLE)
    by_theme: tuple[ThemeRow, ...]
    budget_pence: int
    spend_pence: int
    needs_total: int
    shared_needs: int
    actions_total: int


@dataclass(frozen=True)
class Plan:
    partnership: str
    area: str
    period: str  # "01/04/2008 to 31/03/2011" or ""
    generated_on: date
    filters: tuple[str, ...]  # PlanFilters.describe()
    confidential_included: bool
    summary: PlanSummary
    organisations: tuple[PlanOrganisation, ...]
    needs: tuple[PlanNeed, ...]
    actions: tuple[PlanAction, ...]
    indicators: tuple[PlanIndicator, ...]
    sign_off: tuple[str, ...] = ("Agreed by the partnership board", "Name", "Signature", "Date")

    @property
    def milestones(self) -> tuple[PlanMilestone, ...]:
        """All actions' milestones, in action order."""
        return tuple(milestone for action in self.actions for milestone in action.milestones)
