"""File › Import: organisations, needs, actions or progress from a CSV or Excel file. The dialog shows how the
file's columns match ours, the rows that would be created and every bad row before anything is written; the
import itself is all or nothing, in the background with progress and Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from locality.exchange.importing import ImportPreview, ImportReport, import_file, import_kinds, preview
from locality.ui.env import UiEnv
from locality.ui.forms import ErrorForm
from locality.ui.long_work import LongWork
from locality.ui.style import set_tone

# The support directory's kinds, named as its page names them.
_KIND_LABELS = {"providers": "Support providers", "offers": "Support offers"}


class ImportDialog(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle("Import from a spreadsheet")
        self.setMinimumSize(860, 620)
        layout = QVBoxLayout(self)
        self.form = ErrorForm()
        self.kind = self.form.add_field("kind", "&What the file holds:", QComboBox())
        for kind in import_kinds():
            self.kind.addItem(_KIND_LABELS.get(kind, kind.capitalize()), kind)
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setAccessibleName("File to import")
        self.path.setPlaceholderText("A .csv or .xlsx file; the first row holds the column headings")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        self.check_button = QPushButton("&Check file")
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        row.addWidget(self.check_button)
        self.form.add_field("path", "&File:", file_row)
        layout.addLayout(self.form)
        layout.addWidget(self.form.general_error)

        self.summary = QLabel("Choose a file, then Check file to see what would be imported.")
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        panes = QHBoxLayout()
        self.mapping = QTableWidget(0, 2)
        self.mapping.setAccessibleName("How the file's columns are read")
        self.mapping.setHorizontalHeaderLabels(["Column in the file", "Read as"])
        self.mapping.verticalHeader().hide()
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.mapping.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows = QTableWidget(0, 0)
        self.rows.setAccessibleName("Rows that would be created")
        self.rows.verticalHeader().hide()
        self.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        panes.addWidget(self.mapping, 1)
        panes.addWidget(self.rows, 3)
        layout.addLayout(panes, 3)
        self.errors = QListWidget()
        self.errors.setAccessibleName("Rows that cannot be imported")
        set_tone(self.errors, "error")
        self.errors.setWordWrap(True)
        layout.addWidget(self.errors, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._forget_check)
        self.path.textChanged.connect(self._forget_check)
        self.work: LongWork | None = None
        self.checked: ImportPreview | None = None
        self.report: ImportReport | None = None

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import from", self.path.text(), "Spreadsheets (*.csv *.xlsx);;All files (*)"
        )
        if path:
            self.path.setText(path)
            self.check()

    def _forget_check(self) -> None:
        self.checked = None
        self.import_button.setEnabled(False)

    def _file(self) -> Path | None:
        self.form.clear_errors()
        text = self.path.text().strip()
        if not text:
            self.form.show_errors({"path": "Choose the file to import"})
            return None
        return Path(text).expanduser()

    # ------------------------------------------------------------------ check, then import

    def check(self) -> None:
        path = self._file()
        if path is None:
            return
        kind = str(self.kind.currentData())
        services = self.env.services
        self.work = LongWork(self, "Check file", f"Reading {path.name}…")
        self.work.start(
            lambda progress, cancelled: preview(services, kind, path, progress=progress, cancelled=cancelled),
            self.show_preview,
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.checked = None
        self.import_button.setEnabled(False)
        self.summary.setText(str(error))
        self.errors.clear()
        for line in getattr(error, "row_errors", []):
            self.errors.addItem(line)

    def show_preview(self, checked: ImportPreview) -> None:
        self.checked = checked
        self.mapping.setRowCount(len(checked.columns))
        for number, (heading, ours) in enumerate(checked.columns):
            self.mapping.setItem(number, 0, QTableWidgetItem(heading))
            self.mapping.setItem(number, 1, QTableWidgetItem(ours or "(ignored)"))
        keys = [ours for _heading, ours in checked.columns if ours]
        self.rows.setColumnCount(len(keys))
        self.rows.setHorizontalHeaderLabels([key.replace("_", " ").capitalize() for key in keys])
        shown = checked.rows[:500]
        self.rows.setRowCount(len(shown))
        for number, values in enumerate(shown):
            for column, key in enumerate(keys):
                self.rows.setItem(number, column, QTableWidgetItem(values.get(key, "")))
        self.errors.clear()
        for line in (*checked.row_errors, *checked.warnings):
            self.errors.addItem(line)
        self.mapping.resizeColumnsToContents()
        self.rows.resizeColumnsToContents()
        if checked.ok:
            would = ", ".join(f"{count:,} {label}" for label, count in checked.created.items() if count)
            self.summary.setText(
                f"{checked.rows_read:,} rows read from {checked.file_name}; "
                f"importing would create {would or 'nothing'}."
            )
        else:
            self.summary.setText(
                f"{len(checked.row_errors):,} of {checked.rows_read:,} rows cannot be imported; "
                "correct them in the file and check it again. Nothing has been written."
            )
        self.import_button.setEnabled(checked.ok)

    def run_import(self) -> None:
        path = self._file()
        if path is None or self.checked is None:
            return
        kind = str(self.kind.currentData())
        services = self.env.services
        self.work = LongWork(self, "Import", f"Importing {path.name}…")
        self.work.start(
            lambda progress, cancelled: import_file(services, kind, path, progress=progress, cancelled=cancelled),
            self._imported,
            self._failed,
        )

    def _imported(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setText(" ".join(report.lines()))
        self.accept()
