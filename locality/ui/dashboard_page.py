"""The dashboard: the partnership's figures at a glance, each opening the list behind it, with charts of RAG,
status and spend; and board snapshots, to record what a board was told and see what has moved since.

Figures are worked out on a worker thread (about two seconds for 20,000 actions the first time) and shown when
ready, so the window never waits for them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
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
from PySide6.QtCore import QMargins, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.funding import FundingSourceChoice, choice_of
from locality.domain.text import plural
from locality.domain.values import format_date, format_money
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.comparison_text import comparison_text
from locality.services.dashboard import (
    FIGURE_CAPTIONS,
    INDICATOR_RULE,
    RAG_SPLIT_TITLE,
    SPEND_CHART_TITLE,
    STATUS_CHART_TITLE,
    BoardComparison,
    DashboardFigures,
    FigureItem,
)
from locality.services.snapshots import BoardSnapshot
from locality.ui.action_dialog import open_action
from locality.ui.chase_dialog import ChaseBanner
from locality.ui.edit_dialog import EditDialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import DateField, find_data
from locality.ui.long_work import LongWork
from locality.ui.page import Page
from locality.ui.rag import RAG_BACKGROUND, RAG_FOREGROUND
from locality.ui.undo import push_created, push_deleted
from locality.ui.workers import run_in_background

EMPTY_SNAPSHOTS = "No board snapshots yet — record one on the day of a board meeting to compare against later."
ACTION_ID_ROLE = Qt.ItemDataRole.UserRole
# A group of the comparison lists this many rows at most: thousands would stall the window and nobody reads them.
MOVED_ROWS_SHOWN = 300
NOT_RATED_COLOUR = QColor("#cfd8dc")
STATUS_COLOUR = QColor("#4db6ac")
SPEND_COLOURS = (QColor("#90a4ae"), QColor("#4db6ac"), QColor("#00796b"))


# --------------------------------------------------------------------------- tiles


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
        self.number.setText(f"<span style='font-size:20pt; font-weight:600'>{value}</span>")
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


# --------------------------------------------------------------------------- charts


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
        self.empty = QLabel(empty_text)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMinimumSize(300, 260)
        self.empty.setStyleSheet("color: #546e7a; border: 1px dashed #cfd8dc; border-radius: 6px; padding: 12px;")
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


# --------------------------------------------------------------------------- dialogs


class FigureListDialog(QDialog):
    """The actions behind a figure that no list page filters on; double-click one to open it."""

    def __init__(
        self, env: UiEnv, title: str, intro: str, items: Sequence[FigureItem], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle(title)
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        text = QLabel(intro)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.tree = QTreeWidget()
        self.tree.setObjectName("figureList")
        self.tree.setAccessibleName(title)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels(["Action", "Why it is here"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 320)
        for item in items:
            row = QTreeWidgetItem([item.title, item.detail])
            row.setData(0, ACTION_ID_ROLE, item.action_id)
            row.setToolTip(0, item.title)
            self.tree.addTopLevelItem(row)
        if not items:
            self.tree.addTopLevelItem(QTreeWidgetItem(["None at the moment.", ""]))
        self.tree.itemActivated.connect(self._open)
        layout.addWidget(self.tree, 1)
        hint = QLabel("Double-click an action (or press Enter) to open it.")
        hint.setStyleSheet("color: #546e7a;")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        action_id = item.data(0, ACTION_ID_ROLE)
        if isinstance(action_id, uuid.UUID):
            open_action(self.env, action_id, self)


class RecordSnapshotDialog(EditDialog):
    """Title, meeting date and notes of a board snapshot; the snapshot itself is then taken in the background."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__("Record board snapshot", parent)
        intro = QLabel(
            "A board snapshot keeps every action's status, RAG, percent complete, due date and spend, and every "
            "indicator's latest value, as they stand now — to compare with at the next meeting."
        )
        intro.setWordWrap(True)
        self.outer.insertWidget(0, intro)
        self.title_edit = self.form.add_field("title", "&Title:", QLineEdit())
        self.title_edit.setText(f"Board meeting {format_date(today)}")
        self.meeting_on = self.form.add_field("meeting_on", "&Meeting date:", DateField(optional=False))
        self.meeting_on.set_value(today)
        self.notes = self.form.add_field("notes", "&Notes:", QPlainTextEdit())
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
        self.finish_layout()
        self.title_edit.selectAll()
        self.title_edit.setFocus()

    def save(self) -> tuple[str, date, str]:
        """What to record; the checks here are the service's own, made before the slow part starts."""
        errors: dict[str, str] = {}
        title = self.title_edit.text().strip()
        if not title:
            errors["title"] = "Enter a title, for example the name and date of the meeting."
        elif len(title) > 300:
            errors["title"] = "The title is too long; keep it to 300 characters."
        meeting_on = self.meeting_on.value()
        if meeting_on is None:
            errors["meeting_on"] = "Enter the date of the board meeting."
        if errors:
            raise ValidationError(errors)
        assert meeting_on is not None
        return title, meeting_on, self.notes.toPlainText()

    def load(self, record: Any) -> None:  # nothing is edited after it is recorded
        pass


