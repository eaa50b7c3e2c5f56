"""No writer replaces a workspace, a killed writer's temporary is tidied on the next run, a symbolic link is
written through rather than replaced, and a closed pipe or a failed import leaves nothing odd behind.

Each case runs the command line in a child process, as a user would (``run_locality``), or runs a writer in this
process against real files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from locality.domain.errors import WorkspaceError
from locality.exchange.chase_export import write_chase_csv, write_email_drafts
from locality.exchange.export import export_plan
from locality.exchange.matrix_export import export_matrix
from locality.exchange.update_sheet import write_update_sheet
from locality.files import FileWriteError, atomic_copy
from locality.services.context import User
from locality.services.demo import DEMO_TODAY
from locality.services.needs_map import MatrixFilter
from locality.services.plan import PlanFilters
from locality.services.registry import Services
from tests.reliability.conftest import REPOSITORY, run_locality

REFUSAL = "choose another file name so it is not overwritten."


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temporaries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected problem" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


# --------------------------------------------------------------------------- export --out onto a workspace


@pytest.mark.parametrize("spelling", ["same path", "relative path", "symbolic link", "another workspace"])
def test_export_onto_a_workspace_is_refused_and_leaves_it_byte_for_byte(
    spelling: str, demo_workspace_path: Path, workspace_path: Path, tmp_path: Path
) -> None:
    db = demo_workspace_path
    victim = workspace_path if spelling == "another workspace" else db
    if spelling == "same path":
        out = str(db)
    elif spelling == "relative path":
        (tmp_path / "sub").mkdir()
        out = os.path.join(os.path.relpath(tmp_path / "sub"), "..", db.name)
    elif spelling == "symbolic link":
        link = tmp_path / "plan.csv"
        link.symlink_to(db)
        out = str(link)
    else:
        out = str(workspace_path)
    before = digest(db), digest(victim)
    result = run_locality("export", "--db", str(db), "--format", "csv", "--out", out)
    line = one_line_error(result)
    assert line.endswith(REFUSAL) and victim.name in line
    assert (digest(db), digest(victim)) == before
    assert temporaries(tmp_path) == []
    if spelling == "symbolic link":
        assert Path(out).is_symlink()


def test_export_onto_a_side_file_of_the_workspace_is_refused(demo_workspace_path: Path) -> None:
    side = demo_workspace_path.with_name(demo_workspace_path.name + "-journal")
    result = run_locality("export", "--db", str(demo_workspace_path), "--format", "html", "--out", str(side))
    assert one_line_error(result).endswith(REFUSAL)
    assert not side.exists()


@pytest.fixture
def writers(demo_services: Services, tmp_path: Path) -> dict[str, Callable[[Path], object]]:
    """Every writer of the app that takes a file name, as a function of that name."""
    services = demo_services
    lead = services.organisations.names()[0][1]
    result: dict[str, Callable[[Path], object]] = {
        f"export {fmt}": (lambda target, fmt=fmt: export_plan(services, fmt, target, PlanFilters()))
        for fmt in ("pdf", "docx", "xlsx", "csv", "html")
    }
    result["needs matrix"] = lambda target: export_matrix(services, MatrixFilter(), target.with_suffix(".csv"))
    result["update sheet"] = lambda target: write_update_sheet(services, lead, target)
    result["chase list"] = lambda target: write_chase_csv(services.chase.chase_list(), target)
    result["copy"] = lambda target: atomic_copy(tmp_path / "demo.locality", target)
    result["save a copy"] = lambda target: services.workspace.save_copy(target)
    return result


@pytest.mark.parametrize(
    "writer",
    [
        "export pdf",
        "export docx",
        "export xlsx",
        "export csv",
        "export html",
        "update sheet",
        "chase list",
        "copy",
        "save a copy",
    ],
)
def test_no_writer_replaces_another_workspace(
    writer: str, writers: dict[str, Callable[[Path], object]], tmp_path: Path, template_workspace: Path
) -> None:
    other = tmp_path / "other" / "partners.locality"
    other.parent.mkdir()
    shutil.copyfile(template_workspace, other)
    before = digest(other)
    link = tmp_path / "other" / "plan.out"
    link.symlink_to(other)
    for target in (other, link):
        with pytest.raises((FileWriteError, WorkspaceError)) as raised:
            writers[writer](target)
        assert str(raised.value).endswith(REFUSAL)
    assert digest(other) == before and link.is_symlink()
    assert temporaries(other.parent) == []


def test_the_needs_matrix_does_not_replace_a_workspace_named_like_a_spreadsheet(
    writers: dict[str, Callable[[Path], object]], tmp_path: Path, template_workspace: Path
) -> None:
    other = tmp_path / "matrix.csv"
    shutil.copyfile(template_workspace, other)
    before = digest(other)
    with pytest.raises(FileWriteError, match="is a Locality workspace"):
        writers["needs matrix"](other)
    assert digest(other) == before


def test_an_e_mail_draft_does_not_replace_a_workspace_of_the_same_name(
    demo_services: Services, tmp_path: Path, template_workspace: Path
) -> None:
    demo_services.context.today = lambda: DEMO_TODAY  # the day the small demo was generated for
    chase = demo_services.chase.chase_list()
    folder = tmp_path / "drafts"
    folder.mkdir()
    first = write_email_drafts(chase, folder, partnership="P", sender=User("Jo", "Council"))
    assert first.written
    hit = first.written[0]
    shutil.copyfile(template_workspace, hit)  # a workspace saved under a draft's name
    before = digest(hit)
    again = write_email_drafts(chase, folder, partnership="P", sender=User("Jo", "Council"))
    assert digest(hit) == before
    assert hit not in again.written and hit.name in again.message
    assert "is a Locality workspace" in again.message


# --------------------------------------------------------------------------- symbolic links


def test_export_onto_a_symbolic_link_writes_through_it_and_keeps_the_link(
    demo_workspace_path: Path, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    real = reports / "plan-2026.csv"
    real.write_text("last year's plan\n")
    link = tmp_path / "plan.csv"
    link.symlink_to(real)
    result = run_locality("export", "--db", str(demo_workspace_path), "--format", "csv", "--out", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and Path(os.readlink(link)) == real
    assert real.read_text(encoding="utf-8-sig").startswith("Title,")
    assert temporaries(tmp_path) == [] and temporaries(reports) == []


# --------------------------------------------------------------------------- killed writers


KILLED_EXPORT = textwrap.dedent(
    """
    import os, signal, sys
    import locality.files as files

    def killed(*args, **kwargs):  # the whole plan is in the temporary; the rename never happens
        os.kill(os.getpid(), signal.SIGKILL)

    files.os.replace = killed
    from locality.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def run_killed(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", KILLED_EXPORT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_killed_export_leaves_a_temporary_that_the_next_run_removes(
    fmt: str, demo_workspace_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports" / f"plan.{fmt}"
    out.parent.mkdir()
    killed = run_killed("export", "--db", str(demo_workspace_path), "--format", fmt, "--out", str(out))
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()
    assert len(temporaries(out.parent)) == 1  # what a killed run leaves: a hidden temporary
    again = run_locality("export", "--db", str(demo_workspace_path), "--format", fmt, "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert out.exists() and temporaries(out.parent) == []


def test_a_killed_backup_copy_is_removed_by_the_next_writer_in_its_folder(
    demo_workspace_path: Path, tmp_path: Path
) -> None:
    code = textwrap.dedent(
        """
        import os, signal, sys
        import locality.files as files
        files.os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
        files.atomic_copy(sys.argv[1], sys.argv[2])
        """
    )
    backup = demo_workspace_path.with_name("demo.backup-upgrade-20260101-000000.locality")
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    child = subprocess.run([sys.executable, "-c", code, str(demo_workspace_path), str(backup)], env=environment)
    assert child.returncode == -signal.SIGKILL
    [left] = temporaries(tmp_path)
    assert (tmp_path / left).stat().st_size == demo_workspace_path.stat().st_size
    out = tmp_path / "plan.csv"
    result = run_locality("export", "--db", str(demo_workspace_path), "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert temporaries(tmp_path) == []


def test_a_running_writers_temporary_is_left_alone(demo_workspace_path: Path, tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys, time
        from locality.files import atomic_path
        with atomic_path(sys.argv[1]) as temporary:
            temporary.write_bytes(b"half")
            print(temporary, flush=True)
            sys.stdin.readline()  # still writing until told to finish
        """
    )
    out = tmp_path / "plan.csv"
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert writer.stdout is not None and writer.stdin is not None
        temporary = Path(writer.stdout.readline().strip())
        assert temporary.exists()
        other = tmp_path / "other.csv"
        result = run_locality("export", "--db", str(demo_workspace_path), "--format", "csv", "--out", str(other))
        assert result.returncode == 0, result.stderr
        assert temporary.exists()  # the other writer is still running: its temporary stays
        writer.stdin.write("done\n")
        writer.stdin.close()
        assert writer.wait(timeout=30) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert out.read_bytes() == b"half" and temporaries(tmp_path) == []


# --------------------------------------------------------------------------- output that nobody reads


def test_demo_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY), "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-m", "locality", "demo", "--db", str(tmp_path / "w.locality"), "--size", "small"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=environment,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # as `| head -0` would: the reader has gone before anything is printed
    errors = child.stderr.read().decode()
    code = child.wait(timeout=120)
    assert code != 0
    assert "unexpected problem" not in errors and "Traceback" not in errors and "BrokenPipe" not in errors
    assert errors.strip() == ""


def test_demo_piped_to_head_prints_its_first_line(tmp_path: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY), "QT_QPA_PLATFORM": "offscreen"}
    db = tmp_path / "w.locality"
    result = subprocess.run(
        f"{sys.executable} -m locality demo --db {db} --size small | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.stdout == f"Created a new workspace at {db}.\n"
    assert "unexpected problem" not in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- import into a missing --db


def test_a_failed_import_into_a_new_workspace_leaves_nothing_behind(tmp_path: Path) -> None:
    source = tmp_path / "organisations.csv"
    source.write_text("name,type,sector\nFoo Trust,Nonsense,Public\n")
    db = tmp_path / "typo.locality"
    result = run_locality("import", "--db", str(db), "--kind", "organisations", str(source))
    assert result.returncode == 1 and "row 2" in result.stderr
    assert "Created a new workspace" not in result.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "organisations.csv"]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_network_picture_does_not_replace_a_workspace(
    qtbot,  # type: ignore[no-untyped-def]
    suffix: str,
    demo_services: Services,
    tmp_path: Path,
    template_workspace: Path,
) -> None:
    from tests.ui.test_needs_map_network import make_tab

    tab = make_tab(qtbot, demo_services)
    other = tmp_path / f"picture{suffix}"
    shutil.copyfile(template_workspace, other)  # a workspace saved under a picture's name
    before = digest(other)
    with pytest.raises(FileWriteError, match="is a Locality workspace"):
        tab.export_image(other)
    assert digest(other) == before and temporaries(tmp_path) == []


def test_the_chase_dialog_says_which_drafts_were_written_and_which_not(
    qtbot,  # type: ignore[no-untyped-def]
    demo_services: Services,
    tmp_path: Path,
    template_workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_warnings: list[str],
) -> None:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QFileDialog

    from locality.exchange.chase_export import addressee, draft_file_name
    from locality.ui.env import UiEnv
    from locality.ui.settings import AppSettings
    from tests.ui.test_chase_dialog import open_dialog

    demo_services.context.today = lambda: DEMO_TODAY
    env = UiEnv(demo_services, QUndoStack(), AppSettings())
    chase = demo_services.chase.chase_list()
    # One draft per owner with an e-mail and per lead organisation's contact for its other actions.
    groups = [(name, group) for oid, name in chase.leads() for group in chase.recipients(oid) if group[0].contact_email]
    reachable = [addressee(group, name) for name, group in groups]
    assert len(reachable) >= 2
    first_to_a_contact = next(name for name, group in groups if not group[0].contact_is_owner)
    folder = tmp_path / "drafts"
    folder.mkdir()
    blocked = folder / draft_file_name(first_to_a_contact)
    shutil.copyfile(template_workspace, blocked)  # that draft's name is taken by a workspace
    before = digest(blocked)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    dialog = open_dialog(qtbot, env)
    dialog.drafts_button.click()
    qtbot.waitUntil(lambda: bool(shown_warnings))
    [message] = shown_warnings
    total = len(reachable)
    assert message.startswith(f"Wrote {total - 1} of {total} e-mail drafts to {folder}: ")
    assert all(name in message for name in reachable)
    assert f"Not written: {first_to_a_contact} ({blocked.name} is a Locality workspace" in message
    assert digest(blocked) == before
    assert len(list(folder.glob("*.eml"))) == total  # the others, plus the workspace left as it was
