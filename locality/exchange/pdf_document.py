"""The PDF documents' pages and tables (the plan and the board paper are laid out with them): A4 landscape, "Page N
of M" in the footer, tables whose header row repeats on every page, cells shaded in a colour.

The cover, headings and sentences are ReportLab Platypus paragraphs. The tables are not Platypus ``Table``s: with
``Paragraph`` cells those take about a second per thousand rows, and a large plan has 20,000 actions and 50,000
milestones. ``_Grid`` instead wraps each cell's text once (word by word, with the font's own widths), then
Platypus flows it across pages in slices, each slice drawn as plain PDF text operators under a copy of the header.
A row too tall for a page is continued on the next, header first.

The standard Helvetica font is used (nothing to embed, so the file is small and quick to write). It has the
letters of Windows-1252: English and Western European text, but not the Welsh ŵ and ŷ nor Central European
letters, which are shown by their base letter (ŵ as w, ł as l), or as "?" when they have none.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from locality.exchange.pdf_text import (
    BOLD_WIDTHS,
    CELL_SIZE,
    FONT,
    REGULAR_WIDTHS,
    Wrapper,
    clean_text,
    measure,
    pdf_escape,
)
from locality.exchange.render_progress import Ticker
from locality.exchange.text_width import BOLD
from locality.files import atomic_path

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 28.0
BOTTOM_MARGIN = 40.0
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN - BOTTOM_MARGIN

CELL_LEADING = 8.4
PAD_X = 3.0
PAD_Y = 2.5
_BASELINE = PAD_Y + CELL_SIZE * 0.8  # from the top of a cell to its first baseline

HEADER_FILL = (0.85, 0.85, 0.85)
RULE_GREY = 0.55
# Tints dark enough to tell apart, light enough for black text; the word in the cell is what counts.
RAG_FILLS: dict[str, tuple[float, float, float]] = {
    "Red": (0.898, 0.451, 0.451),
    "Amber": (1.0, 0.753, 0.302),
    "Green": (0.506, 0.780, 0.518),
}
OVERDUE_FILL = RAG_FILLS["Red"]

_TICK_ROWS = 500  # rows between progress reports and cancel checks


@dataclass(frozen=True)
class Column:
    heading: str
    weight: float  # share of the frame width
    right: bool = False  # numbers and money


Shade = tuple[float, float, float] | None


class _GridLayout:
    """Every row of a table wrapped to its column widths once; the slices drawn on each page share it."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        shades: Sequence[Shade] | None,
        shaded_column: int | None,
        *,
        header: bool,
        min_row_height: float,
        width: float,
        ticker: Ticker,
    ) -> None:
        total_weight = sum(column.weight for column in columns)
        self.width = width
        self.widths = [width * column.weight / total_weight for column in columns]
        self.right = [column.right for column in columns]
        self.lefts = [0.0]  # each column's left edge, and the table's right edge
        for column_width in self.widths:
            self.lefts.append(self.lefts[-1] + column_width)
        self.starts = [f"1 0 0 1 {left + PAD_X:.2f} " for left in self.lefts]  # left-aligned text's position
        self.rights = [left - PAD_X for left in self.lefts[1:]]  # where right-aligned text ends
        self.shaded_column = shaded_column
        regular = Wrapper(REGULAR_WIDTHS)
        limits = [column_width - 2 * PAD_X for column_width in self.widths]
        if header:
            bold = Wrapper(BOLD_WIDTHS)
            self.header_lines = [
                bold.lines(clean_text(column.heading), limit) for column, limit in zip(columns, limits, strict=True)
            ]
            self.header_height = max(len(lines) for lines in self.header_lines) * CELL_LEADING + 2 * PAD_Y
            self.header_cells = [
                _cell(lines, right, BOLD_WIDTHS) for lines, right in zip(self.header_lines, self.right, strict=True)
            ]
        else:
            self.header_lines = []
            self.header_cells = []
            self.header_height = 0.0
        # A row taller than a page goes on over as many "continued" rows as it needs.
        most_lines = max(1, int((FRAME_HEIGHT - self.header_height - 2 * PAD_Y - 4) // CELL_LEADING))
        self.cells: list[list[_Cell]] = []
        self.shades: list[Shade] = []
        self.heights: list[float] = []
        caches: list[dict[str, _Cell]] = [{} for _column in columns]
        wrap = regular.lines
        right = self.right
        for index, row in enumerate(rows):
            if index % _TICK_ROWS == 0 and index:
                ticker.advance(_TICK_ROWS)
            cells: list[_Cell] = []
            for column, text in enumerate(row):
                cache = caches[column]
                cell = cache.get(text)
                if cell is None:
                    cell = cache[text] = _cell(wrap(clean_text(text), limits[column]), right[column], REGULAR_WIDTHS)
                cells.append(cell)
            shade = shades[index] if shades is not None else None
            count = max(cell[0] for cell in cells) if cells else 0
            if count > most_lines:
                lines = [wrap(clean_text(text), limit) for text, limit in zip(row, limits, strict=True)]
                for first in range(0, count, most_lines):
                    part = [
                        _cell(cell_lines[first : first + most_lines], aligned, REGULAR_WIDTHS)
                        for cell_lines, aligned in zip(lines, right, strict=True)
                    ]
                    self._add(part, shade, most_lines, 0.0)
            else:
                self._add(cells, shade, count, min_row_height)
        ticker.advance(len(rows) - (len(rows) - 1) // _TICK_ROWS * _TICK_ROWS if rows else 0)
        self.offsets = [0.0]
        for height in self.heights:
            self.offsets.append(self.offsets[-1] + height)

    def _add(self, cells: list[_Cell], shade: Shade, lines: int, min_height: float) -> None:
        self.cells.append(cells)
        self.shades.append(shade)
        self.heights.append(max(max(lines, 1) * CELL_LEADING + 2 * PAD_Y, min_height))


# A cell ready to draw: its number of lines, then either the lines escaped and joined by "next line" operators
# (left-aligned text) or each escaped line with its width (right-aligned numbers).
_Cell = tuple[int, str | tuple[tuple[str, float], ...]]


def _cell(lines: list[str], right: bool, widths: dict[str, float]) -> _Cell:
    if right:
        return len(lines), tuple((pdf_escape(line), measure(line, widths)) for line in lines)
    return len(lines), ") Tj T* (".join(map(pdf_escape, lines))


class _Grid(Flowable):
    """Rows ``start`` to ``end`` of a laid-out table, under its header."""

    def __init__(self, layout: _GridLayout, start: int, end: int, ticker: Ticker) -> None:
        super().__init__()
        self.layout = layout
        self.start = start
        self.end = end
        self.ticker = ticker
        self.width = layout.width
        self.height = self._height(end)

    def _height(self, end: int) -> float:
        return self.layout.header_height + self.layout.offsets[end] - self.layout.offsets[self.start]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - Platypus API
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - Platypus API
        layout = self.layout
        room = availHeight - layout.header_height + layout.offsets[self.start]
        end = bisect.bisect_right(layout.offsets, room + 1e-6, self.start, self.end + 1) - 1
        if end <= self.start:
            return []  # not even one row fits: on to the next page
        return [_Grid(layout, self.start, end, self.ticker), _Grid(layout, end, self.end, self.ticker)]

    def draw(self) -> None:
        self.ticker.check()
        canvas = self.canv
        layout = self.layout
        regular = canvas._doc.getInternalFontName(FONT)  # registers the font on the page too
        bold = canvas._doc.getInternalFontName(BOLD)
        fills: list[str] = []
        text: list[str] = []
        rules: list[str] = []
        lefts, starts, rights = layout.lefts, layout.starts, layout.rights
        width = f"{self.width:.2f}"
        top = self.height
        if layout.header_lines:
            bottom = top - layout.header_height
            fills.append(f"{HEADER_FILL[0]} {HEADER_FILL[1]} {HEADER_FILL[2]} rg")
            fills.append(f"0 {bottom:.2f} {width} {layout.header_height:.2f} re f")
            text.append(f"{bold} {CELL_SIZE} Tf {CELL_LEADING} TL")
            _draw_cells(text, layout.header_cells, starts, rights, top)
            rules.append(f"0 {top:.2f} m {width} {top:.2f} l")
            top = bottom
        text.append(f"{regular} {CELL_SIZE} Tf {CELL_LEADING} TL")
        shaded = layout.shaded_column
        for index in range(self.start, self.end):
            height = layout.heights[index]
            bottom = top - height
            shade = layout.shades[index]
            if shade is not None and shaded is not None:
                fills.append(f"{shade[0]} {shade[1]} {shade[2]} rg")
                fills.append(f"{lefts[shaded]:.2f} {bottom:.2f} {layout.widths[shaded]:.2f} {height:.2f} re f")
            _draw_cells(text, layout.cells[index], starts, rights, top)
            rules.append(f"0 {top:.2f} m {width} {top:.2f} l")
            top = bottom
        rules.append(f"0 {top:.2f} m {width} {top:.2f} l")
        for left in lefts:
            rules.append(f"{left:.2f} {top:.2f} m {left:.2f} {self.height:.2f} l")
        canvas.addLiteral(
            "q\n"
            + "\n".join(fills)
            + f"\n{RULE_GREY} G 0.4 w\n"
            + "\n".join(rules)
            + "\nS\n0 g\nBT\n"
            + "\n".join(text)
            + "\nET\nQ"
        )
        self.ticker.advance(self.end - self.start)


def _draw_cells(out: list[str], cells: list[_Cell], starts: list[str], rights: list[float], top: float) -> None:
    """PDF text operators for one row's cells, its top at ``top``."""
    baseline = top - _BASELINE
    y = f"{baseline:.2f} Tm ("
    for column, (count, payload) in enumerate(cells):
        if not count:
            continue
        if isinstance(payload, str):
            out.append(f"{starts[column]}{y}{payload}) Tj")
            continue
        line_y = baseline
        for escaped, line_width in payload:
            out.append(f"1 0 0 1 {rights[column] - line_width:.2f} {line_y:.2f} Tm ({escaped}) Tj")
            line_y -= CELL_LEADING


_STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=28, leading=34, spaceAfter=18),
    "subtitle": ParagraphStyle("subtitle", fontName=BOLD, fontSize=18, leading=23, spaceAfter=10),
    "cover": ParagraphStyle("cover", fontName=FONT, fontSize=12, leading=16, spaceAfter=4),
    "h1": ParagraphStyle("h1", fontName=BOLD, fontSize=16, leading=20, spaceAfter=8),
    "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, spaceAfter=4),
    "strong": ParagraphStyle("strong", fontName=BOLD, fontSize=10, leading=13, spaceAfter=8),
}


class Heading(Paragraph):
    """A section heading: also an entry in the PDF's bookmarks."""

    def __init__(self, text: str, level: int) -> None:
        super().__init__(xml_escape(clean_text(text)), _STYLES["h1" if level == 0 else "h2"])
        self.title = clean_text(text)
        self.level = level

    def draw(self) -> None:
        super().draw()
        key = f"section-{id(self)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(self.title, key, level=self.level)


def paragraph(text: str, style: str) -> Paragraph:
    return Paragraph(xml_escape(clean_text(text)).replace("\n", "<br/>"), _STYLES[style])


def grid(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    ticker: Ticker,
    shades: Sequence[Shade] | None = None,
    shaded_column: int | None = None,
    *,
    header: bool = True,
    min_row_height: float = 0.0,
    width: float = 1.0,  # share of the page's width
    frame_width: float = FRAME_WIDTH,
) -> Flowable:
    """A table of ``rows`` under a header of the ``columns`` that repeats on each page it flows over."""
    layout = _GridLayout(
        columns,
        rows,
        shades,
        shaded_column,
        header=header,
        min_row_height=min_row_height,
        width=frame_width * width,
        ticker=ticker,
    )
    return _Grid(layout, 0, len(layout.heights), ticker)


def numbered_canvas(footer: str, ticker: Ticker) -> Callable[..., Canvas]:
    """A canvas class holding pages back until the end, so each footer can say "Page N of M"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []
            self._page_bookmarks: list[str] = []

        def bookmarkPage(self, key: str, **kwargs: Any) -> None:  # noqa: N802 - ReportLab API
            # A bookmark names the page being written, which only exists once the held pages are written out.
            self._page_bookmarks.append(key)

        def showPage(self) -> None:  # noqa: N802 - ReportLab API
            self._held_pages.append(dict(self.__dict__))
            self._page_bookmarks = []
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                if number % 100 == 0:
                    ticker.check()
                self.__dict__.update(state)
                for key in self._page_bookmarks:
                    Canvas.bookmarkPage(self, key)
                self.setFont(FONT, 8)
                self.setFillGray(0.3)
                self.drawString(MARGIN, BOTTOM_MARGIN / 2, footer)
                self.drawRightString(PAGE_WIDTH - MARGIN, BOTTOM_MARGIN / 2, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def footer_text(label: str) -> str:
    """``label`` on one line, cut to leave room for "Page N of M" beside it."""
    text = clean_text(label).replace("\n", " ")
    limit = FRAME_WIDTH - 120  # room left for "Page N of M"
    if pdfmetrics.stringWidth(text, FONT, 8) <= limit:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, 8) > limit:
        text = text[:-1]
    return text.rstrip() + "…"


@contextmanager
def binary_streams() -> Iterator[None]:
    """Page streams compressed but not ASCII85-encoded while writing: that encoding is pure Python without
    ReportLab's optional accelerator, and took over half the time of a large plan."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def write_document(
    story: list[Flowable], target: Path, *, title: str, author: str, subject: str, ticker: Ticker
) -> None:
    """``story`` laid out on A4 landscape pages and written to ``target`` atomically, ``title`` and "Page N of M" in
    each footer."""
    title = clean_text(title)
    with atomic_path(target) as temporary, binary_streams():
        document = BaseDocTemplate(
            str(temporary),
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            title=title,
            author=clean_text(author),
            subject=subject,
            creator="Locality",
        )
        no_padding = {"leftPadding": 0, "bottomPadding": 0, "rightPadding": 0, "topPadding": 0}
        frame = Frame(MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="body", **no_padding)
        document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        document.build(story, canvasmaker=numbered_canvas(footer_text(title), ticker))
        ticker.check()
