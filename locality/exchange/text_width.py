"""How wide text is in the standard Helvetica font (Arial has the same widths), from ReportLab's metrics.

The PDF renderer wraps its table cells by these widths; the Word renderer sizes its table columns by them, so a
date or a short word always has room for itself on one line.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.pdfbase import pdfmetrics

REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"


def width_table(font: str, size: float) -> dict[str, float]:
    """The width of each character the font can show (its WinAnsi letters), in points at ``size``."""
    widths = pdfmetrics.getFont(font).widths  # 1/1000 em, by WinAnsi code
    table: dict[str, float] = {}
    for code, width in enumerate(widths):
        try:
            table[bytes([code]).decode("cp1252")] = width * size / 1000.0
        except UnicodeDecodeError:
            continue
    return table


class WordWidths:
    """Widths of words at one font and size; a letter the table lacks (Welsh ŵ, Polish ł) counts as an "M"."""

    def __init__(self, font: str, size: float) -> None:
        self.widths = width_table(font, size)
        self.unknown = self.widths["M"]
        self._known: dict[str, float] = {}

    def of(self, text: str) -> float:
        known = self._known.get(text)
        if known is None:
            get, unknown = self.widths.get, self.unknown
            known = self._known[text] = sum(get(char, unknown) for char in text)
        return known

    def widest_word(self, texts: Iterable[str]) -> float:
        """The width of the widest word (a run without spaces or line breaks) in ``texts``; 0 when there are none."""
        words: set[str] = set()
        for text in texts:
            words.update(text.split())
        return max(map(self.of, words), default=0.0)

    def widest_line(self, texts: Iterable[str]) -> float:
        """The width of the widest line in ``texts``, each text's lines as they would be shown."""
        lines: set[str] = set()
        for text in texts:
            lines.update(text.split("\n"))
        return max(map(self.of, lines), default=0.0)
