"""File › Board report: the board's exception report as a PDF or Word paper, written in the background with
progress and Cancel, as the export of the plan is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QWidget,
)

from locality.services.plan import ExportCancelled
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.long_work import LongWork
from locality.ui.save_as import WriteFileDialog, default_folder, offer_to_open

FORMATS = (("PDF (.pdf)", "pdf"), ("Word document (.docx)", "docx"))
INTRO = (
    "A short paper for the board: the dashboard's figures and charts, what has moved since the latest board "
    "snapshot, overdue actions and milestones by lead organisation, the red actions' latest notes and the RAG "
    "trend across the recorded snapshots."
)


class BoardReportDialog(WriteFileDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__("Board exception report", INTRO, FORMATS, parent)
        self.env = env
        self.confidential = self.form.add_field(
            "include_confidential", "", QCheckBox("&Include confidential progress notes")
        )
        folder = default_folder(env.services.context.workspace.path)
        self.add_save_as("Save the board report as", folder / "board-exception-report.pdf", "writeBoardReport")
        self.work: LongWork | None = None

    def write(self) -> None:
        from locality.exchange.board_paper import write_board_paper

        self.form.clear_errors()
        target = self.save_as.chosen(self.form, "target", "the report")
        if target is None:
            return
        fmt = str(self.format.currentData())
        confidential = self.confidential.isChecked()
        services = self.env.services

        def failed(error: BaseException) -> None:
            if not isinstance(error, ExportCancelled):
                show_error(self, error, "Board report")

        self.work = LongWork(self, "Board report", f"Writing {target.name}…")
        self.work.start(
            lambda progress, cancelled: write_board_paper(
                services, fmt, target, include_confidential=confidential, progress=progress, cancelled=cancelled
            ),
            lambda _report: self._written(target),
            failed,
        )

    def _written(self, target: Path) -> None:
        self.written = target
        offer_to_open(self, "Board report", "The board report", target)
        self.accept()
