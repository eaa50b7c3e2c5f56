"""File › Merge from…: bring back the work done on a copy of this workspace (a workshop laptop's, a partner's).

A dry run in the background shows what the merge would add, change, delete and append, and every conflict (a
field changed on both sides) side by side, with who changed it and when; the user keeps this workspace's value or
takes the copy's, row by row or all at once. Nothing is written until Merge, which runs in the background with
progress and Cancel (Cancel leaves the workspace as it was)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.text import plural
from locality.services.context import Changes
from locality.services.plan import ExportCancelled
from locality.sync.merge import Conflict, MergePlan, MergeResult, Side, apply_merge, plan_merge
from locality.ui.env import UiEnv
from locality.ui.errors import user_message
from locality.ui.long_work import LongWork
from locality.ui.main_window import WORKSPACE_FILTER
from locality.ui.style import set_tone

NOTHING_TO_MERGE = "Nothing to merge: this copy has nothing new."

RECORD, FIELD, MINE, THEIRS, KEEP = range(5)
CHOSEN_BACKGROUND = QBrush(QColor("#e3f1e6"))  # the value that will be kept: a pale green behind dark text
CHOSEN_TEXT = QBrush(QColor("#102027"))  # dark on the pale green in any palette (high contrast's text is white)
SIDE_NAMES: dict[Side, str] = {"mine": "This workspace's", "theirs": "The copy's"}


def when_text(moment: datetime) -> str:
    """A change's time as the user's clock shows it: dd/mm/yyyy hh:mm."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return local.strftime("%d/%m/%Y %H:%M")


def value_with_author(value: str, by: str, at: datetime) -> str:
    """A conflicting value, and on a second line who set it and when."""
    return f"{value or '(blank)'}\nby {by or 'someone unnamed'}, {when_text(at)}"


