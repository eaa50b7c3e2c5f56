"""The board's exception report: a short paper of what a partnership board needs to see, and nothing more.

It holds the dashboard's figures and charts (the same numbers under the same titles), what has moved since the
last recorded board snapshot, the overdue actions and milestones grouped by lead organisation, each red action's
latest progress note, and the RAG split at each recorded snapshot as a trend. Long lists are cut short with the
number left out ("and 40 more"), so a workspace of 20,000 actions still gives a paper of a few pages.

The renderers (``exchange/board_report_*``) only lay out what ``BoardReport`` holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from locality.domain.text import plural
from locality.domain.values import format_date
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, Rag
from locality.services.actions import ActionService, ActionSummary
from locality.services.context import ServiceContext
from locality.services.dashboard import RAG_ORDER, DashboardFigures, DashboardService, figure_values
from locality.services.snapshots import BoardSnapshot, SnapshotComparison, SnapshotService
from locality.store import dashboard_queries, plan_queries, snapshot_queries

T = TypeVar("T")

#: How many of each list of the comparison ("new reds", "completed"...) the paper names.
MOVED_SHOWN = 6
#: How many lead organisations with overdue work the paper lists, most overdue first; and per organisation, how
#: many of its overdue actions and milestones.
LEADS_SHOWN = 6
OVERDUE_ACTIONS_SHOWN = 3
OVERDUE_MILESTONES_SHOWN = 3
#: How many red actions' latest notes the paper quotes, the longest overdue first.
RED_NOTES_SHOWN = 10
#: How many more lead organisations with overdue work the paper names after those it lists in full.
OTHER_LEADS_NAMED = 20
#: How many recorded snapshots the RAG trend shows (the latest ones), before today's position.
TREND_SNAPSHOTS = 11
#: A quoted note longer than this is cut at a word, with an ellipsis.
NOTE_LENGTH = 400

NO_LEAD = "No lead organisation"
CONFIDENTIAL_NOTE = "The latest note is confidential and is left out."
NOT_RATED = "Not rated"


@dataclass(frozen=True)
class Capped(Generic[T]):
    """The first items of a longer list, and how many there were in all."""

    items: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        """How many were left out: the paper says "and N more"."""
        return self.total - len(self.items)


def capped(items: Sequence[T], limit: int) -> Capped[T]:
    return Capped(tuple(items[:limit]), len(items))


@dataclass(frozen=True)
class Line:
    """One action (or milestone) in a list, with what puts it there in words."""

    title: str
    detail: str


@dataclass(frozen=True)
class Moved:
    """One kind of move since the snapshot ("New reds", "Completed"...), in words."""

    key: str  # "new_reds", "no_longer_red", "completed", "slipped", "brought_forward", "added", "removed"
    heading: str
    lines: Capped[Line]


@dataclass(frozen=True)
class LeadOverdue:
    """A lead organisation's overdue actions and milestones."""

    lead: str
    actions: Capped[Line]
    milestones: Capped[Line]


@dataclass(frozen=True)
class RedNote:
    title: str
    lead: str
    reason: str  # why it is red, in the RAG rule's words
    note_on: date | None
    note: str  # its latest progress note; CONFIDENTIAL_NOTE or "" (no note yet) when there is none to quote


@dataclass(frozen=True)
class TrendPoint:
    """The RAG split of open actions at one board snapshot (or today)."""

    label: str  # the meeting's date, dd/mm/yyyy, or "Today"
    title: str  # the snapshot's title, or "Today"
    counts: tuple[tuple[Rag | None, int], ...]  # Red, Amber, Green, not rated

    def count(self, rag: Rag | None) -> int:
        return dict(self.counts).get(rag, 0)


