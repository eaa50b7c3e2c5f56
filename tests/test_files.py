"""Atomic writing: never over a workspace, through symbolic links, and tidying what killed writers left."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from locality.files import (
    FileWriteError,
    atomic_path,
    atomic_write_bytes,
    remove_stale_temporaries,
    temporary_prefix,
    workspace_refusal,
)


def make_database(path: Path) -> bytes:
    with sqlite3.connect(path) as connection:
        connection.execute("create table t (x)")
        connection.execute("insert into t values (1)")
    connection.close()
    return path.read_bytes()


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_a_new_file_and_replaces_an_ordinary_one(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert temporaries(tmp_path) == []


def test_an_error_while_writing_leaves_the_target_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    target.write_bytes(b"before")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("stop")
    assert target.read_bytes() == b"before"
    assert temporaries(tmp_path) == []


def test_refuses_to_replace_a_database(tmp_path: Path) -> None:
    workspace = tmp_path / "work.locality"
    before = make_database(workspace)
    with pytest.raises(FileWriteError) as raised:
        atomic_write_bytes(workspace, b"plan")
    assert str(raised.value) == (
        "work.locality is a Locality workspace; choose another file name so it is not overwritten."
    )
    assert workspace.read_bytes() == before
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
def test_refuses_a_side_file_of_an_existing_file(tmp_path: Path, suffix: str) -> None:
    workspace = tmp_path / "work.locality"
    make_database(workspace)
    side = tmp_path / f"work.locality{suffix}"
    with pytest.raises(FileWriteError, match="belongs to the workspace work.locality"):
        atomic_write_bytes(side, b"plan")
    assert not side.exists()


def test_a_side_name_without_its_file_may_be_written(tmp_path: Path) -> None:
    atomic_write_bytes(tmp_path / "notes-journal", b"ok")
    assert (tmp_path / "notes-journal").read_bytes() == b"ok"


def test_refuses_through_a_symbolic_link_and_another_spelling(tmp_path: Path) -> None:
    workspace = tmp_path / "work.locality"
    before = make_database(workspace)
    link = tmp_path / "plan.pdf"
    link.symlink_to(workspace)
    (tmp_path / "sub").mkdir()
    for target in (link, tmp_path / "sub" / ".." / "work.locality"):
        with pytest.raises(FileWriteError, match="is a Locality workspace"):
            atomic_write_bytes(target, b"plan")
    assert workspace.read_bytes() == before and link.is_symlink()


def test_a_workspace_that_appears_while_writing_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "late.locality"
    with pytest.raises(FileWriteError, match="is a Locality workspace"), atomic_path(target) as temporary:
        temporary.write_bytes(b"plan")
        make_database(target)  # another program creates a workspace there meanwhile
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    assert temporaries(tmp_path) == []


def test_a_new_database_can_be_created_where_there_is_none(tmp_path: Path) -> None:
    target = tmp_path / "new.locality"
    with atomic_path(target) as temporary:
        make_database(temporary)
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    assert workspace_refusal(target) is not None


def test_writes_through_a_symbolic_link_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "real" / "plan.csv"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "plan.csv"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert temporaries(tmp_path) == [] and temporaries(real.parent) == []


def test_a_dangling_link_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "plan.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="is a folder"):
        atomic_write_bytes(tmp_path, b"x")


def test_the_temporary_carries_the_writer(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "plan.csv") as temporary:
        assert temporary.name.startswith(temporary_prefix("plan.csv"))
        assert f"-{os.getpid()}-" in temporary.name and temporary.name.endswith(".tmp")


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    own = temporary_prefix("plan.csv")
    dead = tmp_path / (own.replace(f"-{os.getpid()}-", f"-{dead_pid()}-") + "abcd1234.tmp")
    live = tmp_path / (own + "zzzz9999.tmp")  # this process: still writing
    parent = tmp_path / (own.replace(f"-{os.getpid()}-", f"-{os.getppid()}-") + "pppp1111.tmp")
    old_form_old = tmp_path / ".plan.csv.k2j4h5g6.tmp"
    old_form_new = tmp_path / ".plan.csv.q1w2e3r4.tmp"
    someone_elses = tmp_path / ".notes.txt.swp.tmp"
    for path in (dead, live, parent, old_form_old, old_form_new, someone_elses):
        path.write_bytes(b"x")
    hour_ago = time.time() - 3700
    os.utime(old_form_old, (hour_ago, hour_ago))
    os.utime(someone_elses, (hour_ago, hour_ago))
    # The parent started long before its temporary was written: still its writer, so kept.
    os.utime(parent, None)
    removed = remove_stale_temporaries(tmp_path, "plan.csv")
    assert sorted(p.name for p in removed) == sorted([dead.name, old_form_old.name])
    assert live.exists() and parent.exists() and old_form_new.exists() and someone_elses.exists()


def test_a_reused_process_id_does_not_keep_a_temporary(tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("process start times are read from /proc")
    parent = tmp_path / (temporary_prefix("plan.csv").replace(f"-{os.getpid()}-", f"-{os.getppid()}-") + "a1.tmp")
    parent.write_bytes(b"x")
    long_ago = time.time() - 10 * 365 * 24 * 3600  # written before that process started: not its temporary
    os.utime(parent, (long_ago, long_ago))
    assert remove_stale_temporaries(tmp_path) == [parent]


def test_writing_tidies_what_a_killed_writer_left(tmp_path: Path) -> None:
    own = temporary_prefix("plan.csv")
    stale = tmp_path / (own.replace(f"-{os.getpid()}-", f"-{dead_pid()}-") + "abcd1234.tmp")
    stale.write_bytes(b"half an export")
    atomic_write_bytes(tmp_path / "plan.csv", b"whole")
    assert temporaries(tmp_path) == []


def test_side_files_of_a_killed_writers_temporary_go_with_it(tmp_path: Path) -> None:
    own = temporary_prefix("new.locality")
    stale = own.replace(f"-{os.getpid()}-", f"-{dead_pid()}-") + "abcd1234.tmp"
    live = own + "zzzz9999.tmp"
    names = [stale, stale + "-journal", stale + "-wal", live, live + "-journal"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = remove_stale_temporaries(tmp_path, "new.locality")
    assert sorted(path.name for path in removed) == sorted(names[:3])
    assert sorted(path.name for path in tmp_path.glob(".*")) == sorted([live, live + "-journal"])
