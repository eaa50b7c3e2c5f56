"""How the funding page words its figures. No Qt here, so these are tested without a window."""

from __future__ import annotations

from html import escape

from locality.domain.text import plural
from locality.domain.values import format_money
from locality.services.funding import ActionFunding, BudgetLine, BudgetTotals

OVERSPENT = "Overspent"


def days_text(days: float) -> str:
    """Staff days to one decimal place, without a trailing ".0"."""
    return f"{days:,.1f}".removesuffix(".0")


def percent_text(value: int | None) -> str:
    return f"{value}%" if value is not None else ""


def budget_position(line: BudgetLine) -> str:
    """Where an action's spend stands against its budget, in a word or three."""
    if line.overspent:
        return OVERSPENT
    if line.budget_pence is None:
        return "No budget" if line.allocated_pence == 0 and line.spent_pence == 0 else "Against allocations"
    return "Within budget"


def totals_cells(totals: BudgetTotals) -> list[str]:
    """The totals line under the budget list, one text a column."""
    overspent = f"{totals.overspent:,} {OVERSPENT.lower()}" if totals.overspent else "None overspent"
    return [
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


def action_money_text(funding: ActionFunding, alarm: str = "#b00020") -> str:
    """The selected action's budget, allocated, spent and what is left (or by how much it is overspent, in the
    ``alarm`` colour, which high contrast makes lighter), as rich text."""
    budget = format_money(funding.budget_pence) if funding.budget_pence is not None else "no budget"
    state = (
        f' <span style="color:{alarm}; font-weight:600">{OVERSPENT} by {format_money(-funding.remaining_pence)}</span>'
        if funding.overspent
        else f" — {format_money(funding.remaining_pence)} remaining"
    )
    return (
        f"<b>{escape(funding.action_title, quote=False)}</b>: budget {budget}, "
        f"allocated {format_money(funding.allocated_pence)}, spent {format_money(funding.spent_pence)}{state}"
    )
