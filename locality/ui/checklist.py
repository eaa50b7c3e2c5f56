"""A list of ticked choices (the organisations of a partner's extract, the themes of a workshop copy)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem


def checklist(items: list[tuple[str, object]], name: str, *, max_height: int = 110) -> QListWidget:
    """A list of ``(text, value)`` items, each with a tick box, none ticked; ``name`` is read out by a screen
    reader."""
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setMaximumHeight(max_height)
    for text, value in items:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def checked_values(widget: QListWidget) -> list[object]:
    """The values of the ticked items, in the list's order."""
    return [
        widget.item(number).data(Qt.ItemDataRole.UserRole)
        for number in range(widget.count())
        if widget.item(number).checkState() == Qt.CheckState.Checked
    ]
