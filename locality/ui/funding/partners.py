"""The funding page's "Partner contributions" tab: what each organisation puts into the live actions it is a
partner in, or one organisation's ledger action by action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from locality.domain.text import plural
from locality.domain.values import format_money
from locality.services.funding import PartnerContribution
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import find_data, refill_combo
from locality.ui.funding.tables import cell, read_only_table
from locality.ui.funding.wording import days_text
from locality.ui.pickers import organisation_choices


class PartnersTab(QWidget):
    """Totals per organisation, or the chosen organisation's contribution to each action."""

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.services = env.services
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("&Organisation:"))
        self.picker = QComboBox()
        self.picker.setObjectName("partnerPicker")
        self.picker.setAccessibleName("Organisation whose contributions are shown")
        bar.itemAt(0).widget().setBuddy(self.picker)  # type: ignore[union-attr]
        self.picker.currentIndexChanged.connect(lambda _index: self.show_partners())
        bar.addWidget(self.picker, 1)
        layout.addLayout(bar)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = read_only_table("partnersTable", ["", "", "", "", ""], [360, 80, 130, 100, 300])
        self.table.setAccessibleName("Partner contributions")
        self.table.itemDoubleClicked.connect(self._open_partner_row)
        layout.addWidget(self.table, 1)
        self._partners: list[PartnerContribution] = []
        # Totals that came while the tab was hidden are laid out when it is shown: a large partnership's 200
        # organisations take the window a tenth of a second, better not spent on a tab nobody is looking at.
        self._stale = False

    def refill(self) -> None:
        """The organisations to choose from, read again."""
        refill_combo(self.picker, "All partners (totals per organisation)", organisation_choices(self.env))

    def show_totals(self, partners: list[PartnerContribution]) -> None:
        self._partners = partners
        self.show_partners()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.show_partners()

    def show_partners(self) -> None:
        if not self.isVisible():
            self._stale = True
            return
        organisation = self.picker.currentData()
        table = self.table
        if organisation is None:
            self.intro.setText(
                "What each organisation puts into the live actions it is a partner in. Choose an organisation "
                "above (or double-click one) to see its ledger action by action."
            )
            table.setHorizontalHeaderLabels(["Organisation", "Actions", "Cash", "Staff days", "In kind"])
            rows = self._partners
            table.setRowCount(len(rows) + 1)
            for number, partner in enumerate(rows):
                organisation_item = cell(partner.organisation_name)
                organisation_item.setData(Qt.ItemDataRole.UserRole, partner.organisation_id)
                table.setItem(number, 0, organisation_item)
                table.setItem(number, 1, cell(f"{partner.actions_count:,}", right=True))
                table.setItem(number, 2, cell(format_money(partner.cash_pence), right=True))
                table.setItem(number, 3, cell(days_text(partner.staff_days), right=True))
                described = "; ".join(f"{k.description} ({k.action_title})" for k in partner.in_kind)
                in_kind = cell(described)
                in_kind.setToolTip(described)
                table.setItem(number, 4, in_kind)
            self._totals_row(
                len(rows),
                "Total of every partner",
                sum(p.actions_count for p in rows),
                sum(p.cash_pence for p in rows),
                sum(p.staff_days for p in rows),
                sum(len(p.in_kind) for p in rows),
            )
            return
        name = self.picker.currentText()
        try:
            entries = self.services.funding.partner_ledger(organisation)
        except Exception as error:
            show_error(self, error)
            return
        table.setHorizontalHeaderLabels(["Action", "Actions", "Cash", "Staff days", "In kind"])
        if not entries:
            self.intro.setText(
                f"{name} is not a partner in any live action yet. Add it as a partner on an action (Actions page, "
                "Partners tab) to record what it contributes."
            )
        else:
            self.intro.setText(f"What {name} puts into each action it is a partner in (double-click to open).")
        table.setRowCount(len(entries) + 1)
        for number, entry in enumerate(entries):
            title = cell(entry.action_title)
            title.setData(Qt.ItemDataRole.UserRole, entry.action_id)
            table.setItem(number, 0, title)
            table.setItem(number, 1, cell(""))
            table.setItem(number, 2, cell(format_money(entry.cash_pence), right=True))
            table.setItem(number, 3, cell(days_text(entry.staff_days), right=True))
            table.setItem(number, 4, cell(entry.in_kind))
        self._totals_row(
            len(entries),
            f"Total for {name}",
            len(entries),
            sum(e.cash_pence for e in entries),
            sum(e.staff_days for e in entries),
            sum(1 for e in entries if e.in_kind),
        )

    def _totals_row(self, row: int, label: str, actions: int, cash: int, days: float, in_kind: int) -> None:
        table = self.table
        table.setItem(row, 0, cell(label, bold=True))
        table.setItem(row, 1, cell(f"{actions:,}", right=True, bold=True))
        table.setItem(row, 2, cell(format_money(cash), right=True, bold=True))
        table.setItem(row, 3, cell(days_text(days), right=True, bold=True))
        table.setItem(row, 4, cell(plural(in_kind, "in-kind contribution"), bold=True))

    def _open_partner_row(self, item: QTableWidgetItem) -> None:
        first = self.table.item(item.row(), 0)
        target = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        if target is None:
            return
        if self.picker.currentData() is None:
            self.picker.setCurrentIndex(max(find_data(self.picker, target), 0))
        else:
            open_action(self.env, target, self)

    def totals_texts(self) -> list[str]:
        last = self.table.rowCount() - 1
        items = [self.table.item(last, column) for column in range(self.table.columnCount())]
        return [item.text() if item is not None else "" for item in items]
