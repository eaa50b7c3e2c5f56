"""The PostgreSQL server the tests run against, and the rule for when there is none.

The server is ``LOCALITY_TEST_POSTGRES`` (default: role loc/loc, database loctest on localhost). On a developer's
machine without a server (or without the psycopg driver) its tests are skipped; ``.ci/run`` starts one on
loopback and sets ``LOCALITY_TEST_POSTGRES_REQUIRED=1``, and then a missing server fails them instead, so that
CI can never pass by skipping them. Each test works in a schema of its own, dropped afterwards, so that tests and
people sharing the database do not meet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

SERVER = os.environ.get("LOCALITY_TEST_POSTGRES", "postgresql+psycopg://loc:loc@localhost:5432/loctest")


def server_required() -> bool:
    return os.environ.get("LOCALITY_TEST_POSTGRES_REQUIRED", "") not in ("", "0")


def no_server(reason: str) -> NoReturn:
    """Skips the test, or fails it where a server is required."""
    if server_required():
        pytest.fail(f"LOCALITY_TEST_POSTGRES_REQUIRED is set but {reason}", pytrace=False)
    pytest.skip(reason)


def require_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        no_server("the psycopg driver (the server extra) is not installed")


@contextmanager
def server_schema() -> Iterator[str]:
    """A URL on the test server whose search path is a new, empty schema, dropped afterwards."""
    require_driver()
    engine = create_engine(SERVER, connect_args={"connect_timeout": 3})
    schema = f"locality_test_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except DBAPIError as error:
        engine.dispose()
        no_server(f"no PostgreSQL server answers at the test URL ({type(error.orig).__name__})")
    separator = "&" if "?" in SERVER else "?"
    try:
        # Connections made for the test carry the schema's name, so that teardown can end any a test left open
        # (a window's background load still reading) instead of deadlocking with it over the DROP.
        yield f"{SERVER}{separator}options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(
                # Only this role's own: another role's (a partner account a test made) may not be ended by it.
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND usename = current_user AND pid <> pg_backend_pid()"
                ),
                {"name": schema},
            )
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
