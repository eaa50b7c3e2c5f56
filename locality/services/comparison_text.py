"""The board comparison in words, for the dashboard's "Board snapshots" tab: what moved since a snapshot as groups
of rows (what, then, now) and one summary sentence. Plain Python, so the wording is tested without a window and
the tab only lays it out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from locality.domain.text import plural
from locality.domain.values import format_date, format_money
from locality.domain.vocabulary import Rag
from locality.services.dashboard import BoardComparison
from locality.services.snapshots import DueDateChange


@dataclass(frozen=True)
class MovedRow:
    action_id: uuid.UUID | None  # the action the row opens, if any
    text: str
    then: str
    now: str


@dataclass(frozen=True)
class MovedGroup:
    key: str  # "newReds", "completed", "slipped", "broughtForward", "spend"...
    heading: str  # with its count: "2 new reds"
    rows: tuple[MovedRow, ...]


@dataclass(frozen=True)
class ComparisonText:
    summary: str  # "Since “June board” (board meeting on 05/06/2008): 2 new reds; 1 completed."
    groups: tuple[MovedGroup, ...]


def signed_money(pence: int) -> str:
    return ("+" if pence > 0 else "") + format_money(pence)


def comparison_text(result: BoardComparison) -> ComparisonText:
    """What moved since the snapshot, in the dashboard's words."""
    changes, spend = result.changes, result.spend

    def rag(value: Rag | None) -> str:
        return value.value if value is not None else "Not rated"

    def percent(value: int | None) -> str:
        return f"{value}%" if value is not None else "—"

    def number(value: float | None, unit: str) -> str:
        if value is None:
            return "no measurement"
        shown = f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{shown} {unit}".strip()

    def moved(change: DueDateChange, days: int, which: str) -> tuple[uuid.UUID | None, str, str, str]:
        """A due date that moved, later or earlier: the same row either way."""
        text = f"{change.title} — {plural(days, 'day')} {which}"
        return (change.action_id, text, format_date(change.before), format_date(change.after))

    counts: list[str] = []
    sections: list[tuple[str, str, list[tuple[uuid.UUID | None, str, str, str]]]] = [
        (
            "newReds",
            plural(len(changes.new_reds), "new red"),
            [(c.action_id, f"{c.title} — {c.reason}", rag(c.before), rag(c.after)) for c in changes.new_reds],
        ),
        (
            "noLongerRed",
            plural(len(changes.no_longer_red), "action") + " no longer Red",
            [(c.action_id, c.title, rag(c.before), rag(c.after)) for c in changes.no_longer_red],
        ),
        (
            "completed",
            f"{len(changes.completed):,} completed",
            [(c.action_id, c.title, c.before.value if c.before else "—", c.after.value) for c in changes.completed],
        ),
        (
            "slipped",
            plural(len(changes.slipped), "action") + " slipped (due later than reported)",
            [moved(c, c.days_later, "later") for c in changes.slipped],
        ),
        (
            "broughtForward",
            plural(len(changes.brought_forward), "action") + " brought forward (due earlier than reported)",
            [moved(c, c.days_earlier, "earlier") for c in changes.brought_forward],
        ),
        (
            "percent",
            plural(len(changes.percent_changes), "change") + " in percent complete",
            [
                (
                    c.action_id,
                    f"{c.title} ({'+' if c.points > 0 else ''}{c.points} points)",
                    percent(c.before),
                    percent(c.after),
                )
                for c in changes.percent_changes
            ],
        ),
        (
            "added",
            plural(len(changes.added), "action") + " added since",
            [(c.action_id, c.title, "—", f"{c.status.value if c.status else ''}, {rag(c.rag)}") for c in changes.added],
        ),
        (
            "removed",
            plural(len(changes.removed), "action") + " deleted since",
            [
                (None, c.title, f"{c.status.value if c.status else ''}, {rag(c.rag)}", "deleted")
                for c in changes.removed
            ],
        ),
        (
            "indicators",
            plural(len(changes.indicator_changes), "indicator") + " with a new value",
            [(None, c.name, number(c.before, c.unit), number(c.after, c.unit)) for c in changes.indicator_changes],
        ),
    ]
    counts += [heading for _key, heading, rows in sections if rows]
    spent_more = spend.spent_now_pence - spend.spent_then_pence
    sections.append(
        (
            "spend",
            f"Spend: {format_money(spend.spent_now_pence)} now, {signed_money(spent_more)} since "
            f"({plural(len(spend.rises), 'action')} spent more)",
            [
                (
                    None,
                    "All actions: total budget",
                    format_money(spend.budget_then_pence),
                    format_money(spend.budget_now_pence),
                ),
                (
                    None,
                    "All actions: total spent",
                    format_money(spend.spent_then_pence),
                    format_money(spend.spent_now_pence),
                ),
            ]
            + [
                (
                    r.action_id,
                    f"{r.title} ({signed_money(r.after_pence - r.before_pence)})",
                    format_money(r.before_pence),
                    format_money(r.after_pence),
                )
                for r in spend.rises
            ],
        )
    )
    if spent_more:
        counts.append(f"{signed_money(spent_more)} spent")
    snapshot = changes.snapshot
    lead = f"Since “{snapshot.title}” (board meeting on {format_date(snapshot.meeting_on)}): "
    summary = lead + ("; ".join(counts) + "." if counts else "nothing has moved.")
    return ComparisonText(
        summary,
        tuple(MovedGroup(key, heading, tuple(MovedRow(*row) for row in rows)) for key, heading, rows in sections),
    )
