"""The needs matrix's table view: organisation names written upwards in the column headings, and the need
columns frozen so that they stay in view while scrolling across the organisations."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QStyleOptionHeader, QTableView, QWidget

from locality.ui.style import scaled

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
            view.verticalHeader().setDefaultSectionSize(scaled(24))
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
