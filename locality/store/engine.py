"""Engines for a workspace: SQLite connections set up as Locality needs them (foreign keys, busy wait, a write
lock taken as an edit begins, reads that hold no lock), and how a path or URL names a workspace."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from locality.store.database_errors import DatabaseErrorKind, error_kind

#: How long opening waits for another program that is in the middle of writing to the workspace.
BUSY_WAIT_SECONDS = 5.0

#: Execution option that marks a session's transaction as an edit ("write": ``BEGIN IMMEDIATE`` on SQLite).
TRANSACTION_OPTION = "locality_transaction"


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def sqlite_path_of(target: str | Path) -> Path | None:
    text_target = str(target)
    if text_target.startswith("sqlite:///"):
        return Path(text_target.removeprefix("sqlite:///"))
    if is_url(text_target):
        return None
    return Path(text_target).expanduser()


def sqlite_url(path: Path, *, read_only: bool = False) -> str:
    if read_only:
        return f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true"
    return f"sqlite:///{path}"


def make_engine(url: str, *, foreign_keys: bool = True, for_reading: bool = False) -> Engine:
    """An engine for a workspace. On SQLite ``for_reading`` makes one whose connections refuse to write
    (query_only) and run each statement on its own, holding no lock between statements, so that a long
    background load never holds a lock that an edit's commit would have to wait for."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_WAIT_SECONDS * 1000)}")
            # A view or trigger smuggled into a file must not call functions with side effects (defence in depth:
            # such a file is refused before it is opened).
            cursor.execute("PRAGMA trusted_schema=OFF")
            if for_reading:
                cursor.execute("PRAGMA query_only=ON")
            cursor.close()
            # We say when transactions begin (below), instead of the driver beginning one at the first write:
            # otherwise what a transaction reads before its first write (a name's uniqueness, the next change
            # sequence number) is read without the write lock, and two programs can both take the same.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            # An edit takes the write lock as it begins (waiting for another writer up to busy_timeout), so
            # everything it reads is what it writes against. Reads begin nothing (see ``for_reading``); anything
            # else (bulk writes, migrations) begins an ordinary transaction.
            if for_reading:
                return
            write = connection.get_execution_options().get(TRANSACTION_OPTION) == "write"
            if write:
                _begin_immediate(connection)
            else:
                connection.exec_driver_sql("BEGIN")

    return engine


def _begin_immediate(connection: Connection) -> None:
    """Takes the write lock, waiting for another writer up to ``BUSY_WAIT_SECONDS``.

    SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms), so a program saving edits in
    quick succession can take the lock again each time before a waiting one wakes, and the waiter gives up after
    five seconds although the lock was free many times. Trying again every few milliseconds instead gives each
    writer its turn."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    pause = 0.001
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while time.monotonic() < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if error_kind(error) is not DatabaseErrorKind.BUSY:
                    break  # not a wait: the try below raises it as any other database error is raised
            time.sleep(pause)
            pause = min(pause * 1.5, 0.005)
        # The last try goes through SQLAlchemy, so that giving up (or another error) reaches the callers as the
        # database error they already explain ("the workspace is busy in another program…").
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(BUSY_WAIT_SECONDS * 1000)}")
