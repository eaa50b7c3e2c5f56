"""The joint action plan as CSV: one row per action, for a spreadsheet or another system.

UTF-8 with a byte-order mark, so that Excel reads "£" and accented names correctly; dates dd/mm/yyyy; money as
"£12,500.00". Every text cell goes through ``safe_text.neutralise`` so that no title or note can become a
formula. Written atomically: on any error (or Cancel) the target is left as it was.
"""

from __future__ import annotations

import csv
from pathlib import Path

from locality.domain.values import format_date, format_money
from locality.exchange.safe_text import neutralise
from locality.files import atomic_path
from locality.services.plan import Cancelled, Plan, PlanAction, Progress, check_cancelled

COLUMNS = (
    "Title",
    "Theme",
    "Lead",
    "Partners",
    "Needs",
    "Start",
    "Due",
    "Status",
    "RAG",
    "RAG reason",
    "Percent complete",
    "Budget",
    "Spend",
    "Latest progress note",
    "Latest note date",
    "Milestones overdue",
    # Added after the columns above, so that a sheet or system reading this file by position keeps working. The
    # e-mail and telephone are personal contact details: empty unless confidential content is included.
    "Owner",
    "Owner e-mail",
    "Owner telephone",
)

# How many rows are written between checks for Cancel and reports of progress.
_BATCH = 2000


def action_cells(action: PlanAction) -> list[str]:
    """One action's row, as the text of each column."""
    return [
        neutralise(action.title),
        neutralise(action.theme),
        neutralise(action.lead),
        neutralise("; ".join(action.partners)),
        neutralise("; ".join(action.needs)),
        format_date(action.start_on),
        format_date(action.due_on),
        action.status.value,
        action.rag.value if action.rag is not None else "",
        neutralise(action.rag_reason),
        str(action.percent_complete),
        format_money(action.budget_pence),
        format_money(action.spend_pence),
        neutralise(action.latest_note),
        format_date(action.latest_note_on),
        str(sum(1 for milestone in action.milestones if milestone.overdue)),
        neutralise(action.owner),
        neutralise(action.owner_email),
        neutralise(action.owner_phone),
    ]


def render_csv(
    plan: Plan, target: Path, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> None:
    """Writes ``plan``'s actions to ``target`` as CSV."""
    check_cancelled(cancelled)
    actions = plan.actions
    total = len(actions)
    with atomic_path(Path(target)) as temporary:
        with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            for start in range(0, total, _BATCH):
                check_cancelled(cancelled)
                writer.writerows(action_cells(action) for action in actions[start : start + _BATCH])
                if progress is not None:
                    progress(min(start + _BATCH, total), total)
        check_cancelled(cancelled)
    if progress is not None:
        progress(total, total)
