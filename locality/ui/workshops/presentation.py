"""Presentation mode: the board on a projector — full screen, large type, high contrast, worked by the keyboard
alone. Arrows move between notes, Space or Enter places a dot for the participant voting (Backspace takes one
off), Page Up and Page Down change who is voting, T starts and pauses the countdown, Esc leaves."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QFontMetricsF, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from locality.domain.text import plural
from locality.services.workshops import Note

if TYPE_CHECKING:
    from locality.ui.workshops.board import BoardState, WorkshopBoard

BACKGROUND = QColor("#000000")
TEXT = QColor("#ffffff")
NOTE = QColor("#ffeb3b")
NOTE_TEXT = QColor("#000000")
FOCUS = QColor("#00e5ff")
WARNING = QColor("#ff8a80")
MARGIN = 24


class PresentationView(QWidget):
    """Draws the board's columns of notes itself, so every size follows the screen; keeps a note in focus."""

    left = Signal()

    def __init__(self, board: WorkshopBoard, countdown_minutes: int = 0) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.board = board
        self.setObjectName("presentationView")
        self.setWindowTitle("Workshop board — presentation")
        self.setAccessibleName("Workshop board in presentation mode")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.columns: list[tuple[str, list[Note]]] = []
        self.column = 0
        self.row = 0
        self.seconds_left = countdown_minutes * 60
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)

    # ------------------------------------------------------------------ what is shown

    def show_state(self, state: BoardState) -> None:
        focused = self.focused_note()
        board = self.board
        self.columns = [
            (column.name.split(": ")[-1], [n for n in state.notes if n.theme_id == theme_id])
            for theme_id, column in board.columns.items()
        ]
        self.columns = [(name, notes) for name, notes in self.columns if notes]
        self.column, self.row = 0, 0
        if focused is not None:
            self.focus_note(focused.id)
        self._clamp()
        self.update()

    def focused_note(self) -> Note | None:
        if 0 <= self.column < len(self.columns):
            notes = self.columns[self.column][1]
            if 0 <= self.row < len(notes):
                return notes[self.row]
        return None

    def focus_note(self, note_id: uuid.UUID) -> None:
        for number, (_name, notes) in enumerate(self.columns):
            for row, note in enumerate(notes):
                if note.id == note_id:
                    self.column, self.row = number, row
                    return

    def _clamp(self) -> None:
        if not self.columns:
            self.column = self.row = 0
            return
        self.column = max(0, min(self.column, len(self.columns) - 1))
        self.row = max(0, min(self.row, len(self.columns[self.column][1]) - 1))

    # ------------------------------------------------------------------ keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key == Qt.Key.Key_Left:
            self.column -= 1
        elif key == Qt.Key.Key_Right:
            self.column += 1
        elif key == Qt.Key.Key_Up:
            self.row -= 1
        elif key == Qt.Key.Key_Down:
            self.row += 1
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._vote(take=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Minus):
            self._vote(take=True)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self._next_voter(1 if key == Qt.Key.Key_PageDown else -1)
        elif key == Qt.Key.Key_T:
            self.toggle_timer()
        else:
            super().keyPressEvent(event)
            return
        self._clamp()
        self.update()

    def _vote(self, *, take: bool) -> None:
        note = self.focused_note()
        if note is None:
            return
        if self.board.voter() is None:
            self.board.say("Choose who is voting first: Page Down moves to the next participant.", error=True)
            return
        (self.board.take_dot if take else self.board.place_dot)(note.need_id)

    def _next_voter(self, step: int) -> None:
        picker = self.board.participant_picker
        if picker.count():
            picker.setCurrentIndex((picker.currentIndex() + step) % picker.count())

    def toggle_timer(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
        elif self.seconds_left > 0:
            self.timer.start()
        self.update()

    def _tick(self) -> None:
        self.seconds_left = max(0, self.seconds_left - 1)
        if self.seconds_left == 0:
            self.timer.stop()
        self.update()

    def timer_text(self) -> str:
        if self.seconds_left == 0 and not self.timer.isActive():
            return "Time is up" if self._had_timer() else ""
        minutes, seconds = divmod(self.seconds_left, 60)
        paused = "" if self.timer.isActive() else "  (T to start)"
        return f"{minutes}:{seconds:02d}{paused}"

    def _had_timer(self) -> bool:
        return self.board.countdown_minutes.value() > 0

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        self.left.emit()
        super().closeEvent(event)

    # ------------------------------------------------------------------ drawing

    def status_text(self) -> str:
        dots = self.board.dots_of(self.board.voter())
        if dots is None:
            return "Nobody is voting (Page Down chooses a participant)"
        return f"Voting: {dots.name} — {plural(dots.allowance - dots.used, 'dot')} left"

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        width, height = self.width(), self.height()
        big = QFont(self.font())
        big.setPixelSize(max(18, height // 28))
        big.setBold(True)
        note_font = QFont(self.font())
        note_font.setPixelSize(max(16, height // 36))
        small = QFont(self.font())
        small.setPixelSize(max(14, height // 48))

        # The top line: the workshop, who is voting, the timer.
        state = self.board.state
        painter.setPen(TEXT)
        painter.setFont(big)
        line_height = big.pixelSize() * 1.6
        top = QRectF(MARGIN, MARGIN / 2, width - 2 * MARGIN, line_height)
        painter.drawText(
            top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, state.workshop.title if state else ""
        )
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.timer_text())
        painter.setFont(note_font)
        status = QRectF(MARGIN, top.bottom(), width - 2 * MARGIN, note_font.pixelSize() * 1.6)
        painter.drawText(status, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.status_text())
        message = self.board.message.text()
        if message:
            painter.setPen(WARNING)
            painter.drawText(status, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, message)

        # The ranking down the right, the columns of notes in the rest.
        ranking_width = width // (5 if len(self.columns) > 4 else 4)  # many themes: more room for them
        board_top = status.bottom() + MARGIN / 2
        help_height = small.pixelSize() * 2
        body = QRectF(MARGIN, board_top, width - 3 * MARGIN - ranking_width, height - board_top - help_height - MARGIN)
        self._draw_columns(painter, body, big, note_font)
        ranking = QRectF(body.right() + MARGIN, board_top, ranking_width, body.height())
        self._draw_ranking(painter, ranking, big, note_font)

        painter.setPen(TEXT)
        painter.setFont(small)
        help_line = QRectF(MARGIN, height - help_height - MARGIN / 2, width - 2 * MARGIN, help_height)
        painter.drawText(
            help_line,
            Qt.AlignmentFlag.AlignCenter,
            "Arrows: move   Space/Enter: place a dot   Backspace: take one off   Page Up/Down: who votes   "
            "T: timer   Esc: leave",
        )
        painter.end()

    def _draw_columns(self, painter: QPainter, body: QRectF, big: QFont, note_font: QFont) -> None:
        if not self.columns:
            painter.setFont(big)
            painter.setPen(TEXT)
            painter.drawText(body, Qt.AlignmentFlag.AlignCenter, "No notes yet")
            return
        count = len(self.columns)
        gap = MARGIN / 2
        column_width = (body.width() - gap * (count - 1)) / count
        # Every heading whole (as tall as the longest wraps to), every note as tall as its own wrapped text.
        # Type as large as lets the longest word of any heading, and of any note, fit its column.
        big = _fitting(big, column_width, [name for name, _notes in self.columns])
        note_font = _fitting(note_font, column_width - 16, [n.title for _name, notes in self.columns for n in notes])
        heading_metrics, note_metrics = QFontMetricsF(big), QFontMetricsF(note_font)
        heading_height = max(_wrapped_height(heading_metrics, column_width, name) for name, _notes in self.columns)
        heading_height += gap
        for number, (name, notes) in enumerate(self.columns):
            x = body.left() + number * (column_width + gap)
            painter.setFont(big)
            painter.setPen(TEXT)
            painter.drawText(QRectF(x, body.top(), column_width, heading_height), WRAPPED, name)
            painter.setFont(note_font)
            texts = [_note_text(note) for note in notes]
            heights = [_wrapped_height(note_metrics, column_width - 16, text) + 12 for text in texts]
            # The focused note is kept on screen when a column holds more notes than fit.
            first = 0
            if number == self.column:
                while (
                    first < self.row
                    and body.top() + heading_height + sum(h + gap for h in heights[first : self.row + 1])
                    > body.bottom()
                ):
                    first += 1
            y = body.top() + heading_height
            for row in range(first, len(notes)):
                if y + heights[row] > body.bottom():
                    break
                box = QRectF(x, y, column_width, heights[row])
                painter.fillRect(box, NOTE)
                if number == self.column and row == self.row:
                    painter.setPen(QPen(FOCUS, 6))
                    painter.drawRect(box.adjusted(-3, -3, 3, 3))
                painter.setPen(NOTE_TEXT)
                painter.drawText(box.adjusted(8, 6, -8, -6), WRAPPED, texts[row])
                y += heights[row] + gap

    def _draw_ranking(self, painter: QPainter, area: QRectF, big: QFont, note_font: QFont) -> None:
        state = self.board.state
        painter.setPen(TEXT)
        painter.setFont(big)
        heading = QFontMetricsF(big).height() * 1.4
        painter.drawText(QRectF(area.left(), area.top(), area.width(), heading), WRAPPED, "Ranking")
        painter.setFont(note_font)
        metrics = QFontMetricsF(note_font)
        y = area.top() + heading
        for tally in state.ranking if state else []:
            text = f"{tally.rank}. {tally.need_title} ({tally.total_dots})"
            height = _wrapped_height(metrics, area.width(), text)
            if y + height > area.bottom():
                break
            painter.drawText(QRectF(area.left(), y, area.width(), height), WRAPPED, text)
            y += height + metrics.height() * 0.4


WRAPPED = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap


def _wrapped_height(metrics: QFontMetricsF, width: float, text: str) -> float:
    return metrics.boundingRect(QRectF(0, 0, width, 100_000), WRAPPED, text).height()


def _note_text(note: Note) -> str:
    return note.title + (f"\n{'●' * min(note.dots, 5)} {note.dots}" if note.dots else "")


SMALLEST_TYPE = 14


def _fitting(font: QFont, width: float, texts: list[str]) -> QFont:
    """``font``, made smaller (not below 14 pixels) until the widest word of ``texts`` fits ``width``."""
    words = {word for text in texts for word in text.split()}
    fitted = QFont(font)
    while fitted.pixelSize() > SMALLEST_TYPE:
        metrics = QFontMetricsF(fitted)
        if all(metrics.horizontalAdvance(word) <= width for word in words):
            break
        fitted.setPixelSize(fitted.pixelSize() - 1)
    return fitted
