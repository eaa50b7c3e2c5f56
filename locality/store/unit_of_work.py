"""The seam between services and SQLAlchemy: one ``UnitOfWork`` is one transaction.

Services ask it for records and hand it new ones; they never build SQL themselves. Queries that need more than
"rows of a model where columns equal values" live in ``locality.store.queries``.
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, Date, DateTime, Table, TypeDecorator, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from locality.domain.vocabulary import normalise_name
from locality.store.models import Base, ChangeLogRecord, TrackedMixin, WorkspaceMetaRecord, utc_now

T = TypeVar("T")
Row = dict[str, Any]

# Rows written by one executemany: big enough to cost little per row, small enough to bound memory.
INSERT_CHUNK = 5_000
# SQLite's page cache (KiB) while many rows are inserted: new rows land all over the indexes of big tables (ids are
# random UUIDs), and SQLite's default of 2 MB would read the same index pages again and again.
INSERT_CACHE_KIB = 65_536


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
        raise TypeError(f"{type(value).__name__} cannot be written to the change log")
    return plain


# ``plain_value`` asked only of what JSON cannot hold itself: the same text, without walking every value in
# Python first (a create logs a dict of all its fields; an import logs hundreds of thousands).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_plain_or_refuse)


def encode_value(value: Any) -> str | None:
    """The change log's text form of a field value."""
    return None if value is None else _ENCODER.encode(value)


