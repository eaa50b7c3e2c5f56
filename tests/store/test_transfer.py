"""``locality copy``: a workspace moved between a file and a server, either way, with every record and history
entry; refused with one sentence and nothing written where it would overwrite or cannot be done."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from locality import cli
from locality.domain.errors import WorkspaceError
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.store.models import Base, ReplicaSyncStateRecord, WorkspaceMetaRecord
from locality.store.transfer import CopyCancelled, copy_workspace
from tests.postgres_server import server_schema

# What a copy changes on purpose: it becomes a replica of its own that remembers the original's.
_OWN_REPLICA = {"replica_id", "replica_path", "last_change_seq"}


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, comparable across SQLite and PostgreSQL."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found: dict[str, list[tuple[Any, ...]]] = {}
            for table in Base.metadata.sorted_tables:
                if table.name == ReplicaSyncStateRecord.__tablename__:
                    continue
                columns = [
                    column
                    for column in table.columns
                    if not (table.name == "workspace_meta" and column.name in _OWN_REPLICA)
                ]
                rows = connection.execute(select(*columns).order_by(*table.primary_key.columns)).all()
                found[table.name] = [tuple(row) for row in rows]
            return found
    finally:
        engine.dispose()


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name != "data")  # data: the test's data folder


def _replica(url: str) -> tuple[Any, list[Any]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            replica = connection.execute(select(WorkspaceMetaRecord.replica_id)).scalar_one()
            merged = list(connection.execute(select(ReplicaSyncStateRecord.replica_id)).scalars())
            return replica, merged
    finally:
        engine.dispose()


def test_a_file_copied_to_a_new_file_holds_every_record_and_history_entry(
    demo_workspace_path: Path, tmp_path: Path
) -> None:
    before = _digest(demo_workspace_path)
    copy = tmp_path / "moved.locality"
    summary = copy_workspace(str(demo_workspace_path), str(copy))
    assert _digest(demo_workspace_path) == before  # the original is only read
    assert _rows(_url(copy)) == _rows(_url(demo_workspace_path))
    assert summary.history_entries == len(_rows(_url(copy))["change_log"]) > 0
    original_replica, _ = _replica(_url(demo_workspace_path))
    copy_replica, remembered = _replica(_url(copy))
    # A replica of its own that knows it holds all the original made, so the two can be merged later.
    assert copy_replica != original_replica and original_replica in remembered


def test_a_copy_carries_the_support_directory_and_the_offers_actions_came_from(
    demo_workspace_path: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "moved.locality"
    copy_workspace(str(demo_workspace_path), str(copy))
    services = Services.open(copy, User("Test User", "Test Org"), create_missing=False)
    try:
        offers = services.support.offers()
        providers = services.support.providers()
    finally:
        services.close()
    original = _rows(_url(demo_workspace_path))
    assert len(providers) == len(original["support_provider"]) > 0
    assert len(offers) == len(original["support_offer"]) > 0
    assert sum(len(offer.theme_ids) for offer in offers) == len(original["support_offer_theme"])
    columns = [column.name for column in Base.metadata.tables["action"].columns]
    with_offer = [row for row in _rows(_url(copy))["action"] if row[columns.index("offer_id")] is not None]
    assert with_offer and with_offer == [
        row for row in original["action"] if row[columns.index("offer_id")] is not None
    ]


def test_the_copy_is_a_workspace_that_takes_edits(demo_workspace_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "moved.locality"
    copy_workspace(str(demo_workspace_path), str(copy))
    services = Services.open(copy, User("Sam Patel", "Test Org"))
    try:
        created = services.organisations.create(OrganisationDraft(name="Copied Borough Council"))
        assert services.organisations.get(created.id).name == "Copied Borough Council"
        assert services.workspace.check().ok
    finally:
        services.close()


def test_a_copy_is_refused_where_it_would_overwrite_or_go_nowhere(demo_workspace_path: Path, tmp_path: Path) -> None:
    existing = tmp_path / "existing.locality"
    existing.write_bytes(b"somebody's file")
    with pytest.raises(WorkspaceError, match="already exists"):
        copy_workspace(str(demo_workspace_path), str(existing))
    assert existing.read_bytes() == b"somebody's file"
    with pytest.raises(WorkspaceError, match="somewhere other than the workspace itself"):
        copy_workspace(str(demo_workspace_path), str(demo_workspace_path))
    with pytest.raises(WorkspaceError, match="There is no workspace"):
        copy_workspace(str(tmp_path / "missing.locality"), str(tmp_path / "new.locality"))
    with pytest.raises(WorkspaceError, match="folder .* does not exist"):
        copy_workspace(str(demo_workspace_path), str(tmp_path / "no-such-folder" / "new.locality"))
    assert _files(tmp_path) == ["demo.locality", "existing.locality"]


def test_a_stopped_copy_leaves_nothing_behind(demo_workspace_path: Path, tmp_path: Path) -> None:
    seen: list[int] = []
    with pytest.raises(CopyCancelled):
        copy_workspace(
            str(demo_workspace_path),
            str(tmp_path / "stopped.locality"),
            progress=lambda done, _total: seen.append(done),
            cancelled=lambda: len(seen) >= 3,
        )
    assert _files(tmp_path) == ["demo.locality"]


def test_the_copy_command_prints_what_it_copied(
    demo_workspace_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "moved.locality"
    assert cli.main(["copy", "--from", str(demo_workspace_path), "--to", str(copy)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Copied ") and "history entries" in out and str(copy) in out
    assert cli.main(["copy", "--from", str(demo_workspace_path), "--to", str(copy)]) == 1
    assert "already exists" in capsys.readouterr().err
    usage = subprocess.run(
        [sys.executable, "-m", "locality", "copy", "--from", str(copy)], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2 and "--to" in usage.stderr


@pytest.fixture
def server_url() -> Iterator[str]:
    with server_schema() as url:
        yield url


def test_a_file_moved_to_a_server_and_back_is_the_same_workspace(
    demo_workspace_path: Path, tmp_path: Path, server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    copy_workspace(str(demo_workspace_path), server_url)
    assert _rows(server_url) == _rows(_url(demo_workspace_path))
    back = tmp_path / "back.locality"
    copy_workspace(server_url, str(back))
    assert _rows(_url(back)) == _rows(_url(demo_workspace_path))
    # check shows the same counts on both
    assert cli.main(["check", "--db", server_url]) == 0
    on_server = capsys.readouterr().out.split("Counts:")[1]
    assert cli.main(["check", "--db", str(back)]) == 0
    assert capsys.readouterr().out.split("Counts:")[1] == on_server


def test_a_server_copy_takes_edits_and_is_never_copied_over(demo_workspace_path: Path, server_url: str) -> None:
    copy_workspace(str(demo_workspace_path), server_url)
    services = Services.open(server_url, User("Sam Patel", "Test Org"))
    try:
        # The change log's ids went in as stored: the server's sequence must have moved past them.
        created = services.organisations.create(OrganisationDraft(name="Server Borough Council"))
        assert services.organisations.get(created.id).name == "Server Borough Council"
    finally:
        services.close()
    rows = _rows(server_url)
    with pytest.raises(WorkspaceError, match="already holds tables"):
        copy_workspace(str(demo_workspace_path), server_url)
    assert _rows(server_url) == rows


def test_a_server_copy_leaves_the_planner_statistics_for_every_table(
    demo_workspace_path: Path, server_url: str
) -> None:
    copy_workspace(str(demo_workspace_path), server_url)
    engine = create_engine(server_url)
    try:
        with engine.connect() as connection:
            analysed = {
                name
                for (name,) in connection.execute(
                    text(
                        "SELECT relname FROM pg_stat_user_tables "
                        "WHERE schemaname = current_schema() AND last_analyze IS NOT NULL"
                    )
                )
            }
    finally:
        engine.dispose()
    # Without them the first queries after a move were planned for empty tables (a dashboard took 11 s, not 1.5 s).
    assert {table.name for table in Base.metadata.sorted_tables} <= analysed
