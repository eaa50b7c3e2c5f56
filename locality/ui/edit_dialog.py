"""The shape of every edit dialog: a form with messages beside the fields, Save and Cancel, and the stale-row
conflict handled the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QVBoxLayout, QWidget

from locality.domain.errors import StaleRecordError, ValidationError
from locality.ui.errors import show_error
from locality.ui.forms import ErrorForm


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
        self.outer.addLayout(self.form)
        self.outer.addWidget(self.form.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self.saved: Any = None

    def finish_layout(self) -> None:
        self.outer.addWidget(self.buttons)

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

    def try_save(self) -> None:
        for form in self.forms:
            form.clear_errors()
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

    def _show_conflict(self, error: StaleRecordError) -> None:
        """Someone else saved first: show their values and let the user decide; nothing was overwritten."""
        QMessageBox.information(
            self,
            "Changed by someone else",
            f"{error}\n\nThe form now shows the values as they are; make your change again if it is still needed.",
        )
        if error.current is not None:
            self.load(error.current)


def run_dialog(dialog: EditDialog, after_save: Callable[[Any], None] | None = None) -> Any:
    if dialog.exec() == QDialog.DialogCode.Accepted:
        if after_save is not None:
            after_save(dialog.saved)
        return dialog.saved
    return None
