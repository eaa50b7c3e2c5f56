"""The list of workshops, and the dialog that adds or edits one with the people who came."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QWidget

from locality.domain.entities import Entity
from locality.domain.values import format_date
from locality.services.workshops import Workshop, WorkshopDraft
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.forms import DateField
from locality.ui.link_table import LinkColumn, LinkTable
from locality.ui.list_page import ListPage
from locality.ui.pickers import organisation_choices
from locality.ui.style import scaled
from locality.ui.table_model import Column
from locality.ui.undo import one_undo_step, push_created, push_deleted, save_with_undo

NO_ORGANISATION = "(no organisation)"


class WorkshopDialog(EditDialog):
    """A workshop's date, venue, purpose and facilitator, and the people who came with their organisations."""

    def __init__(self, env: UiEnv, workshop: Workshop | None, parent: QWidget | None = None) -> None:
        super().__init__("Edit workshop" if workshop else "New workshop", parent)
        self.setMinimumWidth(640)  # a participant's organisation whole beside their name
        self.is_new = workshop is None
        self.env = env
        self.workshop = workshop
        self.title = self.form.add_field("title", "&Title:", QLineEdit())
        self.held_on = self.form.add_field("held_on", "&Date:", DateField())
        self.venue = self.form.add_field("venue", "&Venue:", QLineEdit())
        self.purpose = self.form.add_field("purpose", "&Purpose:", QLineEdit())
        self.facilitator = self.form.add_field("facilitator", "&Facilitator:", QLineEdit())
        self.dots = self.form.add_field("dots_per_participant", "D&ots each:", QSpinBox())
        self.dots.setRange(1, 99)
        self.dots.setValue(5)
        self.dots.setToolTip("How many dots each participant may place when voting")
        self.participants = self.form.add_field(
            "participants",
            "&Participants:",
            LinkTable(
                [
                    LinkColumn("name", "Name", kind="text", width=170),
                    LinkColumn(
                        "organisation_id",
                        "Organisation",
                        choices=[(NO_ORGANISATION, None), *organisation_choices(env)],
                        width=240,
                    ),
                ],
                "participant",
            ),
        )
        self.notes = self.form.add_field("notes", "N&otes:", QPlainTextEdit())
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(scaled(60))
        self.finish_layout()
        self._saved_participants: list[dict[str, Any]] = []
        if workshop is not None:
            self.load(workshop)

    def load(self, record: Any) -> None:
        workshop: Workshop = record
        self.workshop = workshop
        self.title.setText(workshop.title)
        self.held_on.set_value(workshop.held_on)
        self.venue.setText(workshop.venue)
        self.purpose.setText(workshop.purpose)
        self.facilitator.setText(workshop.facilitator)
        self.dots.setValue(workshop.dots_per_participant)
        self.notes.setPlainText(workshop.notes)
        people = self.env.services.workshops.participants(workshop.id)
        self._saved_participants = [{"id": p.id, "name": p.name, "organisation_id": p.organisation_id} for p in people]
        self.participants.set_rows(self._saved_participants)

    def draft(self) -> WorkshopDraft:
        return WorkshopDraft(
            title=self.title.text(),
            held_on=self.held_on.value(),
            venue=self.venue.text(),
            facilitator=self.facilitator.text(),
            notes=self.notes.toPlainText(),
            purpose=self.purpose.text(),
            dots_per_participant=self.dots.value(),
        )

    def save(self) -> Workshop:
        """Saves the workshop and then its participants, as one step on the undo stack."""
        workshops = self.env.services.workshops
        draft = self.draft()
        wanted = [row for row in self.participants.rows() if row["name"].strip()]  # a blanked name: removed
        stack = self.env.undo_stack
        with one_undo_step(stack, f"{'edit' if self.workshop else 'add'} workshop {draft.title.strip()}"):
            saved = save_with_undo(
                stack,
                self.workshop,
                draft,
                create=workshops.create,
                update=workshops.update,
                delete=workshops.delete,
                restore=workshops.restore,
                describe=lambda verb, w: f"{verb} workshop {w.title}",
                parent=self.parentWidget(),
            )
            self.workshop = saved  # a participant that fails below must not create the workshop a second time
            self.is_new = False
            self._save_participants(saved.id, wanted)
        return saved

    def _save_participants(self, workshop_id: uuid.UUID, wanted: list[dict[str, Any]]) -> None:
        """Removes the people taken off the list, adds the new ones; a changed row is removed and added again
        (a participant has no fields worth a version of their own)."""
        workshops = self.env.services.workshops
        stack = self.env.undo_stack
        before = {row["id"]: row for row in self._saved_participants}
        kept: set[uuid.UUID] = set()
        for row in wanted:
            old = before.get(row["id"])
            if old is not None and (old["name"], old["organisation_id"]) == (row["name"], row["organisation_id"]):
                kept.add(row["id"])
        for participant_id in [pid for pid in before if pid not in kept]:
            deleted = workshops.remove_participant(participant_id)
            push_deleted(
                stack,
                f"remove {before[participant_id]['name']}",
                [participant_id],
                deleted,
                lambda ids: workshops.remove_participant(ids[0]),
                workshops.restore,
                self.parentWidget(),
            )
        self._saved_participants = [row for row in self._saved_participants if row["id"] in kept]
        for row in wanted:
            if row["id"] in kept:
                continue
            added = workshops.add_participant(workshop_id, row["name"], row["organisation_id"])
            push_created(
                stack,
                f"add {added.name}",
                added.id,
                lambda ids: workshops.remove_participant(ids[0]),
                workshops.restore,
                self.parentWidget(),
            )
            kept_row = {"id": added.id, "name": added.name, "organisation_id": added.organisation_id}
            self._saved_participants.append(kept_row)


