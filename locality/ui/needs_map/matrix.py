"""The needs map's matrix tab: needs as rows, organisations as columns, each cell an organisation's link to a need.

The table model computes every cell when Qt asks for it (5,000 needs by 200 organisations would be a million
items; nothing is built ahead). The need's title, how many organisations share it and whether any action
addresses it sit in frozen columns that stay in view while scrolling across the organisations. A cell says its
role and severity in words ("Lead 3") and is coloured by role, darker for more severe, so that a greyscale print
still reads. Clicking an empty cell links the organisation ("shares"); clicking a link removes it, and Edit ›
Undo brings it back with its role and severity; right-click offers every role and severity.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyleOptionHeader,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.text import noun_for
from locality.domain.vocabulary import NeedRole, NeedStatus, Priority
from locality.services.needs_map import (
    SEVERITY_FIGURE,
    CellLink,
    MatrixFilter,
    MatrixNeed,
    MatrixOrganisation,
    MatrixSort,
    NeedsMatrix,
)
from locality.services.plan import ExportCancelled
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.flow_layout import FlowLayout, together
from locality.ui.forms import find_data, refill_combo
from locality.ui.loader import BackgroundLoader
from locality.ui.long_work import LongWork
from locality.ui.need_dialog import open_need
from locality.ui.pickers import organisation_choices, theme_choices
from locality.ui.undo import push_done

# The columns before the organisations': frozen, so that they stay in view while scrolling across.
NEED_COLUMN, SHARED_COLUMN, ACTIONS_COLUMN = range(3)
FIXED_COLUMNS = 3
FIXED_TITLES = ("Need", "Shared by", "Actions")
FIXED_WIDTHS = (300, 90, 84)
ORGANISATION_WIDTH = 66

# A load that took longer than this, or a workspace with more needs than this, loads off the GUI thread.
SLOW_LOAD_SECONDS = 0.1
BACKGROUND_NEEDS = 1000

LINK_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell's CellLink, or None
NEED_ID_ROLE = Qt.ItemDataRole.UserRole + 2

# Colour by role, shade by severity: (not set, 1 low, 2 medium, 3 high). The darkest shades take white text.
ROLE_SHADES: dict[NeedRole, tuple[str, str, str, str]] = {
    NeedRole.LEAD: ("#e3f2fd", "#bbdefb", "#64b5f6", "#1565c0"),
    NeedRole.RAISED_BY: ("#fff3e0", "#ffe0b2", "#ffb74d", "#e65100"),
    NeedRole.SHARES: ("#e8f5e9", "#c8e6c9", "#81c784", "#2e7d32"),
}
ROLE_NAMES = {NeedRole.LEAD: "Lead", NeedRole.RAISED_BY: "Raised", NeedRole.SHARES: "Shares"}
SHARED_TINT = "#e0f2f1"
NO_ACTION_BACKGROUND = "#ffcdd2"
NO_ACTION_TEXT = "#b71c1c"
SORT_CHOICES = (
    ("Sort: most shared first", MatrixSort.ORGANISATIONS),
    ("Sort: by theme", MatrixSort.THEME),
    ("Sort: by priority", MatrixSort.PRIORITY),
)
SEVERITY_WORDS = {None: "not set", Priority.LOW: "1 (low)", Priority.MEDIUM: "2 (medium)", Priority.HIGH: "3 (high)"}


def shade_index(link: CellLink) -> int:
    return SEVERITY_FIGURE.get(link.severity, 0) if link.severity is not None else 0


def cell_colours(link: CellLink) -> tuple[str, str]:
    """(background, text) colours of a linked cell."""
    index = shade_index(link)
    return ROLE_SHADES[link.role][index], ("#ffffff" if index == 3 else "#102027")


class MatrixModel(QAbstractTableModel):
    """Rows are needs, columns the three need columns and then one per organisation. Cells are worked out in
    ``data`` from the matrix's dictionaries; nothing per cell is stored."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.needs: list[MatrixNeed] = []
        self.organisations: list[MatrixOrganisation] = []
        self.links: dict[tuple[uuid.UUID, uuid.UUID], CellLink] = {}
        self.total_needs = 0
        self._rows_by_need: dict[uuid.UUID, int] = {}
        self._brushes: dict[str, QBrush] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    # ------------------------------------------------------------------ contents

    def set_matrix(self, matrix: NeedsMatrix) -> None:
        self.beginResetModel()
        self.needs = list(matrix.needs)
        self.organisations = list(matrix.organisations)
        self.links = dict(matrix.links)
        self.total_needs = matrix.total_needs
        self._rows_by_need = {need.id: row for row, need in enumerate(self.needs)}
        self.endResetModel()

    def need_at(self, row: int) -> MatrixNeed | None:
        return self.needs[row] if 0 <= row < len(self.needs) else None

    def organisation_at(self, column: int) -> MatrixOrganisation | None:
        index = column - FIXED_COLUMNS
        return self.organisations[index] if 0 <= index < len(self.organisations) else None

    def column_of(self, organisation_id: uuid.UUID) -> int:
        for offset, organisation in enumerate(self.organisations):
            if organisation.id == organisation_id:
                return FIXED_COLUMNS + offset
        return -1

    def row_of(self, need_id: uuid.UUID) -> int:
        return self._rows_by_need.get(need_id, -1)

    def link_at(self, row: int, column: int) -> CellLink | None:
        need = self.need_at(row)
        organisation = self.organisation_at(column)
        if need is None or organisation is None:
            return None
        return self.links.get((need.id, organisation.id))

    def set_link(self, need_id: uuid.UUID, organisation_id: uuid.UUID, link: CellLink | None) -> None:
        """Shows a change of one cell at once (the next reload confirms it), with the need's count."""
        key = (need_id, organisation_id)
        if link is None:
            self.links.pop(key, None)
        else:
            self.links[key] = link
        row = self.row_of(need_id)
        if row < 0:
            return
        count = sum(1 for organisation in self.organisations if (need_id, organisation.id) in self.links)
        self.needs[row] = dataclasses.replace(self.needs[row], organisation_count=count)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.needs)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self.organisations)

    def _brush(self, colour: str) -> QBrush:
        brush = self._brushes.get(colour)
        if brush is None:
            brush = self._brushes[colour] = QBrush(QColor(colour))
        return brush

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self.needs)) or not (0 <= column < self.columnCount()):
            return None
        need = self.needs[row]
        if column < FIXED_COLUMNS:
            return self._need_data(need, column, role)
        organisation = self.organisations[column - FIXED_COLUMNS]
        link = self.links.get((need.id, organisation.id))
        if role == Qt.ItemDataRole.DisplayRole:
            return link.short_text if link is not None else ""
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brush(cell_colours(link)[0]) if link is not None else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brush(cell_colours(link)[1]) if link is not None else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if link is not None and link.role == NeedRole.LEAD else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if link is None:
                return (
                    f"{organisation.name} is not linked to “{need.title}”.\n"
                    "Click to link it (shares); right-click to choose a role and severity."
                )
            return (
                f"{organisation.name}: {link.role.value}, severity {SEVERITY_WORDS[link.severity]}\n"
                f"“{need.title}”\nClick to remove the link (Edit › Undo brings it back); right-click to change it."
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{organisation.name}: {link.long_text if link is not None else 'not linked'}"
        if role == LINK_ROLE:
            return link
        if role == NEED_ID_ROLE:
            return need.id
        return None

    def _need_data(self, need: MatrixNeed, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NEED_COLUMN:
                return need.title
            if column == SHARED_COLUMN:
                return f"{need.organisation_count}"
            return "No action" if not need.has_action else f"{need.action_count}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.need_tooltip(need)
        if role == Qt.ItemDataRole.FontRole:
            if column == ACTIONS_COLUMN and not need.has_action:
                return self._bold
            if column in (NEED_COLUMN, SHARED_COLUMN) and need.is_shared:
                return self._bold
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == ACTIONS_COLUMN and not need.has_action:
                return self._brush(NO_ACTION_BACKGROUND)
            if column in (NEED_COLUMN, SHARED_COLUMN) and need.is_shared:
                return self._brush(SHARED_TINT)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brush(NO_ACTION_TEXT) if column == ACTIONS_COLUMN and not need.has_action else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == NEED_COLUMN:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == NEED_ID_ROLE:
            return need.id
        return None

    def need_tooltip(self, need: MatrixNeed) -> str:
        shared = (
            f"Shared by {need.organisation_count} organisations"
            if need.is_shared
            else ("Linked to 1 organisation" if need.organisation_count == 1 else "Linked to no organisation")
        )
        actions = (
            "No action addresses it yet"
            if not need.has_action
            else f"{need.action_count} {noun_for(need.action_count, 'action')} address it"
        )
        details = [
            need.title,
            f"Theme: {need.theme_full_name or '(none)'}",
            f"Status: {need.status.value}; priority: {need.priority.value if need.priority else 'not set'}",
        ]
        if need.area:
            details.append(f"Area: {need.area}")
        details += [shared, actions, "Double-click the title to open the need."]
        return "\n".join(details)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            need = self.need_at(section)
            if need is None:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return need.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.need_tooltip(need)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold if need.is_shared else None
            return None
        if 0 <= section < FIXED_COLUMNS:
            if role == Qt.ItemDataRole.DisplayRole:
                return FIXED_TITLES[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    "The improvement need (double-click to open it)",
                    "How many organisations share the need (shared needs, 2 or more, are in bold)",
                    "How many actions address the need; “No action” marks a gap",
                )[section]
            return None
        organisation = self.organisation_at(section)
        if organisation is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return organisation.display_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return organisation.name + ("" if organisation.active else " (inactive)")
        if role == Qt.ItemDataRole.FontRole:
            return None if organisation.active else self._italic
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


#: Height of the column headings: organisation names are written upwards, so a narrow column shows a whole name.
HEADER_HEIGHT = 140


class UpwardHeader(QHeaderView):
    """Column headings from ``first_upward`` on written bottom to top (an organisation per narrow column, its
    short name readable in full); the columns before it keep ordinary headings, aligned to the bottom."""

    def __init__(self, first_upward: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.first_upward = first_upward
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)

    def paintSection(self, painter: QPainter, rect: Any, logical_index: int) -> None:  # noqa: N802 - Qt override
        if logical_index < self.first_upward:
            super().paintSection(painter, rect, logical_index)
            return
        painter.save()
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = rect
        option.section = logical_index
        option.text = ""
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        model = self.model()
        text = str(model.headerData(logical_index, Qt.Orientation.Horizontal) or "") if model is not None else ""
        font = model.headerData(logical_index, Qt.Orientation.Horizontal, Qt.ItemDataRole.FontRole) if model else None
        if isinstance(font, QFont):
            painter.setFont(font)
        metrics = painter.fontMetrics()
        painter.translate(rect.center().x() + metrics.ascent() / 2 - 1, rect.bottom() - 6)
        painter.rotate(-90)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(0, 0, metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.height() - 12))
        painter.restore()


class FrozenTableView(QTableView):
    """A table whose first ``frozen_columns`` columns stay in view while the others scroll: a second view laid
    over the left edge shows them, sharing the model, selection and vertical scrolling."""

    def __init__(self, frozen_columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frozen_columns = frozen_columns
        self.setHorizontalHeader(UpwardHeader(frozen_columns, self))
        self.frozen = QTableView(self)
        self.frozen.setObjectName("matrixFrozenColumns")
        self.frozen.setAccessibleName("Needs")
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.verticalHeader().hide()
        self.frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setStyleSheet("QTableView { border: none; border-right: 2px solid #90a4ae; }")
        for view in (self, self.frozen):
            view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setWordWrap(False)
            view.horizontalHeader().setFixedHeight(HEADER_HEIGHT)
            view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
            view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
            view.verticalHeader().setDefaultSectionSize(24)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().hide()
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.viewport().stackUnder(self.frozen)

    def setModel(self, model: QAbstractTableModel) -> None:  # type: ignore[override]  # noqa: N802
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        model.modelReset.connect(self.sync_columns)
        self.sync_columns()

    def sync_columns(self) -> None:
        model = self.model()
        if model is None:
            return
        for column in range(model.columnCount()):
            self.frozen.setColumnHidden(column, column >= self.frozen_columns)
        for column in range(min(self.frozen_columns, model.columnCount())):
            self.frozen.setColumnWidth(column, self.columnWidth(column))
        self._place_frozen()

    def frozen_width(self) -> int:
        return sum(self.columnWidth(column) for column in range(self.frozen_columns))

    def _section_resized(self, column: int, _old: int, new: int) -> None:
        if column < self.frozen_columns:
            self.frozen.setColumnWidth(column, new)
            self._place_frozen()

    def _place_frozen(self) -> None:
        frame = self.frameWidth()
        self.frozen.setGeometry(
            frame, frame, self.frozen_width(), self.viewport().height() + self.horizontalHeader().height()
        )

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_frozen()

    def updateGeometries(self) -> None:  # noqa: N802 - Qt override
        super().updateGeometries()
        self._place_frozen()

    def scrollTo(  # noqa: N802 - Qt override
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if index.column() >= self.frozen_columns:
            super().scrollTo(index, hint)
            # A cell hidden under the frozen columns is brought out from beneath them.
            left = self.columnViewportPosition(index.column())
            if left < self.frozen_width():
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() - (self.frozen_width() - left))
        else:
            self.frozen.scrollTo(index, hint)


class MatrixTab(QWidget):
    """The needs map's matrix: filters, a count, the table, a legend and an export."""

    title = "Matrix"
    watches = frozenset(
        {Entity.NEED, Entity.NEED_ORGANISATION, Entity.ACTION_NEED, Entity.ACTION, Entity.ORGANISATION, Entity.THEME}
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("matrixTab")
        self.env = env
        self.services = env.services
        self.matrix: NeedsMatrix | None = None
        self.loader = BackgroundLoader(self, self.refresh)
        self.loader.stale = False  # loaded as it is built; the needs map page refreshes a stale tab
        self.work: LongWork | None = None
        self.exported: Path | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)

        bar = FlowLayout()
        self.theme = self._combo("matrixTheme", "Theme filter")
        self.status = self._combo("matrixStatus", "Status filter")
        self.area = self._combo("matrixArea", "Area filter")
        self.organisation = self._combo("matrixOrganisation", "Organisation filter")
        self.shared_only = QCheckBox("&Shared only")
        self.shared_only.setObjectName("matrixSharedOnly")
        self.shared_only.setToolTip("Only needs two or more organisations share")
        self.no_action = QCheckBox("With &no action")
        self.no_action.setObjectName("matrixNoAction")
        self.no_action.setToolTip("Only needs no action addresses yet")
        self.sort = self._combo("matrixSort", "Sort needs by")
        for text, choice in SORT_CHOICES:
            self.sort.addItem(text, choice)
        self.sort.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # a handful of short choices
        for widget in (self.theme, self.status, self.area, self.organisation):
            bar.addWidget(widget, 1)
        bar.addWidget(self.shared_only)
        bar.addWidget(self.no_action)
        bar.addWidget(self.sort)
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.setObjectName("matrixClearFilters")
        self.clear_button.clicked.connect(self.clear_filters)
        bar.addWidget(self.clear_button)
        layout.addLayout(bar)

        info = QHBoxLayout()
        self.count_label = QLabel("Loading the needs map…")
        self.count_label.setObjectName("matrixCount")
        info.addWidget(self.count_label, 1)
        self.export_button = QPushButton("E&xport matrix…")
        self.export_button.setObjectName("matrixExport")
        self.export_button.setToolTip("Save the matrix, as filtered, as an Excel workbook or a CSV file")
        self.export_button.clicked.connect(self.choose_export)
        info.addWidget(self.export_button)
        layout.addLayout(info)

        self.model = MatrixModel(self)
        self.table = FrozenTableView(FIXED_COLUMNS)
        self.table.setObjectName("matrixTable")
        self.table.setAccessibleName("Needs matrix")
        self.table.setModel(self.model)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._last_cell_click = float("-inf")  # time.monotonic() of the last click on a cell
        self.table.clicked.connect(self._cell_clicked)
        self.table.frozen.doubleClicked.connect(self._need_double_clicked)
        self.table.doubleClicked.connect(self._need_double_clicked)
        self.table.installEventFilter(self)
        self.model.modelReset.connect(self._size_columns)

        self.placeholder = QLabel("Loading the needs map…")
        self.placeholder.setObjectName("matrixPlaceholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.table)
        layout.addWidget(self.stack, 1)

        layout.addLayout(self._legend())
        self.hint = QLabel(
            "Click an empty cell to link the organisation (shares); right-click for a role and severity. "
            "Click a link to remove it: Edit › Undo brings it back. Double-click a need's title to open it."
        )
        self.hint.setObjectName("matrixHint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        self._fill_choices()
        for combo in (self.theme, self.status, self.area, self.organisation, self.sort):
            combo.currentIndexChanged.connect(lambda _index: self.reload())
        for box in (self.shared_only, self.no_action):
            box.toggled.connect(lambda _checked: self.reload())
        self.reload()

    # ------------------------------------------------------------------ building

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    def _legend(self) -> FlowLayout:
        legend = FlowLayout()
        title = QLabel("Key:")
        title.setObjectName("matrixLegendTitle")
        legend.addWidget(title)
        samples = [
            (CellLink(NeedRole.LEAD, Priority.HIGH), "leads on it"),
            (CellLink(NeedRole.RAISED_BY, Priority.MEDIUM), "raised it"),
            (CellLink(NeedRole.SHARES, Priority.LOW), "shares it"),
        ]
        for link, meaning in samples:
            background, foreground = cell_colours(link)
            sample = QLabel(link.short_text)
            sample.setObjectName("matrixLegendSample")
            sample.setAlignment(Qt.AlignmentFlag.AlignCenter)
            sample.setMinimumWidth(60)
            sample.setStyleSheet(f"background: {background}; color: {foreground}; padding: 2px 6px;")
            legend.addWidget(together(sample, QLabel(meaning)))
        legend.addWidget(
            QLabel("1–3: severity for that organisation (3 high; darker is more severe). Bold title: shared need.")
        )
        no_action = QLabel("No action")
        no_action.setStyleSheet(
            f"background: {NO_ACTION_BACKGROUND}; color: {NO_ACTION_TEXT}; font-weight: bold; padding: 2px 6px;"
        )
        legend.addWidget(together(no_action, QLabel("no action addresses it")))
        legend.addStretch(1)
        return legend

    def _fill_choices(self) -> None:
        """(Re)fills the filter pickers, keeping what is chosen if it still exists."""
        fills: list[tuple[QComboBox, str, list[tuple[str, object]]]] = [
            (self.theme, "All themes", list(theme_choices(self.env))),
            (self.status, "All statuses", [(status.value, status) for status in NeedStatus]),
            (self.area, "All areas", [(area, area) for area in self.services.needs_map.areas()]),
            (self.organisation, "All organisations", list(organisation_choices(self.env))),
        ]
        for combo, everything, choices in fills:
            refill_combo(combo, everything, choices)

    # ------------------------------------------------------------------ filters and loading

    def filters(self) -> MatrixFilter:
        return MatrixFilter(
            theme_id=self.theme.currentData(),
            status=self.status.currentData(),
            area=self.area.currentData(),
            organisation_id=self.organisation.currentData(),
            shared_only=self.shared_only.isChecked(),
            no_action_only=self.no_action.isChecked(),
            sort=self.sort.currentData() or MatrixSort.ORGANISATIONS,
        )

    def set_filter(self, key: str, value: object) -> None:
        """Sets one filter ("theme", "status", "area", "organisation", "shared", "no_action", "sort")."""
        if key == "shared":
            self.shared_only.setChecked(bool(value))
        elif key == "no_action":
            self.no_action.setChecked(bool(value))
        else:
            combo = {
                "theme": self.theme,
                "status": self.status,
                "area": self.area,
                "organisation": self.organisation,
                "sort": self.sort,
            }[key]
            index = find_data(combo, value)
            if index < 0:
                raise KeyError(f"no {key} choice {value!r}")
            combo.setCurrentIndex(index)

    def clear_filters(self) -> None:
        widgets = (self.theme, self.status, self.area, self.organisation, self.shared_only, self.no_action)
        for widget in widgets:
            widget.blockSignals(True)
        for combo in (self.theme, self.status, self.area, self.organisation):
            combo.setCurrentIndex(0)
        self.shared_only.setChecked(False)
        self.no_action.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.reload()

    def _filtered(self) -> bool:
        f = self.filters()
        return any(
            (f.theme_id is not None, f.status is not None, f.area, f.organisation_id, f.shared_only, f.no_action_only)
        )

    def refresh(self) -> None:
        """Reloads the pickers' choices (themes, areas or organisations may have changed) and the matrix."""
        self._fill_choices()
        self.reload()

    @property
    def loading(self) -> bool:
        return self.loader.busy

    @property
    def _generation(self) -> int:
        return self.loader.generation

    @property
    def _last_load_seconds(self) -> float:
        return self.loader.last_seconds

    @_last_load_seconds.setter
    def _last_load_seconds(self, seconds: float) -> None:
        self.loader.last_seconds = seconds

    def reload(self) -> None:
        """Reloads the matrix for the current filters: off the GUI thread when it is large or was slow."""
        filters = self.filters()
        services = self.services

        def work() -> NeedsMatrix:
            return services.needs_map.matrix(filters)

        in_background = (
            self.loader.last_seconds > SLOW_LOAD_SECONDS
            or self.services.workspace.count(Entity.NEED) > BACKGROUND_NEEDS
        )
        if not in_background:
            self.loader.run_now(work, self._loaded, self._load_failed)
            return
        if self.matrix is None:
            self.placeholder.setText("Loading the needs map…")
            self.stack.setCurrentWidget(self.placeholder)
        self.count_label.setText("Loading the needs map…")
        self.loader.start(work, self._loaded, self._load_failed)

    def _loaded(self, matrix: NeedsMatrix) -> None:
        horizontal = self.table.horizontalScrollBar().value()
        vertical = self.table.verticalScrollBar().value()
        same_columns = self.matrix is not None and [o.id for o in self.matrix.organisations] == [
            o.id for o in matrix.organisations
        ]
        self.matrix = matrix
        self.model.set_matrix(matrix)
        if same_columns:
            self.table.horizontalScrollBar().setValue(horizontal)
            self.table.verticalScrollBar().setValue(vertical)
        self._show_counts()

    def _load_failed(self, error: BaseException) -> None:
        self.count_label.setText("The needs map could not be loaded.")
        self.placeholder.setText("The needs map could not be loaded; the reason was shown. Try Refresh or reopen.")
        self.stack.setCurrentWidget(self.placeholder)
        show_error(self, error, "Needs map")

    def _show_counts(self) -> None:
        model = self.model
        shown = len(model.needs)
        shared = sum(1 for need in model.needs if need.is_shared)
        gaps = sum(1 for need in model.needs if not need.has_action)
        noun = noun_for(model.total_needs, "need")
        self.count_label.setText(
            f"{shown:,} of {model.total_needs:,} {noun} · {shared:,} shared · {gaps:,} with no action · "
            f"{len(model.organisations):,} organisations"
        )
        self.clear_button.setEnabled(self._filtered())
        self.export_button.setEnabled(shown > 0)
        if model.total_needs == 0:
            self.placeholder.setText(
                "No needs yet. Add needs on the Needs page (or import them) and link the organisations that share "
                "them: this matrix then shows which organisation has which need, and which needs are shared."
            )
            self.stack.setCurrentWidget(self.placeholder)
        elif shown == 0:
            self.placeholder.setText(
                "No need matches these filters. Clear a filter (or press Clear filters) to see more needs."
            )
            self.stack.setCurrentWidget(self.placeholder)
        else:
            self.stack.setCurrentWidget(self.table)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(30)
        for column, width in enumerate(FIXED_WIDTHS):
            self.table.setColumnWidth(column, width)
        header.setDefaultSectionSize(ORGANISATION_WIDTH)
        for column in range(FIXED_COLUMNS, self.model.columnCount()):
            if header.sectionSize(column) != ORGANISATION_WIDTH:
                self.table.setColumnWidth(column, ORGANISATION_WIDTH)
        self.table.sync_columns()

    # ------------------------------------------------------------------ linking cells

    def _cell_clicked(self, index: QModelIndex) -> None:
        if index.column() < FIXED_COLUMNS:
            return
        # A link re-sorts the rows at once, so the second click of a double-click would land on whichever need
        # moved under the pointer: a click that follows an acting click within the double-click time is its
        # second half and does nothing.
        now = time.monotonic()
        if now - self._last_cell_click < QApplication.doubleClickInterval() / 1000:
            self._last_cell_click = now
            return
        self._last_cell_click = now
        self.toggle_cell(index.row(), index.column())

    def toggle_cell(self, row: int, column: int) -> None:
        """An empty cell is linked ("shares"); a linked one is unlinked. Either can be undone."""
        link = self.model.link_at(row, column)
        if link is None:
            self.set_cell(row, column, NeedRole.SHARES, None)
        else:
            self.remove_cell(row, column)

    def set_cell(self, row: int, column: int, role: NeedRole, severity: Priority | None) -> None:
        need = self.model.need_at(row)
        organisation = self.model.organisation_at(column)
        if need is None or organisation is None:
            return
        before = self.model.link_at(row, column)
        after = CellLink(role, severity)
        if before == after:
            return
        if not self._apply(need.id, organisation.id, after, show_errors=True):
            return
        verb = "link" if before is None else "change the link of"
        push_done(
            self.env.undo_stack,
            f"{verb} {organisation.display_name} to need {need.title}",
            redo=lambda: self._apply(need.id, organisation.id, after),
            undo=lambda: self._apply(need.id, organisation.id, before),
            parent_widget=self,
        )

    def remove_cell(self, row: int, column: int) -> None:
        need = self.model.need_at(row)
        organisation = self.model.organisation_at(column)
        before = self.model.link_at(row, column)
        if need is None or organisation is None or before is None:
            return
        if not self._apply(need.id, organisation.id, None, show_errors=True):
            return
        push_done(
            self.env.undo_stack,
            f"unlink {organisation.display_name} from need {need.title}",
            redo=lambda: self._apply(need.id, organisation.id, None),
            undo=lambda: self._apply(need.id, organisation.id, before),
            parent_widget=self,
        )

    def _apply(
        self, need_id: uuid.UUID, organisation_id: uuid.UUID, link: CellLink | None, *, show_errors: bool = False
    ) -> bool:
        """Makes the cell ``link`` (None: unlinked) through the needs service, then shows it. Errors raise, so
        that an undo step that fails is reported by the undo stack, unless ``show_errors`` (a click) says to
        show them here."""
        try:
            if link is None:
                self.services.needs_map.unlink(need_id, organisation_id)
            else:
                self.services.needs_map.link(need_id, organisation_id, link.role, link.severity)
        except Exception as error:
            if not show_errors:
                raise
            show_error(self, error, "Needs map")
            if shiboken6.isValid(self):
                self.refresh()
            return False
        if shiboken6.isValid(self):
            self.model.set_link(need_id, organisation_id, link)
            self._show_counts()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.table and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            index = self.table.currentIndex()
            if key == Qt.Key.Key_Space and index.isValid() and index.column() >= FIXED_COLUMNS:
                self.toggle_cell(index.row(), index.column())
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
                self._need_double_clicked(index)
                return True
        return super().eventFilter(watched, event)

    def cell_menu(self, row: int, column: int) -> QMenu | None:
        """The right-click menu of a cell: each role with each severity, removing the link, opening the need."""
        need = self.model.need_at(row)
        organisation = self.model.organisation_at(column)
        if need is None:
            return None
        menu = QMenu(self)
        if organisation is not None:
            current = self.model.link_at(row, column)
            heading = menu.addAction(f"{organisation.name}")
            heading.setEnabled(False)
            for role in NeedRole:
                submenu = menu.addMenu(role.value)
                for severity in (None, Priority.LOW, Priority.MEDIUM, Priority.HIGH):
                    action = QAction(f"Severity {SEVERITY_WORDS[severity]}", submenu)
                    action.setCheckable(True)
                    action.setChecked(current == CellLink(role, severity))
                    action.triggered.connect(
                        lambda _checked=False, r=role, s=severity: self.set_cell(row, column, r, s)
                    )
                    submenu.addAction(action)
            remove = menu.addAction("Remove the link")
            remove.setEnabled(current is not None)
            remove.triggered.connect(lambda: self.remove_cell(row, column))
            menu.addSeparator()
        open_action = menu.addAction("Open the need…")
        open_action.triggered.connect(lambda: self.open_need_at(row))
        return menu

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        menu = self.cell_menu(index.row(), index.column())
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(position))
            menu.deleteLater()

    def _need_double_clicked(self, index: QModelIndex) -> None:
        if index.column() < FIXED_COLUMNS:
            self.open_need_at(index.row())

    def open_need_at(self, row: int) -> None:
        need = self.model.need_at(row)
        if need is None:
            return
        saved = open_need(self.env, need.id, self)
        if saved is not None and shiboken6.isValid(self):
            self.refresh()

    # ------------------------------------------------------------------ export

    def choose_export(self) -> None:
        folder = Path.home()
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export the needs matrix",
            str(folder / "Needs matrix.xlsx"),
            "Excel workbook (*.xlsx);;CSV file (*.csv)",
        )
        if not path:
            return
        if Path(path).suffix.lower() not in (".xlsx", ".csv"):
            path += ".csv" if "csv" in chosen.lower() else ".xlsx"
        self.export_to(Path(path))

    def export_to(self, target: Path) -> None:
        """Writes the matrix, with the filters now chosen, to ``target`` in the background (with Cancel)."""
        from locality.exchange.matrix_export import export_matrix

        services = self.services
        filters = self.filters()
        self.exported = None
        self.work = LongWork(self, "Export matrix", f"Writing {target.name}…")
        self.work.start(
            lambda progress, cancelled: export_matrix(
                services, filters, target, progress=progress, cancelled=cancelled
            ),
            lambda count: self._exported(target, count),
            self._export_failed,
        )

    def _exported(self, target: Path, count: int) -> None:
        if not shiboken6.isValid(self):
            return
        self.exported = target
        noun = noun_for(count, "need")
        self.count_label.setText(f"Exported {count:,} {noun} to {target}.")

    def _export_failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        if isinstance(error, ExportCancelled):
            self.count_label.setText("Export cancelled; nothing was written.")
            return
        show_error(self, error, "Export matrix")
