"""What kind of failure a database error is, read from the code the database gives it, never from its wording.

SQLite gives every error a result code (``sqlite_errorcode``/``sqlite_errorname`` on Python's sqlite3 errors);
PostgreSQL gives a five-character SQLSTATE (``sqlstate`` on psycopg's). ``error_kind`` maps either to a small
``DatabaseErrorKind``: the kinds the environment causes (a busy file, a full disk, a read-only file, a damaged
file, a server out of reach), a broken constraint, or ``OTHER`` — which is most likely a bug, and is treated as
one. An error with no code at all (raised by the driver itself, not by the database) is ``OTHER`` too.
"""

from __future__ import annotations

import sqlite3
from enum import Enum


class DatabaseErrorKind(Enum):
    BUSY = "busy"  # another connection holds the lock (SQLITE_BUSY/LOCKED, a lock or serialization failure)
    FULL = "full"  # no room left on the disk (SQLITE_FULL, 53100)
    READ_ONLY = "read-only"  # the file, its folder or the server refuses writes (SQLITE_READONLY, 25006)
    CORRUPT = "corrupt"  # damaged, or not a database at all (SQLITE_CORRUPT/NOTADB, XX001/XX002)
    IO = "io"  # the disk or network failed under a read or write, or the file cannot be opened
    UNREACHABLE = "unreachable"  # the server cannot be reached or dropped the connection (08xxx, 57P0x)
    CONSTRAINT = "constraint"  # a uniqueness, foreign-key, not-null or check constraint refused a row
    LOGIN = "login"  # the server did not accept the account or its password (28xxx, or refused at connection)
    NOT_ALLOWED = "not allowed"  # the server's roles or row-level security refuse the change (42501)
    OTHER = "other"


#: SQLite's primary result codes (the low byte of an extended code), from sqlite3.h.
_SQLITE_PRIMARY = {
    3: DatabaseErrorKind.READ_ONLY,  # SQLITE_PERM: the file or its folder may not be written
    5: DatabaseErrorKind.BUSY,  # SQLITE_BUSY
    6: DatabaseErrorKind.BUSY,  # SQLITE_LOCKED
    8: DatabaseErrorKind.READ_ONLY,  # SQLITE_READONLY
    10: DatabaseErrorKind.IO,  # SQLITE_IOERR
    11: DatabaseErrorKind.CORRUPT,  # SQLITE_CORRUPT
    13: DatabaseErrorKind.FULL,  # SQLITE_FULL
    14: DatabaseErrorKind.IO,  # SQLITE_CANTOPEN
    15: DatabaseErrorKind.BUSY,  # SQLITE_PROTOCOL: a race for the lock, lost
    19: DatabaseErrorKind.CONSTRAINT,  # SQLITE_CONSTRAINT
    26: DatabaseErrorKind.CORRUPT,  # SQLITE_NOTADB
}

#: Whole SQLSTATEs first, then their two-character class.
_SQLSTATE = {
    "40001": DatabaseErrorKind.BUSY,  # serialization_failure
    "40P01": DatabaseErrorKind.BUSY,  # deadlock_detected
    "55P03": DatabaseErrorKind.BUSY,  # lock_not_available
    "53100": DatabaseErrorKind.FULL,  # disk_full
    "25006": DatabaseErrorKind.READ_ONLY,  # read_only_sql_transaction
    "XX001": DatabaseErrorKind.CORRUPT,  # data_corrupted
    "XX002": DatabaseErrorKind.CORRUPT,  # index_corrupted
    "58030": DatabaseErrorKind.IO,  # io_error
    "57P01": DatabaseErrorKind.UNREACHABLE,  # admin_shutdown
    "57P02": DatabaseErrorKind.UNREACHABLE,  # crash_shutdown
    "57P03": DatabaseErrorKind.UNREACHABLE,  # cannot_connect_now
    "53300": DatabaseErrorKind.UNREACHABLE,  # too_many_connections
    "42501": DatabaseErrorKind.NOT_ALLOWED,  # insufficient_privilege (a role's grants, row-level security)
}
_SQLSTATE_CLASS = {
    "08": DatabaseErrorKind.UNREACHABLE,  # connection exception
    "23": DatabaseErrorKind.CONSTRAINT,  # integrity constraint violation
    "28": DatabaseErrorKind.LOGIN,  # invalid authorization specification
}


