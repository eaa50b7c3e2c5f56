"""Exporting the support directory: its providers or its offers, as CSV or Excel, in the columns an import reads
(so that another partnership can import the file as it is)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from locality.domain.text import plural
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.save_as import WriteFileDialog, default_folder, offer_to_open

FORMATS = (("Excel workbook (.xlsx)", "xlsx"), ("CSV (.csv)", "csv"))
PARTS = (("Providers", "providers"), ("Offers", "offers"))


class DirectoryExportDialog(WriteFileDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        intro = (
            "Writes the directory's providers, or its offers, in the columns Locality imports, so that another "
            "partnership can import the file as it is: providers first, then offers."
        )
        super().__init__("Export the support directory", intro, FORMATS, parent)
        self.env = env
        self.part = self.form.add_field("part", "&Write:", QComboBox())
        for text, value in PARTS:
            self.part.addItem(text, value)
        self.include_contacts = self.form.add_field(
            "include_confidential", "", QCheckBox("&Include contact names and e-mail addresses (personal data)")
        )
        self.folder = default_folder(env.services.context.workspace.path)
        self.add_save_as("Export the directory as", self.folder / "support providers.xlsx", "writeDirectory")
        self.part.currentIndexChanged.connect(self._suggest_name)
        self.part.currentIndexChanged.connect(
            lambda _index: self.include_contacts.setEnabled(self.part.currentData() == "providers")
        )

    def _suggest_name(self) -> None:
        current = Path(self.target.text()) if self.target.text() else self.folder / "x.xlsx"
        self.target.setText(str(current.with_name(f"support {self.part.currentData()}{current.suffix}")))

    def write(self) -> None:
        from locality.exchange.support_export import export_directory

        self.form.clear_errors()
        target = self.save_as.chosen(self.form, "target", "the directory")
        if target is None:
            return
        part = str(self.part.currentData())
        try:
            # A directory is tens of rows, written in a moment: no background work needed.
            count = export_directory(
                self.env.services,
                part,
                target,
                include_confidential=part == "providers" and self.include_contacts.isChecked(),
            )
        except Exception as error:
            show_error(self, error, self.windowTitle())
            return
        self.written = target
        noun = "provider" if part == "providers" else "offer"
        offer_to_open(self, self.windowTitle(), f"The directory's {plural(count, noun)}", target)
        self.accept()
