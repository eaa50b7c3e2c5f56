"""Workspaces: create, open (refusing anything that is not ours, or is newer than us), back up and upgrade.

A workspace is a SQLite file (or, for a shared server, a PostgreSQL database given by URL). Before anything is
written to an existing file it is inspected read-only, so a file we refuse is left byte-for-byte as it was.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from locality.domain.errors import WorkspaceError
from locality.files import (
    FileWriteError,
    atomic_copy,
    atomic_path,
    describe_os_error,
    remove_stale_temporaries,
    temporary_prefix,
)
from locality.store.database_errors import (
    DatabaseErrorKind,
    driver_error,
    error_kind,
    is_environmental,
    sqlite_name,
)
from locality.store.migrate import SchemaState, head_revision, known_revisions, schema_state, upgrade_to_head
from locality.store.models import (
    APPLICATION_MARKER,
    ReplicaSyncStateRecord,
    WorkspaceMetaRecord,
)
from locality.store.schema_shape import shape_problem
from locality.store.seed import seed_vocabulary
from locality.store.unit_of_work import UnitOfWork
from locality.store.value_check import unreadable_text, value_problems

log = logging.getLogger("locality.store")

SQLITE_HEADER = b"SQLite format 3\x00"


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def _sqlite_path_of(target: str | Path) -> Path | None:
    text_target = str(target)
    if text_target.startswith("sqlite:///"):
        return Path(text_target.removeprefix("sqlite:///"))
    if is_url(text_target):
        return None
    return Path(text_target).expanduser()


def describe_database_error(error: BaseException) -> str:
    """The sentence to show for a database failure, by its kind (``database_errors.error_kind``)."""
    kind = error_kind(error)
    if kind is DatabaseErrorKind.FULL:
        return "The disk is full, so the change was not saved; free some space and try again."
    if kind is DatabaseErrorKind.BUSY:
        return "The workspace is busy in another program, so the change was not saved; try again in a moment."
    if kind is DatabaseErrorKind.READ_ONLY:
        return "The workspace file is read-only, so the change was not saved."
    if kind is DatabaseErrorKind.CORRUPT:
        return "The workspace file is damaged; restore it from a backup."
    if kind is DatabaseErrorKind.IO:
        return "The workspace could not be read or written because of a disk or network error; try again."
    if kind is DatabaseErrorKind.UNREACHABLE:
        return "The workspace server cannot be reached; check the address and your network."
    if kind is DatabaseErrorKind.CONSTRAINT:
        log.error("a change broke a database constraint", exc_info=(type(error), error, error.__traceback__))
        return "The change was refused by the workspace because it would break its rules, so it was not saved."
    # Text the driver cannot decode raises an error with no code: a scan names the damaged value, if that is it.
    damaged = stored_value_problem(error)
    if damaged:
        return damaged
    log.error("unexpected database error", exc_info=(type(error), error, error.__traceback__))
    return f"The workspace could not be read or written ({driver_error(error)})."


#: Execution option that marks a session's transaction as an edit ("write": ``BEGIN IMMEDIATE`` on SQLite).
_TRANSACTION_OPTION = "locality_transaction"


def _make_engine(url: str, *, foreign_keys: bool = True, for_reading: bool = False) -> Engine:
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
            write = connection.get_execution_options().get(_TRANSACTION_OPTION) == "write"
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


def _sqlite_url(path: Path, *, read_only: bool = False) -> str:
    if read_only:
        return f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true"
    return f"sqlite:///{path}"


# --------------------------------------------------------------------------- inspection (read-only)

#: How long opening waits for another program that is in the middle of writing to the workspace.
BUSY_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class FileInspection:
    state: SchemaState
    recovered: bool = False  # a change left unfinished by a crash was rolled back, as SQLite does


def _journal_of(path: Path) -> Path:
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
    journal = _journal_of(path)
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


def _is_writable(path: Path) -> bool:
    """Whether we can write the file and, for SQLite's journal, its folder (a read-only share or a CD: no)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


