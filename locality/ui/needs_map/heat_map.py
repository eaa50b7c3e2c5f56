"""The needs map's Heat map tab: themes down the side, organisations across, each cell the number of needs of
that theme the organisation has. Darker cells hold more needs; the number is always written in the cell, so the
map reads the same in greyscale. Clicking a cell lists its needs below."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.text import plural
from locality.services.need_analysis import HEAT_MAP_DEFINITION, HeatColumn, HeatMap, HeatRow, NeedLine
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.loader import BackgroundLoader
from locality.ui.need_dialog import open_need
from locality.ui.needs_map.gaps import AnalysisTab, need_columns
from locality.ui.tables import RowList, section_heading

AnyIndex = QModelIndex | QPersistentModelIndex

_LOW = QColor("#ffffff")
_HIGH = QColor("#00695c")  # the accent teal, darkened so white text on the darkest cells stays readable
_TOTAL_BACKGROUND = QColor("#eceff1")
_DARK_TEXT = QColor("#102027")
_LIGHT_TEXT = QColor("#ffffff")
_ZERO_TEXT = QColor("#90a4ae")
TOTAL = "Total"


def heat_colour(count: int, largest: int) -> QColor:
    """White for none, deepening towards the accent teal as ``count`` nears the largest cell."""
    if count <= 0 or largest <= 0:
        return QColor(_LOW)
    share = 0.15 + 0.85 * min(count / largest, 1.0)  # even one need is visibly tinted
    return QColor(
        round(_LOW.red() + (_HIGH.red() - _LOW.red()) * share),
        round(_LOW.green() + (_HIGH.green() - _LOW.green()) * share),
        round(_LOW.blue() + (_HIGH.blue() - _LOW.blue()) * share),
    )


@dataclass(frozen=True)
class Cell:
    """What a cell of the table stands for: ``row``/``column`` None are the totals."""

    row: HeatRow | None
    column: HeatColumn | None
    count: int


class HeatMapModel(QAbstractTableModel):
    """Rows: the map's themes, then a Total row. Columns: Total first (so it is in view however many
    organisations there are), then one per organisation."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.map: HeatMap | None = None
        self._columns: list[HeatColumn] = []
        self._order: list[int] = []  # map column positions in display order
        self._largest = 0
        self._bold = QFont()
        self._bold.setBold(True)

    def set_map(self, heat_map: HeatMap, most_needs_first: bool) -> None:
        self.beginResetModel()
        self.map = heat_map
        order = list(range(len(heat_map.columns)))
        if most_needs_first:
            order.sort(key=lambda number: -heat_map.columns[number].total)
        self._order = order
        self._columns = [heat_map.columns[number] for number in order]
        self._largest = heat_map.largest_cell
        self.endResetModel()

    def cell(self, row: int, column: int) -> Cell | None:
        if self.map is None or not (0 <= row <= len(self.map.rows)) or not (0 <= column <= len(self._columns)):
            return None
        theme_row = self.map.rows[row] if row < len(self.map.rows) else None
        organisation = self._columns[column - 1] if column > 0 else None
        if theme_row is None:
            count = organisation.total if organisation is not None else self.map.total
        elif organisation is None:
            count = theme_row.total
        else:
            count = theme_row.cells[self._order[column - 1]]
        return Cell(theme_row, organisation, count)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.map is None else len(self.map.rows) + 1

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.map is None else len(self._columns) + 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.map is None:
            return None
        cell = self.cell(index.row(), index.column())
        if cell is None:
            return None
        is_total = cell.row is None or cell.column is None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{cell.count:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if is_total:
                return QBrush(_TOTAL_BACKGROUND)
            return QBrush(heat_colour(cell.count, self._largest))
        if role == Qt.ItemDataRole.ForegroundRole:
            if is_total:
                return QBrush(_DARK_TEXT)
            if cell.count == 0:
                return QBrush(_ZERO_TEXT)
            return QBrush(_LIGHT_TEXT if heat_colour(cell.count, self._largest).lightness() < 140 else _DARK_TEXT)
        if role == Qt.ItemDataRole.FontRole and is_total:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{cell_caption(cell)}. Click to list them."
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if self.map is None:
            return None
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal:
            if not 0 <= section <= len(self._columns):
                return None
            organisation = self._columns[section - 1] if section > 0 else None
            if role == Qt.ItemDataRole.DisplayRole:
                return organisation.display_name if organisation else TOTAL
            if role == Qt.ItemDataRole.ToolTipRole:
                return organisation.name if organisation else "Needs of the theme linked to any organisation"
            return None
        if not 0 <= section <= len(self.map.rows):
            return None
        theme_row = self.map.rows[section] if section < len(self.map.rows) else None
        if role == Qt.ItemDataRole.DisplayRole:
            if theme_row is None:
                return TOTAL
            return ("      " if theme_row.is_service_area else "") + theme_row.name
        if role == Qt.ItemDataRole.ToolTipRole:
            if theme_row is None:
                return "Needs of any theme linked to the organisation"
            if theme_row.includes_service_areas:
                return f"{theme_row.full_name}, with its service areas"
            return theme_row.full_name
        if role == Qt.ItemDataRole.FontRole and theme_row is None:
            return self._bold
        return None


def cell_caption(cell: Cell) -> str:
    """ "Community safety × Westshire Police: 4 needs"."""
    theme = cell.row.name if cell.row is not None else "All themes"
    organisation = cell.column.name if cell.column is not None else "any organisation"
    return f"{theme} × {organisation}: {plural(cell.count, 'need')}"


class OutlinedSelection(QStyledItemDelegate):
    """Draws a chosen cell with its own shade and an outline: a selection colour would hide the very count's
    shade the heat map is about."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, plain, index)
        if selected:
            painter.save()
            painter.setPen(QPen(QColor("#ff6f00"), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()


class HeatMapTab(AnalysisTab):
    title = "Heat map"
    watches = frozenset({Entity.NEED, Entity.NEED_ORGANISATION, Entity.ORGANISATION, Entity.THEME})

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.heat_map: HeatMap | None = None
        self.chosen: Cell | None = None
        # Finds a chosen cell's needs; the tab's own reloading is ``self.loader``'s, so this one never refreshes.
        self.drill_loader = BackgroundLoader(self, lambda: None)
        self.drill_loader.stale = False

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{HEAT_MAP_DEFINITION} Darker cells hold more needs. Click a cell to list its needs below; "
            "double-click a need to open it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        options = QHBoxLayout()
        self.separate_box = QCheckBox("Show &service areas separately")
        self.separate_box.setToolTip("Give each service area of Service improvement its own row")
        self.separate_box.toggled.connect(lambda _checked: self.refresh())
        self.order_box = QComboBox()
        self.order_box.setAccessibleName("Order organisations")
        self.order_box.addItem("Organisations A to Z", False)
        self.order_box.addItem("Organisations with most needs first", True)
        self.order_box.currentIndexChanged.connect(lambda _index: self._show_map())
        self.summary = QLabel()
        self.summary.setObjectName("heatMapSummary")
        options.addWidget(self.separate_box)
        options.addWidget(self.order_box)
        options.addWidget(self.summary, 1)
        layout.addLayout(options)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self.model = HeatMapModel(self)
        self.table = QTableView()
        self.table.setObjectName("heatMapTable")
        self.table.setAccessibleName("Needs by theme and organisation")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The chosen cell keeps its shade (the count's colour is the point) and is marked by an outline instead.
        self.table.setItemDelegate(OutlinedSelection(self.table))
        self.table.clicked.connect(lambda index: self.choose_cell(index.row(), index.column()))
        self.table.activated.connect(lambda index: self.choose_cell(index.row(), index.column()))
        self.map_message = QLabel()
        self.map_message.setObjectName("heatMapMessage")
        self.map_message.setWordWrap(True)
        self.map_message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.map_message.setContentsMargins(8, 8, 8, 8)
        self.map_stack = QStackedWidget()
        self.map_stack.addWidget(self.table)
        self.map_stack.addWidget(self.map_message)
        splitter.addWidget(self.map_stack)

        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 4, 0, 0)
        self.cell_heading = section_heading("heatCellHeading")
        below_layout.addWidget(self.cell_heading)
        self.cell_needs: RowList[NeedLine] = RowList(need_columns(), "heatCellNeeds", "Needs in the chosen cell")
        self.cell_needs.on_activated(lambda need: self._open_need(need.id))
        below_layout.addWidget(self.cell_needs, 1)
        splitter.addWidget(below)
        splitter.setSizes([380, 260])

        self._clear_cell()
        self.refresh()

    # ------------------------------------------------------------------ the map

    def load(self) -> HeatMap:
        return self.services.analysis.heat_map(service_areas_separate=self.separate_box.isChecked())

    def show_loading(self) -> None:
        if self.heat_map is None:
            self.map_message.setText("Counting needs by theme and organisation…")
            self.map_stack.setCurrentWidget(self.map_message)

    def show_result(self, result: HeatMap) -> None:
        self.heat_map = result
        self._show_map()
        if self.chosen is not None:
            self._reselect()

    def _show_map(self) -> None:
        heat_map = self.heat_map
        if heat_map is None:
            return
        self.model.set_map(heat_map, bool(self.order_box.currentData()))
        if not heat_map.columns or heat_map.total == 0:
            self.map_message.setText(
                "No need is linked to an organisation yet, so there is nothing to count. Add organisations to "
                "each need on the Needs page (the Organisations table of the need's form) and the map fills in."
            )
            self.map_stack.setCurrentWidget(self.map_message)
            self.summary.setText("")
            return
        self.map_stack.setCurrentWidget(self.table)
        # Widths from the header text alone: measuring every cell of 200 columns would hold up the window.
        metrics = self.table.horizontalHeader().fontMetrics()
        for column in range(self.model.columnCount()):
            text = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            self.table.setColumnWidth(column, max(56, min(metrics.horizontalAdvance(text) + 28, 170)))
        unlinked = (
            f"; {plural(heat_map.unlinked_needs, 'need')} linked to no organisation not shown"
            if heat_map.unlinked_needs
            else ""
        )
        self.summary.setText(
            f"{plural(heat_map.total, 'need')} across {plural(len(heat_map.columns), 'organisation')}{unlinked}."
        )

    # ------------------------------------------------------------------ drilling down

    def choose_cell(self, row: int, column: int) -> None:
        cell = self.model.cell(row, column)
        if cell is None:
            return
        self.chosen = cell
        self.cell_heading.setText(cell_caption(cell))
        self.cell_needs.say("Finding the needs in this cell…")
        separate = self.heat_map.service_areas_separate if self.heat_map else False
        analysis = self.services.analysis
        theme_id = cell.row.theme_id if cell.row is not None else None
        organisation_id = cell.column.organisation_id if cell.column is not None else None

        def work() -> list[NeedLine]:
            if cell.row is None:
                return analysis.needs_of_organisation(organisation_id)
            return analysis.drill_down(theme_id, organisation_id, service_areas_separate=separate)

        # Another cell chosen while this one's needs are being found supersedes it.
        self.drill_loader.start(work, lambda needs: self._show_cell(cell, needs), self._drill_failed)

    @property
    def drilling(self) -> bool:
        return self.drill_loader.busy

    def _show_cell(self, cell: Cell, needs: list[NeedLine]) -> None:
        self.cell_heading.setText(cell_caption(Cell(cell.row, cell.column, len(needs))))
        self.cell_needs.set_rows(needs, "No needs in this cell: click a tinted cell to list its needs.")

    def _drill_failed(self, error: BaseException) -> None:
        self._clear_cell()
        show_error(self, error, self.title)

    def _clear_cell(self) -> None:
        self.chosen = None
        self.cell_heading.setText("Needs in a cell")
        self.cell_needs.say("Click a cell of the map to list the needs counted in it; double-click one to open it.")

    def _reselect(self) -> None:
        """After a reload, shows the same theme and organisation again if they are still on the map."""
        chosen = self.chosen
        if chosen is None:
            return
        for row in range(self.model.rowCount()):
            for column in range(self.model.columnCount()):
                cell = self.model.cell(row, column)
                if cell is not None and _same_place(cell, chosen):
                    self.table.setCurrentIndex(self.model.index(row, column))
                    self.choose_cell(row, column)
                    return
        self._clear_cell()

    def cell_position(self, theme_id: uuid.UUID | None, organisation_id: uuid.UUID | None) -> tuple[int, int]:
        """Where a theme × organisation cell is in the table (None: the Total row or column)."""
        for row in range(self.model.rowCount()):
            for column in range(self.model.columnCount()):
                cell = self.model.cell(row, column)
                if cell is None:
                    continue
                row_id = cell.row.theme_id if cell.row is not None else None
                column_id = cell.column.organisation_id if cell.column is not None else None
                row_matches = (cell.row is None) if theme_id is None else row_id == theme_id
                if row_matches and column_id == organisation_id:
                    return row, column
        raise KeyError((theme_id, organisation_id))

    def _open_need(self, need_id: uuid.UUID) -> None:
        if open_need(self.env, need_id, self) is not None:
            self.refresh()


def _same_place(cell: Cell, other: Cell) -> bool:
    same_row = (cell.row is None and other.row is None) or (
        cell.row is not None and other.row is not None and cell.row.theme_id == other.row.theme_id
    )
    same_column = (cell.column is None and other.column is None) or (
        cell.column is not None
        and other.column is not None
        and cell.column.organisation_id == other.column.organisation_id
    )
    return same_row and same_column
