"""Mechanics every service shares: finding live records, version checks, field changes written to the change
log, and tombstones that can be restored."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Protocol, TypeVar

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, StaleRecordError
from locality.domain.vocabulary import normalise_name
from locality.store.models import TrackedMixin, entity_of, utc_now
from locality.store.unit_of_work import Row, UnitOfWork

R = TypeVar("R", bound=TrackedMixin)


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
    return _update(unit, record, values, unit.log)


def _update(
    unit: UnitOfWork, record: TrackedMixin, values: Mapping[str, Any], log: Callable[..., object]
) -> dict[str, tuple[Any, Any]]:
    changed: dict[str, tuple[Any, Any]] = {}
    for name, new in values.items():
        old = getattr(record, name)
        if old != new:
            setattr(record, name, new)
            changed[name] = (old, new)
            log(entity_of(record), record.id, "update", name, old, new)
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


def set_link(
    unit: UnitOfWork,
    model: type[R],
    parent: Mapping[str, uuid.UUID],
    key: str,
    linked_id: uuid.UUID,
    existing: R | None,
    values: Mapping[str, Any],
    fields: Iterable[str],
) -> bool:
    """Makes one link of ``parent`` (a need's organisation, an action's partner or need) to ``linked_id`` live, with
    ``values``; True if anything changed. ``existing`` is the link's row, deleted or not, if there is one: a
    (parent, linked record) pair is unique, so a link removed earlier is restored rather than created again."""
    if existing is None:
        create(unit, model(**parent, **{key: linked_id}, **values), fields)
        return True
    changed = False
    if existing.deleted_at is not None:
        restore(unit, [existing])
        changed = True
    if update(unit, existing, values):
        changed = True
    return changed


def replace_links(
    unit: UnitOfWork,
    model: type[R],
    parent: Mapping[str, uuid.UUID],
    key: str,
    wanted: Iterable[tuple[uuid.UUID, Mapping[str, Any]]],
    fields: Iterable[str],
) -> bool:
    """Gives ``parent`` exactly the ``wanted`` links, (linked record's id in column ``key``, the link's values),
    in that order (``set_link`` each), and deletes the others; True if any link changed."""
    existing = {getattr(row, key): row for row in unit.list(model, parent, include_deleted=True)}
    changed = False
    kept: set[uuid.UUID] = set()
    for linked_id, values in wanted:
        kept.add(linked_id)
        if set_link(unit, model, parent, key, linked_id, existing.get(linked_id), values, fields):
            changed = True
    removed = [row for linked_id, row in existing.items() if linked_id not in kept and row.deleted_at is None]
    if removed:
        tombstone(unit, removed)
        changed = True
    return changed


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


# --------------------------------------------------------------------------- many records in one transaction


class Lookup(Protocol):
    """Where a service's checks find the records a draft names: the unit of work itself, or ``Known``."""

    def get(self, model: type[R], record_id: uuid.UUID, *, include_deleted: bool = False) -> R | None: ...

    def by_ids(self, model: type[R], record_ids: Iterable[uuid.UUID]) -> list[R]: ...

    def find_by_name(self, model: type[R], name: str, *, column: str = "name") -> list[R]: ...


#: Ids named in one statement when records are read ahead (well under any database's limit on parameters).
_PRELOAD_CHUNK = 500


