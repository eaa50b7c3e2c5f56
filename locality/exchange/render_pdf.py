"""The joint action plan as a PDF: A4 landscape, "Page N of M" in the footer, tables whose header row repeats on
every page, the RAG as a word in a cell shaded in its colour.

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
import re
import unicodedata
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
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Spacer

from locality.domain.values import format_date, format_money
from locality.exchange.plan_rows import (
    action_row,
    indicator_row,
    milestone_row,
    need_row,
)
from locality.exchange.render_progress import Ticker, table_rows
from locality.exchange.text_width import BOLD, REGULAR, width_table
from locality.files import atomic_path
from locality.services.dashboard import RAG_SPLIT_TITLE
from locality.services.plan import Cancelled, Plan, Progress, check_cancelled

# The plan's renderer, and the pieces the board paper (board_paper_pdf) lays out its pages with.
__all__ = [
    "Column",
    "Heading",
    "clean_text",
    "grid",
    "paragraph",
    "render_pdf",
    "write_document",
]

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 28.0
BOTTOM_MARGIN = 40.0
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN - BOTTOM_MARGIN

FONT = REGULAR
CELL_SIZE = 7.0
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

CONFIDENTIAL_IN = "Includes confidential notes and contact details"
CONFIDENTIAL_OUT = "Confidential notes and personal contact details are left out"

_TICK_ROWS = 500  # rows between progress reports and cancel checks


# --- text: what Helvetica can show, its widths, PDF string escapes ---------------------------------------


_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` as Helvetica (WinAnsi) can show it: control characters gone, other letters by their base letter."""
    if text.isascii():
        return text if text.isprintable() else _CONTROLS.sub(_control, text)
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return "".join(_shown_char(char) for char in text)
    return _CONTROLS.sub(_control, text)


def _control(match: re.Match[str]) -> str:
    return " " if match[0] in "\t\r\v\f" else ""


# Letters with no decomposition to a base letter.
_BASE_LETTERS = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŧ": "T", "ŧ": "t"}


def _shown_char(char: str) -> str:
    if char == "\n":
        return char
    if char in "\t\r\v\f":
        return " "
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return ""
    try:
        char.encode("cp1252")
        return char
    except UnicodeEncodeError:
        base = unicodedata.normalize("NFKD", _BASE_LETTERS.get(char, char))
        base = base.encode("cp1252", "ignore").decode("cp1252")
        return base if base.strip() else "?"


_REGULAR_WIDTHS = width_table(FONT, CELL_SIZE)
_BOLD_WIDTHS = width_table(BOLD, CELL_SIZE)


def _escape_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in range(256):
        try:
            char = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        table[char] = char if 32 <= code < 127 and char not in "\\()" else f"\\{code:03o}"
    return table


_ESCAPES = _escape_table()


def _escape(text: str) -> str:
    """``text`` (already cleaned) as the inside of a PDF literal string in WinAnsi bytes."""
    if text.isascii() and "(" not in text and ")" not in text and "\\" not in text:
        return text
    return "".join(map(_ESCAPES.__getitem__, text))


def _measure(text: str, widths: dict[str, float]) -> float:
    return sum(map(widths.__getitem__, text))


class _Wrapper:
    """Breaks cleaned text into lines no wider than a column, remembering word widths (names repeat a lot)."""

    def __init__(self, widths: dict[str, float]) -> None:
        self.widths = widths
        self.space = widths[" "]
        self.narrowest = min(widths.values())
        self.words: dict[str, float] = {}

    def _measured(self, word: str) -> float:
        width = self.words[word] = _measure(word, self.widths)
        return width

    def lines(self, text: str, limit: float) -> list[str]:
        if not text:
            return []
        widths = self.widths
        known = self.words
        space = self.space
        result: list[str] = []
        for paragraph in text.split("\n"):
            if len(paragraph) * self.narrowest <= limit and _measure(paragraph, widths) <= limit:
                result.append(paragraph)
                continue
            words = paragraph.split()
            sizes = [known[word] if word in known else self._measured(word) for word in words]
            if sizes and max(sizes) > limit:
                words, sizes = self._broken(words, sizes, limit)
            first = 0
            used = -space
            for index, size in enumerate(sizes):
                used += space + size
                if used > limit and index > first:
                    result.append(" ".join(words[first:index]))
                    first = index
                    used = size
            if first < len(words):
                result.append(" ".join(words[first:]))
        return result

    def _broken(self, words: list[str], sizes: list[float], limit: float) -> tuple[list[str], list[float]]:
        """Words wider than the column (a web address, a code) broken between letters."""
        out_words: list[str] = []
        out_sizes: list[float] = []
        for word, size in zip(words, sizes, strict=True):
            if size <= limit:
                out_words.append(word)
                out_sizes.append(size)
                continue
            piece = ""
            used = 0.0
            for char in word:
                width = self.widths[char]
                if piece and used + width > limit:
                    out_words.append(piece)
                    out_sizes.append(used)
                    piece, used = "", 0.0
                piece += char
                used += width
            if piece:
                out_words.append(piece)
                out_sizes.append(used)
        return out_words, out_sizes


