"""The timeline: every dated action as a bar from its start to its due date, with its milestones, grouped by
theme or by lead organisation, filtered as the actions list is.

An action's RAG rating is worked out exactly as the actions list works it out (``action_rag.assess_action``). An
action without a start date is drawn from the day it was recorded (or from its due date, if it was recorded
later); one without a due date ends at its completion date, or runs to today while it is open.
Actions with no date at all cannot be placed and are counted instead.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from locality.domain.errors import ValidationError
from locality.domain.rag import MilestoneDates, count_overdue_milestones
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, ActionStatus, Rag
from locality.services.action_rag import assess_action, rag_thresholds
from locality.services.context import ServiceContext
from locality.services.vocabulary import theme_and_service_areas
from locality.store import action_queries, timeline_queries
from locality.store.models import ThemeRecord
from locality.store.unit_of_work import UnitOfWork

NO_THEME = "No theme"
NO_LEAD = "No lead organisation"


class TimelineGrouping(StrEnum):
    THEME = "theme"
    LEAD = "lead"


@dataclass(frozen=True, slots=True)
class TimelineMilestone:
    id: uuid.UUID
    title: str
    due_on: date | None
    done_on: date | None
    overdue: bool  # due before today and not done by today

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True, slots=True)
class TimelineAction:
    """One bar: the action's own dates, and the span drawn (``bar_start`` to ``bar_end``, both included)."""

    id: uuid.UUID
    title: str
    theme_id: uuid.UUID | None
    theme_name: str
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    start_on: date | None
    due_on: date | None
    completed_on: date | None
    status: ActionStatus
    percent_complete: int
    rag: Rag | None
    rag_reason: str
    milestones: tuple[TimelineMilestone, ...]
    bar_start: date
    bar_end: date
    start_estimated: bool  # no start date: drawn from when it was recorded, or from its due date
    end_estimated: bool  # no due date: drawn to its completion, to today, or as a single day

    @property
    def overdue_milestones(self) -> int:
        return sum(1 for milestone in self.milestones if milestone.overdue)


@dataclass(frozen=True)
class TimelineGroup:
    key: uuid.UUID | None  # the theme's or lead organisation's id; None for "No theme" / "No lead organisation"
    title: str
    actions: tuple[TimelineAction, ...]


@dataclass(frozen=True)
class Timeline:
    grouping: TimelineGrouping
    groups: tuple[TimelineGroup, ...]
    undated_count: int  # actions passing the filters that have no date at all, so are not shown
    today: date
    first_date: date | None  # the earliest bar start or milestone shown
    last_date: date | None  # the latest bar end or milestone shown
    plan_start: date | None
    plan_end: date | None

    @property
    def action_count(self) -> int:
        return sum(len(group.actions) for group in self.groups)

    @property
    def undated_text(self) -> str:
        """ "12 actions have no dates and are not shown", or "" when every action has a date."""
        count = self.undated_count
        if count == 0:
            return ""
        if count == 1:
            return "1 action has no dates and is not shown"
        return f"{count:,} actions have no dates and are not shown"


@dataclass(frozen=True, slots=True)
class _Entry:
    """One live action as the filters see it; ``action`` is None when it has no date to place it by."""

    key: str
    theme_id: uuid.UUID | None
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    status: ActionStatus
    rag: Rag | None
    action: TimelineAction | None


@dataclass(frozen=True)
class _Cache:
    stamp: tuple[object, ...]
    entries: tuple[_Entry, ...]
    themes: dict[uuid.UUID, tuple[str, int]]  # id -> (full name, sort key)


def _milestone_overdue(due_on: date | None, done_on: date | None, today: date) -> bool:
    return count_overdue_milestones((MilestoneDates(due_on, done_on),), today) > 0


