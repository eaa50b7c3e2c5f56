"""Alembic environment for Locality workspaces.

The application runs migrations itself (locality.store.migrate), passing an open connection in
``config.attributes["connection"]``. Developers can also run the ``alembic`` command from the repository root
against a workspace file: ``alembic -x db=path/to/workspace.locality upgrade head``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from locality.store.models import Base

target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot alter most things in place; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    target = context.get_x_argument(as_dictionary=True).get("db")
    if not target:
        raise SystemExit("Give the workspace with -x db=PATH_OR_URL")
    url = target if "://" in target else f"sqlite:///{target}"
    engine = create_engine(url)
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("Locality migrations run online only.")
run_migrations_online()
