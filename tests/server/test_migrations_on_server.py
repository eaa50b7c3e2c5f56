"""The migrations on PostgreSQL: from empty the models and migrations agree (``alembic check``), a workspace at each
earlier revision is upgraded on opening, and a newer one is refused untouched. Runs against the test server."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from locality.domain.errors import WorkspaceError
from locality.store import migrate
from locality.store.migrate import alembic_config
from locality.store.workspace import open_workspace
from tests.postgres_server import server_schema


def test_models_and_migrations_agree_on_a_server() -> None:
    with server_schema() as url:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                command.upgrade(alembic_config(connection), "head")
                connection.commit()
            with engine.connect() as connection:
                command.check(alembic_config(connection))  # raises on any difference
        finally:
            engine.dispose()


@pytest.mark.parametrize(
    "revision",
    [revision.revision for revision in ScriptDirectory.from_config(alembic_config()).walk_revisions()][1:],
)
def test_a_workspace_at_an_earlier_revision_is_upgraded_when_opened_on_a_server(revision: str) -> None:
    with server_schema() as url:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                command.upgrade(alembic_config(connection), revision)
                connection.execute(
                    text(
                        "INSERT INTO organisation (id, name, short_name, contact_name, contact_email, notes, active, "
                        "created_at, updated_at, version) "
                        "VALUES (gen_random_uuid(), 'Kept Council', '', '', '', '', true, now(), now(), 1)"
                    )
                )
                connection.commit()
        finally:
            engine.dispose()
        workspace = open_workspace(url, create_missing=False)
        try:
            with workspace.engine.connect() as connection:
                assert migrate.schema_state(connection).is_current
                names = connection.execute(text("SELECT name FROM organisation")).scalars().all()
            assert names == ["Kept Council"]
        finally:
            workspace.close()


def test_a_workspace_from_a_newer_version_is_refused_on_a_server() -> None:
    with server_schema() as url:
        open_workspace(url).close()
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        finally:
            engine.dispose()
        with pytest.raises(WorkspaceError, match="newer version of Locality"):
            open_workspace(url, create_missing=False)
