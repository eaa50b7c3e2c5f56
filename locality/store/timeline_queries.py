"""Queries behind the timeline: when each action was recorded, and the milestones of many actions at once.

The actions themselves (with their lead's name) come from ``action_queries.action_rows``, as the actions list
reads them; these add what a timeline needs beyond a list row. Each is one statement however many actions it
covers, so the 20,000 actions and ~50,000 milestones of a large workspace cost a handful of queries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, select, type_coerce

from locality.store.action_queries import ActionIds
from locality.store.models import ActionRecord, MilestoneRecord
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class MilestoneRow:
    """A live milestone of an action; ``action_key`` is the action's id as text (as ``ActionRow.key``)."""

    action_key: str
    id: uuid.UUID
    title: str
    due_on: date | None
    done_on: date | None


def created_dates(unit: UnitOfWork, action_ids: ActionIds) -> dict[str, date]:
    """The day (UTC) each live action named was recorded, by the action's id as text; None names every one."""
    statement = select(type_coerce(ActionRecord.id, String), ActionRecord.created_at).where(
        ActionRecord.deleted_at.is_(None)
    )
    if action_ids is not None:
        statement = statement.where(ActionRecord.id.in_(list(action_ids)))
    return {key: created_at.date() for key, created_at in unit.session.execute(statement)}


def milestones(unit: UnitOfWork, action_ids: ActionIds) -> dict[str, list[MilestoneRow]]:
    """The live milestones of the actions named (None: of every action), each action's in its own order."""
    statement = (
        select(
            type_coerce(MilestoneRecord.action_id, String),
            MilestoneRecord.id,
            MilestoneRecord.title,
            MilestoneRecord.due_on,
            MilestoneRecord.done_on,
        )
        .where(MilestoneRecord.deleted_at.is_(None))
        .order_by(MilestoneRecord.action_id, MilestoneRecord.sort_order, MilestoneRecord.created_at)
    )
    if action_ids is not None:
        statement = statement.where(MilestoneRecord.action_id.in_(list(action_ids)))
    found: dict[str, list[MilestoneRow]] = {}
    for row in unit.session.execute(statement):
        milestone = MilestoneRow(*row)
        found.setdefault(milestone.action_key, []).append(milestone)
    return found
