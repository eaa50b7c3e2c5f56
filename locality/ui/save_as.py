"""Where a dialog saves what it writes (a plan, a board paper): a file name with Browse…, whose suffix follows the
chosen format; and, once written, the offer to open it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from locality.files import workspace_refusal
from locality.ui.forms import ErrorForm


class SaveAsRow(QWidget):
    """A line edit for the file to write and a Browse… button."""

    def __init__(self, browse_title: str, default: Path, suffix: Callable[[], str], parent: QWidget | None = None):
        super().__init__(parent)
        self._browse_title = browse_title
        self._default = default
        self._suffix = suffix
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.target = QLineEdit()
        self.target.setAccessibleName("File to write")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self.browse)
        row.addWidget(self.target, 1)
        row.addWidget(browse)
        self.suggest()

    def suggest(self) -> None:
        """The name as it is (the default at first) with the chosen format's suffix."""
        current = Path(self.target.text()) if self.target.text() else self._default
        self.target.setText(str(current.with_suffix("." + self._suffix())))

    def chosen(self, form: ErrorForm, field: str, what: str) -> Path | None:
        """The file to write, or None after saying beside ``field`` of ``form`` why it cannot be: no name, a
        folder that does not exist, or a workspace (or a side file of one) that writing would replace. ``what``
        is what would be saved ("the plan")."""
        text = self.target.text().strip()
        if not text:
            form.show_errors({field: f"Choose where to save {what}"})
            return None
        target = Path(text).expanduser()
        if not target.parent.is_dir():
            form.show_errors({field: f"The folder {target.parent} does not exist"})
            return None
        refusal = workspace_refusal(target)
        if refusal is not None:
            form.show_errors({field: refusal})
            return None
        return target

    def browse(self) -> None:
        suffix = self._suffix()
        path, _ = QFileDialog.getSaveFileName(self, self._browse_title, self.target.text(), f"*.{suffix}")
        if path:
            self.target.setText(path if path.endswith("." + suffix) else f"{path}.{suffix}")


def offer_to_open(parent: QWidget, title: str, what: str, target: Path) -> None:
    """Says ``what`` was saved as ``target`` and opens it in its own application if the user asks."""
    answer = QMessageBox.question(
        parent,
        title,
        f"{what} was saved as {target.name}. Open it now?",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
        QMessageBox.StandardButton.Close,
    )
    if answer == QMessageBox.StandardButton.Open:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))


def default_folder(workspace: Path | None) -> Path:
    """Where a written file goes unless the user says otherwise: beside the workspace file."""
    return workspace.parent if workspace is not None else Path.home()


class WriteFileDialog(QDialog):
    """The shape of a dialog that writes one paper (a board report, a workshop record): what it holds, its
    format, where to save it, Write and Cancel. A subclass adds any options of its own to ``form`` before
    calling ``add_save_as``, and implements ``write`` (in the background, with ``LongWork``)."""

    save_as: SaveAsRow
    target: QLineEdit
    buttons: QDialogButtonBox
    write_button: QPushButton

    def __init__(
        self, title: str, intro: str, formats: Sequence[tuple[str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.outer = QVBoxLayout(self)
        about = QLabel(intro)
        about.setWordWrap(True)
        self.outer.addWidget(about)
        self.form = ErrorForm()
        self.format = self.form.add_field("format", "&Format:", QComboBox())
        for text, value in formats:
            self.format.addItem(text, value)
        self.written: Path | None = None

    def add_save_as(self, browse_title: str, default: Path, write_button_name: str) -> None:
        self.save_as = SaveAsRow(browse_title, default, lambda: str(self.format.currentData()))
        self.target = self.save_as.target
        self.form.add_field("target", "&Save as:", self.save_as)
        self.outer.addLayout(self.form)
        self.outer.addWidget(self.form.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.write_button = self.buttons.addButton("&Write", QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setObjectName(write_button_name)
        self.buttons.rejected.connect(self.reject)
        self.write_button.clicked.connect(self.write)
        self.outer.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self.save_as.suggest)

    def write(self) -> None:
        raise NotImplementedError
