"""Form fields that speak the user's terms: dates as dd/mm/yyyy with a calendar, money in £, and validation
messages shown beside the field they are about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from locality.domain.errors import ValidationError
from locality.domain.values import format_money, parse_optional_money

NO_DATE = QDate(1900, 1, 1)
ERROR_STYLE = "color: #b00020;"


class DateField(QWidget):
    """A date picker that may be left empty ("No date"), shown as dd/mm/yyyy."""

    def __init__(self, parent: QWidget | None = None, *, optional: bool = True) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateEdit()
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setCalendarPopup(True)
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setMaximumDate(QDate(2999, 12, 31))
        self._optional = optional
        layout.addWidget(self.edit, 1)
        if optional:
            self.edit.setSpecialValueText("No date")
            clear = QPushButton("Clear")
            clear.setAccessibleName("Clear date")
            clear.clicked.connect(lambda: self.set_value(None))
            layout.addWidget(clear)
        self.set_value(None)
        self.setFocusProxy(self.edit)
        self.edit.calendarWidget().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Show and self.value() is None:
            # An empty date's calendar opens on this month, not on January 1900 (the page only, not a choice).
            today = QDate.currentDate()
            self.edit.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)

    def value(self) -> date | None:
        current = self.edit.date()
        if self._optional and current == NO_DATE:
            return None
        return date(current.year(), current.month(), current.day())

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.edit.setDate(NO_DATE if self._optional else QDate.currentDate())
        else:
            self.edit.setDate(QDate(value.year, value.month, value.day))

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 - Qt naming
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)


class MoneyField(QLineEdit):
    """An amount in pounds: accepts "£12,500" or "12500.50"; empty means no amount."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("£0.00")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.editingFinished.connect(self._tidy)

    def pence(self, field: str = "amount") -> int | None:
        """The amount in pence; raises ValidationError for text that is not an amount."""
        return parse_optional_money(self.text(), field)

    def set_pence(self, pence: int | None) -> None:
        self.setText(format_money(pence) if pence is not None else "")

    def _tidy(self) -> None:
        try:
            pence = self.pence()
        except ValidationError:
            return  # left as typed; the error appears beside the field on saving
        self.set_pence(pence)


def combo_data(combo: QComboBox) -> object:
    return combo.currentData()


def find_data(combo: QComboBox, value: object) -> int:
    """The index of the item whose data equals ``value``: QComboBox.findData compares Python objects such as
    UUIDs by identity, not by value."""
    for index in range(combo.count()):
        data = combo.itemData(index)
        if data == value or (value is not None and data is not None and str(data) == str(value)):
            return index
    return -1


def select_data(combo: QComboBox, value: object) -> None:
    index = find_data(combo, value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class ErrorForm(QFormLayout):
    """A form layout whose rows each have a place for a validation message beside (below) the field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

    def add_field(self, name: str, label: str, widget: QWidget) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        message = QLabel()
        message.setObjectName(f"{name}Error")
        message.setStyleSheet(ERROR_STYLE)
        message.setWordWrap(True)
        message.hide()
        column.addWidget(message)
        caption = QLabel(label)
        caption.setBuddy(widget)
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        self.addRow(caption, holder)
        self._errors[name] = message
        self._fields[name] = widget
        return widget

    def show_errors(self, errors: Mapping[str, str], *, show_unplaced: bool = True) -> list[str]:
        """Shows each message beside its field; returns the messages about fields this form does not have."""
        self.clear_errors()
        unplaced: list[str] = []
        first: QWidget | None = None
        for name, message in errors.items():
            label = self._errors.get(name)
            if label is None:
                unplaced.append(message)
                continue
            label.setText(message if message.endswith(".") else message + ".")
            label.show()
            first = first or self._fields[name]
        if unplaced and show_unplaced:
            self.general_error.setText(" ".join(unplaced))
            self.general_error.show()
        if first is not None:
            first.setFocus()
        return unplaced

    def has_field(self, name: str) -> bool:
        return name in self._fields

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()
        self.general_error.clear()
        self.general_error.hide()

    def error_text(self, name: str) -> str:
        label = self._errors.get(name)
        return label.text() if label is not None and not label.isHidden() else ""
