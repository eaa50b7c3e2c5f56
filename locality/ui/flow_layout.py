"""A row of controls that wraps onto a second line when the window is narrow, instead of widening the window.

A page's filter bar laid out in a QHBoxLayout asks for the sum of its controls' widths; on a 1366-pixel laptop
that pushed the main window wider than the screen. This layout asks only for its widest control and takes as
many lines as the width it is given needs (height-for-width), so every page fits a small screen."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget

#: How many widths' heights are kept at most.
_WIDTHS_KEPT = 8


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: dict[int, int] = {}
        self._spacing = spacing
        #: The heights worked out for widths, until the layout is invalidated: Qt asks again and again while it
        #: settles a window (some 200 times, 0.1 s, when a change refreshed the filter bars' choices on every
        #: page), and asks by turns for two widths (the page's own and the page stack's), so one answer is not
        #: enough: kept for one width only, a board snapshot's undo laid two hidden pages' bars out 256 times.
        self._heights: dict[int, int] = {}
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # -- what QHBoxLayout offers that the pages use

    def addStretch(self, _stretch: int = 0) -> None:  # noqa: N802 - the QBoxLayout name, so a row can switch
        """Lines are filled from the left and the rest of a line is left empty: a stretch has nothing to do."""

    def addWidget(self, widget: QWidget, stretch: int = 0) -> None:  # noqa: N802
        """As QBoxLayout's: the room left on a line is shared among its widgets by ``stretch``."""
        super().addWidget(widget)
        self._stretch[id(self._items[-1])] = stretch

    # -- QLayout

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self._stretch.pop(id(item), None)
        self.invalidate()
        return item

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) >= _WIDTHS_KEPT:  # a window dragged through many widths
                self._heights.clear()
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def invalidate(self) -> None:
        """Something in the row changed (a control added, shown, hidden or resized): work the height out again."""
        self._heights.clear()
        super().invalidate()

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """All on one line, when there is room for it."""
        width = height = 0
        for item in self._visible():
            hint = item.sizeHint()
            width += hint.width() + (self._gap(item, Qt.Orientation.Horizontal) if width else 0)
            height = max(height, hint.height())
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        """Only as wide as the widest control: the others go onto further lines."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size.grownBy(margins)

    # -- laying out

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _gap(self, item: QLayoutItem, orientation: Qt.Orientation) -> int:
        if self._spacing >= 0:
            return self._spacing
        widget = item.widget()
        parent = self.parentWidget()
        owner = widget or parent
        style = owner.style() if owner is not None else None
        if style is None:
            return 6
        gap = style.layoutSpacing(
            QSizePolicy.ControlType.DefaultType,
            QSizePolicy.ControlType.DefaultType,
            orientation,
        )
        if gap < 0:
            metric = (
                QStyle.PixelMetric.PM_LayoutHorizontalSpacing
                if orientation == Qt.Orientation.Horizontal
                else QStyle.PixelMetric.PM_LayoutVerticalSpacing
            )
            gap = style.pixelMetric(metric)
        return max(gap, 4)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Places the items line by line within ``rect`` (when ``move``); returns the height that takes."""
        margins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = 0
        for item in self._visible():
            hint = item.sizeHint().expandedTo(item.minimumSize())
            width = min(hint.width(), max(area.width(), item.minimumSize().width()))
            gap = self._gap(item, Qt.Orientation.Horizontal)
            if lines[-1] and x + gap + width > area.width():
                lines.append([])
                x = 0
            x += (gap if lines[-1] else 0) + width
            # A word-wrapped label squeezed onto a short line grows taller rather than being cut off.
            height = item.heightForWidth(width) if item.hasHeightForWidth() else hint.height()
            lines[-1].append((item, QSize(width, max(height, hint.height() if not item.hasHeightForWidth() else 0))))
        y = area.y()
        for number, line in enumerate(lines):
            if not line:
                continue
            height = max(size.height() for _item, size in line)
            if number:
                y += self._gap(line[0][0], Qt.Orientation.Vertical)
            used = sum(size.width() for _item, size in line)
            used += sum(self._gap(item, Qt.Orientation.Horizontal) for item, _size in line[1:])
            stretches = [self._stretch.get(id(item), 0) for item, _size in line]
            room = max(area.width() - used, 0)
            if sum(stretches) and room:
                line = [
                    (item, QSize(size.width() + room * stretch // sum(stretches), size.height()))
                    for (item, size), stretch in zip(line, stretches, strict=True)
                ]
            x = area.x()
            for item, size in line:
                if move:
                    # Each control is centred on its line, as in a QHBoxLayout.
                    item.setGeometry(QRect(QPoint(x, y + (height - size.height()) // 2), size))
                x += size.width() + self._gap(item, Qt.Orientation.Horizontal)
            y += height
        return y - area.y() + margins.top() + margins.bottom()


def together(*widgets: QWidget) -> QWidget:
    """Widgets that stay on one line of a flow (a label and the field it names)."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return holder
