"""Migrations: one head, upgrade from empty, models and migrations agree, and an older workspace is backed up
before it is upgraded."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from locality.store import migrate
from locality.store.inspection import inspect_workspace_file
from locality.store.migrate import alembic_config
from locality.store.upgrade import upgrade_workspace_file
from locality.store.workspace import open_workspace


def test_revisions_form_one_chain_with_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert revisions[-1].down_revision is None
    for revision in revisions:
        assert revision.path is not None and Path(revision.path).name[:4].isdigit(), "date-prefixed file names"


def test_upgrade_from_an_empty_database_then_models_and_migrations_agree(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), "head")
            connection.commit()
        with engine.connect() as connection:
            # Raises if autogenerate would find any difference between the models and the migrated schema.
            command.check(alembic_config(connection))
    finally:
        engine.dispose()


def test_every_earlier_revision_upgrades_to_head(tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        path = tmp_path / f"at-{revision.revision}.sqlite"
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            command.upgrade(alembic_config(connection), revision.revision)
            command.upgrade(alembic_config(connection), "head")
            connection.commit()
            assert migrate.schema_state(connection).is_current
        engine.dispose()


def test_the_head_revision_the_app_knows_is_the_newest_migration() -> None:
    assert migrate.alembic_head_revision() == migrate.HEAD_REVISION


@pytest.fixture
def migrations_with_a_newer_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of our migrations plus one later revision, as the next version of the app would ship."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    (folder / "versions" / "2099_01_01_9999_add_partnership_motto.py").write_text(
        f'''"""Add a motto to the workspace."""
import sqlalchemy as sa
from alembic import op

revision = "9999_motto"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace_meta") as batch:
        batch.add_column(sa.Column("motto", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace_meta") as batch:
        batch.drop_column("motto")
'''
    )
    monkeypatch.setattr(migrate, "migrations_dir", lambda: folder)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9999_motto")  # as that version would say
    migrate._script.cache_clear()
    yield folder
    migrate._script.cache_clear()


def test_an_older_workspace_is_backed_up_then_upgraded_on_open(
    workspace_path: Path, migrations_with_a_newer_revision: Path
) -> None:
    original_bytes = hashlib.sha256(workspace_path.read_bytes()).hexdigest()
    assert inspect_workspace_file(workspace_path).state.is_behind

    workspace = open_workspace(workspace_path)
    workspace.close()

    backups = list(workspace_path.parent.glob("workspace.backup-*"))
    assert len(backups) == 1
    assert hashlib.sha256(backups[0].read_bytes()).hexdigest() == original_bytes
    with sqlite3.connect(workspace_path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999_motto",)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(workspace_meta)")}
    connection.close()
    assert "motto" in columns


def test_upgrade_of_a_current_workspace_does_nothing(workspace_path: Path) -> None:
    result = upgrade_workspace_file(workspace_path)
    assert not result.changed
    assert result.backup is None
    assert not list(workspace_path.parent.glob("*.backup-*"))


def test_every_revision_has_the_schema_shape_its_migrations_build() -> None:
    """Opening refuses a file whose schema is not the one the migrations build at its revision (schema_shape):
    each revision's recorded digest must be what building it gives, or every workspace would be refused."""
    from locality.store.schema_shape import EXPECTED_SHAPES, built_shape_digest

    script = ScriptDirectory.from_config(alembic_config())
    revisions = {revision.revision for revision in script.walk_revisions()}
    assert set(EXPECTED_SHAPES) == revisions, "add the new revision's digest: python -m locality.store.schema_shape"
    for revision in sorted(revisions):
        assert built_shape_digest(revision) == EXPECTED_SHAPES[revision], revision


def test_a_schema_worded_differently_but_of_the_same_shape_is_accepted(workspace_path: Path) -> None:
    # The shape is read from SQLite's pragmas, not the stored CREATE text: re-wording a table's DDL (as another
    # SQLAlchemy version might) with the same columns, keys and indexes still matches.
    with sqlite3.connect(workspace_path) as connection:
        sql = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'theme'").fetchone()[0]
        reworded = sql.replace("CREATE TABLE theme (", "CREATE TABLE theme  (\n  ", 1)
        connection.executescript(
            "PRAGMA writable_schema=ON;"
            f"UPDATE sqlite_master SET sql = {sqlite3_quote(reworded)} WHERE name = 'theme';"
            "PRAGMA writable_schema=OFF;"
        )
    connection.close()
    assert inspect_workspace_file(workspace_path).state.is_current


