"""The composition root: paths, logging, workspace, services and main window, built in that order.

``build_main_window(db)`` is DESIGN.md's window contract: it builds the window exactly as the ``locality``
command does, without entering the event loop.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from locality import __version__
from locality.paths import APP_NAME, default_workspace_path, resource
from locality.services.context import User
from locality.services.registry import Services
from locality.ui.errors import user_message
from locality.ui.main_window import MainWindow
from locality.ui.settings import AppSettings
from locality.ui.style import apply_style
from locality.ui.welcome import greet
from locality.ui.workers import collect_on_gui_thread, settle_garbage_collector

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


def build_main_window(db: str | Path | None = None) -> MainWindow:
    """Opens the workspace (the default one, created on first run, when ``db`` is None) and builds the window."""
    application()
    settings = AppSettings()
    target = db if db is not None else default_workspace_path()
    services = Services.open(target, settings.user() or _default_user())
    window = MainWindow(services, settings)
    collect_on_gui_thread()
    settle_garbage_collector()
    return window


def run(db: str | None = None) -> int:
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
