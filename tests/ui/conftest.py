"""What the GUI tests share: the main window on a fresh workspace, shown, as the ``locality`` command builds it.
A module that needs another window (a demo workspace, a size) defines its own ``window``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from locality.app import build_main_window
from locality.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(workspace_path))
    qtbot.addWidget(built)
    built.show()
    yield built
    built.close()
