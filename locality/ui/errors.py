"""The one place the GUI tells the user about an error.

A ``LocalityError`` is shown as its plain sentence. Anything else is a bug: it is logged with its traceback and
the user is told where the details are.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from locality.domain.errors import LocalityError

log = logging.getLogger("locality.ui")


def user_message(error: BaseException) -> str:
    if isinstance(error, LocalityError):
        return str(error)
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    from locality.services.workspace_info import damaged_value_explanation

    explanation = damaged_value_explanation(error)
    if explanation:
        return explanation
    from locality.log import log_file

    return (
        f"Locality hit an unexpected problem ({type(error).__name__}). Nothing more was changed; "
        f"the details are in {log_file()}."
    )


def show_error(parent: QWidget | None, error: BaseException, title: str = "Locality") -> None:
    """A ``LocalityError`` (or a damaged value) as its sentence; a bug, in the app, in the crash dialog with its
    details to copy (tests have no crash reporter, and see the message box the conftest guard records)."""
    from locality.ui.crash import installed_crash_reporter

    reporter = installed_crash_reporter()
    if reporter is not None and not isinstance(error, LocalityError) and not _damaged_value(error):
        reporter.report((type(error), error, error.__traceback__))
        return
    QMessageBox.warning(parent, title, user_message(error))


def _damaged_value(error: BaseException) -> bool:
    from locality.services.workspace_info import damaged_value_explanation

    return bool(damaged_value_explanation(error))
