"""``demo`` and ``import`` create a workspace for a missing --db path, and say so plainly; a failed import of a
new workspace leaves nothing behind; ``export --out`` never names a workspace."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.cli.test_cli import run


@pytest.fixture
def organisations(tmp_path: Path) -> Path:
    source = tmp_path / "organisations.csv"
    source.write_text("name,type,sector\nFoo Trust,Other,Public\n", encoding="utf-8")
    return source


def test_import_into_a_missing_path_says_it_created_a_workspace(
    organisations: Path, tmp_path: Path, data_dir: Path
) -> None:
    db = tmp_path / "new.locality"
    result = run("import", "--db", str(db), "--kind", "organisations", str(organisations), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"Created a new workspace at {db}."
    assert "Imported 1 organisation" in result.stdout
    assert db.exists()

    again = run("import", "--db", str(db), "--kind", "organisations", str(organisations), data_dir=data_dir)
    assert "Created a new workspace" not in again.stdout


def test_a_dry_run_into_a_missing_path_creates_nothing_and_says_nothing_of_it(
    organisations: Path, tmp_path: Path, data_dir: Path
) -> None:
    db = tmp_path / "new.locality"
    result = run(
        "import", "--db", str(db), "--kind", "organisations", str(organisations), "--dry-run", data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    assert "Created a new workspace" not in result.stdout
    assert not db.exists()


def test_a_failed_import_into_a_missing_path_leaves_no_workspace(tmp_path: Path, data_dir: Path) -> None:
    source = tmp_path / "organisations.csv"
    source.write_text("name,type,sector\nFoo Trust,Nonsense,Public\n", encoding="utf-8")
    db = tmp_path / "tpyo.locality"
    result = run("import", "--db", str(db), "--kind", "organisations", str(source), data_dir=data_dir)
    assert result.returncode == 1
    assert "row 2" in result.stderr and "Traceback" not in result.stderr
    assert "Created a new workspace" not in result.stdout
    assert not list(tmp_path.glob("tpyo*"))


def test_a_failed_import_into_an_existing_workspace_keeps_it(workspace_path: Path, data_dir: Path) -> None:
    source = workspace_path.with_name("organisations.csv")
    source.write_text("name,type,sector\nFoo Trust,Nonsense,Public\n", encoding="utf-8")
    result = run("import", "--db", str(workspace_path), "--kind", "organisations", str(source), data_dir=data_dir)
    assert result.returncode == 1
    assert workspace_path.exists()  # not created by this import, so not removed by it
    assert run("check", "--db", str(workspace_path), data_dir=data_dir).returncode == 0


def test_demo_says_it_created_a_workspace(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "demo.locality"
    result = run("demo", "--db", str(db), "--size", "small", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Created a new workspace at {db}."
    assert lines[1] == f"Created the small demo partnership in {db}:"


def test_demo_into_an_existing_empty_workspace_does_not_claim_to_create_it(
    workspace_path: Path, data_dir: Path
) -> None:
    result = run("demo", "--db", str(workspace_path), "--size", "small", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "Created a new workspace" not in result.stdout


@pytest.mark.parametrize("fmt", ["pdf", "csv"])
def test_export_out_equal_to_the_workspace_is_refused_before_any_plan_is_built(
    fmt: str, workspace_path: Path, data_dir: Path
) -> None:
    before = hashlib.sha256(workspace_path.read_bytes()).hexdigest()
    result = run(
        "export", "--db", str(workspace_path), "--format", fmt, "--out", str(workspace_path), data_dir=data_dir
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{workspace_path.name} is a Locality workspace; choose another file name so it is not overwritten."
    )
    assert hashlib.sha256(workspace_path.read_bytes()).hexdigest() == before
    assert not [p for p in workspace_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_export_out_naming_the_workspace_is_refused_before_the_filters_are_even_read(
    workspace_path: Path, data_dir: Path
) -> None:
    # Building the plan would fail on the unknown organisation; the refusal comes first.
    result = run(
        "export",
        "--db",
        str(workspace_path),
        "--format",
        "csv",
        "--organisation",
        "Gotham City Council",
        "--out",
        str(workspace_path),
        data_dir=data_dir,
    )
    assert result.returncode == 1
    assert "choose another file name so it is not overwritten" in result.stderr
    assert "Gotham" not in result.stderr