def sqlite3_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_a_workspace_made_before_action_owners_keeps_its_actions_and_they_have_no_owner(
    workspace_path: Path,
) -> None:
    """0001 → 0002: an action recorded before owners existed comes through the upgrade unchanged, with no owner."""
    from locality.services.actions import ActionDraft
    from locality.services.context import User
    from locality.services.registry import Services

    opened = Services.open(workspace_path, User("Test User", "Test Org"))
    try:
        action_id = opened.actions.create(ActionDraft("Joint peer review of housing", percent_complete=40)).id
    finally:
        opened.close()
    engine = create_engine(f"sqlite:///{workspace_path}")
    try:
        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), "0001_initial")
            connection.commit()
    finally:
        engine.dispose()
    assert inspect_workspace_file(workspace_path).state.current == "0001_initial"

    result = upgrade_workspace_file(workspace_path)
    assert result.changed and result.backup is not None
    reopened = Services.open(workspace_path, User("Test User", "Test Org"))
    try:
        action = reopened.actions.get(action_id)
        listed = reopened.actions.list()
    finally:
        reopened.close()
    assert (action.title, action.percent_complete) == ("Joint peer review of housing", 40)
    assert (action.owner_name, action.owner_email, action.owner_phone) == ("", "", "")
    assert [row.owner_name for row in listed] == [""]


@pytest.mark.parametrize("older", ["0001_initial", "0002_action_owner"])
def test_a_workspace_made_before_the_workshop_board_keeps_its_workshops_and_votes(
    workspace_path: Path, older: str
) -> None:
    """→ 0003: workshops, participants and votes recorded before the board come through the upgrade; the
    workshops get no purpose and five dots each, the votes count as typed tallies (no participant), and the
    board's new tables start empty."""
    from locality.services.context import User
    from locality.services.needs import NeedDraft
    from locality.services.registry import Services
    from locality.services.workshops import WorkshopDraft

    opened = Services.open(workspace_path, User("Test User", "Test Org"))
    try:
        workshop_id = opened.workshops.create(WorkshopDraft("Spring priorities")).id
        need_id = opened.needs.create(NeedDraft("Shared data on antisocial behaviour")).id
        opened.workshops.add_participant(workshop_id, "Alex Smith")
        opened.workshops.cast_votes(workshop_id, need_id, None, 3)
    finally:
        opened.close()
    engine = create_engine(f"sqlite:///{workspace_path}")
    try:
        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), older)
            connection.commit()
    finally:
        engine.dispose()
    assert inspect_workspace_file(workspace_path).state.current == older

    result = upgrade_workspace_file(workspace_path)
    assert result.changed and result.backup is not None
    reopened = Services.open(workspace_path, User("Test User", "Test Org"))
    try:
        workshop = reopened.workshops.get(workshop_id)
        participants = reopened.workshops.participants(workshop_id)
        tally = reopened.workshops.tally(workshop_id)
        notes = reopened.workshops.notes(workshop_id)
        agreed = reopened.workshops.agreed_actions(workshop_id)
    finally:
        reopened.close()
    assert (workshop.title, workshop.purpose, workshop.dots_per_participant) == ("Spring priorities", "", 5)
    assert [participant.name for participant in participants] == ["Alex Smith"]
    assert [(row.need_title, row.total_dots) for row in tally] == [("Shared data on antisocial behaviour", 3)]
    assert notes == [] and agreed == []


@pytest.mark.parametrize("older", ["0001_initial", "0003_workshop_board"])
def test_a_workspace_made_before_the_support_directory_keeps_its_actions_and_gains_the_new_terms(
    workspace_path: Path, older: str
) -> None:
    """→ 0004: actions come through with no offer, the directory starts empty, and the workspace gains the
    "support type" terms and the two new kinds of provider under the ids a new workspace gives them (so that
    merging with a new workspace agrees on them)."""
    from locality.domain.vocabulary import SEEDED_VOCABULARY, VocabularyKind, seeded_id
    from locality.services.actions import ActionDraft
    from locality.services.context import User
    from locality.services.registry import Services

    opened = Services.open(workspace_path, User("Test User", "Test Org"))
    try:
        action_id = opened.actions.create(ActionDraft("Joint peer review of housing")).id
    finally:
        opened.close()
    engine = create_engine(f"sqlite:///{workspace_path}")
    try:
        with engine.connect() as connection:
            command.downgrade(alembic_config(connection), older)
            connection.commit()
        # What the workspace looked like before: without the new terms (the downgrade leaves them).
        with engine.connect() as connection:
            connection.exec_driver_sql(
                "DELETE FROM vocabulary_term"
                " WHERE kind = 'support_type' OR name = 'Voluntary sector infrastructure body'"
            )
            connection.commit()
    finally:
        engine.dispose()

    result = upgrade_workspace_file(workspace_path)
    assert result.changed
    reopened = Services.open(workspace_path, User("Test User", "Test Org"))
    try:
        action = reopened.actions.get(action_id)
        support_types = reopened.vocabulary.terms(VocabularyKind.SUPPORT_TYPE)
        providers = reopened.vocabulary.terms(VocabularyKind.PROVIDER)
    finally:
        reopened.close()
    assert (action.title, action.offer_id) == ("Joint peer review of housing", None)
    assert [term.name for term in support_types] == list(SEEDED_VOCABULARY[VocabularyKind.SUPPORT_TYPE])
    assert [term.name for term in providers] == list(SEEDED_VOCABULARY[VocabularyKind.PROVIDER])
    assert all(term.id == seeded_id(VocabularyKind.SUPPORT_TYPE, term.name) for term in support_types)
    # "Commercial" was still there after the downgrade: the upgrade did not add a second.
    assert [term.name for term in providers].count("Commercial") == 1
