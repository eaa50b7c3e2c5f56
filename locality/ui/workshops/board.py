"""One workshop's board, as a facilitator runs it on a projector: needs captured in one line, sticky notes in a
column per theme (dragged to re-theme, double-clicked to edit), dot-voting by clicking for the chosen participant
or by typing a paper wall's tallies, a live ranking beside the notes, and actions agreed from the top of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import LocalityError, NotFoundError, ValidationError
from locality.domain.text import plural
from locality.domain.values import format_date
from locality.services.context import Changes
from locality.services.vocabulary import Theme
from locality.services.workshops import (
    AgreedAction,
    NeedTally,
    Note,
    ParticipantDots,
    Workshop,
)
from locality.ui.edit_dialog import run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.loader import BackgroundLoader
from locality.ui.pickers import organisation_choices
from locality.ui.style import set_tone
from locality.ui.undo import push_created, push_deleted, push_done
from locality.ui.workshops.board_decisions import BoardDecisions
from locality.ui.workshops.board_dialogs import NoteDialog
from locality.ui.workshops.capture_bar import CaptureBar
from locality.ui.workshops.note_columns import NEED_ID, NOTE_ID, NoteList, ThemeColumn

SLOW_LOAD_SECONDS = 0.1
NO_THEME = "No theme"
NOBODY = "Nobody (clicks choose notes)"


@dataclass(frozen=True)
class BoardState:
    """Everything the board shows, read in one go (off the GUI thread when slow)."""

    workshop: Workshop
    themes: list[Theme]
    organisations: list[tuple[str, uuid.UUID]]
    notes: list[Note]
    dots: list[ParticipantDots]
    ranking: list[NeedTally]
    actions: list[AgreedAction]


class WorkshopBoard(BoardDecisions, QWidget):
    """Shows the board of the workshop given to ``open_workshop``; ``closed`` asks to go back to the list."""

    closed = Signal()
    watches = frozenset(
        {
            Entity.WORKSHOP,
            Entity.WORKSHOP_PARTICIPANT,
            Entity.WORKSHOP_VOTE,
            Entity.WORKSHOP_NOTE,
            Entity.WORKSHOP_ACTION,
            Entity.NEED,
            Entity.ACTION,
            Entity.ORGANISATION,
            Entity.THEME,
        }
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.services = env.services
        self.workshop_id: uuid.UUID | None = None
        self.state: BoardState | None = None
        self.columns: dict[uuid.UUID | None, ThemeColumn] = {}
        self._extra_themes: set[uuid.UUID] = set()  # empty columns asked for, to drag notes into
        self.loader = BackgroundLoader(self, self.refresh)
        self.presentation: Any = None
        layout = QVBoxLayout(self)

        # -- heading
        top = QHBoxLayout()
        self.back_button = QPushButton("‹ &All workshops")
        self.back_button.setObjectName("backToWorkshops")
        self.back_button.clicked.connect(self.closed.emit)
        top.addWidget(self.back_button)
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.heading.setWordWrap(True)
        top.addWidget(self.heading, 1)
        layout.addLayout(top)
        details = QHBoxLayout()
        self.details = QLabel()
        self.details.setObjectName("workshopDetails")
        self.details.setWordWrap(True)
        details.addWidget(self.details, 1)
        self.countdown_minutes = QSpinBox()
        self.countdown_minutes.setObjectName("countdownMinutes")
        self.countdown_minutes.setRange(0, 120)
        self.countdown_minutes.setSpecialValueText("No timer")
        self.countdown_minutes.setSuffix(" min")
        self.countdown_minutes.setAccessibleName("Countdown timer for presentation mode, in minutes")
        self.countdown_minutes.setToolTip("A countdown shown in presentation mode (T starts and pauses it)")
        details.addWidget(self.countdown_minutes)
        self.present_button = QPushButton("&Presentation mode")
        self.present_button.setObjectName("presentationButton")
        self.present_button.setToolTip("Full screen, large type, keyboard only; Esc comes back")
        self.present_button.clicked.connect(self.start_presentation)
        details.addWidget(self.present_button)
        self.record_button = QPushButton("Workshop &record…")
        self.record_button.setObjectName("workshopRecordButton")
        self.record_button.setToolTip("Who came, the needs raised, the votes and the agreed actions, as Word or PDF")
        self.record_button.clicked.connect(self.write_record)
        details.addWidget(self.record_button)
        layout.addLayout(details)

        # -- quick capture: one line, Enter adds
        self.capture_bar = CaptureBar(env)
        self.capture_bar.capture_wanted.connect(lambda same_as: self.capture(same_as))
        self.capture_title = self.capture_bar.title
        layout.addWidget(self.capture_bar)

        # -- voting
        voting = QHBoxLayout()
        voting_label = QLabel("&Voting:")
        voting.addWidget(voting_label)
        self.participant_picker = QComboBox()
        self.participant_picker.setObjectName("participantPicker")
        self.participant_picker.setAccessibleName("Participant placing dots")
        self.participant_picker.setMinimumContentsLength(12)
        self.participant_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        voting_label.setBuddy(self.participant_picker)
        self.participant_picker.currentIndexChanged.connect(lambda _index: self._show_dots_left())
        voting.addWidget(self.participant_picker, 1)
        self.dots_left = QLabel()
        self.dots_left.setObjectName("dotsLeft")
        self.dots_left.setWordWrap(True)
        voting.addWidget(self.dots_left, 2)
        self.tally_button = QPushButton("&Type tallies…")
        self.tally_button.setObjectName("typeTalliesButton")
        self.tally_button.clicked.connect(self.type_tallies)
        voting.addWidget(self.tally_button)
        self.column_picker = QComboBox()
        self.column_picker.setObjectName("addColumnPicker")
        self.column_picker.setAccessibleName("Show a theme's column")
        self.column_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.column_picker.setMinimumContentsLength(10)
        self.column_picker.activated.connect(self._add_column)
        voting.addWidget(self.column_picker)
        layout.addLayout(voting)

        # -- what just happened (a refusal too): a sentence on the board, never a box over it
        self.message = QLabel()
        self.message.setObjectName("boardMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        # -- the notes, and beside them the ranking and the agreed actions
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.notes_area = QScrollArea()
        self.notes_area.setWidgetResizable(True)
        self.columns_holder = QWidget()
        self.columns_layout = QHBoxLayout(self.columns_holder)
        self.columns_layout.setContentsMargins(0, 0, 0, 0)
        self.columns_layout.addStretch(1)
        self.notes_area.setWidget(self.columns_holder)
        self.splitter.addWidget(self.notes_area)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("<b>Ranking</b> (all dots, clicked and typed)"))
        self.ranking = QListWidget()
        self.ranking.setObjectName("rankingList")
        self.ranking.setAccessibleName("Ranking")
        self.ranking.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.ranking.setWordWrap(True)
        side_layout.addWidget(self.ranking, 3)
        agree_row = QHBoxLayout()
        agree_row.addWidget(QLabel("<b>Agreed actions</b>"), 1)
        self.agree_button = QPushButton("A&gree an action…")
        self.agree_button.setObjectName("agreeActionButton")
        self.agree_button.setToolTip("An action for the needs chosen in the ranking or on the board")
        self.agree_button.clicked.connect(self.agree_action)
        agree_row.addWidget(self.agree_button)
        side_layout.addLayout(agree_row)
        self.actions_list = QListWidget()
        self.actions_list.setObjectName("agreedActionsList")
        self.actions_list.setAccessibleName("Agreed actions")
        self.actions_list.setWordWrap(True)
        side_layout.addWidget(self.actions_list, 2)
        side.setMinimumWidth(220)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self._split_set = False
        layout.addWidget(self.splitter, 1)

        # A change told while a click is being handled must not rebuild the list under the mouse: refreshes wait
        # for the event loop, and a burst of them is one refresh.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.loader.refresh_when_shown)

    # ------------------------------------------------------------------ loading

    def open_workshop(self, workshop_id: uuid.UUID) -> None:
        if workshop_id != self.workshop_id:
            self.workshop_id = workshop_id
            self.state = None
            self._extra_themes.clear()
            self.participant_picker.clear()
            self.message.clear()
            self.capture_bar.clear()
        self.loader.stale = True
        self.loader.refresh_when_shown()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._split_set:
            # The notes take most of the width; the ranking and actions a column as wide as a readable line.
            self._split_set = True
            side = max(260, min(380, self.width() // 4))
            self.splitter.setSizes([max(1, self.splitter.width() - side), side])
        self.loader.shown()

    def on_changes(self, changes: Changes) -> None:
        if self.workshop_id is None or not changes.touches(*self.watches):
            return
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self.loader.stale = True

    def load(self) -> BoardState:
        assert self.workshop_id is not None
        workshops = self.services.workshops
        workshop_id = self.workshop_id
        return BoardState(
            workshop=workshops.get(workshop_id),
            themes=self.services.vocabulary.themes(),
            organisations=organisation_choices(self.env),
            notes=workshops.notes(workshop_id),
            dots=workshops.participant_dots(workshop_id),
            ranking=workshops.tally(workshop_id),
            actions=workshops.agreed_actions(workshop_id),
        )

    def refresh(self) -> None:
        if self.workshop_id is None:
            return
        slow = self.loader.last_seconds > SLOW_LOAD_SECONDS

        def failed(error: BaseException) -> None:
            if isinstance(error, NotFoundError):  # deleted meanwhile (here or by the other app): back to the list
                self.workshop_id = None
                self.closed.emit()
                return
            show_error(self, error)

        if slow:
            self.message.setText("Loading the board…")
            self.loader.start(self.load, self.show_state, failed)
        else:
            self.loader.run_now(self.load, self.show_state, failed)

    @property
    def loading(self) -> bool:
        return self.loader.busy

    # ------------------------------------------------------------------ showing

    def show_state(self, state: BoardState) -> None:
        self.state = state
        workshop = state.workshop
        self.heading.setText(workshop.title)
        details = [format_date(workshop.held_on) if workshop.held_on else "No date"]
        details += [text for text in (workshop.venue, workshop.purpose) if text]
        if workshop.facilitator:
            details.append(f"facilitated by {workshop.facilitator}")
        details.append(f"{plural(workshop.dots_per_participant, 'dot')} each")
        self.details.setText(" · ".join(details))
        self.capture_bar.set_choices(state.organisations, [(theme.full_name, theme.id) for theme in state.themes])
        self._show_columns(state)
        self._show_participants(state)
        self._show_ranking(state)
        self._show_actions(state)
        if self.message.text() == "Loading the board…":
            self.message.clear()
        if self.presentation is not None:
            self.presentation.show_state(state)

    def _show_columns(self, state: BoardState) -> None:
        selected = set(self.selected_note_ids())
        by_theme: dict[uuid.UUID | None, list[Note]] = {}
        for note in state.notes:
            by_theme.setdefault(note.theme_id, []).append(note)
        wanted: list[tuple[uuid.UUID | None, str]] = [
            (theme.id, theme.full_name)
            for theme in state.themes
            if theme.id in by_theme or theme.id in self._extra_themes
        ]
        if None in by_theme:
            wanted.append((None, NO_THEME))
        for theme_id in [key for key in self.columns if key not in dict(wanted)]:
            column = self.columns.pop(theme_id)
            column.hide()
            column.deleteLater()
        for number, (theme_id, name) in enumerate(wanted):
            existing = self.columns.get(theme_id)
            column = existing if existing is not None else ThemeColumn(theme_id, name)
            if existing is None:
                self._wire(column.notes)
                self.columns[theme_id] = column
            column.name = name
            if self.columns_layout.indexOf(column) != number:
                self.columns_layout.removeWidget(column)
                self.columns_layout.insertWidget(number, column)
            column.show_notes(by_theme.get(theme_id, []))
            for row in range(column.notes.count()):
                item = column.notes.item(row)
                item.setSelected(item.data(NOTE_ID) in selected)
        self.columns = {theme_id: self.columns[theme_id] for theme_id, _name in wanted}
        self.column_picker.clear()
        self.column_picker.addItem("Show a theme…", None)
        for theme in state.themes:
            if theme.id not in self.columns:
                self.column_picker.addItem(theme.full_name, theme.id)
        self.column_picker.setVisible(self.column_picker.count() > 1)

    def _wire(self, notes: NoteList) -> None:
        notes.dropped.connect(lambda note_id, position, n=notes: self.move_note(note_id, n.theme_id, position))
        notes.clicked_with.connect(self._note_clicked)
        notes.itemDoubleClicked.connect(self._note_double_clicked)
        notes.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        notes.customContextMenuRequested.connect(lambda point, n=notes: self._note_menu(n, point))
        notes.installEventFilter(self)

    def _show_participants(self, state: BoardState) -> None:
        current = self.participant_picker.currentData()
        self.participant_picker.blockSignals(True)
        self.participant_picker.clear()
        self.participant_picker.addItem(NOBODY, None)
        for person in state.dots:  # every participant, with their dots
            shown = f"{person.name} ({person.organisation_name})" if person.organisation_name else person.name
            self.participant_picker.addItem(shown, person.participant_id)
        index = next(
            (n for n in range(self.participant_picker.count()) if self.participant_picker.itemData(n) == current), 0
        )
        self.participant_picker.setCurrentIndex(index)
        self.participant_picker.blockSignals(False)
        self._show_dots_left()

    def _show_dots_left(self) -> None:
        dots = self.dots_of(self.participant_picker.currentData())
        if dots is None:
            self.dots_left.setText(
                "Choose who is voting; then a click (or Space) places one of their dots, and Shift+click, "
                "right-click or Backspace takes one off."
            )
        else:
            left = dots.allowance - dots.used
            self.dots_left.setText(f"{dots.name} has {plural(left, 'dot')} left of {dots.allowance}.")
        if self.presentation is not None:
            self.presentation.update()

    def dots_of(self, participant_id: uuid.UUID | None) -> ParticipantDots | None:
        if participant_id is None or self.state is None:
            return None
        return next((d for d in self.state.dots if d.participant_id == participant_id), None)

    def _show_ranking(self, state: BoardState) -> None:
        chosen = {
            self.ranking.item(n).data(Qt.ItemDataRole.UserRole)
            for n in range(self.ranking.count())
            if self.ranking.item(n).isSelected()
        }
        self.ranking.clear()
        for tally in state.ranking:
            item = QListWidgetItem(f"{tally.rank}. {tally.need_title} — {plural(tally.total_dots, 'dot')}")
            item.setData(Qt.ItemDataRole.UserRole, tally.need_id)
            item.setToolTip("\n".join(f"{part.organisation_name}: {part.dots}" for part in tally.by_organisation))
            self.ranking.addItem(item)
            item.setSelected(tally.need_id in chosen)

    def _show_actions(self, state: BoardState) -> None:
        self.actions_list.clear()
        if not state.actions:
            placeholder = QListWidgetItem("None yet: choose needs in the ranking and press Agree an action.")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.actions_list.addItem(placeholder)
            return
        for action in state.actions:
            parts = [action.title]
            if action.lead_organisation_name:
                parts.append(f"led by {action.lead_organisation_name}")
            if action.due_on:
                parts.append(f"due {format_date(action.due_on)}")
            item = QListWidgetItem(", ".join(parts))
            item.setData(Qt.ItemDataRole.UserRole, action.action_id)
            item.setToolTip("For: " + "; ".join(action.need_titles))
            self.actions_list.addItem(item)

    def say(self, text: str, *, error: bool = False) -> None:
        set_tone(self.message, "error" if error else "success", "font-weight: bold;" if error else "")
        self.message.setText(text)
        if self.presentation is not None:
            self.presentation.update()

    # ------------------------------------------------------------------ capture

    def capture(self, same_as_need_id: uuid.UUID | None = None) -> Note | None:
        """Adds the need typed on the capture line (or links it to ``same_as_need_id``); a refusal is said on
        the board and what was typed stays."""
        if self.workshop_id is None:
            return None
        workshops = self.services.workshops
        bar = self.capture_bar
        try:
            note = workshops.capture_note(
                self.workshop_id,
                bar.title.text(),
                bar.organisation_id(),
                bar.theme_id(),
                same_as_need_id=same_as_need_id,
            )
        except ValidationError as error:
            self.say(" ".join(error.field_errors.values()) or str(error), error=True)
            bar.title.setFocus()
            return None
        except LocalityError as error:
            self.say(str(error), error=True)
            return None
        push_created(
            self.env.undo_stack,
            f"capture note {note.title}",
            note.id,
            workshops.delete_notes,
            workshops.restore,
            self,
        )
        where = note.theme_name or NO_THEME
        linked = f"Linked “{note.title}” to the existing need."
        self.say(linked if same_as_need_id else f"Added “{note.title}” under {where}.")
        bar.captured()
        return note

    # ------------------------------------------------------------------ notes

    def note(self, note_id: uuid.UUID) -> Note | None:
        if self.state is None:
            return None
        return next((n for n in self.state.notes if n.id == note_id), None)

    def selected_note_ids(self) -> list[uuid.UUID]:
        return [item.data(NOTE_ID) for column in self.columns.values() for item in column.notes.selectedItems()]

    def move_note(self, note_id: uuid.UUID, theme_id: uuid.UUID | None, position: int) -> None:
        before = self.note(note_id)
        workshops = self.services.workshops
        try:
            moved = workshops.move_note(note_id, theme_id, position)
        except LocalityError as error:
            self.say(str(error), error=True)
            return
        if before is not None:
            old_theme, old_position = before.theme_id, before.position
            push_done(
                self.env.undo_stack,
                f"move note {moved.title}",
                redo=lambda: workshops.move_note(note_id, theme_id, position),
                undo=lambda: workshops.move_note(note_id, old_theme, old_position),
                parent_widget=self,
            )
        self.say(f"Moved “{moved.title}” to {moved.theme_name or NO_THEME}.")

    def edit_note(self, note_id: uuid.UUID) -> None:
        note = self.note(note_id)
        if note is None:
            return
        saved = run_dialog(NoteDialog(self.env, note, self))
        if saved is not None:
            self.say(f"Changed the note to “{saved.title}”.")

    def delete_notes(self, note_ids: list[uuid.UUID]) -> None:
        if not note_ids:
            return
        workshops = self.services.workshops
        try:
            deleted = workshops.delete_notes(note_ids)
        except LocalityError as error:
            self.say(str(error), error=True)
            return
        text = f"delete {plural(len(note_ids), 'note')}"
        push_deleted(self.env.undo_stack, text, note_ids, deleted, workshops.delete_notes, workshops.restore, self)
        them = "it" if len(note_ids) == 1 else "them"
        self.say(f"Deleted {plural(len(note_ids), 'note')}; Edit › Undo brings {them} back.")

    def _note_double_clicked(self, item: QListWidgetItem) -> None:
        if self.voter() is None:  # while voting, a double-click is two clicks: two dots
            self.edit_note(item.data(NOTE_ID))

    def _note_clicked(self, item: QListWidgetItem, how: tuple[Qt.MouseButton, bool]) -> None:
        button, shift = how
        if self.voter() is None:
            return
        if button == Qt.MouseButton.RightButton or shift:
            self.take_dot(item.data(NEED_ID))
        elif button == Qt.MouseButton.LeftButton:
            self.place_dot(item.data(NEED_ID))

    def _note_menu(self, notes: NoteList, point: QPoint) -> None:
        if self.voter() is not None:
            return  # a right-click while voting takes a dot off (see _note_clicked)
        item = notes.itemAt(point)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction("&Edit note…", lambda: self.edit_note(item.data(NOTE_ID)))
        menu.addAction("&Delete note", lambda: self.delete_notes([item.data(NOTE_ID)]))
        menu.addAction("A&gree an action…", self.agree_action)
        menu.exec(notes.viewport().mapToGlobal(point))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if isinstance(watched, NoteList) and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            item = watched.currentItem()
            if item is not None and event.key() in (Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_note(item.data(NOTE_ID))
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.delete_notes([i.data(NOTE_ID) for i in watched.selectedItems()])
                return True
            # The keyboard votes as the mouse does: Space places a dot, Shift+Space or Backspace takes one off.
            if (
                item is not None
                and self.voter() is not None
                and event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Backspace)
            ):
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                if event.key() == Qt.Key.Key_Backspace or shift:
                    self.take_dot(item.data(NEED_ID))
                else:
                    self.place_dot(item.data(NEED_ID))
                return True
        return super().eventFilter(watched, event)

    def _add_column(self, index: int) -> None:
        theme_id = self.column_picker.itemData(index)
        if theme_id is not None and self.state is not None:
            self._extra_themes.add(theme_id)
            self._show_columns(self.state)

    # ------------------------------------------------------------------ presentation and the record

    def start_presentation(self) -> None:
        from locality.ui.workshops.presentation import PresentationView

        if self.state is None:
            return
        self.presentation = PresentationView(self, self.countdown_minutes.value())
        self.presentation.left.connect(self._presentation_left)
        self.presentation.show_state(self.state)
        self.presentation.showFullScreen()
        self.presentation.activateWindow()
        self.presentation.setFocus()

    def _presentation_left(self) -> None:
        self.presentation = None

    def write_record(self) -> None:
        from locality.ui.workshops.record_dialog import WorkshopRecordDialog

        if self.state is None:
            return
        WorkshopRecordDialog(self.env, self.state.workshop, self).exec()
