"""The support directory on the command line: `locality import --kind providers|offers` and the counts `locality
check` prints."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli.test_cli import run


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def counts(output: str) -> dict[str, int]:
    return {
        label.strip(): int(value.replace(",", ""))
        for label, value in (line.rsplit(":", 1) for line in output.splitlines() if line.startswith("  "))
    }


def test_providers_then_offers_import_and_check_counts_them(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.locality"
    providers = write(
        tmp_path / "providers.csv",
        [
            ["name", "kind", "region", "website", "contact_name", "contact_email", "notes"],
            ["Voluntary Action Barset", "Voluntary sector infrastructure body", "Barset", "www.vab.org.uk", "", "", ""],
        ],
    )
    offers = write(
        tmp_path / "offers.csv",
        [
            ["provider", "title", "support_type", "themes", "delivery_level", "typical_cost", "duration_days"],
            ["Voluntary Action Barset", "Community engagement training", "Training", "Community engagement", "Local",
             "£350", "2"],
        ],
    )  # fmt: skip

    first = run("import", "--db", str(db), "--kind", "providers", str(providers), data_dir=data_dir)
    second = run("import", "--db", str(db), "--kind", "offers", str(offers), data_dir=data_dir)
    check = run("check", "--db", str(db), data_dir=data_dir)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "1 support provider" in first.stdout and "1 support offer" in second.stdout
    assert check.returncode == 0, check.stderr
    found = counts(check.stdout)
    assert (found["support providers"], found["support offers"]) == (1, 1)


def test_an_offer_naming_an_unknown_provider_is_refused_by_row(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.locality"
    offers = write(tmp_path / "offers.csv", [["provider", "title"], ["Nobody Ltd", "Mentoring"]])

    result = run("import", "--db", str(db), "--kind", "offers", str(offers), data_dir=data_dir)

    assert result.returncode == 1
    assert 'row 2: "Nobody Ltd" is not a support provider in this workspace' in result.stderr
    assert "Traceback" not in result.stderr
