"""kill -9 at random points of import, demo, export and an upgrade: afterwards ``locality check`` passes, every edit
committed before the kill is still there, and what the killed command was writing is there whole or not at all.

Each kill point is drawn from a seeded ``random.Random``: the child is started, the test waits for a sign that it
has reached some stage (it started, a journal or a temporary file appeared, it printed a line), then sleeps a
random part of how long that stage took in an uninterrupted calibration run, and sends SIGKILL. A child that
finished before its moment is still checked (that point simply was not a kill).
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from tests.reliability.conftest import DEMO_LABELS, REPOSITORY, check_ok, run_locality

SEED = 20081001
NEEDS_HEADER = ["title", "description", "theme", "organisations", "priority", "source", "status", "identified_on"]


# --------------------------------------------------------------------------- children and kills


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    environment["PYTHONPATH"] = str(REPOSITORY)
    environment["PYTHONUNBUFFERED"] = "1"
    if extra:
        environment.update(extra)
    return environment


def spawn(argv: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_environment(),
    )


def spawn_locality(*args: str) -> subprocess.Popen[str]:
    return spawn([sys.executable, "-m", "locality", *args])


def spawn_python(script: str, *args: str) -> subprocess.Popen[str]:
    return spawn([sys.executable, "-c", textwrap.dedent(script), *args])


@dataclass
class Timing:
    """How long an uninterrupted run took, and for each trigger the longest stretch (seconds after the start) in
    which it held (a journal or a temporary file existed)."""

    total: float
    stretches: dict[str, tuple[float, float]]

    def window_after_trigger(self, name: str = "trigger") -> float:
        if name not in self.stretches:
            return self.total
        first, last = self.stretches[name]
        return max(last - first, 0.005)

    def seen(self, name: str = "trigger") -> bool:
        return name in self.stretches


def calibrate(
    process: subprocess.Popen[str], trigger: Callable[[], bool] | None = None, **others: Callable[[], bool]
) -> Timing:
    """Runs ``process`` to the end, watching its triggers (``trigger`` and any named ``others``)."""
    triggers = {**({"trigger": trigger} if trigger is not None else {}), **others}
    start = time.monotonic()
    longest: dict[str, tuple[float, float]] = {}
    current: dict[str, float] = {}
    while process.poll() is None:
        now = time.monotonic() - start
        for name, holds in triggers.items():
            if holds():
                began = current.setdefault(name, now)
                if name not in longest or now - began > longest[name][1] - longest[name][0]:
                    longest[name] = (began, now)
            else:
                current.pop(name, None)
        time.sleep(0.0005)
    total = time.monotonic() - start
    out, err = process.communicate()
    assert process.returncode == 0, out + err
    return Timing(total, longest)


@dataclass
class Kill:
    label: str
    delay: float  # the random part of the wait, after the trigger
    at: float  # seconds after the child started
    killed: bool  # False when the child finished before its moment
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        what = "killed" if self.killed else f"finished first (exit {self.returncode})"
        return f"{self.label}: {what} at {self.at:.2f}s (random delay {self.delay:.3f}s)"


def kill_at_random_point(
    process: subprocess.Popen[str],
    rng: random.Random,
    *,
    label: str,
    window: float,
    trigger: Callable[[], bool] | None = None,
    trigger_timeout: float = 60.0,
    earliest: float = 0.0,
) -> Kill:
    """Waits for ``trigger`` (if any), then a random time between ``earliest`` and ``window`` seconds, then sends
    SIGKILL to ``process``."""
    start = time.monotonic()
    if trigger is not None:
        while process.poll() is None and not trigger():
            assert time.monotonic() - start < trigger_timeout, f"{label}: the trigger never fired"
            time.sleep(0.0005)
    delay = rng.uniform(earliest, max(window, earliest))
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    at = time.monotonic() - start
    out, err = process.communicate(timeout=30)
    killed = process.returncode == -signal.SIGKILL
    if not killed:
        assert process.returncode == 0, f"{label}: exit {process.returncode}\n{out}{err}"
    return Kill(label, delay, at, killed, process.returncode, out, err)


def appeared(folder: Path, pattern: str) -> Callable[[], bool]:
    return lambda: any(folder.glob(pattern))


def exists(path: Path) -> Callable[[], bool]:
    return path.exists


def printed(process: subprocess.Popen[str], word: str) -> Callable[[], bool]:
    """A trigger that reads the child's output until it prints ``word`` (blocking: the child prints promptly)."""

    def trigger() -> bool:
        assert process.stdout is not None
        while True:
            line = process.stdout.readline()
            if not line:
                return True  # the child ended; the kill is moot
            if word in line:
                return True

    return trigger


