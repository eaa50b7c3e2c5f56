"""Queries for the dashboard: the few figures the action and need lists do not already give, each one bulk
statement however large the workspace. Tombstoned rows are always left out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from locality.domain.vocabulary import CLOSED_ACTION_STATUSES
from locality.store.models import (
    ActionRecord,
    BoardSnapshotItemRecord,
    FundingAllocationRecord,
    MilestoneRecord,
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


def allocated_total(unit: UnitOfWork) -> int:
    """Live funding allocated to live actions, in pence."""
    statement = (
        select(func.coalesce(func.sum(FundingAllocationRecord.amount_pence), 0))
        .join(
            ActionRecord,
            and_(ActionRecord.id == FundingAllocationRecord.action_id, ActionRecord.deleted_at.is_(None)),
        )
        .where(FundingAllocationRecord.deleted_at.is_(None))
    )
    return int(unit.session.scalar(statement) or 0)


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