@dataclass(frozen=True)
class BoardReport:
    partnership: str
    area: str
    plan_period: str
    produced_on: date
    confidential_included: bool
    figures: DashboardFigures
    #: The dashboard's tiles as (caption, value).
    key_figures: tuple[tuple[str, str], ...]
    #: The snapshot compared with (the latest recorded), or None when none has been recorded yet.
    snapshot: BoardSnapshot | None
    moved: tuple[Moved, ...]
    overdue_actions: int
    overdue_milestones: int
    overdue_by_lead: Capped[LeadOverdue]
    #: The leads left out of ``overdue_by_lead``, with how many overdue actions and milestones each has (the first
    #: of them; ``overdue_by_lead.more`` says how many there are in all).
    other_leads: tuple[tuple[str, int, int], ...]
    red_notes: Capped[RedNote]
    trend: tuple[TrendPoint, ...]

    @property
    def title(self) -> str:
        return "Board exception report"


def _rag_word(rag: Rag | None) -> str:
    return rag.value if rag is not None else NOT_RATED


def _short(text: str, limit: int = NOTE_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def moved_since(comparison: SnapshotComparison, limit: int = MOVED_SHOWN) -> tuple[Moved, ...]:
    """The comparison's moves in words, each list cut to ``limit``; kinds with nothing in them are left out."""
    groups: list[tuple[str, str, list[Line]]] = [
        (
            "new_reds",
            "New reds",
            [Line(c.title, f"was {_rag_word(c.before)}; {c.reason}") for c in comparison.new_reds],
        ),
        (
            "completed",
            "Completed",
            [Line(c.title, f"was {c.before.value if c.before else 'not recorded'}") for c in comparison.completed],
        ),
        (
            "slipped",
            "Slipped (due later than reported)",
            [
                Line(
                    c.title,
                    f"due {format_date(c.after)}, was {format_date(c.before)} ({plural(c.days_later, 'day')} later)",
                )
                for c in comparison.slipped
            ],
        ),
        (
            "brought_forward",
            "Brought forward (due earlier than reported)",
            [
                Line(
                    c.title,
                    f"due {format_date(c.after)}, "
                    f"was {format_date(c.before)} ({plural(c.days_earlier, 'day')} earlier)",
                )
                for c in comparison.brought_forward
            ],
        ),
        (
            "no_longer_red",
            "No longer red",
            [Line(c.title, f"now {_rag_word(c.after)}; {c.reason}") for c in comparison.no_longer_red],
        ),
        (
            "added",
            "Added since",
            [
                Line(c.title, f"{c.status.value if c.status else ''}, {_rag_word(c.rag)}".strip(", "))
                for c in comparison.added
            ],
        ),
        ("removed", "Deleted since", [Line(c.title, "deleted") for c in comparison.removed]),
    ]
    return tuple(Moved(key, heading, capped(lines, limit)) for key, heading, lines in groups if lines)


def _open_split(counts: dict[tuple[str | None, str | None], int]) -> tuple[tuple[Rag | None, int], ...]:
    """A snapshot's RAG split of open actions (as the dashboard counts them) from its (status, RAG) counts."""
    closed = {status.value for status in CLOSED_ACTION_STATUSES}
    split: dict[Rag | None, int] = dict.fromkeys(RAG_ORDER, 0)
    for (status, rag), count in counts.items():
        if status in closed:
            continue
        try:
            split[Rag(rag) if rag else None] += count
        except ValueError:
            split[None] += count
    return tuple(split.items())


def _by_lead(actions: Iterable[ActionSummary]) -> Callable[[uuid.UUID], str]:
    leads = {action.id: action.lead_organisation_name or NO_LEAD for action in actions}
    return lambda action_id: leads.get(action_id, NO_LEAD)


class BoardReportService:
    def __init__(
        self,
        context: ServiceContext,
        dashboard: DashboardService | None = None,
        actions: ActionService | None = None,
        snapshots: SnapshotService | None = None,
    ) -> None:
        self._context = context
        self._actions = actions or ActionService(context)
        self._dashboard = dashboard or DashboardService(context)
        self._snapshots = snapshots or SnapshotService(context)

    def build(self, *, include_confidential: bool = False, snapshot_id: uuid.UUID | None = None) -> BoardReport:
        """The board paper as of today, compared with ``snapshot_id`` (the latest recorded snapshot if None).

        A confidential progress note is quoted only with ``include_confidential``.
        """
        today = self._context.today()
        figures = self._dashboard.figures()
        actions = self._actions.list()
        snapshots = self._snapshots.list()  # the latest meeting first
        if snapshot_id is None and snapshots:
            snapshot_id = snapshots[0].id
        comparison = self._snapshots.compare(snapshot_id) if snapshot_id is not None else None
        with self._context.read() as unit:
            milestones = dashboard_queries.overdue_milestones(unit, today)
            trend_counts = snapshot_queries.snapshot_rag_counts(unit)

        lead_of = _by_lead(actions)
        overdue = [
            action
            for action in actions
            if action.status not in CLOSED_ACTION_STATUSES and action.due_on is not None and action.due_on < today
        ]
        overdue.sort(key=lambda a: (a.due_on, a.title.casefold()))  # the longest overdue first
        by_lead: dict[str, tuple[list[Line], list[Line]]] = {}
        for action in overdue:
            assert action.due_on is not None
            late = (today - action.due_on).days
            by_lead.setdefault(lead_of(action.id), ([], []))[0].append(
                Line(
                    action.title,
                    f"due {format_date(action.due_on)}, {plural(late, 'day')} overdue, "
                    f"{action.percent_complete}% complete",
                )
            )
        for row in milestones:  # earliest first
            by_lead.setdefault(lead_of(row.action_id), ([], []))[1].append(
                Line(
                    row.milestone_title,
                    f"{row.action_title}: due {format_date(row.due_on)}, "
                    f"{plural((today - row.due_on).days, 'day')} overdue",
                )
            )
        # The organisations with the most overdue work first.
        ordered = sorted(by_lead.items(), key=lambda item: (-len(item[1][0]) - len(item[1][1]), item[0].casefold()))
        groups = [
            LeadOverdue(lead, capped(lines[0], OVERDUE_ACTIONS_SHOWN), capped(lines[1], OVERDUE_MILESTONES_SHOWN))
            for lead, lines in ordered
        ]

        reds = [action for action in actions if action.status not in CLOSED_ACTION_STATUSES and action.rag == Rag.RED]
        reds.sort(key=lambda a: (a.due_on or date.max, a.title.casefold()))
        shown_reds = reds[:RED_NOTES_SHOWN]
        notes: dict[uuid.UUID, plan_queries.LatestNote] = {}
        if shown_reds:
            with self._context.read() as unit:
                found = plan_queries.latest_notes(unit, [action.id for action in shown_reds])
            notes = {plan_queries.as_uuid(key): note for key, note in found.items()}
        red_notes: list[RedNote] = []
        for action in shown_reds:
            note = notes.get(action.id)
            if note is None:
                red_notes.append(RedNote(action.title, lead_of(action.id), action.rag_reason, None, ""))
            elif note.confidential and not include_confidential:
                red_notes.append(RedNote(action.title, lead_of(action.id), action.rag_reason, None, CONFIDENTIAL_NOTE))
            else:
                red_notes.append(
                    RedNote(action.title, lead_of(action.id), action.rag_reason, note.reported_on, _short(note.note))
                )

        trend = [
            TrendPoint(format_date(snapshot.meeting_on), snapshot.title, _open_split(trend_counts.get(snapshot.id, {})))
            for snapshot in reversed(snapshots[:TREND_SNAPSHOTS])
        ]
        trend.append(TrendPoint("Today", "Today", figures.rag_split))

        return BoardReport(
            partnership=figures.partnership_name,
            area=figures.area,
            plan_period=figures.plan_period,
            produced_on=today,
            confidential_included=include_confidential,
            figures=figures,
            key_figures=figure_values(figures),
            snapshot=comparison.snapshot if comparison is not None else None,
            moved=moved_since(comparison) if comparison is not None else (),
            overdue_actions=len(overdue),
            overdue_milestones=len(milestones),
            overdue_by_lead=capped(groups, LEADS_SHOWN),
            other_leads=tuple(
                (group.lead, group.actions.total, group.milestones.total)
                for group in groups[LEADS_SHOWN : LEADS_SHOWN + OTHER_LEADS_NAMED]
            ),
            red_notes=Capped(tuple(red_notes), len(reds)),
            trend=tuple(trend),
        )
