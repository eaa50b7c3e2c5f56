"""What the room decides on a workshop's board: dots placed and taken by the voting participant (or typed from a
paper wall), and actions agreed from the needs the ranking puts on top; each undoable. A part of
``WorkshopBoard``, kept apart from how the board is laid out and loaded."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QListWidget, QWidget

from locality.domain.errors import LocalityError
from locality.domain.text import plural
from locality.ui.edit_dialog import run_dialog
from locality.ui.undo import push_done
from locality.ui.workshops.board_dialogs import AgreeActionDialog, TallyDialog
from locality.ui.workshops.note_columns import NEED_ID, ThemeColumn

if TYPE_CHECKING:
    from locality.services.registry import Services
    from locality.ui.env import UiEnv
    from locality.ui.workshops.board import BoardState


class BoardDecisions:
    """Voting and agreeing actions; the board provides the widgets and ``say``."""

    env: UiEnv
    services: Services
    workshop_id: uuid.UUID | None
    state: BoardState | None
    columns: dict[uuid.UUID | None, ThemeColumn]
    participant_picker: QComboBox
    ranking: QListWidget
    message: QLabel

    def say(self, text: str, *, error: bool = False) -> None:
        raise NotImplementedError  # the board's

    # ------------------------------------------------------------------ voting

    def voter(self) -> uuid.UUID | None:
        data = self.participant_picker.currentData()
        return data if isinstance(data, uuid.UUID) else None

    def choose_voter(self, participant_id: uuid.UUID | None) -> None:
        for number in range(self.participant_picker.count()):
            if self.participant_picker.itemData(number) == participant_id:
                self.participant_picker.setCurrentIndex(number)
                return

    def place_dot(self, need_id: uuid.UUID | None) -> bool:
        """One of the voting participant's dots on the need; a refusal ("Alex Smith has used all 5 dots") is
        said on the board."""
        return self._move_dot(need_id, take=False)

    def take_dot(self, need_id: uuid.UUID | None) -> bool:
        return self._move_dot(need_id, take=True)

    def _move_dot(self, need_id: uuid.UUID | None, *, take: bool) -> bool:
        participant_id = self.voter()
        if self.workshop_id is None or participant_id is None or need_id is None:
            return False
        workshops = self.services.workshops
        workshop_id = self.workshop_id

        def place() -> object:
            return workshops.place_dot(workshop_id, need_id, participant_id)

        def remove() -> None:
            workshops.take_dot(workshop_id, need_id, participant_id)

        try:
            (remove if take else place)()
        except LocalityError as error:
            self.say(str(error), error=True)
            return False
        text = "take a dot off" if take else "place a dot"
        push_done(
            self.env.undo_stack,
            text,
            redo=remove if take else place,
            undo=place if take else remove,
            parent_widget=self._widget(),
        )
        self.message.clear()
        return True

    def type_tallies(self) -> None:
        if self.state is None or self.workshop_id is None:
            return
        # The counts typed before, read now rather than with every refresh of the board: clicked dots name a
        # participant, typed ones do not.
        try:
            votes = self.services.workshops.votes(self.workshop_id)
        except LocalityError as error:
            self.say(str(error), error=True)
            return
        typed = {(vote.need_id, vote.organisation_id): vote.dots for vote in votes if vote.participant_id is None}
        dialog = TallyDialog(self.env, self.workshop_id, self.state.notes, typed, self._widget())
        changed = run_dialog(dialog)
        if changed:
            self.say(f"Typed {plural(changed, 'tally', 'tallies')} from the paper wall.")

    # ------------------------------------------------------------------ agreeing actions

    def chosen_need_ids(self) -> set[uuid.UUID]:
        """The needs chosen in the ranking; without any, the notes chosen on the board (a click that voted also
        chose its note, so the ranking, where nobody votes, says better what the room picked)."""
        chosen = {item.data(Qt.ItemDataRole.UserRole) for item in self.ranking.selectedItems()}
        if not chosen:
            for column in self.columns.values():
                chosen.update(item.data(NEED_ID) for item in column.notes.selectedItems())
        return {need_id for need_id in chosen if need_id is not None}

    def agree_action(self) -> None:
        if self.state is None or self.workshop_id is None:
            return
        dialog = AgreeActionDialog(
            self.env, self.workshop_id, self.state.ranking, self.state.notes, self.chosen_need_ids(), self._widget()
        )
        agreed = run_dialog(dialog)
        if agreed is None:
            return
        self._push_agreed(self.workshop_id, agreed.action_id, agreed.title)
        lead = f", led by {agreed.lead_organisation_name}" if agreed.lead_organisation_name else ""
        self.say(f"Agreed “{agreed.title}”{lead}.")

    def _push_agreed(self, workshop_id: uuid.UUID, action_id: uuid.UUID, title: str) -> None:
        """Undo takes the action off the workshop's list and deletes it; redo brings both back."""
        workshops, actions = self.services.workshops, self.services.actions
        deleted: dict[str, Any] = {}

        def undo() -> None:
            deleted["link"] = workshops.forget_agreed_action(workshop_id, action_id)
            deleted["action"] = actions.delete([action_id])

        def redo() -> None:
            actions.restore(deleted["action"])
            workshops.restore(deleted["link"])

        push_done(self.env.undo_stack, f"agree action {title}", redo=redo, undo=undo, parent_widget=self._widget())

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self