# --- progress and cancel ---------------------------------------------------------------------------------


# --- tables ----------------------------------------------------------------------------------------------


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
        regular = _Wrapper(_REGULAR_WIDTHS)
        limits = [column_width - 2 * PAD_X for column_width in self.widths]
        if header:
            bold = _Wrapper(_BOLD_WIDTHS)
            self.header_lines = [
                bold.lines(clean_text(column.heading), limit) for column, limit in zip(columns, limits, strict=True)
            ]
            self.header_height = max(len(lines) for lines in self.header_lines) * CELL_LEADING + 2 * PAD_Y
            self.header_cells = [
                _cell(lines, right, _BOLD_WIDTHS) for lines, right in zip(self.header_lines, self.right, strict=True)
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
                    cell = cache[text] = _cell(wrap(clean_text(text), limits[column]), right[column], _REGULAR_WIDTHS)
                cells.append(cell)
            shade = shades[index] if shades is not None else None
            count = max(cell[0] for cell in cells) if cells else 0
            if count > most_lines:
                lines = [wrap(clean_text(text), limit) for text, limit in zip(row, limits, strict=True)]
                for first in range(0, count, most_lines):
                    part = [
                        _cell(cell_lines[first : first + most_lines], aligned, _REGULAR_WIDTHS)
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
        return len(lines), tuple((_escape(line), _measure(line, widths)) for line in lines)
    return len(lines), ") Tj T* (".join(map(_escape, lines))


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


# --- the document ----------------------------------------------------------------------------------------

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


class _Renderer:
    def __init__(self, plan: Plan, ticker: Ticker) -> None:
        self.plan = plan
        self.ticker = ticker

    def grid(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        shades: Sequence[Shade] | None = None,
        shaded_column: int | None = None,
        **options: Any,
    ) -> Flowable:
        return grid(columns, rows, self.ticker, shades, shaded_column, **options)

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self.cover()
        story += [PageBreak(), *self.summary()]
        story += [PageBreak(), *self.needs()]
        story += [PageBreak(), *self.actions()]
        story += [PageBreak(), *self.milestones()]
        story += [PageBreak(), *self.indicators()]
        story += [PageBreak(), *self.sign_off()]
        return story

    def cover(self) -> list[Flowable]:
        plan = self.plan
        story: list[Flowable] = [Spacer(1, 60), paragraph("Joint action plan", "title")]
        if plan.partnership:
            story.append(paragraph(plan.partnership, "subtitle"))
        if plan.area:
            story.append(paragraph(plan.area, "cover"))
        if plan.period:
            story.append(paragraph(f"Plan period: {plan.period}", "cover"))
        story.append(paragraph(f"Produced on {format_date(plan.generated_on)}", "cover"))
        story.append(Spacer(1, 12))
        story.append(paragraph("Filters used", "h2"))
        story += [paragraph(line, "cover") for line in plan.filters or ("All actions",)]
        story.append(Spacer(1, 12))
        story.append(paragraph(CONFIDENTIAL_IN if plan.confidential_included else CONFIDENTIAL_OUT, "strong"))
        return story

    def summary(self) -> list[Flowable]:
        summary = self.plan.summary
        story: list[Flowable] = [Heading("Summary", 0)]
        key_figures = [
            ("Actions in the plan", f"{summary.actions_total:,}"),
            ("Needs in the plan", f"{summary.needs_total:,}"),
            ("Needs shared by two or more organisations", f"{summary.shared_needs:,}"),
            ("Total budget", format_money(summary.budget_pence)),
            ("Total spend", format_money(summary.spend_pence)),
        ]
        story.append(self.grid([Column("Figure", 3), Column("Value", 1, right=True)], key_figures, width=0.5))
        story.append(Heading("Actions by status", 1))
        story.append(
            self.grid(
                [Column("Status", 3), Column("Actions", 1, right=True)],
                [(row.label, f"{row.count:,}") for row in summary.by_status],
                width=0.35,
            )
        )
        story.append(Heading(RAG_SPLIT_TITLE, 1))
        story.append(
            self.grid(
                [Column("RAG", 3), Column("Actions", 1, right=True)],
                [(row.label, f"{row.count:,}") for row in summary.by_rag],
                [RAG_FILLS.get(row.label) for row in summary.by_rag],
                0,
                width=0.35,
            )
        )
        story.append(Heading("By theme", 1))
        if summary.by_theme:
            story.append(
                self.grid(
                    [
                        Column("Theme", 4),
                        Column("Needs", 1, right=True),
                        Column("Actions", 1, right=True),
                        Column("Budget", 1.5, right=True),
                        Column("Spend", 1.5, right=True),
                    ],
                    [
                        (
                            row.theme,
                            f"{row.needs:,}",
                            f"{row.actions:,}",
                            format_money(row.budget_pence),
                            format_money(row.spend_pence),
                        )
                        for row in summary.by_theme
                    ],
                    width=0.75,
                )
            )
        else:
            story.append(paragraph("There are no themes to show.", "body"))
        story.append(Heading("Partner organisations", 1))
        organisations = self.plan.organisations
        if not organisations:
            story.append(paragraph("There are no organisations in this plan.", "body"))
        elif self.plan.confidential_included:
            columns = [Column("Organisation", 4), Column("Short name", 1.5), Column("Type", 2)]
            columns += [Column("Contact", 2), Column("E-mail", 3)]
            rows = [(o.name, o.short_name, o.type, o.contact_name, o.contact_email) for o in organisations]
            story.append(self.grid(columns, rows))
        else:
            columns = [Column("Organisation", 4), Column("Short name", 1.5), Column("Type", 2)]
            story.append(self.grid(columns, [(o.name, o.short_name, o.type) for o in organisations]))
        return story

    def needs(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Needs addressed", 0)]
        if not self.plan.needs:
            return [*story, paragraph("There are no needs in this plan.", "body")]
        columns = [
            Column("Need", 180),
            Column("Theme", 100),
            Column("Organisations", 150),
            Column("Priority", 48),
            Column("Status", 64),
            Column("Actions", 40, right=True),
            Column("Notes", 200),
        ]
        return [*story, self.grid(columns, [need_row(need) for need in self.plan.needs])]

    def actions(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Actions", 0)]
        if not self.plan.actions:
            return [*story, paragraph("There are no actions in this plan.", "body")]
        columns = [
            Column("Action", 110),
            Column("Theme", 60),
            Column("Lead and partners", 100),
            Column("Needs addressed", 90),
            Column("Start", 42),
            Column("Due", 42),
            Column("Status", 44),
            Column("RAG", 70),
            Column("Done", 26, right=True),
            Column("Budget", 52, right=True),
            Column("Spend", 52, right=True),
            Column("Latest progress", 98),
        ]
        actions = self.plan.actions
        shades = [RAG_FILLS.get(action.rag.value) if action.rag is not None else None for action in actions]
        return [*story, self.grid(columns, [action_row(action) for action in actions], shades, 7)]

    def milestones(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Milestones", 0)]
        milestones = self.plan.milestones
        if not milestones:
            return [*story, paragraph("There are no milestones in this plan.", "body")]
        columns = [
            Column("Action", 300),
            Column("Milestone", 280),
            Column("Due", 64),
            Column("Done", 64),
            Column("Progress", 70),
        ]
        shades = [OVERDUE_FILL if milestone.overdue else None for milestone in milestones]
        return [*story, self.grid(columns, [milestone_row(milestone) for milestone in milestones], shades, 4)]

    def indicators(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Indicators", 0)]
        if not self.plan.indicators:
            return [*story, paragraph("There are no indicators in this plan.", "body")]
        columns = [
            Column("Indicator", 150),
            Column("Unit", 60),
            Column("Direction", 70),
            Column("Baseline", 55, right=True),
            Column("Baseline date", 50),
            Column("Target", 55, right=True),
            Column("Target date", 50),
            Column("Latest", 55, right=True),
            Column("Latest date", 50),
            Column("To target", 45, right=True),
            Column("Evidences", 146),
        ]
        return [*story, self.grid(columns, [indicator_row(row) for row in self.plan.indicators])]

    def sign_off(self) -> list[Flowable]:
        lines = self.plan.sign_off
        story: list[Flowable] = [Heading("Sign-off", 0)]
        if not lines:
            return story
        story.append(paragraph(lines[0], "strong"))
        if len(lines) > 1:
            rows = [(label, "") for label in lines[1:]]
            story.append(
                self.grid(
                    [Column("", 1), Column("", 4)], rows, header=False, min_row_height=CELL_LEADING * 4, width=0.75
                )
            )
        return story


# --- pages and footer ------------------------------------------------------------------------------------


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


def render_pdf(
    plan: Plan,
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    """Write ``plan`` to ``target`` as a PDF, atomically; a ``cancelled()`` that returns True raises
    ``ExportCancelled`` and leaves ``target`` as it was."""
    check_cancelled(cancelled)
    rows = table_rows(plan)
    ticker = Ticker(progress, cancelled, 2 * rows + 1)
    story = _Renderer(plan, ticker).story()
    title = f"Joint action plan – {plan.partnership}" if plan.partnership else "Joint action plan"
    write_document(story, target, title=title, author=plan.partnership, subject="Joint action plan", ticker=ticker)
    if progress is not None:
        progress(ticker.total, ticker.total)
