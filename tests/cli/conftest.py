"""Fixtures the command-line tests share: a small demo workspace made once by `locality demo`, copied afresh for
each test that may change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import run


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-demo")
    path = folder / "demo.locality"
    result = run("demo", "--db", str(path), "--size", "small", data_dir=folder)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the small demo for one test."""
    path = tmp_path / "demo.locality"
    shutil.copyfile(demo_file, path)
    return path
