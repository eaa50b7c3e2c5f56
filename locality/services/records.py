"""Mechanics every service shares: finding live records, version checks, field changes written to the change
log, and tombstones that can be restored."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from locality.domain.errors import NotFoundError, StaleRecordError
from locality.store.models import TrackedMixin, utc_now
from locality.store.unit_of_work import UnitOfWork

R = TypeVar("R", bound=TrackedMixin)


def entity_of(record: TrackedMixin | type[TrackedMixin]) -> str:
    return str(record.__tablename__)  # type: ignore[union-attr]


def require(unit: UnitOfWork, model: type[R], record_id: uuid.UUID, label: str) -> R:
    record = unit.get(model, record_id)
    if record is None:
        raise NotFoundError(f"That {label} no longer exists; it may have been deleted by someone else.")
    return record


def check_version(
    record: TrackedMixin,
    expected_version: int | None,
    label: str,
    current: Callable[[], Any] | None = None,
) -> None:
    """Refuses to overwrite a record that changed since the caller read it (a lost update)."""
    if expected_version is not None and record.version != expected_version:
        raise StaleRecordError(
            f"This {label} was changed by someone else after you opened it, so your edit was not saved; "
            "its current values are shown.",
            current=current() if current else None,
        )


def create(unit: UnitOfWork, record: R, fields: Iterable[str]) -> R:
    """Adds a new record and logs its creation with its initial values."""
    now = utc_now()
    if record.id is None:
        record.id = uuid.uuid4()
    record.created_at = now
    record.updated_at = now
    record.version = 1
    unit.add(record)
    unit.log(entity_of(record), record.id, "create", None, None, {name: getattr(record, name) for name in fields})
    return record


def update(unit: UnitOfWork, record: TrackedMixin, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Sets the fields that differ, logs each change, and bumps the version once if anything changed."""
    changed: dict[str, tuple[Any, Any]] = {}
    for name, new in values.items():
        old = getattr(record, name)
        if old != new:
            setattr(record, name, new)
            changed[name] = (old, new)
            unit.log(entity_of(record), record.id, "update", name, old, new)
    if changed:
        unit.touch(record)
    return changed


def tombstone(unit: UnitOfWork, records: Iterable[TrackedMixin], at: datetime | None = None) -> datetime:
    """Marks records deleted (all with the same instant, so that a restore brings back exactly these)."""
    at = at or utc_now()
    for record in records:
        if record.deleted_at is None:
            record.deleted_at = at
            unit.touch(record)
            unit.log(entity_of(record), record.id, "delete")
    return at


def restore(unit: UnitOfWork, records: Iterable[TrackedMixin]) -> None:
    for record in records:
        if record.deleted_at is not None:
            record.deleted_at = None
            unit.touch(record)
            unit.log(entity_of(record), record.id, "restore")


def deleted_with(unit: UnitOfWork, model: type[R], where: Mapping[str, Any], deleted_at: datetime | None) -> list[R]:
    """The dependent records tombstoned at the same instant as their parent."""
    if deleted_at is None:
        return []
    rows = unit.list(model, where, include_deleted=True)
    return [row for row in rows if row.deleted_at == deleted_at]


def restore_dependants(
    unit: UnitOfWork,
    model: type[R],
    where: Mapping[str, Any],
    deleted_at: datetime | None,
    *,
    other_end: tuple[type[TrackedMixin], str] | None = None,
) -> None:
    """Restores the ``model`` records tombstoned with their parent at ``deleted_at``. For a link, ``other_end``
    names the model and column of what it links to: a link whose other end was deleted since stays deleted."""
    rows = deleted_with(unit, model, where, deleted_at)
    if other_end is not None:
        other_model, column = other_end
        rows = [row for row in rows if unit.get(other_model, getattr(row, column)) is not None]
    restore(unit, rows)
