"""How RAG ratings look: a word and a colour together (never colour alone), readable in greyscale print."""

from __future__ import annotations

from PySide6.QtGui import QColor

from locality.domain.vocabulary import Rag

RAG_BACKGROUND = {
    Rag.RED: QColor("#f4c7c3"),
    Rag.AMBER: QColor("#fde7b0"),
    Rag.GREEN: QColor("#cfe8d5"),
}
RAG_FOREGROUND = {
    Rag.RED: QColor("#7f1d1d"),
    Rag.AMBER: QColor("#6b4a00"),
    Rag.GREEN: QColor("#1b4d2b"),
}


def rag_text(rag: Rag | None) -> str:
    return rag.value if rag is not None else "Not rated"


def rag_style(rag: Rag | None) -> str:
    """A style sheet fragment for a label showing ``rag``."""
    if rag is None:
        return "background: #eceff1; color: #37474f; padding: 2px 8px; border-radius: 3px;"
    return (
        f"background: {RAG_BACKGROUND[rag].name()}; color: {RAG_FOREGROUND[rag].name()}; "
        "padding: 2px 8px; border-radius: 3px; font-weight: bold;"
    )
