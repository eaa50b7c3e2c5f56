"""Queries for workshops: votes with their need and organisation, and per-workshop counts.

Every function leaves tombstoned rows out unless it says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from locality.store.models import (
    NeedRecord,
    OrganisationRecord,
    TrackedMixin,
    WorkshopRecord,
    WorkshopVoteRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class VoteRow:
    workshop_id: uuid.UUID
    need_id: uuid.UUID
    need_title: str
    organisation_id: uuid.UUID | None
    organisation_name: str | None
    dots: int


def vote_rows(unit: UnitOfWork, workshop_id: uuid.UUID | None = None) -> list[VoteRow]:
    """Live votes on live needs in live workshops, with the need's title and the organisation's name."""
    statement = (
        select(
            WorkshopVoteRecord.workshop_id,
            NeedRecord.id,
            NeedRecord.title,
            WorkshopVoteRecord.organisation_id,
            OrganisationRecord.name,
            WorkshopVoteRecord.dots,
        )
        .join(NeedRecord, NeedRecord.id == WorkshopVoteRecord.need_id)
        .join(WorkshopRecord, WorkshopRecord.id == WorkshopVoteRecord.workshop_id)
        .outerjoin(OrganisationRecord, OrganisationRecord.id == WorkshopVoteRecord.organisation_id)
        .where(
            WorkshopVoteRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
            WorkshopRecord.deleted_at.is_(None),
        )
    )
    if workshop_id is not None:
        statement = statement.where(WorkshopVoteRecord.workshop_id == workshop_id)
    return [VoteRow(*row) for row in unit.session.execute(statement)]


def workshop_counts(unit: UnitOfWork, model: type[TrackedMixin]) -> dict[uuid.UUID, int]:
    """Live participants or votes per workshop."""
    column = model.workshop_id  # type: ignore[attr-defined]
    statement = select(column, func.count()).where(model.deleted_at.is_(None)).group_by(column)
    return {workshop_id: int(count) for workshop_id, count in unit.session.execute(statement)}


def workshop_dots(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    statement = (
        select(WorkshopVoteRecord.workshop_id, func.sum(WorkshopVoteRecord.dots))
        .where(WorkshopVoteRecord.deleted_at.is_(None))
        .group_by(WorkshopVoteRecord.workshop_id)
    )
    return {workshop_id: int(total or 0) for workshop_id, total in unit.session.execute(statement)}
