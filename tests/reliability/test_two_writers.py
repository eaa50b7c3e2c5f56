"""Two writers at once: another program holding the write lock is waited for (and, past the wait, refused with one
sentence and nothing written); two editors, two imports and two demos racing each other never lose, mix or
half-write anything.

Every writer is a separate process, as it would be on a shared folder: the ``locality`` command line, a small
script editing through the services, or a plain sqlite3 connection holding a write transaction.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from locality.services.context import User
from locality.services.registry import Services
from locality.store.engine import BUSY_WAIT_SECONDS
from tests.reliability.conftest import DEMO_LABELS, REPOSITORY, check_ok, run_locality

ORGANISATION_HEADER = ["name", "short_name", "type", "sector", "contact_name", "contact_email", "notes"]


# Another program writing to the workspace: it takes the write lock, changes a row and keeps the transaction
# open for argv[3] seconds, or, when argv[3] is "-", until the test writes a line to its stdin.
HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE organisation SET notes = 'changed by another program' WHERE name = ?", (sys.argv[2],))
print("holding", flush=True)
if sys.argv[3] == "-":
    sys.stdin.readline()
else:
    time.sleep(float(sys.argv[3]))
connection.execute("COMMIT")
print("committed", flush=True)
"""

# A second user editing the same workspace through the services: argv[3] organisations, one edit each, named
# "<argv[2]> <number>" (or, with argv[4] given, "<argv[4]> <number>": a name the other editor is creating too).
EDITOR = """
import sys
from locality.domain.errors import DuplicateError
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sys.argv[4] if len(sys.argv) > 4 else tag
services = Services.open(path, User(tag, "Test Org"))
print("open", flush=True)
sys.stdin.readline()  # both editors start together
failures = []
duplicates = 0
try:
    for number in range(count):
        try:
            services.organisations.create(OrganisationDraft(name=f"{names} {number}"))
        except DuplicateError:
            duplicates += 1  # the other editor made it first: refused, as it should be
        except Exception as error:
            failures.append(f"edit {number}: {type(error).__name__}: {error}")
finally:
    services.close()
print(f"failed {len(failures)} refused-as-taken {duplicates}", flush=True)
for failure in failures[:5]:
    print(failure, file=sys.stderr)
sys.exit(1 if failures else 0)
"""


def child_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment["PYTHONPATH"] = str(REPOSITORY)
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def spawn_python(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
    )


def spawn_locality(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "locality", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
    )


