"""The needs matrix's table model: rows are needs, columns the three need columns and then one per
organisation. Every cell is worked out when Qt asks for it (5,000 needs by 200 organisations would be a million
items; nothing is built ahead)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from locality.domain.vocabulary import NeedRole
from locality.services.needs_map import CellLink, MatrixNeed, MatrixOrganisation, NeedsMatrix
from locality.ui.needs_map.matrix_cells import (
    ACTIONS_COLUMN,
    FIXED_COLUMNS,
    FIXED_TITLES,
    FIXED_TOOLTIPS,
    NEED_COLUMN,
    NO_ACTION_BACKGROUND,
    NO_ACTION_TEXT,
    SHARED_COLUMN,
    SHARED_TEXT,
    SHARED_TINT,
    cell_colours,
    link_tooltip,
    need_tooltip,
)

LINK_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell's CellLink, or None
NEED_ID_ROLE = Qt.ItemDataRole.UserRole + 2


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
            return link_tooltip(organisation, need, link)
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
            return need_tooltip(need)
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
            if column == ACTIONS_COLUMN and not need.has_action:
                return self._brush(NO_ACTION_TEXT)
            if column in (NEED_COLUMN, SHARED_COLUMN) and need.is_shared:
                return self._brush(SHARED_TEXT)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == NEED_COLUMN:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == NEED_ID_ROLE:
            return need.id
        return None

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
                return need_tooltip(need)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold if need.is_shared else None
            return None
        if 0 <= section < FIXED_COLUMNS:
            if role == Qt.ItemDataRole.DisplayRole:
                return FIXED_TITLES[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return FIXED_TOOLTIPS[section]
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
