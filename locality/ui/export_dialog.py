"""File › Export: the joint action plan (or a partner's extract) in Word, PDF, Excel, CSV or HTML, with a preview,
printing, and the export itself running in the background with progress and Cancel."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from locality.domain.errors import ValidationError
from locality.domain.vocabulary import ActionStatus
from locality.services.plan import ExportCancelled, PlanFilters
from locality.services.plan_building import build_plan
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import DateField, ErrorForm
from locality.ui.long_work import LongWork
from locality.ui.save_as import SaveAsRow, default_folder, offer_to_open

FORMATS = (
    ("Word document (.docx)", "docx"),
    ("PDF (.pdf)", "pdf"),
    ("Excel workbook (.xlsx)", "xlsx"),
    ("CSV, one row per action (.csv)", "csv"),
    ("Web page (.html)", "html"),
)


def _checklist(items: list[tuple[str, object]], name: str) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setMaximumHeight(110)
    for text, value in items:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def _checked(widget: QListWidget) -> list[object]:
    return [
        widget.item(number).data(Qt.ItemDataRole.UserRole)
        for number in range(widget.count())
        if widget.item(number).checkState() == Qt.CheckState.Checked
    ]


class ExportDialog(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle("Export the joint action plan")
        self.setMinimumSize(900, 640)
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.form = ErrorForm()
        self.format = self.form.add_field("format", "&Format:", QComboBox())
        for text, value in FORMATS:
            self.format.addItem(text, value)
        self.organisations = self.form.add_field(
            "organisations",
            "&Organisations (a partner's extract):",
            _checklist([(name, name) for _id, name in env.services.organisations.names()], "Organisations"),
        )
        self.theme = self.form.add_field("theme", "&Theme:", QComboBox())
        self.theme.addItem("All themes", None)
        for theme in env.services.vocabulary.themes():
            self.theme.addItem(("    " if theme.parent_id else "") + theme.name, theme.name)
        self.statuses = self.form.add_field(
            "statuses", "&Statuses:", _checklist([(s.value, s) for s in ActionStatus], "Statuses")
        )
        self.period_start = self.form.add_field("period_start", "Period &from:", DateField())
        self.period_end = self.form.add_field("period_end", "Period &to:", DateField())
        self.confidential = self.form.add_field(
            "include_confidential", "", QCheckBox("&Include confidential notes and contact details")
        )
        folder = default_folder(env.services.context.workspace.path)
        self.save_as = SaveAsRow(
            "Save the plan as", folder / "joint-action-plan.docx", lambda: str(self.format.currentData())
        )
        self.target = self.save_as.target
        self.form.add_field("target", "&Save as:", self.save_as)
        left.addLayout(self.form)
        left.addWidget(self.form.general_error)
        buttons = QHBoxLayout()
        self.preview_button = QPushButton("Pre&view")
        self.print_button = QPushButton("&Print…")
        self.print_preview_button = QPushButton("Print pre&view…")
        for button in (self.preview_button, self.print_button, self.print_preview_button):
            buttons.addWidget(button)
        left.addLayout(buttons)
        self.update_sheet_button = QPushButton("Partner &update sheet (Excel)…")
        self.update_sheet_button.setToolTip(
            "For one ticked organisation: its open actions with columns to fill in, which import back as progress"
        )
        self.update_sheet_button.clicked.connect(self.write_update_sheet)
        left.addWidget(self.update_sheet_button)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.export)
        left.addStretch(1)
        left.addWidget(self.buttons)
        layout.addLayout(left, 2)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Preview of the plan")
        self.preview.setPlaceholderText("Choose Preview to see the plan as it will be exported.")
        layout.addWidget(self.preview, 3)
        self.preview_button.clicked.connect(self.show_preview)
        self.print_button.clicked.connect(self.print_plan)
        self.print_preview_button.clicked.connect(self.print_preview)
        self.format.currentIndexChanged.connect(self.save_as.suggest)
        self.work: LongWork | None = None
        self.written: Path | None = None

    # ------------------------------------------------------------------ choices

    def filters(self) -> PlanFilters:
        return PlanFilters(
            organisations=tuple(str(name) for name in _checked(self.organisations)),
            theme=self.theme.currentData(),
            statuses=tuple(ActionStatus(str(status)) for status in _checked(self.statuses)),
            period_start=self.period_start.value(),
            period_end=self.period_end.value(),
            include_confidential=self.confidential.isChecked(),
        )

    # ------------------------------------------------------------------ preview and print

    def checked_filters(self) -> PlanFilters | None:
        """The filters, or None after showing beside its field a date that is not a date."""
        self.form.clear_errors()
        try:
            return self.filters()
        except ValidationError as error:
            self.form.show_errors(error.field_errors)
            return None

    def plan_html(self, filters: PlanFilters, progress: Any = None, cancelled: Any = None) -> str:
        from locality.exchange.render_html import render_html

        plan = build_plan(self.env.services, filters, progress=progress, cancelled=cancelled)
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "preview.html"
            render_html(plan, target)
            return target.read_text(encoding="utf-8")

    def _with_plan_html(self, title: str, then: Callable[[str], None]) -> None:
        """Builds the plan as HTML off the GUI thread (a large plan takes seconds), with progress and Cancel, then
        hands it to ``then`` on the GUI thread."""

        def failed(error: BaseException) -> None:
            if not isinstance(error, ExportCancelled):
                show_error(self, error, title)

        # The filters are read here, on the GUI thread: widgets are not to be read from the worker.
        filters = self.checked_filters()
        if filters is None:
            return
        self.work = LongWork(self, title, "Building the plan…")
        self.work.start(lambda progress, cancelled: self.plan_html(filters, progress, cancelled), then, failed)

    def show_preview(self) -> None:
        self._with_plan_html("Preview", self.preview.setHtml)

    def _printed(self, html: str, show: Callable[[QTextDocument], None]) -> None:
        document = QTextDocument(self)
        document.setHtml(html)
        show(document)

    def print_plan(self) -> None:
        def show(document: QTextDocument) -> None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
                document.print_(printer)

        self._with_plan_html("Print", lambda html: self._printed(html, show))

    def print_preview(self) -> None:
        def show(document: QTextDocument) -> None:
            dialog = QPrintPreviewDialog(self)
            dialog.paintRequested.connect(document.print_)
            dialog.exec()

        self._with_plan_html("Print preview", lambda html: self._printed(html, show))

    # ------------------------------------------------------------------ partner update sheet

    def write_update_sheet(self) -> None:
        from locality.exchange.chase_export import safe_file_stem
        from locality.exchange.update_sheet import write_update_sheet

        self.form.clear_errors()
        chosen = [str(name) for name in _checked(self.organisations)]
        if len(chosen) != 1:
            self.form.show_errors({"organisations": "Tick the one organisation the update sheet is for"})
            return
        folder = Path(self.target.text()).expanduser().parent if self.target.text() else Path.home()
        # An organisation's name may hold characters no file name may (/, :, a line break).
        default = folder / f"{safe_file_stem(chosen[0], 'partner')} - progress update.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Save the update sheet as", str(default), "*.xlsx")
        if not path:
            return
        target = Path(path if path.endswith(".xlsx") else f"{path}.xlsx")
        services = self.env.services
        self.work = LongWork(self, "Partner update sheet", f"Writing {target.name}…")
        self.work.start(
            lambda progress, cancelled: write_update_sheet(
                services, chosen[0], target, progress=progress, cancelled=cancelled
            ),
            lambda _count: self._exported(target),
        )

    # ------------------------------------------------------------------ export

    def export(self) -> None:
        from locality.exchange.export import export_plan

        self.form.clear_errors()
        text = self.target.text().strip()
        if not text:
            self.form.show_errors({"target": "Choose where to save the plan"})
            return
        target = Path(text).expanduser()
        if not target.parent.is_dir():
            self.form.show_errors({"target": f"The folder {target.parent} does not exist"})
            return
        fmt = str(self.format.currentData())
        filters = self.checked_filters()
        if filters is None:
            return
        services = self.env.services
        self.work = LongWork(self, "Export", f"Writing {target.name}…")
        self.work.start(
            lambda progress, cancelled: export_plan(
                services, fmt, target, filters, progress=progress, cancelled=cancelled
            ),
            lambda _result: self._exported(target),
        )

    def _exported(self, target: Path) -> None:
        self.written = target
        offer_to_open(self, "Export", "The plan", target)
        self.accept()
