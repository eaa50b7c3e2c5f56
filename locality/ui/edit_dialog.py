"""The shape of every edit dialog: a form with messages beside the fields, Save and Cancel, and the stale-row
conflict handled the same way everywhere."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import StaleRecordError, ValidationError
from locality.services.history import PutBack
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import DateField, ErrorForm
from locality.ui.record_history import PUT_BACK_TITLE, RecordHistory

DISCARD_CHANGES = "Discard your changes? They have not been saved."
SAVE_BEFORE_PUTTING_BACK = "Save or undo your changes on the form first, then put the old value back."


class FormArea(QScrollArea):
    """A dialog's form, scrolling when it is taller than the screen allows (at a 150% text size an action's details
    asked for 770 pixels): it asks for little height as a minimum, and ``EditDialog`` opens tall enough to show it
    whole when the screen has room."""

    def __init__(self, form: QLayout) -> None:
        super().__init__()
        self.body = QWidget()
        self.body.setLayout(form)
        form.setContentsMargins(0, 0, 0, 0)  # as it had laid straight into the dialog
        self.setWidget(self.body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, and scrolls to the one it reaches

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self.body.sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        least = self.body.minimumSizeHint()
        return QSize(least.width() + self.verticalScrollBar().sizeHint().width(), min(least.height(), 160))


class EditDialog(QDialog):
    """Subclasses build their fields on ``self.form`` and implement ``save`` (which calls a service and returns
    the saved value) and ``load`` (which fills the fields from a record)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.outer = QVBoxLayout(self)
        self.form = ErrorForm()
        self.forms = [self.form]
        self.form_area = FormArea(self.form)
        self.outer.addWidget(self.form_area)
        self.outer.addWidget(self.form.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self.saved: Any = None
        self.is_new = False  # subclasses say so for a record not saved yet, so Cancel asks the right question
        self._clean_state: tuple[object, ...] | None = None
        self.initial_focus: QWidget | None = None  # where typing starts; the first field when None
        #: The dialog's tabs, once ``put_form_on_tabs`` has made them (the first form on "Details").
        self.tabs: QTabWidget | None = None
        #: The record's History tab, when ``add_history`` was asked for one.
        self.history: RecordHistory | None = None

    def finish_layout(self) -> None:
        if self.history is not None:
            self.put_form_on_tabs().addTab(self.history, "History")
        self.outer.addWidget(self.buttons)

    def put_form_on_tabs(self, title: str = "Details") -> QTabWidget:
        """Moves the first form onto a tab (``title``: "Details" with no Alt+letter, which the form's own labels
        may have taken), in its place in the dialog; made once, then returned."""
        if self.tabs is None:
            place = self.outer.indexOf(self.form_area)
            self.outer.removeWidget(self.form_area)
            self.tabs = QTabWidget()
            self.tabs.setAccessibleName("Sections")
            self.outer.insertWidget(max(place, 0), self.tabs)
            # The tab's frame is margin enough: the form fills it, so a tall form still fits a small screen.
            self.form.setContentsMargins(6, 6, 6, 2)
            self.tabs.addTab(self.form_area, title)
        return self.tabs

    def add_history(self, env: UiEnv, entity: Entity, record_id: uuid.UUID) -> RecordHistory:
        """Gives the dialog a History tab listing the record's changes (added by ``finish_layout``), with "Put
        this value back": refused while the form holds unsaved changes, and the form shows the record as it is
        afterwards."""
        self.history = RecordHistory(
            env,
            entity,
            record_id,
            may_put_back=self._may_put_back,
            put_back_done=self._value_put_back,
        )
        return self.history

    def _may_put_back(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        QMessageBox.information(self, PUT_BACK_TITLE, SAVE_BEFORE_PUTTING_BACK)
        return False

    def _value_put_back(self, put: PutBack) -> None:
        self.load(put.saved)
        self.mark_clean()

    def save(self) -> Any:
        raise NotImplementedError

    def load(self, record: Any) -> None:
        raise NotImplementedError

    def add_form(self) -> ErrorForm:
        """A further form (on another tab, say) whose fields also show their own messages."""
        form = ErrorForm()
        self.forms.append(form)
        return form

    def error_text(self, name: str) -> str:
        return " ".join(form.error_text(name) for form in self.forms if form.error_text(name))

    # -- unsaved changes: Cancel and Esc ask before throwing away what was typed

    def state(self) -> tuple[object, ...]:
        """What the user can change, as plain values: compared with the state when the dialog opened to tell
        whether Cancel would lose anything. Subclasses add what lives outside the forms' fields."""
        values: list[object] = []
        for form in self.forms:
            for widget in form._fields.values():
                for part in [widget, *widget.findChildren(QWidget)]:
                    values.append(_value_of(part))
        return tuple(value for value in values if value is not None)

    def mark_clean(self) -> None:
        """The fields as they are now hold nothing unsaved (after loading or saving)."""
        self._clean_state = self.state()

    def has_unsaved_changes(self) -> bool:
        return self._clean_state is not None and self.state() != self._clean_state

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        first_show = self._clean_state is None
        if first_show:
            self.mark_clean()
            self._fit_form_to_screen()
        super().showEvent(event)
        if first_show:
            target = self.initial_focus or self._first_field()
            if target is not None:
                target.setFocus(Qt.FocusReason.TabFocusReason)

    def _fit_form_to_screen(self) -> None:
        """Opens tall enough to show the whole form when the screen has room for it (a window's first size is
        otherwise at most two thirds of the screen, and the form would scroll for nothing); the form scrolls only
        when the screen is too small for it, at a large text size."""
        screen = self.screen()
        if screen is None:
            return
        room = screen.availableGeometry().height() - 40  # the window's title bar
        # The dialog's natural height, with the whole form at its least height (as a form laid straight in it was).
        whole_form = self.form_area.body.minimumSizeHint().height()
        wanted = min(self.sizeHint().height() - self.form_area.sizeHint().height() + whole_form, room)
        if wanted > self.height():
            self.resize(self.width(), wanted)

    def _first_field(self) -> QWidget | None:
        """Where typing starts when the dialog opens: the first field that takes the keyboard (not, say, a
        table's editor that happened to be made last)."""
        for field in self.form._fields.values():
            for widget in [field, *field.findChildren(QWidget)]:
                if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled():
                    return widget
        return None

    def reject(self) -> None:
        if self.has_unsaved_changes() and not self.confirm_discard():
            return
        super().reject()

    def discard_question(self) -> str:
        if self.is_new:  # the title names what is new: "New need" asks "Discard this new need?"
            title = self.windowTitle()
            return f"Discard this {title[:1].lower()}{title[1:]}? What you typed has not been saved."
        return DISCARD_CHANGES

    def confirm_discard(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            self.discard_question(),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Cancel).setText("Keep editing")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Discard

    def try_save(self, *, close: bool = True) -> None:
        """Saves; closes the dialog when that worked, unless ``close`` is False. Messages go beside fields."""
        for form in self.forms:
            form.clear_errors()
        self.saved = None
        try:
            self.saved = self.save()
        except ValidationError as error:
            self._show_field_errors(error.field_errors)
            return
        except StaleRecordError as error:
            self._show_conflict(error)
            return
        except Exception as error:
            show_error(self, error, self.windowTitle())
            return
        if close:
            self.accept()

    def _show_field_errors(self, errors: dict[str, str]) -> None:
        unplaced = set(errors)
        for form in reversed(self.forms):  # the first form last, so its field gets the focus
            mine = {name: message for name, message in errors.items() if form.has_field(name)}
            form.show_errors(mine, show_unplaced=False)
            unplaced -= set(mine)
            if mine:
                self.reveal(form)
        if unplaced:
            self.form.general_error.setText(" ".join(errors[name] for name in unplaced))
            self.form.general_error.show()

    def reveal(self, form: ErrorForm) -> None:
        """Brings ``form`` into view when one of its fields has a message (a tabbed dialog switches tab)."""
        if self.tabs is not None and form is self.form:
            self.tabs.setCurrentIndex(0)

    def _show_conflict(self, error: StaleRecordError) -> None:
        """Someone else saved first: show their values and let the user decide; nothing was overwritten."""
        QMessageBox.information(
            self,
            "Changed by someone else",
            f"{error}\n\nThe form now shows the values as they are; make your change again if it is still needed.",
        )
        if error.current is not None:
            self.load(error.current)
            self.mark_clean()


def _value_of(widget: QWidget) -> object:
    """The user-visible value of one input widget; None for widgets that hold none."""
    if isinstance(widget, DateField):
        return None  # its line edit is a child and is read there
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return (widget.currentIndex(), widget.currentText() if widget.isEditable() else None)
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    return None


def run_dialog(dialog: EditDialog, after_save: Callable[[Any], None] | None = None) -> Any:
    if dialog.exec() == QDialog.DialogCode.Accepted:
        if after_save is not None:
            after_save(dialog.saved)
        return dialog.saved
    return None
