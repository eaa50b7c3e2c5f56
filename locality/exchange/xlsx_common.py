"""What every workbook Locality writes as SpreadsheetML shares: text escaping, column letters and widths, the
worksheet's opening and closing parts and the package's fixed parts (content types and relationships).

The plan export (``render_xlsx``) and the needs matrix export (``matrix_export``) write their own cells and
styles; both build the rest of the package here, so a fix to either is a fix to both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# The longest text a cell holds; longer text is cut and ends with "…".
CELL_LIMIT = 32_767
# Characters XML 1.0 cannot hold; a workbook with them would not open.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Normal page margins, which close every sheet, and the landscape A4 set-up of a sheet of rows with a header.
PAGE_MARGINS = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
LANDSCAPE_A4 = '<pageSetup orientation="landscape" paperSize="9"/>'


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape(text: str) -> str:
    """Text as XML element content, leaving out the characters XML cannot hold."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attribute(text: str) -> str:
    """Text as an XML attribute value (quotes escaped too)."""
    return escape(text).replace('"', "&quot;")


def shared_string(text: str) -> str:
    """One entry of the shared strings: ``text`` (already made safe) cut to what a cell holds."""
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    return f'<si><t xml:space="preserve">{escape(text)}</t></si>'


def shared_strings_head(count: int) -> str:
    return f'{XML_DECLARATION}<sst xmlns="{SPREADSHEET_NS}" uniqueCount="{count}">'


def worksheet_head(dimension: str, view: str, widths: Iterable[float]) -> str:
    """A worksheet up to and including ``<sheetData>``: its used range, its view and its column widths."""
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{SPREADSHEET_NS}" xmlns:r="{_OFFICE_RELATIONSHIPS}">'
        f'<dimension ref="{dimension}"/>'
        f"<sheetViews>{view}</sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
    )


def workbook_xml(sheets: str, defined_names: str) -> str:
    """The workbook part: its ``<sheet>`` entries and any defined names (filters, print titles)."""
    return (
        f'{XML_DECLARATION}<workbook xmlns="{SPREADSHEET_NS}" xmlns:r="{_OFFICE_RELATIONSHIPS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets>"
        + (f"<definedNames>{defined_names}</definedNames>" if defined_names else "")
        + "</workbook>"
    )


def workbook_rels(sheet_count: int) -> str:
    """The workbook's relationships: sheets 1..n, then the styles and the shared strings."""
    sheets = "".join(
        f'<Relationship Id="rId{index}" Type="{_OFFICE_RELATIONSHIPS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
        for index in range(1, sheet_count + 1)
    )
    styles_id = sheet_count + 1
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{_RELATIONSHIPS_NS}">'
        f"{sheets}"
        f'<Relationship Id="rId{styles_id}" Type="{_OFFICE_RELATIONSHIPS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{styles_id + 1}" Type="{_OFFICE_RELATIONSHIPS}/sharedStrings" '
        'Target="sharedStrings.xml"/>'
        "</Relationships>"
    )


def content_types(sheet_count: int, *, properties: bool) -> str:
    """The package's content types; ``properties``: it holds docProps/core.xml and docProps/app.xml."""
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{index}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for index in range(1, sheet_count + 1)
    )
    extra = (
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        if properties
        else ""
    )
    return (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        f"{sheets}{extra}"
        "</Types>"
    )


def root_rels(*, properties: bool) -> str:
    """The package's own relationships: the workbook, and the document properties when it has them."""
    extra = (
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_OFFICE_RELATIONSHIPS}/extended-properties" Target="docProps/app.xml"/>'
        if properties
        else ""
    )
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{_RELATIONSHIPS_NS}">'
        f'<Relationship Id="rId1" Type="{_OFFICE_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        f"{extra}"
        "</Relationships>"
    )
