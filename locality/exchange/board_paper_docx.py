"""The board paper as a Word document: the plan's Word pages (Arial, tables whose columns fit their words, "Page N
of M"), on A4 landscape, with each chart embedded as a PNG picture."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from docx.shared import Pt

from locality.exchange import board_paper
from locality.exchange.board_paper import Block, Charts, Heading, NewPage, Table, Text, Title
from locality.exchange.charts import png_bytes
from locality.exchange.docx_document import LANDSCAPE_WIDTH, RAG_FILLS, Column, DocxWriter
from locality.exchange.render_progress import Ticker
from locality.services.board_report import BoardReport
from locality.services.plan import Cancelled, check_cancelled

__all__ = ["render_board_paper_docx", "write_blocks", "write_paper_docx"]


def write_blocks(writer: DocxWriter, blocks: list[Block]) -> None:
    for index, block in enumerate(blocks):
        # A heading, and a sentence leading into a table, go to the next page with what follows them.
        before_table = index + 1 < len(blocks) and isinstance(blocks[index + 1], Table)
        if isinstance(block, Title):
            writer.document.add_heading(block.text, 0)
            if block.subtitle:
                writer.paragraph(block.subtitle, style="Subtitle")
        elif isinstance(block, Heading):
            writer.heading(block.text, block.level + 1).paragraph_format.keep_with_next = True
        elif isinstance(block, Text):
            paragraph = writer.paragraph(block.text, bold=block.strong)
            if before_table and not block.text.startswith("…and"):
                paragraph.paragraph_format.keep_with_next = True
        elif isinstance(block, Table):
            columns = [Column(column.heading, column.weight, column.right) for column in block.columns]
            shades = [RAG_FILLS.get(shade) if shade else None for shade in block.shades] if block.shades else None
            writer.table(columns, block.rows, width=block.width, shades=shades, shaded_column=0 if shades else None)
        elif isinstance(block, Charts):
            # Side by side in the cells of a borderless table: pictures in one paragraph wrap in LibreOffice.
            row = writer.document.add_table(rows=1, cols=len(block.charts))
            row.autofit = False
            for cell, chart in zip(row.rows[0].cells, block.charts, strict=True):
                cell.width = Pt(chart.width + 12)
                cell.paragraphs[0].add_run().add_picture(io.BytesIO(png_bytes(chart)), width=Pt(chart.width))
        elif isinstance(block, NewPage):
            writer.new_page()


def write_paper_docx(
    blocks_for: Callable[[float], list[Block]],
    target: Path,
    *,
    title: str,
    partnership: str,
    produced_on: date,
    cancelled: Cancelled | None = None,
) -> None:
    """A paper of blocks (``blocks_for`` the page's width) written to ``target`` as a landscape Word document,
    atomically."""
    check_cancelled(cancelled)
    ticker = Ticker(None, cancelled, 1)
    label = f"{title} – {partnership}" if partnership else title
    writer = DocxWriter(label=label, subject=title, author=partnership, produced_on=produced_on, ticker=ticker)
    writer.landscape_from_start()
    write_blocks(writer, blocks_for(LANDSCAPE_WIDTH / 20))
    check_cancelled(cancelled)
    writer.save(target)


def render_board_paper_docx(report: BoardReport, target: Path, *, cancelled: Cancelled | None = None) -> None:
    """Writes ``report`` to ``target`` as a Word document, atomically."""
    write_paper_docx(
        lambda width: board_paper.paper_blocks(report, width),
        target,
        title=board_paper.TITLE,
        partnership=report.partnership,
        produced_on=report.produced_on,
        cancelled=cancelled,
    )
