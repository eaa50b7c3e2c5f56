"""The joint action plan as an Excel workbook: a sheet per section.

Sheets: Cover, Summary, Needs, Actions, Milestones, Indicators, Sign-off. The data sheets have a frozen, bold
header row and an autofilter; dates are real date cells shown dd/mm/yyyy and money real numbers shown as
"£12,500.00", so a partner can sort, filter and add them up. Every text cell goes through
``safe_text.neutralise`` so that no title or note can become a formula.

The workbook is written directly as Office Open XML (SpreadsheetML in a zip), not cell by cell through
openpyxl: the plan of a large partnership is some 600,000 cells, which openpyxl takes over five seconds to
write and this writer well under one. openpyxl (and Excel and LibreOffice) read the result as any workbook.
Written atomically: on any error (or Cancel) the target is left as it was.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from locality.domain.values import format_date
from locality.exchange.safe_text import neutralise
from locality.exchange.xlsx_common import (
    LANDSCAPE_A4,
    PAGE_MARGINS,
    SPREADSHEET_NS,
    XML_DECLARATION,
    attribute,
    column_letter,
    content_types,
    escape,
    root_rels,
    shared_string,
    shared_strings_head,
    workbook_rels,
    workbook_xml,
    worksheet_head,
)
from locality.files import atomic_path
from locality.services.plan import Cancelled, Plan, Progress, check_cancelled

# Cell styles, as indexes into styles.xml's cellXfs.
_PLAIN, _DATE, _MONEY, _HEADER, _TITLE, _BOLD, _SIGN_LINE = range(7)
_DATE_VALUE = f'" s="{_DATE}"><v>'
_MONEY_VALUE = f'" s="{_MONEY}"><v>'

DATE_FORMAT = "dd/mm/yyyy"
MONEY_FORMAT = '"£"#,##0.00'

# Excel counts days from 30/12/1899 (serial 1 is 01/01/1900, with its phantom 29/02/1900 before March).
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
# How many rows are written between checks for Cancel and reports of progress.
_BATCH = 2000


_LETTERS = [column_letter(index) for index in range(1, 53)]


# --------------------------------------------------------------------------- cells

# A cell is a small tuple (kind, value, style), or None for an empty cell. Kinds: "t" text, "n" number, "d" date,
# "m" money in pence.
Cell = tuple[str, object, int] | None


def text(value: str, style: int = _PLAIN) -> Cell:
    return ("t", value, style)


def number(value: float | None, style: int = _PLAIN) -> Cell:
    return None if value is None else ("n", value, style)


def money(pence: int | None) -> Cell:
    return None if pence is None else ("m", pence, _MONEY)


class _CellWriter:
    """Turns rows of cells into SpreadsheetML. Text goes into the workbook's shared strings, each distinct
    text once (themes, names, statuses and the action of each milestone repeat on thousands of rows)."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}  # text -> its index in the shared strings, as text
        self._shared: list[str] = []  # the shared strings, as XML

    def text_index(self, value: str) -> str:
        index = self._texts.get(value)
        if index is None:
            index = self._texts[value] = str(len(self._shared))
            self._shared.append(shared_string(neutralise(value)))
        return index

    def shared_strings_xml(self) -> Iterable[str]:
        yield shared_strings_head(len(self._shared))
        for start in range(0, len(self._shared), _BATCH):
            yield "".join(self._shared[start : start + _BATCH])
        yield "</sst>"

    def data_row_xml(self, row_number: int, kinds: Sequence[str], values: Sequence[object]) -> str:
        """A row of a data sheet: plain values, each column of one kind ("t", "n", "d" or "m"); None and ""
        leave the cell empty. Built piece by piece, as this is what a large plan spends its time on."""
        rn = str(row_number)
        parts = ['<row r="', rn, '">']
        extend = parts.extend
        texts = self._texts
        for letter, kind, value in zip(_LETTERS, kinds, values, strict=False):
            if value is None or value == "":
                continue
            if kind == "t":
                index = texts.get(value)  # type: ignore[call-overload]
                if index is None:
                    index = self.text_index(str(value))
                extend(('<c r="', letter, rn, '" t="s"><v>', index, "</v></c>"))
            elif kind == "d":
                serial = value.toordinal() - _EPOCH_ORDINAL  # type: ignore[attr-defined]
                extend(('<c r="', letter, rn, _DATE_VALUE, str(serial), "</v></c>"))
            elif kind == "m":
                extend(('<c r="', letter, rn, _MONEY_VALUE, _money_text(value), "</v></c>"))  # type: ignore[arg-type]
            else:
                shown = _number_text(value)
                if shown:
                    extend(('<c r="', letter, rn, '"><v>', shown, "</v></c>"))
        parts.append("</row>")
        return "".join(parts)

    def row_xml(self, row_number: int, cells: Sequence[Cell]) -> str:
        parts = [f'<row r="{row_number}">']
        append = parts.append
        for index, cell in enumerate(cells):
            if cell is None:
                continue
            kind, value, style = cell
            reference = f"{_LETTERS[index]}{row_number}"
            styled = f' s="{style}"' if style else ""
            if kind == "t":
                if value == "":
                    if style:
                        append(f'<c r="{reference}"{styled}/>')
                    continue
                append(f'<c r="{reference}"{styled} t="s"><v>{self.text_index(str(value))}</v></c>')
            elif kind == "d":
                assert isinstance(value, date)
                append(f'<c r="{reference}"{styled}><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>')
            elif kind == "m":
                assert isinstance(value, int)
                append(f'<c r="{reference}"{styled}><v>{_money_text(value)}</v></c>')
            else:
                shown = _number_text(value)
                if shown:
                    append(f'<c r="{reference}"{styled}><v>{shown}</v></c>')
        parts.append("</row>")
        return "".join(parts)


