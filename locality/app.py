"""The composition root: paths, logging, workspace, services and main window, built in that order.

``build_main_window(db)`` is DESIGN.md's window contract: it builds the window exactly as the ``locality``
command does, without entering the event loop.
"""

from __future__ import annotations

import getpass
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from locality import __version__
from locality.paths import APP_NAME, default_workspace_path, resource
from locality.services.context import User
from locality.services.registry import Services
from locality.ui.settings import AppSettings
from locality.ui.style import apply_style
from locality.ui.workers import collect_on_gui_thread, settle_garbage_collector, warm_in_background

if TYPE_CHECKING:
    from locality.ui.main_window import MainWindow

#: Set to 1, ``locality`` closes its window and quits (exit status 0) as soon as the window is shown, asking
#: nothing: how packaging/smoke-test.sh checks that a build opens its window (offscreen). Not for users.
QUIT_AFTER_START_ENV = "LOCALITY_QUIT_AFTER_START"


def application() -> QApplication:
    """The running QApplication, created (with our name, icon and style sheet) if there is none yet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if app.applicationName() != APP_NAME:
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(APP_NAME)
        app.setApplicationVersion(__version__)
        app.setWindowIcon(QIcon(str(resource("icons", "locality.svg"))))
        apply_style()
    return app


def _default_user() -> User:
    try:
        return User(name=getpass.getuser())
    except (KeyError, OSError, ImportError):  # some systems have no login name
        return User()


class _OpeningWorkspace(threading.Thread):
    """Opens a workspace on its own thread, so that the window's code is imported meanwhile: checking a large
    file is the database's work (a quarter of a second on the large demo), which lets go of Python's lock."""

    def __init__(self, target: str | Path, user: User) -> None:
        super().__init__(name="locality-open", daemon=True)
        self._target = target
        self._user = user
        self._services: Services | None = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._services = Services.open(self._target, self._user)
        except BaseException as error:  # noqa: BLE001 - raised again on the thread that asked, by services()
            self._error = error

    def services(self) -> Services:
        self.join()
        if self._error is not None:
            raise self._error
        assert self._services is not None
        return self._services


def build_main_window(db: str | Path | None = None) -> MainWindow:
    """Opens the workspace (the default one, created on first run, when ``db`` is None) and builds the window."""
    application()
    # Before any other thread runs Python: collections then happen on this (the GUI) thread only.
    collect_on_gui_thread()
    settings = AppSettings()
    target = db if db is not None else default_workspace_path()
    opening = _OpeningWorkspace(target, settings.user() or _default_user())
    from locality.ui.main_window import MainWindow

    services = opening.services()
    # The dashboard opens first and its figures take longest: they are counted while the window is built.
    warm_in_background(services.dashboard.figures)
    window = MainWindow(services, settings)
    settle_garbage_collector()
    return window


def run(db: str | None = None) -> int:
    from locality.ui.errors import user_message

    app = application()
    quit_after_start = os.environ.get(QUIT_AFTER_START_ENV) == "1"
    try:
        window = build_main_window(db)
    except Exception as error:
        if quit_after_start:  # nobody is there to close a message box
            print(user_message(error), file=sys.stderr)
            return 1
        QMessageBox.critical(None, "Locality", user_message(error))
        return 1
    from locality.log import log_file
    from locality.ui.crash import install_crash_reporter
    from locality.ui.welcome import greet

    # From here on a bug shows the crash dialog and the app carries on (building the window failing is above).
    install_crash_reporter(log_file())
    window.show()
    if quit_after_start:
        # Once the event loop has shown the window: close it as a user would (saving its state), then quit.
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, app.quit)
        return app.exec()
    # Once the event loop runs: the welcome while the workspace is empty, then (once only) who is editing.
    QTimer.singleShot(0, lambda: greet(window))
    return app.exec()
