"""PostgreSQL's errors are classified by SQLSTATE, as SQLite's are by result code (test_database_errors.py). Needs
the PostgreSQL driver (the server extra): skipped where it is not installed, except in CI (tests/postgres_server.py)."""

from __future__ import annotations

import pytest

import locality.store.workspace as workspace_module
from locality.domain.errors import WorkspaceError
from locality.store.database_errors import DatabaseErrorKind, error_kind
from tests.postgres_server import require_driver

require_driver()
import psycopg  # noqa: E402  (after the check, which skips or fails the module without the driver)

pg_errors = psycopg.errors


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (pg_errors.SerializationFailure(), DatabaseErrorKind.BUSY),
        (pg_errors.DeadlockDetected(), DatabaseErrorKind.BUSY),
        (pg_errors.LockNotAvailable(), DatabaseErrorKind.BUSY),
        (pg_errors.DiskFull(), DatabaseErrorKind.FULL),
        (pg_errors.ReadOnlySqlTransaction(), DatabaseErrorKind.READ_ONLY),
        (pg_errors.DataCorrupted(), DatabaseErrorKind.CORRUPT),
        (pg_errors.UniqueViolation(), DatabaseErrorKind.CONSTRAINT),
        (pg_errors.ForeignKeyViolation(), DatabaseErrorKind.CONSTRAINT),
        (pg_errors.AdminShutdown(), DatabaseErrorKind.UNREACHABLE),
        (pg_errors.UndefinedTable(), DatabaseErrorKind.OTHER),
        (psycopg.OperationalError("connection refused"), DatabaseErrorKind.UNREACHABLE),  # never answered
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else value.value,
)
def test_postgresql_errors_are_classified_by_sqlstate(error: BaseException, kind: DatabaseErrorKind) -> None:
    assert error_kind(error) is kind


def test_a_server_that_does_not_answer_is_unreachable() -> None:
    """A real refused connection (nothing listens on port 1): psycopg gives no SQLSTATE, only a dead connection."""
    with pytest.raises(WorkspaceError, match="server cannot be reached") as raised:
        workspace_module.open_workspace("postgresql+psycopg://nobody@127.0.0.1:1/locality")
    assert raised.value.__cause__ is not None
    assert error_kind(raised.value.__cause__) is DatabaseErrorKind.UNREACHABLE
