"""The funding page: spend against budget for every action, totals per funding source, what each partner puts
in, and the allocations and spend entries of the selected action (added, changed and deleted here). The parts are
in ``ui/funding/``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QLabel, QSplitter, QTableWidget, QTabWidget, QVBoxLayout, QWidget

from locality.domain.entities import Entity
from locality.domain.funding import FundingSourceChoice
from locality.services.funding import BudgetLine, PartnerContribution, SourceTotals, budget_totals
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.funding.budget_list import BudgetList
from locality.ui.funding.entries import ActionEntries
from locality.ui.funding.partners import PartnersTab
from locality.ui.funding.sources import SourcesTab
from locality.ui.funding.tables import CELL_PADDING, MONEY_COLUMN_MIN, OVERSPENT_COLOUR, cell
from locality.ui.funding.wording import totals_cells
from locality.ui.page import Page

SLOW_LOAD_SECONDS = 0.1
BACKGROUND_ACTIONS = 3000


@dataclass(frozen=True)
class _Loaded:
    sources: list[SourceTotals]
    partners: list[PartnerContribution]


class FundingPage(Page):
    title = "Funding"
    watches = frozenset(
        {
            Entity.FUNDING_ALLOCATION,
            Entity.SPEND,
            Entity.ACTION,
            Entity.ACTION_PARTNER,
            Entity.ORGANISATION,
            Entity.FUNDING_SOURCE,
        }
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.loader.stale = True  # the sources' and partners' figures load when the page is first shown
        self._selected: uuid.UUID | None = None
        self._selecting = False  # select_action is choosing the row and shows the action itself, once

        layout = QVBoxLayout(self)
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("fundingTabs")
        self.tabs.setAccessibleName("Funding views")
        layout.addWidget(self.tabs, 1)
        self.entries = ActionEntries(env, self.after_edit)
        self.sources = SourcesTab(self._filter_by_source)
        self.partners = PartnersTab(env)
        self.tabs.addTab(self._budget_tab(), "Spend against &budget")
        self.tabs.addTab(self.sources, "Funding &sources")
        self.tabs.addTab(self.partners, "&Partner contributions")

    # ------------------------------------------------------------------ building

    def _budget_tab(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Vertical)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.setSpacing(0)
        self.budget = BudgetList(self.env, self)
        self.budget_model = self.budget.model
        self.budget_table = self.budget.table
        self.count_label = self.budget.count_label
        self.overspent_filter = self.budget.overspent_filter
        self.source_filter = self.budget.source_filter
        self.organisation_filter = self.budget.organisation_filter
        self.budget_table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        upper_layout.addWidget(self.budget, 1)
        columns = self.budget_model.columns

        self.totals_table = QTableWidget(1, len(columns))
        self.totals_table.setObjectName("budgetTotals")
        self.totals_table.setAccessibleName("Totals of the actions shown")
        self.totals_table.horizontalHeader().hide()
        self.totals_table.verticalHeader().hide()
        self.totals_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # "Total of 2,000 actions" spans the title, lead and status columns; "155 overspent" spans the last two,
        # so neither is cut short.
        self.totals_table.setSpan(0, 0, 1, 3)
        self.totals_table.setSpan(0, len(columns) - 2, 1, 2)
        self.totals_table.setFixedHeight(self.totals_table.verticalHeader().defaultSectionSize() + 4)
        self.totals_table.setProperty("totals", True)  # its shade is in the style sheets (high contrast too)
        for number, column in enumerate(columns):
            self.totals_table.setColumnWidth(number, column.width)
        header = self.budget_table.horizontalHeader()
        header.sectionResized.connect(lambda index, _old, new: self.totals_table.setColumnWidth(index, new))
        self.budget_table.horizontalScrollBar().valueChanged.connect(self.totals_table.horizontalScrollBar().setValue)
        upper_layout.addWidget(self.totals_table)
        splitter.addWidget(upper)
        splitter.addWidget(self.entries)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.budget.filtered.connect(self._budget_filtered)
        tab = QWidget()
        QVBoxLayout(tab).addWidget(splitter, 1)
        return tab

    @property
    def loading(self) -> bool:
        return self.loader.busy or self.budget.loading

    def refresh_when_shown(self) -> None:
        """The budget list and the other tabs' figures alike: now if on screen, otherwise when next shown."""
        self.budget.forget_funded()
        self.budget.loader.refresh_when_shown()
        self.loader.refresh_when_shown()

    def _load(self) -> _Loaded:
        funding = self.services.funding
        return _Loaded(funding.totals_by_source(), funding.partner_contributions())

    def refresh(self) -> None:
        """Reloads the funding sources' and partners' figures (the budget list loads itself): at once when that
        was quick last time, otherwise on a worker thread (20,000 actions take longer than the window may freeze
        for)."""
        self.partners.refill()
        last = self.loader.last_seconds
        slow = last > SLOW_LOAD_SECONDS or (
            last == 0 and self.services.workspace.count(Entity.ACTION) > BACKGROUND_ACTIONS
        )
        if not slow:
            self.loader.run_now(self._load, self._show, lambda error: show_error(self, error))
            return
        self.loader.start(self._load, self._show, lambda error: show_error(self, error))

    def _show(self, loaded: _Loaded) -> None:
        self.sources.show_totals(loaded.sources)
        self.partners.show_totals(loaded.partners)

    # ------------------------------------------------------------------ spend against budget

    def set_filter(self, key: str, value: Any) -> None:
        """``overspent`` (bool), ``source`` (a ``FundingSourceChoice``: a source id or ``NO_FUNDING_SOURCE``) or
        ``organisation`` (a lead organisation id); None clears a picker."""
        if key == "overspent":
            self.overspent_filter.setChecked(bool(value))
            return
        self.budget.set_filter(key, value)

    def visible_lines(self) -> list[BudgetLine]:
        return self.budget_model.all_rows()

    def apply_filters(self) -> None:
        self.budget.apply_filters()

    def _budget_filtered(self, lines: list[BudgetLine]) -> None:
        self._show_totals(lines)
        if self._selected is None or not self.select_action(self._selected):
            self._selected = None
            self._show_action(None)

    def _show_totals(self, lines: list[BudgetLine]) -> None:
        totals = budget_totals(lines)
        cells = totals_cells(totals)
        for number, text in enumerate(cells):
            red = number == len(cells) - 2 and totals.overspent > 0
            item = cell(text, right=3 <= number <= 6, bold=True, colour=OVERSPENT_COLOUR if red else None)
            self.totals_table.setItem(0, number, item)
        # Money columns as wide as the widest total in bold ("£103,599,500.00"), not a fixed guess that cut it.
        bold = QFont(self.totals_table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        header = self.budget_table.horizontalHeader()
        for number in range(3, 7):
            needed = max(metrics.horizontalAdvance(cells[number]), header.sectionSizeHint(number)) + CELL_PADDING
            self.budget_table.setColumnWidth(number, max(needed, MONEY_COLUMN_MIN))

    def totals_texts(self) -> list[str]:
        items = [self.totals_table.item(0, number) for number in range(self.totals_table.columnCount())]
        return [item.text() if item is not None else "" for item in items]

    def select_action(self, action_id: uuid.UUID) -> bool:
        number = self.budget_model.index_where(lambda line: line.action_id == action_id)
        if number is None:
            return False
        self._selecting = True
        try:
            self.budget_table.selectRow(number)
        finally:
            self._selecting = False
        self.budget_table.scrollTo(self.budget_model.index(number, 0))
        self._selected = action_id
        self._show_action(action_id)  # even when the row was selected already: its figures may have changed
        return True

    def _selection_changed(self) -> None:
        if self._selecting:
            return
        rows = self.budget_table.selectionModel().selectedRows()
        if not rows:
            return
        line = self.budget_model.row_at(rows[0].row())
        if line.action_id != self._selected or self.entries.funding is None:
            self._selected = line.action_id
            self._show_action(line.action_id)

    def open_selected_action(self) -> None:
        if self._selected is not None:
            open_action(self.env, self._selected, self)

    def _show_action(self, action_id: uuid.UUID | None) -> None:
        if not self.entries.show_action(action_id):
            self._selected = None

    def after_edit(self) -> None:
        """Money changed: the figures are read again (the change notice may not reach a page outside a window)."""
        self.refresh_when_shown()

    # ------------------------------------------------------------------ funding sources

    def clear_filters(self) -> None:
        """Every action, on the first tab: how the dashboard's budget and spend figures open this page."""
        for key in ("overspent", "source", "organisation"):
            self.set_filter(key, None)
        self.tabs.setCurrentIndex(0)

    def show_source(self, source: FundingSourceChoice) -> None:
        """The "Funding sources" tab with ``source``'s line selected (a source id, or ``NO_FUNDING_SOURCE`` for
        spend charged to no source): what it allocated, what was spent from it and what is left, as the dashboard
        charts it."""
        self.tabs.setCurrentIndex(1)
        self.sources.select_source(source)

    def _filter_by_source(self, source: FundingSourceChoice) -> None:
        self.set_filter("source", source)
        self.tabs.setCurrentIndex(0)
