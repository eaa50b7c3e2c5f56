"""File › Board report: the board's exception report as a PDF or Word paper, written in the background with
progress and Cancel, as the export of the plan is. ``PaperDialog`` is what every such paper's dialog shares (the
evidence paper's too)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QWidget,
)

from locality.services.plan import Cancelled, ExportCancelled, Progress
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

#: Writes a paper with progress and Cancel: (progress, cancelled) -> what it wrote.
PaperWriter = Callable[[Progress, Cancelled], object]


class PaperDialog(WriteFileDialog):
    """Chooses a format and a file for a paper, then writes it in the background with progress and Cancel and
    offers to open it. A subclass says how to write it (``writer``)."""

    def __init__(
        self,
        env: UiEnv,
        title: str,
        short_title: str,  # the progress window's and any message's title
        intro: str,
        paper: str,  # "the board report": what is saved, in a sentence
        default_name: str,
        button_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, intro, FORMATS, parent)
        self.env = env
        self.short_title = short_title
        self.paper = paper
        self.default_name = default_name
        self.button_name = button_name
        self.work: LongWork | None = None

    def add_target(self) -> None:
        """The file field, under the fields a subclass added first."""
        folder = default_folder(self.env.services.context.workspace.path)
        self.add_save_as(f"Save {self.paper} as", folder / self.default_name, self.button_name)

    def writer(self, format: str, target: Path) -> PaperWriter:  # pragma: no cover - overridden
        raise NotImplementedError

    def write(self) -> None:
        self.form.clear_errors()
        target = self.save_as.chosen(self.form, "target", self.paper)
        if target is None:
            return
        write = self.writer(str(self.format.currentData()), target)

        def failed(error: BaseException) -> None:
            if not isinstance(error, ExportCancelled):
                show_error(self, error, self.short_title)

        self.work = LongWork(self, self.short_title, f"Writing {target.name}…")
        self.work.start(write, lambda _written: self._written(target), failed)

    def _written(self, target: Path) -> None:
        self.written = target
        offer_to_open(self, self.short_title, self.paper[0].upper() + self.paper[1:], target)
        self.accept()


class BoardReportDialog(PaperDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(
            env,
            "Board exception report",
            "Board report",
            INTRO,
            "the board report",
            "board-exception-report.pdf",
            "writeBoardReport",
            parent,
        )
        self.confidential = self.form.add_field(
            "include_confidential", "", QCheckBox("&Include confidential progress notes")
        )
        self.add_target()

    def writer(self, format: str, target: Path) -> PaperWriter:
        from locality.exchange.board_paper import write_board_paper

        services = self.env.services
        confidential = self.confidential.isChecked()
        return lambda progress, cancelled: write_board_paper(
            services, format, target, include_confidential=confidential, progress=progress, cancelled=cancelled
        )
