"""Spend against budget, one line an action: the funding page's first list, a ``ListPage`` like the others."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QWidget

from locality.domain.entities import Entity
from locality.domain.errors import LocalityError
from locality.domain.funding import NO_FUNDING_SOURCE, FundingSourceChoice, source_id_of
from locality.services.funding import BudgetLine
from locality.ui.action_dialog import open_action
from locality.ui.empty_state import NextStep, page_step
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.funding.wording import budget_position, percent_text
from locality.ui.list_page import ListPage
from locality.ui.pickers import organisation_choices
from locality.ui.style import alarm_colour
from locality.ui.table_model import Column, money_column


def _red_if_overspent(line: BudgetLine) -> QColor | None:
    return alarm_colour() if line.overspent else None


class BudgetList(ListPage[BudgetLine]):
    """Spend against budget, one line an action: the funding page's first tab, a list like the other pages'."""

    title = "Spend against budget"
    noun = "action"
    plural = "actions"
    show_heading = False
    searchable = False
    editable = False

    def empty_sentence(self) -> str:
        return (
            "No actions to fund yet. Give an action a budget on the Actions page, then record the money allocated "
            "to it from each funding source and what is spent."
        )

    def empty_steps(self) -> list[NextStep]:
        return [page_step(self.env, "Go to the &actions", "actionsPage")]

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
                lambda b: percent_text(b.percent_spent),
                sort_key=lambda b: b.percent_spent,
                align_right=True,
                foreground=_red_if_overspent,
                width=70,
            ),
            Column(
                "Position",
                budget_position,
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
