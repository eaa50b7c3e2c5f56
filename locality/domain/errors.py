"""Errors in two kinds.

``LocalityError`` and its subclasses are problems the user or the environment caused (a bad value, a wrong file,
a full disk). Each carries one plain sentence that the command line prints and the GUI shows as it is. Any other
exception is a programming error: it is logged with its traceback and reported as a bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class LocalityError(Exception):
    """A problem the user can understand and act on; ``str(error)`` is one plain sentence."""


class ValidationError(LocalityError):
    """One or more fields hold values that cannot be saved.

    ``field_errors`` maps a field name to the sentence to show beside that field.
    """

    def __init__(self, field_errors: Mapping[str, str] | str, field: str | None = None) -> None:
        if isinstance(field_errors, str):
            field_errors = {field or "": field_errors}
        self.field_errors: dict[str, str] = dict(field_errors)
        super().__init__(" ".join(_sentence(message) for message in self.field_errors.values()))


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith((".", "?", "!")) else message + "."


class NotFoundError(LocalityError):
    """The record asked for does not exist or has been deleted."""


class DuplicateError(ValidationError):
    """A value that must be unique is already taken."""


class StaleRecordError(LocalityError):
    """The record changed elsewhere since it was read; nothing was written.

    ``current`` holds the record as it is now, so the user can see what changed before deciding.
    """

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


class WorkspaceError(LocalityError):
    """A workspace cannot be opened, created, upgraded or written (wrong file, newer schema, full disk...)."""


class ImportFileError(LocalityError):
    """An import file cannot be read, or some of its rows are bad; nothing was written.

    ``row_errors`` holds one ``row N: reason`` line per bad row.
    """

    def __init__(self, message: str, row_errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.row_errors = list(row_errors or [])
