"""LOCALITY_QUIT_AFTER_START=1, the hook packaging/smoke-test.sh starts a build's window with: the real
``locality`` command, in a process of its own, shows its window offscreen and quits by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from locality.app import QUIT_AFTER_START_ENV


def start_locality(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        QUIT_AFTER_START_ENV: "1",
        "LOCALITY_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    # A window left waiting for someone would hang here: the timeout fails the test instead.
    return subprocess.run(
        [sys.executable, "-m", "locality", *arguments], env=environment, capture_output=True, text=True, timeout=120
    )


def test_window_opens_and_quits_on_its_own(tmp_path: Path, workspace_path: Path) -> None:
    result = start_locality(tmp_path, "--db", str(workspace_path))
    assert result.returncode == 0, result.stderr
    # Closed as a user closes it: the window's geometry is saved in the settings.
    settings = (tmp_path / "config" / "Locality" / "Locality.conf").read_text(encoding="utf-8")
    assert "[window]" in settings and "geometry=" in settings, "the window was closed, saving its state"


def test_first_run_asks_nothing_and_makes_the_default_workspace(tmp_path: Path) -> None:
    result = start_locality(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "workspace.locality").is_file()


def test_a_workspace_that_cannot_open_is_one_sentence_not_a_message_box(tmp_path: Path) -> None:
    result = start_locality(tmp_path, "--db", str(tmp_path / "no such folder" / "plan.locality"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
