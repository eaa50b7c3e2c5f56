"""The funding page's words for its figures, without a window."""

from __future__ import annotations

import uuid

from locality.domain.vocabulary import ActionStatus
from locality.services.funding import BudgetLine, BudgetTotals
from locality.ui.funding.wording import budget_position, days_text, percent_text, totals_cells


def _line(budget: int | None, allocated: int, spent: int, overspent: bool = False) -> BudgetLine:
    remaining = (budget if budget is not None else allocated) - spent
    return BudgetLine(
        uuid.uuid4(),
        "Peer review",
        None,
        "",
        ActionStatus.PLANNED,
        budget,
        allocated,
        spent,
        remaining,
        None,
        overspent,
    )


def test_position_says_where_spend_stands() -> None:
    assert budget_position(_line(1_000, 0, 2_000, overspent=True)) == "Overspent"
    assert budget_position(_line(None, 0, 0)) == "No budget"
    assert budget_position(_line(None, 500, 100)) == "Against allocations"
    assert budget_position(_line(1_000, 0, 100)) == "Within budget"


def test_days_and_percent_drop_what_says_nothing() -> None:
    assert days_text(3.0) == "3"
    assert days_text(1234.25) == "1,234.2"
    assert percent_text(None) == "" and percent_text(40) == "40%"


def test_totals_line_counts_and_names_the_overspent() -> None:
    cells = totals_cells(BudgetTotals(2, 100_000, 50_000, 120_000, -20_000, 1))
    assert cells == ["Total of 2 actions", "", "", "£1,000.00", "£500.00", "£1,200.00", "-£200.00", "1 overspent", ""]
    assert totals_cells(BudgetTotals(1, 0, 0, 0, 0, 0))[0::7] == ["Total of 1 action", "None overspent"]
