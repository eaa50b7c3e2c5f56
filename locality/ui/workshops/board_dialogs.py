"""The board's small dialogs: editing a note, typing tallies from a paper wall, and agreeing an action."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from locality.services.workshops import AgreedAction, NeedTally, Note
from locality.ui.edit_dialog import EditDialog
from locality.ui.env import UiEnv
from locality.ui.forms import ChoiceCombo, DateField
from locality.ui.pickers import organisation_choices
from locality.ui.workshops.capture_bar import chosen_id

NO_ORGANISATION = "(no organisation)"


class NoteDialog(EditDialog):
    """A note's wording and who raised it (the need it created changes with it)."""

    def __init__(self, env: UiEnv, note: Note, parent: QWidget | None = None) -> None:
        super().__init__("Edit note", parent)
        self.env = env
        self.note = note
        self.title = self.form.add_field("title", "&Note:", QLineEdit(note.title))
        self.organisation = self.form.add_field(
            "organisation_id", "&Organisation:", ChoiceCombo(NO_ORGANISATION, organisation_choices(env))
        )
        self.organisation.select(note.organisation_id)
        if note.linked_existing:
            linked = QLabel("This note is linked to an existing need: changing its wording here changes the note only.")
            linked.setWordWrap(True)
            self.form.addRow(linked)
        self.finish_layout()

    def load(self, record: Any) -> None:
        note: Note = record
        self.note = note
        self.title.setText(note.title)
        self.organisation.select(note.organisation_id)

    def save(self) -> Note:
        return self.env.services.workshops.edit_note(
            self.note.id,
            self.title.text(),
            chosen_id(self.organisation),
            self.note.version,
        )


class TallyDialog(EditDialog):
    """Dots counted on a paper wall, typed in per need for one organisation (or for nobody in particular):
    each number replaces what was typed before for that need and organisation; 0 takes it away."""

    def __init__(
        self,
        env: UiEnv,
        workshop_id: uuid.UUID,
        notes: Sequence[Note],
        typed: dict[tuple[uuid.UUID, uuid.UUID | None], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Type tallies", parent)
        self.setMinimumWidth(620)
        self.env = env
        self.workshop_id = workshop_id
        self._typed = typed
        intro = QLabel(
            "Type the dots counted on the paper wall for each need. Each number replaces the count typed before "
            "for that need and organisation; 0 removes it. Dots placed by clicking are kept as they are."
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.organisation = self.form.add_field(
            "organisation_id", "Dots &from:", ChoiceCombo(NO_ORGANISATION, organisation_choices(env))
        )
        needs: dict[uuid.UUID, str] = {}
        for note in notes:
            if note.need_id is not None and note.need_id not in needs:
                needs[note.need_id] = note.title
        self.need_ids = list(needs)
        self.table = QTableWidget(len(needs), 2)
        self.table.setObjectName("tallyTable")
        self.table.setHorizontalHeaderLabels(["Need", "Dots"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 80)
        self.table.setMinimumHeight(220)
        self.spins: dict[uuid.UUID, QSpinBox] = {}
        for row, (need_id, title) in enumerate(needs.items()):
            item = QTableWidgetItem(title)
            item.setToolTip(title)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, item)
            spin = QSpinBox()
            spin.setRange(0, 999)
            spin.setAccessibleName(f"Dots for {title}")
            self.table.setCellWidget(row, 1, spin)
            self.spins[need_id] = spin
        self.form.addRow(self.table)
        self.organisation.currentIndexChanged.connect(lambda _index: self._show_typed())
        self._show_typed()
        self.finish_layout()

    def _show_typed(self) -> None:
        organisation_id = self.organisation.currentData()
        for need_id, spin in self.spins.items():
            spin.setValue(self._typed.get((need_id, organisation_id), 0))
        self.mark_clean()

    def load(self, record: Any) -> None:  # pragma: no cover - nothing to load
        pass

    def save(self) -> int:
        """Sets every count that changed; returns how many."""
        organisation_id = chosen_id(self.organisation)
        workshops = self.env.services.workshops
        changed = 0
        for need_id, spin in self.spins.items():
            if spin.value() != self._typed.get((need_id, organisation_id), 0):
                workshops.set_tally(self.workshop_id, need_id, organisation_id, spin.value())
                self._typed[(need_id, organisation_id)] = spin.value()
                changed += 1
        return changed


class AgreeActionDialog(EditDialog):
    """An action agreed in the room for some of the top-ranked needs: its title, lead, partners and due date."""

    def __init__(
        self,
        env: UiEnv,
        workshop_id: uuid.UUID,
        ranking: Sequence[NeedTally],
        notes: Sequence[Note],
        chosen: set[uuid.UUID],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Agree an action", parent)
        self.setMinimumWidth(680)
        self.is_new = True
        self.env = env
        self.workshop_id = workshop_id
        self.needs = QListWidget()
        self.needs.setObjectName("agreeNeeds")
        self.needs.setMinimumHeight(120)
        self.needs.setWordWrap(True)
        listed: set[uuid.UUID] = set()
        # The ranked needs first (most dots at the top), then the notes nobody voted on yet.
        entries = [(t.need_id, f"{t.rank}. {t.need_title} ({t.total_dots} dots)") for t in ranking]
        entries += [(n.need_id, n.title) for n in notes if n.need_id is not None]
        for need_id, text in entries:
            if need_id in listed:
                continue
            listed.add(need_id)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, need_id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if need_id in chosen else Qt.CheckState.Unchecked)
            self.needs.addItem(item)
        self.form.add_field("need_ids", "For the &needs:", self.needs)
        first = next((text for need_id, text in entries if need_id in chosen), "")
        self.title = self.form.add_field("title", "&Action:", QLineEdit())
        self.title.setPlaceholderText("What the partners agreed to do")
        if first:
            self.title.setPlaceholderText(f"What the partners agreed to do about {first.split('. ', 1)[-1]}")
        organisations = organisation_choices(env)
        self.lead = self.form.add_field(
            "lead_organisation_id", "&Lead:", ChoiceCombo("(choose the lead organisation)", organisations)
        )
        self.partners = self.form.add_field("partner_ids", "&Partners:", QListWidget())
        self.partners.setObjectName("agreePartners")
        self.partners.setMinimumHeight(110)
        for name, organisation_id in organisations:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, organisation_id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.partners.addItem(item)
        self.due_on = self.form.add_field("due_on", "&Due:", DateField())
        self.finish_layout()
        self.initial_focus = self.title

    def load(self, record: Any) -> None:  # pragma: no cover - always new
        pass

    @staticmethod
    def checked(widget: QListWidget) -> list[uuid.UUID]:
        return [
            widget.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(widget.count())
            if widget.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, widget: QListWidget, values: set[uuid.UUID]) -> None:
        for row in range(widget.count()):
            item = widget.item(row)
            item.setCheckState(
                Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in values else Qt.CheckState.Unchecked
            )

    def save(self) -> AgreedAction:
        return self.env.services.workshops.agree_action(
            self.workshop_id,
            self.checked(self.needs),
            self.title.text(),
            chosen_id(self.lead),
            tuple(self.checked(self.partners)),
            self.due_on.value(),
        )
