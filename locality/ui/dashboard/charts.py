"""The dashboard's charts: open actions by RAG, actions by status, and funding allocated and spent by source.
Each slice or bar opens the list behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QPieSlice,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from locality.domain.funding import FundingSourceChoice, choice_of
from locality.domain.values import format_money
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.dashboard import RAG_SPLIT_TITLE, SPEND_CHART_TITLE, STATUS_CHART_TITLE, DashboardFigures
from locality.ui.dashboard.wording import short_name, spend_scale
from locality.ui.rag import RAG_BACKGROUND, RAG_FOREGROUND
from locality.ui.style import set_tone

NOT_RATED_COLOUR = QColor("#cfd8dc")
STATUS_COLOUR = QColor("#4db6ac")
SPEND_COLOURS = (QColor("#90a4ae"), QColor("#4db6ac"), QColor("#00796b"))
#: Funding sources given their own bars in the spend chart (the rest are in the chart's tooltip and on the
#: funding page).
MOST_SOURCES_CHARTED = 6


class ChartPanel(QWidget):
    """A chart, or a sentence saying what it would show when there is nothing to chart yet."""

    def __init__(self, name: str, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.chart.setTitle(title)
        title_font = QFont(self.chart.titleFont())
        title_font.setBold(True)
        self.chart.setTitleFont(title_font)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(4)
        self.view = QChartView(self.chart)
        self.view.setObjectName(f"{name}Chart")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumSize(300, 260)
        self.view.setAccessibleName(title)
        self.view.viewport().setAccessibleName(title)  # takes focus when clicked, so it is announced too
        self.empty = QLabel(empty_text)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumSize(300, 260)
        set_tone(self.empty, "muted", "border: 1px dashed #cfd8dc; border-radius: 6px; padding: 12px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        self.set_empty(False)

    def set_empty(self, empty: bool) -> None:
        self.view.setVisible(not empty)
        self.empty.setVisible(empty)

    def replace_series(self, series: Any) -> None:
        self.chart.removeAllSeries()
        for axis in list(self.chart.axes()):
            self.chart.removeAxis(axis)
        self.chart.addSeries(series)


class RagChart(ChartPanel):
    """Open actions by RAG; a slice opens the actions list on that rating."""

    def __init__(self, open_rag: Callable[[Rag | None], None], parent: QWidget | None = None) -> None:
        super().__init__(
            "rag",
            RAG_SPLIT_TITLE,
            "No open actions yet. Add actions on the Actions page; their Red, Amber and Green ratings appear here.",
            parent,
        )
        self._open_rag = open_rag
        self.slices: dict[Rag | None, QPieSlice] = {}

    def draw(self, figures: DashboardFigures) -> None:
        series = QPieSeries()
        series.setObjectName("ragSeries")
        self.slices = {}
        for rag, count in figures.rag_split:
            if count == 0:
                continue
            label = rag.value if rag is not None else "Not rated"
            piece = series.append(f"{label}: {count:,}", count)
            piece.setBrush(RAG_BACKGROUND[rag] if rag is not None else NOT_RATED_COLOUR)
            piece.setBorderColor(RAG_FOREGROUND[rag] if rag is not None else QColor("#37474f"))
            piece.setBorderWidth(2)
            piece.setLabelVisible(True)
            piece.setLabelColor(QColor("#263238"))
            piece.clicked.connect(lambda rag=rag: self._open_rag(rag))
            piece.hovered.connect(lambda state, piece=piece: piece.setExploded(state))
            self.slices[rag] = piece
        self.replace_series(series)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.set_empty(figures.open_actions == 0)


class StatusChart(ChartPanel):
    """Actions by status; a bar opens the actions list on that status."""

    def __init__(self, open_status: Callable[[ActionStatus], None], parent: QWidget | None = None) -> None:
        super().__init__(
            "status",
            STATUS_CHART_TITLE,
            "No actions yet. Add actions on the Actions page to see how many are proposed, planned, in progress "
            "and completed.",
            parent,
        )
        self._open_status = open_status
        #: The chart's bars and the status each stands for, in the same order.
        self.bars = QBarSet("Actions")
        self.categories: list[ActionStatus] = []

    def draw(self, figures: DashboardFigures) -> None:
        bars = QBarSet("Actions")
        bars.setColor(STATUS_COLOUR)
        bars.setBorderColor(QColor("#00695c"))
        bars.setLabelColor(QColor("#263238"))
        # Bars run from the top in the vocabulary's order: a horizontal chart lists categories bottom up.
        statuses = [status for status, _count in reversed(figures.by_status)]
        for status in statuses:
            bars.append(figures.status_count(status))
        series = QHorizontalBarSeries()
        series.setObjectName("statusSeries")
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        bars.clicked.connect(lambda index: self._open_status(statuses[index]))
        self.bars = bars
        self.categories = statuses
        chart = self.chart
        self.replace_series(series)
        axis_y = QBarCategoryAxis()
        axis_y.append([status.value for status in statuses])
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_x = QValueAxis()
        axis_x.setLabelFormat("%d")
        axis_x.setRange(0, max([count for _s, count in figures.by_status] + [1]) * 1.2)
        axis_x.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().setVisible(False)
        self.set_empty(figures.actions_total == 0)


class SpendChart(ChartPanel):
    """Allocated and spent by funding source; a bar opens the funding page on its source."""

    def __init__(
        self, open_source: Callable[[FundingSourceChoice | None], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "spend",
            SPEND_CHART_TITLE,
            "No budgets, allocations or spend yet. Give actions a budget and record funding and spend to see "
            "them here.",
            parent,
        )
        self._open_source = open_source
        #: The chart's categories: each funding source (``NO_FUNDING_SOURCE`` for spend charged to no source, as
        #: the funding page's source filter has it); None for the whole plan when no source has any money.
        self.categories: list[FundingSourceChoice | None] = []
        self.sets: list[QBarSet] = []
        #: Bar values are pounds divided by this.
        self.scale = 1

    def draw(self, figures: DashboardFigures) -> None:
        """Allocated and spent for each funding source, side by side. The whole plan is not a bar among them:
        beside it every source's bars were slivers (it is their sum), and the tiles above show it. With no
        funding source, the one pair of bars is the whole plan's."""
        sources = figures.by_source[:MOST_SOURCES_CHARTED]
        self.categories = [choice_of(source.source_id) for source in sources] or [None]
        columns = [(source.allocated_pence, source.spent_pence) for source in sources] or [
            (figures.allocated_pence, figures.spent_pence)
        ]
        names = [short_name(source.name) for source in sources] or ["All actions"]
        largest = max(max(column) for column in columns) / 100
        scale, unit = spend_scale(largest)
        self.scale = scale
        series = QHorizontalBarSeries()  # across, so funding sources' names can be read beside their bars
        series.setObjectName("spendSeries")
        self.sets = []
        for number, (name, colour) in enumerate(zip(("Allocated", "Spent"), SPEND_COLOURS[1:], strict=True)):
            bar = QBarSet(name)
            bar.append([column[number] / 100 / scale for column in columns])
            bar.setColor(colour)
            bar.setLabelColor(QColor("#263238"))
            bar.clicked.connect(self._bar_clicked)
            series.append(bar)
            self.sets.append(bar)
        series.setLabelsVisible(len(columns) <= 3)  # beyond that the figures crowd out the bars
        series.setLabelsFormat("@value")
        series.setLabelsPrecision(4)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart = self.chart
        self.replace_series(series)
        axis_y = QBarCategoryAxis()
        axis_y.append(names)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        label_font = QFont(axis_y.labelsFont())
        label_font.setPointSizeF(max(7.0, label_font.pointSizeF() - 1))
        axis_y.setLabelsFont(label_font)
        axis_y.setTruncateLabels(False)  # a source's name in full beats a longer bar
        axis_x = QValueAxis()
        axis_x.setTitleText(unit)
        axis_x.setLabelFormat("%.1f" if scale == 1_000_000 else "%.0f")
        axis_x.setRange(0, max(largest / scale, 1) * 1.15)
        axis_x.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        # The whole plan's budget, allocated, spent and overspent are the tiles above; the title stays short
        # enough to be read whole in a third of a 1366-pixel screen.
        chart.setTitle(SPEND_CHART_TITLE)
        self.view.setToolTip(
            "\n".join(
                f"{source.name}: {format_money(source.allocated_pence)} allocated, "
                f"{format_money(source.spent_pence)} spent"
                for source in figures.by_source
            )
        )
        self.set_empty(largest == 0)

    def _bar_clicked(self, index: int) -> None:
        self._open_source(self.categories[index] if 0 <= index < len(self.categories) else None)
