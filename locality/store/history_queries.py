"""Reading the change history: pages of the change log, counts, and the names of the records it mentions.

Every function leaves tombstoned rows out unless it says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from locality.domain.entities import Entity
from locality.store.id_chunks import id_chunks
from locality.store.models import (
    ActionNeedRecord,
    ActionPartnerRecord,
    ActionRecord,
    BoardSnapshotRecord,
    ChangeLogRecord,
    FundingAllocationRecord,
    FundingSourceRecord,
    IndicatorRecord,
    MeasurementRecord,
    MilestoneRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
    ProgressUpdateRecord,
    SpendRecord,
    ThemeRecord,
    TrackedMixin,
    VocabularyTermRecord,
    WorkshopParticipantRecord,
    WorkshopRecord,
    WorkshopVoteRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ChangeLogFilter:
    """Which change-log rows to read: all of them when every field is None. ``since`` and ``until`` are
    instants (UTC or any time zone), ``since`` included and ``until`` not."""

    entity: Entity | None = None
    record_id: uuid.UUID | None = None
    author: str | None = None
    author_organisation: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(statement: Select[Any], wanted: ChangeLogFilter) -> Select[Any]:
    if wanted.entity is not None:
        statement = statement.where(ChangeLogRecord.entity == wanted.entity)
    if wanted.record_id is not None:
        statement = statement.where(ChangeLogRecord.record_id == wanted.record_id)
    if wanted.author is not None:
        statement = statement.where(ChangeLogRecord.author == wanted.author)
    if wanted.author_organisation is not None:
        statement = statement.where(ChangeLogRecord.author_organisation == wanted.author_organisation)
    if wanted.since is not None:
        statement = statement.where(ChangeLogRecord.changed_at >= wanted.since)
    if wanted.until is not None:
        statement = statement.where(ChangeLogRecord.changed_at < wanted.until)
    return statement


def change_log_page(
    unit: UnitOfWork,
    *,
    entity: Entity | None = None,
    record_id: uuid.UUID | None = None,
    limit: int | None = 200,
    offset: int = 0,
    wanted: ChangeLogFilter | None = None,
    before: tuple[datetime, int] | None = None,
) -> list[ChangeLogRecord]:
    """Change-log rows newest first (by time, then by the order they were written). ``before`` (the time and
    id of the last row of the page before) reads the next page by the time index, as fast at the end of a long
    history as at its start, where an offset would step over every row before it."""
    wanted = replace(wanted or ChangeLogFilter(), **_given(entity=entity, record_id=record_id))
    statement = _filtered(
        select(ChangeLogRecord).order_by(ChangeLogRecord.changed_at.desc(), ChangeLogRecord.id.desc()), wanted
    )
    if before is not None:
        at, row_id = before
        statement = statement.where(
            or_(
                ChangeLogRecord.changed_at < at,
                and_(ChangeLogRecord.changed_at == at, ChangeLogRecord.id < row_id),
            )
        )
    if limit is not None:
        statement = statement.limit(limit)
    if offset:
        statement = statement.offset(offset)
    return list(unit.session.scalars(statement))


def change_log_count(
    unit: UnitOfWork,
    *,
    entity: Entity | None = None,
    record_id: uuid.UUID | None = None,
    wanted: ChangeLogFilter | None = None,
) -> int:
    wanted = replace(wanted or ChangeLogFilter(), **_given(entity=entity, record_id=record_id))
    statement = _filtered(select(func.count()).select_from(ChangeLogRecord), wanted)
    return int(unit.session.scalar(statement) or 0)


def change_log_entry(unit: UnitOfWork, entry_id: int) -> ChangeLogRecord | None:
    return unit.session.get(ChangeLogRecord, entry_id)


def change_log_authors(unit: UnitOfWork) -> list[tuple[str, str]]:
    """Every (author, organisation) pair the change log names, in name order."""
    statement = (
        select(ChangeLogRecord.author, ChangeLogRecord.author_organisation)
        .distinct()
        .order_by(ChangeLogRecord.author, ChangeLogRecord.author_organisation)
    )
    return [(row[0], row[1]) for row in unit.session.execute(statement)]


def change_log_entities(unit: UnitOfWork) -> list[str]:
    """The kinds of record the change log names (as the table names it stores)."""
    statement = select(ChangeLogRecord.entity).distinct()
    return sorted(row[0] for row in unit.session.execute(statement))


def _given(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


# The tables whose records have a name or title worth showing in the history, and that column.
_NAMED: tuple[tuple[type[TrackedMixin], str], ...] = (
    (OrganisationRecord, "name"),
    (NeedRecord, "title"),
    (ActionRecord, "title"),
    (ThemeRecord, "name"),
    (VocabularyTermRecord, "name"),
    (FundingSourceRecord, "name"),
    (IndicatorRecord, "name"),
    (WorkshopRecord, "title"),
    (BoardSnapshotRecord, "title"),
)


def display_names(unit: UnitOfWork, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The name or title of each id that belongs to a named record, deleted ones included."""
    wanted = list(dict.fromkeys(ids))
    result: dict[uuid.UUID, str] = {}
    if not wanted:
        return result
    for model, column in _NAMED:
        for chunk in id_chunks([i for i in wanted if i not in result]):
            name_column = getattr(model, column)
            statement = select(model.id, name_column).where(model.id.in_(chunk))
            result.update({row[0]: row[1] for row in unit.session.execute(statement)})
    return result


# Records with no name of their own, and the named record each belongs to (a progress update to its action).
_OWNED: tuple[tuple[Entity, type[TrackedMixin], str, type[TrackedMixin], str], ...] = (
    (Entity.PROGRESS_UPDATE, ProgressUpdateRecord, "action_id", ActionRecord, "title"),
    (Entity.MILESTONE, MilestoneRecord, "action_id", ActionRecord, "title"),
    (Entity.ACTION_PARTNER, ActionPartnerRecord, "action_id", ActionRecord, "title"),
    (Entity.ACTION_NEED, ActionNeedRecord, "action_id", ActionRecord, "title"),
    (Entity.FUNDING_ALLOCATION, FundingAllocationRecord, "action_id", ActionRecord, "title"),
    (Entity.SPEND, SpendRecord, "action_id", ActionRecord, "title"),
    (Entity.NEED_ORGANISATION, NeedOrganisationRecord, "need_id", NeedRecord, "title"),
    (Entity.MEASUREMENT, MeasurementRecord, "indicator_id", IndicatorRecord, "name"),
    (Entity.WORKSHOP_PARTICIPANT, WorkshopParticipantRecord, "workshop_id", WorkshopRecord, "title"),
    (Entity.WORKSHOP_VOTE, WorkshopVoteRecord, "workshop_id", WorkshopRecord, "title"),
)


def owner_names(unit: UnitOfWork, ids_by_entity: dict[str, list[uuid.UUID]]) -> dict[uuid.UUID, str]:
    """For records with no name of their own (given by their change log's entity), the name or title of the
    record each belongs to, deleted ones included."""
    result: dict[uuid.UUID, str] = {}
    for entity, model, column, owner, name in _OWNED:
        wanted = ids_by_entity.get(entity)
        if not wanted:
            continue
        for chunk in id_chunks(list(dict.fromkeys(wanted))):
            statement = (
                select(model.id, getattr(owner, name))
                .join(owner, getattr(model, column) == owner.id)
                .where(model.id.in_(chunk))
            )
            result.update({row[0]: row[1] for row in unit.session.execute(statement)})
    return result
