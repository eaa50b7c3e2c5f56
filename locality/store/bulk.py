"""Writing many plain rows at once: SQLAlchemy Core ``insert(table)`` executemany, in chunks, in one transaction.

This is for generated data (the demo partnership), where going through the per-record services would cost a
session object, a version check and a change-log row for each of hundreds of thousands of rows. Rows are plain
dicts keyed by column name; the caller gives every merged record its ``id``. The change-log entries the caller
gives (``changes``: the history it composed for the rows) are written with them by the change log's one writer.

Cancelling (``cancelled()`` returning True between chunks) rolls the whole transaction back and raises
``BulkInsertCancelled``: either every row is written or none is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.exc import OperationalError

from locality.domain.errors import LocalityError, WorkspaceError
from locality.store.change_log import Change, ChangeLog
from locality.store.error_sentences import describe_database_error
from locality.store.models import Base, WorkspaceMetaRecord, utc_now
from locality.store.workspace import Workspace

Row = dict[str, Any]
ProgressCallback = Callable[[int, int, str], None]
CancelledCallback = Callable[[], bool]

DEFAULT_CHUNK_SIZE = 5_000
# The columns every merged record carries, filled in when a row leaves them out.
_TRACKED_DEFAULTS = ("created_at", "updated_at", "version", "deleted_at")


class TablesNotEmptyError(LocalityError):
    """Rows were to go into empty tables, but some already hold records; ``filled`` names those tables."""

    def __init__(self, filled: Sequence[str]) -> None:
        super().__init__(f"The workspace already holds records in: {', '.join(filled)}.")
        self.filled = list(filled)


def _refuse_filled(connection: Connection, names: Sequence[str]) -> None:
    meta_table = Base.metadata.tables[WorkspaceMetaRecord.__tablename__]
    # A write first, so that the count below happens under the workspace's write lock.
    connection.execute(update(meta_table).values(version=meta_table.c.version))
    filled = []
    for name in names:
        table = Base.metadata.tables[name]
        query = select(func.count()).select_from(table)
        if "deleted_at" in table.c:
            query = query.where(table.c.deleted_at.is_(None))
        if connection.execute(query).scalar_one():
            filled.append(name)
    if filled:
        raise TablesNotEmptyError(filled)


class BulkInsertCancelled(LocalityError):
    """The bulk write was cancelled before it finished; the transaction was rolled back and nothing was written."""

    def __init__(self, message: str = "Cancelled; nothing was written to the workspace.") -> None:
        super().__init__(message)


def table_order(names: Sequence[str] | Mapping[str, object]) -> list[Table]:
    """The named tables in foreign-key order (a table after every table it refers to)."""
    wanted = set(names)
    known = {table.name for table in Base.metadata.sorted_tables}
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"unknown table(s): {', '.join(unknown)}")
    return [table for table in Base.metadata.sorted_tables if table.name in wanted]


# How progress names what is being written.
_PLURALS = {
    "need_organisation": "need–organisation links",
    "action_need": "action–need links",
    "spend": "spend entries",
    "vocabulary_term": "vocabulary terms",
}


def _label(table: Table) -> str:
    return _PLURALS.get(table.name) or table.name.replace("_", " ") + "s"


def _filler(table: Table, rows: Sequence[Mapping[str, Any]], stamp: datetime) -> tuple[Row, set[str]]:
    """The values that complete a row of ``table``, and the columns every completed row has.

    executemany compiles one statement for all rows, so the rows of a table must all name the same columns:
    tracked defaults are filled in, and a column some rows leave out takes its default (or NULL).
    """
    defaults: Row = {}
    columns = table.c
    if "version" in columns:
        defaults = {"created_at": stamp, "updated_at": stamp, "version": 1, "deleted_at": None}
    keys: set[str] = set()
    for row in rows:
        keys.update(row)
    unknown = sorted(keys - set(columns.keys()))
    if unknown:
        raise ValueError(f"{table.name} has no column(s): {', '.join(unknown)}")
    for name in _TRACKED_DEFAULTS:
        if name in defaults:
            keys.add(name)
    for name in keys:
        if name in defaults:
            continue
        column = columns[name]
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            defaults[name] = default.arg  # type: ignore[attr-defined]
        elif column.nullable:
            defaults[name] = None
        else:
            # Left to the row; a row without it fails below with the column named.
            continue
    return {name: defaults[name] for name in keys if name in defaults}, keys


def _completed(table: Table, rows: Sequence[Mapping[str, Any]], filler: Row, keys: set[str]) -> list[Row]:
    # Copy-then-update runs in C; a row is complete when it adds nothing beyond ``keys``.
    width = len(keys)
    result: list[Row] = []
    append = result.append
    for row in rows:
        completed = filler.copy()
        completed.update(row)
        if len(completed) != width:
            missing = keys.difference(completed)
            raise ValueError(f"a {table.name} row has no value for {', '.join(sorted(missing))}")
        append(completed)
    return result


def bulk_insert(
    workspace: Workspace,
    rows_by_table: Mapping[str, Sequence[Mapping[str, Any]]],
    progress: ProgressCallback | None = None,
    cancelled: CancelledCallback | None = None,
    *,
    stamp: datetime | None = None,
    meta: Mapping[str, Any] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    only_into_empty: Sequence[str] = (),
    changes: Sequence[Change] = (),
) -> dict[str, int]:
    """Inserts ``rows_by_table`` (table name -> rows) in one transaction and returns the rows written per table.

    Tables are written in foreign-key order whatever order the mapping has. Rows of tracked tables that leave
    out ``created_at``/``updated_at`` get ``stamp`` (default: now, UTC), ``version`` 1 and no tombstone.
    ``meta``, when given, sets those fields of the workspace's one ``workspace_meta`` row in the same
    transaction (its version is bumped and ``updated_at`` set to ``stamp``).

    ``progress(done, total, stage)`` is called after each chunk with rows written so far; ``cancelled()`` is
    asked before each chunk, and when it answers True the transaction is rolled back and
    ``BulkInsertCancelled`` is raised. A database failure (full disk, locked file) rolls back too and is raised
    as ``WorkspaceError`` with a sentence for the user.

    ``only_into_empty`` names tables that must hold no live rows: they are counted inside the transaction, after
    it has taken the workspace's write lock, so two programs filling the same new workspace cannot both find it
    empty (the second waits, then finds the first's rows and gets ``TablesNotEmptyError``, or finds it busy).

    ``changes`` are written to the change log after the rows, in their order, numbered on from this replica's
    counter (``change_log.ChangeLog``), each with the time and author it gives.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    stamp = stamp or utc_now()
    tables = table_order(rows_by_table)
    total = sum(len(rows_by_table[table.name]) for table in tables)
    done = 0
    written: dict[str, int] = {}

    def check_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise BulkInsertCancelled()

    check_cancelled()
    try:
        with workspace.engine.begin() as connection:
            if only_into_empty:
                _refuse_filled(connection, only_into_empty)
            for table in tables:
                rows = rows_by_table[table.name]
                filler, keys = _filler(table, rows, stamp)
                statement = insert(table)
                stage = f"Writing {_label(table)}"
                for start in range(0, len(rows), chunk_size):
                    check_cancelled()
                    chunk = _completed(table, rows[start : start + chunk_size], filler, keys)
                    connection.execute(statement, chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total, stage)
                written[table.name] = len(rows)
            if changes:
                check_cancelled()
                if progress is not None:  # counted in rows of the tables above: its entries describe them
                    progress(done, total, "Writing the change log")
                log = ChangeLog(lambda: connection)
                log.extend(changes)
                log.write()
            if meta:
                check_cancelled()
                meta_table = Base.metadata.tables[WorkspaceMetaRecord.__tablename__]
                values = dict(meta)
                values.setdefault("updated_at", stamp)
                connection.execute(update(meta_table).values(version=meta_table.c.version + 1, **values))
            check_cancelled()
    except OperationalError as error:
        raise WorkspaceError(describe_database_error(error)) from error
    return written


__all__ = ["BulkInsertCancelled", "TablesNotEmptyError", "bulk_insert", "table_order"]