class UnitOfWork:
    def __init__(self, session: Session, *, author: str = "", author_organisation: str = "") -> None:
        self.session = session
        self.author = author
        self.author_organisation = author_organisation
        self._meta: WorkspaceMetaRecord | None = None

    # ------------------------------------------------------------------ reading

    def get(self, model: type[T], record_id: uuid.UUID, *, include_deleted: bool = False) -> T | None:
        record = self.session.get(model, record_id)
        if record is None:
            return None
        if not include_deleted and isinstance(record, TrackedMixin) and record.deleted_at is not None:
            return None
        return record

    def by_ids(self, model: type[T], record_ids: Iterable[uuid.UUID]) -> builtins.list[T]:
        """The records of ``model`` with these ids, tombstoned ones included (in no particular order)."""
        wanted = builtins.list(record_ids)
        return self.list(model, {"id": wanted}, include_deleted=True) if wanted else []

    def list(
        self,
        model: type[T],
        where: Mapping[str, Any] | None = None,
        *,
        order_by: Sequence[str] = (),
        include_deleted: bool = False,
    ) -> builtins.list[T]:
        statement = select(model)
        for column, value in (where or {}).items():
            attribute = getattr(model, column)
            if isinstance(value, (list, tuple, set, frozenset)):
                statement = statement.where(attribute.in_(list(value)))
            else:
                statement = statement.where(attribute == value if value is not None else attribute.is_(None))
        if not include_deleted and issubclass(model, TrackedMixin):
            statement = statement.where(model.deleted_at.is_(None))
        for column in order_by:
            descending = column.startswith("-")
            attribute = getattr(model, column.lstrip("-"))
            statement = statement.order_by(attribute.desc() if descending else attribute)
        return list(self.session.scalars(statement))

    def count(self, model: type[T], where: Mapping[str, Any] | None = None) -> int:
        statement = select(func.count()).select_from(model)
        for column, value in (where or {}).items():
            statement = statement.where(getattr(model, column) == value)
        if issubclass(model, TrackedMixin):
            statement = statement.where(model.deleted_at.is_(None))
        return int(self.session.scalar(statement) or 0)

    def find_by_name(
        self,
        model: type[T],
        name: str,
        *,
        column: str = "name",
        where: Mapping[str, Any] | None = None,
    ) -> builtins.list[T]:
        """Live records whose ``column`` equals ``name`` ignoring case and surrounding or repeated spaces."""
        wanted = normalise_name(name)
        # Compared in Python: SQL's lower() folds only ASCII on SQLite.
        return [record for record in self.list(model, where) if normalise_name(str(getattr(record, column))) == wanted]

    def meta(self) -> WorkspaceMetaRecord:
        if self._meta is None:
            meta = self.session.scalars(select(WorkspaceMetaRecord).limit(1)).first()
            if meta is None:
                raise RuntimeError("workspace has no metadata row")
            self._meta = meta
        return self._meta

    # ------------------------------------------------------------------ writing

    def add(self, record: object) -> None:
        self.session.add(record)

    def add_all(self, records: Iterable[object]) -> None:
        self.session.add_all(list(records))

    def flush(self) -> None:
        self.session.flush()

    def touch(self, record: TrackedMixin) -> None:
        """Marks a record as changed now: a new version and ``updated_at``."""
        record.version = (record.version or 0) + 1
        record.updated_at = utc_now()

    def log(
        self,
        entity: str,
        record_id: uuid.UUID,
        operation: str,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.session.add(ChangeLogRecord(**self.change_row(entity, record_id, operation, field, old, new)))

    def change_row(
        self,
        entity: str,
        record_id: uuid.UUID,
        operation: str,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        at: datetime | None = None,
    ) -> Row:
        """The change-log entry ``log`` writes, as a plain row for ``insert_rows``; it takes the next sequence
        number, so entries are numbered in the order they are made, whichever way they are written. ``at``:
        when the change was made (now, unless the caller has just taken the time for the record itself)."""
        meta = self.meta()
        meta.last_change_seq += 1
        return {
            "replica_id": meta.replica_id,
            "seq": meta.last_change_seq,
            "changed_at": at or utc_now(),
            "author": self.author,
            "author_organisation": self.author_organisation,
            "entity": entity,
            "record_id": record_id,
            "operation": operation,
            "field": field,
            "old_value": encode_value(old),
            "new_value": encode_value(new),
        }

    def insert_rows(self, rows_by_model: Mapping[type[Any], Sequence[Mapping[str, Any]]]) -> None:
        """Writes new rows, given as plain dicts by model, in this transaction: tables in foreign-key order,
        each by a few executemany statements instead of a session object and a flush per row.

        For many records at once (an import). The caller gives each row every value the record would have (id,
        times, version) and the same keys for every row of a model; records added with ``add`` are flushed
        first, so rows may refer to them."""
        wanted = {model.__table__.name: rows for model, rows in rows_by_model.items() if rows}
        if not wanted:
            return
        self.session.flush()
        connection = self.session.connection()
        sqlite = connection.dialect.name == "sqlite"
        cache = connection.exec_driver_sql("PRAGMA cache_size").scalar() if sqlite else None
        if cache is not None:
            connection.exec_driver_sql(f"PRAGMA cache_size=-{INSERT_CACHE_KIB}")
        converted: dict[type, dict[Any, Any]] = {}
        try:
            for table in Base.metadata.sorted_tables:
                rows = wanted.get(table.name)
                if not rows:
                    continue
                statement = insert(table)
                for start in range(0, len(rows), INSERT_CHUNK):
                    chunk = rows[start : start + INSERT_CHUNK]
                    prepared = _driver_rows(connection, table, chunk, converted) if sqlite else None
                    if prepared is None:
                        connection.execute(statement, builtins.list(chunk))
                    else:
                        connection.exec_driver_sql(*prepared)
        finally:
            if cache is not None:
                connection.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")


def _driver_rows(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]], converted: dict[type, dict[Any, Any]]
) -> tuple[str, Any] | None:
    """The INSERT and the parameters SQLAlchemy would hand SQLite for ``rows``, converted a column at a time
    rather than row by row, and each distinct date or time once (a record's creation, last change and change-log
    entry share one; ``converted`` keeps them by type from one table to the next). None when a column the rows
    leave out has a default to work out, which Core does."""
    keys = set(rows[0])
    if any(column.key not in keys and column.default is not None for column in table.columns):
        return None
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=builtins.list(keys))
    order = builtins.list(compiled.positiontup or ())
    if len(order) < 2:  # itemgetter of one key gives the value itself, not a tuple
        return None
    # Each row's values in the statement's order, then column by column (both in C).
    columns: builtins.list[Sequence[Any]] = builtins.list(zip(*map(itemgetter(*order), rows), strict=True))
    for index, key in enumerate(order):
        column_type = table.c[key].type
        convert = column_type.dialect_impl(dialect).bind_processor(dialect)
        if convert is None:
            continue
        if _is_temporal(column_type):
            done = converted.setdefault(type(column_type), {})
            columns[index] = [
                done[value] if value in done else done.setdefault(value, convert(value)) for value in columns[index]
            ]
        else:
            columns[index] = builtins.list(map(convert, columns[index]))
    return str(compiled), builtins.list(zip(*columns, strict=True))


def _is_temporal(column_type: TypeEngine[Any]) -> bool:
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return isinstance(column_type, (Date, DateTime))