class Known:
    """The records that many drafts checked in one transaction may name, read once instead of once a draft.

    A model's records (tombstoned ones included) are all read the first time one is asked for that is not
    already known, and kept; ``get`` and ``by_ids`` then answer exactly as the unit of work's own do, from
    memory. Records a batch creates as plain rows are added with ``add_row`` so that later drafts of the batch see
    them, as they would see a flushed record (and asking only for those reads nothing). Only changes made
    through the batch are seen: it is for one transaction that writes nothing else meanwhile.
    """

    def __init__(self, unit: UnitOfWork) -> None:
        self.unit = unit
        self._records: dict[type[Any], dict[uuid.UUID, Any]] = {}
        self._complete: set[type[Any]] = set()
        self._names: dict[tuple[type[Any], str], dict[str, list[Any]]] = {}

    def _of(self, model: type[R], *, complete: bool) -> dict[uuid.UUID, R]:
        found = self._records.setdefault(model, {})
        if complete and model not in self._complete:
            added = dict(found)
            found.clear()
            found.update((row.id, row) for row in self.unit.list(model, include_deleted=True))
            found.update(added)
            self._complete.add(model)
        return found

    def get(self, model: type[R], record_id: uuid.UUID, *, include_deleted: bool = False) -> R | None:
        record = self._of(model, complete=False).get(record_id)
        if record is None:
            record = self._of(model, complete=True).get(record_id)
        if record is None or (not include_deleted and record.deleted_at is not None):
            return None
        return record

    def preload(self, model: type[R], record_ids: Iterable[uuid.UUID]) -> None:
        """Reads the records with these ids that are not known yet, a few hundred a statement, so that ``get``
        finds them without reading every record of ``model``: a partner's tracker naming 2,000 of a large
        partnership's 20,000 actions reads those 2,000 (a tenth of the second it took to read them all)."""
        if model in self._complete:
            return
        found = self._records.setdefault(model, {})
        wanted = [record_id for record_id in dict.fromkeys(record_ids) if record_id not in found]
        for start in range(0, len(wanted), _PRELOAD_CHUNK):
            for record in self.unit.by_ids(model, wanted[start : start + _PRELOAD_CHUNK]):
                found.setdefault(record.id, record)

    def by_ids(self, model: type[R], record_ids: Iterable[uuid.UUID]) -> list[R]:
        wanted = list(dict.fromkeys(record_ids))
        found = [self._of(model, complete=False).get(record_id) for record_id in wanted]
        if None in found and model not in self._complete:
            known = self._of(model, complete=True)
            found = [known.get(record_id) for record_id in wanted]
        return [record for record in found if record is not None]

    def find_by_name(self, model: type[R], name: str, *, column: str = "name") -> list[R]:
        """As ``UnitOfWork.find_by_name``: live records whose ``column`` equals ``name`` ignoring case and
        surrounding or repeated spaces, oldest first."""
        return list(self._name_index(model, column).get(normalise_name(name), ()))

    def _name_index(self, model: type[R], column: str) -> dict[str, list[R]]:
        index = self._names.get((model, column))
        if index is None:
            index = self._names[(model, column)] = {}
            live = [row for row in self._of(model, complete=True).values() if row.deleted_at is None]
            for row in sorted(live, key=lambda row: row.created_at):
                index.setdefault(normalise_name(str(getattr(row, column))), []).append(row)
        return index

    def add_row(self, model: type[TrackedMixin], row: Mapping[str, Any]) -> None:
        """A record the batch is creating as a plain row (written later by ``NewRows``): from now on it is
        found like the others, as a read-only stand-in holding the row's values."""
        record = SimpleNamespace(**{"deleted_at": None, **row})
        self._records.setdefault(model, {})[record.id] = record
        for (indexed, column), index in self._names.items():
            if indexed is model:
                index.setdefault(normalise_name(str(getattr(record, column))), []).append(record)


class NewRows:
    """New records kept as plain rows and written together by ``write``, with their change-log entries.

    ``create`` gives a row what ``create`` above gives a record (an id unless it has one, the same
    ``created_at`` and ``updated_at``, version 1) and logs its creation with the same values; ``update``
    changes a loaded record as ``update`` above does. Entries are numbered in the order they are made, however
    they are written. ``write`` inserts every row, tables in foreign-key order, a few statements a table, and
    the change-log entries waiting; it is also called whenever ``WRITE_EVERY`` entries are waiting, so that
    memory stays bounded however many rows a batch has (all in the caller's one transaction, so a batch that
    fails later still writes nothing).
    """

    WRITE_EVERY = 25_000

    def __init__(self, unit: UnitOfWork) -> None:
        self.unit = unit
        self.rows: dict[type[Any], list[Row]] = {}

    def create(self, model: type[TrackedMixin], values: Mapping[str, Any], fields: Iterable[str]) -> Row:
        now = utc_now()
        row: Row = dict(values)
        if row.get("id") is None:
            row["id"] = uuid.uuid4()
        row.update(created_at=now, updated_at=now, version=1)  # no tombstone: deleted_at is left NULL
        self.rows.setdefault(model, []).append(row)
        self.log(entity_of(model), row["id"], "create", None, None, {name: values.get(name) for name in fields}, now)
        return row

    def update(self, record: TrackedMixin, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
        return _update(self.unit, record, values, self.log)

    def log(
        self,
        entity: Entity,
        record_id: uuid.UUID,
        operation: str,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        at: datetime | None = None,
    ) -> None:
        self.unit.log(entity, record_id, operation, field, old, new, at)
        if self.unit.changes.pending >= self.WRITE_EVERY:
            self.write()

    def write(self) -> None:
        self.unit.insert_rows(self.rows)
        self.rows = {}


class Batch:
    """Many new records, of one service or several, in one transaction: the records their drafts are
    checked against (``known``) and the rows they become (``rows``), written together by ``write``."""

    def __init__(self, unit: UnitOfWork) -> None:
        self.known = Known(unit)
        self.rows = NewRows(unit)

    def write(self) -> None:
        self.rows.write()


@contextmanager
def batch_on(unit: UnitOfWork, batch: Batch | None) -> Iterator[Batch]:
    """The batch a service's ``creating_many`` fills: ``batch`` when one is shared with other services' batches
    (its owner writes it), else a new one on ``unit``, written when the block ends (not if it raises)."""
    shared = batch if batch is not None else Batch(unit)
    yield shared
    if batch is None:
        shared.write()
