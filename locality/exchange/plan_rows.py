"""The cells of the plan's tables as text, shared by the Word, PDF and HTML renderers so that every format
says the same thing in the same words (dates dd/mm/yyyy, money in £)."""

from __future__ import annotations

from collections.abc import Sequence

from locality.domain.values import format_date, format_money
from locality.services.plan import CountRow, Plan, PlanAction, PlanIndicator, PlanMilestone, PlanNeed, PlanSummary

# What the cover says about confidential content.
CONFIDENTIAL_IN = "Includes confidential notes and contact details"
CONFIDENTIAL_OUT = "Confidential notes and personal contact details are left out"


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent_text(value: int | None) -> str:
    return "" if value is None else f"{value}%"


def key_figure_rows(summary: PlanSummary) -> list[tuple[str, str]]:
    """The summary's key figures, (figure, value)."""
    return [
        ("Actions in the plan", f"{summary.actions_total:,}"),
        ("Needs in the plan", f"{summary.needs_total:,}"),
        ("Needs shared by two or more organisations", f"{summary.shared_needs:,}"),
        ("Total budget", format_money(summary.budget_pence)),
        ("Total spend", format_money(summary.spend_pence)),
    ]


def count_rows(counts: Sequence[CountRow]) -> list[tuple[str, str]]:
    """Actions by status or by RAG, (label, count)."""
    return [(row.label, f"{row.count:,}") for row in counts]


def theme_rows(summary: PlanSummary) -> list[tuple[str, str, str, str, str]]:
    """The summary by theme: theme, needs, actions, budget, spend."""
    return [
        (row.theme, f"{row.needs:,}", f"{row.actions:,}", format_money(row.budget_pence), format_money(row.spend_pence))
        for row in summary.by_theme
    ]


def organisation_rows(plan: Plan) -> list[tuple[str, ...]]:
    """The partner organisations: name, short name and type, and their contact and e-mail when the plan holds
    confidential content."""
    if plan.confidential_included:
        return [(o.name, o.short_name, o.type, o.contact_name, o.contact_email) for o in plan.organisations]
    return [(o.name, o.short_name, o.type) for o in plan.organisations]


def need_row(need: PlanNeed) -> tuple[str, ...]:
    return (
        need.title,
        need.theme,
        ", ".join(need.organisations),
        need.priority,
        need.status,
        f"{need.action_count:,}",
        need.notes,
    )


def owner_text(action: PlanAction, separator: str = "\n") -> str:
    """The action's named owner, with their e-mail and telephone when the plan holds them (only when
    confidential content is included); "" when it has no owner."""
    return separator.join(part for part in (action.owner, action.owner_email, action.owner_phone) if part)


def action_row(action: PlanAction, *, separate_lead: bool = False) -> tuple[str, ...]:
    """The Actions table's cells; lead, owner and partners in one cell, or lead, owner and partners in three
    when ``separate_lead``."""
    people: list[str] = []
    if action.lead:
        people.append(f"Lead: {action.lead}")
    if action.owner:
        people.append(f"Owner: {owner_text(action, ', ')}")
    if action.partners:
        people.append(f"Partners: {', '.join(action.partners)}")
    rag = action.rag.value if action.rag is not None else "Not rated"
    if action.rag_reason:
        rag = f"{rag}\n{action.rag_reason}"
    note = action.latest_note
    if note and action.latest_note_on is not None:
        note = f"{format_date(action.latest_note_on)}: {note}"
    return (
        action.title,
        action.theme,
        *((action.lead, owner_text(action), ", ".join(action.partners)) if separate_lead else ("\n".join(people),)),
        "; ".join(action.needs),
        format_date(action.start_on),
        format_date(action.due_on),
        action.status.value,
        rag,
        f"{action.percent_complete}%",
        format_money(action.budget_pence),
        format_money(action.spend_pence),
        note,
    )


def milestone_progress(milestone: PlanMilestone) -> str:
    if milestone.done_on is not None:
        return "Done"
    if milestone.overdue:
        return "Overdue"
    return "Not due yet" if milestone.due_on is not None else "No due date"


def milestone_row(milestone: PlanMilestone) -> tuple[str, ...]:
    return (
        milestone.action_title,
        milestone.title,
        format_date(milestone.due_on),
        format_date(milestone.done_on),
        milestone_progress(milestone),
    )


def indicator_row(indicator: PlanIndicator) -> tuple[str, ...]:
    return (
        indicator.name,
        indicator.unit,
        indicator.direction,
        number_text(indicator.baseline_value),
        format_date(indicator.baseline_on),
        number_text(indicator.target_value),
        format_date(indicator.target_on),
        number_text(indicator.actual_value),
        format_date(indicator.latest_on),
        percent_text(indicator.percent_to_target),
        indicator.evidences,
    )
