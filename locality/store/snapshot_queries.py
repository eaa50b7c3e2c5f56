"""Queries for board snapshots: the current position of every action, and the items of saved snapshots.

They aggregate or join in SQL so that a snapshot of 20,000 actions is a handful of statements rather than one per
row. Every function leaves tombstoned rows out unless it says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from locality.store.id_chunks import id_chunks
from locality.store.live_queries import rag_columns
from locality.store.models import (
    ActionRecord,
    BoardSnapshotItemRecord,
    IndicatorRecord,
    MilestoneRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ActionPosition:
    """The columns of a live action that a board report shows and the RAG rule reads."""

    id: uuid.UUID
    title: str
    status: str
    percent_complete: int
    start_on: date | None
    due_on: date | None
    completed_on: date | None
    rag_override: str | None
    rag_override_reason: str
    budget_pence: int | None


def action_positions(unit: UnitOfWork) -> list[ActionPosition]:
    statement = select(ActionRecord.id, ActionRecord.title, *rag_columns(), ActionRecord.budget_pence).where(
        ActionRecord.deleted_at.is_(None)
    )
    return [
        ActionPosition(
            id=row[0],
            title=row[1],
            status=row[2],
            percent_complete=int(row[3] or 0),
            start_on=row[4],
            due_on=row[5],
            completed_on=row[6],
            rag_override=row[7],
            rag_override_reason=row[8] or "",
            budget_pence=row[9],
        )
        for row in unit.session.execute(statement)
    ]


def milestone_dates_by_action(unit: UnitOfWork) -> dict[uuid.UUID, list[tuple[date | None, date | None]]]:
    """(due, done on) of every live milestone of a live action, grouped by action."""
    statement = (
        select(MilestoneRecord.action_id, MilestoneRecord.due_on, MilestoneRecord.done_on)
        .join(ActionRecord, ActionRecord.id == MilestoneRecord.action_id)
        .where(MilestoneRecord.deleted_at.is_(None), ActionRecord.deleted_at.is_(None))
    )
    result: dict[uuid.UUID, list[tuple[date | None, date | None]]] = {}
    for action_id, due_on, done_on in unit.session.execute(statement):
        result.setdefault(action_id, []).append((due_on, done_on))
    return result


def titles_of_actions(unit: UnitOfWork, action_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Titles of the given actions, deleted ones included."""
    result: dict[uuid.UUID, str] = {}
    for chunk in id_chunks(list(action_ids)):
        statement = select(ActionRecord.id, ActionRecord.title).where(ActionRecord.id.in_(chunk))
        result.update({action_id: title for action_id, title in unit.session.execute(statement)})
    return result


def live_action_titles(unit: UnitOfWork, action_id: uuid.UUID | None = None) -> dict[uuid.UUID, str]:
    """Titles of every live action, or of the one asked for if it is live."""
    statement = select(ActionRecord.id, ActionRecord.title).where(ActionRecord.deleted_at.is_(None))
    if action_id is not None:
        statement = statement.where(ActionRecord.id == action_id)
    return {row[0]: row[1] for row in unit.session.execute(statement)}


def live_indicators(unit: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """(id, target kind) of every live indicator."""
    statement = select(IndicatorRecord.id, IndicatorRecord.target_kind).where(IndicatorRecord.deleted_at.is_(None))
    return [(row[0], row[1]) for row in unit.session.execute(statement)]


def names_of_indicators(unit: UnitOfWork, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """(name, unit) of the given indicators, deleted ones included."""
    result: dict[uuid.UUID, tuple[str, str]] = {}
    for chunk in id_chunks(list(indicator_ids)):
        statement = select(IndicatorRecord.id, IndicatorRecord.name, IndicatorRecord.unit).where(
            IndicatorRecord.id.in_(chunk)
        )
        result.update({row[0]: (row[1], row[2]) for row in unit.session.execute(statement)})
    return result


@dataclass(frozen=True)
class SnapshotItemRow:
    action_id: uuid.UUID | None
    indicator_id: uuid.UUID | None
    status: str | None
    rag: str | None
    rag_reason: str
    percent_complete: int | None
    due_on: date | None
    budget_pence: int | None
    spend_pence: int | None
    indicator_value: float | None


def snapshot_items(unit: UnitOfWork, snapshot_id: uuid.UUID) -> list[SnapshotItemRow]:
    """The live items of one snapshot, as plain rows."""
    statement = select(
        BoardSnapshotItemRecord.action_id,
        BoardSnapshotItemRecord.indicator_id,
        BoardSnapshotItemRecord.status,
        BoardSnapshotItemRecord.rag,
        BoardSnapshotItemRecord.rag_reason,
        BoardSnapshotItemRecord.percent_complete,
        BoardSnapshotItemRecord.due_on,
        BoardSnapshotItemRecord.budget_pence,
        BoardSnapshotItemRecord.spend_pence,
        BoardSnapshotItemRecord.indicator_value,
    ).where(BoardSnapshotItemRecord.snapshot_id == snapshot_id, BoardSnapshotItemRecord.deleted_at.is_(None))
    return [SnapshotItemRow(**row._asdict()) for row in unit.session.execute(statement)]


def snapshot_item_counts(unit: UnitOfWork) -> dict[uuid.UUID, tuple[int, int]]:
    """(actions, indicators) recorded in each snapshot."""
    statement = (
        select(
            BoardSnapshotItemRecord.snapshot_id,
            func.count(BoardSnapshotItemRecord.action_id),
            func.count(BoardSnapshotItemRecord.indicator_id),
        )
        .where(BoardSnapshotItemRecord.deleted_at.is_(None))
        .group_by(BoardSnapshotItemRecord.snapshot_id)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in unit.session.execute(statement)}


def snapshot_rag_counts(unit: UnitOfWork) -> dict[uuid.UUID, dict[tuple[str | None, str | None], int]]:
    """How many actions each live snapshot recorded with each (status, RAG) pair: its RAG split, worked out in
    one grouped query however many snapshots and actions there are."""
    statement = (
        select(
            BoardSnapshotItemRecord.snapshot_id,
            BoardSnapshotItemRecord.status,
            BoardSnapshotItemRecord.rag,
            func.count(),
        )
        .where(BoardSnapshotItemRecord.deleted_at.is_(None), BoardSnapshotItemRecord.action_id.is_not(None))
        .group_by(BoardSnapshotItemRecord.snapshot_id, BoardSnapshotItemRecord.status, BoardSnapshotItemRecord.rag)
    )
    result: dict[uuid.UUID, dict[tuple[str | None, str | None], int]] = {}
    for snapshot_id, status, rag, count in unit.session.execute(statement):
        result.setdefault(snapshot_id, {})[(status, rag)] = int(count)
    return result
