"""When a bug slips through: the crash dialog shows it (once for a burst), the log keeps its traceback, the window
stays usable, and an edit the bug interrupted leaves nothing half-written. The log rotates."""

from __future__ import annotations

import logging
import logging.handlers
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton

from locality import __version__
from locality.domain.errors import LocalityError
from locality.log import LOG_BACKUPS, LOG_MAX_BYTES, configure_logging
from locality.services.organisations import OrganisationDraft
from locality.ui.crash import HEADLINE, CrashDialog, CrashReporter, install_crash_reporter, uninstall_crash_reporter
from locality.ui.errors import show_error
from locality.ui.workers import background_work_pending, run_in_background

# pytest-qt's own hook would take the exceptions these tests raise on purpose; the reporter takes them instead.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def log_path() -> Iterator[Path]:
    """The app's rotating log, in this test's data folder, detached afterwards so later tests do not write to it.
    A log an earlier test left attached (an in-process command configures logging too) is detached first, or
    configure_logging would keep writing there."""
    _detach_file_logs()
    path = configure_logging()
    yield path
    _detach_file_logs()


def _detach_file_logs() -> None:
    root = logging.getLogger("locality")
    for handler in [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def reporter(log_path: Path) -> Iterator[CrashReporter]:
    installed = install_crash_reporter(log_path)
    yield installed
    if installed.dialog is not None:
        installed.dialog.close()
    uninstall_crash_reporter()


def crash_dialogs() -> list[CrashDialog]:
    return [
        widget for widget in QApplication.topLevelWidgets() if isinstance(widget, CrashDialog) and widget.isVisible()
    ]


def _break(message: str) -> None:
    raise RuntimeError(message)


def test_an_error_in_a_slot_shows_the_dialog_logs_it_and_the_window_carries_on(
    qtbot, window, reporter: CrashReporter, log_path: Path
) -> None:  # type: ignore[no-untyped-def]
    button = QPushButton("Break", window)
    button.clicked.connect(lambda: _break("a bug in a slot"))
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    dialog = crash_dialogs()[0]
    assert HEADLINE in [label.text() for label in dialog.findChildren(type(dialog.log_label))]
    assert str(log_path) in dialog.log_label.text()
    assert "RuntimeError: a bug in a slot" in dialog.details_text()
    assert "Traceback (most recent call last)" in dialog.details_text()
    logged = log_path.read_text(encoding="utf-8")
    assert "unexpected error" in logged and "RuntimeError: a bug in a slot" in logged and "_break" in logged

    dialog.continue_button.click()
    qtbot.waitUntil(lambda: not crash_dialogs())
    # Still usable: pages change and a new record is saved and shown.
    window.show_page("organisationsPage")
    window.services.organisations.create(OrganisationDraft(name="Still working"))
    assert "Still working" in [row.name for row in window.services.organisations.list()]


def test_copy_details_gives_the_traceback_version_and_platform_and_the_folder_opens(
    qtbot, reporter: CrashReporter, log_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    try:
        _break("copy me")
    except RuntimeError as error:
        reporter.report((type(error), error, error.__traceback__))
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    dialog = crash_dialogs()[0]
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "RuntimeError: copy me" in copied and f"Locality {__version__}" in copied and "Python " in copied
    dialog.open_folder_button.click()
    assert [url.toLocalFile() for url in opened] == [str(log_path.parent)]


def test_a_burst_of_errors_shows_one_dialog_and_the_same_error_is_not_shown_again(
    qtbot, reporter: CrashReporter, log_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for number in range(50):
        try:
            _break(f"burst {number}")
        except RuntimeError as error:
            reporter.report((type(error), error, error.__traceback__))
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1 and len(crash_dialogs()[0].tracebacks) == 50)
    qtbot.wait(50)
    assert len(crash_dialogs()) == 1
    dialog = crash_dialogs()[0]
    assert dialog.repeats.isVisible() and "50 times" in dialog.repeats.text()
    assert log_path.read_text(encoding="utf-8").count("RuntimeError: burst") == 50

    dialog.continue_button.click()
    qtbot.waitUntil(lambda: not crash_dialogs())
    try:
        _break("the same bug once more")  # raised on the same line: logged, not shown again
    except RuntimeError as error:
        reporter.report((type(error), error, error.__traceback__))
    qtbot.wait(50)
    assert not crash_dialogs()
    assert "the same bug once more" in log_path.read_text(encoding="utf-8")


def test_an_error_on_another_thread_is_shown_on_the_gui_thread(qtbot, reporter: CrashReporter, log_path: Path) -> None:  # type: ignore[no-untyped-def]
    thread = threading.Thread(target=lambda: _break("on a thread"), name="a-helper-thread")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    assert "RuntimeError: on a thread" in crash_dialogs()[0].details_text()
    assert "unexpected error on a-helper-thread" in log_path.read_text(encoding="utf-8")


class _Stop(BaseException):
    """Not an ``Exception``: the worker does not hand it to the caller's error handler."""


def test_what_escapes_a_background_worker_is_shown_not_lost(qtbot, window, reporter: CrashReporter) -> None:  # type: ignore[no-untyped-def]
    def work() -> None:
        raise _Stop("escaped the worker")

    run_in_background(work, lambda _result: None, lambda _error: None, window)
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    assert "_Stop: escaped the worker" in crash_dialogs()[0].details_text()
    # ... and it has finished: nothing waits for it for ever (it once stayed pending, and every later wait timed out).
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=5_000)


def test_show_error_sends_a_bug_to_the_crash_dialog_and_a_users_error_to_its_sentence(
    qtbot, window, reporter: CrashReporter, shown_warnings: list[str]
) -> None:  # type: ignore[no-untyped-def]
    show_error(window, LocalityError("That name is taken."))
    assert shown_warnings == ["That name is taken."] and not crash_dialogs()
    try:
        _break("a bug reported by a page")
    except RuntimeError as error:
        show_error(window, error)
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    assert shown_warnings == ["That name is taken."]


def test_an_error_in_a_slot_in_the_middle_of_an_edit_leaves_nothing_half_written(
    qtbot, window, reporter: CrashReporter
) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    services.organisations.create(OrganisationDraft(name="Saved before"))

    def half_an_edit() -> None:
        with services.context.batch():
            services.organisations.create(OrganisationDraft(name="Written first"))
            _break("after the first write")

    button = QPushButton("Edit", window)
    button.clicked.connect(half_an_edit)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1)
    names = [row.name for row in services.organisations.list()]
    assert "Saved before" in names and "Written first" not in names
    # The transaction is over: the next edit saves (a transaction left open would hold the write lock).
    services.organisations.create(OrganisationDraft(name="Saved after"))
    assert "Saved after" in [row.name for row in services.organisations.list()]


def test_the_log_rotates_past_its_limit_keeping_a_few_old_files(log_path: Path) -> None:
    logger = logging.getLogger("locality.test")
    line = "x" * 1000
    for _ in range(LOG_MAX_BYTES * (LOG_BACKUPS + 2) // 1000):
        logger.info(line)
    logs = sorted(path.name for path in log_path.parent.iterdir() if path.name.startswith(log_path.name))
    assert logs == [log_path.name] + [f"{log_path.name}.{number}" for number in range(1, LOG_BACKUPS + 1)]
    assert all(path.stat().st_size <= LOG_MAX_BYTES for path in log_path.parent.iterdir())


def test_the_window_built_for_tests_leaves_exceptions_to_pytest_qt(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Only ``locality.app.run`` installs the reporter: a window built as the tests build it leaves sys.excepthook
    alone, so that an error in a slot still fails the test that raised it instead of opening a dialog."""
    import sys

    from locality.ui.crash import installed_crash_reporter

    assert installed_crash_reporter() is None
    assert not isinstance(getattr(sys.excepthook, "__self__", None), CrashReporter)