class WorkshopList(ListPage[Workshop]):
    """Every workshop, the most recent first; double-click (or Open board) opens its board."""

    title = "Workshops"
    noun = "workshop"
    plural = "workshops"

    def empty_sentence(self) -> str:
        return (
            "No workshops yet. Record a workshop to capture the needs each partner raises on its board, "
            "dot-vote to rank them and agree actions; take a copy of the workspace out on a laptop and merge it "
            "back afterwards."
        )

    table_name = "workshopsTable"
    stretch_column = 8
    watches = frozenset(
        {
            Entity.WORKSHOP,
            Entity.WORKSHOP_PARTICIPANT,
            Entity.WORKSHOP_VOTE,
            Entity.WORKSHOP_NOTE,
            Entity.ORGANISATION,
        }
    )

    #: A workshop whose board is to be shown.
    board_wanted = Signal(object)

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.open_button = QPushButton("&Open board")
        self.open_button.setObjectName("openBoardButton")
        self.open_button.setToolTip("Capture needs and run the dot-voting for the chosen workshop")
        self.open_button.clicked.connect(self.open_selected_board)
        self.footer.insertWidget(1, self.open_button)
        self._update_buttons()

    def columns(self) -> Sequence[Column[Workshop]]:
        return [
            Column(
                "Date",
                lambda w: format_date(w.held_on) if w.held_on else "",
                sort_key=lambda w: w.held_on.toordinal() if w.held_on else 0,
                width=72,
            ),
            Column("Title", lambda w: w.title, width=170, tooltip=lambda w: w.title),
            Column("Venue", lambda w: w.venue, width=110, tooltip=lambda w: w.venue),
            Column("Purpose", lambda w: w.purpose, width=130, tooltip=lambda w: w.purpose),
            Column("Facilitator", lambda w: w.facilitator, width=90, tooltip=lambda w: w.facilitator),
            Column(
                "People",
                lambda w: f"{w.participants_count:,}",
                sort_key=lambda w: w.participants_count,
                align_right=True,
                width=40,
            ),
            Column(
                "Notes", lambda w: f"{w.notes_count:,}", sort_key=lambda w: w.notes_count, align_right=True, width=40
            ),
            Column("Dots", lambda w: f"{w.dots_count:,}", sort_key=lambda w: w.dots_count, align_right=True, width=40),
            # Who came, by organisation, takes the width the others leave.
            Column(
                "Organisations",
                lambda w: "; ".join(w.organisations),
                width=150,
                tooltip=lambda w: "\n".join(w.organisations),
            ),
        ]

    def load_rows(self) -> list[Workshop]:
        return self.services.workshops.list()

    def search_text(self, row: Workshop) -> str:
        return " ".join((row.title, row.venue, row.purpose, row.facilitator, *row.organisations)).casefold()

    unfiltered_matches_all = True

    def matches(self, row: Workshop) -> bool:
        return True

    def on_double_click(self, _index: Any) -> None:
        self.open_selected_board()

    def open_selected_board(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.board_wanted.emit(rows[0])

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if hasattr(self, "open_button"):
            self.open_button.setEnabled(len(self.table.selectionModel().selectedRows()) == 1)

    def open_editor(self, row: Workshop | None) -> None:
        current = self.services.workshops.get(row.id) if row is not None else None
        saved = run_dialog(WorkshopDialog(self.env, current, self))
        if saved is not None:
            self.select_where(lambda w: w.id == saved.id)

    def delete_rows(self, rows: list[Workshop]) -> None:
        workshops = self.services.workshops
        ids = [row.id for row in rows]
        deleted = workshops.delete(ids)
        text = f"delete workshop {rows[0].title}" if len(rows) == 1 else f"delete {len(rows)} workshops"
        push_deleted(self.env.undo_stack, text, ids, deleted, workshops.delete, workshops.restore, self)
