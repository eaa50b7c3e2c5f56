"""The partner update sheet: an Excel workbook listing one organisation's actions with columns to fill in
(date, percent complete, status, RAG, note), for partners who do not have the app. Filled in and sent back, it
imports as progress updates (``locality import --kind progress``, or File › Import), rows left blank skipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from locality.domain.errors import ValidationError
from locality.domain.vocabulary import ActionStatus, Rag
from locality.exchange.safe_text import neutralise
from locality.files import atomic_path

if TYPE_CHECKING:
    from locality.services.registry import Services

HEADINGS = ("Action", "Date", "Percent complete", "Status", "RAG", "Note", "Author")
REFERENCE = (
    "For reference: lead",
    "For reference: due",
    "For reference: percent now",
    "For reference: status now",
    "For reference: owner",
)
CLOSED = (ActionStatus.COMPLETED, ActionStatus.CANCELLED)


def cell_text(text: str) -> str:
    """``text`` as a spreadsheet cell can hold it: control characters (which openpyxl refuses and Excel cannot
    store) removed, and anything a spreadsheet would read as a formula neutralised."""
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", text))


def write_update_sheet(
    services: Services,
    organisation: str,
    target: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Writes the update sheet for ``organisation`` (its name or short name) and returns how many actions it
    lists: the open actions it leads or is a partner in."""
    found = services.organisations.find(organisation)
    if found is None:
        names = ", ".join(name for _id, name in services.organisations.names())
        raise ValidationError({"organisation": f'"{organisation}" is not an organisation here; use one of: {names}'})
    actions = [a for a in services.actions.list(organisation_id=found.id) if a.status not in CLOSED]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Progress"
    sheet.append([*HEADINGS, *REFERENCE])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E0F2F1")
    for cell in sheet[1]:
        cell.font = bold
    for number, action in enumerate(actions, start=2):
        sheet.append(
            [
                cell_text(action.title),
                None,
                None,
                None,
                None,
                None,
                None,
                cell_text(action.lead_organisation_name),
                action.due_on,
                action.percent_complete,
                action.status.value,
                cell_text(action.owner_name),
            ]
        )
        sheet.cell(number, 2).number_format = "dd/mm/yyyy"
        sheet.cell(number, 9).number_format = "dd/mm/yyyy"
        for column in range(2, 8):
            sheet.cell(number, column).fill = fill  # the cells to fill in
        if progress is not None:
            progress(number - 1, len(actions))
        if cancelled is not None and cancelled():
            from locality.services.plan import ExportCancelled

            raise ExportCancelled()
    last = max(len(actions) + 1, 2)
    statuses = DataValidation(
        type="list", formula1='"' + ",".join(s.value for s in ActionStatus) + '"', allow_blank=True
    )
    rags = DataValidation(type="list", formula1='"' + ",".join(r.value for r in Rag) + '"', allow_blank=True)
    percents = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True)
    percents.error = "Enter a whole number from 0 to 100."
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dates.error = "Enter a date, for example 01/04/2026."
    for validation, letter in ((dates, "B"), (percents, "C"), (statuses, "D"), (rags, "E")):
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")
    for letter, width in zip("ABCDEFGHIJKL", (60, 12, 12, 14, 9, 60, 20, 30, 14, 12, 16, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B2"
    guide = workbook.create_sheet("How to fill this in")
    for line in (
        f"Progress on the actions of {ILLEGAL_CHARACTERS_RE.sub('', found.name)}, for the partnership coordinator.",
        "On each action with news, fill in the shaded cells: the date of the update (dd/mm/yyyy), the percent",
        "complete, the status, the RAG rating as you see it, and a note of what has happened.",
        "Leave an action's row blank if there is nothing to report. Do not change the action titles.",
        "Send the file back to the coordinator, who imports it into Locality as progress updates.",
        f"Produced on {date.today():%d/%m/%Y}.",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    with atomic_path(target) as temporary:
        workbook.save(temporary)
    return len(actions)
