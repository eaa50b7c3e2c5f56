"""Workshop record…: who came, the needs raised by theme, the votes and ranking and the agreed actions, as a Word
or PDF document for the partnership's files, written in the background with progress and Cancel."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from locality.services.workshops import Workshop
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import ErrorForm
from locality.ui.long_work import LongWork
from locality.ui.save_as import SaveAsRow, default_folder, offer_to_open

FORMATS = (("Word document (.docx)", "docx"), ("PDF (.pdf)", "pdf"))


def _file_name(workshop: Workshop) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", workshop.title).strip("-").lower() or "workshop"
    return f"workshop-record-{words[:60]}"


class WorkshopRecordDialog(QDialog):
    def __init__(self, env: UiEnv, workshop: Workshop, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.workshop = workshop
        self.setWindowTitle("Workshop record")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"The record of {workshop.title} for the partnership's files: who came, the needs raised by theme, the "
            "votes and ranking, and the actions agreed."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = ErrorForm()
        self.format = self.form.add_field("format", "&Format:", QComboBox())
        for text, value in FORMATS:
            self.format.addItem(text, value)
        folder = default_folder(env.services.context.workspace.path)
        self.save_as = SaveAsRow(
            "Save the workshop record as",
            folder / f"{_file_name(workshop)}.docx",
            lambda: str(self.format.currentData()),
        )
        self.target = self.save_as.target
        self.form.add_field("target", "&Save as:", self.save_as)
        layout.addLayout(self.form)
        layout.addWidget(self.form.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.write_button = self.buttons.addButton("&Write", QDialogButtonBox.ButtonRole.AcceptRole)
        self.write_button.setObjectName("writeWorkshopRecord")
        self.buttons.rejected.connect(self.reject)
        self.write_button.clicked.connect(self.write)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self.save_as.suggest)
        self.work: LongWork | None = None
        self.written: Path | None = None

    def write(self) -> None:
        from locality.exchange.workshop_record import write_workshop_record
        from locality.files import workspace_refusal

        self.form.clear_errors()
        text = self.target.text().strip()
        if not text:
            self.form.show_errors({"target": "Choose where to save the record"})
            return
        target = Path(text).expanduser()
        if not target.parent.is_dir():
            self.form.show_errors({"target": f"The folder {target.parent} does not exist"})
            return
        refusal = workspace_refusal(target)
        if refusal is not None:
            self.form.show_errors({"target": refusal})
            return
        fmt: Literal["docx", "pdf"] = "pdf" if self.format.currentData() == "pdf" else "docx"
        workshops = self.env.services.workshops
        workshop_id = self.workshop.id

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Path | None:
            progress(0, 2)
            data = workshops.record_data(workshop_id)
            if cancelled():
                return None
            progress(1, 2)
            write_workshop_record(data, target, fmt)
            progress(2, 2)
            return target

        self.work = LongWork(self, "Workshop record", f"Writing {target.name}…")
        self.work.start(work, self._written, lambda error: show_error(self, error, "Workshop record"))

    def _written(self, written: Path | None) -> None:
        if written is None:  # cancelled before anything was written
            return
        self.written = written
        offer_to_open(self, "Workshop record", "The workshop record", written)
        self.accept()
