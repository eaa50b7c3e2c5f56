"""Alembic, driven from inside the application: where the workspace's schema stands, and upgrading it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from locality.paths import migrations_dir


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
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
        return self.current is not None and self.current not in known_revisions()

    @property
    def is_behind(self) -> bool:
        return not self.is_current and not self.is_newer_than_app


def schema_state(connection: Connection) -> SchemaState:
    current = MigrationContext.configure(connection).get_current_revision()
    return SchemaState(current=current, head=head_revision())


def upgrade_to_head(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
