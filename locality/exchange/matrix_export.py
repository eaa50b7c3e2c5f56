"""The needs matrix as a spreadsheet: one row per need, one column per organisation, for a board paper or a
partner's own analysis.

Same contract as the plan exports: written atomically (on any error, or Cancel, the target is left as it was),
every text cell through ``safe_text.neutralise`` so that no title can become a formula, CSV in UTF-8 with a
byte-order mark. The workbook has a frozen header row and need-title column, an autofilter over every column,
and cells such as "Lead (severity 3)", coloured by role; it is written directly as SpreadsheetML (a large
partnership's matrix is a million cells, nearly all empty: only the filled ones are written).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from locality.domain.vocabulary import NeedRole
from locality.exchange import xlsx_common as xlsx
from locality.exchange.safe_text import neutralise
from locality.exchange.xlsx_common import column_letter  # part of this module's interface
from locality.files import atomic_path
from locality.services.needs_map import MatrixFilter, MatrixNeed, NeedsMatrix
from locality.services.plan import Cancelled, Progress, check_cancelled
from locality.services.registry import Services

#: The columns before the organisations': (heading, width in characters).
NEED_COLUMNS = (
    ("Need", 50),
    ("Theme", 28),
    ("Status", 15),
    ("Priority", 9),
    ("Area", 20),
    ("Organisations sharing", 13),
    ("Actions addressing it", 12),
)
ORGANISATION_WIDTH = 18
FORMATS = ("xlsx", "csv")

# How many rows are written between checks for Cancel and reports of progress.
_BATCH = 250


def format_of(target: Path | str) -> str:
    """ "xlsx" or "csv", from the file name's extension; anything else is refused with a plain sentence."""
    from locality.domain.errors import ValidationError

    suffix = Path(target).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValidationError(
            {"target": f'Save the matrix as .xlsx or .csv; "{Path(target).name}" has neither extension.'}
        )
    return suffix


def header(matrix: NeedsMatrix) -> list[str]:
    return [title for title, _width in NEED_COLUMNS] + [organisation.name for organisation in matrix.organisations]


def need_cells(need: MatrixNeed) -> list[str | int]:
    return [
        need.title,
        need.theme_full_name,
        need.status.value,
        need.priority.value if need.priority else "",
        need.area,
        need.organisation_count,
        need.action_count,
    ]


def rows(matrix: NeedsMatrix) -> Iterator[list[str | int]]:
    """Each need's row: its own columns, then the text of its link to each organisation ("" for none)."""
    links = matrix.links
    organisation_ids = [organisation.id for organisation in matrix.organisations]
    for need in matrix.needs:
        cells = need_cells(need)
        for organisation_id in organisation_ids:
            link = links.get((need.id, organisation_id))
            cells.append(link.long_text if link is not None else "")
        yield cells


