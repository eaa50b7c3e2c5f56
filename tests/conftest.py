"""Shared fixtures: every test gets a fresh data folder and, when it asks, a fresh workspace copied from one
migrated template (building a workspace from scratch runs every migration; copying is far quicker)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from locality.services.context import ServiceContext, User  # noqa: E402
from locality.services.registry import Services  # noqa: E402
from locality.store.creation import create_workspace_file  # noqa: E402

TODAY = date(2008, 6, 1)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keeps the user's real data folder (and settings) out of every test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("LOCALITY_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    # QSettings reads XDG_CONFIG_HOME once per process; point it at this test's folder explicitly.
    from PySide6.QtCore import QSettings

    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "config"))
    return folder


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.locality"
    create_workspace_file(path)
    return path


@pytest.fixture
def workspace_path(tmp_path: Path, template_workspace: Path) -> Path:
    path = tmp_path / "workspace.locality"
    shutil.copyfile(template_workspace, path)
    return path


@pytest.fixture
def services(workspace_path: Path) -> Iterator[Services]:
    opened = Services.open(workspace_path, User("Test User", "Test Org"), today=lambda: TODAY)
    yield opened
    opened.close()


@pytest.fixture
def context(services: Services) -> ServiceContext:
    return services.context


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, template_workspace: Path) -> Path:
    """The small demo partnership (seed 1), generated once per test run."""
    from locality.services.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.locality"
    shutil.copyfile(template_workspace, path)
    opened = Services.open(path, User("Demo", "Demo Org"), today=lambda: TODAY)
    try:
        generate_demo(opened.context, size="small", seed=1)
    finally:
        opened.close()
    return path


@pytest.fixture
def demo_workspace_path(tmp_path: Path, demo_template: Path) -> Path:
    """A fresh copy of the small demo workspace for one test to change as it likes."""
    path = tmp_path / "demo.locality"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def demo_services(demo_workspace_path: Path) -> Iterator[Services]:
    opened = Services.open(demo_workspace_path, User("Test User", "Test Org"), today=lambda: TODAY)
    yield opened
    opened.close()


_SHOWN = pytest.StashKey[list[str]]()
_REPORTED = pytest.StashKey[int]()


@pytest.fixture(autouse=True)
def _message_boxes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Warning and critical message boxes are recorded instead of waiting for a click that never comes.

    A test that expects one asks for ``shown_warnings`` by name; every other test fails if one was shown
    (``pytest_runtest_call`` and ``pytest_runtest_teardown`` below).
    """
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def record(_parent, _title, text, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    request.node.stash[_SHOWN] = shown
    return shown


@pytest.fixture
def shown_warnings(_message_boxes: list[str]) -> list[str]:
    """The warning and critical messages shown during the test, for a test that expects some."""
    return _message_boxes


def _unexpected_warnings(item: pytest.Item) -> list[str]:
    """Messages shown since the last check, when the test did not declare that it expects warnings."""
    if "shown_warnings" in getattr(item, "fixturenames", ()):
        return []
    shown = item.stash.get(_SHOWN, [])
    already = item.stash.get(_REPORTED, 0)
    item.stash[_REPORTED] = len(shown)
    return shown[already:]


def _fail_with(messages: list[str], when: str) -> None:
    listed = "\n".join(f"  - {message}" for message in messages)
    pytest.fail(
        f"unexpected warning/critical message box {when} (ask for the shown_warnings fixture if expected):\n" + listed,
        pytrace=False,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        result = yield
    except BaseException:
        _unexpected_warnings(item)  # the test failed already; its own failure is the report
        raise
    unexpected = _unexpected_warnings(item)
    if unexpected:
        _fail_with(unexpected, "during the test")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    result = yield
    unexpected = _unexpected_warnings(item)
    if unexpected:
        _fail_with(unexpected, "while tearing down")
    return result


@pytest.fixture(autouse=True)
def discard_questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Closing an edit dialog that holds unsaved changes asks before discarding them; in tests (a dialog
    closed at teardown, say) the question is recorded and answered "Discard" instead of waiting for a click.
    ``tests/ui/test_keyboard.py`` drives the real question through its message box."""
    from locality.ui.edit_dialog import EditDialog

    asked: list[str] = []

    def record(dialog: EditDialog) -> bool:
        asked.append(dialog.discard_question())
        return True

    monkeypatch.setattr(EditDialog, "confirm_discard", record)
    return asked
