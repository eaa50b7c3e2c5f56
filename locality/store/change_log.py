"""The change log's one writer: every ``change_log`` row is written here, and nowhere else.

It encodes values one way (``encode_value``), numbers entries from this replica's counter
(``workspace_meta.last_change_seq``) and, by moving that counter, moves the workspace's data stamp
(``data_stamp``), which list pages ask to know whether to read again; so no writer can forget either.

Entries are kept in memory as they are made (``ChangeLog.add``) and written together (``ChangeLog.write``):
numbers for all of them are taken by one atomic ``UPDATE workspace_meta SET last_change_seq = last_change_seq
+ n ... RETURNING``, so two writers (two programs on one file, two users of one server) can never take the same
number, whatever their transactions' isolation, and the entries are numbered in the order they were made. The
rows go in by a few executemany statements, so a demo or an import of many thousands costs little a row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.orm import Session

from locality.domain.entities import Entity
from locality.store.models import ChangeLogRecord, WorkspaceMetaRecord, utc_now
from locality.store.row_insert import Converted, insert_chunked

_LOG: Table = ChangeLogRecord.__table__  # type: ignore[assignment]
_META: Table = WorkspaceMetaRecord.__table__  # type: ignore[assignment]


# --------------------------------------------------------------------------- encoding


def plain_value(value: Any) -> Any:
    """A field value as JSON can hold it: enums by value, dates in ISO form, UUIDs as text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {key: plain_value(item) for key, item in value.items()}
    return value


def _plain_or_refuse(value: Any) -> Any:
    # Ids and dates first: nearly every value JSON cannot hold itself is one of them.
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date) and not isinstance(value, Enum):
        return value.isoformat()
    plain = plain_value(value)
    if plain is value:
        # A Decimal among them: money is whole pence (int), so a Decimal here is a mistake to find, not to round.
        raise TypeError(f"{type(value).__name__} cannot be written to the change log")
    return plain


# ``plain_value`` asked only of what JSON cannot hold itself: the same text, without walking every value in
# Python first (a create logs a dict of all its fields; an import logs hundreds of thousands). String enums are
# strings to JSON already, and so are written as their values.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_plain_or_refuse)


def encode_value(value: Any) -> str | None:
    """The change log's text form of a field value (JSON; None stays NULL). The History page and merging
    decode it: dates in ISO form, UUIDs as text, enums as their values, pence as whole numbers."""
    return None if value is None else _ENCODER.encode(value)


# --------------------------------------------------------------------------- entries


class Change(NamedTuple):
    """One entry for ``ChangeLog.extend``: a create, delete or restore of a record, or one field's change.
    ``at`` is when it was made (now when None); ``author``/``author_organisation`` None: the writer's."""

    entity: Entity
    record_id: uuid.UUID
    operation: str
    field: str | None = None
    old: Any = None
    new: Any = None
    at: datetime | None = None
    author: str | None = None
    author_organisation: str | None = None


# What waits to be written: (changed_at, author, author_organisation, entity, record_id, operation, field,
# old text, new text).
_Pending = tuple[datetime, str, str, Entity, uuid.UUID, str, str | None, str | None, str | None]