# --------------------------------------------------------------------------- the open workspace

_RECENTLY_OPENED: list[Path] = []  # SQLite workspaces this process opened, newest last


def _remember_opened(path: Path) -> None:
    resolved = path.resolve()
    if resolved in _RECENTLY_OPENED:
        _RECENTLY_OPENED.remove(resolved)
    _RECENTLY_OPENED.append(resolved)
    del _RECENTLY_OPENED[:-2]  # the workspace shown and, just after switching, the one before


def stored_value_problem(error: BaseException) -> str | None:
    """The sentence for an unexpected error that a damaged value in an open workspace explains, else None.

    A value of the wrong type (a flipped byte in a data page, another program's write) fails far from where it is
    stored, as whatever error the code that used it raises (TypeError, ValueError, AttributeError...). Scanning
    every value costs seconds on a large workspace, so it is not done on every opening; it is done here, when
    something has already failed, and names the value only if the scan finds one.
    """
    if isinstance(error, WorkspaceError):
        return None  # already explained
    for path in reversed(_RECENTLY_OPENED):
        try:
            with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_WAIT_SECONDS)) as raw:
                raw.execute("PRAGMA trusted_schema=OFF")
                problems = value_problems(raw, limit=1) or unreadable_text(raw, limit=1)
        except (sqlite3.Error, OSError):
            continue
        if problems:
            return (
                f"{path.name} holds a value Locality cannot read ({problems[0].sentence()}), so it may be damaged; "
                f"run locality check --db {path} to list every such value, or restore it from a backup."
            )
    return None


