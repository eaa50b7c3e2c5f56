"""Form fields that speak the user's terms: dates as dd/mm/yyyy with a calendar, money in £, and validation
messages shown beside the field they are about."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractProxyModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
)
from PySide6.QtGui import QFocusEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from locality.domain.errors import ValidationError
from locality.domain.values import format_money, parse_optional_money
from locality.ui.workers import run_in_background

NO_DATE = QDate(1900, 1, 1)
Field = TypeVar("Field", bound=QWidget)
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
        # The calendar pop-up is made when first opened (making it with the field cost ~1 ms a field, and an
        # action's dialog has many), so it is watched from the first click or key press on the field.
        self._watching_calendar = False
        self.edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.edit
            and not self._watching_calendar
            and event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress)
        ):
            self._watching_calendar = True
            self.edit.calendarWidget().installEventFilter(self)
        elif watched is not self.edit and event.type() == QEvent.Type.Show and self.value() is None:
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
    model = combo.model()
    if isinstance(model, ChoiceModel):
        return model.row_of(value)
    for index in range(combo.count()):
        data = combo.itemData(index)
        if data == value or (value is not None and data is not None and str(data) == str(value)):
            return index
    return -1


def refill_combo(combo: QComboBox, first_text: str, items: Sequence[tuple[str, object]]) -> None:
    """Fills ``combo`` with a first "all" item (data None) and ``items``, keeping the chosen item when it is still
    there, without announcing the change (nothing was chosen by the user)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(first_text, None)
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(find_data(combo, current), 0) if current is not None else 0)
    combo.blockSignals(False)


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

    def add_field(self, name: str, label: str, widget: Field) -> Field:
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


# --------------------------------------------------------------------------- long lists of choices

Choices = Sequence[tuple[str, object]]
AnyIndex = QModelIndex | QPersistentModelIndex


def _key(value: object) -> object:
    return None if value is None else str(value)


