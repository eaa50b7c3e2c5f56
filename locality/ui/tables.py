"""The set-up every read-only table of rows shares: sortable, whole rows selected, striped, no row numbers, column
widths from the model's columns; and the labels that go above and instead of such a table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

from locality.ui.style import set_tone
from locality.ui.table_model import RowTableModel


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
