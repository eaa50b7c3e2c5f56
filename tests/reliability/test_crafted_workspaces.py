"""Workspaces that a crash, another program or an attacker left in a state we must not misread.

A healthy file with a hot journal is recovered (never called damaged); a busy one is waited for and then called
in use; triggers, views and replaced tables are refused with the file left byte for byte; values of the wrong
type are named in one sentence; a read-only file opens read-only.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from locality.domain.errors import WorkspaceError
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.store import inspection as inspection_module
from locality.store import workspace as workspace_module
from locality.store.inspection import inspect_workspace_file
from locality.store.workspace import open_workspace
from tests.reliability.conftest import check_ok, run_locality


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.locality"
    result = run_locality("demo", "--db", str(path), "--size", "small")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def demo(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "westshire.locality"
    shutil.copyfile(demo_template, path)
    return path


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in ("organisation", "need", "action", "milestone", "progress_update")
        }


def _one_plain_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "unexpected problem" not in stderr, stderr
    return lines[0]


# --------------------------------------------------------------------------- a crash mid-write: hot journal

_HALF_WRITE = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size=1")  # spill to the file at once, so the file itself is half-changed
connection.execute("BEGIN")
connection.execute("DELETE FROM progress_update")
connection.execute("UPDATE action SET title = title || ' (half-written)'")
print("written", flush=True)
time.sleep(60)
"""


