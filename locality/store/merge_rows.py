"""What merging two copies of a workspace reads and writes, as plain rows: every tracked table's ids and rows
(tombstoned ones included), the change log by replica, and the replicas this workspace has already merged.

Generic over ``models.TRACKED_MODELS``: a table added there is merged with no code here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, UniqueConstraint, bindparam, func, select, update

from locality.store.id_chunks import id_chunks
from locality.store.models import (
    Base,
    ChangeLogRecord,
    ReplicaSyncStateRecord,
    TrackedMixin,
    WorkspaceMetaRecord,
)
from locality.store.unit_of_work import Row, UnitOfWork

_LOG: Table = ChangeLogRecord.__table__  # type: ignore[assignment]
_SYNC: Table = ReplicaSyncStateRecord.__table__  # type: ignore[assignment]

#: Columns every record carries that say when and how often it changed, not what it holds: a merge sets them
#: itself (a new version on each record it changes), never takes them from one side.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "version"})

#: The metadata row's columns that say which copy a file is: never merged.
REPLICA_COLUMNS = frozenset({"replica_id", "replica_path", "last_change_seq"})

#: The change log's columns as a merge copies them from one file to another (all but the local row id).
LOG_COLUMNS = tuple(column.key for column in _LOG.columns if column.key != "id")


def parents_first(table: Table, rows: Sequence[Row]) -> list[Row]:
    """``rows`` of ``table`` ordered so that each comes after the row of the same table it refers to, if that is
    among them (a theme before its sub-themes); otherwise in the order given."""
    references = [key.parent.key for key in table.foreign_keys if key.column.table is table]
    if not references or len(rows) < 2:
        return list(rows)
    among = {row["id"] for row in rows}
    placed: set[Any] = set()
    ordered: list[Row] = []
    waiting = list(rows)
    while waiting:
        ready = [
            row
            for row in waiting
            if all(
                row.get(column) is None or row[column] not in among or row[column] in placed for column in references
            )
        ]
        if not ready:  # a loop of references: the rest as given, for the database to judge
            ready = waiting
        ordered.extend(ready)
        placed.update(row["id"] for row in ready)
        chosen = {id(row) for row in ready}
        waiting = [row for row in waiting if id(row) not in chosen]
    return ordered


def _placed(reference: Any, among: set[Any], placed: set[Any]) -> bool:
    return reference is None or reference not in among or reference in placed


def table_of(model: type[TrackedMixin]) -> Table:
    return Base.metadata.tables[str(model.__tablename__)]  # type: ignore[attr-defined]


def merged_columns(model: type[TrackedMixin]) -> list[str]:
    """The columns whose values a merge carries from one copy to the other, field by field."""
    skip = BOOKKEEPING | (REPLICA_COLUMNS if model is WorkspaceMetaRecord else frozenset())
    return [column.key for column in table_of(model).columns if column.key not in skip]


def natural_keys(model: type[TrackedMixin]) -> list[tuple[str, ...]]:
    """The column sets besides the id that must be unique (a need linked to an organisation once): two copies
    that each made such a record separately hold one record under two ids."""
    return [
        tuple(column.key for column in constraint.columns)
        for constraint in table_of(model).constraints
        if isinstance(constraint, UniqueConstraint)
    ]


def references(model: type[TrackedMixin]) -> dict[str, str]:
    """Each column of ``model`` that refers to a record, and the table it refers to."""
    return {key.parent.key: key.column.table.name for key in table_of(model).foreign_keys}


def live_values(unit: UnitOfWork, model: type[TrackedMixin], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Each live record's id followed by its values of ``columns``."""
    table = table_of(model)
    statement = select(table.c.id, *(table.c[name] for name in columns)).where(table.c.deleted_at.is_(None))
    return [tuple(row) for row in unit.session.execute(statement)]


def tables_in_order(models: Iterable[type[TrackedMixin]]) -> list[type[TrackedMixin]]:
    """``models`` in foreign-key order (a record after those it refers to)."""
    position = {table.name: index for index, table in enumerate(Base.metadata.sorted_tables)}
    return sorted(models, key=lambda model: position[str(model.__tablename__)])  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- records


def record_ids(unit: UnitOfWork, model: type[TrackedMixin]) -> set[uuid.UUID]:
    """Every record's id, tombstoned ones included."""
    return {_as_uuid(value) for value in _stored_ids(unit, model)}


def ids_only_in(first: UnitOfWork, second: UnitOfWork, model: type[TrackedMixin]) -> set[uuid.UUID]:
    """The ids of ``model``'s records (tombstoned ones included) that ``first`` holds and ``second`` does not.

    Compared as the database stores them, and only those found made into UUIDs: a large workspace holds hundreds
    of thousands of records, and making each id a UUID would cost seconds."""
    mine, theirs = _stored_ids(first, model), _stored_ids(second, model)
    if first.session.connection().dialect.name != second.session.connection().dialect.name:
        # SQLite keeps an id as 32 hex digits, a server as a uuid: compared as hex digits between the two.
        mine, theirs = {_hex(value) for value in mine}, {_hex(value) for value in theirs}
    return {_as_uuid(value) for value in mine - theirs}


def _hex(value: Any) -> str:
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "").lower()