def _money_text(pence: int) -> str:
    """Pence as pounds, exactly: 1250050 -> "12500.50"."""
    pounds, rest = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{pounds}.{rest:02d}"


def _number_text(value: object) -> str:
    """A number as SpreadsheetML writes it; "" for one it cannot hold (not a number, infinite)."""
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    raise TypeError(f"not a number: {value!r}")


# --------------------------------------------------------------------------- sheets


@dataclass
class _Sheet:
    """A sheet laid out row by row (``rows`` yields cells), or a data sheet (``kinds`` is set and ``rows``
    yields plain values) with a frozen header row and an autofilter."""

    name: str
    widths: Sequence[float]
    rows: Callable[[], Iterable[Sequence[Any]]]
    row_count: int
    header: Sequence[str] = ()
    kinds: Sequence[str] = ()


def _data_sheet(
    name: str, columns: Sequence[tuple[str, float, str]], rows: Callable[[], Iterable[Sequence[Any]]], count: int
) -> _Sheet:
    return _Sheet(
        name,
        widths=[width for _title, width, _kind in columns],
        rows=rows,
        row_count=count,
        header=[title for title, _width, _kind in columns],
        kinds=[kind for _title, _width, kind in columns],
    )


def _cover(plan: Plan) -> list[Sequence[Cell]]:
    rows: list[Sequence[Cell]] = [[text("Joint action plan", _TITLE)]]
    if plan.partnership:
        rows.append([text(plan.partnership, _BOLD)])
    if plan.area:
        rows.append([text(plan.area)])
    if plan.period:
        rows.append([text(f"Plan period: {plan.period}")])
    rows.append([text(f"Produced on {format_date(plan.generated_on)}")])
    rows.append([])
    rows.append([text("Filters used", _BOLD)])
    rows.extend([text(line)] for line in plan.filters)
    rows.append([])
    rows.append(
        [
            text(
                "Includes confidential notes and contact details"
                if plan.confidential_included
                else "Confidential notes and personal contact details are left out"
            )
        ]
    )
    return rows


def _summary(plan: Plan) -> list[Sequence[Cell]]:
    summary = plan.summary
    rows: list[Sequence[Cell]] = [[text("Summary", _TITLE)], []]
    rows.append([text("Actions", _BOLD), number(summary.actions_total)])
    rows.append([text("Needs", _BOLD), number(summary.needs_total)])
    rows.append([text("Shared needs", _BOLD), number(summary.shared_needs)])
    rows.append([text("Budget", _BOLD), money(summary.budget_pence)])
    rows.append([text("Spend", _BOLD), money(summary.spend_pence)])
    rows.append([])
    rows.append([text("Status", _HEADER), text("Actions", _HEADER)])
    rows.extend([text(row.label), number(row.count)] for row in summary.by_status)
    rows.append([])
    rows.append([text("RAG", _HEADER), text("Actions", _HEADER)])
    rows.extend([text(row.label), number(row.count)] for row in summary.by_rag)
    rows.append([])
    rows.append([text(title, _HEADER) for title in ("Theme", "Needs", "Actions", "Budget", "Spend")])
    rows.extend(
        [text(row.theme), number(row.needs), number(row.actions), money(row.budget_pence), money(row.spend_pence)]
        for row in summary.by_theme
    )
    rows.append([])
    rows.append([text("Organisations", _BOLD)])
    headings = ["Organisation", "Short name", "Type"]
    if plan.confidential_included:
        headings += ["Contact", "E-mail"]
    rows.append([text(title, _HEADER) for title in headings])
    for organisation in plan.organisations:
        cells = [text(organisation.name), text(organisation.short_name), text(organisation.type)]
        if plan.confidential_included:
            cells += [text(organisation.contact_name), text(organisation.contact_email)]
        rows.append(cells)
    return rows


