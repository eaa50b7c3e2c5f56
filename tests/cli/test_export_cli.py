"""`locality export`, run as a user runs it: in a subprocess, against a small demo workspace."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import openpyxl


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LOCALITY_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "locality", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_csv_of_the_whole_plan(db: Path, tmp_path: Path, data_dir: Path) -> None:
    before = digest(db)
    target = tmp_path / "plan.csv"
    result = run("export", "--db", str(db), "--format", "csv", "--out", str(target), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote the joint action plan (60 actions) to {target}."
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 61
    assert rows[0][:3] == ["Title", "Theme", "Lead"]
    assert digest(db) == before  # exporting does not touch the workspace


def test_export_xlsx_for_a_partner_with_statuses(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "police.xlsx"
    result = run(
        "export",
        "--db",
        str(db),
        "--format",
        "xlsx",
        "--out",
        str(target),
        "--organisation",
        "Westshire Constabulary",
        "--status",
        "in progress",
        "--status",
        "Planned",
        data_dir=data_dir,
    )
    assert result.returncode == 0, result.stderr
    count = int(result.stdout.split("(")[1].split(" ")[0])
    workbook = openpyxl.load_workbook(target)
    rows = list(workbook["Actions"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == count > 0
    assert {row[7] for row in rows} <= {"In progress", "Planned"}
    for row in rows:
        assert row[2] == "Westshire Constabulary" or "Westshire Constabulary" in (row[3] or "").split("; ")
    cover = [row[0] for row in workbook["Cover"].iter_rows(values_only=True) if row[0]]
    assert "Organisation: Westshire Constabulary" in cover
    assert "Statuses: In progress, Planned" in cover
    assert cover[-1] == "Confidential notes and personal contact details are left out"


def test_contact_details_only_with_include_confidential(db: Path, tmp_path: Path, data_dir: Path) -> None:
    without = tmp_path / "plain.xlsx"
    with_contacts = tmp_path / "full.xlsx"
    common = ["export", "--db", str(db), "--format", "xlsx", "--organisation", "Police"]
    assert run(*common, "--out", str(without), data_dir=data_dir).returncode == 0
    assert run(*common, "--out", str(with_contacts), "--include-confidential", data_dir=data_dir).returncode == 0

    def texts(path: Path) -> set[str]:
        workbook = openpyxl.load_workbook(path)
        return {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value}

    assert "nicola.nash@westshire.pnn.police.uk" not in texts(without)
    assert "nicola.nash@westshire.pnn.police.uk" in texts(with_contacts)
    assert "Includes confidential notes and contact details" in texts(with_contacts)


def test_a_theme_filter(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "theme.csv"
    result = run(
        "export", "--db", str(db), "--format", "csv", "--out", str(target), "--theme", "Service improvement",
        data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert rows
    service_areas = {
        "Service improvement", "Children's services", "Adult social care", "Community safety", "Health", "Housing",
        "Environment", "Economic development",
    }  # fmt: skip
    assert {row[1] for row in rows} <= service_areas


def test_a_missing_workspace_is_refused_and_not_created(tmp_path: Path, data_dir: Path) -> None:
    missing = tmp_path / "missing.locality"
    target = tmp_path / "plan.csv"
    result = run("export", "--db", str(missing), "--format", "csv", "--out", str(target), data_dir=data_dir)
    assert_one_line_error(result, "There is no workspace at", str(missing))
    assert not missing.exists()
    assert not target.exists()


def test_an_unknown_status_is_refused_with_the_allowed_list(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("the previous export", encoding="utf-8")
    result = run(
        "export", "--db", str(db), "--format", "csv", "--out", str(target), "--status", "Frozen", data_dir=data_dir
    )
    line = assert_one_line_error(result, '"Frozen" is not an action status')
    assert "Proposed, Planned, In progress, Completed, On hold, Cancelled" in line
    assert target.read_text(encoding="utf-8") == "the previous export"


def test_an_unknown_organisation_or_theme_is_refused(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "plan.csv"
    result = run(
        "export", "--db", str(db), "--format", "csv", "--out", str(target), "--organisation", "Gotham Police",
        data_dir=data_dir,
    )  # fmt: skip
    line = assert_one_line_error(result, '"Gotham Police" is not a known organisation')
    assert "Westshire Constabulary" in line
    result = run(
        "export", "--db", str(db), "--format", "csv", "--out", str(target), "--theme", "Knitting", data_dir=data_dir
    )
    line = assert_one_line_error(result, '"Knitting" is not a known theme')
    assert "Community safety" in line
    assert not target.exists()


def test_usage_errors_exit_2(db: Path, tmp_path: Path, data_dir: Path) -> None:
    result = run("export", "--db", str(db), "--format", "odt", "--out", str(tmp_path / "x.odt"), data_dir=data_dir)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    result = run("export", "--db", str(db), "--format", "csv", data_dir=data_dir)
    assert result.returncode == 2
    result = run("export", "--format", "csv", "--out", str(tmp_path / "x.csv"), data_dir=data_dir)
    assert result.returncode == 2


def test_a_missing_output_folder_is_one_clear_line(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "no such folder" / "plan.xlsx"
    result = run("export", "--db", str(db), "--format", "xlsx", "--out", str(target), data_dir=data_dir)
    assert_one_line_error(result, "does not exist")
    assert not target.parent.exists()