class ChoiceModel(QAbstractListModel):
    """(text, value) choices for a combo box, given in one go: thousands of them cost one reset, not one insert
    each, and only the rows on screen are ever asked for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices: list[tuple[str, object]] = []
        self._rows: dict[object, int] = {}

    def set_choices(self, choices: Choices) -> None:
        self.beginResetModel()
        self._choices = list(choices)
        self._rows = {}
        for number, (_text, value) in enumerate(self._choices):
            self._rows.setdefault(_key(value), number)
        self.endResetModel()

    def choices(self) -> list[tuple[str, object]]:
        return list(self._choices)

    def row_of(self, value: object) -> int:
        """The row whose value equals ``value`` (UUIDs compared by value), or -1."""
        return self._rows.get(_key(value), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._choices)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._choices):
            return None
        text, value = self._choices[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None


def choice_model(items: Choices, none_text: str | None = None, parent: QObject | None = None) -> QStandardItemModel:
    """(text, value) ``items`` as a Qt item model (with a first ``none_text`` item of value None if given), which
    several drop-downs offering the same choices (a row per partner) can share instead of each copying them."""
    model = QStandardItemModel(parent)
    rows = ([(none_text, None)] if none_text is not None else []) + list(items)
    for text, value in rows:
        item = QStandardItem(text)
        item.setData(value, Qt.ItemDataRole.UserRole)
        model.appendRow(item)
    return model


def choice_combo(
    items: Choices = (), none_text: str | None = None, *, model: QStandardItemModel | None = None
) -> QComboBox:
    """A plain drop-down of (text, value) ``items`` (see ``choice_model``), or of a shared ``model``."""
    combo = QComboBox()
    combo.setModel(model if model is not None else choice_model(items, none_text, combo))
    return combo


class ChoiceCombo(QComboBox):
    """A drop-down over a long list (thousands of needs or actions) that opens at once and can be searched.

    The choices sit in a ``ChoiceModel``; typing any part of a choice lists the matches. With ``load`` the list
    is read only when wanted: ``start_loading`` reads it on a worker thread, and it is read at once if the user
    reaches the field (or a value not yet listed is selected) before that has finished. Until then the combo
    holds the "none" choice and whatever ``select`` was given. Text typed that matches no choice is put back to
    the chosen one when the user leaves the field.
    """

    def __init__(
        self,
        none_text: str | None,
        choices: Choices = (),
        *,
        load: Callable[[], Choices] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._none = [(none_text, None)] if none_text is not None else []
        self._load = load
        self._loaded = load is None
        self.choice_model = ChoiceModel(self)
        self.setModel(self.choice_model)
        view = self.view()
        if isinstance(view, QListView):
            view.setUniformItemSizes(True)
        self.setEditable(True)
        self._edit = QLineEdit(self)
        self.setLineEdit(self._edit)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(40)
        self._edit.setPlaceholderText("Type part of a name to search")
        # The search runs over a plain list of the texts, row for row the same as the choices: Qt filters that
        # without calling back into Python for every row (20,000 actions: a few ms a keystroke, not 60).
        self._texts = QStringListModel(self)
        completer = QCompleter(self._texts, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(15)
        popup = completer.popup()
        if isinstance(popup, QListView):
            popup.setUniformItemSizes(True)
        completer.activated[QModelIndex].connect(self._completed)  # type: ignore[index]
        self._edit.setCompleter(completer)  # not QComboBox.setCompleter: that would pick the first same text
        self._edit.editingFinished.connect(self._settle_text)
        self.currentIndexChanged.connect(lambda _index: self._show_start())
        self.set_choices(choices)

    @property
    def loaded(self) -> bool:
        return self._loaded

    def set_choices(self, choices: Choices) -> None:
        """Replaces the choices (after the "none" choice), keeping the chosen value when it is still there."""
        current = self.currentData()
        self.blockSignals(True)
        self.choice_model.set_choices([*self._none, *choices])
        self._texts.setStringList([text for text, _value in self.choice_model.choices()])
        self.setCurrentIndex(max(self.choice_model.row_of(current), 0) if self.count() else -1)
        self.blockSignals(False)
        self._show_start()

    def _show_start(self) -> None:
        """A long title is shown from its beginning, not scrolled to its end, unless the user is typing."""
        if not self._edit.hasFocus():
            self._edit.setCursorPosition(0)

    def value(self) -> object:
        """The chosen value (None for the "none" choice), after settling any half-typed text."""
        self._settle_text()
        return self.currentData()

    def select(self, value: object, text: str = "") -> None:
        """Chooses ``value``. Before the list is read, a value with its ``text`` is shown on its own (the
        record's current choice, known without reading the list); otherwise the list is read first."""
        if value is not None and self.choice_model.row_of(value) < 0 and not self._loaded:
            if text:
                self.choice_model.set_choices([*self.choice_model.choices(), (text, value)])
            else:
                self.ensure_loaded()
        self.setCurrentIndex(max(self.choice_model.row_of(value), 0))

    def start_loading(self) -> None:
        """Reads the choices on a worker thread; a failure is left for ``ensure_loaded`` to report."""
        if self._loaded or self._load is None:
            return
        run_in_background(self._load, self._loaded_in_background, lambda _error: None, self)

    def _loaded_in_background(self, choices: Choices) -> None:
        if not self._loaded:
            self._loaded = True
            self.set_choices(choices)

    def ensure_loaded(self) -> None:
        if self._loaded or self._load is None:
            return
        self._loaded = True
        self.set_choices(self._load())

    def showPopup(self) -> None:  # noqa: N802 - Qt override
        self.ensure_loaded()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self.ensure_loaded()
        super().focusInEvent(event)

    def _completed(self, index: QModelIndex) -> None:
        proxy = self._edit.completer().completionModel()
        if isinstance(proxy, QAbstractProxyModel):
            index = proxy.mapToSource(index)
        if index.isValid():
            self.setCurrentIndex(index.row())

    def _settle_text(self) -> None:
        typed = self._edit.text()
        chosen = self.itemText(self.currentIndex()) if self.currentIndex() >= 0 else ""
        if typed == chosen:
            return
        if not typed.strip() and self._none:
            self.setCurrentIndex(0)
            return
        match = self.findText(typed.strip(), Qt.MatchFlag.MatchFixedString)
        if match >= 0:
            self.setCurrentIndex(match)
        else:
            self.setEditText(chosen)
