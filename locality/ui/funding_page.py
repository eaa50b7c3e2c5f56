"""The funding page: spend against budget for every action, totals per funding source, what each partner puts
in, and the allocations and spend entries of the selected action (added, changed and deleted here)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import LocalityError, NotFoundError, ValidationError
from locality.domain.funding import NO_FUNDING_SOURCE, FundingSourceChoice, choice_of, source_id_of
from locality.domain.text import plural
from locality.domain.values import format_date, format_money
from locality.services.funding import (
    ActionFunding,
    Allocation,
    AllocationDraft,
    BudgetLine,
    PartnerContribution,
    SourceTotals,
    Spend,
    SpendDraft,
    budget_totals,
)
from locality.ui.action_dialog import open_action
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import DateField, MoneyField, find_data, refill_combo, select_data
from locality.ui.list_page import ListPage
from locality.ui.loader import BackgroundLoader
from locality.ui.page import Page
from locality.ui.pickers import organisation_choices
from locality.ui.table_model import Column, money_column
from locality.ui.undo import push_deleted, save_with_undo

OVERSPENT = "Overspent"
OVERSPENT_COLOUR = QColor("#b00020")
SLOW_LOAD_SECONDS = 0.1
BACKGROUND_ACTIONS = 3000


def _days(days: float) -> str:
    return f"{days:,.1f}".removesuffix(".0")


def _percent(value: int | None) -> str:
    return f"{value}%" if value is not None else ""


def _position(line: BudgetLine) -> str:
    if line.overspent:
        return OVERSPENT
    if line.budget_pence is None:
        return "No budget" if line.allocated_pence == 0 and line.spent_pence == 0 else "Against allocations"
    return "Within budget"


def _red_if_overspent(line: BudgetLine) -> QColor | None:
    return OVERSPENT_COLOUR if line.overspent else None


#: Room beside a cell's text for its margins, so a figure is never cut to "£103,599,500.…".
CELL_PADDING = 16
MONEY_COLUMN_MIN = 96


def _item(text: str, *, right: bool = False, bold: bool = False, colour: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if bold:
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
    if colour is not None:
        item.setForeground(QBrush(colour))
    return item


def _table(name: str, headers: Sequence[str], widths: Sequence[int]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    for number, width in enumerate(widths):
        table.setColumnWidth(number, width)
    return table


# --------------------------------------------------------------------------- dialogs


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
            self.budget_note.setStyleSheet("color: #b00020;")
            self.budget_note.setText(
                f"This takes spend on the action to {format_money(total)} against {format_money(limit)} of "
                f"{what}: {format_money(total - limit)} over. It can still be saved; the action will show as "
                "overspent."
            )
        else:
            self.budget_note.setStyleSheet("color: #455a64;")
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


# --------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class _Loaded:
    sources: list[SourceTotals]
    partners: list[PartnerContribution]


class BudgetList(ListPage[BudgetLine]):
    """Spend against budget, one line an action: the funding page's first tab, a list like the other pages'."""

    title = "Spend against budget"
    noun = "action"
    plural = "actions"
    show_heading = False
    searchable = False
    editable = False
    table_name = "budgetTable"
    # The action's title takes the room the figures leave, so every figure is on screen without scrolling
    # sideways on a 1366-pixel laptop, and the totals line up under their columns.
    stretch_column = 0
    word_wrap = False
    selection_mode = QAbstractItemView.SelectionMode.SingleSelection

    #: The lines shown after every filter pass (the page totals them and keeps the chosen action in view).
    filtered = Signal(list)

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.overspent_filter = QCheckBox("&Overspent only")
        self.overspent_filter.setObjectName("overspentFilter")
        self.overspent_filter.toggled.connect(lambda _on: self.apply_filters())
        self.filter_bar.addWidget(self.overspent_filter)
        self.source_filter = self.add_filter("source", "Funding source", self._source_choices)
        self.organisation_filter = self.add_filter(
            "organisation", "Lead organisation", lambda: organisation_choices(env)
        )
        self.source_filter.setProperty("allLabel", "All funding sources")
        self.organisation_filter.setProperty("allLabel", "All lead organisations")
        self._fill_filter("source")
        self._fill_filter("organisation")
        # The count beside the filters, as on the other tabs: the totals line sits right under the table.
        self.filter_bar.addWidget(self.count_label, 1)
        self._funded: set[uuid.UUID] | None = None

    def _source_choices(self) -> list[tuple[str, FundingSourceChoice]]:
        sources: list[tuple[str, FundingSourceChoice]] = [
            (source.name, source.id) for source in self.services.vocabulary.funding_sources()
        ]
        sources.append(("Spend charged to no source", NO_FUNDING_SOURCE))
        return sources

    def columns(self) -> Sequence[Column[BudgetLine]]:
        return [
            Column("Action", lambda b: b.action_title, width=300, tooltip=lambda b: b.action_title),
            Column("Lead", lambda b: b.lead_organisation_name, width=140, tooltip=lambda b: b.lead_organisation_name),
            Column("Status", lambda b: b.status.value, width=84),
            money_column("Budget", lambda b: b.budget_pence, width=140),
            money_column("Allocated", lambda b: b.allocated_pence, width=140),
            money_column("Spent", lambda b: b.spent_pence, foreground=_red_if_overspent, width=140),
            money_column("Remaining", lambda b: b.remaining_pence, foreground=_red_if_overspent, width=140),
            Column(
                "% spent",
                lambda b: _percent(b.percent_spent),
                sort_key=lambda b: b.percent_spent,
                align_right=True,
                foreground=_red_if_overspent,
                width=70,
            ),
            Column(
                "Position",
                _position,
                foreground=_red_if_overspent,
                tooltip=lambda b: (
                    "Spent more than the budget (or, without a budget, than the allocations)" if b.overspent else ""
                ),
                width=110,
            ),
        ]

    def expected_rows(self) -> int:
        return self.services.workspace.count(Entity.ACTION)

    def _fit_columns(self) -> None:
        """The title stretches and the money columns are as wide as their totals (see ``FundingPage``), so the
        columns' given widths stand."""

    def load_rows(self) -> list[BudgetLine]:
        return self.services.funding.spend_against_budget()

    def search_text(self, row: BudgetLine) -> str:
        return f"{row.action_title} {row.lead_organisation_name or ''}".casefold()

    def _actions_funded_by(self, source: FundingSourceChoice) -> set[uuid.UUID]:
        return self.services.funding.actions_funded_by(source_id_of(source))

    def forget_funded(self) -> None:
        """Allocations changed: which actions a source funds is worked out again."""
        self._lookups.pop("source", None)

    def prepare_filters(self) -> None:
        try:
            self._funded = self.looked_up("source", self._actions_funded_by)
        except LocalityError as error:
            show_error(self, error)
            self._funded = None

    def matches(self, row: BudgetLine) -> bool:
        organisation = self.filter_value("organisation")
        return (
            (not self.overspent_filter.isChecked() or row.overspent)
            and (organisation is None or row.lead_organisation_id == organisation)
            and (self._funded is None or row.action_id in self._funded)
        )

    def apply_filters(self) -> None:
        if not hasattr(self, "overspent_filter"):
            return  # still being built: the pickers are filled before the overspent box exists
        super().apply_filters()
        self.filtered.emit(self.model.all_rows())

    def open_editor(self, row: BudgetLine | None) -> None:
        if row is not None:
            open_action(self.env, row.action_id, self)

    def delete_rows(self, rows: list[BudgetLine]) -> None:  # pragma: no cover - not editable
        raise NotImplementedError


