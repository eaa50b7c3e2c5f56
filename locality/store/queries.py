"""Queries that services need beyond "rows of a model where columns equal values"."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from locality.store.models import Base
from locality.store.unit_of_work import UnitOfWork


def live_counts(unit: UnitOfWork, tables: Iterable[str]) -> dict[str, int]:
    """Rows per table, leaving out tombstones where the table has them."""
    result: dict[str, int] = {}
    for name in tables:
        table = Base.metadata.tables[name]
        statement = select(func.count()).select_from(table)
        if "deleted_at" in table.c:
            statement = statement.where(table.c.deleted_at.is_(None))
        result[name] = int(unit.session.scalar(statement) or 0)
    return result
