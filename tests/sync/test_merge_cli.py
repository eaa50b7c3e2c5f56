"""``locality merge`` as a user runs it (a subprocess): a dry run lists and changes nothing, a real merge backs
up and prints its summary and each conflict decided, ``--prefer theirs`` takes the copy's values, refusals are
one line on stderr with exit 1."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from locality.services.needs import NeedDraft
from tests.cli.test_cli import assert_one_line_error, run
from tests.sync.conftest import LAPTOP_A, OFFICE, Office, file_hash, laptop_copy, opened


def _laptop_with_a_conflict(office: Office) -> Path:
    laptop = laptop_copy(office, "laptop.locality")
    for path, user, title in ((office.path, OFFICE, "Office title"), (laptop, LAPTOP_A, "Laptop title")):
        with opened(path, user) as services:
            need = services.needs.get(office.needs[0])
            services.needs.update(need.id, dataclasses.replace(need.as_draft(), title=title), need.version)
    with opened(laptop, LAPTOP_A) as services:
        services.needs.create(NeedDraft("Youth outreach"))
    return laptop


def test_a_dry_run_lists_and_changes_nothing(office: Office, data_dir: Path) -> None:
    laptop = _laptop_with_a_conflict(office)
    before = file_hash(office.path)
    result = run("merge", "--db", str(office.path), "--from", str(laptop), "--dry-run", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "1 need added" in result.stdout
    assert 'Conflict: Need: Office title, title: here "Office title"' in result.stdout
    assert '"Laptop title"' in result.stdout
    assert file_hash(office.path) == before
    assert not list(office.path.parent.glob("office.backup-*"))


def test_a_merge_keeps_this_workspaces_value_and_lists_the_conflict(office: Office, data_dir: Path) -> None:
    laptop = _laptop_with_a_conflict(office)
    result = run("merge", "--db", str(office.path), "--from", str(laptop), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "Merged laptop.locality into" in result.stdout
    assert "1 need added, 1 conflict decided" in result.stdout
    assert "this workspace's value kept: Need: Office title, title" in result.stdout
    assert list(office.path.parent.glob("office.backup-merge-*"))
    with opened(office.path) as services:
        assert services.needs.get(office.needs[0]).title == "Office title"
        assert services.needs.find("Youth outreach") is not None
    again = run("merge", "--db", str(office.path), "--from", str(laptop), data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert "Nothing changed" in again.stdout


def test_prefer_theirs_takes_the_copys_value(office: Office, data_dir: Path) -> None:
    laptop = _laptop_with_a_conflict(office)
    result = run("merge", "--db", str(office.path), "--from", str(laptop), "--prefer", "theirs", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert 'the value from laptop.locality kept: Need: Office title, title: "Laptop title"' in result.stdout
    with opened(office.path) as services:
        assert services.needs.get(office.needs[0]).title == "Laptop title"


def test_a_refusal_is_one_line_and_the_workspace_is_unchanged(office: Office, data_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "minutes.locality"
    other.write_text("not a workspace")
    before = file_hash(office.path)
    result = run("merge", "--db", str(office.path), "--from", str(other), data_dir=data_dir)
    assert_one_line_error(result, "minutes.locality", "not a Locality workspace")
    same = run("merge", "--db", str(office.path), "--from", str(office.path), data_dir=data_dir)
    assert_one_line_error(same, "this workspace itself")
    assert file_hash(office.path) == before


def test_a_bad_prefer_is_a_usage_error(office: Office, data_dir: Path) -> None:
    result = run("merge", "--db", str(office.path), "--from", "x.locality", "--prefer", "newest", data_dir=data_dir)
    assert result.returncode == 2