def driver_error(error: BaseException) -> BaseException:
    """The driver's own error: SQLAlchemy wraps it (``.orig``), sqlite3 and psycopg raise it themselves."""
    original = getattr(error, "orig", None)
    return original if isinstance(original, BaseException) else error


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's extended result code of ``error`` (SQLAlchemy's wrapper or sqlite3's own), if it has one."""
    code = getattr(driver_error(error), "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def sqlite_name(error: BaseException) -> str:
    """SQLite's name for the extended result code ("SQLITE_READONLY_ROLLBACK"), or "" without one."""
    name = getattr(driver_error(error), "sqlite_errorname", None)
    return name if isinstance(name, str) else ""


def error_kind(error: BaseException) -> DatabaseErrorKind:
    """The kind of failure ``error`` is, from SQLite's result code or PostgreSQL's SQLSTATE."""
    original = driver_error(error)
    code = sqlite_code(original)
    if code is not None:
        return _SQLITE_PRIMARY.get(code & 0xFF, DatabaseErrorKind.OTHER)
    if isinstance(original, sqlite3.Error):
        return DatabaseErrorKind.OTHER  # the sqlite3 module's own (undecodable text, misuse): no code
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate:
        return _SQLSTATE.get(sqlstate) or _SQLSTATE_CLASS.get(sqlstate[:2], DatabaseErrorKind.OTHER)
    if _is_refused_login(original):
        return DatabaseErrorKind.LOGIN
    if _is_unanswered_connection(original):
        return DatabaseErrorKind.UNREACHABLE
    return DatabaseErrorKind.OTHER


#: What the environment causes, not a bug: shown to the user as a sentence.
ENVIRONMENTAL = frozenset(
    {
        DatabaseErrorKind.BUSY,
        DatabaseErrorKind.FULL,
        DatabaseErrorKind.READ_ONLY,
        DatabaseErrorKind.CORRUPT,
        DatabaseErrorKind.IO,
        DatabaseErrorKind.UNREACHABLE,
        DatabaseErrorKind.LOGIN,
        DatabaseErrorKind.NOT_ALLOWED,
    }
)


def is_environmental(error: BaseException) -> bool:
    """Whether the environment caused ``error`` — or it is sqlite3's own ``OperationalError`` without a code,
    which is text in the file that cannot be decoded (``describe_database_error`` names the damaged value)."""
    if error_kind(error) in ENVIRONMENTAL:
        return True
    original = driver_error(error)
    return isinstance(original, sqlite3.OperationalError) and sqlite_code(original) is None


def _is_psycopg_connection_failure(error: BaseException) -> bool:
    module = type(error).__module__ or ""
    return module.startswith("psycopg") and type(error).__name__ == "OperationalError"


def _is_refused_login(error: BaseException) -> bool:
    """psycopg's failure to connect because the server asked for a password and refused the one given (or was
    given none): libpq keeps no SQLSTATE for a failed connection, but its connection says a password was
    needed or used."""
    if not _is_psycopg_connection_failure(error):
        return False
    pgconn = getattr(error, "pgconn", None)
    if pgconn is None or getattr(pgconn, "status", 0) == 0:  # 0: CONNECTION_OK
        return False
    return bool(getattr(pgconn, "needs_password", False) or getattr(pgconn, "used_password", False))


def _is_unanswered_connection(error: BaseException) -> bool:
    """psycopg's failure to connect: the server never answered, so there is no SQLSTATE, only a connection that
    never became usable (its ``pgconn`` is not OK, or there is none)."""
    if not _is_psycopg_connection_failure(error):
        return False
    pgconn = getattr(error, "pgconn", None)
    return pgconn is None or getattr(pgconn, "status", 0) != 0  # 0: CONNECTION_OK
