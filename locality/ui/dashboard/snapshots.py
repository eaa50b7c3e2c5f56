"""The dashboard's board snapshots tab: record what a board was told, and see what has moved since."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.values import format_date
from locality.services.comparison_text import comparison_text
from locality.services.dashboard import BoardComparison
from locality.services.snapshots import BoardSnapshot
from locality.ui.action_dialog import open_action
from locality.ui.dashboard.links import ACTION_ID_ROLE
from locality.ui.edit_dialog import EditDialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import DateField, find_data
from locality.ui.loader import BackgroundLoader
from locality.ui.long_work import LongWork
from locality.ui.style import scaled, set_tone
from locality.ui.undo import push_created, push_deleted

EMPTY_SNAPSHOTS = "No board snapshots yet — record one on the day of a board meeting to compare against later."
# A group of the comparison lists this many rows at most: thousands would stall the window and nobody reads them.
MOVED_ROWS_SHOWN = 300


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
        self.notes.setFixedHeight(scaled(80))
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


class BoardSnapshotsTab(QWidget):
    """The snapshots recorded so far, one chosen to compare with, and what has moved since it, by group."""

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.services = env.services
        self.comparison: BoardComparison | None = None
        # The comparison is worked out when the tab is on screen; a change while it is hidden waits for it.
        self.loader = BackgroundLoader(self, self.compare)
        self.loader.stale = False  # nothing to compare with until the snapshots are listed
        # The list is read even while the tab is hidden, so that the tab opens on it.
        self.list_loader = BackgroundLoader(self, self.refresh)
        layout = QVBoxLayout(self)
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
        set_tone(self.snapshot_empty, "muted", "border: 1px dashed #cfd8dc; border-radius: 6px; padding: 24px;")
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
        set_tone(hint, "muted")
        layout.addWidget(hint)
        self._moved_widgets: list[QWidget] = [
            self.compare_label,
            self.compare_combo,
            self.delete_snapshot_button,
            self.comparison_summary,
            self.moved_tree,
            hint,
        ]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.loader.shown()

    def _chosen_snapshot(self) -> uuid.UUID | None:
        value = self.compare_combo.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Reads the snapshots in the background (counting their rows reads every recorded row, which takes a
        large partnership's window tens of milliseconds), then shows them and compares with the chosen one."""
        self.list_loader.start(
            self.services.snapshots.list,
            lambda snapshots: self._show_snapshots(snapshots, select),
            lambda error: show_error(self, error, "Board snapshots"),
        )

    def _show_snapshots(self, snapshots: list[BoardSnapshot], select: uuid.UUID | None) -> None:
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
        self.loader.refresh_when_shown()

    def compare(self) -> None:
        """Works out, in the background, what has moved since the chosen snapshot; a comparison asked for while
        one is running replaces it."""
        snapshot_id = self._chosen_snapshot()
        if snapshot_id is None:
            return
        self.comparison_summary.setText("Comparing with the snapshot…")

        def failed(error: BaseException) -> None:
            if isinstance(error, NotFoundError):
                # Deleted while it was being compared (an undo or redo pressed at once, or someone else): the
                # list is read again without it; nothing went wrong that the user should be warned of.
                self.comparison_summary.setText("")
                self.refresh()
                return
            self.comparison_summary.setText("The comparison could not be made.")
            show_error(self, error, "Compare with board snapshot")

        self.loader.start(lambda: self.services.dashboard.compare_with(snapshot_id), self.show_comparison, failed)

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
                background=True,  # 20,000 recorded positions to take away or bring back
            )
            if isValid(self):
                self.refresh(select=snapshot.id)

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
                background=True,
            )

        work.start(lambda _progress, _cancelled: snapshots.delete(snapshot_id), done)
        self._last_work = work
