"""Database errors are classified by the code the database gives them (SQLite's result code, PostgreSQL's
SQLSTATE), never by their wording: each kind provoked for real on a SQLite file. A full disk is provoked in
tests/reliability/test_disk_full.py, which has the small disks."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

import locality.store.engine as engine_module
from locality.domain.errors import WorkspaceError
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.store.database_errors import DatabaseErrorKind, error_kind, is_environmental
from locality.store.error_sentences import describe_database_error


def _raised(connection: sqlite3.Connection, sql: str) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as raised:
        connection.execute(sql).fetchall()
    return raised.value


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "plain.sqlite"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE partner (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        connection.executemany("INSERT INTO partner (name) VALUES (?)", [(f"Partner {n}",) for n in range(2000)])
        connection.commit()
    return path


@pytest.fixture
def writer(database: Path) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of writing: it holds the write lock."""
    with closing(sqlite3.connect(database, isolation_level=None)) as connection:
        connection.execute("BEGIN IMMEDIATE")
        yield connection
        connection.execute("ROLLBACK")


def test_a_file_another_connection_is_writing_is_busy(database: Path, writer: sqlite3.Connection) -> None:
    with closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as connection:
        error = _raised(connection, "BEGIN IMMEDIATE")
    assert error_kind(error) is DatabaseErrorKind.BUSY
    assert is_environmental(error)
    assert "busy in another program" in describe_database_error(error)


def test_an_edit_while_another_program_writes_says_busy(workspace_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "BUSY_WAIT_SECONDS", 0.05)
    services = Services.open(workspace_path, User("Test User"))
    try:
        with closing(sqlite3.connect(workspace_path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(WorkspaceError, match="busy in another program") as raised:
                services.organisations.create(OrganisationDraft(name="Northshire Police"))
            other.execute("ROLLBACK")
    finally:
        services.close()
    assert raised.value.__cause__ is not None
    assert error_kind(raised.value.__cause__) is DatabaseErrorKind.BUSY  # SQLAlchemy's wrapper, read through


def test_a_read_only_file_opened_for_writing_is_read_only(database: Path) -> None:
    database.chmod(0o444)
    try:
        # Root may write any file whatever its mode; SQLite is then asked to open it read-only, as the mode says.
        target = f"{database.resolve().as_uri()}?mode=ro" if os.geteuid() == 0 else str(database)
        with closing(sqlite3.connect(target, uri=target.startswith("file:"))) as connection:
            error = _raised(connection, "INSERT INTO partner (name) VALUES ('Northshire Police')")
    finally:
        database.chmod(0o644)
    assert error_kind(error) is DatabaseErrorKind.READ_ONLY
    assert "read-only" in describe_database_error(error)


def test_garbage_bytes_are_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(os.urandom(8192))
    with closing(sqlite3.connect(path)) as connection:
        error = _raised(connection, "SELECT * FROM sqlite_master")
    assert error_kind(error) is DatabaseErrorKind.CORRUPT
    assert "damaged" in describe_database_error(error)


def test_garbage_over_a_database_page_is_corrupt(database: Path) -> None:
    with open(database, "r+b") as handle:
        handle.seek(4096 * 3)  # past the header and schema: the pages of the table and its index
        handle.write(b"\xa5" * 4096 * 4)
    with closing(sqlite3.connect(database)) as connection:
        error = _raised(connection, "SELECT count(*), max(name) FROM partner WHERE name > ''")
    assert error_kind(error) is DatabaseErrorKind.CORRUPT


def test_a_duplicate_key_breaks_a_constraint(database: Path) -> None:
    with closing(sqlite3.connect(database)) as connection:
        error = _raised(connection, "INSERT INTO partner (name) VALUES ('Partner 7')")
    assert isinstance(error, sqlite3.IntegrityError)
    assert error_kind(error) is DatabaseErrorKind.CONSTRAINT
    assert not is_environmental(error)  # our checks should have caught it: a bug, not the environment


def test_sqlalchemy_integrity_error_is_a_constraint(database: Path) -> None:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection, pytest.raises(IntegrityError) as raised:
            connection.execute(text("INSERT INTO partner (id, name) VALUES (1, 'Another')"))
    finally:
        engine.dispose()
    assert error_kind(raised.value) is DatabaseErrorKind.CONSTRAINT


def test_bad_sql_is_other_and_not_the_environment(database: Path) -> None:
    with closing(sqlite3.connect(database)) as connection:
        error = _raised(connection, "SELECT nothing FROM nowhere")
    assert error_kind(error) is DatabaseErrorKind.OTHER
    assert not is_environmental(error)


def test_the_words_of_a_message_are_not_read() -> None:
    """An error that only says "disk is full" or "locked", with no code, is not taken at its word."""
    for words in ("database or disk is full", "database is locked", "attempt to write a readonly database"):
        assert error_kind(sqlite3.OperationalError(words)) is DatabaseErrorKind.OTHER
        assert error_kind(RuntimeError(words)) is DatabaseErrorKind.OTHER


def test_text_the_driver_cannot_decode_has_no_code_and_is_a_damaged_file_not_a_bug(tmp_path: Path) -> None:
    path = tmp_path / "text.sqlite"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.execute("INSERT INTO t VALUES (CAST(x'c328' AS TEXT))")
        connection.commit()
        error = _raised(connection, "SELECT x FROM t")
    assert error_kind(error) is DatabaseErrorKind.OTHER
    assert is_environmental(error)  # a damaged value in the file, not our bug
