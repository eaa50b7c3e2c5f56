"""The set-up every read-only table of rows shares: sortable, whole rows selected, striped, no row numbers, column
widths from the model's columns; the labels that go above and instead of such a table; and ``RowList``, a table
with a sentence in its place when it has nothing to list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from locality.ui.style import set_tone
from locality.ui.table_model import Column, RowTableModel

Row = TypeVar("Row")


def make_row_table(
    model: RowTableModel[Any],
    name: str,
    accessible: str,
    *,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
    word_wrap: bool = True,
    stretch_column: int | None = None,
    view_class: type[QTableView] = QTableView,
) -> QTableView:
    """A table view over ``model``, sorted on its first column in ``sort_order`` (Qt's own default indicator
    is descending); ``view_class`` may be a ``QTableView`` subclass (a table with a frozen first column).
    ``stretch_column`` takes the room left (the last column when None). Text cut short loses its middle, not its
    end: titles that start alike ("A shared evidence base for local area agreements in …") differ at the end,
    and the end stays in view."""
    table = view_class()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.horizontalHeader().setSortIndicator(0, sort_order)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(word_wrap)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for number, column in enumerate(model.columns):
        table.setColumnWidth(number, column.width)
    if stretch_column is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table


def message_label(name: str) -> QLabel:
    """What is shown in place of a table with nothing to list: why, and how to get something there."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setContentsMargins(8, 8, 8, 8)
    set_tone(label, "muted")
    return label


def section_heading(name: str, text: str = "") -> QLabel:
    """A bold heading over one part of a page."""
    label = QLabel(text)
    label.setObjectName(name)
    label.setStyleSheet("font-weight: 600;")
    return label


class RowList(QWidget, Generic[Row]):
    """A sortable table of rows, or a sentence in its place when there are none (or while loading).

    ``stretch_column`` takes the room the other columns leave (the first: usually a title). With ``wrap``, long
    text wraps instead of losing its middle, and each row takes the height its text needs."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        name: str,
        accessible: str,
        *,
        stretch_column: int = 0,
        wrap: bool = False,
    ) -> None:
        super().__init__()
        self.model: RowTableModel[Row] = RowTableModel(columns, self)
        self.table = make_row_table(self.model, name, accessible, word_wrap=wrap, stretch_column=stretch_column)
        self._wrap = wrap
        if wrap:
            self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.message = message_label(f"{name}Message")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def set_rows(self, rows: Sequence[Row], empty_text: str) -> None:
        self.model.set_rows(rows)
        if rows:
            self.stack.setCurrentWidget(self.table)
            self._fit_rows()
        else:
            self.message.setText(empty_text)
            self.stack.setCurrentWidget(self.message)

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def selected(self) -> Row | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_first(self) -> None:
        if self.model.rowCount() and self.stack.currentWidget() is self.table:
            self.table.selectRow(0)

    def on_activated(self, act: Callable[[Row], None]) -> None:
        """Double-click or Enter on a row runs ``act`` on it."""
        self.table.activated.connect(lambda index: act(self.model.row_at(index.row())))

    # Wrapped rows take their height from their columns' widths, which are known only once the table is laid out
    # (one on a tab not yet shown has none) and change as the window is resized: rows are fitted after each.

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._wrap:
            QTimer.singleShot(0, self._fit_rows)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._wrap:
            QTimer.singleShot(0, self._fit_rows)

    def _fit_rows(self) -> None:
        if self._wrap and isValid(self.table) and self.table.isVisible() and self.model.rowCount():
            self.table.resizeRowsToContents()