def _stored_ids(unit: UnitOfWork, model: type[TrackedMixin]) -> set[Any]:
    # Straight from the driver's cursor: SQLAlchemy's row objects alone cost a second a few hundred thousand ids.
    connection = unit.session.connection()
    name = connection.dialect.identifier_preparer.quote(str(model.__tablename__))  # type: ignore[attr-defined]
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"SELECT id FROM {name}")
        return {row[0] for row in cursor.fetchall()}
    finally:
        cursor.close()


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def rows_by_id(unit: UnitOfWork, model: type[TrackedMixin], ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Row]:
    """The records with these ids as plain rows (every column), tombstoned ones included."""
    table = table_of(model)
    found: dict[uuid.UUID, Row] = {}
    for chunk in id_chunks(sorted(set(ids))):
        for row in unit.session.execute(select(table).where(table.c.id.in_(chunk))).mappings():
            found[row["id"]] = dict(row)
    return found


def ids_by_natural_key(
    unit: UnitOfWork, model: type[TrackedMixin], columns: Sequence[str]
) -> dict[tuple[Any, ...], uuid.UUID]:
    """Every record's id by its values of ``columns`` (one of ``natural_keys``)."""
    table = table_of(model)
    statement = select(table.c.id, *(table.c[name] for name in columns))
    return {tuple(row[1:]): row[0] for row in unit.session.execute(statement)}


def insert_records(unit: UnitOfWork, rows_by_model: Mapping[type[Any], Sequence[Row]]) -> None:
    """Writes records carried over from another copy, every column as that copy holds it, tables in
    foreign-key order (``UnitOfWork.insert_rows``), and within a table that refers to itself each row after the
    row it names (a server checks a reference at each statement: a sub-theme must not arrive before its parent)."""
    unit.insert_rows({model: parents_first(table_of(model), rows) for model, rows in rows_by_model.items()})


def update_records(unit: UnitOfWork, model: type[TrackedMixin], changes: Mapping[uuid.UUID, Row]) -> None:
    """Sets each record's given columns (values taken from the other copy, a new version, a new time)."""
    table = table_of(model)
    by_columns: dict[tuple[str, ...], list[Row]] = {}
    for record_id, values in changes.items():
        by_columns.setdefault(tuple(sorted(values)), []).append({"_id": record_id, **values})
    connection = unit.session.connection()
    for columns, rows in by_columns.items():
        statement = (
            update(table).where(table.c.id == bindparam("_id")).values({name: bindparam(name) for name in columns})
        )
        connection.execute(statement, rows)


def defer_reference_checks(unit: UnitOfWork) -> None:
    """Checks references when the transaction commits, not at each row: a theme carried over may arrive after a
    sub-theme that names it as its parent. (SQLite; a server checks each statement, in foreign-key order.)"""
    connection = unit.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")


# --------------------------------------------------------------------------- what each copy knows


def log_heads(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    """Per replica, the highest sequence number of its entries this copy's change log holds."""
    statement = select(_LOG.c.replica_id, func.max(_LOG.c.seq)).group_by(_LOG.c.replica_id)
    return {row[0]: int(row[1]) for row in unit.session.execute(statement)}


def merged_replicas(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    """``replica_sync_state``: per other replica, the last of its sequence numbers already merged here."""
    statement = select(_SYNC.c.replica_id, _SYNC.c.last_seq_merged)
    return {row[0]: int(row[1]) for row in unit.session.execute(statement)}


def log_entries_after(unit: UnitOfWork, replica_id: uuid.UUID, after: int) -> list[Row]:
    """The replica's change-log entries numbered after ``after``, in order, as plain rows (no local id)."""
    statement = (
        select(*(_LOG.c[name] for name in LOG_COLUMNS))
        .where(_LOG.c.replica_id == replica_id, _LOG.c.seq > after)
        .order_by(_LOG.c.seq)
    )
    return [dict(row) for row in unit.session.execute(statement).mappings()]


def log_entry_at(unit: UnitOfWork, replica_id: uuid.UUID, seq: int) -> Row | None:
    """One entry by its replica and number, as a plain row (no local id)."""
    statement = select(*(_LOG.c[name] for name in LOG_COLUMNS)).where(
        _LOG.c.replica_id == replica_id, _LOG.c.seq == seq
    )
    row = unit.session.execute(statement).mappings().first()
    return None if row is None else dict(row)


def record_merged(unit: UnitOfWork, replica_id: uuid.UUID, last_seq: int, source_path: str, at: datetime) -> None:
    """Remembers that this workspace holds ``replica_id``'s changes up to ``last_seq`` (never moving back)."""
    connection = unit.session.connection()
    current = connection.execute(select(_SYNC.c.last_seq_merged).where(_SYNC.c.replica_id == replica_id)).scalar()
    if current is None:
        connection.execute(
            _SYNC.insert().values(
                replica_id=replica_id, last_seq_merged=last_seq, last_merged_at=at, source_path=source_path
            )
        )
    else:
        connection.execute(
            _SYNC.update()
            .where(_SYNC.c.replica_id == replica_id)
            .values(last_seq_merged=max(int(current), last_seq), last_merged_at=at, source_path=source_path)
        )


__all__ = [
    "BOOKKEEPING",
    "LOG_COLUMNS",
    "REPLICA_COLUMNS",
    "defer_reference_checks",
    "ids_by_natural_key",
    "ids_only_in",
    "insert_records",
    "live_values",
    "log_entries_after",
    "log_entry_at",
    "log_heads",
    "merged_columns",
    "merged_replicas",
    "natural_keys",
    "record_ids",
    "record_merged",
    "references",
    "rows_by_id",
    "tables_in_order",
    "update_records",
]
