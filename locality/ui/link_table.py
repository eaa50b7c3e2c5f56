"""An editable table of links (for example the organisations sharing a need): one row per link, each cell a
picker or a field, with Add and Remove buttons. Used by the need and action dialogs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from locality.ui.forms import DateField, MoneyField, choice_combo, choice_model, find_data
from locality.ui.style import scaled


@dataclass(frozen=True)
class LinkColumn:
    """``kind`` is "choice" (with ``choices`` as (text, value) pairs), "text", "date", "money" or "number"."""

    key: str
    title: str
    kind: str = "choice"
    choices: Sequence[tuple[str, Any]] = ()
    width: int = 160


class LinkTable(QWidget):
    def __init__(self, columns: Sequence[LinkColumn], noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setAccessibleName(noun.capitalize() + "s")
        self.table.setHorizontalHeaderLabels([column.title for column in self.columns])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Tab goes from one cell's editor to the next and then on out of the table, as in any form; moving the
        # current cell with Tab instead kept the keyboard going round the table's rows for ever.
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        header = self.table.horizontalHeader().fontMetrics()
        # A date cell must show a whole date beside its Clear button ("31/01/2026", not "31/01/20"), whatever
        # the font and its size.
        date_width = DateField().sizeHint().width() + 8 if any(c.kind == "date" for c in self.columns) else 0
        for number, column in enumerate(self.columns):
            width = max(column.width, int(header.horizontalAdvance(column.title) * 1.2) + 30)
            if column.kind == "date":
                width = max(width, date_width)
            self.table.setColumnWidth(number, width)
        self.table.setMinimumHeight(130)  # three rows and the header: a dialog with one fits a small screen
        self.table.verticalHeader().setDefaultSectionSize(scaled(34))
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(f"Add {noun}")
        self.remove_button = QPushButton(f"Remove {noun}")
        self.add_button.clicked.connect(lambda: self.add_row({}))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._row_ids: dict[int, Any] = {}
        # One list of choices per column, shared by every row's drop-down (a partner row per organisation would
        # otherwise copy the whole list of organisations each time).
        self._choice_models = {
            column.key: choice_model(column.choices, parent=self) for column in self.columns if column.kind == "choice"
        }
        # Rows given while the table is not on screen (a dialog's other tabs) are built when it is first shown or
        # read: their editors are most of the cost of opening an action's dialog.
        self._pending: list[dict[str, Any]] | None = None

    def _build_pending(self) -> None:
        if self._pending is not None:
            rows, self._pending = self._pending, None
            for values in rows:
                self.add_row(values)
            self.table.scrollToTop()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._build_pending()
        super().showEvent(event)

    def add_row(self, values: dict[str, Any]) -> int:
        self._build_pending()
        row = self.table.rowCount()
        self.table.insertRow(row)
        for number, column in enumerate(self.columns):
            value = values.get(column.key)
            editor: QWidget
            if column.kind == "choice":
                combo = choice_combo(model=self._choice_models[column.key])
                index = find_data(combo, value) if value is not None else 0
                combo.setCurrentIndex(max(index, 0))
                editor = combo
            elif column.kind == "date":
                field = DateField()
                field.set_value(value)
                editor = field
            elif column.kind == "money":
                money = MoneyField()
                money.set_pence(value if value else None)
                editor = money
            elif column.kind == "number":
                spin = QDoubleSpinBox()
                spin.setDecimals(1)
                spin.setRange(0, 10_000)
                spin.setValue(float(value or 0))
                editor = spin
            else:
                line = QLineEdit("" if value is None else str(value))
                editor = line
            editor.setAccessibleName(f"{column.title}, row {row + 1}")
            if number == 0:
                # The saved record's id travels with the row, so an edited milestone is updated, not re-added.
                self._row_ids[id(editor)] = values.get("id")
            self.table.setCellWidget(row, number, editor)
        self._order_tabs()
        self.table.setCurrentCell(row, 0)
        return row

    def _order_tabs(self) -> None:
        """Tab goes through the rows' editors in reading order right after the table, then on to its buttons."""
        previous: QWidget = self.table
        for row in range(self.table.rowCount()):
            for number in range(len(self.columns)):
                editor = self.table.cellWidget(row, number)
                if editor is not None:
                    QWidget.setTabOrder(previous, editor)
                    previous = editor
        QWidget.setTabOrder(previous, self.add_button)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.table.setRowCount(0)
        self._row_ids.clear()
        self._pending = list(rows)
        if self.isVisible():
            self._build_pending()

    def rows(self) -> list[dict[str, Any]]:
        self._build_pending()
        result = []
        for row in range(self.table.rowCount()):
            values: dict[str, Any] = {"id": self._row_ids.get(id(self.table.cellWidget(row, 0)))}
            for number, column in enumerate(self.columns):
                editor = self.table.cellWidget(row, number)
                if isinstance(editor, QComboBox):
                    values[column.key] = editor.currentData()
                elif isinstance(editor, DateField):
                    values[column.key] = editor.value()
                elif isinstance(editor, MoneyField):
                    values[column.key] = editor.pence(column.key)
                elif isinstance(editor, QDoubleSpinBox):
                    values[column.key] = editor.value()
                elif isinstance(editor, QLineEdit):
                    values[column.key] = editor.text()

            result.append(values)
        return result

    def editor(self, row: int, key: str) -> QWidget:
        self._build_pending()
        number = [column.key for column in self.columns].index(key)
        return self.table.cellWidget(row, number)
