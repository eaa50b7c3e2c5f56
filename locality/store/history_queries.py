"""Reading the change history: pages of the change log, counts, and the names of the records it mentions.

Every function leaves tombstoned rows out unless it says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select

from locality.domain.entities import Entity
from locality.store.id_chunks import id_chunks
from locality.store.models import (
    ActionRecord,
    BoardSnapshotRecord,
    ChangeLogRecord,
    FundingSourceRecord,
    IndicatorRecord,
    NeedRecord,
    OrganisationRecord,
    ThemeRecord,
    TrackedMixin,
    VocabularyTermRecord,
    WorkshopRecord,
)
from locality.store.unit_of_work import UnitOfWork


def change_log_page(
    unit: UnitOfWork,
    *,
    entity: Entity | None = None,
    record_id: uuid.UUID | None = None,
    limit: int | None = 200,
    offset: int = 0,
) -> list[ChangeLogRecord]:
    """Change-log rows newest first (by time, then by the order they were written)."""
    statement = select(ChangeLogRecord).order_by(ChangeLogRecord.changed_at.desc(), ChangeLogRecord.id.desc())
    if entity is not None:
        statement = statement.where(ChangeLogRecord.entity == entity)
    if record_id is not None:
        statement = statement.where(ChangeLogRecord.record_id == record_id)
    if limit is not None:
        statement = statement.limit(limit)
    if offset:
        statement = statement.offset(offset)
    return list(unit.session.scalars(statement))


def change_log_count(unit: UnitOfWork, *, entity: Entity | None = None, record_id: uuid.UUID | None = None) -> int:
    statement = select(func.count()).select_from(ChangeLogRecord)
    if entity is not None:
        statement = statement.where(ChangeLogRecord.entity == entity)
    if record_id is not None:
        statement = statement.where(ChangeLogRecord.record_id == record_id)
    return int(unit.session.scalar(statement) or 0)


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