def _kill_mid_write(path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", _HALF_WRITE, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "written"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0, "the kill should leave a hot journal"


def test_a_workspace_killed_mid_write_is_recovered_not_called_damaged(demo: Path) -> None:
    before = _counts(demo)
    original = demo.read_bytes()
    _kill_mid_write(demo)
    assert demo.read_bytes() != original  # the file itself holds the half-made change

    result = run_locality("check", "--db", str(demo))

    assert result.returncode == 0, result.stderr
    assert "damaged" not in result.stdout + result.stderr
    assert "Recovered:" in result.stdout
    assert "Integrity: ok" in result.stdout
    assert _counts(demo) == before
    assert demo.read_bytes() == original  # rolled back to exactly what was committed
    assert not demo.with_name(demo.name + "-journal").exists()


@pytest.mark.parametrize("command", ["export", "import", "window"])
def test_every_way_in_recovers_a_hot_journal(demo: Path, tmp_path: Path, command: str, qtbot) -> None:  # noqa: ANN001
    before = _counts(demo)
    _kill_mid_write(demo)
    if command == "export":
        result = run_locality("export", "--db", str(demo), "--format", "csv", "--out", str(tmp_path / "plan.csv"))
        assert result.returncode == 0, result.stderr
    elif command == "import":
        source = tmp_path / "organisations.csv"
        source.write_text("name,type\nNew Partner Trust,Voluntary and community\n", encoding="utf-8")
        result = run_locality("import", "--db", str(demo), "--kind", "organisations", str(source))
        assert result.returncode == 0, result.stderr
        before["organisation"] += 1
    else:
        from locality.app import build_main_window

        window = build_main_window(str(demo))
        qtbot.addWidget(window)
        assert window.workspace_banner.isVisibleTo(window)
        assert "rolled back" in window.workspace_banner.text()
        window.services.close()
    assert _counts(demo) == before


def test_a_hot_journal_in_a_read_only_place_is_explained_and_kept(demo: Path, monkeypatch) -> None:  # noqa: ANN001
    _kill_mid_write(demo)
    journal = demo.with_name(demo.name + "-journal")
    saved = (_digest(demo), _digest(journal))
    # What SQLite reports when it cannot roll the journal back (a read-only folder or share).
    real_recover = inspection_module._recover_interrupted_change

    def cannot_write(path: Path) -> bool:
        error = sqlite3.OperationalError("attempt to write a readonly database")
        error.sqlite_errorname = "SQLITE_READONLY_ROLLBACK"  # type: ignore[attr-defined]
        raise error

    monkeypatch.setattr(inspection_module, "_recover_interrupted_change", cannot_write)
    with pytest.raises(WorkspaceError) as raised:
        inspect_workspace_file(demo)
    message = str(raised.value)
    assert "damaged" not in message
    assert "read-only" in message and "journal" in message
    assert (_digest(demo), _digest(journal)) == saved
    monkeypatch.setattr(inspection_module, "_recover_interrupted_change", real_recover)
    assert inspect_workspace_file(demo).recovered


# --------------------------------------------------------------------------- another program writing

_HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
connection.execute("UPDATE organisation SET notes = 'held' WHERE rowid = 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


@pytest.fixture
def hold_lock() -> Iterator[Callable[[Path, float], subprocess.Popen[str]]]:
    children: list[subprocess.Popen[str]] = []

    def start(path: Path, seconds: float) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        children.append(child)
        return child

    yield start
    for child in children:
        child.kill()
        child.wait()


def test_a_busy_workspace_is_waited_for_then_opened(demo: Path, hold_lock) -> None:  # noqa: ANN001
    child = hold_lock(demo, 1.0)
    started = time.monotonic()
    result = run_locality("check", "--db", str(demo))
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 0.8  # it waited for the writer instead of failing at once
    assert child.wait(timeout=10) == 0


def test_a_workspace_busy_for_long_is_called_in_use_not_damaged(demo: Path, hold_lock) -> None:  # noqa: ANN001
    hold_lock(demo, 30.0)
    result = run_locality("check", "--db", str(demo))
    assert result.returncode == 1
    line = _one_plain_line(result.stderr)
    assert "in use" in line and "damaged" not in line


# --------------------------------------------------------------------------- crafted schemas

CRAFTED = {
    "trigger deleting progress on import": (
        "CREATE TRIGGER wipe AFTER INSERT ON organisation BEGIN DELETE FROM progress_update; DELETE FROM milestone; END"
    ),
    "trigger on the metadata table (fires on opening)": (
        "CREATE TRIGGER on_open AFTER UPDATE ON workspace_meta BEGIN DELETE FROM action_partner; END"
    ),
    "view": "CREATE VIEW everything AS SELECT * FROM organisation",
    "trigger planted under a name of SQLite's own": (
        "PRAGMA writable_schema=ON; INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
        "('trigger', 'sqlite_autoindex_evil', 'organisation', 0, "
        "'CREATE TRIGGER sqlite_autoindex_evil AFTER INSERT ON organisation BEGIN DELETE FROM milestone; END');"
        " PRAGMA writable_schema=OFF;"
    ),
    "extra column": "ALTER TABLE milestone ADD COLUMN payload TEXT",
    "extra table": "CREATE TABLE smuggled (id INTEGER PRIMARY KEY, data TEXT)",
    "missing table": "DROP TABLE board_snapshot_item",
    "replaced table": ("DROP TABLE workshop_vote; CREATE TABLE workshop_vote (id CHAR(32) PRIMARY KEY, anything TEXT)"),
    "missing index": "DROP INDEX ix_action_title",
    "index made unique": "DROP INDEX ix_action_title; CREATE UNIQUE INDEX ix_action_title ON action (title)",
    # A conflict on the change log's (replica, sequence) would silently delete the older history entry.
    "history replaced on conflict": (
        "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = replace(sql, 'UNIQUE (replica_id, seq)', "
        "'UNIQUE (replica_id, seq) ON CONFLICT REPLACE') WHERE name = 'change_log'; PRAGMA writable_schema=OFF;"
    ),
    "index collated differently": (
        "DROP INDEX ix_action_title; CREATE INDEX ix_action_title ON action (title COLLATE NOCASE)"
    ),
}


def _craft(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.executescript(sql)
    connection.close()


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_a_crafted_schema_is_refused_in_one_sentence_and_left_unchanged(demo: Path, tmp_path: Path, case: str) -> None:
    _craft(demo, CRAFTED[case])
    saved = _digest(demo)
    source = tmp_path / "organisations.csv"
    source.write_text("name\nNew Partner Trust\n", encoding="utf-8")
    commands = [
        ("check", "--db", str(demo)),
        ("export", "--db", str(demo), "--format", "csv", "--out", str(tmp_path / "plan.csv")),
        ("import", "--db", str(demo), "--kind", "organisations", str(source)),
    ]
    for command in commands:
        result = run_locality(*command)
        assert result.returncode == 1, (command, result.stdout)
        line = _one_plain_line(result.stderr)
        assert "cannot be opened safely" in line, line
        assert _digest(demo) == saved, command
    with pytest.raises(WorkspaceError):
        open_workspace(demo)
    assert _digest(demo) == saved
    assert not (tmp_path / "plan.csv").exists()


def test_the_metadata_trigger_never_fires(demo: Path) -> None:
    _craft(demo, CRAFTED["trigger on the metadata table (fires on opening)"])
    with pytest.raises(WorkspaceError):
        Services.open(demo, User("Someone", "Somewhere"))
    _craft(demo, "DROP TRIGGER on_open")
    assert _counts(demo)["action"] > 0
    with sqlite3.connect(demo) as connection:
        assert connection.execute("SELECT count(*) FROM action_partner").fetchone()[0] > 0


# --------------------------------------------------------------------------- values of the wrong type

WRONG_VALUES = {
    "a date that is no date": ("UPDATE action SET due_on = '31/02/2008' WHERE rowid = 1", "action", "due_on"),
    "an id that is no id": (
        "UPDATE action SET lead_organisation_id = 'not-an-id' WHERE rowid = 1",
        "action",
        "lead_organisation_id",
    ),
    "bytes where text belongs": ("UPDATE action SET title = x'ff00fe' WHERE rowid = 1", "action", "title"),
    "text that is not UTF-8": ("UPDATE need SET title = CAST(x'c328' AS TEXT) WHERE rowid = 1", "need", "title"),
    "a huge real where pence belong": (
        "UPDATE action SET budget_pence = 1e300 WHERE rowid = 1",
        "action",
        "budget_pence",
    ),
    "words where a percentage belongs": (
        "UPDATE action SET percent_complete = 'lots' WHERE rowid = 1",
        "action",
        "percent_complete",
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG_VALUES))
def test_a_value_of_the_wrong_type_is_named_not_an_unexpected_problem(demo: Path, tmp_path: Path, case: str) -> None:
    sql, table, column = WRONG_VALUES[case]
    _craft(demo, sql)
    check = run_locality("check", "--db", str(demo))
    assert check.returncode == 1
    assert f"{table} " in check.stdout and column in check.stdout, check.stdout
    for format_ in ("csv", "pdf"):
        result = run_locality("export", "--db", str(demo), "--format", format_, "--out", str(tmp_path / f"p.{format_}"))
        if result.returncode == 0:
            continue  # this format does not read that value
        line = _one_plain_line(result.stderr)
        assert ("cannot read" in line and column in line) or "not UTF-8" in line, line


def test_random_flipped_bytes_never_give_a_traceback(demo_template: Path, tmp_path: Path) -> None:
    """Flip bytes at random places of a workspace's data pages: every command answers in one plain sentence (or
    works), never with a traceback or an "unexpected problem"."""
    rng = random.Random(2026)
    size = demo_template.stat().st_size
    for attempt in range(8):
        path = tmp_path / f"flipped-{attempt}.locality"
        data = bytearray(demo_template.read_bytes())
        for _ in range(rng.choice((1, 4, 32))):
            position = rng.randrange(4096, size)  # past the header page: the data pages
            data[position] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        for command in (
            ("check", "--db", str(path)),
            ("export", "--db", str(path), "--format", "csv", "--out", str(tmp_path / f"f{attempt}.csv")),
        ):
            result = run_locality(*command)
            assert "Traceback" not in result.stderr, (attempt, command, result.stderr)
            assert "unexpected problem" not in result.stderr, (attempt, command, result.stderr)
            if result.returncode and not (command[0] == "check" and "problem(s) found" in result.stdout):
                assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1, result.stderr


# --------------------------------------------------------------------------- a read-only workspace


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def read_only_share(tmp_path: Path, demo_template: Path) -> Iterator[Path]:
    """A demo workspace on a file system mounted read-only, as on a read-only share or a CD."""
    if not _can_mount():
        pytest.skip("mounting a read-only file system needs root (CI runs as root)")
    folder = tmp_path / "share"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], check=True)
    try:
        shutil.copyfile(demo_template, folder / "westshire.locality")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder / "westshire.locality"
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_workspace_opens_read_only_with_a_banner(read_only_share: Path, qtbot) -> None:  # noqa: ANN001
    from locality.app import build_main_window

    saved = _digest(read_only_share)
    window = build_main_window(str(read_only_share))
    qtbot.addWidget(window)
    assert window.services.context.workspace.read_only
    assert window.workspace_banner.isVisibleTo(window)
    assert "is read-only" in window.workspace_banner.text()
    assert not window.new_item_action.isEnabled() and not window.import_action.isEnabled()
    assert not window.merge_action.isEnabled(), "nothing can be merged into a read-only workspace"
    services = window.services
    with pytest.raises(WorkspaceError) as raised:
        services.organisations.create(OrganisationDraft(name="Cannot Be Saved"))
    assert "read-only" in str(raised.value)
    services.close()
    assert _digest(read_only_share) == saved


def test_read_only_workspace_commands_work(read_only_share: Path, tmp_path: Path) -> None:
    check = run_locality("check", "--db", str(read_only_share))
    assert check.returncode == 0, check.stderr
    assert "Integrity: ok" in check.stdout
    export = run_locality(
        "export", "--db", str(read_only_share), "--format", "xlsx", "--out", str(tmp_path / "plan.xlsx")
    )
    assert export.returncode == 0, export.stderr


def test_a_file_that_cannot_be_written_opens_read_only(demo: Path, monkeypatch) -> None:  # noqa: ANN001
    # As a non-root user would see a read-only file (root may write anything not on a read-only mount).
    monkeypatch.setattr(workspace_module, "is_writable", lambda path: False)
    opened = open_workspace(demo)
    try:
        assert opened.read_only
        assert "read-only" in opened.read_only_reason
    finally:
        opened.close()


# --------------------------------------------------------------------------- two programs creating one workspace


def test_two_programs_creating_the_same_workspace_never_lose_or_corrupt_it(tmp_path: Path) -> None:
    environment = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    for attempt in range(3):
        target = tmp_path / f"race-{attempt}.locality"
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "locality", "demo", "--db", str(target), "--size", "small"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=environment,
            )
            for _ in range(2)
        ]
        results = [(child.wait(timeout=120), *child.communicate()) for child in children]
        codes = sorted(code for code, _out, _err in results)
        assert codes == [0, 1], results
        loser = next(err for code, _out, err in results if code == 1)
        _one_plain_line(loser)
        check = run_locality("check", "--db", str(target))
        assert check.returncode == 0, check.stderr
        assert "  organisations: 12" in check.stdout
        assert sorted(
            path.name for path in tmp_path.iterdir() if path.name.startswith((".race", f"race-{attempt}"))
        ) == [f"race-{attempt}.locality"]


