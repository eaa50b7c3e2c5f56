"""Word documents (DOCX) as the plan and the board paper are written: ``DocxWriter`` with headings, paragraphs,
portrait and landscape sections, and tables whose header row is marked to repeat at the top of each page, cells
shaded in a colour (the RAG is the word itself in a cell shaded in its colour, so it reads the same printed in
black and white). The footer says "Page N of M".

Each column is as wide as its widest word (``column_widths``), measured in Arial, the document's font: a date, a
sum of money or a word like "Priority" is never broken between letters; the long-text columns (titles, notes)
share the rest of the page.

python-docx builds the document, but not the rows of the tables: adding rows through it costs about a
millisecond each, and a large plan has 70,000. Each table is a placeholder paragraph until the document is saved;
its rows are then written as WordprocessingML text (every piece of user text escaped) straight into the package.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, Twips
from docx.text.paragraph import Paragraph

from locality.exchange.render_progress import Ticker
from locality.exchange.text_width import BOLD, REGULAR, WordWidths
from locality.files import atomic_path

A4_SHORT = Mm(210)


A4_LONG = Mm(297)


PORTRAIT_MARGIN = Mm(20)


LANDSCAPE_MARGIN = Mm(15)


# Widths available for a table, in twentieths of a point.
PORTRAIT_WIDTH = int((A4_SHORT - 2 * PORTRAIT_MARGIN) / Twips(1))


LANDSCAPE_WIDTH = int((A4_LONG - 2 * LANDSCAPE_MARGIN) / Twips(1))


TABLE_STYLE = "Table text"


TABLE_STYLE_ID = "TableText"


#: Every text in Arial, whose widths (Helvetica's) the columns are sized by; Word has it on every PC.
FONT = "Arial"


TABLE_TEXT_SIZE = 8  # points


#: Room each side of a cell's text, in twips: 1 mm (Word's own default is 1.9 mm).
CELL_MARGIN = 57


#: Columns are sized for text this much wider than Arial's: LibreOffice shows DejaVu Sans where Arial is missing,
#: up to 16% wider (a date), and 27% in bold (a header); a column sized to Arial's exact widths breaks words there.
FONT_SLACK = 1.17


BOLD_SLACK = 1.3


#: A long-text column's widest word (an e-mail address) is given room up to this share of the table; a longer one
#: breaks.
LONGEST_WORD_SHARE = 0.45


#: A short-text column (dates, money, status) keeps each line whole up to this share of the table; wider, its
#: lines wrap between words.
WHOLE_LINE_SHARE = 0.12


HEADER_FILL = "D9D9D9"


# Tints dark enough to tell apart, light enough for black text; the word in the cell is what counts.
RAG_FILLS = {"Red": "E57373", "Amber": "FFC04D", "Green": "81C784"}


OVERDUE_FILL = RAG_FILLS["Red"]


_TICK_ROWS = 500  # rows between progress reports and cancel checks


# Marks where a table goes until the document is saved; the token is random for each document, so no text in
# the plan can pass for a placeholder.
_PLACEHOLDER = "LOCALITY-TABLE-{token}-{number}"


# Characters XML 1.0 cannot hold at all (python-docx would refuse them; Word would refuse the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(text: str) -> str:
    """``text`` with the characters a Word document cannot hold taken out."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Column:
    heading: str
    #: Share of the width left once every column has room for its words; 0 for a column of short text (dates,
    #: numbers, a status), which is exactly as wide as its content needs.
    weight: float
    right: bool = False  # numbers and money


def _paragraphs(text: str, right: bool, bold: bool = False) -> str:
    """A cell's text as WordprocessingML paragraphs, one a line; always at least one (a cell needs one)."""
    alignment = '<w:jc w:val="right"/>' if right else ""
    style = f'<w:pPr><w:pStyle w:val="{TABLE_STYLE_ID}"/>{alignment}</w:pPr>'
    run_properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    if not text:
        return f"<w:p>{style}</w:p>"
    return "".join(
        f'<w:p>{style}<w:r>{run_properties}<w:t xml:space="preserve">{xml_escape(line)}</w:t></w:r></w:p>'
        for line in _text(text).split("\n")
    )