def _sign_off(plan: Plan) -> list[Sequence[Cell]]:
    rows: list[Sequence[Cell]] = [[text("Sign-off", _TITLE)], []]
    if plan.sign_off:
        rows.append([text(plan.sign_off[0], _BOLD)])
        rows.append([])
        for label in plan.sign_off[1:]:
            rows.append([text(label, _BOLD), text("", _SIGN_LINE)])
            rows.append([])
    return rows


# (heading, width in characters, kind: "t" text, "n" number, "d" date, "m" money in pence)
NEED_COLUMNS = (
    ("Title", 50, "t"),
    ("Theme", 28, "t"),
    ("Organisations", 45, "t"),
    ("Priority", 10, "t"),
    ("Status", 16, "t"),
    ("Actions", 9, "n"),
    ("Notes", 50, "t"),
)
ACTION_COLUMNS = (
    ("Title", 50, "t"),
    ("Theme", 28, "t"),
    ("Lead", 32, "t"),
    ("Partners", 40, "t"),
    ("Needs", 50, "t"),
    ("Start", 12, "d"),
    ("Due", 12, "d"),
    ("Status", 13, "t"),
    ("RAG", 8, "t"),
    ("RAG reason", 45, "t"),
    ("Percent complete", 10, "n"),
    ("Budget", 14, "m"),
    ("Spend", 14, "m"),
    ("Latest progress note", 50, "t"),
    ("Latest note date", 12, "d"),
    ("Milestones overdue", 11, "n"),
    # After the columns above, as in the CSV; e-mail and telephone empty unless confidential content is included.
    ("Owner", 28, "t"),
    ("Owner e-mail", 32, "t"),
    ("Owner telephone", 16, "t"),
)
MILESTONE_COLUMNS = (
    ("Action", 50, "t"),
    ("Milestone", 45, "t"),
    ("Due", 12, "d"),
    ("Done on", 12, "d"),
    ("Overdue", 9, "t"),
)
INDICATOR_COLUMNS = (
    ("Indicator", 45, "t"),
    ("Unit", 14, "t"),
    ("Direction", 17, "t"),
    ("Baseline", 11, "n"),
    ("Baseline date", 12, "d"),
    ("Target", 11, "n"),
    ("Target date", 12, "d"),
    ("Latest", 11, "n"),
    ("Latest date", 12, "d"),
    ("Percent to target", 10, "n"),
    ("Evidences", 50, "t"),
)


def _sheets(plan: Plan) -> list[_Sheet]:
    def needs() -> Iterable[Sequence[Any]]:
        for need in plan.needs:
            yield (
                need.title,
                need.theme,
                "; ".join(need.organisations),
                need.priority,
                need.status,
                need.action_count,
                need.notes,
            )

    def actions() -> Iterable[Sequence[Any]]:
        for action in plan.actions:
            yield (
                action.title,
                action.theme,
                action.lead,
                "; ".join(action.partners),
                "; ".join(action.needs),
                action.start_on,
                action.due_on,
                action.status.value,
                action.rag.value if action.rag is not None else "",
                action.rag_reason,
                action.percent_complete,
                action.budget_pence,
                action.spend_pence,
                action.latest_note,
                action.latest_note_on,
                sum(1 for milestone in action.milestones if milestone.overdue),
                action.owner,
                action.owner_email,
                action.owner_phone,
            )

    def milestones() -> Iterable[Sequence[Any]]:
        for action in plan.actions:
            for milestone in action.milestones:
                yield (
                    milestone.action_title,
                    milestone.title,
                    milestone.due_on,
                    milestone.done_on,
                    "Yes" if milestone.overdue else "",
                )

    def indicators() -> Iterable[Sequence[Any]]:
        for indicator in plan.indicators:
            yield (
                indicator.name,
                indicator.unit,
                indicator.direction,
                indicator.baseline_value,
                indicator.baseline_on,
                indicator.target_value,
                indicator.target_on,
                indicator.actual_value,
                indicator.latest_on,
                indicator.percent_to_target,
                indicator.evidences,
            )

    cover = _cover(plan)
    summary = _summary(plan)
    sign_off = _sign_off(plan)
    milestone_count = sum(len(action.milestones) for action in plan.actions)
    return [
        _Sheet("Cover", [100], lambda: cover, len(cover)),
        _Sheet("Summary", [60, 14, 14, 16, 16], lambda: summary, len(summary)),
        _data_sheet("Needs", NEED_COLUMNS, needs, len(plan.needs)),
        _data_sheet("Actions", ACTION_COLUMNS, actions, len(plan.actions)),
        _data_sheet("Milestones", MILESTONE_COLUMNS, milestones, milestone_count),
        _data_sheet("Indicators", INDICATOR_COLUMNS, indicators, len(plan.indicators)),
        _Sheet("Sign-off", [34, 60], lambda: sign_off, len(sign_off)),
    ]


