"""A full disk: demo, import, an edit and an export each fail with one plain sentence about disk space, leave
nothing half-written behind, and the workspace afterwards passes ``check`` with every earlier edit in it.

Small disks are tmpfs mounts (root only; CI runs as root), filled with a ballast file so that only a little is
free. Each is unmounted (lazily) when its test ends.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from locality.domain.errors import WorkspaceError
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.store.database_errors import DatabaseErrorKind, error_kind
from locality.store.error_sentences import describe_database_error
from tests.reliability.conftest import check_ok, run_locality


def _mounting_allowed() -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    with tempfile.TemporaryDirectory() as folder:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], capture_output=True, check=False
        )
        if mounted.returncode != 0:
            return False
        subprocess.run(["umount", "-l", folder], capture_output=True, check=False)
    return True


pytestmark = pytest.mark.skipif(
    not _mounting_allowed(), reason="needs `mount -t tmpfs` (root) to make a small disk; CI runs as root"
)

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")  # a rollback journal SQLite must replay starts so
NEEDS_HEADER = ["title", "description", "theme", "organisations", "priority", "source", "status", "identified_on"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """``small_disk("2m")`` mounts a tmpfs of that size and returns its folder; all are unmounted afterwards."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        folder = tmp_path / f"disk-{len(mounted)}"
        folder.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        mounted.append(folder)
        return folder

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def fill(folder: Path, leave: int = 0) -> Path:
    """Writes a ballast file so that about ``leave`` bytes stay free (none at all when 0)."""
    ballast = folder / "ballast"
    with open(ballast, "ab") as handle:
        remaining = free_bytes(folder) - leave
        chunk = b"\0" * (1 << 20)
        while remaining > 0:
            try:
                handle.write(chunk[: min(remaining, len(chunk))])
                handle.flush()
            except OSError:
                break
            remaining = free_bytes(folder) - leave
    assert free_bytes(folder) <= max(leave, 0) + 8192, free_bytes(folder)
    return ballast


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected problem" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def about_disk_space(line: str) -> bool:
    lowered = line.lower()
    return "disk" in lowered and ("full" in lowered or "space" in lowered)


def organisation_names(path: Path) -> set[str]:
    services = Services.open(path, create_missing=False, read_only=True)
    try:
        return {organisation.name for organisation in services.organisations.list()}
    finally:
        services.close()


