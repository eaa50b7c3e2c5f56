"""What the user sees when a bug slips through: one dialog, the app still running.

An exception nobody caught (on the GUI thread, in a Qt slot or virtual method, or on any other thread) is logged
with its traceback and shown in a ``CrashDialog``: one plain sentence, where the log is, the details to copy for
whoever supports the app, and Continue. Saved work is safe because every edit is its own transaction
(``ServiceContext.edit``/``batch``): an exception inside one rolls it back whole, and everything committed before
it stays committed.

The reporter is installed by ``locality.app.run`` only. Tests leave ``sys.excepthook`` to pytest-qt, which fails
a test on an exception raised in a slot; a test of this dialog installs a reporter for itself.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from locality import __version__

log = logging.getLogger("locality.ui")

ExceptionInfo = tuple[type[BaseException], BaseException, TracebackType | None]

HEADLINE = "Something went wrong. Your saved work is safe."


def _details(text: str) -> str:
    """The traceback with what whoever supports the app asks first: which version, on what."""
    return (
        f"Locality {__version__}\n"
        f"Python {platform.python_version()}, Qt {_qt_version()}\n"
        f"{platform.platform()}\n\n{text}"
    )


def _qt_version() -> str:
    from PySide6 import QtCore

    return QtCore.qVersion()


class CrashDialog(QDialog):
    """Tells the user that something unexpected went wrong, and that the app can carry on."""

    def __init__(self, traceback_text: str, log_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("Locality: something went wrong")
        self.log_path = log_path
        self.tracebacks: list[str] = []
        layout = QVBoxLayout(self)
        headline = QLabel(HEADLINE)
        headline.setObjectName("crashHeadline")
        headline.setStyleSheet("font-weight: bold;")
        headline.setWordWrap(True)
        layout.addWidget(headline)
        explanation = QLabel(
            "Locality has written what happened to its log. You can carry on working; if it happens again, "
            "copy the details below and send them to whoever supports Locality for you."
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.log_label = QLabel(f"The log is {log_path}")
        self.log_label.setObjectName("crashLogPath")
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.log_label)
        self.repeats = QLabel()
        self.repeats.setObjectName("crashRepeats")
        self.repeats.hide()
        layout.addWidget(self.repeats)
        details_label = QLabel("&Details:")
        layout.addWidget(details_label)
        self.details = QPlainTextEdit()
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumHeight(160)
        details_label.setBuddy(self.details)
        layout.addWidget(self.details, 1)

        buttons = QDialogButtonBox()
        self.open_folder_button = QPushButton("&Open the log's folder")
        self.open_folder_button.setObjectName("openLogFolder")
        self.open_folder_button.clicked.connect(self.open_log_folder)
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setObjectName("copyDetails")
        self.copy_button.clicked.connect(self.copy_details)
        self.continue_button = buttons.addButton("C&ontinue", QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setDefault(True)
        buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 420)
        self.add(traceback_text)

    def add(self, traceback_text: str) -> None:
        """Another error while this one is open: added to the details rather than opening a dialog of its own."""
        self.tracebacks.append(traceback_text)
        self.details.setPlainText(_details("\n".join(self.tracebacks)))
        if len(self.tracebacks) > 1:
            self.repeats.setText(f"This happened {len(self.tracebacks)} times; every one is in the details.")
            self.repeats.show()

    def details_text(self) -> str:
        return self.details.toPlainText()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path.parent)))


class CrashReporter(QObject):
    """Logs every uncaught exception and shows it in one ``CrashDialog`` at a time, from any thread."""

    _reported = Signal(str, str)  # traceback text and a signature; emitted on any thread, handled on the GUI's

    def __init__(self, log_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: CrashDialog | None = None
        #: Errors already shown since the app started: a bug hit on every repaint would otherwise reopen the
        #: dialog each time Continue is pressed, and the app could never be used again.
        self._shown: set[str] = set()
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    # ------------------------------------------------------------------ hooks

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def excepthook(self, exc_type: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, error, trace)
            return
        self.report((exc_type, error, trace))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return  # a thread that exits on purpose is not an error (threading's own hook ignores it too)
        where = args.thread.name if args.thread is not None else "a background thread"
        self.report((args.exc_type, args.exc_value, args.exc_traceback), f" on {where}")

    # ------------------------------------------------------------------ reporting

    def report(self, info: ExceptionInfo, where: str = "") -> None:
        """Logs ``info`` with its traceback and has the GUI thread show it; safe to call from any thread."""
        log.error("unexpected error%s", where, exc_info=info)
        text = "".join(traceback.format_exception(*info))
        self._reported.emit(text, _signature(info))

    def _show(self, text: str, signature: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add(text)
            return
        if signature in self._shown:
            return  # logged already; shown once is enough
        self._shown.add(signature)
        self.dialog = CrashDialog(text, self.log_path, QApplication.activeWindow())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._forget_dialog)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.show()  # not exec(): a nested event loop inside an exception hook invites re-entry

    def _forget_dialog(self) -> None:
        self.dialog = None


def _signature(info: ExceptionInfo) -> str:
    """Which bug this is: the exception's kind and the line it was raised on."""
    frames = traceback.extract_tb(info[2]) if info[2] is not None else []
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{info[0].__qualname__}@{where}"


_installed: CrashReporter | None = None


def install_crash_reporter(log_path: Path) -> CrashReporter:
    """Routes every uncaught exception, on any thread, to one reporter for the rest of the run."""
    global _installed
    if _installed is None:
        _installed = CrashReporter(log_path, QApplication.instance())
        _installed.install()
    return _installed


def uninstall_crash_reporter() -> None:
    global _installed
    if _installed is not None:
        _installed.uninstall()
        _installed.deleteLater()
        _installed = None


def installed_crash_reporter() -> CrashReporter | None:
    return _installed
