"""Cutting a copy of the workspace down to some themes (a copy for a workshop): which needs and actions stay,
and removing the rest with every record that depends on them, found through the schema's foreign keys so that a
table added later is cut down with no code here.

Only ever run on a copy being built aside: the records are removed, not tombstoned (the copy never held them,
and merging it back must not delete them from the original).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Collection
from contextlib import closing
from pathlib import Path

from sqlalchemy import delete, select

from locality.store.id_chunks import id_chunks
from locality.store.models import ActionNeedRecord, ActionRecord, Base, NeedRecord, ThemeRecord
from locality.store.unit_of_work import UnitOfWork


def themes_with_descendants(unit: UnitOfWork, theme_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """The themes and every theme beneath them."""
    parent_of = {row[0]: row[1] for row in unit.session.execute(select(ThemeRecord.id, ThemeRecord.parent_id))}
    wanted = set(theme_ids)
    grew = True
    while grew:
        below = {theme for theme, parent in parent_of.items() if parent in wanted and theme not in wanted}
        wanted |= below
        grew = bool(below)
    return wanted


def records_of_themes(unit: UnitOfWork, theme_ids: Collection[uuid.UUID]) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """The needs of these themes, and the actions of these themes or linked to one of those needs."""
    themes = list(theme_ids)
    needs: set[uuid.UUID] = set()
    actions: set[uuid.UUID] = set()
    for chunk in id_chunks(themes):
        needs.update(unit.session.scalars(select(NeedRecord.id).where(NeedRecord.theme_id.in_(chunk))))
        actions.update(unit.session.scalars(select(ActionRecord.id).where(ActionRecord.theme_id.in_(chunk))))
    for chunk in id_chunks(sorted(needs)):
        actions.update(
            unit.session.scalars(select(ActionNeedRecord.action_id).where(ActionNeedRecord.need_id.in_(chunk)))
        )
    return needs, actions


def remove_with_dependants(unit: UnitOfWork, table_name: str, ids: Collection[uuid.UUID]) -> int:
    """Removes these rows of ``table_name`` and every row that refers to one of them, and so on down: returns how
    many rows went."""
    connection = unit.session.connection()
    table = Base.metadata.tables[table_name]
    doomed = sorted(set(ids))
    removed = 0
    for dependant in Base.metadata.sorted_tables:
        for key in dependant.foreign_keys:
            if key.column.table is not table:
                continue
            found: set[uuid.UUID] = set()
            for chunk in id_chunks(doomed):
                found.update(connection.execute(select(dependant.c.id).where(key.parent.in_(chunk))).scalars())
            if found:
                removed += remove_with_dependants(unit, dependant.name, found)
    for chunk in id_chunks(doomed):
        removed += connection.execute(delete(table).where(table.c.id.in_(chunk))).rowcount or 0
    return removed


def vacuum_file(path: Path) -> None:
    """Gives the space of removed rows back, so the copy is small."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("VACUUM")


__all__ = ["records_of_themes", "remove_with_dependants", "themes_with_descendants", "vacuum_file"]
