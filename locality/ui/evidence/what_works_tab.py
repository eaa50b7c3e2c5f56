"""The dashboard's "What works" tab: the completed actions grouped by action type, provider, support offer or
theme, with how many finished on time, their spend against budget and how far their indicators moved — each
figure with the number of actions behind it and a warning when they are too few to trust. Double-click a figure
(or press Enter on it) for the actions behind it, and open any of them from there.

The evidence is read and grouped on a worker thread (``BackgroundLoader``) when the tab is shown and something
changed; choosing another grouping only regroups what was read, on a worker thread too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from locality.domain.text import plural
from locality.domain.values import format_date
from locality.services.what_works import (
    TOO_FEW,
    Evidence,
    Figure,
    Grouping,
    WhatWorks,
    WhatWorksRow,
    cost_text,
    figure_items,
    group,
    movement_text,
    row_cells,
)
from locality.ui.dashboard.links import FigureListDialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.loader import BackgroundLoader

#: The table's columns: heading and the figure a double-click drills into.
COLUMNS: tuple[tuple[str, Figure], ...] = (
    ("", Figure.ACTIONS),  # the grouping's name
    ("Completed", Figure.ACTIONS),
    ("On time", Figure.ON_TIME),
    ("Spend of budget", Figure.COST),
    ("Indicator movement", Figure.MOVEMENT),
    ("Trust", Figure.ACTIONS),
)
WARNING_COLOUR = QColor("#8d6e00")
INTRO = (
    "Completed actions only. On time: completed on or before the due date. Spend of budget (each action's spend as a "
    "share of its budget) and indicator movement (how far each linked indicator has come from its baseline toward "
    f"its target) are given as median and range. Fewer than {TOO_FEW} actions behind a figure are too few to "
    "trust. Double-click a figure for the actions behind it."
)


class WhatWorksTab(QWidget):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whatWorksTab")
        self.env = env
        self.evidence: Evidence | None = None
        self.table_data: WhatWorks | None = None
        self.loader = BackgroundLoader(self, self.refresh)
        self.dialog: FigureListDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        chooser_row = QHBoxLayout()
        label = QLabel("&Group completed actions by:")
        self.grouping = QComboBox()
        self.grouping.setObjectName("whatWorksGrouping")
        for grouping in Grouping:
            self.grouping.addItem(grouping.value, grouping)
        label.setBuddy(self.grouping)
        chooser_row.addWidget(label)
        chooser_row.addWidget(self.grouping)
        chooser_row.addStretch(1)
        self.state = QLabel()
        self.state.setObjectName("whatWorksState")
        self.state.setStyleSheet("color: #546e7a;")
        chooser_row.addWidget(self.state)
        layout.addLayout(chooser_row)

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #546e7a;")
        layout.addWidget(intro)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("whatWorksTable")
        self.table.setAccessibleName("What works")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((220, 90, 110, 240, 290)):
            self.table.setColumnWidth(column, width)
        self.table.itemActivated.connect(self._drill_down)
        layout.addWidget(self.table, 1)

        self.grouping.currentIndexChanged.connect(self._regroup)

    # ------------------------------------------------------------------ loading

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.loader.shown()

    def refresh(self) -> None:
        """Reads the evidence again and groups it, in the background."""
        self.state.setText("Working out the figures…" if self.evidence is None else "Updating…")
        read, chosen = self.env.services.what_works.evidence, self.chosen

        def work() -> tuple[Evidence, WhatWorks]:
            evidence = read()
            return evidence, group(evidence, chosen)

        self.loader.start(work, self._show, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.state.setText("The figures could not be worked out.")
        show_error(self, error, "What works")

    def _show(self, result: tuple[Evidence, WhatWorks]) -> None:
        self.evidence, self.table_data = result
        self.state.setText(f"Figures as at {format_date(self.evidence.produced_on)}")
        self._fill(self.table_data)

    @property
    def chosen(self) -> Grouping:
        data = self.grouping.currentData()
        return data if isinstance(data, Grouping) else Grouping.ACTION_TYPE

    def _regroup(self) -> None:
        """Groups the evidence already read another way, in the background: a large partnership's thousands of
        completed actions take the grouping a tenth of a second."""
        evidence, chosen = self.evidence, self.chosen
        if evidence is None:
            return
        self.loader.start(lambda: (evidence, group(evidence, chosen)), self._show, self._failed)

    # ------------------------------------------------------------------ the table

    def _fill(self, data: WhatWorks) -> None:
        self.table.setRowCount(0)
        headings = [data.grouping.value, *(heading for heading, _figure in COLUMNS[1:])]
        self.table.setHorizontalHeaderLabels(headings)
        rows = [*data.rows, data.total]
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = row_cells(row)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                figure = COLUMNS[column][1]
                item.setToolTip(self._tooltip(row, figure))
                if column in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == len(cells) - 1 and row.caveat:
                    item.setForeground(QBrush(WARNING_COLOUR))
                if row is data.total:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()
        if not data.rows:
            self.state.setText("No action has been completed yet.")

    def _tooltip(self, row: WhatWorksRow, figure: Figure) -> str:
        count = row.figure_count(figure)
        return f"{figure.value}: {plural(count, 'action')} behind this figure. Double-click to list them."

    def row_at(self, index: int) -> WhatWorksRow | None:
        data = self.table_data
        if data is None:
            return None
        rows = [*data.rows, data.total]
        return rows[index] if 0 <= index < len(rows) else None

    def _drill_down(self, item: QTableWidgetItem) -> None:
        self.drill_down(item.row(), COLUMNS[item.column()][1])

    def drill_down(self, index: int, figure: Figure) -> None:
        """Lists the actions behind ``figure`` of the row at ``index``; each opens from the list."""
        row = self.row_at(index)
        if row is None or self.evidence is None:
            return
        items = figure_items(self.evidence, row, figure)
        intro = (
            f"{row.name}: "
            + {
                Figure.ACTIONS: f"{plural(row.count, 'completed action')}.",
                Figure.ON_TIME: f"{len(row.on_time_ids):,} of the {plural(len(items), 'completed action')} with a due "
                "date finished on time.",
                Figure.COST: f"spend of budget for the {plural(len(items), 'completed action')} with a budget: "
                f"{cost_text(row)}.",
                Figure.MOVEMENT: f"the {plural(len(items), 'completed action')} evidenced by measured indicators: "
                f"{movement_text(row)}.",
            }[figure]
        )
        if row.figure_warning(figure):
            intro += f" {row.figure_warning(figure)}."
        self.dialog = FigureListDialog(self.env, f"What works: {row.name}", intro, items, self)
        self.dialog.setObjectName("whatWorksActions")
        self.dialog.open()


__all__ = ["WhatWorksTab"]
