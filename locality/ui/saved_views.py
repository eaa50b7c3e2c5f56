"""Saved views of a list: its search, filter pickers and sort kept under a name ("Police-led reds") and chosen
again from a drop-down. They are kept in the settings per workspace (by the workspace's own id, which every copy
of it shares), so one partnership's views never appear in another's."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from locality.ui.list_page import ListPage
from locality.ui.settings import AppSettings

NO_VIEW = "(no saved view)"


class SavedViews:
    """The named views of one list in one workspace, in the settings."""

    def __init__(self, settings: AppSettings, key: str) -> None:
        self._settings = settings
        self._key = key

    def _all(self) -> dict[str, Any]:
        stored = self._settings.json(self._key)
        return stored if isinstance(stored, dict) else {}

    def names(self) -> list[str]:
        return sorted(self._all(), key=str.casefold)

    def get(self, name: str) -> dict[str, Any] | None:
        state = self._all().get(name)
        return state if isinstance(state, dict) else None

    def save(self, name: str, state: dict[str, Any]) -> None:
        views = self._all()
        views[name] = state
        self._settings.set_json(self._key, views)

    def delete(self, name: str) -> None:
        views = self._all()
        views.pop(name, None)
        self._settings.set_json(self._key, views)


class SavedViewBar(QWidget):
    """ "View: [drop-down] Save view… Delete view" for a list page."""

    def __init__(self, page: ListPage[Any], views: SavedViews, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        self.views = views
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&View:")
        self.combo = QComboBox()
        self.combo.setObjectName("savedViews")
        self.combo.setAccessibleName("Saved view")
        self.combo.setMinimumContentsLength(16)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        label.setBuddy(self.combo)
        self.save_button = QPushButton("Sa&ve view…")
        self.save_button.setObjectName("saveViewButton")
        self.save_button.setToolTip("Keep the search, filters and sort under a name")
        self.delete_button = QPushButton("Delete view")
        self.delete_button.setObjectName("deleteViewButton")
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        self.combo.currentIndexChanged.connect(self._chosen)
        self.save_button.clicked.connect(self.ask_and_save)
        self.delete_button.clicked.connect(self.delete_chosen)
        self._fill()

    def chosen(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data else None

    def _fill(self, chosen: str | None = None) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(NO_VIEW, None)
        for name in self.views.names():
            self.combo.addItem(name, name)
        index = self.combo.findData(chosen) if chosen else 0
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self.delete_button.setEnabled(self.chosen() is not None)

    def _chosen(self, _index: int) -> None:
        name = self.chosen()
        self.delete_button.setEnabled(name is not None)
        state = self.views.get(name) if name else None
        if state is not None:
            self.page.apply_view_state(state)

    def filters_changed(self) -> None:
        """The list's filters changed: a chosen view that no longer describes them is shown as no view."""
        name = self.chosen()
        if name is None:
            return
        state = self.views.get(name)
        if state is None or _comparable(state) != _comparable(self.page.view_state()):
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(0)
            self.combo.blockSignals(False)
            self.delete_button.setEnabled(False)

    def ask_and_save(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Save view", "Name for this view (its search, filters and sort):", text=self.chosen() or ""
        )
        name = name.strip()
        if not ok or not name:
            return
        if name in self.views.names() and name != self.chosen():
            answer = QMessageBox.question(
                self,
                "Save view",
                f"There is already a view called “{name}”. Replace it with the list as it is now?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.views.save(name, self.page.view_state())
        self._fill(name)

    def delete_chosen(self) -> None:
        name = self.chosen()
        if name is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete view",
            f"Delete the saved view “{name}”? The actions themselves are not changed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.views.delete(name)
        self._fill()


def _comparable(state: dict[str, Any]) -> tuple[str, list[tuple[str, Any]], list[str]]:
    filters = state.get("filters") or {}
    return (
        str(state.get("search") or "").strip().casefold(),
        sorted((key, value) for key, value in filters.items() if value is not None),
        [str(part) for part in state.get("sort") or []],
    )
