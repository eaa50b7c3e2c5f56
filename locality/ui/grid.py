"""Spreadsheet habits for a list's table: a first column that stays in place while the others scroll sideways,
simple cells edited in place, and a menu to choose which columns show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from locality.ui.table_model import RowTableModel

AnyIndex = QModelIndex | QPersistentModelIndex


class FrozenColumnTableView(QTableView):
    """A table whose first column stays in place while the others scroll sideways.

    As in Qt's frozen-column example, a second view (``frozen``) showing only the first column lies over it. It
    shares the model and the selection (not an item delegate: each view needs its own, as a delegate's editors
    report to every view using it), scrolls up and down with the table, and follows its
    sort order and the first column's width; a click on its header sorts the table, a double-click or a context
    menu on it acts as one on the table would."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frozen = QTableView(self)
        self.frozen.setObjectName("frozenColumn")
        self.frozen.setAccessibleName("Titles (kept in place while scrolling sideways)")
        # The table keeps the keyboard focus (its key presses are what the page listens to); an in-place editor
        # opened on the first column is opened here, where it can be seen, and takes the focus itself.
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.verticalHeader().hide()
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setStyleSheet("QTableView#frozenColumn { border: none; border-right: 1px solid #90a4ae; }")
        self.frozen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.frozen.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # as the table: titles alike differ at the end
        header = self.frozen.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # widened from the table's own header
        header.sortIndicatorChanged.connect(self._sort_from_frozen)
        self.frozen.doubleClicked.connect(self.doubleClicked.emit)
        self.frozen.pressed.connect(lambda _index: self.setFocus())  # so F2, Enter and Delete act on the row
        self.frozen.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.frozen.customContextMenuRequested.connect(
            lambda pos: self.customContextMenuRequested.emit(
                self.viewport().mapFromGlobal(self.frozen.viewport().mapToGlobal(pos))
            )
        )
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.horizontalHeader().customContextMenuRequested.emit(
                self.horizontalHeader().mapFromGlobal(header.mapToGlobal(pos))
            )
        )
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.horizontalHeader().sortIndicatorChanged.connect(self._mirror_sort)

    # ------------------------------------------------------------------ set-up

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt override
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        if model is not None:
            model.modelReset.connect(self.sync_frozen)
        self.sync_frozen()

    def setSelectionBehavior(self, behavior: QAbstractItemView.SelectionBehavior) -> None:  # noqa: N802
        super().setSelectionBehavior(behavior)
        self.frozen.setSelectionBehavior(behavior)

    def setSelectionMode(self, mode: QAbstractItemView.SelectionMode) -> None:  # noqa: N802
        super().setSelectionMode(mode)
        self.frozen.setSelectionMode(mode)

    def setAlternatingRowColors(self, enable: bool) -> None:  # noqa: N802
        super().setAlternatingRowColors(enable)
        self.frozen.setAlternatingRowColors(enable)

    def setWordWrap(self, on: bool) -> None:  # noqa: N802
        super().setWordWrap(on)
        self.frozen.setWordWrap(on)

    def sync_frozen(self) -> None:
        """Shows only the first column in the frozen view, as wide as the table's, sorted as the table is."""
        model = self.model()
        if model is None:
            return
        for column in range(1, model.columnCount()):
            self.frozen.setColumnHidden(column, True)
        self.frozen.setColumnWidth(0, self.columnWidth(0))
        self._mirror_sort(self.horizontalHeader().sortIndicatorSection(), self.horizontalHeader().sortIndicatorOrder())
        self._place_frozen()

    def _place_frozen(self) -> None:
        shown = not self.isColumnHidden(0)
        self.frozen.setVisible(shown)
        if not shown:
            return
        header = self.horizontalHeader()
        self.frozen.horizontalHeader().setFixedHeight(header.height())
        self.frozen.setGeometry(
            self.verticalHeader().width() + self.frameWidth(),
            self.frameWidth(),
            self.columnWidth(0),
            self.viewport().height() + header.height(),
        )

    # ------------------------------------------------------------------ keeping in step

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        if section == 0:
            self.frozen.setColumnWidth(0, new)
        self._place_frozen()

    def _mirror_sort(self, section: int, order: Qt.SortOrder) -> None:
        header = self.frozen.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(section, order)
        header.blockSignals(False)
        header.viewport().update()

    def _sort_from_frozen(self, section: int, order: Qt.SortOrder) -> None:
        self.horizontalHeader().setSortIndicator(section, order)  # the table sorts, and the page with it

    def selectAll(self) -> None:  # noqa: N802 - Qt override
        """Ctrl+A selects every row the filters let through, not only those loaded so far (rows are shown a
        batch at a time): "Change selected…" then acts on all of them, as in a spreadsheet."""
        model = self.model()
        if model is not None:
            while model.canFetchMore(QModelIndex()):
                model.fetchMore(QModelIndex())
        super().selectAll()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_frozen()

    def updateGeometries(self) -> None:  # noqa: N802 - Qt override
        super().updateGeometries()
        self._place_frozen()

    def moveCursor(  # noqa: N802 - Qt override
        self, cursor_action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Moving left onto a cell hidden under the frozen column scrolls it out from under it."""
        current = super().moveCursor(cursor_action, modifiers)
        if cursor_action == QAbstractItemView.CursorAction.MoveLeft and current.column() > 0:
            left = self.visualRect(current).topLeft().x()
            if left < self.frozen.columnWidth(0):
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() + left - self.frozen.columnWidth(0))
        return current

    def scrollTo(  # noqa: N802 - Qt override
        self, index: AnyIndex, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
    ) -> None:
        """A first-column cell is always in view sideways: scroll up or down to it, never back to the left."""
        if index.isValid() and index.column() == 0:
            bar = self.horizontalScrollBar()
            kept = bar.value()
            super().scrollTo(index, hint)
            bar.setValue(kept)
            return
        super().scrollTo(index, hint)

    def edit(  # type: ignore[override]
        self,
        index: AnyIndex,
        trigger: QAbstractItemView.EditTrigger = QAbstractItemView.EditTrigger.AllEditTriggers,
        event: Any = None,
    ) -> bool:
        """An in-place edit of a first-column cell opens on the frozen view, where it can be seen."""
        if index.isValid() and index.column() == 0 and self.frozen.isVisible():
            if trigger not in (
                QAbstractItemView.EditTrigger.EditKeyPressed,
                QAbstractItemView.EditTrigger.AllEditTriggers,
            ):
                return False
            self.frozen.setCurrentIndex(index)
            return self.frozen.edit(index, QAbstractItemView.EditTrigger.AllEditTriggers, event)
        return super().edit(index, trigger, event)


class CellEditDelegate(QStyledItemDelegate):
    """In-place editors for the kinds a ``Column.editor`` names: "text" (a line), "choice" (a drop-down of the
    column's ``choices``), "percent" (0–100%) and "date" (typed as dd/mm/yyyy; empty for no date). Enter saves
    through the model's ``save_cell``, Esc cancels."""

    def __init__(self, model: RowTableModel[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def _kind(self, index: AnyIndex) -> tuple[str, Any]:
        column = self._model.columns[index.column()]
        return column.editor or "text", column

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        kind, column = self._kind(index)
        editor: QWidget
        if kind == "choice":
            combo = QComboBox(parent)
            for text, value in column.choices:
                combo.addItem(text, value)
            editor = combo
        elif kind == "percent":
            spin = QSpinBox(parent)
            spin.setRange(0, 100)
            spin.setSuffix("%")
            editor = spin
        else:
            line = QLineEdit(parent)
            if kind == "date":
                line.setPlaceholderText("dd/mm/yyyy")
                line.setToolTip("Type the date as dd/mm/yyyy; leave it empty for no date")
            editor = line
        editor.setAccessibleName(f"{column.title} (Enter saves, Esc cancels)")
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            for number in range(editor.count()):
                if editor.itemData(number) == value:
                    editor.setCurrentIndex(number)
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:  # noqa: N802
        value: Any
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QSpinBox):
            value = editor.value()
        elif isinstance(editor, QLineEdit):
            value = editor.text()
        else:
            return
        if value == index.data(Qt.ItemDataRole.EditRole):
            return  # nothing changed: nothing to save or undo
        model.setData(index, value, Qt.ItemDataRole.EditRole)


def columns_menu(
    table: QTableView, titles: list[str], changed: Callable[[], None], parent: QWidget | None = None
) -> QMenu:
    """A menu of ticks, one per column but the first (the title always shows), to show or hide them."""
    menu = QMenu("Columns", parent)
    menu.setObjectName("columnsMenu")
    keep = menu.addAction(titles[0])
    keep.setCheckable(True)
    keep.setChecked(True)
    keep.setEnabled(False)
    keep.setToolTip("The title always shows")
    for number, title in enumerate(titles[1:], start=1):
        action = QAction(title, menu)
        action.setCheckable(True)
        action.setChecked(not table.isColumnHidden(number))
        action.setData(number)

        def toggle(checked: bool, number: int = number) -> None:
            table.setColumnHidden(number, not checked)
            changed()

        action.toggled.connect(toggle)
        menu.addAction(action)
    return menu
