"""Values of the wrong type inside a workspace file: found before they are read, and named.

SQLite stores any value in any column, so a flipped byte in a data page, or another program writing to the file,
can leave text where a number belongs, a date that is no date, or an id that is no id. Read through the ORM such
a value fails far from where it is stored (a ``TypeError`` while writing a CSV, a ``ValueError`` while drawing
the dashboard). Each column's expected storage is known from the models, so one SQL pass per table finds every
such value and names its table, column and row, before anything relies on it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text, Uuid
from sqlalchemy.types import TypeDecorator, TypeEngine

from locality.domain.vocabulary import (
    ActionStatus,
    Direction,
    NeedRole,
    NeedStatus,
    Priority,
    Rag,
    TargetKind,
    VocabularyKind,
)
from locality.store.models import Base

_DATE_SHAPE = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"
_DATETIME_SHAPE = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]*'"
# SQLite's integers are 64-bit; a REAL beyond this would not fit a Python int column's use (pence, counts).
_LARGEST_REAL = 9.0e15


# Text columns that hold one of a fixed list of values (read back as the domain's enums).
_ENUM_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("need", "priority"): Priority,
    ("need", "status"): NeedStatus,
    ("need_organisation", "role"): NeedRole,
    ("need_organisation", "severity"): Priority,
    ("action", "status"): ActionStatus,
    ("action", "rag_override"): Rag,
    ("progress_update", "status"): ActionStatus,
    ("progress_update", "rag"): Rag,
    ("indicator", "direction"): Direction,
    ("indicator", "target_kind"): TargetKind,
    ("vocabulary_term", "kind"): VocabularyKind,
    ("board_snapshot_item", "status"): ActionStatus,
    ("board_snapshot_item", "rag"): Rag,
}


@dataclass(frozen=True)
class ValueProblem:
    table: str
    column: str
    row_id: str
    what: str  # what the column should hold, in words

    def sentence(self) -> str:
        return f"{self.table} {self.row_id.strip(chr(39))}: {self.column} does not hold {self.what}"


def _base_type(column_type: TypeEngine[object]) -> TypeEngine[object]:
    return column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type


def _valid(column: Column[object]) -> tuple[str, str] | None:
    """The SQL condition that a value of ``column`` is stored as the models expect, and what that is in words."""
    name = f'"{column.name}"'
    kind = _base_type(column.type)
    if isinstance(kind, Uuid):
        return (f"typeof({name}) = 'text' AND length({name}) = 32 AND {name} NOT GLOB '*[^0-9a-f]*'", "an id")
    if isinstance(kind, Boolean):
        return (f"typeof({name}) = 'integer' AND {name} IN (0, 1)", "yes or no")
    # date(x) alone hands 2020-02-30 back unchanged; with a modifier SQLite normalises it (to 2020-03-01), so only
    # a real date equals its own normalised form.
    if isinstance(kind, DateTime):
        return (
            f"typeof({name}) = 'text' AND {name} GLOB {_DATETIME_SHAPE} "
            f"AND datetime(substr({name}, 1, 19), '+0 seconds') = substr({name}, 1, 19)",
            "a date and time",
        )
    if isinstance(kind, Date):
        return (
            f"typeof({name}) = 'text' AND {name} GLOB {_DATE_SHAPE} AND date({name}, '+0 days') = {name}",
            "a date",
        )
    choices = _ENUM_COLUMNS.get((column.table.name, column.name))
    if choices is not None:
        allowed = ", ".join("'" + member.value.replace("'", "''") + "'" for member in choices)
        return (f"typeof({name}) = 'text' AND {name} IN ({allowed})", f"one of: {', '.join(choices)}")
    if isinstance(kind, Integer):
        return (f"typeof({name}) = 'integer'", "a whole number")
    if isinstance(kind, Float):
        return (
            f"typeof({name}) IN ('integer', 'real') AND abs({name}) <= {_LARGEST_REAL} AND {name} = {name}",
            "a number",
        )
    if isinstance(kind, String | Text):
        return (f"typeof({name}) = 'text'", "text")
    return None


def _table_query(table: Table) -> tuple[str, list[tuple[str, str]]] | None:
    checks: list[tuple[str, str, str]] = []
    for column in table.columns:
        valid = _valid(column)
        if valid is None:
            continue
        condition, what = valid
        if column.nullable:
            condition = f'"{column.name}" IS NULL OR ({condition})'
        checks.append((column.name, f"NOT ({condition})", what))
    if not checks:
        return None
    key = '"id"' if "id" in table.columns else "rowid"
    # The id itself may be what is wrong: show it as the file holds it.
    selected = ", ".join(f"CASE WHEN {bad} THEN 1 ELSE 0 END" for _name, bad, _what in checks)
    where = " OR ".join(f"({bad})" for _name, bad, _what in checks)
    sql = f'SELECT quote({key}), {selected} FROM "{table.name}" WHERE {where}'
    return sql, [(name, what) for name, _bad, what in checks]


def value_problems(connection: sqlite3.Connection, *, limit: int = 50) -> list[ValueProblem]:
    """Values stored with the wrong type or shape, at most ``limit`` of them (SQLite only)."""
    problems: list[ValueProblem] = []
    for table in Base.metadata.sorted_tables:
        query = _table_query(table)
        if query is None:
            continue
        sql, columns = query
        for row in connection.execute(f"{sql} LIMIT {max(limit - len(problems), 0)}"):
            row_id = str(row[0])
            for (name, what), bad in zip(columns, row[1:], strict=True):
                if bad:
                    problems.append(ValueProblem(table.name, name, row_id, what))
        if len(problems) >= limit:
            return problems[:limit]
    return problems


def unreadable_text(connection: sqlite3.Connection, *, limit: int = 50) -> list[ValueProblem]:
    """Text that is not valid UTF-8 (the driver cannot read it). Reads every text value, so only ``check`` uses it."""
    problems: list[ValueProblem] = []
    for table in Base.metadata.sorted_tables:
        names = [column.name for column in table.columns if isinstance(_base_type(column.type), String | Text)]
        if not names:
            continue
        key = '"id"' if "id" in table.columns else "rowid"
        casts = ", ".join(f'CAST("{name}" AS BLOB)' for name in names)
        for row in connection.execute(f'SELECT quote({key}), {casts} FROM "{table.name}"'):
            for name, value in zip(names, row[1:], strict=True):
                if value is None:
                    continue
                try:
                    bytes(value).decode("utf-8")
                except UnicodeDecodeError:
                    problems.append(ValueProblem(table.name, name, str(row[0]), "readable text"))
                    if len(problems) >= limit:
                        return problems
    return problems
