"""A small table model over a list of plain row dataclasses.

The page hands it all the rows that pass its filters; the view is fed them 200 at a time through
``canFetchMore``/``fetchMore``, so twenty thousand actions cost no more to show than two hundred. Sorting
happens here, on the whole list, by each column's sort key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from locality.domain.values import format_money, format_money_whole

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex

BATCH = 200
#: Text on a cell given a pale background (RAG, a total) when its column names no colour of its own.
DARK_TEXT = QColor("#102027")


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    sort_key: Callable[[Row], Any] | None = None
    align_right: bool = False
    tooltip: Callable[[Row], str] | None = None
    background: Callable[[Row], QColor | None] | None = None
    foreground: Callable[[Row], QColor | None] | None = None
    width: int = 120
    #: How the cell is edited in place ("text", "status", "percent" or "date"; see ``ui.grid``), None if not.
    editor: str | None = None
    #: (text, value) pairs a "choice" editor offers.
    choices: Sequence[tuple[str, Any]] = ()
    #: The value an in-place editor starts from (the text shown, if not given).
    edit_value: Callable[[Row], Any] | None = None


def money_column(
    title: str,
    pence: Callable[[Row], int | None],
    *,
    width: int = 120,
    foreground: Callable[[Row], QColor | None] | None = None,
    whole_pounds: bool = False,
) -> Column[Row]:
    """An amount in £ (rounded to whole pounds if ``whole_pounds``), right-aligned and sorted by its pence (no
    amount sorts last)."""
    shown = format_money_whole if whole_pounds else format_money
    return Column(
        title,
        lambda row: shown(pence(row)),
        sort_key=pence,
        align_right=True,
        foreground=foreground,
        width=width,
    )


class RowTableModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, columns: Sequence[Column[Row]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Row] = []
        #: Each row's number by ``id()`` of the row, made when first wanted after the rows change (see
        #: ``replace_rows``); None until then.
        self._numbers: dict[int, int] | None = None
        self._loaded = 0
        self._sort: tuple[int, Qt.SortOrder] | None = None
        #: Saves a value edited in place: ``(row, column number, value)``, True if it was saved. The rows are
        #: not changed here; the page reloads them once the service has saved the value.
        self.save_cell: Callable[[Row, int, Any], bool] | None = None

    # ------------------------------------------------------------------ rows

    def set_rows(self, rows: Sequence[Row], *, presorted: bool = False) -> None:
        """Shows ``rows``; ``presorted`` says they are already in the current sort order (see ``sorted_copy``),
        which spares sorting twenty thousand rows on every keystroke of a search."""
        self.beginResetModel()
        self._rows = list(rows)
        self._numbers = None
        if self._sort is not None and not presorted:
            self._sort_rows(*self._sort)
        self._loaded = min(BATCH, len(self._rows))
        self.endResetModel()

    def replace_rows(self, replacements: dict[int, Row]) -> None:
        """Puts new rows in place of old ones, keyed by ``id()`` of the row object they replace, and redraws
        just those rows: an edit of one record among 20,000 is shown without resetting the view (which would
        lose the scroll position and cost a keystroke's time)."""
        if self._numbers is None:
            self._numbers = {id(row): number for number, row in enumerate(self._rows)}
        changed: list[int] = []
        for old_id, new in replacements.items():
            number = self._numbers.pop(old_id, None)
            if number is not None:
                self._rows[number] = new
                self._numbers[id(new)] = number
                changed.append(number)
        last_column = len(self.columns) - 1
        for number in changed:
            if number < self._loaded:
                self.dataChanged.emit(self.index(number, 0), self.index(number, last_column))

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def all_rows(self) -> list[Row]:
        return list(self._rows)

    def total(self) -> int:
        """Rows that passed the filters, loaded into the view or not."""
        return len(self._rows)

    def index_where(self, predicate: Callable[[Row], bool]) -> int | None:
        """The row number of the first row matching ``predicate``, loading rows up to it if needed."""
        for number, row in enumerate(self._rows):
            if predicate(row):
                while self._loaded <= number:
                    self.fetchMore(QModelIndex())
                return number
        return None

    # ------------------------------------------------------------------ Qt model interface

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: AnyIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._loaded < len(self._rows)

    def fetchMore(self, parent: AnyIndex) -> None:  # noqa: N802
        if parent.isValid():
            return
        more = min(BATCH, len(self._rows) - self._loaded)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + more - 1)
        self._loaded += more
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._loaded:
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.EditRole:
            return column.edit_value(row) if column.edit_value is not None else column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            colour = column.background(row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            colour = column.foreground(row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ForegroundRole and column.background is not None:
            # A pale background keeps dark text whatever the palette: white on it is unreadable in high contrast.
            return QBrush(DARK_TEXT) if column.background(row) is not None else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.save_cell is not None and self.columns[index.column()].editor is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.save_cell is None:
            return False
        if index.row() >= self._loaded or self.columns[index.column()].editor is None:
            return False
        return self.save_cell(self._rows[index.row()], index.column(), value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.beginResetModel()
        self._sort_rows(column, order)
        self.endResetModel()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        self._rows = self.sorted_copy(self._rows, column, order)
        self._numbers = None

    def sort_key_of(self, row: Row) -> Any:
        """``row``'s key in the current sort order (None when the rows are not sorted by a column)."""
        if self._sort is None or not 0 <= self._sort[0] < len(self.columns):
            return None
        return self._key(self._sort[0])(row)

    def sorted_position(self, rows: Sequence[Row], row: Row) -> int | None:
        """Where ``row`` goes among ``rows`` (in the current sort order) to keep them in that order, after any
        that sort the same; None when the rows are not sorted by a column. A binary search: a row whose sort
        key an edit changed moves without sorting 20,000 again."""
        if self._sort is None or not 0 <= self._sort[0] < len(self.columns):
            return None
        key = self._key(self._sort[0])
        wanted = key(row)
        descending = self._sort[1] == Qt.SortOrder.DescendingOrder

        def at_or_before(other: Row) -> bool:
            other_key = key(other)
            if wanted is None:
                return True  # no value sorts last, after everything
            if other_key is None:
                return False
            return bool(other_key >= wanted) if descending else bool(other_key <= wanted)

        low, high = 0, len(rows)
        while low < high:
            middle = (low + high) // 2
            if at_or_before(rows[middle]):
                low = middle + 1
            else:
                high = middle
        return low

    def _key(self, column: int) -> Callable[[Row], Any]:
        spec = self.columns[column]
        return spec.sort_key or (lambda row: spec.text(row).casefold())

    @property
    def sort_order(self) -> tuple[int, Qt.SortOrder] | None:
        """The (column, order) rows are shown in; None before any sort."""
        return self._sort

    def sorted_copy(
        self, rows: Sequence[Row], column: int | None = None, order: Qt.SortOrder | None = None
    ) -> list[Row]:
        """``rows`` in the given (or the current) sort order; None sorts last whichever way, so rows without a
        due date stay at the bottom."""
        if column is None or order is None:
            if self._sort is None:
                return list(rows)
            column, order = self._sort
        if not 0 <= column < len(self.columns):
            return list(rows)
        key = self._key(column)
        keyed = [(key(row), number, row) for number, row in enumerate(rows)]
        present = [item for item in keyed if item[0] is not None]
        missing = [item[2] for item in keyed if item[0] is None]
        present.sort(key=lambda item: item[0], reverse=order == Qt.SortOrder.DescendingOrder)
        return [item[2] for item in present] + missing