def export_matrix(
    services: Services,
    filters: MatrixFilter,
    target: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Reads the matrix the filters select and writes it to ``target`` (XLSX or CSV by its extension); returns
    the number of needs written."""
    fmt = format_of(target)
    check_cancelled(cancelled)
    matrix = services.needs_map.matrix(filters)
    write_matrix(matrix, target, fmt, progress=progress, cancelled=cancelled)
    return len(matrix.needs)


def write_matrix(
    matrix: NeedsMatrix,
    target: Path | str,
    fmt: str | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    fmt = fmt or format_of(target)
    if fmt == "csv":
        write_csv(matrix, Path(target), progress=progress, cancelled=cancelled)
    else:
        write_xlsx(matrix, Path(target), progress=progress, cancelled=cancelled)


# --------------------------------------------------------------------------- CSV


def write_csv(
    matrix: NeedsMatrix, target: Path, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> None:
    check_cancelled(cancelled)
    total = len(matrix.needs)
    with atomic_path(target) as temporary:
        with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([neutralise(title) for title in header(matrix)])
            for done, cells in enumerate(rows(matrix), start=1):
                writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in cells])
                if done % _BATCH == 0:
                    check_cancelled(cancelled)
                    if progress is not None:
                        progress(done, total)
        check_cancelled(cancelled)
    if progress is not None:
        progress(total, total)


# --------------------------------------------------------------------------- XLSX


# Cell styles (indexes into cellXfs): plain, header, wrapped header, and one fill per role.
_PLAIN, _HEADER, _LEAD, _RAISED, _SHARES = range(5)
_ROLE_STYLE = {NeedRole.LEAD: _LEAD, NeedRole.RAISED_BY: _RAISED, NeedRole.SHARES: _SHARES}

_STYLES = (
    f'{xlsx.XML_DECLARATION}<styleSheet xmlns="{xlsx.SPREADSHEET_NS}">'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="6"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDE5EE"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFBBDEFB"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFE0B2"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFC8E6C9"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"'
    ' applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="5" borderId="0" xfId="0" applyFill="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class _SharedStrings:
    """Each distinct text once (themes, statuses and "Shares" repeat on thousands of cells)."""

    def __init__(self) -> None:
        self.index: dict[str, str] = {}
        self.items: list[str] = []

    def __call__(self, value: str) -> str:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = str(len(self.items))
            self.items.append(xlsx.shared_string(neutralise(value)))
        return found


def _row_xml(
    row_number: int, letters: Sequence[str], cells: Sequence[str | int], styles: Sequence[int], strings: _SharedStrings
) -> str:
    rn = str(row_number)
    parts = ['<row r="', rn, '">']
    for letter, cell, style in zip(letters, cells, styles, strict=False):
        if cell == "":
            continue
        styled = f' s="{style}"' if style else ""
        if isinstance(cell, int):
            parts.append(f'<c r="{letter}{rn}"{styled}><v>{cell}</v></c>')
        else:
            parts.append(f'<c r="{letter}{rn}"{styled} t="s"><v>{strings(cell)}</v></c>')
    parts.append("</row>")
    return "".join(parts)


def _sheet_parts(matrix: NeedsMatrix, strings: _SharedStrings) -> tuple[str, str, list[str]]:
    columns = len(NEED_COLUMNS) + len(matrix.organisations)
    letters = [column_letter(index) for index in range(1, columns + 1)]
    last_row = len(matrix.needs) + 1
    reference = f"A1:{letters[-1]}{last_row}"
    widths = [width for _title, width in NEED_COLUMNS] + [ORGANISATION_WIDTH] * len(matrix.organisations)
    view = (
        '<sheetView workbookViewId="0">'
        '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
        '<selection pane="topRight"/><selection pane="bottomLeft"/>'
        '<selection pane="bottomRight" activeCell="B2" sqref="B2"/>'
        "</sheetView>"
    )
    header_row = _row_xml(1, letters, header(matrix), [_HEADER] * columns, strings)
    head = xlsx.worksheet_head(reference, view, widths) + header_row
    tail = f'</sheetData><autoFilter ref="{reference}"/>{xlsx.PAGE_MARGINS}{xlsx.LANDSCAPE_A4}</worksheet>'
    return head, tail, letters


def write_xlsx(
    matrix: NeedsMatrix, target: Path, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> None:
    check_cancelled(cancelled)
    strings = _SharedStrings()
    head, tail, letters = _sheet_parts(matrix, strings)
    total = len(matrix.needs)
    first_link = len(NEED_COLUMNS)
    organisation_ids = [organisation.id for organisation in matrix.organisations]
    links = matrix.links
    with atomic_path(target) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for name, content in _package_parts(matrix).items():
                package.writestr(name, content)
            with package.open("xl/worksheets/sheet1.xml", "w") as handle:
                handle.write(head.encode("utf-8"))
                batch: list[str] = []
                for done, need in enumerate(matrix.needs, start=1):
                    row_number = str(done + 1)
                    parts = [_row_xml(done + 1, letters, need_cells(need), [_PLAIN] * first_link, strings)[:-6]]
                    # Only the filled cells of the organisations' columns are written: most are empty.
                    for offset, organisation_id in enumerate(organisation_ids):
                        link = links.get((need.id, organisation_id))
                        if link is not None:
                            letter = letters[first_link + offset]
                            style = _ROLE_STYLE[link.role]
                            parts.append(
                                f'<c r="{letter}{row_number}" s="{style}" t="s"><v>{strings(link.long_text)}</v></c>'
                            )
                    parts.append("</row>")
                    batch.append("".join(parts))
                    if done % _BATCH == 0:
                        handle.write("".join(batch).encode("utf-8"))
                        batch = []
                        check_cancelled(cancelled)
                        if progress is not None:
                            progress(done, total)
                handle.write("".join(batch).encode("utf-8"))
                handle.write(tail.encode("utf-8"))
            with package.open("xl/sharedStrings.xml", "w") as handle:
                handle.write(xlsx.shared_strings_head(len(strings.items)).encode())
                handle.write("".join(strings.items).encode("utf-8"))
                handle.write(b"</sst>")
        check_cancelled(cancelled)
    if progress is not None:
        progress(total, total)


def _package_parts(matrix: NeedsMatrix) -> dict[str, str]:
    columns = len(NEED_COLUMNS) + len(matrix.organisations)
    last = column_letter(columns)
    names = (
        '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"'Needs matrix'!$A$1:${last}${len(matrix.needs) + 1}</definedName>"
        '<definedName name="_xlnm.Print_Titles" localSheetId="0">'
        "'Needs matrix'!$A:$A,'Needs matrix'!$1:$1</definedName>"
    )
    return {
        "[Content_Types].xml": xlsx.content_types(1, properties=False),
        "_rels/.rels": xlsx.root_rels(properties=False),
        "xl/workbook.xml": xlsx.workbook_xml('<sheet name="Needs matrix" sheetId="1" r:id="rId1"/>', names),
        "xl/_rels/workbook.xml.rels": xlsx.workbook_rels(1),
        "xl/styles.xml": _STYLES,
    }
