"""The open workspace (transactions and reads on it, integrity checks, copies) and opening one: a file is inspected
read-only first (``store/inspection.py``), created aside when missing (``store/creation.py``) and backed up and
upgraded when it is behind the app (``store/upgrade.py``); a server's database is opened by URL.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from locality.domain.errors import WorkspaceError
from locality.files import FileWriteError, atomic_path, remove_stale_temporaries
from locality.store.change_log import data_stamp
from locality.store.creation import WorkspaceExistsError, create_workspace_file, initialise
from locality.store.database_errors import DatabaseErrorKind, error_kind, is_environmental
from locality.store.engine import (
    BUSY_WAIT_SECONDS,
    TRANSACTION_OPTION,
    make_engine,
    server_engine,
    shown_location,
    sqlite_path_of,
    sqlite_url,
    stored_location,
)
from locality.store.error_sentences import describe_database_error, remember_opened
from locality.store.inspection import inspect_workspace_file, is_writable
from locality.store.migrate import SchemaState, schema_state, upgrade_to_head
from locality.store.models import ReplicaSyncStateRecord, WorkspaceMetaRecord
from locality.store.server_accounts import refresh_accounts
from locality.store.unit_of_work import UnitOfWork
from locality.store.upgrade import upgrade_workspace_file
from locality.store.value_check import unreadable_text, value_problems

log = logging.getLogger("locality.store")


class OwnWrites:
    """This program's own edits, as the data stamp read when each began (holding the write lock) and just before
    it committed: a watch for other programs' writes (``outside_changes``) takes them in turn. Edits on worker
    threads record here too, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamps: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []

    def record(self, before: tuple[Any, ...] | None, after: tuple[Any, ...] | None) -> None:
        if before is not None and after is not None:
            with self._lock:
                self._stamps.append((before, after))

    def take(self) -> list[tuple[tuple[Any, ...], tuple[Any, ...]]]:
        with self._lock:
            taken, self._stamps = self._stamps, []
        return taken


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
        #: Where the workspace is, as shown and logged (a server URL's password masked).
        self.location = shown_location(location)
        #: Where to open it again from (the recent list): a server URL without its password.
        self.reopen_as = str(path) if path is not None else stored_location(location)
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
            make_engine(engine.url.render_as_string(hide_password=False), for_reading=True)
            if engine.dialect.name == "sqlite"
            else engine
        )
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        #: Set by ``outside_changes.OutsideChanges`` while it watches for other programs' writes: this program's
        #: own edits, so that it can tell them from those.
        self.own_writes: OwnWrites | None = None

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
                session.connection(execution_options={TRANSACTION_OPTION: "write"})
            elif self.dialect == "postgresql":
                # The same on a server: edits take turns on the one metadata row, which holds the change-log
                # sequence, so two people saving at once cannot take the same number or both pass a uniqueness
                # check.
                session.execute(select(WorkspaceMetaRecord.id).with_for_update())
            unit = UnitOfWork(session, author=author, author_organisation=author_organisation)
            own = self.own_writes
            before = data_stamp(session) if own is not None else None
            yield unit
            unit.write_changes()
            after = data_stamp(session) if own is not None else None
            session.commit()
            if own is not None:
                own.record(before, after)
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
        problems: list[str] = []
        try:
            with self.engine.connect() as connection:
                check = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
                problems += [] if check == ["ok"] else check
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
        except (DBAPIError, sqlite3.DatabaseError) as error:
            # Damage bad enough stops SQLite's own check part-way ("database disk image is malformed"): that is
            # the problem found, not a failure of the check.
            if error_kind(error) is not DatabaseErrorKind.CORRUPT:
                raise
            problems.append(describe_database_error(error))
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
    path = sqlite_path_of(target)
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
    remember_opened(path)
    read_only_reason = ""
    if not read_only and not is_writable(path):
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
    engine = make_engine(sqlite_url(path, read_only=read_only))
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


def _open_server(url: str, *, create_missing: bool, upgrade: bool, read_only: bool) -> Workspace:
    engine = server_engine(url)
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
            # The replica remembers where it is without the password (DESIGN.md: never stored).
            initialise(engine, replica_path=stored_location(url))
        elif state.is_behind:
            if not upgrade or read_only:
                raise WorkspaceError("That workspace was saved by an earlier version of Locality; upgrade it.")
            # A server is backed up by its administrator (pg_dump); migrations run in one transaction.
            with engine.connect() as connection:
                upgrade_to_head(connection)
                # Tables the upgrade added are to be read (and some changed) by the partnership's accounts too.
                refresh_accounts(connection)
                connection.commit()
    except DBAPIError as error:
        engine.dispose()
        raise WorkspaceError(describe_database_error(error)) from error
    except BaseException:
        engine.dispose()
        raise
    return Workspace(engine, location=url, path=None, read_only=read_only)
