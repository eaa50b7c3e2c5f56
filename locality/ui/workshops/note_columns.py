"""The board's sticky notes: a column per theme, each a list that notes are dragged into (to re-theme them) and
clicked (to vote on them)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QFontMetrics, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from locality.domain.text import plural
from locality.services.workshops import Note

#: What a dragged note carries: its id, so a drop (from this board or a synthetic one in a test) knows which note.
NOTE_MIME = "application/x-locality-workshop-note"
NOTE_ID = Qt.ItemDataRole.UserRole
NEED_ID = Qt.ItemDataRole.UserRole + 1
COLUMN_WIDTH = 230
NOTE_INSET = 3 + 6 + 1  # the sticky's margin, padding and border (see _STYLE), each side
STICKY = "#fff59d"
LINKED_NOTE = "↔ an existing need"

_STYLE = f"""
QListWidget {{ background: #eceff1; border: none; }}
QListWidget::item {{ background: {STICKY}; color: #212121; border: 1px solid #c9b800; border-radius: 3px;
    margin: 3px 4px; padding: 6px; }}
QListWidget::item:selected {{ border: 2px solid #0d47a1; color: #212121; }}
"""


def note_text(note: Note) -> str:
    lines = [note.title]
    if note.organisation_name:
        lines.append(note.organisation_name)
    if note.linked_existing:
        lines.append(LINKED_NOTE)  # said in words: the style sheet gives every note the same colour
    if note.dots:
        lines.append("●" * min(note.dots, 20) + (f"  {note.dots}" if note.dots > 5 else ""))
    return "\n".join(lines)


def note_tooltip(note: Note) -> str:
    parts = [note.title]
    if note.organisation_name:
        parts.append(f"Raised by {note.organisation_name}")
    if note.linked_existing:
        parts.append("Linked to an existing need")
    parts.append(plural(note.dots, "dot"))
    return "\n".join(parts)


class NoteList(QListWidget):
    """One theme's notes. A drop moves the note here at the row it was dropped on; the board makes the move
    through the service and redraws, so the list never shows a move that was not saved."""

    dropped = Signal(object, int)  # the note's id, the position in this column
    clicked_with = Signal(object, object)  # the item, the mouse button and modifiers as (button, shift)

    def __init__(self, theme_id: uuid.UUID | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme_id = theme_id
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setStyleSheet(_STYLE)

    def show_notes(self, notes: Sequence[Note]) -> None:
        self.clear()
        # Each note as tall as its wrapped text: the list's own estimate leaves out the sticky's padding, and
        # the last line was cut to "…".
        room = COLUMN_WIDTH - 2 * NOTE_INSET - self.verticalScrollBar().sizeHint().width() - 8
        metrics = QFontMetrics(self.font())
        for note in notes:
            text = note_text(note)
            item = QListWidgetItem(text)
            wrapped = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text)
            item.setSizeHint(QSize(room, wrapped.height() + 2 * NOTE_INSET + 4))
            item.setData(NOTE_ID, note.id)
            item.setData(NEED_ID, note.need_id)
            item.setToolTip(note_tooltip(note))
            self.addItem(item)

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802 - Qt override
        data = super().mimeData(items)
        if items:
            data.setData(NOTE_MIME, str(items[0].data(NOTE_ID)).encode())
        return data

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [*super().mimeTypes(), NOTE_MIME]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(NOTE_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(NOTE_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        if not event.mimeData().hasFormat(NOTE_MIME):
            event.ignore()
            return
        note_id = uuid.UUID(bytes(event.mimeData().data(NOTE_MIME).data()).decode())
        self.dropped.emit(note_id, self.position_at(event.position().toPoint()))
        # Copy, not move: Qt must not take the item out of the list it came from; the board redraws both.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def position_at(self, point: QPoint) -> int:
        index = self.indexAt(point)
        return index.row() if index.isValid() else self.count()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        item = self.itemAt(event.position().toPoint())
        super().mouseReleaseEvent(event)
        if item is not None and self.state() != QAbstractItemView.State.DraggingState:
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.clicked_with.emit(item, (event.button(), shift))

    def note_ids(self) -> list[uuid.UUID]:
        return [self.item(row).data(NOTE_ID) for row in range(self.count())]

    def item_of(self, note_id: uuid.UUID) -> QListWidgetItem | None:
        for row in range(self.count()):
            if self.item(row).data(NOTE_ID) == note_id:
                return self.item(row)
        return None

    def index_of(self, note_id: uuid.UUID) -> QModelIndex:
        item = self.item_of(note_id)
        return self.indexFromItem(item) if item is not None else QModelIndex()


class ThemeColumn(QFrame):
    """A theme's heading (with its count of notes) over its list of notes."""

    def __init__(self, theme_id: uuid.UUID | None, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme_id = theme_id
        self.name = name
        self.setFixedWidth(COLUMN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        self.heading = QLabel()
        self.heading.setObjectName("themeHeading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; padding: 4px; background: #37474f; color: white;")
        layout.addWidget(self.heading)
        self.notes = NoteList(theme_id)
        self.notes.setAccessibleName(f"Notes under {name}")
        layout.addWidget(self.notes, 1)

    def show_notes(self, notes: Sequence[Note]) -> None:
        self.heading.setText(f"{self.name} ({len(notes)})")
        self.notes.show_notes(notes)
