"""What a page shows while it has nothing to show: a short sentence saying what goes here and buttons that take
the next step ("No organisations yet…" [New organisation…] [Import from a spreadsheet…]).

One widget for every page: ``ListPage`` swaps it for its table when it has no rows at all (a search that finds
nothing still shows the table, with its count), and the other pages (timeline, needs map, dashboard) use it too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from locality.ui.env import UiEnv


@dataclass(frozen=True)
class NextStep:
    """A button of an empty page: its text and what it does; ``allowed`` False greys it out saying ``reason``."""

    text: str
    run: Callable[[], object]
    allowed: bool = True
    reason: str = ""


class EmptyState(QWidget):
    """A sentence and a row of next-step buttons, centred; ``show_steps`` changes both (the same page may be empty
    for different reasons)."""

    def __init__(self, sentence: str = "", steps: Sequence[NextStep] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 32, 40, 32)
        outer.setSpacing(14)
        outer.addStretch(1)
        self.sentence = QLabel()
        self.sentence.setObjectName("emptySentence")
        self.sentence.setWordWrap(True)
        self.sentence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Centred between stretches rather than by an alignment flag: a word-wrapped label placed by alignment
        # keeps its narrow size hint and cuts the sentence off.
        font = self.sentence.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.sentence.setFont(font)
        self.sentence.setMinimumWidth(320)
        self.sentence.setMaximumWidth(680)
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(self.sentence, 10)
        line.addStretch(1)
        outer.addLayout(line)
        self._row = QHBoxLayout()
        self._row.setSpacing(8)
        self._row.addStretch(1)
        self._row.addStretch(1)
        outer.addLayout(self._row)
        outer.addStretch(2)
        self.buttons: list[QPushButton] = []
        self.show_steps(sentence, steps)

    def show_steps(self, sentence: str, steps: Sequence[NextStep]) -> None:
        self.sentence.setText(sentence)
        self.setAccessibleName(sentence)
        for button in self.buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for number, step in enumerate(steps):
            button = QPushButton(step.text)
            button.setObjectName(f"emptyStep{number}")
            button.setEnabled(step.allowed)
            button.setToolTip("" if step.allowed else step.reason)
            button.clicked.connect(lambda _checked=False, run=step.run: run())
            self._row.insertWidget(1 + number, button)
            self.buttons.append(button)
        if self.buttons:
            self.buttons[0].setDefault(True)

    def step_texts(self) -> list[str]:
        return [button.text().replace("&", "") for button in self.buttons]


def import_step(env: UiEnv, parent: QWidget, kind: str, text: str = "&Import from a spreadsheet…") -> NextStep:
    """A button opening File › Import set to ``kind`` (organisations, needs, actions...)."""

    def run() -> None:
        from locality.ui.import_dialog import ImportDialog

        dialog = ImportDialog(env, parent)
        dialog.kind.setCurrentIndex(max(dialog.kind.findData(kind), 0))
        dialog.exec()

    workspace = env.services.context.workspace
    return NextStep(text, run, not workspace.read_only, "The workspace is read-only")


def page_step(env: UiEnv, text: str, object_name: str) -> NextStep:
    """A button bringing another page of the window to the front."""
    return NextStep(text, lambda: env.open_page(object_name))
