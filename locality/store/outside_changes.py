"""Noticing another program's writes to the open workspace (two people with one file on a shared folder, or one
server): asked every second or two, so it must cost next to nothing when nothing has changed.

On SQLite, ``PRAGMA data_version`` on a connection kept for the purpose moves whenever any other connection has
committed a change to the file — a number kept in memory, read without touching the file's pages. When it moves
(or, on a server, which has no such number, at every look), the workspace's data stamp (``change_log.data_stamp``)
is read: every logged edit moves it. This program's own edits move both too, so the workspace records the stamp
each of its own edits began and ended at (``Workspace.own_writes``, read while the edit held the write lock): a
stamp that does not follow on from the last one this program knew means someone else wrote in between.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from locality.store.change_log import data_stamp
from locality.store.database_errors import is_environmental
from locality.store.workspace import OwnWrites, Workspace

Stamp = tuple[Any, ...]


def outside_write_seen(known: Stamp, own: list[tuple[Stamp, Stamp]], now: Stamp) -> bool:
    """Whether ``now`` (the stamp as read) can only be explained by another program's write, given the stamp
    last ``known`` and this program's own edits since, in the order they were made (each from its stamp at the
    start to the one at the end). ``now`` may have been read just before the last of them."""
    expected = known
    seen = {known}
    for before, after in own:
        if before != expected:
            return True  # someone wrote between the last known state and this edit
        expected = after
        seen.add(after)
    return now not in seen


class OutsideChanges:
    """Watches one open workspace for other programs' writes, on a connection of its own (``close`` it)."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._sqlite = workspace.dialect == "sqlite"
        self._own = OwnWrites()
        workspace.own_writes = self._own
        self._connection: Connection | None = workspace.read_engine.connect()
        if self._sqlite:
            # A look must never keep the window waiting: while another program is in the middle of committing
            # (the file locked for a moment), it gives up at once and looks again next time. The connection is
            # taken out of the pool, so this setting leaves with it.
            self._connection.detach()
            self._connection.exec_driver_sql("PRAGMA busy_timeout=0")
        self._version = self._data_version()
        self._stamp = self._read_stamp()

    def _data_version(self) -> int | None:
        if not self._sqlite or self._connection is None:
            return None
        version = self._connection.exec_driver_sql("PRAGMA data_version").scalar()
        return int(version) if version is not None else None

    def _read_stamp(self) -> Stamp:
        assert self._connection is not None
        try:
            return data_stamp(self._connection)
        finally:
            self._connection.rollback()  # holds nothing between looks (reads on SQLite begin no transaction)

    def check(self) -> bool:
        """True when another program has written to the workspace since the last check. A look that fails
        because of the environment (the file busy being written, the share or server gone for a moment) says
        False; the next look tries again."""
        if self._connection is None:
            return False
        try:
            return self._check()
        except DBAPIError as error:
            if not is_environmental(error):
                raise
            if self._sqlite:
                self._connection.rollback()
            else:
                self._connection.invalidate()  # a fresh connection next time (a server that went away)
            return False

    def _check(self) -> bool:
        if self._sqlite:
            version = self._data_version()
            if version == self._version:
                return False
            self._version = version
        now = self._read_stamp()
        own = self._own.take()
        if now == self._stamp and not own:
            # On SQLite the file changed yet no logged edit moved the stamp: a program writing without the
            # change log (a repair, a script). On a server: nothing changed.
            return self._sqlite
        outside = outside_write_seen(self._stamp, own, now)
        self._stamp = now
        return outside

    def close(self) -> None:
        if self._workspace.own_writes is self._own:
            self._workspace.own_writes = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None


__all__ = ["OutsideChanges", "outside_write_seen"]
