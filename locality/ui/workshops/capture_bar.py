"""The board's quick capture: a need in one line (title; organisation and theme completed as you type; Enter
adds it), and, while a title is typed that looks like an existing need, "Same as …" buttons to link to it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from locality.domain.errors import LocalityError
from locality.services.workshops import SimilarNeed
from locality.ui.env import UiEnv
from locality.ui.forms import ChoiceCombo

#: Titles shorter than this are not looked up among the existing needs: two letters match too much.
SIMILAR_FROM_LETTERS = 4
SIMILAR_BUTTONS = 3
SHORT_TITLE = 40


def chosen_id(combo: ChoiceCombo) -> uuid.UUID | None:
    """The id chosen in a picker of records (None for its "none" choice)."""
    value = combo.value()
    return value if isinstance(value, uuid.UUID) else None


class CaptureBar(QWidget):
    """Says ``capture_wanted`` (with None, or the id of the existing need chosen as "same as") on Enter, Add or a
    "Same as …" button; the board does the capturing and calls ``captured`` when it worked."""

    capture_wanted = Signal(object)

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        self.title = QLineEdit()
        self.title.setObjectName("captureTitle")
        self.title.setPlaceholderText("Type a need raised in the room and press Enter")
        self.title.setAccessibleName("Need raised")
        self.title.setMaxLength(300)
        line.addWidget(self.title, 3)
        self.organisation = ChoiceCombo("(no organisation)", [])
        self.organisation.setObjectName("captureOrganisation")
        self.organisation.setAccessibleName("Raised by organisation")
        self.theme = ChoiceCombo("(no theme)", [])
        self.theme.setObjectName("captureTheme")
        self.theme.setAccessibleName("Theme")
        for combo in (self.organisation, self.theme):
            combo.setMinimumContentsLength(10)
            line.addWidget(combo, 2)
        self.add_button = QPushButton("&Add")
        self.add_button.setObjectName("captureAdd")
        self.add_button.clicked.connect(lambda: self.capture_wanted.emit(None))
        line.addWidget(self.add_button)
        column.addLayout(line)
        for edit in (self.title, self.organisation.lineEdit(), self.theme.lineEdit()):
            if edit is not None:
                edit.returnPressed.connect(lambda: self.capture_wanted.emit(None))

        similar = QHBoxLayout()
        self.similar_label = QLabel("Looks like an existing need:")
        similar.addWidget(self.similar_label)
        self.similar_buttons: list[QPushButton] = []
        for number in range(SIMILAR_BUTTONS):
            button = QPushButton()
            button.setObjectName(f"sameAsButton{number}")
            button.clicked.connect(lambda _checked=False, n=number: self._same_as(n))
            similar.addWidget(button)
            self.similar_buttons.append(button)
        similar.addStretch(1)
        column.addLayout(similar)
        self.similar: list[SimilarNeed] = []
        self.show_similar([])
        # The look-up waits for a pause in typing, as the list pages' search does.
        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(250)
        self._similar_timer.timeout.connect(self.look_for_similar)
        self.title.textEdited.connect(lambda _text: self._similar_timer.start())

    def set_choices(self, organisations: Sequence[tuple[str, object]], themes: Sequence[tuple[str, object]]) -> None:
        self.organisation.set_choices(organisations)
        self.theme.set_choices(themes)

    def organisation_id(self) -> uuid.UUID | None:
        return chosen_id(self.organisation)

    def theme_id(self) -> uuid.UUID | None:
        return chosen_id(self.theme)

    def captured(self) -> None:
        """Ready for the next need: the title cleared and the keyboard in it; organisation and theme kept, as the
        next need is often from the same table."""
        self.title.clear()
        self.show_similar([])
        self.title.setFocus()

    def clear(self) -> None:
        self.title.clear()
        self.show_similar([])

    def look_for_similar(self) -> None:
        title = self.title.text().strip()
        if len(title) < SIMILAR_FROM_LETTERS:
            self.show_similar([])
            return
        try:
            found = self.env.services.workshops.similar_to(title, self.theme_id(), SIMILAR_BUTTONS)
        except LocalityError:
            found = []  # a hint only: without it, capturing still works
        self.show_similar(found)

    def show_similar(self, found: list[SimilarNeed]) -> None:
        self.similar = found[:SIMILAR_BUTTONS]
        self.similar_label.setVisible(bool(self.similar))
        for number, button in enumerate(self.similar_buttons):
            if number < len(self.similar):
                need = self.similar[number]
                short = need.title if len(need.title) <= SHORT_TITLE else need.title[: SHORT_TITLE - 1] + "…"
                button.setText(f"Same as “{short}”")
                button.setToolTip(f"{need.title}\n{need.theme_name}\nLink this note to it instead of a new need")
                button.show()
            else:
                button.hide()

    def _same_as(self, number: int) -> None:
        if number < len(self.similar):
            self.capture_wanted.emit(self.similar[number].need_id)
