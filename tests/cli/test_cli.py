"""Each command of the command-line contract, run as a user runs it: in a subprocess."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from locality import __version__


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LOCALITY_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "locality", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_version(data_dir: Path) -> None:
    result = run("--version", data_dir=data_dir)
    assert result.returncode == 0
    assert result.stdout.strip() == f"locality {__version__}"


def test_unknown_command_is_a_usage_error(data_dir: Path) -> None:
    result = run("frobnicate", data_dir=data_dir)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_bad_option_value_is_a_usage_error(data_dir: Path, tmp_path: Path) -> None:
    result = run("demo", "--db", str(tmp_path / "w.locality"), "--size", "huge", data_dir=data_dir)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert not (tmp_path / "w.locality").exists()


def test_command_without_db_is_a_usage_error(data_dir: Path) -> None:
    result = run("check", data_dir=data_dir)
    assert result.returncode == 2
    assert "--db" in result.stderr


def test_demo_then_check_prints_the_counts(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.locality"
    demo = run("demo", "--db", str(db), "--size", "small", "--seed", "7", data_dir=data_dir)
    assert demo.returncode == 0, demo.stderr
    assert "organisations" in demo.stdout

    check = run("check", "--db", str(db), data_dir=data_dir)
    assert check.returncode == 0, check.stderr
    assert "Integrity: ok" in check.stdout
    assert "Schema revision:" in check.stdout and "(latest)" in check.stdout
    counts = {
        label.strip(): int(value.replace(",", ""))
        for label, value in (line.rsplit(":", 1) for line in check.stdout.splitlines() if line.startswith("  "))
    }
    assert 8 <= counts["organisations"] <= 16
    assert 30 <= counts["needs"] <= 50
    assert 45 <= counts["actions"] <= 75
    assert counts["progress updates"] > counts["actions"]


def test_demo_accepts_db_before_the_command(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "first.locality"
    result = run("--db", str(db), "demo", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_demo_refuses_a_workspace_that_already_has_data(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.locality"
    assert run("demo", "--db", str(db), data_dir=data_dir).returncode == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    again = run("demo", "--db", str(db), data_dir=data_dir)
    assert_one_line_error(again, "already")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("command", ["check", "upgrade"])
def test_commands_on_existing_workspaces_refuse_a_missing_file(command: str, data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "absent.locality"
    result = run(command, "--db", str(db), data_dir=data_dir)
    assert_one_line_error(result, "There is no workspace")
    assert not db.exists()


def test_check_refuses_a_file_that_is_not_a_workspace(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "minutes.locality"
    db.write_text("Minutes of the board")
    result = run("check", "--db", str(db), data_dir=data_dir)
    assert_one_line_error(result, "not a Locality workspace")
    assert db.read_text() == "Minutes of the board"


def test_check_refuses_a_newer_workspace_untouched(data_dir: Path, workspace_path: Path) -> None:
    with sqlite3.connect(workspace_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'zzzz_future'")
    connection.close()
    before = hashlib.sha256(workspace_path.read_bytes()).hexdigest()
    for command in ("check", "upgrade", "demo"):
        result = run(command, "--db", str(workspace_path), data_dir=data_dir)
        assert_one_line_error(result, "newer version of Locality")
    assert hashlib.sha256(workspace_path.read_bytes()).hexdigest() == before


def test_check_reports_broken_references(data_dir: Path, workspace_path: Path) -> None:
    with sqlite3.connect(workspace_path) as connection:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute(
            "INSERT INTO milestone (id, action_id, title, sort_order, created_at, updated_at, version) "
            "VALUES ('0123456789abcdef0123456789abcdef', 'ffffffffffffffffffffffffffffffff', 'Orphan', 0, "
            "'2008-01-01 00:00:00', '2008-01-01 00:00:00', 1)"
        )
    connection.close()
    result = run("check", "--db", str(workspace_path), data_dir=data_dir)
    assert result.returncode == 1
    assert "milestone" in result.stdout and "missing action" in result.stdout


def test_upgrade_of_a_current_workspace_says_nothing_to_do(data_dir: Path, workspace_path: Path) -> None:
    result = run("upgrade", "--db", str(workspace_path), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "already at the latest schema" in result.stdout


def test_merge_from_a_missing_file_is_refused_plainly(data_dir: Path, workspace_path: Path) -> None:
    result = run("merge", "--db", str(workspace_path), "--from", "laptop.locality", data_dir=data_dir)
    assert_one_line_error(result, "There is no workspace at laptop.locality")
