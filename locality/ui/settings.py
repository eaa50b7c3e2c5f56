"""What the app remembers between sessions (QSettings): window and splitter geometry, the last workspace,
recent files, high contrast, table columns and sort, saved views of lists, and who the user is."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from locality.services.context import User

MAX_RECENT = 8


class AppSettings:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings()

    # ------------------------------------------------------------------ who is editing

    def user(self) -> User | None:
        name = str(self._settings.value("user/name", "") or "")
        if not name:
            return None
        return User(name=name, organisation=str(self._settings.value("user/organisation", "") or ""))

    def set_user(self, user: User) -> None:
        self._settings.setValue("user/name", user.name)
        self._settings.setValue("user/organisation", user.organisation)

    # ------------------------------------------------------------------ how the app looks

    def high_contrast(self) -> bool:
        return str(self._settings.value("view/high_contrast", "false")).lower() == "true"

    def set_high_contrast(self, on: bool) -> None:
        self._settings.setValue("view/high_contrast", "true" if on else "false")

    # ------------------------------------------------------------------ workspaces

    def last_workspace(self) -> str | None:
        value = self._settings.value("workspace/last", "")
        return str(value) if value else None

    def recent_workspaces(self) -> list[str]:
        value = self._settings.value("workspace/recent", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            return []
        return [str(item) for item in value if item]

    def remember_workspace(self, location: str) -> None:
        recent = [location] + [item for item in self.recent_workspaces() if item != location]
        self._settings.setValue("workspace/recent", recent[:MAX_RECENT])
        self._settings.setValue("workspace/last", location)

    def forget_workspace(self, location: str) -> None:
        self._settings.setValue("workspace/recent", [item for item in self.recent_workspaces() if item != location])

    # ------------------------------------------------------------------ geometry and tables

    def bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)

    # ------------------------------------------------------------------ plain values (saved views)

    def json(self, key: str) -> Any:
        """A value stored as JSON text under ``key``; None if absent or unreadable."""
        text = self._settings.value(key)
        if not isinstance(text, str) or not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def set_json(self, key: str, value: Any) -> None:
        self._settings.setValue(key, json.dumps(value, ensure_ascii=False))

    def sync(self) -> None:
        self._settings.sync()
