"""Keeping user text as text in spreadsheets: a cell starting with = + - @ (or a tab / carriage return) would
otherwise be read by Excel or LibreOffice as a formula, which can run commands or leak data."""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` prefixed with a single quote when a spreadsheet would read it as a formula; otherwise as it is."""
    if text and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
