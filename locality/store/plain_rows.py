"""Reading tens of thousands of rows as plain tuples, without SQLAlchemy building a ``Row`` for each.

An export reads some 150,000 rows (actions, milestones, links). SQLAlchemy makes each a ``Row`` and runs each
value through its type's result processor; for rows of text and numbers that is most of the time the read
takes (partner links: 190 ms against the driver's own 80 ms on the large demo). ``plain_rows`` runs the statement
through SQLAlchemy as usual (its compiled-statement cache, its bound parameters) and then takes the driver's
tuples straight from the cursor, turning only what the driver leaves as text into what the columns hold: SQLite
keeps dates as ISO text and UUIDs as 32 hex digits, and answers booleans as 0 and 1.

A statement selecting a column of any other type that needs processing (a ``TypeDecorator`` such as the UTC
timestamps) is read the ordinary way instead, so a caller never gets a value in a form its column does not have.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, Text, Uuid
from sqlalchemy.types import TypeEngine

from locality.store.unit_of_work import UnitOfWork


class _Dates(dict[Any, Any]):
    """ISO text to dates, each text converted once: a plan's 170,000 dates are a few hundred distinct days, and
    looking one up (``map(dates.__getitem__, column)``, all in C) costs a fraction of converting it again."""

    def __missing__(self, text: Any) -> Any:
        value = self[text] = date.fromisoformat(text) if isinstance(text, str) else text
        return value


class _Uuids(dict[Any, Any]):
    """32 hex digits to UUIDs, each converted once (an organisation's id comes back on thousands of rows)."""

    def __missing__(self, text: Any) -> Any:
        value = self[text] = uuid.UUID(hex=text) if isinstance(text, str) else text
        return value


def _flags(values: list[Any]) -> list[Any]:
    return [None if value is None else bool(value) for value in values]


#: A converter: a column of the driver's values in, the column's own values out.
Converter = Callable[[list[Any]], list[Any]]
#: What ``_converter`` answers for a type it does not know: the statement is read the ordinary way.
_UNKNOWN: Converter = list


def _converter(column_type: TypeEngine[Any]) -> Converter | None:
    """What turns a column of the driver's values of this type into the column's own: None for nothing (the
    driver's value is the column's), ``_UNKNOWN`` for a type that is not known here."""
    if isinstance(column_type, Date):
        return lambda values: list(map(_Dates().__getitem__, values))
    if isinstance(column_type, Uuid):
        return (lambda values: list(map(_Uuids().__getitem__, values))) if column_type.as_uuid else None
    if isinstance(column_type, Boolean):
        return _flags
    # Text and numbers come back from both drivers as Python's own str, int and float.
    if type(column_type) in (String, Text) or isinstance(column_type, (Integer, Float)):
        return None
    if type(column_type).__name__ == "NullType":  # literal() and the like: nothing to process
        return None
    return _UNKNOWN


def plain_rows(unit: UnitOfWork, statement: Any) -> list[tuple[Any, ...]]:
    """Every row ``statement`` selects, as plain tuples of the columns' values (as ``Result.all()`` gives them)."""
    connection = unit.session.connection()
    converters = [_converter(column.type) for column in statement.selected_columns]
    if _UNKNOWN in converters or connection.dialect.name != "sqlite":
        # An unknown type, or a driver (psycopg) that already hands back dates, UUIDs and booleans.
        return list(map(tuple, connection.execute(statement).all()))
    result = connection.execute(statement)
    try:
        # The driver's cursor, read directly: SQLAlchemy has only executed the statement so far.
        rows: list[tuple[Any, ...]] = list(result.cursor.fetchall())
    finally:
        result.close()
    wanted = [(index, converter) for index, converter in enumerate(converters) if converter is not None]
    if not wanted or not rows:
        return rows
    # Column by column: each column converted in one pass, then the rows put back together (zip, in C).
    columns = list(map(list, zip(*rows, strict=True)))
    for index, converter in wanted:
        columns[index] = converter(columns[index])
    return list(zip(*columns, strict=True))
