"""Inspecting a workspace file read-only before it is opened: refusing anything that is not ours, is damaged, is
newer than us or has been tampered with, so that a file we refuse is left byte-for-byte as it was; and rolling back
a change that a crash left unfinished, as SQLite itself would."""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from locality.domain.errors import WorkspaceError
from locality.files import SQLITE_HEADER
from locality.store.database_errors import DatabaseErrorKind, error_kind, sqlite_name
from locality.store.engine import BUSY_WAIT_SECONDS
from locality.store.migrate import SchemaState, head_revision
from locality.store.models import APPLICATION_MARKER
from locality.store.schema_shape import shape_problem

log = logging.getLogger("locality.store")


@dataclass(frozen=True)
class FileInspection:
    state: SchemaState
    recovered: bool = False  # a change left unfinished by a crash was rolled back, as SQLite does


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def _file_error(name: str, error: sqlite3.DatabaseError) -> WorkspaceError:
    """The sentence for a SQLite failure while inspecting a file: damaged only when SQLite says it is damaged."""
    kind = error_kind(error)
    if kind is DatabaseErrorKind.BUSY:
        return WorkspaceError(
            f"{name} is in use by another program that is writing to it; try again when it has finished."
        )
    if sqlite_name(error) in ("SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_RECOVERY"):
        return WorkspaceError(
            f"{name} holds a change that was interrupted and must be rolled back, but its folder is read-only; "
            f"copy it together with {name}-journal to a folder you can write to and open it there."
        )
    if kind is DatabaseErrorKind.CORRUPT:
        return WorkspaceError(f"{name} is damaged (truncated or corrupt); restore it from a backup.")
    if sqlite_name(error) == "SQLITE_CANTOPEN":
        return WorkspaceError(f"{name} cannot be opened; check that it and its folder can be read.")
    if kind is DatabaseErrorKind.IO:
        return WorkspaceError(f"{name} could not be read because of a disk or network error; try again.")
    if kind is DatabaseErrorKind.FULL:
        return WorkspaceError(f"The disk holding {name} is full; free some space and try again.")
    return WorkspaceError(f"{name} could not be read ({error}).")


# The first bytes of a rollback journal that holds a change to roll back (SQLite's file format, section 4.1); a
# journal whose header was zeroed at commit, or never written, holds nothing.
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _journal_holds_a_change(journal: Path) -> bool:
    try:
        with open(journal, "rb") as handle:
            return handle.read(len(_JOURNAL_MAGIC)) == _JOURNAL_MAGIC
    except OSError:
        return False


def _recover_interrupted_change(path: Path) -> bool:
    """Lets SQLite roll back a change that a crash left unfinished ("hot journal"); True when it did.

    Only SQLite itself may do this: it replays the journal into the file and only then removes the journal. A
    read-only look cannot (it reports the file as damaged), and copying or opening the file without its journal
    would lose the rollback. A journal that belongs to a live writer is not hot: taking the write lock without
    waiting fails then, and the writer is left alone (the inspection that follows waits for it).
    """
    journal = journal_of(path)
    if not _journal_holds_a_change(journal):
        return False
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as connection:
        connection.execute("PRAGMA trusted_schema=OFF")
        try:
            # SQLite rolls a hot journal back before it grants the lock.
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if error_kind(error) is DatabaseErrorKind.BUSY:
                return False  # a live writer holds it: nothing was interrupted
            raise
        connection.execute("ROLLBACK")
    recovered = not _journal_holds_a_change(journal)
    if recovered:
        log.warning("rolled back a change left unfinished in %s (hot journal)", path)
    return recovered


def inspect_workspace_file(path: Path) -> FileInspection:
    """Checks that ``path`` is a Locality workspace this version can open, writing nothing to a file it refuses.

    A change that a crash left unfinished is first rolled back by SQLite (the one write this may make, and the
    one SQLite itself would make on the next read). A file another program is writing to is waited for, then
    reported as in use; only a file SQLite finds corrupt is called damaged.
    """
    name = path.name
    if not path.exists():
        raise WorkspaceError(f"There is no workspace at {path}.")
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder, not a Locality workspace file.")
    if not path.is_file():
        raise WorkspaceError(f"{name} is not a regular file, so it is not a Locality workspace.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise WorkspaceError(f"{name} cannot be read: {error.strerror or error}.") from error
    if not header:
        raise WorkspaceError(f"{name} is empty; it is not a Locality workspace.")
    if header != SQLITE_HEADER:
        raise WorkspaceError(f"{name} is not a Locality workspace (it is not a database file).")
    recovered = False
    for attempt in range(2):
        try:
            recovered = _recover_interrupted_change(path) or recovered
            return _inspect_database(path, recovered)
        except sqlite3.DatabaseError as error:
            # A writer may have crashed between our look at its journal and our read: recover once more.
            if sqlite_name(error) == "SQLITE_READONLY_ROLLBACK" and attempt == 0:
                continue
            raise _file_error(name, error) from error
    raise AssertionError("unreachable")  # pragma: no cover


def _inspect_database(path: Path, recovered: bool) -> FileInspection:
    name = path.name
    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_WAIT_SECONDS)) as connection:
        # Nothing a file's own schema holds (a function in a view or a trigger) may run while we look.
        connection.execute("PRAGMA trusted_schema=OFF")
        check = connection.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise WorkspaceError(f"{name} is damaged (truncated or corrupt); restore it from a backup.")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "workspace_meta" not in tables or "alembic_version" not in tables:
            raise WorkspaceError(f"{name} is a database of another application, not a Locality workspace.")
        columns = {row[1] for row in connection.execute("PRAGMA table_info(workspace_meta)")}
        marker = (
            connection.execute("SELECT application FROM workspace_meta LIMIT 1").fetchone()
            if "application" in columns
            else None
        )
        if marker is None or marker[0] != APPLICATION_MARKER:
            raise WorkspaceError(f"{name} is a database of another application, not a Locality workspace.")
        revision_row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = revision_row[0] if revision_row else None
        if not isinstance(revision, str | None):
            raise WorkspaceError(f"{name} is damaged (its schema revision is not readable); restore it from a backup.")
        state = SchemaState(current=revision, head=head_revision())
        if state.is_newer_than_app:
            raise WorkspaceError(
                f"{name} was saved by a newer version of Locality; install the latest version to open it."
            )
        problem = shape_problem(connection, revision)
        if problem:
            log.warning("refused %s: %s", path, problem)
            raise WorkspaceError(
                f"{name} cannot be opened safely because {problem}, so it was left unchanged; "
                "open a backup, or ask whoever sent it for the original."
            )
    return FileInspection(state=state, recovered=recovered)


def is_writable(path: Path) -> bool:
    """Whether we can write the file and, for SQLite's journal, its folder (a read-only share or a CD: no)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
