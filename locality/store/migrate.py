"""Alembic, driven from inside the application: where the workspace's schema stands, and upgrading it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from locality.paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

#: The newest revision in migrations/versions (a test checks it against Alembic's own reading, so adding a
#: revision without updating it fails the tests). Opening a workspace already at this revision — nearly every
#: opening — then needs no Alembic at all: importing it costs ~150 ms of the 1.5 s start-up budget.
HEAD_REVISION = "0004_support_directory"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return HEAD_REVISION


def alembic_head_revision() -> str:
    """The head as Alembic reads it from the migrations folder (what ``HEAD_REVISION`` must say)."""
    head = _script().get_current_head()
    if head is None:  # pragma: no cover - the project always ships its first revision
        raise RuntimeError("no migrations found")
    return head


def known_revisions() -> set[str]:
    return {revision.revision for revision in _script().walk_revisions()}


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head

    @property
    def is_newer_than_app(self) -> bool:
        # Alembic reads the migrations only when the workspace is not simply at the head.
        return self.current is not None and self.current != self.head and self.current not in known_revisions()

    @property
    def is_behind(self) -> bool:
        return not self.is_current and not self.is_newer_than_app


def schema_state(connection: Connection) -> SchemaState:
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_revision()
    return SchemaState(current=current, head=head_revision())


def upgrade_to_head(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
