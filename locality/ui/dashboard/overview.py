"""The dashboard's overview tab: the figure tiles, each opening the list behind it, and the charts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from locality.domain.text import plural
from locality.domain.vocabulary import Rag
from locality.services.dashboard import FIGURE_CAPTIONS, INDICATOR_RULE, DashboardFigures
from locality.ui.dashboard.charts import RagChart, SpendChart, StatusChart
from locality.ui.dashboard.links import FigureLinks
from locality.ui.dashboard.tiles import FigureTile, show_tile_figures
from locality.ui.style import set_tone


class OverviewTab(QScrollArea):
    """Tiles above, charts below; ``show_figures`` puts a set of figures on both."""

    def __init__(self, links: FigureLinks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.links = links
        self.figures: DashboardFigures | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Dashboard overview")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 8, 4, 8)

        self.tiles: dict[str, FigureTile] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        specs: list[tuple[str, str, str, Callable[[], None]]] = [
            ("actions", FIGURE_CAPTIONS["actions"], "Open the list of every action", links.open_all_actions),
            ("red", FIGURE_CAPTIONS["red"], "Open the actions rated Red", lambda: links.open_rag(Rag.RED)),
            (
                "overdue",
                FIGURE_CAPTIONS["overdue"],
                "Past their due date and neither completed nor cancelled",
                links.open_overdue,
            ),
            (
                "overdueMilestones",
                FIGURE_CAPTIONS["overdueMilestones"],
                "Milestones of open actions past their due date and not done",
                self.show_overdue_milestones,
            ),
            (
                "dueSoon",
                FIGURE_CAPTIONS["dueSoon"],
                "Open actions due between today and the workspace's \u201cdue soon\u201d days from now (File \u203a "
                "Workspace settings and RAG rule)",
                self.show_due_soon,
            ),
            (
                "sharedUnaddressed",
                FIGURE_CAPTIONS["sharedUnaddressed"],
                "Open needs (identified, agreed or being addressed) that two or more organisations share and no "
                "action addresses yet",
                links.open_shared_unaddressed,
            ),
            ("noNeed", FIGURE_CAPTIONS["noNeed"], "Actions not linked to any need", links.open_no_need),
            ("indicators", FIGURE_CAPTIONS["indicators"], INDICATOR_RULE, links.open_indicators),
            (
                "budget",
                FIGURE_CAPTIONS["budget"],
                "The budgets of all actions; opens the funding page",
                links.open_funding,
            ),
            (
                "allocated",
                FIGURE_CAPTIONS["allocated"],
                "Funding allocated to actions; opens the funding page",
                links.open_funding,
            ),
            (
                "spent",
                FIGURE_CAPTIONS["spent"],
                "Spend recorded against actions; opens the funding page",
                links.open_funding,
            ),
            (
                "overspent",
                FIGURE_CAPTIONS["overspent"],
                "Actions that have spent more than their budget",
                self.show_overspent,
            ),
        ]
        for index, (key, caption, tooltip, handler) in enumerate(specs):
            tile = FigureTile(key, caption, tooltip)
            tile.clicked.connect(handler)
            self.tiles[key] = tile
            grid.addWidget(tile, index // 4, index % 4)
        layout.addLayout(grid)

        charts = QGridLayout()
        charts.setHorizontalSpacing(10)
        self.rag_chart = RagChart(links.open_rag)
        self.status_chart = StatusChart(links.open_status)
        self.spend_chart = SpendChart(links.open_source)
        charts.addWidget(self.rag_chart, 0, 0)
        charts.addWidget(self.status_chart, 0, 1)
        charts.addWidget(self.spend_chart, 0, 2)
        layout.addLayout(charts)
        hint = QLabel(
            "Click any figure, slice or bar to open the list behind it. Overdue actions are past their due date "
            "and neither completed nor cancelled. " + INDICATOR_RULE
        )
        hint.setObjectName("dashboardHint")
        hint.setWordWrap(True)
        set_tone(hint, "muted")
        layout.addWidget(hint)
        layout.addStretch(1)
        self.setWidget(body)

    def show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        show_tile_figures(self.tiles, figures)
        self.rag_chart.draw(figures)
        self.status_chart.draw(figures)
        self.spend_chart.draw(figures)

    def show_overdue_milestones(self) -> None:
        if self.figures is not None:
            self.links.show_items(
                "Overdue milestones",
                f"{plural(len(self.figures.overdue_milestones), 'milestone')} of open actions past their due "
                "date and not done, earliest first.",
                self.figures.overdue_milestones,
            )

    def show_due_soon(self) -> None:
        if self.figures is not None:
            self.links.show_items(
                f"Due in the next {self.figures.due_soon_days} days",
                f"{plural(len(self.figures.due_soon), 'open action')} due between today and "
                f"{self.figures.due_soon_days} days from today, earliest first.",
                self.figures.due_soon,
            )

    def show_overspent(self) -> None:
        if self.figures is not None:
            self.links.show_items(
                "Overspent actions",
                f"{plural(len(self.figures.overspent), 'action')} whose spend is more than their budget, "
                "the furthest over first.",
                self.figures.overspent,
            )
