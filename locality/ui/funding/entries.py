"""The selected action's money: its allocations and spend entries, added, changed and deleted here."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError
from locality.domain.values import format_date, format_money
from locality.services.funding import ActionFunding, Allocation, Spend
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.funding.dialogs import AllocationDialog, SpendDialog
from locality.ui.funding.tables import cell, read_only_table
from locality.ui.funding.wording import action_money_text
from locality.ui.style import alarm_colour
from locality.ui.undo import push_deleted

NO_ACTION_TEXT = (
    "Select an action in the table above to see its allocations and spend entries, and to add, change or delete them."
)


class ActionEntries(QStackedWidget):
    """A sentence when no action is chosen (or it could not be read); otherwise the action's figures and its two
    tables of entries. ``changed`` is called after an entry is added, changed or deleted."""

    def __init__(self, env: UiEnv, changed: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.services = env.services
        self._changed = changed
        self.funding: ActionFunding | None = None
        self.no_action_label = QLabel(NO_ACTION_TEXT)
        self.no_action_label.setObjectName("noActionLabel")
        self.no_action_label.setWordWrap(True)
        self.no_action_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.no_action_label)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 4, 0, 0)
        self.action_label = QLabel()
        self.action_label.setObjectName("actionMoneyLabel")
        self.action_label.setWordWrap(True)
        layout.addWidget(self.action_label)
        row = QHBoxLayout()
        self.allocations_table = read_only_table(
            "allocationsTable", ["Funding source", "Amount", "Note"], [200, 110, 150]
        )
        self.spend_table = read_only_table("spendTable", ["Date", "Amount", "Charged to", "Note"], [90, 110, 170, 150])
        self.allocation_buttons = self._group(row, "Allocations", self.allocations_table, "allocation")
        self.spend_buttons = self._group(row, "Spend entries", self.spend_table, "spend")
        layout.addLayout(row, 1)
        self.addWidget(panel)

    def _group(self, row: QHBoxLayout, title: str, table: QTableWidget, kind: str) -> list[QPushButton]:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(table, 1)
        empty = QLabel()
        empty.setObjectName(f"{kind}Empty")
        empty.setWordWrap(True)
        layout.addWidget(empty)
        table.setProperty("emptyLabel", empty)
        buttons = QHBoxLayout()
        noun = "spend" if kind == "spend" else "allocation"
        add = QPushButton(f"Add {noun}…")
        add.setObjectName(f"add_{kind}")
        edit = QPushButton("Edit…")
        edit.setObjectName(f"edit_{kind}")
        delete = QPushButton("Delete")
        delete.setObjectName(f"delete_{kind}")
        add.clicked.connect(lambda: self.add_entry(kind))
        edit.clicked.connect(lambda: self.edit_entry(kind))
        delete.clicked.connect(lambda: self.delete_entry(kind))
        table.doubleClicked.connect(lambda _index: self.edit_entry(kind))
        table.itemSelectionChanged.connect(self._update_entry_buttons)
        buttons.addStretch(1)
        for button in (add, edit, delete):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        row.addWidget(box, 1)
        return [add, edit, delete]

    def _no_action(self, why: str) -> None:
        self.funding = None
        self.no_action_label.setText(why + NO_ACTION_TEXT)
        self.setCurrentIndex(0)

    def show_action(self, action_id: uuid.UUID | None) -> bool:
        """Shows ``action_id``'s money (None: the sentence asking for a choice); False if it could not be read."""
        if action_id is None:
            self.funding = None
            self.setCurrentIndex(0)
            return True
        try:
            funding = self.services.funding.action_funding(action_id)
        except NotFoundError:  # deleted meanwhile: say so in the pane rather than interrupt
            self._no_action("That action has been deleted. ")
            return False
        except Exception as error:  # anything else is not a deletion: shown (a bug logged) in one place
            self._no_action("")
            show_error(self, error, "Funding")
            return False
        self.funding = funding
        self.setCurrentIndex(1)
        self.action_label.setText(action_money_text(funding, alarm_colour().name()))
        self._fill(
            self.allocations_table,
            [[a.funding_source_name, format_money(a.amount_pence), a.note] for a in funding.allocations],
            "No allocations yet: press “Add allocation…” to record money set aside from a funding source.",
        )
        self._fill(
            self.spend_table,
            [
                [format_date(s.spent_on), format_money(s.amount_pence), s.funding_source_name or "—", s.note]
                for s in funding.spends
            ],
            "No spend yet: press “Add spend…” to record money spent on this action.",
        )
        self._update_entry_buttons()
        return True

    def _fill(self, table: QTableWidget, rows: list[list[str]], empty_text: str) -> None:
        table.setRowCount(len(rows))
        for number, cells in enumerate(rows):
            for column, text in enumerate(cells):
                table.setItem(number, column, cell(text, right=text.startswith(("£", "-£"))))
        empty: QLabel = table.property("emptyLabel")
        empty.setText(empty_text)
        empty.setVisible(not rows)
        table.setVisible(bool(rows))

    def _update_entry_buttons(self) -> None:
        # A partner's account on a server may record spend on its own actions only, and no allocations.
        rights = self.services.rights
        theirs = self.funding is not None and rights.may_change_action_id(self.funding.action_id)
        for table, buttons, allowed in (
            (self.allocations_table, self.allocation_buttons, rights.may_change(Entity.FUNDING_ALLOCATION)),
            (self.spend_table, self.spend_buttons, theirs),
        ):
            chosen = bool(table.selectedItems())
            buttons[0].setEnabled(allowed)
            buttons[1].setEnabled(chosen and allowed)
            buttons[2].setEnabled(chosen and allowed)
            for button in buttons:
                button.setToolTip("" if allowed else rights.reason)

    def _chosen(self, kind: str) -> Allocation | Spend | None:
        if self.funding is None:
            return None
        table = self.spend_table if kind == "spend" else self.allocations_table
        entries: Sequence[Allocation | Spend] = self.funding.spends if kind == "spend" else self.funding.allocations
        row = table.currentRow() if table.selectedItems() else -1
        return entries[row] if 0 <= row < len(entries) else None

    def add_entry(self, kind: str) -> None:
        self._edit(kind, None)

    def edit_entry(self, kind: str) -> None:
        entry = self._chosen(kind)
        if entry is not None:
            self._edit(kind, entry)

    def _edit(self, kind: str, entry: Allocation | Spend | None) -> None:
        if self.funding is None:
            return
        action_id, title = self.funding.action_id, self.funding.action_title
        dialog: EditDialog
        if kind == "spend":
            dialog = SpendDialog(self.env, action_id, title, entry if isinstance(entry, Spend) else None, self)
        else:
            allocation = entry if isinstance(entry, Allocation) else None
            dialog = AllocationDialog(self.env, action_id, title, allocation, self)
        if run_dialog(dialog) is not None:
            self._changed()

    def delete_entry(self, kind: str) -> None:
        entry = self._chosen(kind)
        if entry is None:
            return
        funding = self.services.funding
        noun = "spend entry" if kind == "spend" else "allocation"
        answer = QMessageBox.question(
            self,
            f"Delete {noun}",
            f"Delete the {noun} of {format_money(entry.amount_pence)} from “{entry.action_title}”?\n\n"
            "You can undo this with Edit › Undo.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        delete = funding.delete_spend if kind == "spend" else funding.delete_allocation
        try:
            deleted = delete([entry.id])
        except Exception as error:
            show_error(self, error, f"Delete {noun}")
            return
        push_deleted(self.env.undo_stack, f"delete {noun}", [entry.id], deleted, delete, funding.restore, self)
        self._changed()
