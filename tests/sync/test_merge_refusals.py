"""Files a merge refuses, each with one plain sentence and the workspace left byte for byte as it was; and a copy
saved by an older version, upgraded in a temporary copy (never where it is) and merged."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from locality.services.needs import NeedDraft
from locality.store.migrate import alembic_config
from locality.store.workspace import create_workspace_file, inspect_workspace_file
from locality.sync.merge import MergeRefused, apply_merge, plan_merge
from tests.sync.conftest import LAPTOP_A, Office, file_hash, laptop_copy, opened


def _refused(office: Office, source: Path, *words: str) -> None:
    before = file_hash(office.path)
    for attempt in (plan_merge, apply_merge):
        with pytest.raises(MergeRefused) as refused:
            attempt(str(office.path), source)
        message = str(refused.value)
        assert "\n" not in message and message.endswith(".")
        for word in words:
            assert word in message
    assert file_hash(office.path) == before
    assert not list(office.path.parent.glob("office.backup-*"))


def test_a_file_that_is_not_a_workspace(office: Office, tmp_path: Path) -> None:
    text = tmp_path / "notes.locality"
    text.write_text("minutes of the meeting")
    _refused(office, text, "notes.locality", "not a Locality workspace")


def test_a_database_of_another_application(office: Office, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE things (id INTEGER)")
        connection.commit()
    _refused(office, other, "another application")


def test_a_workspace_of_another_partnership(office: Office, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.locality"
    create_workspace_file(stranger, partnership_name="Riverside Partnership")
    _refused(office, stranger, "another partnership", "Riverside Partnership")


def test_the_same_file_however_it_is_named(office: Office) -> None:
    _refused(office, office.path, "this workspace itself")
    link = office.path.with_name("link.locality")
    os.symlink(office.path, link)
    _refused(office, link, "this workspace itself")


def test_a_missing_file(office: Office, tmp_path: Path) -> None:
    _refused(office, tmp_path / "nowhere.locality", "There is no workspace at")


def test_a_copy_saved_by_a_newer_version(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    with closing(sqlite3.connect(laptop)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
        connection.commit()
    laptop_before = file_hash(laptop)
    _refused(office, laptop, "newer version")
    assert file_hash(laptop) == laptop_before


def test_a_copy_saved_by_an_older_version_is_upgraded_aside_and_merged(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    with opened(laptop, LAPTOP_A) as services:
        services.needs.create(NeedDraft("Need from an old laptop"))
    engine = create_engine(f"sqlite:///{laptop}")
    try:
        with engine.connect() as connection:
            from alembic import command

            command.downgrade(alembic_config(connection), "0001_initial")
            connection.commit()
    finally:
        engine.dispose()
    assert inspect_workspace_file(laptop).state.is_behind
    laptop_before = file_hash(laptop)
    result = apply_merge(str(office.path), laptop)
    assert result.summary == "1 need added"
    assert file_hash(laptop) == laptop_before  # upgraded in a temporary copy, never in place
    assert not list(laptop.parent.glob("laptop.backup-*"))
    with opened(office.path) as services:
        assert services.needs.find("Need from an old laptop") is not None


def test_a_cancelled_merge_writes_nothing(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    with opened(laptop, LAPTOP_A) as services:
        services.needs.create(NeedDraft("Youth outreach"))
    before = file_hash(office.path)
    calls: list[tuple[int, int]] = []
    from locality.services.plan import ExportCancelled

    with pytest.raises(ExportCancelled, match="merge was cancelled"):
        apply_merge(
            str(office.path),
            laptop,
            progress=lambda done, total: calls.append((done, total)),
            cancelled=lambda: len(calls) >= 5,
        )
    assert file_hash(office.path) == before
    assert calls and calls[-1][0] < calls[-1][1]