class Workspace:
    """An open workspace: where it is, and transactions on it."""

    def __init__(
        self,
        engine: Engine,
        *,
        location: str,
        path: Path | None,
        read_only: bool = False,
        read_only_reason: str = "",
        recovered: bool = False,
    ) -> None:
        self.engine = engine
        self.location = location
        self.path = path
        self.read_only = read_only
        #: Why a workspace the user asked to edit was opened read-only (a read-only file or share), else "".
        self.read_only_reason = read_only_reason
        #: Whether opening rolled back a change that a crash had left unfinished.
        self.recovered = recovered
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Reads on SQLite go through connections of their own (see _make_engine's ``for_reading``); the same
        # engine elsewhere.
        self.read_engine = (
            _make_engine(engine.url.render_as_string(hide_password=False), for_reading=True)
            if engine.dialect.name == "sqlite"
            else engine
        )
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, author: str = "", author_organisation: str = "") -> Iterator[UnitOfWork]:
        """One user edit: committed when the block ends, rolled back entirely if it raises."""
        session: Session = self._sessions()
        try:
            if self.dialect == "sqlite":
                # Begins the transaction now, holding the write lock (see _make_engine).
                session.connection(execution_options={_TRANSACTION_OPTION: "write"})
            elif self.dialect == "postgresql":
                # The same on a server: edits take turns on the one metadata row, which holds the change-log
                # sequence, so two people saving at once cannot take the same number or both pass a uniqueness
                # check.
                session.execute(select(WorkspaceMetaRecord.id).with_for_update())
            unit = UnitOfWork(session, author=author, author_organisation=author_organisation)
            yield unit
            unit.write_changes()
            session.commit()
        except DBAPIError as error:
            session.rollback()
            if not is_environmental(error):
                raise  # a bug (a constraint our checks should have caught, bad SQL): logged where it is shown
            raise WorkspaceError(describe_database_error(error)) from error
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """Reads only: on SQLite through connections that refuse to write (query_only), elsewhere rolled back."""
        session: Session = self._read_sessions()
        try:
            yield UnitOfWork(session)
        except DBAPIError as error:
            if not is_environmental(error):
                raise
            raise WorkspaceError(describe_database_error(error)) from error
        finally:
            session.rollback()
            session.close()

    def integrity_problems(self) -> list[str]:
        """Problems the database itself can see: damaged pages and broken references."""
        if self.dialect != "sqlite":
            return []
        with self.engine.connect() as connection:
            check = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
            problems = [] if check == ["ok"] else check
            for table, rowid, parent, _fk in connection.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"{table} row {rowid} refers to a missing {parent}")
        raw = self.engine.raw_connection()
        try:
            driver = raw.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            problems.extend(problem.sentence() for problem in value_problems(driver))
            problems.extend(problem.sentence() for problem in unreadable_text(driver))
        finally:
            raw.close()
        return problems

    def save_copy(self, target: Path) -> None:
        """Writes a consistent copy of this workspace to ``target`` (atomically), for a laptop or a colleague.

        Opened from its new path the copy takes a replica id of its own, so the two can be merged later.
        """
        if self.path is None:
            raise WorkspaceError("A workspace on a server cannot be copied from here; ask its administrator.")
        if target.resolve() == self.path.resolve():
            raise WorkspaceError("Choose another file name: a copy cannot replace the workspace itself.")
        try:
            with atomic_path(target) as temporary:
                self.copy_into(temporary)
        except FileWriteError as error:
            raise WorkspaceError(str(error)) from error

    def copy_into(self, file: Path) -> None:
        """Writes a consistent copy of this (SQLite) workspace into ``file``, which the caller has made aside."""
        raw = self.engine.raw_connection()
        try:
            with closing(sqlite3.connect(file)) as copy:
                raw.driver_connection.backup(copy)  # type: ignore[union-attr]
        except sqlite3.DatabaseError as error:
            raise WorkspaceError(describe_database_error(error)) from error
        finally:
            raw.close()

    def schema_state(self) -> SchemaState:
        with self.engine.connect() as connection:
            return schema_state(connection)

    def close(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def open_workspace(
    target: str | Path,
    *,
    create_missing: bool = True,
    upgrade: bool = True,
    read_only: bool = False,
    opened_as: Path | None = None,
) -> Workspace:
    """Opens (or, when ``create_missing``, creates) the workspace at a path or SQLAlchemy URL.

    An existing file is inspected first (writing nothing to a file it refuses); one that is behind the app is
    backed up and upgraded when ``upgrade`` is set, otherwise refused with the instruction to upgrade. A file
    that cannot be written (a read-only share, a copy on a CD) opens read-only, with ``read_only_reason`` saying
    why, instead of being refused. ``opened_as`` is the path a workspace being built aside will have (its replica
    is claimed for that path, not the temporary one).
    """
    path = _sqlite_path_of(target)
    if path is None:
        return _open_server(str(target), create_missing=create_missing, upgrade=upgrade, read_only=read_only)
    if not path.exists() and not path.is_symlink():
        if not create_missing or read_only:
            raise WorkspaceError(f"There is no workspace at {path}.")
        # Another program may have created it a moment ago, complete: then open theirs.
        with suppress(WorkspaceExistsError):
            create_workspace_file(path)
    _wait_while_empty(path)
    inspection = inspect_workspace_file(path)
    _remember_opened(path)
    read_only_reason = ""
    if not read_only and not _is_writable(path):
        read_only = True
        read_only_reason = (
            f"{path.name} is read-only: the file or its folder cannot be written, so nothing can be changed; "
            "save a copy (File › Save a copy as…) to work on it."
        )
    if inspection.state.is_behind:
        if not upgrade or read_only:
            raise WorkspaceError(
                f"{path.name} was saved by an earlier version of Locality; upgrade it first "
                f"(locality upgrade --db {path})."
            )
        upgrade_workspace_file(path)
    engine = _make_engine(_sqlite_url(path, read_only=read_only))
    workspace = Workspace(
        engine,
        location=str(path),
        path=path,
        read_only=read_only,
        read_only_reason=read_only_reason,
        recovered=inspection.recovered,
    )
    if not read_only:
        # A backup or export killed half-way left its temporary here; a program that writes here tidies it.
        remove_stale_temporaries(path.parent)
        try:
            _claim_replica(workspace, str((opened_as or path).resolve()))
        except BaseException:
            workspace.close()
            raise
    return workspace


def _wait_while_empty(path: Path) -> None:
    """Where hard links are not available a new workspace appears empty for a moment before it is filled; give
    the program creating it that moment rather than calling its file "not a workspace"."""
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    try:
        status = path.stat()
        if status.st_size or time.time() - status.st_mtime > BUSY_WAIT_SECONDS:
            return  # not being created right now: an empty old file is refused at once
        while path.stat().st_size == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    except OSError:
        pass  # inspection says what is wrong with it


def _claim_replica(workspace: Workspace, opened_from: str) -> None:
    """A file copied by hand shares its replica id with the original; a new path means a new replica."""
    with workspace.transaction() as unit:
        meta = unit.meta()
        if meta.replica_path == opened_from:
            return
        if meta.replica_path:
            previous, last_seq = unit.new_replica()
            # This copy already holds every change the original had made, so a later merge skips them.
            unit.add(ReplicaSyncStateRecord(replica_id=previous, last_seq_merged=last_seq))
            log.info("workspace opened from a new path; replica %s became %s", previous, meta.replica_id)
        meta.replica_path = opened_from


def _initialise(engine: Engine, *, replica_path: str, partnership_name: str = "") -> None:
    with engine.connect() as connection:
        upgrade_to_head(connection)
        connection.commit()
    with Session(engine) as session:
        seed_vocabulary(session)
        session.add(WorkspaceMetaRecord(partnership_name=partnership_name, replica_path=replica_path))
        session.commit()


class WorkspaceExistsError(WorkspaceError):
    """A new workspace was to be created where a file already is (perhaps another program's new workspace)."""


def create_workspace_file(path: Path, *, partnership_name: str = "") -> None:
    """Creates a new workspace with the seeded vocabulary, atomically and never over an existing file.

    It is built in a temporary file beside ``path`` and then hard-linked into place, which fails if anything is
    already there: of two programs creating the same workspace at once, one creates it and the other gets
    ``WorkspaceExistsError`` and can open the finished file (never a half-made one, never one replaced under a
    program that is writing to it).
    """
    with new_workspace_aside(path, partnership_name=partnership_name):
        pass


@contextmanager
def new_workspace_aside(path: Path, *, partnership_name: str = "") -> Iterator[Path]:
    """Builds a new, seeded workspace in a temporary file beside ``path`` and yields that file to be filled
    (open it with ``open_workspace(temporary, opened_as=path)``); when the block ends it is linked into place at
    ``path``, so the workspace appears complete or not at all. If the block raises, or another program created
    ``path`` meanwhile (``WorkspaceExistsError``), nothing is left behind and nobody else's file is touched.
    """
    if not path.parent.exists():
        raise WorkspaceError(f"The folder {path.parent} does not exist.")
    if path.exists() or path.is_symlink():
        raise WorkspaceExistsError(f"{path.name} already exists; choose another name for a new workspace.")
    try:
        remove_stale_temporaries(path.parent, path.name)
        handle, temporary_name = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise WorkspaceError(describe_os_error(error, path)) from error
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        os.chmod(temporary, 0o666 & ~_current_umask())
        engine = _make_engine(_sqlite_url(temporary))
        try:
            _initialise(engine, replica_path=str(path.resolve()), partnership_name=partnership_name)
        finally:
            engine.dispose()
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        _set_aside_orphaned_journal(path)
        _link_into_place(temporary, path)
    except OperationalError as error:
        raise WorkspaceError(describe_database_error(error)) from error
    except OSError as error:
        raise WorkspaceError(describe_os_error(error, path)) from error
    finally:
        for leftover in (temporary, _journal_of(temporary)):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:  # Windows keeps a name another program has open; the next writer tidies it
                log.warning("could not remove %s", leftover, exc_info=True)


def _set_aside_orphaned_journal(path: Path) -> None:
    """A journal left beside a workspace that has since been deleted belongs to that old file: SQLite would
    "roll it back" into the new workspace and ruin it. It is renamed aside (not deleted: it is someone's data)."""
    if path.exists():
        return
    for suffix in ("-journal", "-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            aside = side.with_name(f"{side.name}.orphaned-{stamp}")
            os.replace(side, aside)
            log.warning("set aside %s, left from an earlier workspace at %s, as %s", side, path, aside)


def _link_into_place(temporary: Path, path: Path) -> None:
    try:
        os.link(temporary, path)
        return
    except FileExistsError:
        raise WorkspaceExistsError(f"{path.name} already exists; choose another name for a new workspace.") from None
    except OSError:
        pass  # a file system without hard links (some network shares): reserve the name, then move in
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except FileExistsError:
        raise WorkspaceExistsError(f"{path.name} already exists; choose another name for a new workspace.") from None
    os.replace(temporary, path)


def _current_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def backup_workspace_file(path: Path, label: str) -> Path:
    """Copies the workspace, byte for byte, beside itself and returns the copy's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = path.suffix or ".locality"
    backup = path.with_name(f"{path.stem}.backup-{label}-{stamp}{suffix}")
    number = 1
    while backup.exists() or backup.is_symlink():  # two backups in one second: never write over the first
        number += 1
        backup = path.with_name(f"{path.stem}.backup-{label}-{stamp}-{number}{suffix}")
    try:
        atomic_copy(path, backup)
    except FileWriteError as error:
        raise WorkspaceError(f"The workspace could not be backed up, so it was not upgraded: {error}") from error
    return backup


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def upgrade_workspace_file(path: Path) -> UpgradeResult:
    """Backs the workspace up, then migrates it to the latest schema. A current workspace is left alone."""
    state = inspect_workspace_file(path).state
    if state.is_current:
        return UpgradeResult(state.current, state.head, None)
    backup = backup_workspace_file(path, f"rev-{state.current}")
    # Foreign keys off while batch migrations rebuild tables; checked again afterwards.
    engine = _make_engine(_sqlite_url(path), foreign_keys=False)
    try:
        with engine.connect() as connection:
            upgrade_to_head(connection)
            connection.commit()
            broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise WorkspaceError(
                f"Upgrading {path.name} left broken references; the original is kept at {backup.name}."
            )
    except OperationalError as error:
        raise WorkspaceError(f"{describe_database_error(error)} The original is kept at {backup.name}.") from error
    finally:
        engine.dispose()
    log.info("upgraded %s from %s to %s (backup %s)", path, state.current, state.head, backup)
    return UpgradeResult(state.current, state.head, backup)


def _open_server(url: str, *, create_missing: bool, upgrade: bool, read_only: bool) -> Workspace:
    engine = _make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not tables:
                if not create_missing or read_only:
                    raise WorkspaceError("That database is empty; it is not a Locality workspace yet.")
            elif "workspace_meta" not in tables:
                raise WorkspaceError("That database belongs to another application, not to Locality.")
            state = schema_state(connection)
        if state.is_newer_than_app:
            raise WorkspaceError("That workspace was saved by a newer version of Locality; install the latest.")
        if not tables:
            _initialise(engine, replica_path=url)
        elif state.is_behind:
            if not upgrade or read_only:
                raise WorkspaceError("That workspace was saved by an earlier version of Locality; upgrade it.")
            # A server is backed up by its administrator (pg_dump); migrations run in one transaction.
            with engine.connect() as connection:
                upgrade_to_head(connection)
                connection.commit()
    except DBAPIError as error:
        engine.dispose()
        raise WorkspaceError(describe_database_error(error)) from error
    except BaseException:
        engine.dispose()
        raise
    return Workspace(engine, location=url, path=None, read_only=read_only)


__all__ = [
    "FileInspection",
    "UpgradeResult",
    "Workspace",
    "WorkspaceExistsError",
    "backup_workspace_file",
    "create_workspace_file",
    "describe_database_error",
    "inspect_workspace_file",
    "is_url",
    "known_revisions",
    "new_workspace_aside",
    "open_workspace",
    "stored_value_problem",
    "upgrade_workspace_file",
]