def wait_for(process: subprocess.Popen[str], word: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert word in line, line + (process.stderr.read() if process.stderr else "")


def check_counts(path: Path) -> dict[str, int]:
    return check_ok(path)[1]


def one_line_error(returncode: int, stderr: str) -> str:
    assert returncode == 1, stderr
    assert "Traceback" not in stderr and "unexpected problem" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def organisations(path: Path) -> dict[str, str]:
    """Every live organisation's name and notes, read directly (the services are not needed to look)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return dict(connection.execute("SELECT name, notes FROM organisation WHERE deleted_at IS NULL").fetchall())
    finally:
        connection.close()


def change_log_numbers(path: Path) -> tuple[dict[str, list[int]], int, dict[str, int]]:
    """The change log's sequence numbers by replica (in order), this replica's counter, and entries by author."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        numbers: dict[str, list[int]] = {}
        for replica, seq in connection.execute("SELECT replica_id, seq FROM change_log ORDER BY replica_id, seq"):
            numbers.setdefault(replica, []).append(seq)
        [(counter,)] = connection.execute("SELECT last_change_seq FROM workspace_meta").fetchall()
        authors = dict(connection.execute("SELECT author, count(*) FROM change_log GROUP BY author").fetchall())
    finally:
        connection.close()
    return numbers, counter, authors


def assert_numbered_without_gaps_or_repeats(numbers: dict[str, list[int]], counter: int) -> None:
    """Each replica's entries are numbered 1..N, each number once; the newest replica's N is its counter."""
    for replica, seqs in numbers.items():
        assert seqs == list(range(1, len(seqs) + 1)), f"replica {replica}: {len(seqs)} entries, numbers {seqs[:20]}…"
    assert counter in {len(seqs) for seqs in numbers.values()}


def write_organisations_csv(path: Path, prefix: str, rows: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ORGANISATION_HEADER)
        for number in range(rows):
            writer.writerow(
                [f"{prefix} {number}", "", "Police", "Public", "Jo Bloggs", f"jo{number}@example.org", "imported"]
            )
    return path


def with_prefix(names: dict[str, str], prefix: str) -> int:
    return sum(1 for name in names if name.startswith(prefix + " "))


@pytest.fixture
def shared_workspace(demo_workspace_path: Path) -> Path:
    """The small demo, opened once from where it lies (as a user would before sharing it)."""
    Services.open(demo_workspace_path, User("Owner", "Test Org")).close()
    return demo_workspace_path


# --------------------------------------------------------------------------- (a) a short write is waited for


@pytest.mark.timeout(120)
def test_import_waits_for_another_program_writing_briefly(shared_workspace: Path, tmp_path: Path) -> None:
    db = shared_workspace
    victim = sorted(organisations(db))[0]
    source = write_organisations_csv(tmp_path / "partners.csv", "Waited-for partner", 500)
    holder = spawn_python(HOLDER, str(db), victim, "1.5")
    wait_for(holder, "holding")

    result = run_locality("import", "--db", str(db), "--kind", "organisations", str(source))
    out, err = holder.communicate(timeout=60)

    assert holder.returncode == 0 and "committed" in out, out + err
    assert result.returncode == 0, result.stdout + result.stderr
    names = organisations(db)
    assert names[victim] == "changed by another program"
    assert with_prefix(names, "Waited-for partner") == 500
    check_counts(db)


# --------------------------------------------------------------------------- (b) a long write is refused


@pytest.mark.timeout(120)
def test_import_gives_up_on_a_workspace_held_too_long_and_writes_nothing(
    shared_workspace: Path, tmp_path: Path
) -> None:
    db = shared_workspace
    victim = sorted(organisations(db))[0]
    before = organisations(db)
    source = write_organisations_csv(tmp_path / "partners.csv", "Refused partner", 500)
    # Held until the import has given up (at least BUSY_WAIT_SECONDS; about 8 s here), whatever the machine's speed.
    holder = spawn_python(HOLDER, str(db), victim, "-")
    try:
        wait_for(holder, "holding")
        started = time.monotonic()
        result = run_locality("import", "--db", str(db), "--kind", "organisations", str(source))
        waited = time.monotonic() - started
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        out, err = holder.communicate(timeout=60)

    line = one_line_error(result.returncode, result.stderr)
    assert "in use" in line or "busy" in line, line
    assert waited >= BUSY_WAIT_SECONDS - 0.5, f"gave up after {waited:.1f}s without waiting"
    assert holder.returncode == 0 and "committed" in out, out + err
    after = organisations(db)
    assert with_prefix(after, "Refused partner") == 0
    assert after == {**before, victim: "changed by another program"}
    check_counts(db)


# --------------------------------------------------------------------------- (c) two editors at once


@pytest.mark.timeout(180)
def test_two_programs_editing_at_once_lose_nothing_nor_share_a_change_number(shared_workspace: Path) -> None:
    db = shared_workspace
    before = organisations(db)
    editors = [spawn_python(EDITOR, str(db), tag, "200") for tag in ("First editor", "Second editor")]
    for editor in editors:
        wait_for(editor, "open")
    for editor in editors:
        assert editor.stdin is not None
        editor.stdin.write("go\n")
        editor.stdin.flush()
    results = [editor.communicate(timeout=150) for editor in editors]

    failures = [f"{tag}: {out.strip()}\n{err}" for (out, err), tag in zip(results, ("first", "second"), strict=True)]
    assert all(editor.returncode == 0 for editor in editors), "\n".join(failures)
    after = organisations(db)
    assert with_prefix(after, "First editor") == 200
    assert with_prefix(after, "Second editor") == 200
    assert len(after) == len(before) + 400
    check_counts(db)
    # Each edit logged once, and the two programs never took the same change-log number nor skipped one.
    numbers, counter, authors = change_log_numbers(db)
    assert authors["First editor"] == authors["Second editor"] == 200
    assert_numbered_without_gaps_or_repeats(numbers, counter)
    assert counter == 400  # this copy's replica (opened from its own path) has logged only the two editors' edits


# --------------------------------------------------------------------------- (d) two imports at once


@pytest.mark.timeout(180)
def test_two_imports_at_once_are_each_whole_or_refused(shared_workspace: Path, tmp_path: Path) -> None:
    db = shared_workspace
    outcomes = []
    for round_number in range(3):
        prefixes = [f"Round {round_number} file {side}" for side in "AB"]
        sources = [write_organisations_csv(tmp_path / f"{prefix}.csv", prefix, 1500) for prefix in prefixes]
        imports = [
            spawn_locality("import", "--db", str(db), "--kind", "organisations", str(source)) for source in sources
        ]
        results = [process.communicate(timeout=120) for process in imports]
        names = organisations(db)
        for process, (_out, err), prefix in zip(imports, results, prefixes, strict=True):
            if process.returncode == 0:
                assert with_prefix(names, prefix) == 1500, f"{prefix}: reported success, partly written"
                outcomes.append(f"{prefix}: imported")
            else:
                line = one_line_error(process.returncode, err)
                assert "in use" in line or "busy" in line, line
                assert with_prefix(names, prefix) == 0, f"{prefix}: refused, yet wrote rows"
                outcomes.append(f"{prefix}: refused ({line})")
        check_counts(db)
    print("\n".join(outcomes))


# --------------------------------------------------------------------------- (e) two demos into one new file


@pytest.mark.timeout(240)
def test_two_demos_into_the_same_new_file_one_wins_whole(demo_template: Path, tmp_path: Path) -> None:
    reference = check_counts(demo_template)
    expected = {label: reference[label] for label in DEMO_LABELS}
    outcomes = []
    for round_number in range(3):
        folder = tmp_path / f"round-{round_number}"
        folder.mkdir()
        target = folder / "new.locality"
        demos = [spawn_locality("demo", "--db", str(target)) for _ in range(2)]
        results = [process.communicate(timeout=120) for process in demos]
        codes = sorted(process.returncode for process in demos)
        assert codes == [0, 1], f"round {round_number}: exit codes {codes}\n{results}"
        for process, (_out, err) in zip(demos, results, strict=True):
            if process.returncode == 1:
                outcomes.append(one_line_error(1, err))
        counts = check_counts(target)
        assert {label: counts[label] for label in DEMO_LABELS} == expected, f"round {round_number}: {counts}"
        assert sorted(os.listdir(folder)) == ["new.locality"], f"round {round_number}: left {os.listdir(folder)}"
    print("\n".join(outcomes))


# --------------------------------------------------------------------------- (f) two editors, the same names


@pytest.mark.timeout(180)
def test_two_programs_creating_the_same_names_at_once_make_each_only_once(shared_workspace: Path) -> None:
    """An organisation's name is unique: of two editors creating "Partner 7" at the same moment, one is told the
    name is taken."""
    db = shared_workspace
    editors = [spawn_python(EDITOR, str(db), tag, "200", "Contested partner") for tag in ("First", "Second")]
    for editor in editors:
        wait_for(editor, "open")
    for editor in editors:
        assert editor.stdin is not None
        editor.stdin.write("go\n")
        editor.stdin.flush()
    results = [editor.communicate(timeout=150) for editor in editors]
    assert all(editor.returncode == 0 for editor in editors), results

    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        made = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM organisation WHERE deleted_at IS NULL AND name LIKE 'Contested partner %'"
            )
        ]
    finally:
        connection.close()
    duplicated = sorted({name for name in made if made.count(name) > 1})
    assert len(made) == 200 and not duplicated, (
        f"{len(made)} organisations for 200 names; made twice: {duplicated[:10]} ({[out for out, _ in results]})"
    )
