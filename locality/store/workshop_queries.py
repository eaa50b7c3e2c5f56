"""Queries for workshops: votes with their need and organisation, and per-workshop counts.

Every function leaves tombstoned rows out unless it says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select

from locality.store.models import (
    NeedRecord,
    OrganisationRecord,
    TrackedMixin,
    WorkshopNoteRecord,
    WorkshopParticipantRecord,
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


_Statement = TypeVar("_Statement", bound="Select[*tuple[Any, ...]]")


def counted_votes(statement: _Statement) -> _Statement:
    """``statement`` (selecting from ``workshop_vote``) kept to the votes that count: live votes on live needs in
    live workshops, and a clicked dot only while its participant is live (a participant's removal that arrives
    by a merge without their dots still takes the dots away)."""
    return (
        statement.join(NeedRecord, NeedRecord.id == WorkshopVoteRecord.need_id)
        .join(WorkshopRecord, WorkshopRecord.id == WorkshopVoteRecord.workshop_id)
        .outerjoin(WorkshopParticipantRecord, WorkshopParticipantRecord.id == WorkshopVoteRecord.participant_id)
        .where(
            WorkshopVoteRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
            WorkshopRecord.deleted_at.is_(None),
            or_(WorkshopVoteRecord.participant_id.is_(None), WorkshopParticipantRecord.deleted_at.is_(None)),
        )
    )


def vote_rows(unit: UnitOfWork, workshop_id: uuid.UUID | None = None) -> list[VoteRow]:
    """The votes that count (``counted_votes``), with the need's title and the organisation's name."""
    statement = counted_votes(
        select(
            WorkshopVoteRecord.workshop_id,
            NeedRecord.id,
            NeedRecord.title,
            WorkshopVoteRecord.organisation_id,
            OrganisationRecord.name,
            WorkshopVoteRecord.dots,
        ).outerjoin(OrganisationRecord, OrganisationRecord.id == WorkshopVoteRecord.organisation_id)
    )
    if workshop_id is not None:
        statement = statement.where(WorkshopVoteRecord.workshop_id == workshop_id)
    return [VoteRow(*row) for row in unit.session.execute(statement)]


@dataclass(frozen=True)
class WorkshopCounts:
    """Per workshop: live participants, votes, dots and notes, and the participants' organisations' names."""

    participants: dict[uuid.UUID, int]
    votes: dict[uuid.UUID, int]
    dots: dict[uuid.UUID, int]
    notes: dict[uuid.UUID, int]
    organisations: dict[uuid.UUID, list[str]]


def _per_workshop(
    unit: UnitOfWork, model: type[TrackedMixin], value: Any, workshop_id: uuid.UUID | None
) -> dict[uuid.UUID, int]:
    column = model.workshop_id  # type: ignore[attr-defined]
    statement = select(column, value).where(model.deleted_at.is_(None)).group_by(column)
    if workshop_id is not None:
        statement = statement.where(column == workshop_id)
    return {wid: int(total or 0) for wid, total in unit.session.execute(statement)}


def workshop_counts(unit: UnitOfWork, workshop_id: uuid.UUID | None = None) -> WorkshopCounts:
    """The counts of every workshop, or of one."""
    organisations: dict[uuid.UUID, list[str]] = {}
    statement = (
        select(WorkshopParticipantRecord.workshop_id, OrganisationRecord.name)
        .join(OrganisationRecord, OrganisationRecord.id == WorkshopParticipantRecord.organisation_id)
        .where(WorkshopParticipantRecord.deleted_at.is_(None))
        .distinct()
    )
    if workshop_id is not None:
        statement = statement.where(WorkshopParticipantRecord.workshop_id == workshop_id)
    for wid, name in unit.session.execute(statement):
        organisations.setdefault(wid, []).append(name)
    for names in organisations.values():
        names.sort(key=str.casefold)
    return WorkshopCounts(
        participants=_per_workshop(unit, WorkshopParticipantRecord, func.count(), workshop_id),
        votes=_per_workshop(unit, WorkshopVoteRecord, func.count(), workshop_id),
        dots=_per_workshop(unit, WorkshopVoteRecord, func.sum(WorkshopVoteRecord.dots), workshop_id),
        notes=_per_workshop(unit, WorkshopNoteRecord, func.count(), workshop_id),
        organisations=organisations,
    )


def dots_by_need(unit: UnitOfWork, workshop_id: uuid.UUID | None = None) -> dict[uuid.UUID, int]:
    """All the dots that count (clicked and typed, each once) on each need, in one workshop or in all."""
    statement = counted_votes(select(WorkshopVoteRecord.need_id, func.sum(WorkshopVoteRecord.dots)))
    if workshop_id is not None:
        statement = statement.where(WorkshopVoteRecord.workshop_id == workshop_id)
    statement = statement.group_by(WorkshopVoteRecord.need_id)
    return {need_id: int(total or 0) for need_id, total in unit.session.execute(statement)}


def dots_by_participant(unit: UnitOfWork, workshop_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """The live dots each participant has placed by clicking in one workshop."""
    statement = (
        select(WorkshopVoteRecord.participant_id, func.sum(WorkshopVoteRecord.dots))
        .where(
            WorkshopVoteRecord.workshop_id == workshop_id,
            WorkshopVoteRecord.participant_id.is_not(None),
            WorkshopVoteRecord.deleted_at.is_(None),
        )
        .group_by(WorkshopVoteRecord.participant_id)
    )
    return {pid: int(total or 0) for pid, total in unit.session.execute(statement) if pid is not None}


def live_need_titles(unit: UnitOfWork) -> list[tuple[uuid.UUID, str, uuid.UUID | None]]:
    """(id, title, theme) of every live need, oldest first: what a title being captured is compared with."""
    statement = (
        select(NeedRecord.id, NeedRecord.title, NeedRecord.theme_id)
        .where(NeedRecord.deleted_at.is_(None))
        .order_by(NeedRecord.created_at, NeedRecord.id)
    )
    return [(need_id, title, theme_id) for need_id, title, theme_id in unit.session.execute(statement)]
