"""The RAG rule (``domain.rag.assess_rag``) as one SQL expression, so that the database rates 20,000 open actions
and counts them (GROUP BY) instead of Python reading every action, its milestones and dates to rate each in turn.

It decides exactly what ``assess_rag`` decides, rule by rule in the same order, for actions that are neither
completed nor cancelled (the only ones the dashboard's split counts); the reasons in words stay with
``assess_rag``. ``tests/store/test_rag_queries.py`` holds the two to the same rating action by action.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from locality.domain.rag import RagThresholds
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, ActionStatus, Rag
from locality.store.models import ActionRecord, MilestoneRecord
from locality.store.unit_of_work import UnitOfWork

_CLOSED = tuple(status.value for status in CLOSED_ACTION_STATUSES)


class days_between(FunctionElement[int]):  # noqa: N801 - used like SQL's own functions
    """Whole days from the second date to the first (negative when the first is earlier)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps dates as ISO text; julianday() of two midnights differs by a whole number, exactly.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL: one date minus another is the whole number of days between them.
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


def overdue_milestone_counts(today: date) -> Any:
    """A subquery: per action, its live milestones due before ``today`` and not done by ``today`` (one done late
    counts as done), as ``domain.rag.count_overdue_milestones`` counts them; actions with none are absent."""
    return (
        select(MilestoneRecord.action_id.label("action_id"), func.count().label("overdue"))
        .where(
            MilestoneRecord.deleted_at.is_(None),
            MilestoneRecord.due_on.is_not(None),
            MilestoneRecord.due_on < today,
            or_(MilestoneRecord.done_on.is_(None), MilestoneRecord.done_on > today),
        )
        .group_by(MilestoneRecord.action_id)
        .subquery()
    )


def open_action_rag(today: date, thresholds: RagThresholds, overdue_milestones: Any) -> ColumnElement[Any]:
    """An open action's rating ('Red', 'Amber', 'Green') as at ``today``, from ``ActionRecord``'s columns and
    the overdue count of ``overdue_milestones`` (``overdue_milestone_counts``, outer-joined on the action)."""
    day = literal(today, Date)
    due, start, percent = ActionRecord.due_on, ActionRecord.start_on, ActionRecord.percent_complete
    overdue = func.coalesce(overdue_milestones.c.overdue, 0)
    past_due = and_(due.is_not(None), due < day)
    # The percent expected by now, rising evenly from 0% at the start to 100% on the due date, rounded half up.
    # Only asked once the action has started and is not past its due date (earlier rules catch that), so the
    # days elapsed lie between 0 and the span and the result between 0 and 100 needs no clamping.
    span = days_between(due, start)
    expected = case((span <= 0, 100), else_=(200 * days_between(day, start) + span) // (2 * span))
    started = and_(start.is_not(None), due.is_not(None), start <= day)
    shortfall = expected - percent
    red, amber, green = Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value
    return case(
        # a) set by hand
        (ActionRecord.rag_override.is_not(None), ActionRecord.rag_override),
        # c) paused: Red once past its due date, Amber until then
        (and_(ActionRecord.status == ActionStatus.ON_HOLD.value, past_due), red),
        (ActionRecord.status == ActionStatus.ON_HOLD.value, amber),
        # d) past its due date
        (past_due, red),
        # e) milestones overdue
        (overdue >= max(1, thresholds.red_overdue_milestones), red),
        (overdue >= max(1, thresholds.amber_overdue_milestones), amber),
        # f) behind the time elapsed
        (and_(started, shortfall >= max(1, thresholds.red_shortfall)), red),
        (and_(started, shortfall >= max(1, thresholds.amber_shortfall)), amber),
        # g) due soon and not finished
        (and_(due.is_not(None), days_between(due, day) <= thresholds.due_soon_days, percent < 100), amber),
        # h) no plan: in progress with no due date
        (and_(due.is_(None), ActionRecord.status == ActionStatus.IN_PROGRESS.value), amber),
        # h, i) anything else
        else_=green,
    )


def _open_ratings(today: date, thresholds: RagThresholds) -> Any:
    overdue = overdue_milestone_counts(today)
    return (
        select(ActionRecord.id.label("id"), open_action_rag(today, thresholds, overdue).label("rag"))
        .outerjoin(overdue, overdue.c.action_id == ActionRecord.id)
        .where(ActionRecord.deleted_at.is_(None), ActionRecord.status.not_in(_CLOSED))
    )


def open_rag_counts(unit: UnitOfWork, today: date, thresholds: RagThresholds) -> dict[Rag, int]:
    """How many live open actions (neither completed nor cancelled) are rated Red, Amber and Green as at
    ``today``; an open action is always rated, so these add up to the open actions."""
    ratings = _open_ratings(today, thresholds).subquery()
    statement = select(ratings.c.rag, func.count()).group_by(ratings.c.rag)
    return {Rag(rag): int(count) for rag, count in unit.session.execute(statement)}


def open_action_ratings(unit: UnitOfWork, today: date, thresholds: RagThresholds) -> dict[uuid.UUID, Rag]:
    """Each live open action's rating as at ``today``, by id (what ``open_rag_counts`` counts)."""
    return {action_id: Rag(rag) for action_id, rag in unit.session.execute(_open_ratings(today, thresholds))}
