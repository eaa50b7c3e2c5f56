"""Queries for the dashboard's figures, each one bulk statement however large the workspace, counting and adding
up in the database (GROUP BY, SUM) rather than reading 20,000 actions into Python. Each counts what the actions
list shows (its spend, need counts and order), so a figure and the list it opens agree. Tombstoned rows are always
left out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from locality.domain.vocabulary import CLOSED_ACTION_STATUSES
from locality.store.live_queries import action_without_live_need
from locality.store.models import (
    ActionRecord,
    BoardSnapshotItemRecord,
    MilestoneRecord,
    SpendRecord,
)
from locality.store.unit_of_work import UnitOfWork

# Statuses of actions that are finished with: their milestones are no longer chased.
CLOSED_STATUSES = tuple(status.value for status in CLOSED_ACTION_STATUSES)


@dataclass(frozen=True)
class OverdueMilestoneRow:
    action_id: uuid.UUID
    action_title: str
    milestone_title: str
    due_on: date


def overdue_milestones(unit: UnitOfWork, today: date) -> list[OverdueMilestoneRow]:
    """Live milestones of live, open actions that were due before ``today`` and are not done by ``today``
    (one done late counts as done), earliest first."""
    statement = (
        select(ActionRecord.id, ActionRecord.title, MilestoneRecord.title, MilestoneRecord.due_on)
        .join(ActionRecord, ActionRecord.id == MilestoneRecord.action_id)
        .where(
            MilestoneRecord.deleted_at.is_(None),
            ActionRecord.deleted_at.is_(None),
            ActionRecord.status.not_in(CLOSED_STATUSES),
            MilestoneRecord.due_on.is_not(None),
            MilestoneRecord.due_on < today,
            or_(MilestoneRecord.done_on.is_(None), MilestoneRecord.done_on > today),
        )
        .order_by(MilestoneRecord.due_on, func.lower(ActionRecord.title), MilestoneRecord.sort_order)
    )
    return [
        OverdueMilestoneRow(action_id, action_title, milestone_title, due_on)
        for action_id, action_title, milestone_title, due_on in unit.session.execute(statement)
        if due_on is not None
    ]


@dataclass(frozen=True)
class SnapshotMoney:
    """The budgets and spend of the actions a board snapshot recorded, as they stood then."""

    budget_pence: int
    spent_pence: int


def snapshot_money(unit: UnitOfWork, snapshot_id: uuid.UUID) -> SnapshotMoney:
    statement = select(
        func.coalesce(func.sum(BoardSnapshotItemRecord.budget_pence), 0),
        func.coalesce(func.sum(BoardSnapshotItemRecord.spend_pence), 0),
    ).where(
        BoardSnapshotItemRecord.snapshot_id == snapshot_id,
        BoardSnapshotItemRecord.deleted_at.is_(None),
        BoardSnapshotItemRecord.action_id.is_not(None),
    )
    row = unit.session.execute(statement).one()
    return SnapshotMoney(int(row[0] or 0), int(row[1] or 0))


def snapshot_spend_by_action(unit: UnitOfWork, snapshot_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Each recorded action's spend as the snapshot recorded it."""
    statement = select(BoardSnapshotItemRecord.action_id, BoardSnapshotItemRecord.spend_pence).where(
        BoardSnapshotItemRecord.snapshot_id == snapshot_id,
        BoardSnapshotItemRecord.deleted_at.is_(None),
        BoardSnapshotItemRecord.action_id.is_not(None),
    )
    return {action_id: int(spend or 0) for action_id, spend in unit.session.execute(statement) if action_id is not None}


# ---------------------------------------------------------------- the action figures, counted by the database


def _title_order() -> tuple[Any, ...]:
    """The actions list's order (``action_queries.action_rows``), so that items come in the order it shows them."""
    return (func.lower(ActionRecord.title), ActionRecord.created_at, ActionRecord.id)


def _live_open() -> tuple[ColumnElement[bool], ...]:
    return (ActionRecord.deleted_at.is_(None), ActionRecord.status.not_in(CLOSED_STATUSES))


@dataclass(frozen=True)
class StatusTotals:
    """Live actions with one status: how many, and their budgets added up (no budget counts as nothing)."""

    count: int
    budget_pence: int


def status_totals(unit: UnitOfWork) -> dict[str, StatusTotals]:
    """Per status that any live action has."""
    statement = (
        select(ActionRecord.status, func.count(), func.coalesce(func.sum(ActionRecord.budget_pence), 0))
        .where(ActionRecord.deleted_at.is_(None))
        .group_by(ActionRecord.status)
    )
    return {
        status: StatusTotals(int(count), int(budget or 0)) for status, count, budget in unit.session.execute(statement)
    }


def overdue_action_count(unit: UnitOfWork, today: date) -> int:
    """Live actions due before ``today`` and neither completed nor cancelled."""
    statement = select(func.count()).where(*_live_open(), ActionRecord.due_on < today)
    return int(unit.session.scalar(statement) or 0)


@dataclass(frozen=True)
class DueRow:
    action_id: uuid.UUID
    title: str
    due_on: date
    percent_complete: int


def open_actions_due_between(unit: UnitOfWork, first: date, last: date) -> list[DueRow]:
    """Live open actions due from ``first`` to ``last`` (both included), in the actions list's order."""
    statement = (
        select(ActionRecord.id, ActionRecord.title, ActionRecord.due_on, ActionRecord.percent_complete)
        .where(*_live_open(), ActionRecord.due_on >= first, ActionRecord.due_on <= last)
        .order_by(*_title_order())
    )
    return [
        DueRow(action_id, title, due_on, percent)
        for action_id, title, due_on, percent in unit.session.execute(statement)
        if due_on is not None
    ]


def _spend_by_action() -> Any:
    """Live spend summed per action (the actions list's "spend"), as a subquery."""
    return (
        select(SpendRecord.action_id.label("action_id"), func.sum(SpendRecord.amount_pence).label("spent"))
        .where(SpendRecord.deleted_at.is_(None))
        .group_by(SpendRecord.action_id)
        .subquery()
    )


@dataclass(frozen=True)
class OverspentRow:
    action_id: uuid.UUID
    title: str
    budget_pence: int
    spent_pence: int


def overspent_actions(unit: UnitOfWork) -> list[OverspentRow]:
    """Live actions with a budget and more live spend than it, in the actions list's order."""
    spend = _spend_by_action()
    spent = func.coalesce(spend.c.spent, 0)
    statement = (
        select(ActionRecord.id, ActionRecord.title, ActionRecord.budget_pence, spent)
        .outerjoin(spend, spend.c.action_id == ActionRecord.id)
        .where(
            ActionRecord.deleted_at.is_(None), ActionRecord.budget_pence.is_not(None), spent > ActionRecord.budget_pence
        )
        .order_by(*_title_order())
    )
    return [
        OverspentRow(action_id, title, int(budget or 0), int(spent or 0))
        for action_id, title, budget, spent in unit.session.execute(statement)
    ]


def actions_without_need_count(unit: UnitOfWork) -> int:
    """Live actions linked to no live need (by no live link)."""
    statement = select(func.count()).where(ActionRecord.deleted_at.is_(None), action_without_live_need())
    return int(unit.session.scalar(statement) or 0)
