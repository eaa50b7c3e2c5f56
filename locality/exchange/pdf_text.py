"""Text in the PDFs: what the standard Helvetica font can show (Windows-1252; other letters by their base letter,
or "?"), its widths, PDF string escapes, and wrapping a cell's text word by word to a width."""

from __future__ import annotations

import re
import unicodedata

from locality.exchange.text_width import BOLD, REGULAR, width_table

FONT = REGULAR
CELL_SIZE = 7.0

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


REGULAR_WIDTHS = width_table(FONT, CELL_SIZE)
BOLD_WIDTHS = width_table(BOLD, CELL_SIZE)


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


def pdf_escape(text: str) -> str:
    """``text`` (already cleaned) as the inside of a PDF literal string in WinAnsi bytes."""
    if text.isascii() and "(" not in text and ")" not in text and "\\" not in text:
        return text
    return "".join(map(_ESCAPES.__getitem__, text))


def measure(text: str, widths: dict[str, float]) -> float:
    return sum(map(widths.__getitem__, text))


class Wrapper:
    """Breaks cleaned text into lines no wider than a column, remembering word widths (names repeat a lot)."""

    def __init__(self, widths: dict[str, float]) -> None:
        self.widths = widths
        self.space = widths[" "]
        self.narrowest = min(widths.values())
        self.words: dict[str, float] = {}

    def _measured(self, word: str) -> float:
        width = self.words[word] = measure(word, self.widths)
        return width

    def lines(self, text: str, limit: float) -> list[str]:
        if not text:
            return []
        widths = self.widths
        known = self.words
        space = self.space
        result: list[str] = []
        for paragraph in text.split("\n"):
            if len(paragraph) * self.narrowest <= limit and measure(paragraph, widths) <= limit:
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
