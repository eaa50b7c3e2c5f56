"""Creating a new workspace: built and seeded in a temporary file beside its path, then linked into place, so that
it appears complete or not at all and never replaces another program's file."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from locality.domain.errors import WorkspaceError
from locality.files import describe_os_error, remove_stale_temporaries, temporary_prefix
from locality.store.engine import make_engine, sqlite_url
from locality.store.error_sentences import describe_database_error
from locality.store.inspection import journal_of
from locality.store.migrate import upgrade_to_head
from locality.store.models import WorkspaceMetaRecord
from locality.store.seed import seed_vocabulary

log = logging.getLogger("locality.store")


def initialise(engine: Engine, *, replica_path: str, partnership_name: str = "") -> None:
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
        engine = make_engine(sqlite_url(temporary))
        try:
            initialise(engine, replica_path=str(path.resolve()), partnership_name=partnership_name)
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
        for leftover in (temporary, journal_of(temporary)):
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
