"""Opening, creating and refusing workspaces: a refused file is left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event

from locality.domain.errors import WorkspaceError
from locality.services.context import ServiceContext
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.store.models import OrganisationRecord, ThemeRecord, VocabularyTermRecord
from locality.store.workspace import open_workspace


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(path: Path, *words: str) -> None:
    before = digest(path)
    with pytest.raises(WorkspaceError) as raised:
        open_workspace(path)
    message = str(raised.value)
    for word in words:
        assert word in message
    assert "\n" not in message
    assert digest(path) == before, "a refused file must not change"


def test_new_workspace_is_created_with_seeded_vocabulary(tmp_path: Path) -> None:
    workspace = open_workspace(tmp_path / "new.locality")
    try:
        with workspace.reading() as unit:
            themes = {theme.name for theme in unit.list(ThemeRecord)}
            providers = {term.name for term in unit.list(VocabularyTermRecord, {"kind": "provider"})}
        assert "Leadership and governance" in themes
        assert "Children's services" in themes
        assert providers >= {"IDeA", "Audit Commission", "Peer councils"}
        assert workspace.integrity_problems() == []
    finally:
        workspace.close()


def test_missing_file_is_refused_when_creation_is_not_wanted(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="There is no workspace"):
        open_workspace(tmp_path / "absent.locality", create_missing=False)
    assert not (tmp_path / "absent.locality").exists()


def test_missing_folder_gives_a_plain_sentence(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        open_workspace(tmp_path / "no-such-folder" / "w.locality")


def test_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.locality"
    path.write_text("Minutes of the partnership board\n")
    assert_refused(path, "not a Locality workspace")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.locality"
    path.write_bytes(b"")
    assert_refused(path, "empty")


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="folder"):
        open_workspace(tmp_path)


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE contact (name TEXT, phone TEXT)")
        connection.execute("INSERT INTO contact VALUES ('Ann', '01234')")
    connection.close()
    assert_refused(path, "another application")


def test_truncated_workspace_is_refused(workspace_path: Path, tmp_path: Path) -> None:
    data = workspace_path.read_bytes()
    path = tmp_path / "truncated.locality"
    path.write_bytes(data[: len(data) // 3])
    assert_refused(path, "damaged")


def test_corrupt_workspace_is_refused(workspace_path: Path, tmp_path: Path) -> None:
    data = bytearray(workspace_path.read_bytes())
    for offset in range(4096, len(data), 4096):  # scribble over the start of every page after the first
        data[offset : offset + 64] = b"\xff" * 64
    path = tmp_path / "corrupt.locality"
    path.write_bytes(bytes(data))
    assert_refused(path, "damaged")


def test_workspace_from_a_newer_version_is_refused(workspace_path: Path) -> None:
    with sqlite3.connect(workspace_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    assert_refused(workspace_path, "newer version of Locality")


def test_foreign_keys_are_enforced(workspace_path: Path) -> None:
    workspace = open_workspace(workspace_path)
    try:
        with workspace.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        workspace.close()


def test_a_copy_opened_from_another_path_becomes_a_new_replica(workspace_path: Path, tmp_path: Path) -> None:
    original = open_workspace(workspace_path)
    with original.reading() as unit:
        original_replica = unit.meta().replica_id
    original.close()
    reopened = open_workspace(workspace_path)
    with reopened.reading() as unit:
        assert unit.meta().replica_id == original_replica, "same path, same replica"
    reopened.close()

    copy_path = tmp_path / "laptop-copy.locality"
    copy_path.write_bytes(workspace_path.read_bytes())
    copy = open_workspace(copy_path)
    try:
        with copy.reading() as unit:
            assert unit.meta().replica_id != original_replica
            assert unit.meta().replica_path == str(copy_path.resolve())
    finally:
        copy.close()


def test_read_only_open_writes_nothing(workspace_path: Path) -> None:
    before = digest(workspace_path)
    workspace = open_workspace(workspace_path, read_only=True)
    try:
        with workspace.reading() as unit:
            assert unit.count(ThemeRecord) > 0
    finally:
        workspace.close()
    assert digest(workspace_path) == before


def test_full_disk_loses_nothing_already_saved(context: ServiceContext) -> None:
    organisations = OrganisationService(context)
    organisations.create(OrganisationDraft(name="Westshire County Council"))
    engine = context.workspace.engine
    engine.dispose()
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    def cap_size(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", cap_size)
    engine.dispose()
    with pytest.raises(WorkspaceError, match="disk is full"):
        organisations.create(OrganisationDraft(name="Westshire Police", notes="x" * 200_000))
    event.remove(engine, "connect", cap_size)
    engine.dispose()
    with context.workspace.reading() as unit:
        assert [row.name for row in unit.list(OrganisationRecord)] == ["Westshire County Council"]


def test_two_backups_in_the_same_second_both_kept(workspace_path: Path) -> None:
    from locality.store.upgrade import backup_workspace_file

    first = backup_workspace_file(workspace_path, "rev-x")
    second = backup_workspace_file(workspace_path, "rev-x")
    assert first != second
    assert first.exists() and second.exists()
    assert first.read_bytes() == second.read_bytes() == workspace_path.read_bytes()


def test_opening_for_writing_tidies_a_killed_writers_temporary(workspace_path: Path) -> None:
    import subprocess
    import sys

    from locality.files import temporary_prefix
    from locality.store.workspace import open_workspace

    # A process that has ended: its temporary (say a 100 MB backup copy cut short) is nobody's now.
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(ended.stdout)
    prefix = temporary_prefix("westshire.locality").replace(f"-{os.getpid()}-", f"-{pid}-")
    leftover = workspace_path.parent / f"{prefix}abc123.tmp"
    leftover.write_bytes(b"half a backup")
    opened = open_workspace(workspace_path)
    opened.close()
    assert not leftover.exists()
