"""Workshop record…: who came, the needs raised by theme, the votes and ranking and the agreed actions, as a Word
or PDF document for the partnership's files, written in the background with progress and Cancel."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from PySide6.QtWidgets import QWidget

from locality.services.workshops import Workshop
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.long_work import LongWork
from locality.ui.save_as import WriteFileDialog, default_folder, offer_to_open

FORMATS = (("Word document (.docx)", "docx"), ("PDF (.pdf)", "pdf"))


def _file_name(workshop: Workshop) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", workshop.title).strip("-").lower() or "workshop"
    return f"workshop-record-{words[:60]}"


class WorkshopRecordDialog(WriteFileDialog):
    def __init__(self, env: UiEnv, workshop: Workshop, parent: QWidget | None = None) -> None:
        intro = (
            f"The record of {workshop.title} for the partnership's files: who came, the needs raised by theme, the "
            "votes and ranking, and the actions agreed."
        )
        super().__init__("Workshop record", intro, FORMATS, parent)
        self.env = env
        self.workshop = workshop
        folder = default_folder(env.services.context.workspace.path)
        self.add_save_as("Save the workshop record as", folder / f"{_file_name(workshop)}.docx", "writeWorkshopRecord")
        self.work: LongWork | None = None

    def write(self) -> None:
        from locality.exchange.workshop_record import write_workshop_record

        self.form.clear_errors()
        target = self.save_as.chosen(self.form, "target", "the record")
        if target is None:
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
