"""Fixtures the export tests share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder to write into (tmp_path also holds the test's data folder)."""
    path = tmp_path / "out"
    path.mkdir()
    return path