# --------------------------------------------------------------------------- looking at a workspace


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only look that cannot roll a hot journal back: it fails if ``check`` did not recover the file."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def organisation_names(path: Path) -> set[str]:
    connection = read_only(path)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM organisation WHERE deleted_at IS NULL")}
    finally:
        connection.close()


def funding_source_names(path: Path) -> set[str]:
    connection = read_only(path)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM funding_source")}
    finally:
        connection.close()


def commit_edits(path: Path, tag: str, count: int = 2) -> list[str]:
    """Creates organisations through the services, one committed edit each, and returns their names."""
    services = Services.open(path, User("Kill Tester", "Test Org"))
    try:
        names = [f"Committed {tag} {number}" for number in range(count)]
        for name in names:
            services.organisations.create(OrganisationDraft(name=name, notes=f"made before {tag}"))
    finally:
        services.close()
    return names


def journal_of(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def hot_journal_left(path: Path) -> bool:
    """Whether a rollback journal that SQLite must replay is beside ``path``: one whose header was synced (it
    starts with SQLite's magic). A journal whose header is still zero was killed before any page of the file was
    touched; SQLite ignores it (and overwrites it on the next write), so it is not hot."""
    try:
        with open(journal_of(path), "rb") as handle:
            return handle.read(len(JOURNAL_MAGIC)) == JOURNAL_MAGIC
    except FileNotFoundError:
        return False


def assert_no_journal(path: Path) -> None:
    assert not hot_journal_left(path), f"{journal_of(path).name} is still hot after check"


def temporaries(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if ".tmp" in name)


def write_needs_csv(path: Path, organisations: list[str], prefix: str, rows: int, description_length: int = 60) -> Path:
    """``rows`` needs, each linked to two of ``organisations`` (the demo's), with distinct titles."""
    filler = ("Partners hold separate records on the same families and places. " * 40)[:description_length]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(NEEDS_HEADER)
        for number in range(rows):
            writer.writerow(
                [
                    f"{prefix} need {number}",
                    filler,
                    "Community engagement" if number % 2 else "Service improvement: Community safety",
                    f"{organisations[number % len(organisations)]}; {organisations[(number + 5) % len(organisations)]}",
                    ("High", "Medium", "Low")[number % 3],
                    "Workshop",
                    "Agreed",
                    "2008-04-01",
                ]
            )
    return path


def demo_organisations(path: Path) -> list[str]:
    return sorted(name for name in organisation_names(path) if not name.startswith("Committed "))


@pytest.fixture(scope="module")
def big_workspace(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    """The small demo with 4,000 more needs with long descriptions (about 15 MB): a big table to migrate and a
    file that takes a moment to copy."""
    folder = tmp_path_factory.mktemp("big")
    path = folder / "big.locality"
    shutil.copyfile(demo_template, path)
    source = write_needs_csv(folder / "needs.csv", demo_organisations(path), "Big", 4000, description_length=1000)
    data = folder / "data"
    data.mkdir()
    result = run_locality(
        "import", "--db", str(path), "--kind", "needs", str(source), env={"LOCALITY_DATA_DIR": str(data)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return path


# --------------------------------------------------------------------------- import

IMPORT_ROWS = 4000


@pytest.mark.timeout(240)
def test_import_killed_at_random_points_is_all_or_nothing(demo_workspace_path: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    db = demo_workspace_path
    organisations = demo_organisations(db)
    calibration = tmp_path / "calibration" / "calibration.locality"
    calibration.parent.mkdir()
    shutil.copyfile(db, calibration)
    commit_edits(calibration, "calibration")  # opened here first, as the workspace under attack is
    source = write_needs_csv(tmp_path / "needs-calibration.csv", organisations, "Calibration", IMPORT_ROWS)
    timing = calibrate(
        spawn_locality("import", "--db", str(calibration), "--kind", "needs", str(source)),
        writing=exists(journal_of(calibration)),
        committing=lambda: hot_journal_left(calibration),
    )
    assert timing.seen("writing") and timing.seen("committing"), f"the import never wrote a journal: {timing}"

    _, counts = check_ok(db)
    needs = counts["needs"]
    remembered: list[str] = []
    kills: list[Kill] = []
    recovered = 0
    # From the start (reading, checking rows), once the transaction has begun (the journal appears, the file is
    # untouched), and while it commits (the journal is synced and pages are being written into the file).
    modes = ["committing", "from start", "writing", "committing", "from start", "committing"]
    for number, mode in enumerate(modes):
        source = write_needs_csv(tmp_path / f"needs-{number}.csv", organisations, f"Round {number}", IMPORT_ROWS)
        remembered += commit_edits(db, f"import kill {number}")
        process = spawn_locality("import", "--db", str(db), "--kind", "needs", str(source))
        label = f"import {number} ({mode})"
        if mode == "from start":
            kill = kill_at_random_point(process, rng, label=label, window=timing.total)
        elif mode == "writing":
            window = timing.window_after_trigger("writing")
            kill = kill_at_random_point(process, rng, label=label, window=window, trigger=exists(journal_of(db)))
        else:
            window = timing.window_after_trigger("committing") * 0.6
            kill = kill_at_random_point(process, rng, label=label, window=window, trigger=lambda: hot_journal_left(db))
        kills.append(kill)
        hot = hot_journal_left(db)
        output, counts = check_ok(db)
        if hot:
            assert "Recovered:" in output, f"{kill}: a journal was left but check did not roll it back\n{output}"
            recovered += 1
        assert_no_journal(db)
        assert counts["needs"] in (needs, needs + IMPORT_ROWS), f"{kill}: partial import ({counts['needs']} needs)"
        if not kill.killed:
            assert counts["needs"] == needs + IMPORT_ROWS, str(kill)
        needs = counts["needs"]
        missing = set(remembered) - organisation_names(db)
        assert not missing, f"{kill}: committed edits lost: {sorted(missing)}"
    print("\n".join(map(str, kills)), f"\nhot journals rolled back: {recovered}")
    assert any(kill.killed for kill in kills), "no kill point landed while the import ran"
    assert recovered >= 1, "no kill point landed while the import was committing"


# --------------------------------------------------------------------------- demo


def demo_counts(counts: dict[str, int]) -> dict[str, int]:
    return {label: counts[label] for label in DEMO_LABELS}


@pytest.mark.timeout(240)
def test_demo_into_a_new_file_killed_leaves_nothing_or_the_whole_demo(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    reference = tmp_path / "reference" / "reference.locality"
    reference.parent.mkdir()
    timing = calibrate(
        spawn_locality("demo", "--db", str(reference)),
        appeared(reference.parent, ".reference.locality.locality-*.tmp"),
    )
    _, expected = check_ok(reference)
    assert expected["actions"] > 0

    folder = tmp_path / "demos"
    folder.mkdir()
    target = folder / "new.locality"
    kills: list[Kill] = []
    outcomes: list[str] = []
    building = timing.window_after_trigger()
    # From the start; at any moment once the workspace is being built aside; and near the end of the build, when
    # it is committed, synced and linked into place.
    for number, mode in enumerate(["from start", "once building", "late", "from start", "late"]):
        process = spawn_locality("demo", "--db", str(target))
        label = f"demo {number} ({mode})"
        if mode == "from start":
            kill = kill_at_random_point(process, rng, label=label, window=timing.total)
        else:
            kill = kill_at_random_point(
                process,
                rng,
                label=label,
                window=building * 1.05,
                earliest=building * 0.8 if mode == "late" else 0.0,
                # This child's own temporary (the id is in its name), not one a killed predecessor left.
                trigger=appeared(folder, f".new.locality.locality-*-{process.pid}-*.tmp"),
            )
        kills.append(kill)
        assert not journal_of(target).exists(), f"{kill}: a journal beside the new workspace"
        if target.exists():
            _, counts = check_ok(target)
            assert counts == expected, f"{kill}: the new workspace is not the whole demo"
            outcomes.append("whole demo")
            target.unlink()  # the next round creates it again
        else:
            assert kill.killed, f"{kill}: finished but left no workspace"
            left = [name for name in os.listdir(folder) if not name.startswith(".new.locality.locality-")]
            assert left == [], f"{kill}: left {left}"
            outcomes.append(f"nothing ({len(temporaries(folder))} temporaries of the killed builder)")
    # The next command that writes in the folder tidies whatever the killed builders left.
    result = run_locality("demo", "--db", str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(os.listdir(folder)) == ["new.locality"]
    _, counts = check_ok(target)
    assert counts == expected
    print("\n".join(f"{kill} -> {outcome}" for kill, outcome in zip(kills, outcomes, strict=True)))
    assert any(kill.killed for kill in kills), "no kill point landed while demo ran"


@pytest.mark.timeout(240)
def test_demo_into_an_existing_empty_workspace_killed_is_all_or_nothing(
    template_workspace: Path, tmp_path: Path
) -> None:
    """demo also fills an existing empty workspace (one transaction): killed, it holds the whole demo or none."""
    rng = random.Random(SEED + 2)
    calibration = tmp_path / "calibration.locality"
    shutil.copyfile(template_workspace, calibration)
    add_funding_sources(calibration, "calibration")
    timing = calibrate(spawn_locality("demo", "--db", str(calibration)), exists(journal_of(calibration)))
    _, counts = check_ok(calibration)
    expected = demo_counts(counts)
    nothing = dict.fromkeys(DEMO_LABELS, 0)

    kills: list[Kill] = []
    emptied: Path | None = None
    for number in range(2):
        db = tmp_path / f"empty-{number}.locality"
        shutil.copyfile(template_workspace, db)
        remembered = add_funding_sources(db, f"demo kill {number}")
        process = spawn_locality("demo", "--db", str(db))
        if number == 0:
            kill = kill_at_random_point(process, rng, label="demo into empty (from start)", window=timing.total)
        else:
            kill = kill_at_random_point(
                process,
                rng,
                label="demo into empty (once writing)",
                window=timing.window_after_trigger(),
                trigger=exists(journal_of(db)),
            )
        kills.append(kill)
        hot = hot_journal_left(db)
        output, counts = check_ok(db)
        if hot:
            assert "Recovered:" in output, output
        assert_no_journal(db)
        assert demo_counts(counts) in (nothing, expected), f"{kill}: partial demo {demo_counts(counts)}"
        if demo_counts(counts) == nothing:
            assert kill.killed
            emptied = db
        missing = set(remembered) - funding_source_names(db)
        assert not missing, f"{kill}: committed edits lost: {sorted(missing)}"
    print("\n".join(map(str, kills)))
    assert any(kill.killed for kill in kills)
    if emptied is not None:
        # A killed demo leaves the workspace empty, so demo can simply be run again.
        result = run_locality("demo", "--db", str(emptied))
        assert result.returncode == 0, result.stdout + result.stderr
        _, counts = check_ok(emptied)
        assert demo_counts(counts) == expected


def add_funding_sources(path: Path, tag: str) -> list[str]:
    """Committed edits that leave a workspace empty enough for demo: new funding sources."""
    services = Services.open(path, User("Kill Tester", "Test Org"))
    try:
        names = [f"Fund {tag} {number}" for number in range(2)]
        for name in names:
            services.vocabulary.add_funding_source(name)
    finally:
        services.close()
    return names


# --------------------------------------------------------------------------- export

OLDER_EXPORT = b"an older export the user keeps\n"


def is_complete(fmt: str, written: Path, reference: Path) -> bool:
    if fmt == "csv":
        return written.read_bytes() == reference.read_bytes()
    if fmt == "xlsx":
        import openpyxl

        try:
            books = [openpyxl.load_workbook(path, read_only=True) for path in (written, reference)]
        except Exception:  # a truncated workbook is not a complete file
            return False
        shape = [[(sheet.title, sheet.max_row, sheet.max_column) for sheet in book.worksheets] for book in books]
        for book in books:
            book.close()
        return shape[0] == shape[1]
    if fmt == "pdf":
        import pypdf

        data = written.read_bytes()
        if not data.startswith(b"%PDF") or not data.rstrip().endswith(b"%%EOF"):
            return False
        return len(pypdf.PdfReader(written).pages) == len(pypdf.PdfReader(reference).pages)
    raise AssertionError(fmt)


@pytest.mark.timeout(240)
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_export_killed_leaves_the_old_file_or_a_complete_one(
    fmt: str, demo_workspace_path: Path, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-{fmt}")
    db = demo_workspace_path
    calibration = tmp_path / "calibration"
    calibration.mkdir()
    timing = calibrate(
        spawn_locality("export", "--db", str(db), "--format", fmt, "--out", str(calibration / f"plan.{fmt}")),
        appeared(calibration, f".plan.{fmt}.locality-*.tmp"),
    )
    folder = tmp_path / "out"
    folder.mkdir()
    remembered: list[str] = []
    kills: list[Kill] = []
    for number, existed in enumerate((True, False)):
        target = folder / f"plan-{number}.{fmt}"
        if existed:
            target.write_bytes(OLDER_EXPORT)
        remembered += commit_edits(db, f"{fmt} export kill {number}")
        process = spawn_locality("export", "--db", str(db), "--format", fmt, "--out", str(target))
        if number == 0:
            kill = kill_at_random_point(
                process, rng, label=f"export {fmt} over a file (from start)", window=timing.total
            )
        else:
            kill = kill_at_random_point(
                process,
                rng,
                label=f"export {fmt} to a new file (once writing)",
                window=timing.window_after_trigger(),
                trigger=appeared(folder, f".plan-{number}.{fmt}.locality-*.tmp"),
            )
        kills.append(kill)
        check_ok(db)
        missing = set(remembered) - organisation_names(db)
        assert not missing, f"{kill}: committed edits lost: {sorted(missing)}"
        # A second export run into the same folder succeeds and tidies what the killed one left.
        reference = folder / f"reference-{number}.{fmt}"
        result = run_locality("export", "--db", str(db), "--format", fmt, "--out", str(reference))
        assert result.returncode == 0, result.stdout + result.stderr
        assert temporaries(folder) == [], f"{kill}: temporaries left after a second export"
        if not target.exists():
            assert not existed, f"{kill}: the older export at the target vanished"
            assert kill.killed, f"{kill}: finished without writing the target"
        elif not (existed and target.read_bytes() == OLDER_EXPORT):
            assert is_complete(fmt, target, reference), f"{kill}: the target is a half-written file"
        else:
            assert kill.killed, f"{kill}: finished without replacing the target"
    print("\n".join(map(str, kills)))
    assert any(kill.killed for kill in kills)


# --------------------------------------------------------------------------- an upgrade killed half-way

# What a migration does, in one transaction as Alembic runs it on SQLite, with a tiny page cache so that changed
# pages spill into the file before the commit that never comes: the file alone is half-migrated.
MIGRATION = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size=16")
connection.execute("BEGIN IMMEDIATE")
print("begun", flush=True)
connection.execute("ALTER TABLE need ADD COLUMN migrated_note TEXT")
connection.execute("UPDATE need SET migrated_note = title || ' (migrated)', description = description || ' (moved)'")
connection.execute("CREATE TABLE migration_scratch (id INTEGER PRIMARY KEY, body TEXT)")
connection.execute("INSERT INTO migration_scratch (body) SELECT description FROM need")
connection.execute("UPDATE alembic_version SET version_num = '0002_simulated'")
print("migrated", flush=True)
time.sleep(120)
"""


def schema_of(path: Path) -> tuple[set[str], set[str], str]:
    connection = read_only(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = {row[1] for row in connection.execute("PRAGMA table_info(need)")}
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return tables, columns, revision
    finally:
        connection.close()


def digest(path: Path) -> bytes:
    import hashlib

    return hashlib.sha256(path.read_bytes()).digest()


@pytest.mark.timeout(240)
def test_upgrade_killed_half_way_is_rolled_back(big_workspace: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED + 3)
    calibration = tmp_path / "calibration.locality"
    shutil.copyfile(big_workspace, calibration)
    process = spawn_python(MIGRATION, str(calibration))
    assert process.stdout is not None
    assert "begun" in process.stdout.readline()
    started = time.monotonic()
    assert "migrated" in process.stdout.readline()
    work = time.monotonic() - started
    process.kill()
    process.communicate()

    db = tmp_path / "workspace.locality"
    shutil.copyfile(big_workspace, db)
    before_tables, before_columns, before_revision = schema_of(db)
    _, counts = check_ok(db)
    needs = counts["needs"]
    remembered: list[str] = []
    kills: list[Kill] = []
    half_written = 0
    for number in range(3):
        remembered += commit_edits(db, f"upgrade kill {number}")
        before = digest(db)
        process = spawn_python(MIGRATION, str(db))
        kill = kill_at_random_point(
            process, rng, label=f"migration {number}", window=work * 1.3, trigger=printed(process, "begun")
        )
        assert kill.killed, "the simulated migration never commits; it must have been killed"
        kills.append(kill)
        hot = hot_journal_left(db)
        half_written += digest(db) != before
        if number % 2:
            # The user's next step may be the upgrade itself: it too finds the workspace recovered and current.
            result = run_locality("upgrade", "--db", str(db))
            assert result.returncode == 0, result.stdout + result.stderr
            assert "already at the latest schema" in result.stdout, result.stdout
        output, counts = check_ok(db)
        if hot and number % 2 == 0:
            assert "Recovered:" in output, output
        assert_no_journal(db)
        assert schema_of(db) == (before_tables, before_columns, before_revision), f"{kill}: half-migrated"
        assert counts["needs"] == needs
        missing = set(remembered) - organisation_names(db)
        assert not missing, f"{kill}: committed edits lost: {sorted(missing)}"
        # (Kills land before, during and after the migration's writes; each must roll back.)
    print("\n".join(map(str, kills)), f"\nkills that left changed pages in the file itself: {half_written}")
    assert half_written >= 1, "no kill left a half-migrated file to recover"


# --------------------------------------------------------------------------- a backup killed mid-copy

BACKUP = """
import sys
from pathlib import Path
from locality.store.upgrade import backup_workspace_file
print("ready", flush=True)
print(backup_workspace_file(Path(sys.argv[1]), "killed"), flush=True)
"""


@pytest.mark.timeout(240)
def test_backup_killed_mid_copy_leaves_the_workspace_and_no_half_backup(big_workspace: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED + 4)
    calibration = tmp_path / "calibration"
    calibration.mkdir()
    shutil.copyfile(big_workspace, calibration / "work.locality")
    timing = calibrate(
        spawn_python(BACKUP, str(calibration / "work.locality")),
        appeared(calibration, ".work.backup-killed-*.locality.locality-*.tmp"),
    )
    folder = tmp_path / "work"
    folder.mkdir()
    db = folder / "work.locality"
    shutil.copyfile(big_workspace, db)
    remembered: list[str] = []
    kills: list[Kill] = []
    partial_sizes: list[str] = []
    for number in range(3):
        remembered += commit_edits(db, f"backup kill {number}")
        before = digest(db)
        process = spawn_python(BACKUP, str(db))
        pattern = ".work.backup-killed-*.locality.locality-*.tmp"
        kill = kill_at_random_point(
            process,
            rng,
            label=f"backup {number}",
            window=timing.window_after_trigger() * 1.2,
            trigger=appeared(folder, pattern),
        )
        kills.append(kill)
        partial_sizes += [f"{path.stat().st_size:,}/{db.stat().st_size:,}" for path in folder.glob(pattern)]
        assert digest(db) == before, f"{kill}: the backup changed the workspace"
        check_ok(db)
        missing = set(remembered) - organisation_names(db)
        assert not missing, f"{kill}: committed edits lost: {sorted(missing)}"
        for backup in folder.glob("work.backup-killed-*.locality"):
            assert digest(backup) == before, f"{kill}: {backup.name} is not a whole copy"
        # The next write in the folder removes the killed writer's temporary.
        result = run_locality("export", "--db", str(db), "--format", "csv", "--out", str(folder / "plan.csv"))
        assert result.returncode == 0, result.stdout + result.stderr
        assert temporaries(folder) == [], f"{kill}: temporaries left after the next write"
    print("\n".join(map(str, kills)), f"\ntemporaries at the kill (bytes written/size): {partial_sizes}")
    assert any(kill.killed for kill in kills)


@pytest.mark.timeout(240)
def test_copy_killed_leaves_the_original_as_it_was_and_nothing_or_a_whole_copy(
    demo_workspace_path: Path, tmp_path: Path
) -> None:
    """``locality copy`` killed at random moments: the workspace copied from is only read (byte-identical after
    every kill), and the new file is either absent or a whole workspace with the original's counts."""
    rng = random.Random(SEED + 7)
    original = demo_workspace_path.read_bytes()
    _, expected = check_ok(demo_workspace_path)
    folder = tmp_path / "copies"
    folder.mkdir()
    target = folder / "copy.locality"
    timing = calibrate(
        spawn_locality("copy", "--from", str(demo_workspace_path), "--to", str(target)),
        appeared(folder, ".copy.locality.locality-*.tmp"),
    )
    target.unlink()
    writing = timing.window_after_trigger()
    kills: list[Kill] = []
    # Half from the start, half at any moment once the copy is being written aside (rows going in, then synced
    # and linked into place).
    for number, from_start in enumerate([True, False, False, True, False, False]):
        process = spawn_locality("copy", "--from", str(demo_workspace_path), "--to", str(target))
        if from_start:
            kill = kill_at_random_point(process, rng, label=f"copy {number} (from start)", window=timing.total)
        else:
            kill = kill_at_random_point(
                process,
                rng,
                label=f"copy {number} (writing)",
                window=writing * 1.05,
                trigger=appeared(folder, f".copy.locality.locality-*-{process.pid}-*.tmp"),
            )
        kills.append(kill)
        assert demo_workspace_path.read_bytes() == original, f"{kill}: the original changed"
        if target.exists():
            _, counts = check_ok(target)
            assert counts == expected, f"{kill}: the copy is not whole"
            target.unlink()
        else:
            left = [name for name in os.listdir(folder) if not name.startswith(".copy.locality.locality-")]
            assert left == [], f"{kill}: left {left}"
    # The next copy into the folder tidies whatever the killed ones left.
    result = run_locality("copy", "--from", str(demo_workspace_path), "--to", str(target))
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(os.listdir(folder)) == ["copy.locality"]
    print("\n".join(str(kill) for kill in kills))
    assert any(kill.killed for kill in kills), "no kill point landed while the copy ran"
