"""File › Evidence paper…: the evidence of what works as a PDF or Word paper for the board and the support bodies,
written in the background with progress and Cancel, as the board report is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from locality.ui.board_report_dialog import PaperDialog, PaperWriter
from locality.ui.env import UiEnv

TITLE = "Evidence paper"
INTRO = (
    "A short paper for the board and the support bodies: what was invested by funding source, what the completed "
    "actions bought, how the indicators that evidence them moved, and which kinds of support did best, with the "
    "number of actions behind every figure and charts."
)


class EvidencePaperDialog(PaperDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(
            env, TITLE, TITLE, INTRO, "the evidence paper", "evidence-paper.pdf", "writeEvidencePaper", parent
        )
        self.add_target()

    def writer(self, format: str, target: Path) -> PaperWriter:
        from locality.exchange.evidence_paper import write_evidence_paper

        services = self.env.services
        return lambda progress, cancelled: write_evidence_paper(
            services, format, target, progress=progress, cancelled=cancelled
        )