class ChangeLog:
    """The entries one transaction makes, written together by ``write`` on the transaction's connection.

    ``connection`` gives the connection when there is something to write (a session's begins its
    transaction then). ``written(meta_id, last_seq)`` is told after each write, so that a caller holding
    the workspace_meta row as an object can keep it in step."""

    def __init__(
        self,
        connection: Callable[[], Connection],
        *,
        author: str = "",
        author_organisation: str = "",
        written: Callable[[Any, int], None] | None = None,
    ) -> None:
        self._connection = connection
        self.author = author
        self.author_organisation = author_organisation
        self._written = written
        self._pending: list[_Pending] = []

    @property
    def pending(self) -> int:
        """How many entries wait to be written."""
        return len(self._pending)

    def add(
        self,
        entity: Entity,
        record_id: uuid.UUID,
        operation: str,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        *,
        at: datetime | None = None,
    ) -> None:
        """Keeps one entry by the writer's author, to be numbered and written by ``write``."""
        self._pending.append(
            (
                at or utc_now(),
                self.author,
                self.author_organisation,
                entity,
                record_id,
                operation,
                field,
                encode_value(old),
                encode_value(new),
            )
        )

    def add_batch(
        self,
        entity: Entity,
        parent_id: uuid.UUID,
        operation: str,
        parent_column: str,
        records: list[Any],
        *,
        at: datetime | None = None,
    ) -> None:
        """One entry for many records of one parent (a board snapshot's thousands of items): recording them is
        one thing a user did, and the History page and merging see it so. The entry's entity is the records'
        table, its record_id the parent's id and its field the column that holds the parent; its new value is
        ``records``: the records created (dicts, each with its id), or the ids deleted or restored."""
        self.add(entity, parent_id, operation, parent_column, None, records, at=at)

    def extend(self, changes: Iterable[Change]) -> None:
        """Keeps many entries at once (generated history), each with its own time and author if it says."""
        author, organisation = self.author, self.author_organisation
        self._pending.extend(
            (
                change.at or utc_now(),
                author if change.author is None else change.author,
                organisation if change.author_organisation is None else change.author_organisation,
                change.entity,
                change.record_id,
                change.operation,
                change.field,
                encode_value(change.old),
                encode_value(change.new),
            )
            for change in changes
        )

    def write(self, converted: Converted | None = None) -> int | None:
        """Numbers the waiting entries, in the order they were made, and inserts them; returns the last number
        taken (None when nothing was waiting). Part of the caller's transaction: rolled back with it."""
        pending = self._pending
        if not pending:
            return None
        self._pending = []
        connection = self._connection()
        meta_id, replica_id, last = take_numbers(connection, len(pending))
        first = last - len(pending) + 1
        rows = [
            {
                "replica_id": replica_id,
                "seq": seq,
                "changed_at": changed_at,
                "author": author,
                "author_organisation": organisation,
                "entity": entity,
                "record_id": record_id,
                "operation": operation,
                "field": field,
                "old_value": old,
                "new_value": new,
            }
            for seq, (changed_at, author, organisation, entity, record_id, operation, field, old, new) in enumerate(
                pending, first
            )
        ]
        insert_chunked(connection, _LOG, rows, converted)
        if self._written is not None:
            self._written(meta_id, last)
        return last

    def discard(self) -> None:
        self._pending = []


def take_numbers(connection: Connection, count: int) -> tuple[Any, uuid.UUID, int]:
    """Takes ``count`` sequence numbers from this replica's counter in one atomic statement and returns the
    metadata row's id, the replica id and the last number taken (the first is ``last - count + 1``).

    ``UPDATE ... SET last_change_seq = last_change_seq + count RETURNING`` reads and moves the counter at once:
    on PostgreSQL a second writer's update waits for the first's row lock and then adds to the number the first
    committed; on SQLite the statement runs under the write lock (an edit holds it from ``BEGIN IMMEDIATE``)."""
    if count < 1:
        raise ValueError("take at least one number")
    statement = (
        update(_META)
        .values(last_change_seq=_META.c.last_change_seq + count)
        .returning(_META.c.id, _META.c.replica_id, _META.c.last_change_seq)
    )
    row = connection.execute(statement).one()
    return row[0], row[1], int(row[2])


def start_new_replica(connection: Connection) -> tuple[Any, uuid.UUID, int, uuid.UUID]:
    """Gives this workspace a new replica id with its counter at 0 (a copy made outside the app, opened from a
    new path, must not go on numbering as the original does). Returns the metadata row's id, the previous
    replica id, the last number it took and the new id. Run inside an edit, which holds the write lock (SQLite)
    or the metadata row's lock (PostgreSQL); the update is also made only if the row is as read."""
    meta_id, previous, last = connection.execute(
        select(_META.c.id, _META.c.replica_id, _META.c.last_change_seq).limit(1)
    ).one()
    new = uuid.uuid4()
    moved = connection.execute(
        update(_META)
        .where(_META.c.id == meta_id, _META.c.replica_id == previous, _META.c.last_change_seq == last)
        .values(replica_id=new, last_change_seq=0)
    )
    if moved.rowcount != 1:
        raise RuntimeError("the workspace's replica changed while a new one was being taken")
    return meta_id, previous, int(last), new


def copy_entries(connection: Connection, entries: Iterable[Mapping[str, Any]]) -> int:
    """Writes another copy's entries into this change log as they are (their replica, number, time and author),
    so a merge keeps the history it brings and a later merge knows what this workspace has seen. This replica's
    counter does not move: the entries are not this replica's. Returns how many were written."""
    rows = [dict(entry) for entry in entries]
    insert_chunked(connection, _LOG, rows)
    return len(rows)


# --------------------------------------------------------------------------- the data stamp


def data_stamp(reader: Session | Connection) -> tuple[Any, ...]:
    """Changes whenever the workspace's content may have changed: every change-log write moves this replica's
    counter (above), a new replica id replaces it, and writes that log nothing (the workspace details written
    with a bulk load) move the metadata row's version."""
    row = reader.execute(
        select(_META.c.replica_id, _META.c.last_change_seq, _META.c.version, _META.c.updated_at).limit(1)
    ).first()
    return tuple(row) if row is not None else ()


__all__ = [
    "Change",
    "ChangeLog",
    "copy_entries",
    "data_stamp",
    "encode_value",
    "plain_value",
    "start_new_replica",
    "take_numbers",
]
