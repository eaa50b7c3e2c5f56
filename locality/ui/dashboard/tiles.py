"""A dashboard figure: a big number with its caption, which opens the list behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from locality.domain.values import format_money
from locality.domain.vocabulary import Rag
from locality.services.dashboard import DashboardFigures
from locality.ui.dashboard.wording import compact_money
from locality.ui.rag import RAG_BACKGROUND, RAG_FOREGROUND
from locality.ui.style import text_points


class FigureTile(QFrame):
    """A big number with a label beneath; clicking it (or Enter or Space when it has focus) opens its list."""

    clicked = Signal()

    def __init__(self, key: str, caption: str, tooltip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"{key}Tile")
        self.setProperty("figureTile", True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(tooltip or f"Click to see the {caption.lower()}")
        self.setMinimumWidth(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.number = QLabel("…")
        self.number.setObjectName("tileNumber")
        self.number.setTextFormat(Qt.TextFormat.RichText)
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        self._caption_text = caption
        self.setAccessibleName(caption)  # until its figure arrives: then "12 Actions rated Red"
        self.plain()

    def plain(self) -> None:
        self.colours("#ffffff", "#263238")

    def colours(self, background: str, foreground: str) -> None:
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ background: {background}; border: 1px solid #cfd8dc; border-radius: 6px; }}"
            f"QFrame#{self.objectName()}:focus {{ border: 2px solid #00796b; }}"
            f"QFrame#{self.objectName()}:hover {{ border: 1px solid #00796b; }}"
            f"QLabel {{ color: {foreground}; background: transparent; }}"
        )

    def set_value(self, value: str, caption: str | None = None) -> None:
        if caption is not None:
            self._caption_text = caption
            self.caption.setText(caption)
        self.number.setText(f"<span style='font-size:{text_points(20)}; font-weight:600'>{value}</span>")
        self.setAccessibleName(f"{value} {self._caption_text}")

    @property
    def value_text(self) -> str:
        """The number as shown, without its mark-up."""
        text = self.number.text()
        return text[text.find(">") + 1 : text.rfind("<")]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


def show_tile_figures(tiles: dict[str, FigureTile], figures: DashboardFigures) -> None:
    """Puts ``figures`` on the tiles, each keyed as the overview builds them."""
    tiles["actions"].set_value(f"{figures.actions_total:,}")
    reds = figures.rag_count(Rag.RED)
    tiles["red"].set_value(f"{reds:,}")
    # Red only when something is: a red tile saying 0 alarms for nothing.
    if reds:
        tiles["red"].colours(RAG_BACKGROUND[Rag.RED].name(), RAG_FOREGROUND[Rag.RED].name())
    else:
        tiles["red"].plain()
    tiles["overdue"].set_value(f"{figures.overdue_actions:,}")
    tiles["overdueMilestones"].set_value(f"{len(figures.overdue_milestones):,}")
    tiles["dueSoon"].set_value(f"{len(figures.due_soon):,}", f"Actions due in the next {figures.due_soon_days} days")
    tiles["sharedUnaddressed"].set_value(f"{figures.shared_needs_unaddressed:,}")
    tiles["noNeed"].set_value(f"{figures.actions_without_need:,}")
    assessed = figures.indicators_on_track + figures.indicators_off_track
    tiles["indicators"].set_value(
        f"{figures.indicators_on_track:,}",
        f"of {assessed:,} indicators on track"
        + (f" ({figures.indicators_not_assessed:,} cannot be assessed)" if figures.indicators_not_assessed else ""),
    )
    for key, pence in (
        ("budget", figures.budget_pence),
        ("allocated", figures.allocated_pence),
        ("spent", figures.spent_pence),
    ):
        tiles[key].set_value(compact_money(pence))
        tiles[key].setToolTip(f"{format_money(pence)} exactly. Click to open the funding page.")
    tiles["overspent"].set_value(f"{len(figures.overspent):,}")
