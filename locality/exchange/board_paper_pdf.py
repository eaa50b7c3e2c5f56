"""The board paper as a PDF: the plan's PDF pages (A4 landscape, "Page N of M", Helvetica) with its tables, and
the charts drawn as vector graphics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from locality.exchange import board_paper
from locality.exchange.board_paper import Block, Charts, Heading, NewPage, Table, Text, Title
from locality.exchange.charts import draw_on_canvas
from locality.exchange.pdf_document import (
    FRAME_WIDTH,
    RAG_FILLS,
    Column,
    clean_text,
    grid,
    paragraph,
    write_document,
)
from locality.exchange.pdf_document import Heading as PdfHeading
from locality.exchange.render_progress import Ticker
from locality.services.board_report import BoardReport
from locality.services.plan import Cancelled, check_cancelled

__all__ = ["block_flowables", "render_board_paper_pdf", "write_paper_pdf"]

CHART_GAP = 24.0


class _ChartRow(Flowable):
    """Charts side by side, top-aligned."""

    def __init__(self, row: Charts) -> None:
        super().__init__()
        self.charts = row.charts
        self.width = sum(chart.width for chart in self.charts) + CHART_GAP * (len(self.charts) - 1)
        self.height = max(chart.height for chart in self.charts) + 12

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - Platypus API
        return self.width, self.height

    def draw(self) -> None:
        x = 0.0
        for chart in self.charts:
            draw_on_canvas(chart, self.canv, x, self.height)
            x += chart.width + CHART_GAP


def _lead_in(blocks: list[Block], index: int) -> int:
    """How many blocks just before ``blocks[index]`` lead into it: up to two headings and a sentence, starting
    with a heading (each of them one flowable in the story); 0 when there is no heading there."""
    start = index
    while start > 0 and index - start < 3 and isinstance(blocks[start - 1], Heading | Text):
        previous = blocks[start - 1]
        if isinstance(previous, Text) and (index - start > 0 or previous.text.startswith("…and")):
            break  # one sentence at most, just before the table
        start -= 1
    while start < index and not isinstance(blocks[start], Heading):
        start += 1
    return index - start


def block_flowables(blocks: list[Block], ticker: Ticker) -> list[Flowable]:
    story: list[Flowable] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Table) and index and len(block.rows) < 20:
            # The headings (a section's and a part's) and the sentence under them stay with their table.
            lead = _lead_in(blocks, index)
            if lead:
                story[-lead:] = [KeepTogether([*story[-lead:], *block_flowables([block], ticker)])]
                continue
        if isinstance(block, Title):
            story += [Spacer(1, 12), paragraph(block.text, "title")]
            if block.subtitle:
                story.append(paragraph(block.subtitle, "subtitle"))
        elif isinstance(block, Heading):
            story.append(PdfHeading(block.text, block.level))
        elif isinstance(block, Text) and block.text.startswith("…and") and isinstance(blocks[index - 1], Table):
            # "…and 460 more red actions." goes with the table it ends, never alone at the top of a page.
            note = paragraph(block.text, "body")
            last = story[-1]
            if isinstance(last, KeepTogether):  # a heading kept with its table (above)
                story[-1] = KeepTogether([*last._content, note])
            else:  # the table, then its spacer
                story[-2:] = [KeepTogether([story[-2], note]), last]
        elif isinstance(block, Text):
            story.append(paragraph(block.text, "strong" if block.strong else "body"))
        elif isinstance(block, Table):
            columns = [Column(column.heading, column.weight, column.right) for column in block.columns]
            shades = [RAG_FILLS.get(shade) if shade else None for shade in block.shades] if block.shades else None
            table = grid(columns, block.rows, ticker, shades, 0 if shades else None, width=block.width)
            story += [table, Spacer(1, 6)]
        elif isinstance(block, Charts):
            story.append(KeepTogether([_ChartRow(block)]))
        elif isinstance(block, NewPage):
            story.append(PageBreak())
    return story


def write_paper_pdf(
    blocks_for: Callable[[float], list[Block]],
    target: Path,
    *,
    title: str,
    partnership: str,
    cancelled: Cancelled | None = None,
) -> None:
    """A paper of blocks (``blocks_for`` the frame's width) written to ``target`` as a PDF, atomically, with
    "title – partnership" in each footer."""
    check_cancelled(cancelled)
    ticker = Ticker(None, cancelled, 1)
    story = block_flowables(blocks_for(FRAME_WIDTH), ticker)
    label = f"{title} – {partnership}" if partnership else title
    write_document(story, target, title=clean_text(label), author=partnership, subject=title, ticker=ticker)


def render_board_paper_pdf(report: BoardReport, target: Path, *, cancelled: Cancelled | None = None) -> None:
    """Writes ``report`` to ``target`` as a PDF, atomically."""
    write_paper_pdf(
        lambda width: board_paper.paper_blocks(report, width),
        target,
        title=board_paper.TITLE,
        partnership=report.partnership,
        cancelled=cancelled,
    )
