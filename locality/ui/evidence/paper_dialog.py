"""File › Evidence paper…: the evidence of what works as a PDF or Word paper for the board and the support bodies,
written in the background with progress and Cancel, as the board report is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from locality.services.plan import ExportCancelled
from locality.ui.board_report_dialog import FORMATS
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.long_work import LongWork
from locality.ui.save_as import WriteFileDialog, default_folder, offer_to_open

TITLE = "Evidence paper"
INTRO = (
    "A short paper for the board and the support bodies: what was invested by funding source, what the completed "
    "actions bought, how the indicators that evidence them moved, and which kinds of support did best, with the "
    "number of actions behind every figure and charts."
)


class EvidencePaperDialog(WriteFileDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, INTRO, FORMATS, parent)
        self.env = env
        folder = default_folder(env.services.context.workspace.path)
        self.add_save_as("Save the evidence paper as", folder / "evidence-paper.pdf", "writeEvidencePaper")
        self.work: LongWork | None = None

    def write(self) -> None:
        from locality.exchange.evidence_paper import write_evidence_paper

        self.form.clear_errors()
        target = self.save_as.chosen(self.form, "target", "the paper")
        if target is None:
            return
        fmt = str(self.format.currentData())
        services = self.env.services

        def failed(error: BaseException) -> None:
            if not isinstance(error, ExportCancelled):
                show_error(self, error, TITLE)

        self.work = LongWork(self, TITLE, f"Writing {target.name}…")
        self.work.start(
            lambda progress, cancelled: write_evidence_paper(
                services, fmt, target, progress=progress, cancelled=cancelled
            ),
            lambda _report: self._written(target),
            failed,
        )

    def _written(self, target: Path) -> None:
        self.written = target
        offer_to_open(self, TITLE, "The evidence paper", target)
        self.accept()
