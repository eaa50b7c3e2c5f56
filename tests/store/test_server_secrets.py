"""A server's password is never shown, logged or stored (DESIGN.md's command-line contract), and a partnership
can keep it out of the address altogether: libpq finds it in ``~/.pgpass``/``PGPASSFILE`` or a ``PGSERVICE``
entry. The first tests need no server; the rest run against the test server (tests/postgres_server.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from locality import cli
from locality.domain.errors import WorkspaceError
from locality.store.engine import shown_location, stored_location
from locality.store.models import WorkspaceMetaRecord
from locality.store.workspace import open_workspace
from tests.postgres_server import server_schema


@pytest.mark.parametrize(
    ("address", "shown", "stored"),
    [
        (
            "postgresql+psycopg://coordinator:s3cret@db.council.example:5432/partnership",
            "postgresql+psycopg://coordinator:***@db.council.example:5432/partnership",
            "postgresql+psycopg://coordinator@db.council.example:5432/partnership",
        ),
        (
            "postgresql+psycopg://coordinator@db.example/partnership?password=s3cret&sslmode=require",
            "postgresql+psycopg://coordinator@db.example/partnership?sslmode=require",
            "postgresql+psycopg://coordinator@db.example/partnership?sslmode=require",
        ),
        ("postgresql+psycopg:///?service=partnership", None, None),
        ("/home/sam/plan.locality", None, None),
    ],
)
def test_a_server_address_is_shown_masked_and_kept_without_its_password(
    address: str, shown: str | None, stored: str | None
) -> None:
    assert shown_location(address) == (shown or address)
    assert stored_location(address) == (stored or address)
    assert "s3cret" not in shown_location(address) + stored_location(address)


@pytest.mark.parametrize(
    ("address", "sentence"),
    [
        ("postgresql+psycopg://sam:s3cret@localhost:notaport/plan", "cannot be read"),
        ("postgresql+nosuchdriver://sam:s3cret@localhost/plan", "cannot talk to the database"),
    ],
)
def test_an_address_that_cannot_be_used_is_refused_without_showing_its_password(
    address: str, sentence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(WorkspaceError, match=sentence) as raised:
        open_workspace(address)
    assert "s3cret" not in str(raised.value)
    assert cli.main(["check", "--db", address]) == 1
    output = capsys.readouterr()
    assert sentence in output.err and "s3cret" not in output.out + output.err


@pytest.fixture
def server_url() -> Iterator[str]:
    with server_schema() as url:
        yield url


def _password_of(url: str) -> str:
    """The test server's password as it would appear in an address (the local server's is also its user name, so
    the bare word would be found in every address)."""
    password = make_url(url).password
    assert password, "the test server's URL carries a password"
    return f":{password}@"


def test_the_password_is_neither_stored_nor_printed_nor_logged(
    server_url: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    password = _password_of(server_url)
    caplog.set_level(logging.DEBUG)
    workspace = open_workspace(server_url)
    try:
        assert password not in workspace.location and "***" in workspace.location
        assert password not in workspace.reopen_as
        with workspace.reading() as unit:
            replica_path = unit.session.scalars(select(WorkspaceMetaRecord.replica_path)).one()
        assert replica_path and password not in replica_path
    finally:
        workspace.close()
    assert cli.main(["check", "--db", server_url]) == 0
    output = capsys.readouterr()
    assert "Workspace: postgresql+psycopg://" in output.out
    assert password not in output.out + output.err
    assert password not in caplog.text


def test_a_wrong_password_is_a_plain_sentence(server_url: str) -> None:
    wrong = make_url(server_url).set(password="not-the-password").render_as_string(hide_password=False)
    with pytest.raises(WorkspaceError, match="did not accept the account or its password") as raised:
        open_workspace(wrong)
    assert "not-the-password" not in str(raised.value)


def _without_password(url: str) -> str:
    return stored_location(url)


def test_the_password_can_come_from_a_pgpass_file(
    server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(server_url)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{url.host}:{url.port or 5432}:{url.database}:{url.username}:{url.password}\n")
    pgpass.chmod(0o600)  # libpq ignores a password file that others may read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    workspace = open_workspace(_without_password(server_url))
    try:
        assert workspace.dialect == "postgresql"
        assert workspace.reopen_as == _without_password(server_url)
    finally:
        workspace.close()


def test_the_whole_connection_can_come_from_a_service_entry(
    server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(server_url)
    services = tmp_path / "pg_service.conf"
    services.write_text(
        "[partnership]\n"
        f"host={url.host}\nport={url.port or 5432}\ndbname={url.database}\nuser={url.username}\n"
        f"password={url.password}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.delenv("PGSERVICE", raising=False)
    # The per-test schema rides in the query (options=-csearch_path=...), as it would for a partnership's own.
    service_url = make_url("postgresql+psycopg:///").update_query_dict(
        {"service": "partnership", **{key: value for key, value in url.query.items() if key == "options"}}
    )
    workspace = open_workspace(service_url.render_as_string(hide_password=False))
    try:
        with workspace.reading() as unit:
            assert unit.session.scalars(select(WorkspaceMetaRecord.id)).one()
    finally:
        workspace.close()
