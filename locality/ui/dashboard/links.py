"""What a dashboard figure opens: a list page filtered to exactly the rows behind it, or, for a figure no list
page filters on, a dialog listing its actions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from locality.domain.funding import FundingSourceChoice
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.dashboard import FigureItem
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.style import set_tone

ACTION_ID_ROLE = Qt.ItemDataRole.UserRole


class FigureListDialog(QDialog):
    """The actions behind a figure that no list page filters on; double-click one to open it."""

    def __init__(
        self, env: UiEnv, title: str, intro: str, items: Sequence[FigureItem], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle(title)
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.tree = QTreeWidget()
        self.tree.setObjectName("figureList")
        self.tree.setAccessibleName(title)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels(["Action", "Why it is here"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 320)
        for item in items:
            row = QTreeWidgetItem([item.title, item.detail])
            row.setData(0, ACTION_ID_ROLE, item.action_id)
            row.setToolTip(0, item.title)
            self.tree.addTopLevelItem(row)
        if not items:
            self.tree.addTopLevelItem(QTreeWidgetItem(["None at the moment.", ""]))
        self.tree.itemActivated.connect(self._open)
        layout.addWidget(self.tree, 1)
        hint = QLabel("Double-click an action (or press Enter) to open it.")
        set_tone(hint, "muted")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        action_id = item.data(0, ACTION_ID_ROLE)
        if isinstance(action_id, uuid.UUID):
            open_action(self.env, action_id, self)


class FigureLinks:
    """Opens the list behind a figure, for the widget ``parent`` of the dashboard."""

    def __init__(self, env: UiEnv, parent: QWidget) -> None:
        self.env = env
        self.parent = parent

    def open_source(self, source: FundingSourceChoice | None) -> None:
        """Opens the funding page on every action; a funding source's bars open its line on the "Funding sources"
        tab, where the same allocated and spent figures stand."""
        page = self._open_list("fundingPage")
        show_source = getattr(page, "show_source", None)
        if source is not None and callable(show_source):
            show_source(source)

    def _open_list(self, page_name: str, filters: dict[str, Any] | None = None) -> QWidget | None:
        """Brings ``page_name`` to the front showing exactly ``filters``: every other filter is cleared first."""
        wanted = filters or {}
        page = self.env.open_page(page_name)
        if page is None or not hasattr(page, "set_filter"):
            return page
        clear = getattr(page, "clear_filters", None)
        if callable(clear):
            clear()
        search = getattr(page, "search", None)
        if isinstance(search, QLineEdit) and search.text():
            search.clear()
        known = getattr(page, "filters", None)
        keys = list(known) if isinstance(known, dict) else list(wanted)
        for key in keys:
            if key not in wanted:
                page.set_filter(key, None)
        for key, value in wanted.items():
            if key in keys:
                page.set_filter(key, value)
        return page

    def open_all_actions(self) -> None:
        self._open_list("actionsPage")

    def open_rag(self, rag: Rag | None) -> None:
        # The RAG split counts open actions: the list shows the same ones (a completed action is green too).
        self._open_list("actionsPage", {"rag": rag, "timing": "open"})

    def open_status(self, status: ActionStatus) -> None:
        self._open_list("actionsPage", {"status": status})

    def open_overdue(self) -> None:
        self._open_list("actionsPage", {"timing": "overdue"})

    def open_no_need(self) -> None:
        self._open_list("actionsPage", {"timing": "no_need"})

    def open_shared_unaddressed(self) -> None:
        self._open_list("needsPage", {"gap": "shared_unaddressed"})

    def open_funding(self) -> None:
        self._open_list("fundingPage")

    def open_indicators(self) -> None:
        self._open_list("indicatorsPage", {"tracking": "on_track"})

    def show_items(self, title: str, intro: str, items: Sequence[FigureItem]) -> None:
        FigureListDialog(self.env, title, intro, items, self.parent).exec()