class MergeDialog(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.setWindowTitle("Merge from a copy")
        self.setMinimumSize(880, 560)
        self.resize(1120, 680)
        layout = QVBoxLayout(self)

        file_row = QHBoxLayout()
        file_label = QLabel("&Copy to merge from:")
        self.path = QLineEdit()
        self.path.setAccessibleName("Copy to merge from")
        self.path.setPlaceholderText("A copy of this workspace: a workshop laptop's, or a partner's")
        file_label.setBuddy(self.path)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse)
        self.check_button = QPushButton("&Show what would change")
        self.check_button.clicked.connect(self.check)
        file_row.addWidget(file_label)
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse_button)
        file_row.addWidget(self.check_button)
        layout.addLayout(file_row)

        self.summary = QLabel(
            "Choose the copy, then Show what would change. Nothing is written until you choose Merge."
        )
        self.summary.setObjectName("mergeSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)

        self.conflict_box = QGroupBox()
        conflicts = QVBoxLayout(self.conflict_box)
        self.conflict_intro = QLabel()
        self.conflict_intro.setWordWrap(True)
        conflicts.addWidget(self.conflict_intro)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("conflictTable")
        self.table.setAccessibleName("Conflicts")
        self.table.setHorizontalHeaderLabels(["Record", "Field", "This workspace", "The copy", "Keep"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        # Tab leaves the table for the buttons below; the arrow keys move within it.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        # Sized once when the conflicts are shown, not by Qt on every change of a cell: measuring every row again
        # at each of a long list's cells took minutes.
        header.setSectionResizeMode(MINE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(THEIRS, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(RECORD, 240)
        self.table.setColumnWidth(KEEP, self.fontMetrics().horizontalAdvance(SIDE_NAMES["mine"]) + 24)
        # Rows as tall as their wrapped values: measured again once the columns have settled after a resize.
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(150)
        self._fit_rows.timeout.connect(self.table.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._fit_rows.start())
        self.table.cellDoubleClicked.connect(self._choose_clicked_side)
        self.table_label = QLabel("C&onflicts (double-click a value to keep it):")
        self.table_label.setBuddy(self.table)
        conflicts.addWidget(self.table_label)
        conflicts.addWidget(self.table, 1)
        choices = QHBoxLayout()
        self.keep_ours_button = QPushButton("&Keep ours")
        self.keep_ours_button.setToolTip("Keep this workspace's value in the selected rows")
        self.take_theirs_button = QPushButton("&Take theirs")
        self.take_theirs_button.setToolTip("Take the copy's value in the selected rows")
        self.keep_all_ours_button = QPushButton("Keep &all ours")
        self.take_all_theirs_button = QPushButton("Take all t&heirs")
        self.keep_ours_button.clicked.connect(lambda: self.choose_selected("mine"))
        self.take_theirs_button.clicked.connect(lambda: self.choose_selected("theirs"))
        self.keep_all_ours_button.clicked.connect(lambda: self.choose_all("mine"))
        self.take_all_theirs_button.clicked.connect(lambda: self.choose_all("theirs"))
        for button in (
            self.keep_ours_button,
            self.take_theirs_button,
            self.keep_all_ours_button,
            self.take_all_theirs_button,
        ):
            choices.addWidget(button)
        choices.addStretch(1)
        conflicts.addLayout(choices)
        layout.addWidget(self.conflict_box, 1)
        self.conflict_box.hide()
        self.spacer = QWidget()  # keeps the buttons at the bottom while there is no conflict to show
        layout.addWidget(self.spacer, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.path.textChanged.connect(self._another_copy)
        # Enter shows what would change, never merges: Merge is a deliberate click or Alt+M.
        self.check_button.setDefault(True)
        self.merge_button.setAutoDefault(False)

        self.work: LongWork | None = None
        self.plan: MergePlan | None = None
        self.merged: MergeResult | None = None
        self.decisions: dict[str, Side] = {}
        self._planned_from: Path | None = None

    # ------------------------------------------------------------------ choosing the copy

    def _browse(self) -> None:
        folder = self.path.text() or str(self.env.services.context.workspace.path or "")
        path, _ = QFileDialog.getOpenFileName(self, "Merge from", folder, WORKSPACE_FILTER)
        if path:
            self.path.setText(path)
            self.check()

    def _another_copy(self) -> None:
        self._forget_plan()
        self.decisions = {}

    def _forget_plan(self) -> None:
        self.plan = None
        self._planned_from = None
        self.merge_button.setEnabled(False)

    def _say(self, sentence: str, *, error: bool = False) -> None:
        self.summary.setText(sentence)
        set_tone(self.summary, "error" if error else "")

    def _source(self) -> Path | None:
        text = self.path.text().strip()
        if not text:
            self._say("Choose the copy to merge from.", error=True)
            self.path.setFocus()
            return None
        return Path(text).expanduser()

    # ------------------------------------------------------------------ the dry run

    def check(self) -> None:
        source = self._source()
        if source is None:
            return
        self._forget_plan()
        target = self.env.services.location
        self.work = LongWork(self, "Merge from a copy", f"Comparing {source.name} with this workspace…")
        self.work.start(
            lambda progress, cancelled: plan_merge(target, source, progress=progress, cancelled=cancelled),
            lambda plan: self.show_plan(plan, source),
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ExportCancelled):
            self._say("Stopped: nothing was compared or written.")
        else:
            self._forget_plan()
            self.show_conflicts([])
            self._say(user_message(error), error=True)

    def show_plan(self, plan: MergePlan, source: Path) -> None:
        self.plan = plan
        self._planned_from = source
        # Looking again at the same copy keeps what was already chosen; a new conflict keeps this workspace's value.
        self.decisions = {conflict.key: self.decisions.get(conflict.key, "mine") for conflict in plan.conflicts}
        self.show_conflicts(plan.conflicts)
        if plan.is_empty:
            self._say(NOTHING_TO_MERGE)
            self.merge_button.setEnabled(False)
            return

        # The dry run's lines: its counts, then one per conflict (those are in the table).
        lines = plan.lines()
        changes = lines[: len(lines) - len(plan.conflicts)]
        would = ", ".join(changes) if changes else "no record changed"
        conflicts = (
            f" {plural(len(plan.conflicts), 'conflict')} to decide below."
            if plan.conflicts
            else " No field was changed on both sides."
        )
        self._say(
            f"What merging {plan.source_name} would do: {would}.{conflicts} Nothing is written until you choose Merge."
        )
        self.merge_button.setEnabled(True)
        # The keyboard goes where the next decision is: the conflicts, or Merge when there is none.
        (self.table if plan.conflicts else self.merge_button).setFocus()

    # ------------------------------------------------------------------ conflicts, side by side

    def show_conflicts(self, conflicts: list[Conflict]) -> None:
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(conflicts))
        for row, conflict in enumerate(conflicts):
            record = QTableWidgetItem(conflict.record_label)
            record.setData(Qt.ItemDataRole.UserRole, conflict.key)
            self.table.setItem(row, RECORD, record)
            field = conflict.field_label
            self.table.setItem(row, FIELD, QTableWidgetItem(field[:1].upper() + field[1:]))
            mine = QTableWidgetItem(value_with_author(conflict.mine, conflict.mine_by, conflict.mine_at))
            theirs = QTableWidgetItem(value_with_author(conflict.theirs, conflict.theirs_by, conflict.theirs_at))
            mine.setToolTip(f"This workspace: {mine.text()}")
            theirs.setToolTip(f"The copy: {theirs.text()}")
            self.table.setItem(row, MINE, mine)
            self.table.setItem(row, THEIRS, theirs)
            self.table.setItem(row, KEEP, QTableWidgetItem())
            self._show_choice(row)
        self.table.resizeColumnToContents(FIELD)
        self.table.resizeRowsToContents()
        self.table.setUpdatesEnabled(True)
        count = len(conflicts)
        self.conflict_box.setVisible(bool(count))
        self.spacer.setVisible(not count)
        self.conflict_box.setTitle(f"{plural(count, 'conflict')} to decide")
        self.conflict_intro.setText(
            "Each of these fields was changed both here and on the copy since they last met. This workspace's "
            "value is kept unless you take the copy's."
        )
        if count:
            self.table.selectRow(0)

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None, "every cell of a conflict row is filled when the row is shown"
        return item

    def _key(self, row: int) -> str:
        return str(self._item(row, RECORD).data(Qt.ItemDataRole.UserRole))

    def _show_choice(self, row: int) -> None:
        side = self.decisions.get(self._key(row), "mine")
        for column, column_side in ((MINE, "mine"), (THEIRS, "theirs")):
            item = self._item(row, column)
            font = QFont(item.font())
            font.setBold(column_side == side)
            item.setFont(font)
            item.setData(Qt.ItemDataRole.BackgroundRole, CHOSEN_BACKGROUND if column_side == side else None)
            item.setData(Qt.ItemDataRole.ForegroundRole, CHOSEN_TEXT if column_side == side else None)
        self._item(row, KEEP).setText(SIDE_NAMES[side])

    def choose(self, row: int, side: Side) -> None:
        if self.merged is not None:
            return  # decided and written: the table now shows what was kept
        self.decisions[self._key(row)] = side
        self._show_choice(row)

    def choose_selected(self, side: Side) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.choose(row, side)

    def choose_all(self, side: Side) -> None:
        for row in range(self.table.rowCount()):
            self.choose(row, side)

    def _choose_clicked_side(self, row: int, column: int) -> None:
        if column in (MINE, THEIRS):
            self.choose(row, "mine" if column == MINE else "theirs")

    # ------------------------------------------------------------------ the merge

    def merge(self) -> None:
        source = self._planned_from
        if self.plan is None or source is None or self.plan.is_empty:
            return
        target = self.env.services.location
        user = self.env.services.context.user
        decisions = dict(self.decisions)
        self.merge_button.setEnabled(False)
        self.work = LongWork(self, "Merge from a copy", f"Merging {source.name} into this workspace…")
        self.work.start(
            lambda progress, cancelled: apply_merge(
                target, source, decisions, prefer="mine", progress=progress, cancelled=cancelled, user=user
            ),
            self._show_merged,
            self._merge_failed,
        )

    def _merge_failed(self, error: BaseException) -> None:
        self.merge_button.setEnabled(self.plan is not None)
        if isinstance(error, ExportCancelled):
            self._say("Merge cancelled: this workspace is unchanged.")
        else:
            self._say(f"{user_message(error)} This workspace is unchanged.", error=True)

    def _show_merged(self, result: MergeResult) -> None:
        self.merged = result
        backup = f" A backup of the workspace as it was is in {result.backup_path.name}." if result.backup_path else ""
        self._say(f"Merged {result.plan.source_name}: {result.summary.rstrip('.')}.{backup}")
        # The merge wrote through its own connection: every page is told, so each shows the merged records.
        self.env.services.context.notify(Changes(frozenset(Entity)))
        # An undo recorded before the merge could write back a value the merge has just replaced.
        self.env.undo_stack.clear()
        self.merge_button.hide()
        # What the merge decided, which is what was chosen unless a conflict arose after the dry run (that one
        # kept this workspace's value).
        self.decisions = {conflict.key: "theirs" if side == "theirs" else "mine" for conflict, side in result.decided}
        self.show_conflicts([conflict for conflict, _side in result.decided])
        self.conflict_box.setTitle(f"{plural(len(result.decided), 'conflict')} decided")
        self.conflict_intro.setText("The value each field now has is in bold on green.")
        self.table_label.setText("C&onflicts:")
        self.table.setHorizontalHeaderItem(KEEP, QTableWidgetItem("Kept"))
        # Done: the dialog now only reports (another copy is merged from a fresh File › Merge from…).
        self.path.setReadOnly(True)
        for button in (
            self.browse_button,
            self.check_button,
            self.keep_ours_button,
            self.take_theirs_button,
            self.keep_all_ours_button,
            self.take_all_theirs_button,
        ):
            button.setEnabled(False)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        close.setFocus()
