"""Writing, tombstoning and restoring many records of one parent at once, with their change log as one entry."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, select, update

from locality.store.models import (
    Base,
    TrackedMixin,
    entity_of,
    utc_now,
)
from locality.store.unit_of_work import UnitOfWork


def _insert_many(unit: UnitOfWork, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """One multi-row insert through Core: the ORM's per-row bookkeeping is the slow part for thousands of rows.
    Pending ORM changes are flushed first so that the rows land after them."""
    unit.flush()
    table = Base.metadata.tables[str(model.__tablename__)]
    unit.session.connection().execute(insert(table), list(rows))


# A batch of records that belong to one parent (a board snapshot's thousands of items) is logged as ONE entry,
# not one per record (``ChangeLog.add_batch``): its record_id is the parent's, its field the column that holds
# the parent ("snapshot_id").


def bulk_create(
    unit: UnitOfWork, model: type[TrackedMixin], parent_column: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Inserts many new records of one parent (each row's ``parent_column``) in one statement, logged as one
    batch entry. Each row maps column names to values; ids are made here if absent."""
    if not rows:
        return
    now = utc_now()
    prepared: list[dict[str, Any]] = []
    created: list[dict[str, Any]] = []
    parents = {row[parent_column] for row in rows}
    if len(parents) != 1:
        raise ValueError(f"bulk_create takes the records of one parent, not {len(parents)}")
    for row in rows:
        values = dict(row)
        values.setdefault("id", uuid.uuid4())
        created.append({key: value for key, value in values.items() if key != parent_column})
        values.update(created_at=now, updated_at=now, version=1, deleted_at=None)
        prepared.append(values)
    entity = entity_of(model)
    _insert_many(unit, model, prepared)
    unit.changes.add_batch(entity, parents.pop(), "create", parent_column, created, at=now)


def _ids_where(unit: UnitOfWork, model: type[TrackedMixin], condition: ColumnElement[bool]) -> list[uuid.UUID]:
    return list(unit.session.scalars(select(model.id).where(condition)))


def bulk_tombstone(unit: UnitOfWork, model: type[TrackedMixin], column: str, value: uuid.UUID, at: datetime) -> int:
    """Tombstones every live record whose ``column`` is ``value`` at instant ``at``, as ``records.tombstone``
    does one at a time (new version), logged as one batch entry. Returns how many."""
    condition = and_(getattr(model, column) == value, model.deleted_at.is_(None))
    return _set_deleted(unit, model, column, value, condition, deleted_at=at, at=at, operation="delete")


def bulk_restore(
    unit: UnitOfWork, model: type[TrackedMixin], column: str, value: uuid.UUID, deleted_at: datetime
) -> int:
    """Brings back the records whose ``column`` is ``value`` that were tombstoned at ``deleted_at``, logged as
    one batch entry."""
    condition = and_(getattr(model, column) == value, model.deleted_at == deleted_at)
    return _set_deleted(unit, model, column, value, condition, deleted_at=None, at=utc_now(), operation="restore")


def _set_deleted(
    unit: UnitOfWork,
    model: type[TrackedMixin],
    column: str,
    value: uuid.UUID,
    condition: ColumnElement[bool],
    *,
    deleted_at: datetime | None,
    at: datetime,
    operation: str,
) -> int:
    """Sets ``deleted_at`` of the records meeting ``condition`` (a new version, updated ``at``) and logs them as one
    batch entry of ``operation``; how many there were."""
    ids = _ids_where(unit, model, condition)
    if not ids:
        return 0
    unit.session.execute(
        update(model)
        .where(condition)
        .values(deleted_at=deleted_at, updated_at=at, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    unit.changes.add_batch(entity_of(model), value, operation, column, ids, at=at)
    return len(ids)
