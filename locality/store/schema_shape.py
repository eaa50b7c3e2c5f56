"""The shape of a workspace's schema, so that a file whose schema is not the one our migrations build is refused.

A workspace is an ordinary SQLite file, and anyone can add a trigger that deletes rows when we write, a view
that shadows a table, or replace a table with one of their own. SQLite's integrity check sees nothing wrong with
any of that. Before a file is opened, its schema's *shape* is compared with the shape that the migrations build
at the file's revision: any trigger or view, a missing, extra or replaced table, other columns, foreign keys or
indexes, and the file is refused untouched.

The shape is read with SQLite's own pragmas (table_xinfo, foreign_key_list, index_list, index_info), not from the
``CREATE`` text stored in the file, so that a workspace made by an older SQLAlchemy, which words its DDL slightly
differently, still matches. Column types are reduced to SQLite's type affinity for the same reason.

``EXPECTED_SHAPES`` holds, per revision, a digest of the shape; a test builds a workspace at each revision with
the migrations and checks its digest here, so adding a revision without its digest fails the tests
(``python -m locality.store.schema_shape`` prints the digests to paste).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from contextlib import closing
from typing import Any

#: Digest of the schema shape that each revision's migrations build (see the module's docstring).
EXPECTED_SHAPES: dict[str, str] = {
    "0001_initial": "84f349efa9968b11405c4c7b0e18644ba1fd1dfa4f8099fc9ab8ac5779e70664",
    "0002_action_owner": "4f6c84ddeaaef847d790bb52db0cd1a9779f51703c616f49b080c6cf52356315",
    "0003_workshop_board": "00280808da8b75260d89c794a247906fb032c9a1fef3f1b6288285e926265dcd",
    "0004_support_directory": "7c6956b964d0c8baa77bd88660cf388b51ae6348e82ffcb1ab3b94c50bc148d0",
}


_SQLITE_OWN_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"})


def _affinity(declared: str) -> str:
    """SQLite's type affinity of a declared column type (the rules of section 3.1 of its datatype page)."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in upper or not upper:
        return "BLOB"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_shape(connection: sqlite3.Connection) -> dict[str, Any]:
    """The schema's shape: every table's columns, foreign keys and indexes, and the names of views and triggers."""
    objects = connection.execute("SELECT type, name, tbl_name FROM sqlite_master ORDER BY name").fetchall()
    tables: dict[str, Any] = {}
    others: list[list[str]] = []
    for kind, name, _table in objects:
        # SQLite's own tables (ANALYZE's statistics, AUTOINCREMENT's counters) come and go; a trigger or view is
        # never SQLite's own, whatever its name (one named sqlite_... can be planted with writable_schema).
        if kind == "table" and name in _SQLITE_OWN_TABLES:
            continue
        if kind == "table":
            tables[name] = _table_shape(connection, name)
        elif kind != "index":  # indexes are described with their table
            others.append([kind, name])
    return {"tables": tables, "others": others}


# Clauses the pragmas do not show but that change what a write does (ON CONFLICT REPLACE silently deletes rows, a
# CHECK or COLLATE changes what is accepted or equal); the migrations write none of them.
_CLAUSE_WORDS = frozenset(
    {"CONFLICT", "REPLACE", "IGNORE", "CHECK", "COLLATE", "DEFAULT", "GENERATED", "AS", "AUTOINCREMENT", "STRICT"}
    | {"WITHOUT", "DEFERRABLE", "INITIALLY", "MATCH"}
)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def _clauses(sql: str | None) -> list[str]:
    """The clause words in a CREATE statement, outside quoted names and strings, in order."""
    if not sql:
        return []
    bare = _QUOTED.sub(" ", sql)
    return [word.upper() for word in _WORD.findall(bare) if word.upper() in _CLAUSE_WORDS]


def _table_shape(connection: sqlite3.Connection, table: str) -> dict[str, Any]:
    quoted = _quoted(table)
    columns = [
        [name, _affinity(declared or ""), bool(not_null), int(primary_key), int(hidden)]
        for _cid, name, declared, not_null, _default, primary_key, hidden in connection.execute(
            f"PRAGMA table_xinfo({quoted})"
        )
    ]
    foreign_keys = sorted(
        [parent, source, target or "", on_update, on_delete]
        for _id, _seq, parent, source, target, on_update, on_delete, _match in connection.execute(
            f"PRAGMA foreign_key_list({quoted})"
        )
    )
    indexes = []
    for _seq, index, unique, origin, partial in connection.execute(f"PRAGMA index_list({quoted})"):
        indexed = [
            [name, bool(descending), collation]
            for _seqno, _cid, name, descending, collation, key in connection.execute(
                f"PRAGMA index_xinfo({_quoted(index)})"
            )
            if key
        ]
        indexes.append([bool(unique), origin, bool(partial), indexed, _clauses(_sql_of(connection, index))])
    clauses = _clauses(_sql_of(connection, table))
    return {"columns": columns, "foreign_keys": foreign_keys, "indexes": sorted(indexes), "clauses": clauses}


def _sql_of(connection: sqlite3.Connection, name: str) -> str | None:
    row = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def shape_digest(shape: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode("utf-8")).hexdigest()


def shape_problem(connection: sqlite3.Connection, revision: str | None) -> str | None:
    """What is wrong with the schema's shape for ``revision``, in a few words, or None when it is as built."""
    shape = read_shape(connection)
    if shape["others"]:
        kinds = sorted({kind for kind, _name in shape["others"]})
        return "it holds " + " and ".join(f"{kind}s" for kind in kinds) + " that Locality never makes"
    expected = EXPECTED_SHAPES.get(revision or "")
    if expected is None:
        return f"its schema revision {revision!r} is not one Locality knows"
    if shape_digest(shape) != expected:
        return "its tables are not the ones Locality makes"
    return None


def built_shape_digest(revision: str) -> str:
    """The digest of the schema that the migrations build at ``revision`` (what ``EXPECTED_SHAPES`` records)."""
    import tempfile
    from pathlib import Path

    from alembic import command
    from sqlalchemy import create_engine

    from locality.store.migrate import alembic_config

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shape.locality"
        engine = create_engine(f"sqlite:///{path}")
        try:
            with engine.connect() as connection:
                command.upgrade(alembic_config(connection), revision)
                connection.commit()
        finally:
            engine.dispose()
        with closing(sqlite3.connect(path)) as raw:
            return shape_digest(read_shape(raw))


if __name__ == "__main__":  # pragma: no cover - a developer's tool: prints the digests to paste above
    from locality.store.migrate import known_revisions

    for known in sorted(known_revisions()):
        print(f'    "{known}": "{built_shape_digest(known)}",')
