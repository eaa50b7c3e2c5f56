"""Many plain rows into one table, fast: a few executemany statements, on SQLite with the parameters converted a
column at a time. Used by ``UnitOfWork.insert_rows`` (imports) and by the change log's writer."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, TypeDecorator, insert
from sqlalchemy.types import TypeEngine

# Rows written by one executemany: big enough to cost little per row, small enough to bound memory.
INSERT_CHUNK = 5_000
# Fewer rows than this are inserted by Core's own executemany.
_FEW = 50

#: Each distinct date or time converted once, by column type, from one table to the next.
Converted = dict[type, dict[Any, Any]]


def insert_chunked(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]], converted: Converted | None = None
) -> None:
    """Inserts ``rows`` (plain dicts with the same keys) into ``table`` in chunks of ``INSERT_CHUNK``."""
    if not rows:
        return
    converted = {} if converted is None else converted
    # A few rows (one edit's change-log entries) go through Core, whose compiled statement is cached; preparing
    # parameters a column at a time pays only for many.
    sqlite = connection.dialect.name == "sqlite" and len(rows) >= _FEW
    statement = insert(table)
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        prepared = _driver_rows(connection, table, chunk, converted) if sqlite else None
        if prepared is None:
            connection.execute(statement, builtins.list(chunk))
        else:
            connection.exec_driver_sql(*prepared)


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