# --------------------------------------------------------------------------- the package


def _write_sheet(
    handle: IO[bytes],
    sheet: _Sheet,
    writer: _CellWriter,
    tick: Callable[[int], None],
) -> None:
    columns = max(len(sheet.widths), len(sheet.header), 1)
    last_row = sheet.row_count + (1 if sheet.header else 0)
    last_column = _LETTERS[columns - 1]
    view = (
        '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
        if sheet.header
        else '<sheetView workbookViewId="0"/>'
    )
    head = worksheet_head(f"A1:{last_column}{max(last_row, 1)}", view, sheet.widths)
    handle.write(head.encode("utf-8"))
    row_number = 0
    if sheet.header:
        row_number = 1
        handle.write(writer.row_xml(1, [text(title, _HEADER) for title in sheet.header]).encode("utf-8"))
    batch: list[str] = []
    kinds = sheet.kinds
    for cells in sheet.rows():
        row_number += 1
        batch.append(writer.data_row_xml(row_number, kinds, cells) if kinds else writer.row_xml(row_number, cells))
        if len(batch) >= _BATCH:
            handle.write("".join(batch).encode("utf-8"))
            tick(len(batch))
            batch = []
    handle.write("".join(batch).encode("utf-8"))
    tick(len(batch))
    tail = "</sheetData>"
    if sheet.header:
        tail += f'<autoFilter ref="A1:{last_column}{max(row_number, 1)}"/>'
    tail += PAGE_MARGINS + (LANDSCAPE_A4 if sheet.header else "") + "</worksheet>"
    handle.write(tail.encode("utf-8"))


_STYLES = (
    f'{XML_DECLARATION}<styleSheet xmlns="{SPREADSHEET_NS}">'
    '<numFmts count="2">'
    f'<numFmt numFmtId="164" formatCode="{attribute(DATE_FORMAT)}"/>'
    f'<numFmt numFmtId="165" formatCode="{attribute(MONEY_FORMAT)}"/>'
    "</numFmts>"
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="16"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE5EE"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _package_parts(plan: Plan, sheets: Sequence[_Sheet]) -> dict[str, str]:
    sheet_entries = "".join(
        f'<sheet name="{attribute(sheet.name)}" sheetId="{index}" r:id="rId{index}"/>'
        for index, sheet in enumerate(sheets, start=1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
        f"'{escape(sheet.name)}'!$A$1:${_LETTERS[len(sheet.header) - 1]}${sheet.row_count + 1}</definedName>"
        for index, sheet in enumerate(sheets)
        if sheet.header
    )
    title = "Joint action plan" + (f" – {plan.partnership}" if plan.partnership else "")
    created = datetime(plan.generated_on.year, plan.generated_on.month, plan.generated_on.day).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    core = (
        f"{XML_DECLARATION}"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>Locality</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        "</cp:coreProperties>"
    )
    app = (
        f"{XML_DECLARATION}"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>Locality</Application></Properties>"
    )
    return {
        "[Content_Types].xml": content_types(len(sheets), properties=True),
        "_rels/.rels": root_rels(properties=True),
        "docProps/core.xml": core,
        "docProps/app.xml": app,
        "xl/workbook.xml": workbook_xml(sheet_entries, filters),
        "xl/_rels/workbook.xml.rels": workbook_rels(len(sheets)),
        "xl/styles.xml": _STYLES,
    }


def render_xlsx(
    plan: Plan, target: Path, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> None:
    """Writes ``plan`` to ``target`` as an Excel workbook (.xlsx)."""
    check_cancelled(cancelled)
    sheets = _sheets(plan)
    total = sum(sheet.row_count for sheet in sheets)
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        check_cancelled(cancelled)
        done += rows
        if progress is not None:
            progress(min(done, total), total)

    writer = _CellWriter()
    with atomic_path(Path(target)) as temporary:
        # Level 1 compression: a little larger than the default, several times quicker for a large plan.
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for name, content in _package_parts(plan, sheets).items():
                package.writestr(name, content)
            for index, sheet in enumerate(sheets, start=1):
                with package.open(f"xl/worksheets/sheet{index}.xml", "w") as handle:
                    _write_sheet(handle, sheet, writer, tick)
            with package.open("xl/sharedStrings.xml", "w") as handle:
                for part in writer.shared_strings_xml():
                    handle.write(part.encode("utf-8"))
        check_cancelled(cancelled)
    if progress is not None:
        progress(total, total)
