"""File › Save a copy for a workshop: a copy of the workspace with its own replica id, to take out on a laptop
and merge back later (File › Merge from…); optionally only some themes' needs and actions, to keep it small.
The copy is written in the background with progress and Cancel."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from locality.domain.text import plural
from locality.services.plan import ExportCancelled
from locality.sync.copy import CopySummary, save_workshop_copy
from locality.ui.checklist import checked_values, checklist
from locality.ui.env import UiEnv
from locality.ui.errors import user_message
from locality.ui.forms import ErrorForm
from locality.ui.long_work import LongWork
from locality.ui.save_as import SaveAsRow, default_folder
from locality.ui.style import set_tone

WORKSPACE_SUFFIX = "locality"


def copy_sentence(summary: CopySummary) -> str:
    """What was written, in one sentence."""
    return (
        f"Saved a workshop copy as {summary.path.name} with {plural(summary.needs, 'need')} and "
        f"{plural(summary.actions, 'action')}; File › Merge from… brings back what is done on it."
    )


class WorkshopCopyDialog(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle("Save a copy for a workshop")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A copy of this workspace to take to a workshop on a laptop. What is done with it there is brought "
            "back with File › Merge from…, without losing an edit made here meanwhile."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.form = ErrorForm()
        workspace = env.services.context.workspace.path
        stem = workspace.stem if workspace is not None else "workspace"
        self.save_as = SaveAsRow(
            "Save the workshop copy as",
            default_folder(workspace) / f"{stem} - workshop copy.{WORKSPACE_SUFFIX}",
            lambda: WORKSPACE_SUFFIX,
        )
        self.target = self.save_as.target
        self.target.setAccessibleName("File to write the copy to")
        self.form.add_field("target", "&Save as:", self.save_as)
        self.some_themes = self.form.add_field(
            "some_themes", "", QCheckBox("&Only the needs and actions of the themes ticked below")
        )
        self.themes = self.form.add_field(
            "themes",
            "&Themes:",
            checklist(
                [
                    (("    " if theme.parent_id else "") + theme.name, theme.id)
                    for theme in env.services.vocabulary.themes()
                ],
                "Themes to copy",
                max_height=220,
            ),
        )
        self.themes.setToolTip("A theme's service areas come with it")
        self.themes.setEnabled(False)
        self.some_themes.toggled.connect(self.themes.setEnabled)
        layout.addLayout(self.form)
        layout.addWidget(self.form.general_error)

        self.outcome = QLabel()
        self.outcome.setObjectName("copyOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        layout.addWidget(self.outcome)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save &copy", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.work: LongWork | None = None
        self.written: CopySummary | None = None

    def chosen_theme_ids(self) -> list[uuid.UUID] | None:
        """The ticked themes, or None for every theme."""
        if not self.some_themes.isChecked():
            return None
        return [theme_id for theme_id in checked_values(self.themes) if isinstance(theme_id, uuid.UUID)]

    def _say(self, sentence: str, *, error: bool) -> None:
        self.outcome.setText(sentence)
        set_tone(self.outcome, "error" if error else "")
        self.outcome.show()

    def save(self) -> None:
        self.form.clear_errors()
        self.outcome.hide()
        target = self.save_as.chosen(self.form, "target", "the copy")
        if target is None:
            return
        theme_ids = self.chosen_theme_ids()
        if theme_ids == []:
            self.form.show_errors({"themes": "Tick at least one theme, or copy every theme"})
            return
        context = self.env.services.context
        self.work = LongWork(self, "Save a copy for a workshop", f"Writing {target.name}…")
        self.work.start(
            lambda progress, cancelled: save_workshop_copy(
                context, target, theme_ids, progress=progress, cancelled=cancelled
            ),
            self._saved,
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ExportCancelled):
            self._say("Cancelled: no copy was written.", error=False)
        else:
            self._say(user_message(error), error=True)

    def _saved(self, summary: CopySummary) -> None:
        self.written = summary
        self._say(copy_sentence(summary), error=False)
        # The copy is written: what is left is to read the sentence and close.
        self.save_button.hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        close.setFocus()
