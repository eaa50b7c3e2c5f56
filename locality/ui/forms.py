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
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from locality.domain.errors import ValidationError
from locality.domain.values import (
    MAX_YEAR,
    MIN_YEAR,
    format_date,
    format_money,
    parse_date,
    parse_optional_date,
    parse_optional_money,
)
from locality.ui.style import set_tone
from locality.ui.workers import run_in_background

Field = TypeVar("Field", bound=QWidget)
ERROR_STYLE = "color: #b00020;"


class _DateLine(QLineEdit):
    """The text part of a date field: typed as dd/mm/yyyy; Up and Down move a day (Page Up and Page Down a
    month), starting from today when empty; Alt+Down or F4 opens the calendar, as in a combo box."""

    def __init__(self, field: DateField) -> None:
        super().__init__()
        self._field = field

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if key == Qt.Key.Key_F4 or (alt and key == Qt.Key.Key_Down):
            self._field.open_calendar()
            return
        steps: dict[int, int] = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_PageUp: 31, Qt.Key.Key_PageDown: -31}
        if key in steps and not alt:
            self._field.step(steps[key])
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """A date typed as dd/mm/yyyy (ISO and d/m/yyyy are read too) or chosen from a calendar; an optional one
    may be left empty. Tab passes straight through, as with any text field: the buttons beside it are for the
    mouse, and the keyboard has Alt+Down for the calendar and Delete for clearing."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, optional: bool = True) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._optional = optional
        self.field_name = "date"  # the form's name for it, so a message about it lands beside it
        self.edit = _DateLine(self)
        self.edit.setPlaceholderText("No date (dd/mm/yyyy)" if optional else "dd/mm/yyyy")
        self.edit.setToolTip("Type the date as dd/mm/yyyy; Up and Down change it by a day; Alt+Down opens a calendar.")
        self.edit.textEdited.connect(lambda _text: self.changed.emit())
        self.edit.editingFinished.connect(self._tidy)
        layout.addWidget(self.edit, 1)
        self.calendar_button = QToolButton()
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setToolTip("Choose from a calendar (Alt+Down)")
        self.calendar_button.setAccessibleName("Choose date from a calendar")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.clicked.connect(self.open_calendar)
        layout.addWidget(self.calendar_button)
        if optional:
            clear = QPushButton("Clear")
            clear.setAccessibleName("Clear date")
            clear.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            clear.clicked.connect(lambda: self._set_and_announce(None))
            layout.addWidget(clear)
        # The calendar pop-up is made when first opened: making it with the field cost ~1 ms a field, and an
        # action's dialog has many.
        self._popup: QFrame | None = None
        self.calendar: QCalendarWidget | None = None
        self.set_value(None)
        self.setFocusProxy(self.edit)
        # A label's Alt+letter only moves to a buddy that takes focus; the proxy then hands it to the text.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        text_width = self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 16
        buttons = self.calendar_button.sizeHint().width() + 2
        if self._optional:
            buttons += self.fontMetrics().horizontalAdvance("Clear") + 28
        return QSize(max(hint.width(), text_width + buttons), hint.height())

    # -- the value

    def value(self) -> date | None:
        """The date shown; None when an optional field is empty. Text that is not a date raises
        ``ValidationError`` for this field, with a sentence saying how to write one."""
        text = self.edit.text()
        if self._optional:
            return parse_optional_date(text, self.field_name)
        return parse_date(text, self.field_name)

    def has_valid_value(self) -> bool:
        try:
            self.value()
        except ValidationError:
            return False
        return True

    def set_value(self, value: date | None) -> None:
        if value is None and not self._optional:
            value = date.today()
        self.edit.setText(format_date(value) if value is not None else "")

    def _set_and_announce(self, value: date | None) -> None:
        if value != self._current_or_none():
            self.set_value(value)
            self.changed.emit()

    def _current_or_none(self) -> date | None:
        try:
            return self.value()
        except ValidationError:
            return None

    def _tidy(self) -> None:
        """Typed "1/4/2026" reads back as "01/04/2026", so the user sees the date that will be saved."""
        if self.edit.text().strip() and self.has_valid_value():
            value = self.value()
            if value is not None and self.edit.text() != format_date(value):
                self.edit.setText(format_date(value))

    def step(self, days: int) -> None:
        current = self._current_or_none()
        if current is None:
            if self.edit.text().strip():
                return  # text being typed that is not a date yet: leave it for the user to finish
            self._set_and_announce(date.today())
            return
        moved = QDate(current.year, current.month, current.day)
        moved = moved.addMonths(1 if days > 0 else -1) if abs(days) == 31 else moved.addDays(days)
        target = date(moved.year(), moved.month(), moved.day())
        if MIN_YEAR <= target.year <= MAX_YEAR:
            self._set_and_announce(target)

    # -- the calendar

    def open_calendar(self) -> None:
        if self._popup is None or self.calendar is None:
            self._popup = QFrame(self, Qt.WindowType.Popup)
            self._popup.setFrameShape(QFrame.Shape.StyledPanel)
            column = QVBoxLayout(self._popup)
            column.setContentsMargins(2, 2, 2, 2)
            self.calendar = QCalendarWidget()
            self.calendar.setGridVisible(True)
            self.calendar.setMinimumDate(QDate(MIN_YEAR, 1, 1))
            self.calendar.setMaximumDate(QDate(MAX_YEAR, 12, 31))
            self.calendar.activated.connect(self._choose)
            self.calendar.clicked.connect(self._choose)
            column.addWidget(self.calendar)
        shown = self._current_or_none() or date.today()
        chosen = QDate(shown.year, shown.month, shown.day)
        self.calendar.setSelectedDate(chosen)
        self.calendar.setCurrentPage(shown.year, shown.month)
        self._popup.adjustSize()
        self._popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self._popup.show()
        self.calendar.setFocus()

    def _choose(self, chosen: QDate) -> None:
        if self._popup is not None:
            self._popup.hide()
        self._set_and_announce(date(chosen.year(), chosen.month(), chosen.day()))
        self.edit.setFocus()

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
        set_tone(self.general_error, "error")
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
        set_tone(message, "error")
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
        if isinstance(widget, DateField):
            widget.field_name = name

        def clear_message() -> None:
            message.clear()
            message.hide()

        _on_change(widget, clear_message)
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


def _on_change(field: QWidget, react: Callable[[], object]) -> None:
    """Calls ``react`` when the user changes ``field``'s value, or any value inside it (a row holding two dates,
    say): a message about a value goes once it is corrected, not at the next Save."""
    for widget in [field, *field.findChildren(QWidget)]:
        _on_own_change(widget, react)


def _on_own_change(widget: QWidget, react: Callable[[], object]) -> None:
    if isinstance(widget, DateField):
        widget.changed.connect(react)
    elif isinstance(widget, QLineEdit):
        widget.textEdited.connect(react)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(react)
    elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        widget.valueChanged.connect(react)
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        widget.textChanged.connect(react)
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(react)


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