@dataclass(frozen=True)
class _Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    width: int  # twips
    shades: Sequence[str | None] | None = None
    shaded_column: int | None = None
    header: bool = True
    row_height: int = 0  # twips, at least; 0 for as tall as the text


def _twips(points: float) -> int:
    return int(points * 20 + 0.999) + 2 * CELL_MARGIN


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Each column's width in twips: room for its widest word (its header's in bold included), so no word is
    broken between letters; short-text columns just that wide (their lines whole when short), the long-text
    columns sharing the rest by weight. When even that cannot fit, every column shrinks in proportion."""
    regular, bold = WordWidths(REGULAR, TABLE_TEXT_SIZE), WordWidths(BOLD, TABLE_TEXT_SIZE)
    needs: list[int] = []
    for index, column in enumerate(columns):
        texts = {row[index] for row in rows}
        texts.discard("")
        heading = bold.widest_word([column.heading]) * BOLD_SLACK
        need = _twips(max(regular.widest_word(texts) * FONT_SLACK, heading))
        if column.weight:
            need = min(need, int(width * LONGEST_WORD_SHARE))
        else:
            whole = _twips(max(regular.widest_line(texts) * FONT_SLACK, heading))
            if whole <= width * WHOLE_LINE_SHARE:
                need = max(need, whole)
        needs.append(need)
    widths = list(needs)
    sharing = [index for index, column in enumerate(columns) if column.weight]
    rest = width - sum(need for index, need in enumerate(needs) if index not in sharing)
    while sharing:
        total = sum(columns[index].weight for index in sharing)
        shares = {index: rest * columns[index].weight / total for index in sharing}
        narrow = [index for index in sharing if shares[index] < needs[index]]
        if not narrow:
            for index in sharing:
                widths[index] = int(shares[index])
            break
        for index in narrow:  # too narrow a share: its words first, the others share what is left
            rest -= needs[index]
            sharing.remove(index)
    if sum(widths) > width:
        scale = width / sum(widths)
        widths = [int(column_width * scale) for column_width in widths]
    return widths


def _table_xml(table: _Table, ticker: Ticker) -> Iterator[str]:
    """A whole table as WordprocessingML, in pieces: fixed column widths, the header row repeated on each page."""
    columns = table.columns
    widths = column_widths(columns, table.rows, table.width)
    cell_starts = [f'<w:tc><w:tcPr><w:tcW w:w="{cell_width}" w:type="dxa"/>' for cell_width in widths]
    plain = [f"{start}</w:tcPr>" for start in cell_starts]
    parts = [
        "<w:tbl><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{cell_width}"/>' for cell_width in widths),
        "</w:tblGrid>",
    ]
    if table.header:
        parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
        for heading, start in zip(columns, cell_starts, strict=True):
            parts.append(f'{start}<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>')
            parts.append(_paragraphs(heading.heading, heading.right, bold=True))
            parts.append("</w:tc>")
        parts.append("</w:tr>")
    row_start = "<w:tr>"
    if table.row_height:
        row_start = f'<w:tr><w:trPr><w:trHeight w:val="{table.row_height}" w:hRule="atLeast"/></w:trPr>'
    right = [column.right for column in columns]
    shades = table.shades
    shaded_column = table.shaded_column
    paragraphs: dict[tuple[str, bool], str] = {}
    for index, row in enumerate(table.rows):
        if index % _TICK_ROWS == 0 and index:
            yield "".join(parts)
            parts = []
            ticker.advance(_TICK_ROWS)
        parts.append(row_start)
        shade = shades[index] if shades is not None else None
        for column, text in enumerate(row):
            if shade is not None and column == shaded_column:
                parts.append(f'{cell_starts[column]}<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/></w:tcPr>')
            else:
                parts.append(plain[column])
            key = (text, right[column])
            cell = paragraphs.get(key)
            if cell is None:
                cell = paragraphs[key] = _paragraphs(text, right[column])
            parts.append(cell)
            parts.append("</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    yield "".join(parts)
    count = len(table.rows)
    ticker.advance(count - (count - 1) // _TICK_ROWS * _TICK_ROWS if count else 0)


def save_document(document: DocumentObject, token: str, tables: list[_Table], target: Path, ticker: Ticker) -> None:
    """Save ``document`` to ``target``, each placeholder paragraph in its body replaced by its table's rows.

    The tables are streamed straight into the compressed package: parsing 70,000 rows into python-docx's tree
    and moving them into the document took lxml twenty seconds.
    """
    # The whole paragraph holding a placeholder, as python-docx writes it.
    placeholder = re.compile(
        r"<w:p>(?:(?!</w:p>).)*?" + re.escape(_PLACEHOLDER.format(token=token, number="")) + r"(?P<number>[0-9]+)"
        r"(?:(?!</w:p>).)*</w:p>",
        re.DOTALL,
    )
    package = io.BytesIO()
    document.save(package)
    # Level 1 compression, as for the workbooks: the large demo's plan (108 MB of XML) is compressed in 0.23 s
    # instead of 0.49 s, into 5.0 MB instead of 3.6 MB.
    with (
        zipfile.ZipFile(package) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as written,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "word/document.xml":
                written.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
                continue
            xml = data.decode("utf-8")
            placed = 0
            with written.open(info.filename, "w", force_zip64=True) as stream:
                position = 0
                for match in placeholder.finditer(xml):
                    stream.write(xml[position : match.start()].encode("utf-8"))
                    for chunk in _table_xml(tables[int(match["number"])], ticker):
                        stream.write(chunk.encode("utf-8"))
                    position = match.end()
                    placed += 1
                stream.write(xml[position:].encode("utf-8"))
            if placed != len(tables):  # pragma: no cover - python-docx changed how it writes paragraphs
                raise RuntimeError(f"Only {placed} of the {len(tables)} tables found their place in the document.")


class DocxWriter:
    """A Word document being written: A4 pages in Arial, headings, paragraphs, pictures, and tables whose rows are
    written when it is saved; each section's footer holds ``label`` and "Page N of M"."""

    def __init__(self, *, label: str, subject: str, author: str, produced_on: date, ticker: Ticker) -> None:
        self.label = _text(label)
        self.subject = subject
        self.author = _text(author)
        self.produced_on = produced_on
        self.ticker = ticker
        self.document: DocumentObject = Document()
        self.width = PORTRAIT_WIDTH
        self.tables: list[_Table] = []
        self.token = secrets.token_hex(8)  # marks the placeholders; user text cannot guess it
        self._set_up()

    # -- set-up: page, styles, footer

    def _set_up(self) -> None:
        document = self.document
        section = document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_SHORT, A4_LONG
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, PORTRAIT_MARGIN)
        styles = document.styles
        styles["Normal"].font.size = Pt(10)
        for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Footer"):
            _use_font(styles[name], FONT)
        table_text = styles.add_style(TABLE_STYLE, 1)  # a paragraph style
        table_text.style_id = TABLE_STYLE_ID  # the cells written as text name it by this id
        table_text.base_style = styles["Normal"]
        table_text.font.size = Pt(TABLE_TEXT_SIZE)
        table_text.paragraph_format.space_before = Pt(0)
        table_text.paragraph_format.space_after = Pt(0)
        table_text.paragraph_format.line_spacing = 1.0
        for name in ("Heading 1", "Heading 2"):
            styles[name].paragraph_format.keep_with_next = True
        # The template's footer style has Letter-size tab stops that would catch the tab before "Page N of M".
        styles["Footer"].paragraph_format.tab_stops.clear_all()
        properties = document.core_properties
        properties.title = self.label
        properties.subject = self.subject
        properties.author = self.author or "Locality"
        properties.last_modified_by = "Locality"
        properties.comments = ""
        properties.created = properties.modified = datetime.combine(self.produced_on, time(), tzinfo=UTC)
        self._footer()

    def _footer(self) -> None:
        """The footer of the latest section: the document's label, then "Page N of M" at the right margin."""
        section = self.document.sections[-1]
        section.footer.is_linked_to_previous = False
        paragraph = section.footer.paragraphs[0]
        paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(self.width), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run(self.label + "\tPage ")
        paragraph._p.append(_field("PAGE", "1"))
        paragraph.add_run(" of ")
        paragraph._p.append(_field("NUMPAGES", "1"))
        for run in paragraph.runs:
            run.font.size = Pt(8)

    # -- building blocks

    def heading(self, text: str, level: int) -> Paragraph:
        return self.document.add_heading(_text(text), level)

    def paragraph(self, text: str, *, bold: bool = False, style: str | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph(style=style)
        run = paragraph.add_run(_text(text))
        run.bold = bold or None
        return paragraph

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def new_page(self) -> None:
        """What follows starts a new page: an empty paragraph that starts one itself (a page break inside a
        paragraph that fell just past a full page would leave the next page empty)."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.page_break_before = True
        paragraph.paragraph_format.space_before = Pt(0)
        paragraph.paragraph_format.space_after = Pt(0)

    def new_section(self, landscape: bool) -> None:
        self.document.add_section(WD_SECTION.NEW_PAGE)
        self._orient(landscape)
        self._footer()

    def landscape_from_start(self) -> None:
        """The first pages landscape too (the board paper is landscape throughout)."""
        self._orient(landscape=True)
        paragraph = self.document.sections[0].footer.paragraphs[0]
        paragraph.paragraph_format.tab_stops.clear_all()
        paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(self.width), WD_TAB_ALIGNMENT.RIGHT)

    def _orient(self, landscape: bool) -> None:
        """The latest section's page, margins and table width, landscape or portrait."""
        section = self.document.sections[-1]
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        if landscape:
            section.page_width, section.page_height = A4_LONG, A4_SHORT
            margin = LANDSCAPE_MARGIN
            self.width = LANDSCAPE_WIDTH
        else:
            section.page_width, section.page_height = A4_SHORT, A4_LONG
            margin = PORTRAIT_MARGIN
            self.width = PORTRAIT_WIDTH
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, margin)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        width: float = 1.0,
        shades: Sequence[str | None] | None = None,
        shaded_column: int | None = None,
        header: bool = True,
        row_height: int = 0,
    ) -> None:
        """A table here: a placeholder paragraph now, its rows written when the document is saved."""
        self.document.add_paragraph(_PLACEHOLDER.format(token=self.token, number=len(self.tables)))
        self.tables.append(
            _Table(columns, rows, int(self.width * width), shades, shaded_column, header=header, row_height=row_height)
        )
        # A paragraph after each table keeps two tables in a row from merging into one.
        self.document.add_paragraph(style=TABLE_STYLE)

    def save(self, target: Path) -> None:
        """The document written to ``target`` atomically, its tables' rows in their places."""
        with atomic_path(target) as temporary:
            save_document(self.document, self.token, self.tables, temporary, self.ticker)


def _use_font(style: Any, name: str) -> None:
    """``style`` in the font ``name`` for every script, instead of the template's theme fonts (Calibri)."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{script}"), name)
        fonts.attrib.pop(qn(f"w:{script}Theme"), None)


def _field(instruction: str, shown: str) -> object:
    """A simple Word field (PAGE, NUMPAGES) showing ``shown`` until Word updates it."""
    return parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr="{instruction}"><w:r><w:rPr><w:sz w:val="16"/></w:rPr>'
        f"<w:t>{shown}</w:t></w:r></w:fldSimple>"
    )