# --------------------------------------------------------------------------- the page


#: How long after the dashboard is first shown its figures start to be worked out: long enough for the window to
#: be painted and take clicks first (the work shares Python's interpreter lock with the GUI thread).
FIRST_LOAD_DELAY_MS = 150


def compact_money(pence: int) -> str:
    """Money as a board paper writes it in a headline figure: £103.6m, £48.2k, £950 (the exact sum is in the
    tile's tooltip)."""
    pounds = pence / 100
    if abs(pounds) >= 1_000_000:
        return f"£{pounds / 1_000_000:,.1f}m"
    if abs(pounds) >= 10_000:
        return f"£{pounds / 1_000:,.1f}k"
    return format_money(pence)


#: Funding sources given their own bars in the spend chart (the rest are in the chart's tooltip and on the
#: funding page).
MOST_SOURCES_CHARTED = 6


def _short(name: str, most: int = 22) -> str:
    return name if len(name) <= most else name[: most - 1].rstrip() + "…"


class DashboardPage(Page):
    title = "Dashboard"
    watches: frozenset[Entity] = frozenset()  # any change may move a figure

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.figures: DashboardFigures | None = None
        self.comparison: BoardComparison | None = None
        self._figures_busy = False
        self._figures_again = False
        self._compare_request = 0
        self._compare_stale = False
        self.rag_slices: dict[Rag | None, QPieSlice] = {}

        outer = QVBoxLayout(self)
        # What needs chasing comes first: it is what a coordinator acts on when opening the workspace.
        self.chase_area = QVBoxLayout()
        self.chase_area.setObjectName("chaseArea")
        outer.addLayout(self.chase_area)
        self.chase_banner = ChaseBanner(env, self)
        self.chase_area.addWidget(self.chase_banner)

        heading_row = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.heading.setWordWrap(True)
        heading_row.addWidget(self.heading, 1)
        self.state_label = QLabel()
        self.state_label.setObjectName("dashboardState")
        self.state_label.setStyleSheet("color: #546e7a;")
        heading_row.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(heading_row)
        self.details = QLabel()
        self.details.setObjectName("dashboardDetails")
        self.details.setWordWrap(True)
        outer.addWidget(self.details)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        outer.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_overview(), "&Overview")
        self.tabs.addTab(self._build_snapshots(), "&Board snapshots")
        self.tabs.currentChanged.connect(self._tab_changed)

        # The figures are first worked out just after the page is first shown, so the window appears at once.
        self._first_load_pending = True

    # ------------------------------------------------------------------ building

    def _build_overview(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 8, 4, 8)

        self.tiles: dict[str, FigureTile] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        specs: list[tuple[str, str, str, Callable[[], None]]] = [
            ("actions", FIGURE_CAPTIONS["actions"], "Open the list of every action", self.open_all_actions),
            ("red", FIGURE_CAPTIONS["red"], "Open the actions rated Red", lambda: self.open_rag(Rag.RED)),
            (
                "overdue",
                FIGURE_CAPTIONS["overdue"],
                "Past their due date and neither completed nor cancelled",
                self.open_overdue,
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
                self.open_shared_unaddressed,
            ),
            ("noNeed", FIGURE_CAPTIONS["noNeed"], "Actions not linked to any need", self.open_no_need),
            ("indicators", FIGURE_CAPTIONS["indicators"], INDICATOR_RULE, self.open_indicators),
            (
                "budget",
                FIGURE_CAPTIONS["budget"],
                "The budgets of all actions; opens the funding page",
                self.open_funding,
            ),
            (
                "allocated",
                FIGURE_CAPTIONS["allocated"],
                "Funding allocated to actions; opens the funding page",
                self.open_funding,
            ),
            (
                "spent",
                FIGURE_CAPTIONS["spent"],
                "Spend recorded against actions; opens the funding page",
                self.open_funding,
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
        self.rag_panel = ChartPanel(
            "rag",
            RAG_SPLIT_TITLE,
            "No open actions yet. Add actions on the Actions page; their Red, Amber and Green ratings appear here.",
        )
        self.status_panel = ChartPanel(
            "status",
            STATUS_CHART_TITLE,
            "No actions yet. Add actions on the Actions page to see how many are proposed, planned, in progress "
            "and completed.",
        )
        self.spend_panel = ChartPanel(
            "spend",
            SPEND_CHART_TITLE,
            "No budgets, allocations or spend yet. Give actions a budget and record funding and spend to see "
            "them here.",
        )
        charts.addWidget(self.rag_panel, 0, 0)
        charts.addWidget(self.status_panel, 0, 1)
        charts.addWidget(self.spend_panel, 0, 2)
        layout.addLayout(charts)
        hint = QLabel(
            "Click any figure, slice or bar to open the list behind it. Overdue actions are past their due date "
            "and neither completed nor cancelled. " + INDICATOR_RULE
        )
        hint.setObjectName("dashboardHint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #546e7a;")
        layout.addWidget(hint)
        layout.addStretch(1)
        scroll.setWidget(body)
        return scroll

    def _build_snapshots(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.record_button = QPushButton("&Record board snapshot…")
        self.record_button.setObjectName("recordSnapshotButton")
        self.record_button.clicked.connect(self.record_snapshot)
        bar.addWidget(self.record_button)
        self.compare_label = QLabel("&Compare with:")
        bar.addWidget(self.compare_label)
        self.compare_combo = QComboBox()
        self.compare_combo.setObjectName("compareCombo")
        self.compare_combo.setAccessibleName("Compare with board snapshot")
        self.compare_combo.setMinimumContentsLength(30)
        self.compare_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.compare_label.setBuddy(self.compare_combo)
        self.compare_combo.currentIndexChanged.connect(lambda _index: self.compare())
        bar.addWidget(self.compare_combo, 1)
        self.delete_snapshot_button = QPushButton("&Delete snapshot")
        self.delete_snapshot_button.setObjectName("deleteSnapshotButton")
        self.delete_snapshot_button.setToolTip("Delete the board snapshot chosen to compare with (undoable)")
        self.delete_snapshot_button.clicked.connect(self.delete_snapshot)
        bar.addWidget(self.delete_snapshot_button)
        layout.addLayout(bar)

        self.snapshot_empty = QLabel(EMPTY_SNAPSHOTS)
        self.snapshot_empty.setObjectName("snapshotEmpty")
        self.snapshot_empty.setWordWrap(True)
        self.snapshot_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.snapshot_empty.setStyleSheet(
            "color: #546e7a; border: 1px dashed #cfd8dc; border-radius: 6px; padding: 24px;"
        )
        layout.addWidget(self.snapshot_empty)
        self.comparison_summary = QLabel()
        self.comparison_summary.setObjectName("comparisonSummary")
        self.comparison_summary.setWordWrap(True)
        layout.addWidget(self.comparison_summary)
        self.moved_tree = QTreeWidget()
        self.moved_tree.setObjectName("movedTree")
        self.moved_tree.setAccessibleName("What has moved since the board snapshot")
        self.moved_tree.setHeaderLabels(["What moved", "Then", "Now"])
        self.moved_tree.setAlternatingRowColors(True)
        self.moved_tree.setColumnWidth(0, 640)
        self.moved_tree.setColumnWidth(1, 160)
        self.moved_tree.itemActivated.connect(self._open_moved)
        layout.addWidget(self.moved_tree, 1)
        hint = QLabel("Double-click an action (or press Enter) to open it.")
        hint.setObjectName("movedHint")
        hint.setStyleSheet("color: #546e7a;")
        layout.addWidget(hint)
        self._moved_widgets: list[QWidget] = [
            self.compare_label,
            self.compare_combo,
            self.delete_snapshot_button,
            self.comparison_summary,
            self.moved_tree,
            hint,
        ]
        return page

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._first_load_pending:
            self._first_load_pending = False
            QTimer.singleShot(FIRST_LOAD_DELAY_MS, self._first_load)

    def _first_load(self) -> None:
        if not isValid(self) or self.figures is not None or self._figures_busy:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True  # the user moved on at once: worked out when the dashboard is next shown

    # ------------------------------------------------------------------ figures

    def refresh(self) -> None:
        """Works the figures out again in the background; the snapshot list is read at once (it is short)."""
        self._refresh_snapshots()
        self.chase_banner.refresh()
        if self._figures_busy:
            self._figures_again = True
            return
        self._figures_busy = True
        self._figures_again = False
        if self.figures is None:
            self.state_label.setText("Working out the figures…")
        else:
            self.state_label.setText("Updating…")
        run_in_background(self.services.dashboard.figures, self._figures_ready, self._figures_failed, self)

    @property
    def busy(self) -> bool:
        return self._figures_busy

    def _figures_ready(self, figures: DashboardFigures) -> None:
        if not isValid(self):
            return
        self._figures_busy = False
        self.show_figures(figures)
        if self._figures_again:
            self.refresh()

    def _figures_failed(self, error: BaseException) -> None:
        if not isValid(self):
            return
        self._figures_busy = False
        self.state_label.setText("The figures could not be worked out.")
        show_error(self, error, "Dashboard")

    def show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        self.heading.setText(figures.partnership_name or "New partnership")
        parts = [
            figures.area,
            f"Plan period {figures.plan_period}" if figures.plan_period else "",
            f"Figures as at {format_date(figures.computed_on)}",
        ]
        self.details.setText(" · ".join(part for part in parts if part))
        self.state_label.setText("")
        tiles = self.tiles
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
        tiles["dueSoon"].set_value(
            f"{len(figures.due_soon):,}", f"Actions due in the next {figures.due_soon_days} days"
        )
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
        self._draw_rag(figures)
        self._draw_status(figures)
        self._draw_spend(figures)

    def _draw_rag(self, figures: DashboardFigures) -> None:
        series = QPieSeries()
        series.setObjectName("ragSeries")
        self.rag_slices = {}
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
            piece.clicked.connect(lambda rag=rag: self.open_rag(rag))
            piece.hovered.connect(lambda state, piece=piece: piece.setExploded(state))
            self.rag_slices[rag] = piece
        self.rag_panel.replace_series(series)
        self.rag_panel.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.rag_panel.set_empty(figures.open_actions == 0)

    def _draw_status(self, figures: DashboardFigures) -> None:
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
        bars.clicked.connect(lambda index: self.open_status(statuses[index]))
        #: The chart's bars and the status each stands for, in the same order.
        self.status_bars = bars
        self.status_categories = statuses
        chart = self.status_panel.chart
        self.status_panel.replace_series(series)
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
        self.status_panel.set_empty(figures.actions_total == 0)

    def _draw_spend(self, figures: DashboardFigures) -> None:
        """Allocated and spent for each funding source, side by side. The whole plan is not a bar among them:
        beside it every source's bars were slivers (it is their sum), and the tiles above show it. With no
        funding source, the one pair of bars is the whole plan's."""
        sources = figures.by_source[:MOST_SOURCES_CHARTED]
        #: The chart's categories: each funding source (``NO_FUNDING_SOURCE`` for spend charged to no source, as
        #: the funding page's source filter has it); None for the whole plan when no source has any money.
        self.spend_categories: list[FundingSourceChoice | None] = [
            choice_of(source.source_id) for source in sources
        ] or [None]
        columns = [(source.allocated_pence, source.spent_pence) for source in sources] or [
            (figures.allocated_pence, figures.spent_pence)
        ]
        names = [_short(source.name) for source in sources] or ["All actions"]
        largest = max(max(column) for column in columns) / 100
        scale, unit = (1_000_000, "£ millions") if largest >= 10_000_000 else (1_000, "£ thousands")
        if largest < 10_000:
            scale, unit = 1, "£"
        #: Bar values are pounds divided by this.
        self.spend_scale = scale
        series = QHorizontalBarSeries()  # across, so funding sources' names can be read beside their bars
        series.setObjectName("spendSeries")
        self.spend_sets: list[QBarSet] = []
        for number, (name, colour) in enumerate(zip(("Allocated", "Spent"), SPEND_COLOURS[1:], strict=True)):
            bar = QBarSet(name)
            bar.append([column[number] / 100 / scale for column in columns])
            bar.setColor(colour)
            bar.setLabelColor(QColor("#263238"))
            bar.clicked.connect(self.open_funding_for)
            series.append(bar)
            self.spend_sets.append(bar)
        series.setLabelsVisible(len(columns) <= 3)  # beyond that the figures crowd out the bars
        series.setLabelsFormat("@value")
        series.setLabelsPrecision(4)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart = self.spend_panel.chart
        self.spend_panel.replace_series(series)
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
        self.spend_panel.view.setToolTip(
            "\n".join(
                f"{source.name}: {format_money(source.allocated_pence)} allocated, "
                f"{format_money(source.spent_pence)} spent"
                for source in figures.by_source
            )
        )
        self.spend_panel.set_empty(largest == 0)

    def open_funding_for(self, index: int) -> None:
        """Opens the funding page on every action; a funding source's bars open its line on the "Funding sources"
        tab, where the same allocated and spent figures stand."""
        source = self.spend_categories[index] if 0 <= index < len(self.spend_categories) else None
        page = self._open_list("fundingPage")
        show_source = getattr(page, "show_source", None)
        if source is not None and callable(show_source):
            show_source(source)

    def _open_list(self, page_name: str, filters: dict[str, Any] | None = None) -> QWidget | None:
        """Brings ``page_name`` to the front showing exactly ``filters``: every other filter is cleared first."""
        wanted = filters or {}
        page = self.env.open_page(page_name)
        if page is None or not hasattr(page, "set_filter"):
            return page
        clear = getattr(page, "clear_filters", None)
        if callable(clear):
            clear()
        search = getattr(page, "search", None)
        if isinstance(search, QLineEdit) and search.text():
            search.clear()
        known = getattr(page, "filters", None)
        keys = list(known) if isinstance(known, dict) else list(wanted)
        for key in keys:
            if key not in wanted:
                page.set_filter(key, None)
        for key, value in wanted.items():
            if key in keys:
                page.set_filter(key, value)
        return page

    def open_all_actions(self) -> None:
        self._open_list("actionsPage")

    def open_rag(self, rag: Rag | None) -> None:
        # The RAG split counts open actions: the list shows the same ones (a completed action is green too).
        self._open_list("actionsPage", {"rag": rag, "timing": "open"})

    def open_status(self, status: ActionStatus) -> None:
        self._open_list("actionsPage", {"status": status})

    def open_overdue(self) -> None:
        self._open_list("actionsPage", {"timing": "overdue"})

    def open_no_need(self) -> None:
        self._open_list("actionsPage", {"timing": "no_need"})

    def open_shared_unaddressed(self) -> None:
        self._open_list("needsPage", {"gap": "shared_unaddressed"})

    def open_funding(self) -> None:
        self._open_list("fundingPage")

    def open_indicators(self) -> None:
        self._open_list("indicatorsPage", {"tracking": "on_track"})

    def _show_items(self, title: str, intro: str, items: Sequence[FigureItem]) -> None:
        FigureListDialog(self.env, title, intro, items, self).exec()

    def show_overdue_milestones(self) -> None:
        if self.figures is not None:
            self._show_items(
                "Overdue milestones",
                f"{plural(len(self.figures.overdue_milestones), 'milestone')} of open actions past their due "
                "date and not done, earliest first.",
                self.figures.overdue_milestones,
            )

    def show_due_soon(self) -> None:
        if self.figures is not None:
            self._show_items(
                f"Due in the next {self.figures.due_soon_days} days",
                f"{plural(len(self.figures.due_soon), 'open action')} due between today and "
                f"{self.figures.due_soon_days} days from today, earliest first.",
                self.figures.due_soon,
            )

    def show_overspent(self) -> None:
        if self.figures is not None:
            self._show_items(
                "Overspent actions",
                f"{plural(len(self.figures.overspent), 'action')} whose spend is more than their budget, "
                "the furthest over first.",
                self.figures.overspent,
            )

    # ------------------------------------------------------------------ board snapshots

    def _chosen_snapshot(self) -> uuid.UUID | None:
        value = self.compare_combo.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _refresh_snapshots(self, select: uuid.UUID | None = None) -> None:
        try:
            snapshots: list[BoardSnapshot] = self.services.snapshots.list()
        except Exception as error:
            show_error(self, error, "Board snapshots")
            return
        current = select or self._chosen_snapshot()
        self.compare_combo.blockSignals(True)
        self.compare_combo.clear()
        for snapshot in snapshots:
            self.compare_combo.addItem(f"{snapshot.title} — {format_date(snapshot.meeting_on)}", snapshot.id)
        index = find_data(self.compare_combo, current) if current is not None else -1
        self.compare_combo.setCurrentIndex(index if index >= 0 else (0 if snapshots else -1))
        self.compare_combo.blockSignals(False)
        has_any = bool(snapshots)
        self.snapshot_empty.setVisible(not has_any)
        for widget in self._moved_widgets:
            widget.setVisible(has_any)
        if not has_any:
            self.comparison = None
            self.moved_tree.clear()
            return
        self._compare_stale = True
        if self.tabs.currentIndex() == 1:
            self.compare()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self._compare_stale:
            self.compare()

    def compare(self) -> None:
        """Works out, in the background, what has moved since the chosen snapshot."""
        snapshot_id = self._chosen_snapshot()
        if snapshot_id is None:
            return
        self._compare_stale = False
        self._compare_request += 1
        request = self._compare_request
        self.comparison_summary.setText("Comparing with the snapshot…")

        def done(result: BoardComparison) -> None:
            if isValid(self) and request == self._compare_request:
                self.show_comparison(result)

        def failed(error: BaseException) -> None:
            if isValid(self) and request == self._compare_request:
                self.comparison_summary.setText("The comparison could not be made.")
                show_error(self, error, "Compare with board snapshot")

        run_in_background(lambda: self.services.dashboard.compare_with(snapshot_id), done, failed, self)

    @property
    def comparing(self) -> bool:
        return self.comparison_summary.text() == "Comparing with the snapshot…"

    def show_comparison(self, result: BoardComparison) -> None:
        self.comparison = result
        tree = self.moved_tree
        tree.clear()

        def group(key: str, heading: str, rows: list[tuple[uuid.UUID | None, str, str, str]]) -> None:
            top = QTreeWidgetItem([heading, "", ""])
            top.setData(0, Qt.ItemDataRole.UserRole + 1, key)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            children: list[QTreeWidgetItem] = []
            for action_id, text, then, now in rows[:MOVED_ROWS_SHOWN]:
                child = QTreeWidgetItem([text, then, now])
                child.setToolTip(0, text)
                if action_id is not None:
                    child.setData(0, ACTION_ID_ROLE, action_id)
                children.append(child)
            if len(rows) > MOVED_ROWS_SHOWN:
                more = QTreeWidgetItem(
                    [f"… and {len(rows) - MOVED_ROWS_SHOWN:,} more (the first {MOVED_ROWS_SHOWN} shown)"]
                )
                children.append(more)
            top.addChildren(children)
            tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            top.setExpanded(len(rows) <= 50)

        text = comparison_text(result)
        for moved in text.groups:
            group(moved.key, moved.heading, [(row.action_id, row.text, row.then, row.now) for row in moved.rows])
        self.comparison_summary.setText(text.summary)

    def moved_group(self, key: str) -> QTreeWidgetItem | None:
        """The comparison's group of rows named ``key`` ("newReds", "completed", "slipped", "spend"…)."""
        for index in range(self.moved_tree.topLevelItemCount()):
            item = self.moved_tree.topLevelItem(index)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole + 1) == key:
                return item
        return None

    def _open_moved(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        action_id = item.data(0, ACTION_ID_ROLE)
        if isinstance(action_id, uuid.UUID):
            open_action(self.env, action_id, self)

    def record_snapshot(self) -> None:
        dialog = RecordSnapshotDialog(self.services.context.today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        title, meeting_on, notes = dialog.saved
        snapshots = self.services.snapshots
        work = LongWork(self, "Record board snapshot", "Recording every action's and indicator's position…")

        def done(snapshot: BoardSnapshot) -> None:
            push_created(
                self.env.undo_stack,
                f"record board snapshot {snapshot.title}",
                snapshot.id,
                snapshots.delete,
                snapshots.restore,
                self,
            )
            if isValid(self):
                self._refresh_snapshots(select=snapshot.id)

        work.start(lambda _progress, _cancelled: snapshots.take(title, meeting_on, notes), done)
        self._last_work = work

    def delete_snapshot(self) -> None:
        snapshot_id = self._chosen_snapshot()
        if snapshot_id is None:
            return
        text = self.compare_combo.currentText()
        snapshots = self.services.snapshots
        work = LongWork(self, "Delete board snapshot", "Deleting the board snapshot…")

        def done(deleted: Any) -> None:
            push_deleted(
                self.env.undo_stack,
                f"delete board snapshot {text}",
                [snapshot_id],
                deleted,
                snapshots.delete,
                snapshots.restore,
                self,
            )

        work.start(lambda _progress, _cancelled: snapshots.delete(snapshot_id), done)
        self._last_work = work


__all__ = ["DashboardPage", "FigureListDialog", "FigureTile", "RecordSnapshotDialog"]