def _bar_span(
    start_on: date | None,
    due_on: date | None,
    completed_on: date | None,
    created_on: date | None,
    status: ActionStatus,
    today: date,
) -> tuple[date, date, bool, bool] | None:
    """(start, end, start estimated, end estimated) of the bar drawn, or None if nothing places the action."""
    end = due_on or completed_on
    start = start_on
    if start is None and end is None:
        return None
    start_estimated = end_estimated = False
    if start is None:
        assert end is not None
        start = created_on if created_on is not None and created_on <= end else end
        start_estimated = True
    if end is None:
        end = max(start, today) if status not in CLOSED_ACTION_STATUSES else start
        end_estimated = True
    if end < start:  # a due date before the start: draw the span the two dates cover
        start, end = end, start
    return start, end, start_estimated, end_estimated


def _themes(unit: UnitOfWork) -> dict[uuid.UUID, tuple[str, int]]:
    """Every theme (deleted ones too, so that an action still names its theme) with its full name and order."""
    rows = unit.list(ThemeRecord, include_deleted=True)
    by_id = {row.id: row for row in rows}
    found: dict[uuid.UUID, tuple[str, int]] = {}
    for row in rows:
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        name = f"{parent.name}: {row.name}" if parent is not None else row.name
        # Deleted themes sort after live ones.
        found[row.id] = (name, row.sort_order + (1_000_000 if row.deleted_at is not None else 0))
    return found


def _entries(unit: UnitOfWork, today: date) -> builtins.list[_Entry]:
    rows = action_queries.action_rows(unit, action_queries.ActionFilter())
    themes = _themes(unit)
    thresholds = rag_thresholds(unit)
    created = timeline_queries.created_dates(unit, None)
    milestones = timeline_queries.milestones(unit, None)
    entries: builtins.list[_Entry] = []
    for row in rows:
        own = milestones.get(row.key, [])
        assessment = assess_action(row, ((milestone.due_on, milestone.done_on) for milestone in own), today, thresholds)
        status = ActionStatus(row.status)
        span = _bar_span(row.start_on, row.due_on, row.completed_on, created.get(row.key), status, today)
        action: TimelineAction | None = None
        if span is not None:
            bar_start, bar_end, start_estimated, end_estimated = span
            action = TimelineAction(
                id=row.id,
                title=row.title,
                theme_id=row.theme_id,
                theme_name=themes[row.theme_id][0] if row.theme_id in themes else "",
                lead_organisation_id=row.lead_organisation_id,
                lead_organisation_name=row.lead_organisation_name,
                start_on=row.start_on,
                due_on=row.due_on,
                completed_on=row.completed_on,
                status=status,
                percent_complete=row.percent_complete,
                rag=assessment.rag,
                rag_reason=assessment.reason,
                milestones=tuple(
                    TimelineMilestone(
                        m.id, m.title, m.due_on, m.done_on, _milestone_overdue(m.due_on, m.done_on, today)
                    )
                    for m in own
                ),
                bar_start=bar_start,
                bar_end=bar_end,
                start_estimated=start_estimated,
                end_estimated=end_estimated,
            )
        entries.append(
            _Entry(
                row.key,
                row.theme_id,
                row.lead_organisation_id,
                row.lead_organisation_name,
                status,
                assessment.rag,
                action,
            )
        )
    return entries


def _as_set(enum_type: type[StrEnum], value: object, field: str, label: str) -> frozenset[str] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    try:
        return frozenset(enum_type(item).value for item in items)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise ValidationError({field: f"Choose a {label} from the list: {allowed}"}) from None


