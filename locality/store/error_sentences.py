"""The sentence to show for a database failure, by its kind, and for an unexpected error that a damaged value in an
open workspace explains (found by scanning the workspaces this process opened)."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

from locality.domain.errors import WorkspaceError
from locality.store.database_errors import DatabaseErrorKind, driver_error, error_kind
from locality.store.engine import BUSY_WAIT_SECONDS
from locality.store.value_check import unreadable_text, value_problems

log = logging.getLogger("locality.store")


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


_RECENTLY_OPENED: list[Path] = []  # SQLite workspaces this process opened, newest last


def remember_opened(path: Path) -> None:
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
