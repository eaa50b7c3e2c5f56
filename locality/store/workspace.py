"""Workspaces: create, open (refusing anything that is not ours, or is newer than us), back up and upgrade.

A workspace is a SQLite file (or, for a shared server, a PostgreSQL database given by URL). Before anything is
written to an existing file it is inspected read-only, so a file we refuse is left byte-for-byte as it was.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from locality.domain.errors import WorkspaceError
from locality.files import FileWriteError, atomic_copy, atomic_path
from locality.store.migrate import SchemaState, head_revision, known_revisions, schema_state, upgrade_to_head
from locality.store.models import (
    APPLICATION_MARKER,
    ReplicaSyncStateRecord,
    WorkspaceMetaRecord,
)
from locality.store.seed import seed_vocabulary
from locality.store.unit_of_work import UnitOfWork

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
    """The sentence to show for a database failure the environment caused."""
    message = str(getattr(error, "orig", error)).lower()
    if "disk is full" in message or "database or disk is full" in message:
        return "The disk is full, so the change was not saved; free some space and try again."
    if "locked" in message or "busy" in message:
        return "The workspace is busy in another program, so the change was not saved; try again in a moment."
    if "readonly" in message or "read-only" in message:
        return "The workspace file is read-only, so the change was not saved."
    if "malformed" in message or "not a database" in message:
        return "The workspace file is damaged; restore it from a backup."
    if "could not connect" in message or "connection refused" in message:
        return "The workspace server cannot be reached; check the address and your network."
    return f"The workspace could not be read or written ({getattr(error, 'orig', error)})."


def _make_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    return engine


def _sqlite_url(path: Path, *, read_only: bool = False) -> str:
    if read_only:
        return f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true"
    return f"sqlite:///{path}"


# --------------------------------------------------------------------------- inspection (read-only)


@dataclass(frozen=True)
class FileInspection:
    state: SchemaState


def inspect_workspace_file(path: Path) -> FileInspection:
    """Checks, without writing a byte, that ``path`` is a Locality workspace this version can open."""
    name = path.name
    if not path.exists():
        raise WorkspaceError(f"There is no workspace at {path}.")
    if path.is_dir():
        raise WorkspaceError(f"{path} is a folder, not a Locality workspace file.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise WorkspaceError(f"{name} cannot be read: {error.strerror or error}.") from error
    if not header:
        raise WorkspaceError(f"{name} is empty; it is not a Locality workspace.")
    if header != SQLITE_HEADER:
        raise WorkspaceError(f"{name} is not a Locality workspace (it is not a database file).")
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            check = connection.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise WorkspaceError(f"{name} is damaged (truncated or corrupt); restore it from a backup.")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "workspace_meta" not in tables or "alembic_version" not in tables:
                raise WorkspaceError(f"{name} is a database of another application, not a Locality workspace.")
            marker = connection.execute("SELECT application FROM workspace_meta LIMIT 1").fetchone()
            if marker is None or marker[0] != APPLICATION_MARKER:
                raise WorkspaceError(f"{name} is a database of another application, not a Locality workspace.")
            revision_row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise WorkspaceError(f"{name} is damaged (truncated or corrupt); restore it from a backup.") from error
    state = SchemaState(current=revision_row[0] if revision_row else None, head=head_revision())
    if state.is_newer_than_app:
        raise WorkspaceError(f"{name} was saved by a newer version of Locality; install the latest version to open it.")
    return FileInspection(state=state)


# --------------------------------------------------------------------------- the open workspace


class Workspace:
    """An open workspace: where it is, and transactions on it."""

    def __init__(self, engine: Engine, *, location: str, path: Path | None, read_only: bool = False) -> None:
        self.engine = engine
        self.location = location
        self.path = path
        self.read_only = read_only
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, author: str = "", author_organisation: str = "") -> Iterator[UnitOfWork]:
        """One user edit: committed when the block ends, rolled back entirely if it raises."""
        session: Session = self._sessions()
        try:
            yield UnitOfWork(session, author=author, author_organisation=author_organisation)
            session.commit()
        except OperationalError as error:
            session.rollback()
            raise WorkspaceError(describe_database_error(error)) from error
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """Reads only; anything written by mistake is rolled back."""
        session: Session = self._sessions()
        try:
            yield UnitOfWork(session)
        except OperationalError as error:
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
                raw = self.engine.raw_connection()
                try:
                    with closing(sqlite3.connect(temporary)) as copy:
                        raw.driver_connection.backup(copy)  # type: ignore[union-attr]
                finally:
                    raw.close()
        except FileWriteError as error:
            raise WorkspaceError(str(error)) from error
        except sqlite3.DatabaseError as error:
            raise WorkspaceError(describe_database_error(error)) from error

    def schema_state(self) -> SchemaState:
        with self.engine.connect() as connection:
            return schema_state(connection)

    def close(self) -> None:
        self.engine.dispose()


def open_workspace(
    target: str | Path,
    *,
    create_missing: bool = True,
    upgrade: bool = True,
    read_only: bool = False,
) -> Workspace:
    """Opens (or, when ``create_missing``, creates) the workspace at a path or SQLAlchemy URL.

    An existing file is inspected read-only first; one that is behind the app is backed up and upgraded when
    ``upgrade`` is set, otherwise refused with the instruction to upgrade.
    """
    path = _sqlite_path_of(target)
    if path is None:
        return _open_server(str(target), create_missing=create_missing, upgrade=upgrade, read_only=read_only)
    if not path.exists():
        if not create_missing:
            raise WorkspaceError(f"There is no workspace at {path}.")
        if read_only:
            raise WorkspaceError(f"There is no workspace at {path}.")
        create_workspace_file(path)
    inspection = inspect_workspace_file(path)
    if inspection.state.is_behind:
        if not upgrade or read_only:
            raise WorkspaceError(
                f"{path.name} was saved by an earlier version of Locality; upgrade it first "
                f"(locality upgrade --db {path})."
            )
        upgrade_workspace_file(path)
    engine = _make_engine(_sqlite_url(path, read_only=read_only))
    workspace = Workspace(engine, location=str(path), path=path, read_only=read_only)
    if not read_only:
        _claim_replica(workspace, str(path.resolve()))
    return workspace


def _claim_replica(workspace: Workspace, opened_from: str) -> None:
    """A file copied by hand shares its replica id with the original; a new path means a new replica."""
    with workspace.transaction() as unit:
        meta = unit.meta()
        if meta.replica_path == opened_from:
            return
        if meta.replica_path:
            previous = meta.replica_id
            # This copy already holds every change the original had made, so a later merge skips them.
            unit.add(ReplicaSyncStateRecord(replica_id=previous, last_seq_merged=meta.last_change_seq))
            meta.replica_id = uuid.uuid4()
            meta.last_change_seq = 0
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


def create_workspace_file(path: Path, *, partnership_name: str = "") -> None:
    """Creates a new workspace with the seeded vocabulary; built aside and moved into place when complete."""
    if not path.parent.exists():
        raise WorkspaceError(f"The folder {path.parent} does not exist.")
    try:
        with atomic_path(path) as temporary:
            engine = _make_engine(_sqlite_url(temporary))
            try:
                _initialise(engine, replica_path=str(path.resolve()), partnership_name=partnership_name)
            finally:
                engine.dispose()
    except FileWriteError as error:
        raise WorkspaceError(str(error)) from error
    except OperationalError as error:
        raise WorkspaceError(describe_database_error(error)) from error


def backup_workspace_file(path: Path, label: str) -> Path:
    """Copies the workspace, byte for byte, beside itself and returns the copy's path."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.backup-{label}-{stamp}{path.suffix or '.locality'}")
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


def meta_of(workspace: Workspace) -> WorkspaceMetaRecord:
    with workspace.reading() as unit:
        return unit.session.scalars(select(WorkspaceMetaRecord).limit(1)).one()


__all__ = [
    "FileInspection",
    "UpgradeResult",
    "Workspace",
    "backup_workspace_file",
    "create_workspace_file",
    "describe_database_error",
    "inspect_workspace_file",
    "is_url",
    "known_revisions",
    "open_workspace",
    "upgrade_workspace_file",
]