class TimelineService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        # Every live action rated and placed, kept while the workspace is unchanged (asked of the workspace,
        # as the actions list does), so that changing a filter or the grouping costs no re-reading.
        self._cache: _Cache | None = None

    def timeline(
        self,
        group_by: TimelineGrouping | str = TimelineGrouping.THEME,
        *,
        theme_id: uuid.UUID | None = None,
        organisation_id: uuid.UUID | None = None,
        status: ActionStatus | Collection[ActionStatus] | None = None,
        rag: Rag | Collection[Rag] | None = None,
        period_start: date | None = None,
        period_end: date | None = None,
        include_completed: bool = True,
        include_cancelled: bool = True,
    ) -> Timeline:
        """The live actions the filters keep, grouped.

        ``theme_id`` includes the service areas beneath a theme; ``organisation_id`` keeps actions it leads or
        is a partner in; ``rag`` keeps those rated so now; ``period_start``/``period_end`` keep bars that
        overlap the period. Groups come in theme order (or lead organisation A to Z), "No theme" or "No lead
        organisation" last; bars within a group by start date, then end date, then title.
        """
        try:
            grouping = TimelineGrouping(group_by)
        except ValueError:
            raise ValidationError({"group_by": "Group the timeline by theme or by lead organisation"}) from None
        wanted_statuses = _as_set(ActionStatus, status, "status", "status")
        wanted_rags = _as_set(Rag, rag, "rag", "RAG rating")
        if period_start is not None and period_end is not None and period_end < period_start:
            raise ValidationError({"period_end": "The end of the period cannot be before its start"})
        today = self._context.today()
        with self._context.read() as unit:
            stamp = (today, unit.data_stamp())
            cache = self._cache
            if cache is None or cache.stamp != stamp:
                cache = self._cache = _Cache(stamp, tuple(_entries(unit, today)), _themes(unit))
            theme_ids = theme_and_service_areas(unit, theme_id)
            organisation_keys = (
                action_queries.action_keys(unit, action_queries.ActionFilter(organisation_id=organisation_id))
                if organisation_id is not None
                else None
            )
            meta = unit.meta()
            plan_start, plan_end = meta.plan_start, meta.plan_end

        shown: builtins.list[TimelineAction] = []
        undated = 0
        for entry in cache.entries:
            if theme_ids is not None and entry.theme_id not in theme_ids:
                continue
            if organisation_keys is not None and entry.key not in organisation_keys:
                continue
            if wanted_statuses is not None and entry.status.value not in wanted_statuses:
                continue
            if not include_completed and entry.status == ActionStatus.COMPLETED:
                continue
            if not include_cancelled and entry.status == ActionStatus.CANCELLED:
                continue
            if wanted_rags is not None and (entry.rag is None or entry.rag.value not in wanted_rags):
                continue
            action = entry.action
            if action is None:
                undated += 1
                continue
            if period_start is not None and action.bar_end < period_start:
                continue
            if period_end is not None and action.bar_start > period_end:
                continue
            shown.append(action)

        groups = _grouped(shown, grouping, cache.themes)
        dates = [day for action in shown for day in (action.bar_start, action.bar_end)]
        dates.extend(m.due_on for action in shown for m in action.milestones if m.due_on is not None)
        return Timeline(
            grouping=grouping,
            groups=groups,
            undated_count=undated,
            today=today,
            first_date=min(dates) if dates else None,
            last_date=max(dates) if dates else None,
            plan_start=plan_start,
            plan_end=plan_end,
        )


def _grouped(
    actions: builtins.list[TimelineAction],
    grouping: TimelineGrouping,
    themes: dict[uuid.UUID, tuple[str, int]],
) -> tuple[TimelineGroup, ...]:
    buckets: dict[uuid.UUID | None, builtins.list[TimelineAction]] = {}
    names: dict[uuid.UUID | None, str] = {}
    for action in actions:
        key = action.theme_id if grouping == TimelineGrouping.THEME else action.lead_organisation_id
        if grouping == TimelineGrouping.THEME and key is not None and key not in themes:
            key = None
        buckets.setdefault(key, []).append(action)
        if key not in names:
            if grouping == TimelineGrouping.THEME:
                names[key] = themes[key][0] if key is not None else NO_THEME
            else:
                names[key] = action.lead_organisation_name if key is not None else NO_LEAD

    def order(key: uuid.UUID | None) -> tuple[int, int, str]:
        if key is None:
            return (1, 0, "")
        if grouping == TimelineGrouping.THEME:
            return (0, themes[key][1], names[key].casefold())
        return (0, 0, names[key].casefold())

    return tuple(
        TimelineGroup(
            key,
            names[key],
            tuple(sorted(buckets[key], key=lambda a: (a.bar_start, a.bar_end, a.title.casefold(), str(a.id)))),
        )
        for key in sorted(buckets, key=order)
    )
