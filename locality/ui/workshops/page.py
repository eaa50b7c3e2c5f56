"""The Workshops page: the list of workshops, and the board of the one opened, one in front of the other."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from locality.services.context import Changes
from locality.services.workshops import Workshop
from locality.ui.env import UiEnv
from locality.ui.page import Page
from locality.ui.workshops.board import WorkshopBoard
from locality.ui.workshops.workshop_list import WorkshopList


class WorkshopsPage(Page):
    title = "Workshops"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        self.list = WorkshopList(env)
        self.list.setObjectName("workshopList")
        self.board = WorkshopBoard(env)
        self.board.setObjectName("workshopBoard")
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.board)
        layout.addWidget(self.stack)
        self.list.board_wanted.connect(self.open_board)
        self.board.closed.connect(self.show_list)

    def open_board(self, workshop: Workshop) -> WorkshopBoard:
        self.board.open_workshop(workshop.id)
        self.stack.setCurrentWidget(self.board)
        self.board.capture_title.setFocus()
        return self.board

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.table.setFocus()

    def on_changes(self, changes: Changes) -> None:
        # Each part decides from its own watches; the hidden one only marks itself stale.
        self.list.on_changes(changes)
        self.board.on_changes(changes)

    # The main window's New, Edit, Delete and Find act on whichever part is in front.

    def _on_board(self) -> bool:
        return self.stack.currentWidget() is self.board

    def open_editor(self, row: Workshop | None) -> None:
        if self._on_board():
            self.board.capture_title.setFocus()  # a new item on the board is a new note
        else:
            self.list.open_editor(row)

    def edit_selected(self) -> None:
        if self._on_board():
            selected = self.board.selected_note_ids()
            if selected:
                self.board.edit_note(selected[0])
        else:
            self.list.edit_selected()

    def delete_selected(self) -> None:
        if self._on_board():
            self.board.delete_notes(self.board.selected_note_ids())
        else:
            self.list.delete_selected()

    def focus_search(self) -> None:
        if self._on_board():
            self.board.capture_title.setFocus()
        else:
            self.list.focus_search()

    def save_table_state(self) -> None:
        """The list's column widths and order are kept between sessions, as on every list page."""
        self.list.save_table_state()
