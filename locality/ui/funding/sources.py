"""The funding page's "Funding sources" tab: allocated, spent and left for each source, with a total."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from locality.domain.funding import FundingSourceChoice, choice_of
from locality.domain.values import format_money
from locality.services.funding import SourceTotals
from locality.ui.funding.tables import CELL_PADDING, cell, read_only_table
from locality.ui.style import alarm_colour


class SourcesTab(QWidget):
    """One line a funding source; double-clicking one calls ``filter_by`` with it."""

    def __init__(self, filter_by: Callable[[FundingSourceChoice], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filter_by = filter_by
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Money allocated to live actions from each funding source, what has been spent from it, and what "
            "is left. Spend not charged to any source is shown on its own line."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = read_only_table(
            "sourcesTable", ["Funding source", "Allocated", "Spent", "Remaining"], [260, 130, 130, 130]
        )
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Funding sources")
        self.table.itemDoubleClicked.connect(self._filter_by_source_row)
        layout.addWidget(self.table, 1)

    def show_totals(self, sources: list[SourceTotals]) -> None:
        table = self.table
        table.setRowCount(len(sources) + 1)
        for number, source in enumerate(sources):
            remaining = source.remaining_pence
            red = alarm_colour() if remaining < 0 else None
            name = cell(source.funding_source_name)
            name.setData(Qt.ItemDataRole.UserRole, choice_of(source.funding_source_id))
            table.setItem(number, 0, name)
            table.setItem(number, 1, cell(format_money(source.allocated_pence), right=True))
            table.setItem(number, 2, cell(format_money(source.spent_pence), right=True))
            table.setItem(number, 3, cell(format_money(remaining), right=True, colour=red))
        last = len(sources)
        table.setItem(last, 0, cell("Total", bold=True))
        table.setItem(last, 1, cell(format_money(sum(s.allocated_pence for s in sources)), right=True, bold=True))
        table.setItem(last, 2, cell(format_money(sum(s.spent_pence for s in sources)), right=True, bold=True))
        table.setItem(last, 3, cell(format_money(sum(s.remaining_pence for s in sources)), right=True, bold=True))
        # Each amount whole, the bold total included; the source's name takes the rest of the width.
        table.resizeColumnsToContents()
        for number in range(1, 4):
            table.setColumnWidth(number, table.columnWidth(number) + CELL_PADDING)
        table.setToolTip("Double-click a source to list the actions it funds")

    def select_source(self, source: FundingSourceChoice) -> None:
        """Selects ``source``'s line (a source id, or ``NO_FUNDING_SOURCE`` for spend charged to no source)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == source:
                self.table.selectRow(row)
                return

    def _filter_by_source_row(self, item: QTableWidgetItem) -> None:
        first = self.table.item(item.row(), 0)
        source = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        if source is None:
            return
        self._filter_by(source)