NO_ACTION_TEXT = (
    "Select an action in the table above to see its allocations and spend entries, and to add, change or delete them."
)


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
        self.loader = BackgroundLoader(self, self.refresh)
        self._selected: uuid.UUID | None = None
        self._selecting = False  # select_action is choosing the row and shows the action itself, once
        self.funding: ActionFunding | None = None

        layout = QVBoxLayout(self)
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("fundingTabs")
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._budget_tab(), "Spend against &budget")
        self.tabs.addTab(self._sources_tab(), "Funding &sources")
        self.tabs.addTab(self._partners_tab(), "&Partner contributions")

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
        self.totals_table.setStyleSheet("QTableWidget { background: #eef3f2; }")
        for number, column in enumerate(columns):
            self.totals_table.setColumnWidth(number, column.width)
        header = self.budget_table.horizontalHeader()
        header.sectionResized.connect(lambda index, _old, new: self.totals_table.setColumnWidth(index, new))
        self.budget_table.horizontalScrollBar().valueChanged.connect(self.totals_table.horizontalScrollBar().setValue)
        upper_layout.addWidget(self.totals_table)
        splitter.addWidget(upper)
        splitter.addWidget(self._action_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.budget.filtered.connect(self._budget_filtered)
        tab = QWidget()
        QVBoxLayout(tab).addWidget(splitter, 1)
        return tab

    def _action_panel(self) -> QWidget:
        self.action_stack = QStackedWidget()
        self.no_action_label = QLabel(NO_ACTION_TEXT)
        self.no_action_label.setObjectName("noActionLabel")
        self.no_action_label.setWordWrap(True)
        self.no_action_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.action_stack.addWidget(self.no_action_label)
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 4, 0, 0)
        self.action_label = QLabel()
        self.action_label.setObjectName("actionMoneyLabel")
        self.action_label.setWordWrap(True)
        layout.addWidget(self.action_label)
        row = QHBoxLayout()
        self.allocations_table = _table("allocationsTable", ["Funding source", "Amount", "Note"], [200, 110, 150])
        self.spend_table = _table("spendTable", ["Date", "Amount", "Charged to", "Note"], [90, 110, 170, 150])
        self.allocation_buttons = self._group(row, "Allocations", self.allocations_table, "allocation")
        self.spend_buttons = self._group(row, "Spend entries", self.spend_table, "spend")
        layout.addLayout(row, 1)
        self.action_stack.addWidget(panel)
        return self.action_stack

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

    def _sources_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        intro = QLabel(
            "Money allocated to live actions from each funding source, what has been spent from it, and what "
            "is left. Spend not charged to any source is shown on its own line."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.sources_table = _table(
            "sourcesTable", ["Funding source", "Allocated", "Spent", "Remaining"], [260, 130, 130, 130]
        )
        self.sources_table.horizontalHeader().setStretchLastSection(False)
        self.sources_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sources_table.itemDoubleClicked.connect(self._filter_by_source_row)
        layout.addWidget(self.sources_table, 1)
        return tab

    def _partners_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("&Organisation:"))
        self.partner_picker = QComboBox()
        self.partner_picker.setObjectName("partnerPicker")
        self.partner_picker.setAccessibleName("Organisation whose contributions are shown")
        bar.itemAt(0).widget().setBuddy(self.partner_picker)  # type: ignore[union-attr]
        self.partner_picker.currentIndexChanged.connect(lambda _index: self.show_partners())
        bar.addWidget(self.partner_picker, 1)
        layout.addLayout(bar)
        self.partners_intro = QLabel()
        self.partners_intro.setWordWrap(True)
        layout.addWidget(self.partners_intro)
        self.partners_table = _table("partnersTable", ["", "", "", "", ""], [360, 80, 130, 100, 300])
        self.partners_table.itemDoubleClicked.connect(self._open_partner_row)
        layout.addWidget(self.partners_table, 1)
        self._partners: list[PartnerContribution] = []
        return tab

    # ------------------------------------------------------------------ loading

    @property
    def loading(self) -> bool:
        return self.loader.busy or self.budget.loading

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.loader.shown()

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
        refill_combo(self.partner_picker, "All partners (totals per organisation)", organisation_choices(self.env))
        last = self.loader.last_seconds
        slow = last > SLOW_LOAD_SECONDS or (
            last == 0 and self.services.workspace.count(Entity.ACTION) > BACKGROUND_ACTIONS
        )
        if not slow:
            self.loader.run_now(self._load, self._show, lambda error: show_error(self, error))
            return
        self.loader.start(self._load, self._show, lambda error: show_error(self, error))

    def _show(self, loaded: _Loaded) -> None:
        self._show_sources(loaded.sources)
        self._partners = loaded.partners
        self.show_partners()

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
        overspent = f"{totals.overspent:,} {OVERSPENT.lower()}" if totals.overspent else "None overspent"
        cells = [
            f"Total of {plural(totals.actions, 'action')}",
            "",
            "",
            format_money(totals.budget_pence),
            format_money(totals.allocated_pence),
            format_money(totals.spent_pence),
            format_money(totals.remaining_pence),
            overspent,
            "",
        ]
        for number, text in enumerate(cells):
            red = number == len(cells) - 2 and totals.overspent > 0
            item = _item(text, right=3 <= number <= 6, bold=True, colour=OVERSPENT_COLOUR if red else None)
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
        if line.action_id != self._selected or self.funding is None:
            self._selected = line.action_id
            self._show_action(line.action_id)

    def open_selected_action(self) -> None:
        if self._selected is not None:
            open_action(self.env, self._selected, self)

    def _no_action(self, why: str) -> None:
        self.funding = None
        self._selected = None
        self.no_action_label.setText(why + NO_ACTION_TEXT)
        self.action_stack.setCurrentIndex(0)

    def _show_action(self, action_id: uuid.UUID | None) -> None:
        if action_id is None:
            self.funding = None
            self.action_stack.setCurrentIndex(0)
            return
        try:
            funding = self.services.funding.action_funding(action_id)
        except NotFoundError:  # deleted meanwhile: say so in the pane rather than interrupt
            self._no_action("That action has been deleted. ")
            return
        except Exception as error:  # anything else is not a deletion: shown (a bug logged) in one place
            self._no_action("")
            show_error(self, error, "Funding")
            return
        self.funding = funding
        self.action_stack.setCurrentIndex(1)
        budget = format_money(funding.budget_pence) if funding.budget_pence is not None else "no budget"
        state = (
            f' <span style="color:#b00020; font-weight:600">{OVERSPENT} by {format_money(-funding.remaining_pence)}'
            "</span>"
            if funding.overspent
            else f" — {format_money(funding.remaining_pence)} remaining"
        )
        self.action_label.setText(
            f"<b>{_html(funding.action_title)}</b>: budget {budget}, allocated {format_money(funding.allocated_pence)}"
            f", spent {format_money(funding.spent_pence)}{state}"
        )
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

    def _fill(self, table: QTableWidget, rows: list[list[str]], empty_text: str) -> None:
        table.setRowCount(len(rows))
        for number, cells in enumerate(rows):
            for column, text in enumerate(cells):
                table.setItem(number, column, _item(text, right=text.startswith(("£", "-£"))))
        empty: QLabel = table.property("emptyLabel")
        empty.setText(empty_text)
        empty.setVisible(not rows)
        table.setVisible(bool(rows))

    def _update_entry_buttons(self) -> None:
        for table, buttons in (
            (self.allocations_table, self.allocation_buttons),
            (self.spend_table, self.spend_buttons),
        ):
            chosen = bool(table.selectedItems())
            buttons[1].setEnabled(chosen)
            buttons[2].setEnabled(chosen)

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
            self.after_edit()

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
        self.after_edit()

    def after_edit(self) -> None:
        """Money changed: the figures are read again (the change notice may not reach a page outside a window)."""
        self.refresh_when_shown()

    # ------------------------------------------------------------------ funding sources

    def _show_sources(self, sources: list[SourceTotals]) -> None:
        table = self.sources_table
        table.setRowCount(len(sources) + 1)
        for number, source in enumerate(sources):
            remaining = source.remaining_pence
            red = OVERSPENT_COLOUR if remaining < 0 else None
            name = _item(source.funding_source_name)
            name.setData(Qt.ItemDataRole.UserRole, choice_of(source.funding_source_id))
            table.setItem(number, 0, name)
            table.setItem(number, 1, _item(format_money(source.allocated_pence), right=True))
            table.setItem(number, 2, _item(format_money(source.spent_pence), right=True))
            table.setItem(number, 3, _item(format_money(remaining), right=True, colour=red))
        last = len(sources)
        table.setItem(last, 0, _item("Total", bold=True))
        table.setItem(last, 1, _item(format_money(sum(s.allocated_pence for s in sources)), right=True, bold=True))
        table.setItem(last, 2, _item(format_money(sum(s.spent_pence for s in sources)), right=True, bold=True))
        table.setItem(last, 3, _item(format_money(sum(s.remaining_pence for s in sources)), right=True, bold=True))
        # Each amount whole, the bold total included; the source's name takes the rest of the width.
        table.resizeColumnsToContents()
        for number in range(1, 4):
            table.setColumnWidth(number, table.columnWidth(number) + CELL_PADDING)
        table.setToolTip("Double-click a source to list the actions it funds")

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
        for row in range(self.sources_table.rowCount()):
            item = self.sources_table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == source:
                self.sources_table.selectRow(row)
                return

    def _filter_by_source_row(self, item: QTableWidgetItem) -> None:
        first = self.sources_table.item(item.row(), 0)
        source = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        if source is None:
            return
        self.set_filter("source", source)
        self.tabs.setCurrentIndex(0)

    # ------------------------------------------------------------------ partner contributions

    def show_partners(self) -> None:
        organisation = self.partner_picker.currentData()
        table = self.partners_table
        if organisation is None:
            self.partners_intro.setText(
                "What each organisation puts into the live actions it is a partner in. Choose an organisation "
                "above (or double-click one) to see its ledger action by action."
            )
            table.setHorizontalHeaderLabels(["Organisation", "Actions", "Cash", "Staff days", "In kind"])
            rows = self._partners
            table.setRowCount(len(rows) + 1)
            for number, partner in enumerate(rows):
                organisation_item = _item(partner.organisation_name)
                organisation_item.setData(Qt.ItemDataRole.UserRole, partner.organisation_id)
                table.setItem(number, 0, organisation_item)
                table.setItem(number, 1, _item(f"{partner.actions_count:,}", right=True))
                table.setItem(number, 2, _item(format_money(partner.cash_pence), right=True))
                table.setItem(number, 3, _item(_days(partner.staff_days), right=True))
                described = "; ".join(f"{k.description} ({k.action_title})" for k in partner.in_kind)
                in_kind = _item(described)
                in_kind.setToolTip(described)
                table.setItem(number, 4, in_kind)
            self._partner_totals(
                len(rows),
                "Total of every partner",
                sum(p.actions_count for p in rows),
                sum(p.cash_pence for p in rows),
                sum(p.staff_days for p in rows),
                sum(len(p.in_kind) for p in rows),
            )
            return
        name = self.partner_picker.currentText()
        try:
            entries = self.services.funding.partner_ledger(organisation)
        except Exception as error:
            show_error(self, error)
            return
        table.setHorizontalHeaderLabels(["Action", "Actions", "Cash", "Staff days", "In kind"])
        if not entries:
            self.partners_intro.setText(
                f"{name} is not a partner in any live action yet. Add it as a partner on an action (Actions page, "
                "Partners tab) to record what it contributes."
            )
        else:
            self.partners_intro.setText(f"What {name} puts into each action it is a partner in (double-click to open).")
        table.setRowCount(len(entries) + 1)
        for number, entry in enumerate(entries):
            title = _item(entry.action_title)
            title.setData(Qt.ItemDataRole.UserRole, entry.action_id)
            table.setItem(number, 0, title)
            table.setItem(number, 1, _item(""))
            table.setItem(number, 2, _item(format_money(entry.cash_pence), right=True))
            table.setItem(number, 3, _item(_days(entry.staff_days), right=True))
            table.setItem(number, 4, _item(entry.in_kind))
        self._partner_totals(
            len(entries),
            f"Total for {name}",
            len(entries),
            sum(e.cash_pence for e in entries),
            sum(e.staff_days for e in entries),
            sum(1 for e in entries if e.in_kind),
        )

    def _partner_totals(self, row: int, label: str, actions: int, cash: int, days: float, in_kind: int) -> None:
        table = self.partners_table
        table.setItem(row, 0, _item(label, bold=True))
        table.setItem(row, 1, _item(f"{actions:,}", right=True, bold=True))
        table.setItem(row, 2, _item(format_money(cash), right=True, bold=True))
        table.setItem(row, 3, _item(_days(days), right=True, bold=True))
        table.setItem(row, 4, _item(plural(in_kind, "in-kind contribution"), bold=True))

    def _open_partner_row(self, item: QTableWidgetItem) -> None:
        first = self.partners_table.item(item.row(), 0)
        target = first.data(Qt.ItemDataRole.UserRole) if first is not None else None
        if target is None:
            return
        if self.partner_picker.currentData() is None:
            self.partner_picker.setCurrentIndex(max(find_data(self.partner_picker, target), 0))
        else:
            open_action(self.env, target, self)

    def partner_totals_texts(self) -> list[str]:
        last = self.partners_table.rowCount() - 1
        items = [self.partners_table.item(last, column) for column in range(self.partners_table.columnCount())]
        return [item.text() if item is not None else "" for item in items]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