def write_needs_csv(path: Path, organisations: list[str], rows: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(NEEDS_HEADER)
        for number in range(rows):
            writer.writerow(
                [
                    f"Disk-full need {number}",
                    "Partners hold separate records on the same families and places. " * 3,
                    "Community engagement",
                    f"{organisations[number % len(organisations)]}; {organisations[(number + 3) % len(organisations)]}",
                    "High",
                    "Workshop",
                    "Agreed",
                    "2008-04-01",
                ]
            )
    return path


# --------------------------------------------------------------------------- (a) demo on a disk too small


@pytest.mark.timeout(120)
def test_demo_on_a_disk_too_small_says_so_and_leaves_nothing(small_disk: Callable[[str], Path]) -> None:
    disk = small_disk("1m")  # the small demo needs more than a megabyte while it is built
    result = run_locality("demo", "--db", str(disk / "x.locality"), "--size", "small")
    line = one_line_error(result)
    assert about_disk_space(line), line
    assert sorted(os.listdir(disk)) == [], "a workspace, temporary or journal was left on the full disk"


@pytest.mark.timeout(120)
def test_import_into_a_new_workspace_on_a_full_disk_leaves_nothing(
    small_disk: Callable[[str], Path], tmp_path: Path
) -> None:
    source = tmp_path / "organisations.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "short_name", "type", "sector", "contact_name", "contact_email", "notes"])
        for number in range(3000):
            writer.writerow([f"Partner {number}", f"P{number}", "Police", "Public", "Jo Bloggs", "", "x" * 200])
    disk = small_disk("1m")
    result = run_locality("import", "--db", str(disk / "new.locality"), "--kind", "organisations", str(source))
    line = one_line_error(result)
    assert about_disk_space(line), line
    assert sorted(os.listdir(disk)) == []


# --------------------------------------------------------------------------- (b) import onto a nearly full disk


@pytest.mark.timeout(180)
def test_import_on_a_nearly_full_disk_writes_nothing(
    small_disk: Callable[[str], Path], demo_template: Path, tmp_path: Path
) -> None:
    disk = small_disk("8m")
    db = disk / "workspace.locality"
    shutil.copyfile(demo_template, db)
    Services.open(db, User("Disk Tester", "Test Org")).close()  # opened from here once, as a user would
    _, before = check_ok(db)
    original = digest(db)
    organisations = sorted(organisation_names(db))
    source = write_needs_csv(tmp_path / "needs.csv", organisations, 4000)
    ballast = fill(disk, leave=300 * 1024)

    result = run_locality("import", "--db", str(db), "--kind", "needs", str(source))

    line = one_line_error(result)
    assert about_disk_space(line), line
    assert sorted(name for name in os.listdir(disk) if name not in ("ballast", db.name, db.name + "-journal")) == []
    ballast.unlink()
    _, after = check_ok(db)
    assert after == before, "the failed import left rows behind"
    assert digest(db) == original, "the workspace is not byte for byte what it was before the import"
    journal = disk / (db.name + "-journal")
    assert not journal.exists() or journal.read_bytes()[:8] != JOURNAL_MAGIC, "a hot journal is left after check"


# --------------------------------------------------------------------------- (c) an edit on a full disk


@pytest.mark.timeout(120)
def test_an_edit_on_a_full_disk_is_refused_with_a_sentence_and_loses_nothing(
    small_disk: Callable[[str], Path], demo_template: Path
) -> None:
    disk = small_disk("4m")
    db = disk / "workspace.locality"
    shutil.copyfile(demo_template, db)
    services = Services.open(db, User("Disk Tester", "Test Org"))
    try:
        earlier = [f"Saved before the disk filled {number}" for number in range(3)]
        for name in earlier:
            services.organisations.create(OrganisationDraft(name=name, notes="kept"))
        ballast = fill(disk)
        refused = None
        for number in range(20):  # the first edits may still fit in pages the file already has
            name = f"Edit on a full disk {number}"
            try:
                services.organisations.create(OrganisationDraft(name=name, notes="n" * 4000, contact_name="x" * 80))
            except WorkspaceError as error:
                message = str(error)
                assert about_disk_space(message), message
                assert error.__cause__ is not None and error_kind(error.__cause__) is DatabaseErrorKind.FULL
                assert "\n" not in message and message.endswith("."), message
                refused = name
                break
            earlier.append(name)  # it was saved: it must survive too
        assert refused is not None, "twenty edits fitted on a full disk"
        ballast.unlink()
        # Once space is freed, the same open workspace saves again (the sentence said "try again").
        services.organisations.create(OrganisationDraft(name="Saved after space was freed"))
    finally:
        services.close()
    check_ok(db)
    names = organisation_names(db)
    assert set(earlier) | {"Saved after space was freed"} <= names
    assert refused not in names


@pytest.mark.timeout(60)
def test_a_write_on_a_full_disk_is_classified_full_by_its_code(small_disk: Callable[[str], Path]) -> None:
    disk = small_disk("256k")
    with closing(sqlite3.connect(disk / "plain.sqlite")) as connection:
        connection.execute("CREATE TABLE note (body BLOB)")
        connection.commit()
        fill(disk)
        with pytest.raises(sqlite3.Error) as raised:
            for _ in range(64):  # the first rows may fit in pages the file already has
                connection.execute("INSERT INTO note VALUES (zeroblob(16384))")
                connection.commit()
    assert error_kind(raised.value) is DatabaseErrorKind.FULL
    assert about_disk_space(describe_database_error(raised.value))


# --------------------------------------------------------------------------- (d) export to a full disk


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_export_to_a_full_disk_keeps_the_older_export(
    fmt: str, small_disk: Callable[[str], Path], demo_workspace_path: Path
) -> None:
    disk = small_disk("1m")
    target = disk / f"plan.{fmt}"
    older = b"the plan exported last month\n"
    target.write_bytes(older)
    fill(disk)

    result = run_locality("export", "--db", str(demo_workspace_path), "--format", fmt, "--out", str(target))

    line = one_line_error(result)
    assert about_disk_space(line), line
    assert target.read_bytes() == older
    assert sorted(os.listdir(disk)) == ["ballast", target.name], "a temporary was left on the full disk"
    check_ok(demo_workspace_path)
