"""The dialogs that add or change an action's allocation of funding and its spend entries."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from locality.domain.errors import LocalityError, ValidationError
from locality.domain.values import format_money
from locality.services.funding import Allocation, AllocationDraft, BudgetLine, Spend, SpendDraft
from locality.ui.edit_dialog import EditDialog
from locality.ui.env import UiEnv
from locality.ui.forms import DateField, MoneyField, select_data
from locality.ui.style import set_tone
from locality.ui.undo import save_with_undo


def _source_combo(env: UiEnv, none_text: str | None) -> QComboBox:
    combo = QComboBox()
    if none_text is not None:
        combo.addItem(none_text, None)
    for source in env.services.vocabulary.funding_sources():
        combo.addItem(source.name, source.id)
    return combo


def _to_or_of(verb: str) -> str:
    """ "add spend to …" but "edit spend of …"."""
    return "to" if verb == "add" else "of"


def _amount(field: MoneyField) -> int:
    """The amount typed, in pence; blank counts as nothing so that the service's sentence appears beside it."""
    return field.pence("amount_pence") or 0


class AllocationDialog(EditDialog):
    """Money from a funding source set aside for an action."""

    def __init__(
        self, env: UiEnv, action_id: uuid.UUID, action_title: str, allocation: Allocation | None, parent: QWidget
    ) -> None:
        super().__init__("Edit allocation" if allocation else "New allocation", parent)
        self.is_new = allocation is None
        self.env = env
        self.action_id = action_id
        self.allocation = allocation
        self.form.addRow("Action:", QLabel(action_title))
        self.source = self.form.add_field("funding_source_id", "Funding &source:", _source_combo(env, None))
        self.amount = self.form.add_field("amount_pence", "&Amount:", MoneyField())
        self.note = self.form.add_field("note", "&Note:", QLineEdit())
        self.finish_layout()
        if allocation is not None:
            self.load(allocation)
        self.amount.setFocus()

    def load(self, record: Any) -> None:
        allocation: Allocation = record
        self.allocation = allocation
        select_data(self.source, allocation.funding_source_id)
        self.amount.set_pence(allocation.amount_pence)
        self.note.setText(allocation.note)

    def save(self) -> Allocation:
        funding = self.env.services.funding
        draft = AllocationDraft(self.action_id, self.source.currentData(), _amount(self.amount), self.note.text())
        return save_with_undo(
            self.env.undo_stack,
            self.allocation,
            draft,
            create=funding.create_allocation,
            update=funding.update_allocation,
            delete=funding.delete_allocation,
            restore=funding.restore,
            describe=lambda verb, saved: f"{verb} allocation {_to_or_of(verb)} {saved.action_title}",
            parent=self.parentWidget(),
        )


class SpendDialog(EditDialog):
    """Money spent on an action, charged to a funding source when known."""

    def __init__(
        self, env: UiEnv, action_id: uuid.UUID, action_title: str, spend: Spend | None, parent: QWidget
    ) -> None:
        super().__init__("Edit spend" if spend else "New spend", parent)
        self.is_new = spend is None
        self.env = env
        self.action_id = action_id
        self.spend = spend
        self.form.addRow("Action:", QLabel(action_title))
        self.spent_on = self.form.add_field("spent_on", "&Date spent:", DateField(optional=False))
        self.spent_on.set_value(env.services.context.today())
        self.amount = self.form.add_field("amount_pence", "&Amount:", MoneyField())
        self.source = self.form.add_field(
            "funding_source_id", "Charged to &source:", _source_combo(env, "(not charged to a source)")
        )
        self.note = self.form.add_field("note", "&Note:", QLineEdit())
        # Said while typing, before saving: how this spend leaves the action against its budget.
        self.budget_note = QLabel()
        self.budget_note.setObjectName("budgetNote")
        self.budget_note.setWordWrap(True)
        self.form.addRow(self.budget_note)
        try:
            self._line: BudgetLine | None = env.services.funding.budget_line(action_id)
        except LocalityError:  # the note is a hint: without the figures (action deleted, file busy) it still works
            self._line = None
        self.amount.textChanged.connect(lambda _text: self._show_budget_note())
        self.finish_layout()
        if spend is not None:
            self.load(spend)
        self._show_budget_note()
        self.amount.setFocus()

    def _show_budget_note(self) -> None:
        line = self._line
        limit = None if line is None else line.budget_pence if line.budget_pence is not None else line.allocated_pence
        try:
            amount = self.amount.pence() or 0
        except ValidationError:  # not a sum of money yet: the error is shown beside the field on saving
            amount = 0
        if line is None or not limit:
            self.budget_note.setText("")
            return
        others = line.spent_pence - (self.spend.amount_pence if self.spend is not None else 0)
        total = others + amount
        what = "budget" if line.budget_pence is not None else "allocations"
        if total > limit:
            set_tone(self.budget_note, "error")
            self.budget_note.setText(
                f"This takes spend on the action to {format_money(total)} against {format_money(limit)} of "
                f"{what}: {format_money(total - limit)} over. It can still be saved; the action will show as "
                "overspent."
            )
        else:
            set_tone(self.budget_note, "muted")
            self.budget_note.setText(
                f"Spend on the action would be {format_money(total)} of {format_money(limit)} {what} "
                f"({format_money(limit - total)} left)."
            )

    def load(self, record: Any) -> None:
        spend: Spend = record
        self.spend = spend
        self.spent_on.set_value(spend.spent_on)
        self.amount.set_pence(spend.amount_pence)
        select_data(self.source, spend.funding_source_id)
        self.note.setText(spend.note)

    def save(self) -> Spend:
        funding = self.env.services.funding
        draft = SpendDraft(
            self.action_id, self.spent_on.value(), _amount(self.amount), self.source.currentData(), self.note.text()
        )
        return save_with_undo(
            self.env.undo_stack,
            self.spend,
            draft,
            create=funding.create_spend,
            update=funding.update_spend,
            delete=funding.delete_spend,
            restore=funding.restore,
            describe=lambda verb, saved: f"{verb} spend {_to_or_of(verb)} {saved.action_title}",
            parent=self.parentWidget(),
        )
