"""An indicator's measurements as a table edited in place: the model, and the delegate that gives each column
its editor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDateEdit, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from locality.domain.values import format_date
from locality.services.indicators import Measurement
from locality.ui.indicators.wording import format_value

DATE_COLUMN, VALUE_COLUMN, NOTE_COLUMN = 0, 1, 2
AnyIndex = QModelIndex | QPersistentModelIndex


class MeasurementModel(QAbstractTableModel):
    """An indicator's measurements; editing a cell calls ``save(measurement, column, value)``, which returns
    whether the change was saved."""

    HEADERS = ("Date", "Value", "Note")

    def __init__(self, save: Callable[[Measurement, int, Any], bool], parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Measurement] = []
        self.unit = ""
        self._save = save

    def set_rows(self, rows: Sequence[Measurement], unit: str) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.unit = unit
        self.endResetModel()

    def replace(self, saved: Measurement) -> None:
        """Shows a just-saved measurement at once (with its new version, for the next edit of the row)."""
        for number, row in enumerate(self.rows):
            if row.id == saved.id:
                self.rows[number] = saved
                self.dataChanged.emit(self.index(number, 0), self.index(number, 2))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            short = section == VALUE_COLUMN and self.unit and len(self.unit) <= 10
            return self.HEADERS[section] + (f" ({self.unit})" if short else "")
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal and section == VALUE_COLUMN:
            return f"Value in {self.unit}" if self.unit else "Value"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == DATE_COLUMN:
                return format_date(row.measured_on)
            if column == VALUE_COLUMN:
                return format_value(row.value)
            return row.note
        if role == Qt.ItemDataRole.EditRole:
            if column == DATE_COLUMN:
                return QDate(row.measured_on.year, row.measured_on.month, row.measured_on.day)
            if column == VALUE_COLUMN:
                return format_value(row.value)
            return row.note
        if role == Qt.ItemDataRole.TextAlignmentRole and column == VALUE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Double-click to change it"
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self._save(self.rows[index.row()], index.column(), value)


class MeasurementDelegate(QStyledItemDelegate):
    """Dates are edited with a dd/mm/yyyy calendar; values and notes as text."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        if index.column() == DATE_COLUMN:
            editor = QDateEdit(parent)
            editor.setDisplayFormat("dd/MM/yyyy")
            editor.setCalendarPopup(True)
            return editor
        return QLineEdit(parent)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDateEdit):
            editor.setDate(value)
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QDateEdit):
            model.setData(index, editor.date(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
