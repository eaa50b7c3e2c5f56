"""Upgrading a workspace file to the latest schema, after a byte-for-byte backup beside it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from locality.domain.errors import WorkspaceError
from locality.files import FileWriteError, atomic_copy
from locality.store.engine import make_engine, sqlite_url
from locality.store.error_sentences import describe_database_error
from locality.store.inspection import inspect_workspace_file
from locality.store.migrate import upgrade_to_head

log = logging.getLogger("locality.store")


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
    engine = make_engine(sqlite_url(path), foreign_keys=False)
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