def test_creating_a_workspace_never_replaces_an_existing_file(tmp_path: Path) -> None:
    from locality.store.creation import WorkspaceExistsError, create_workspace_file

    target = tmp_path / "taken.locality"
    target.write_bytes(b"someone else's file")
    with pytest.raises(WorkspaceExistsError):
        create_workspace_file(target)
    assert target.read_bytes() == b"someone else's file"
    assert [path.name for path in tmp_path.iterdir() if path.name != "data"] == ["taken.locality"]


_LIVE_WRITER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size=10")  # its journal and half-changed pages are on disk while it runs
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE action SET title = title || ' (being edited)'")
print("writing", flush=True)
time.sleep(2)
connection.execute("ROLLBACK")
"""


def test_a_live_writers_journal_is_not_reported_as_a_recovery(demo: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", _LIVE_WRITER, str(demo)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    result = run_locality("check", "--db", str(demo))
    assert child.wait(timeout=10) == 0
    assert result.returncode == 0, result.stderr
    assert "Recovered" not in result.stdout  # nothing was interrupted: the writer was waited for


def test_a_journal_left_from_a_deleted_workspace_never_reaches_a_new_one(demo: Path, tmp_path: Path) -> None:
    _kill_mid_write(demo)
    journal = demo.with_name(demo.name + "-journal")
    left = journal.read_bytes()
    demo.unlink()  # the user deleted the workspace, but not its journal
    source = tmp_path / "organisations.csv"
    source.write_text("name\nNew Partner Trust\nAnother Partner\n", encoding="utf-8")
    result = run_locality("import", "--db", str(demo), "--kind", "organisations", str(source))
    assert result.returncode == 0, result.stderr
    _, counts = check_ok(demo)
    assert counts["organisations"] == 2
    aside = [path for path in tmp_path.iterdir() if path.name.startswith(journal.name + ".orphaned-")]
    assert len(aside) == 1 and aside[0].read_bytes() == left  # kept, out of harm's way


@pytest.mark.parametrize(
    ("sql", "table", "column"),
    [
        ("UPDATE action SET due_on = '2020-02-30' WHERE rowid = 1", "action", "due_on"),
        ("UPDATE action SET updated_at = '2020-02-30 10:00:00' WHERE rowid = 1", "action", "updated_at"),
        ("UPDATE action SET status = 'Plannad' WHERE rowid = 1", "action", "status"),
        ("UPDATE need_organisation SET role = 'Boss' WHERE rowid = 1", "need_organisation", "role"),
    ],
)
def test_check_finds_impossible_dates_and_unknown_statuses(demo: Path, sql: str, table: str, column: str) -> None:
    _craft(demo, sql)
    check = run_locality("check", "--db", str(demo))
    assert check.returncode == 1
    assert f"{table} " in check.stdout and f": {column} does not hold" in check.stdout, check.stdout


def test_a_healthy_demo_has_no_value_problems(demo_template: Path) -> None:
    from locality.store.value_check import unreadable_text, value_problems

    with sqlite3.connect(demo_template) as connection:
        assert value_problems(connection) == []
        assert unreadable_text(connection) == []
    connection.close()


def test_the_window_refuses_a_damaged_or_foreign_file_opened_on_its_thread_and_leaves_it_as_it_was(
    demo: Path,
    tmp_path: Path,
    qtbot,  # noqa: ANN001
) -> None:
    """The window opens its workspace on a thread of its own (while its code is imported); what that thread
    refuses is raised where the window is built, in the same sentence, with nothing written and no thread left."""
    import threading

    from locality.app import build_main_window

    truncated = tmp_path / "truncated.locality"
    truncated.write_bytes(demo.read_bytes()[: demo.stat().st_size // 2])
    foreign = tmp_path / "foreign.locality"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
    for path, sentence in ((truncated, "damaged"), (foreign, "another application")):
        saved = _digest(path)
        with pytest.raises(WorkspaceError, match=sentence):
            build_main_window(str(path))
        assert _digest(path) == saved
        assert not any(thread.name == "locality-open" for thread in threading.enumerate())
