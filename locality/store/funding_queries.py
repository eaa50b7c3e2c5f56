"""Bulk queries for the funding and indicators pages.

Each answers a whole page in one statement (joins and GROUP BY in SQL), so that 20,000 actions with their
87,000 allocations and spend entries cost one round trip rather than one query per action. Tombstoned rows are
left out everywhere, and so is anything belonging to a deleted action.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, select, union

from locality.store.live_queries import live_lead
from locality.store.models import (
    ActionRecord,
    FundingAllocationRecord,
    NeedRecord,
    OrganisationRecord,
    SpendRecord,
)
from locality.store.unit_of_work import UnitOfWork

_CHUNK = 900


@dataclass(frozen=True)
class BudgetRow:
    """One live action's money, summed in SQL."""

    action_id: uuid.UUID
    title: str
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    status: str
    budget_pence: int | None
    allocated_pence: int
    spent_pence: int


def budget_rows(unit: UnitOfWork, action_id: uuid.UUID | None = None) -> list[BudgetRow]:
    """Every live action (or the one asked for) with its budget, live allocations and live spend summed, in
    title order: one statement however many actions there are."""
    allocated = (
        select(
            FundingAllocationRecord.action_id.label("action_id"),
            func.sum(FundingAllocationRecord.amount_pence).label("total"),
        )
        .where(FundingAllocationRecord.deleted_at.is_(None))
        .group_by(FundingAllocationRecord.action_id)
        .subquery()
    )
    spent = (
        select(SpendRecord.action_id.label("action_id"), func.sum(SpendRecord.amount_pence).label("total"))
        .where(SpendRecord.deleted_at.is_(None))
        .group_by(SpendRecord.action_id)
        .subquery()
    )
    statement = (
        select(
            ActionRecord.id,
            ActionRecord.title,
            ActionRecord.lead_organisation_id,
            OrganisationRecord.name,
            ActionRecord.status,
            ActionRecord.budget_pence,
            func.coalesce(allocated.c.total, 0),
            func.coalesce(spent.c.total, 0),
        )
        .outerjoin(OrganisationRecord, live_lead())
        .outerjoin(allocated, allocated.c.action_id == ActionRecord.id)
        .outerjoin(spent, spent.c.action_id == ActionRecord.id)
        .where(ActionRecord.deleted_at.is_(None))
        .order_by(ActionRecord.title, ActionRecord.id)
    )
    if action_id is not None:
        statement = statement.where(ActionRecord.id == action_id)
    return [
        BudgetRow(
            action_id=row[0],
            title=row[1],
            lead_organisation_id=row[2] if row[3] is not None else None,
            lead_organisation_name=row[3] or "",
            status=row[4],
            budget_pence=row[5],
            allocated_pence=int(row[6] or 0),
            spent_pence=int(row[7] or 0),
        )
        for row in unit.session.execute(statement)
    ]


def actions_funded_by(unit: UnitOfWork, funding_source_id: uuid.UUID | None) -> set[uuid.UUID]:
    """Live actions with a live allocation from, or live spend charged to, the source (None: spend charged to
    no source)."""
    statement: Select[Any] | CompoundSelect[Any]
    if funding_source_id is None:
        statement = select(SpendRecord.action_id).where(
            SpendRecord.deleted_at.is_(None), SpendRecord.funding_source_id.is_(None)
        )
    else:
        statement = union(
            select(FundingAllocationRecord.action_id).where(
                FundingAllocationRecord.deleted_at.is_(None),
                FundingAllocationRecord.funding_source_id == funding_source_id,
            ),
            select(SpendRecord.action_id).where(
                SpendRecord.deleted_at.is_(None), SpendRecord.funding_source_id == funding_source_id
            ),
        )
    found = set(unit.session.scalars(statement))
    live = select(ActionRecord.id).where(ActionRecord.deleted_at.is_(None))
    ids = list(found)
    result: set[uuid.UUID] = set()
    for start in range(0, len(ids), _CHUNK):
        result.update(unit.session.scalars(live.where(ActionRecord.id.in_(ids[start : start + _CHUNK]))))
    return result


def need_themes(unit: UnitOfWork, need_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID | None]:
    """The theme of each of the given live needs."""
    wanted = list(dict.fromkeys(need_ids))
    result: dict[uuid.UUID, uuid.UUID | None] = {}
    for start in range(0, len(wanted), _CHUNK):
        statement = select(NeedRecord.id, NeedRecord.theme_id).where(
            NeedRecord.deleted_at.is_(None), NeedRecord.id.in_(wanted[start : start + _CHUNK])
        )
        result.update({row[0]: row[1] for row in unit.session.execute(statement)})
    return result


def need_titles(unit: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of every live need, by title."""
    statement = (
        select(NeedRecord.id, NeedRecord.title)
        .where(NeedRecord.deleted_at.is_(None))
        .order_by(NeedRecord.title, NeedRecord.id)
    )
    return [(row[0], row[1]) for row in unit.session.execute(statement)]


def action_titles(unit: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of every live action, by title."""
    statement = (
        select(ActionRecord.id, ActionRecord.title)
        .where(ActionRecord.deleted_at.is_(None))
        .order_by(ActionRecord.title, ActionRecord.id)
    )
    return [(row[0], row[1]) for row in unit.session.execute(statement)]
