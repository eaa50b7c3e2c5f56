"""The needs map's Similar needs tab: needs raised by different organisations that look like the same need, and
a dialog that merges two of them into one shared need (undone with Edit › Undo)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.text import plural
from locality.services.need_similarity import SimilarityCancelled
from locality.services.similar_needs import (
    DEFAULT_LIMIT,
    DEFAULT_MIN_SCORE,
    MergedNeeds,
    MergePreview,
    MergeSide,
    SimilarityResult,
    SimilarPair,
    UnmergedNeeds,
)
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.loader import BackgroundLoader
from locality.ui.need_dialog import open_need
from locality.ui.style import set_tone
from locality.ui.table_model import Column, RowTableModel
from locality.ui.tables import make_row_table, message_label
from locality.ui.undo import push_done

EXPLANATION = (
    "Pairs of needs raised by different organisations whose titles (and the start of their descriptions) read "
    "alike, scored from 0 to 100. Merge a pair into one shared need, or mark it “Not the same” to hide it for "
    "this session. Needs linked to exactly the same organisations are not compared."
)


def _score_colour(score: int) -> str:
    return "#c8e6c9" if score >= 95 else "#fff3c4" if score >= 85 else ""


def pair_columns() -> list[Column[SimilarPair]]:
    from PySide6.QtGui import QColor

    def background(pair: SimilarPair) -> QColor | None:
        colour = _score_colour(pair.score)
        return QColor(colour) if colour else None

    return [
        Column(
            "Score",
            lambda p: str(p.score),
            sort_key=lambda p: p.score,
            align_right=True,
            width=60,
            background=background,
        ),
        Column("Need A", lambda p: p.first.title, width=280, tooltip=lambda p: p.first.title),
        Column(
            "A raised by", lambda p: p.first.organisations_text, width=190, tooltip=lambda p: p.first.organisations_text
        ),
        Column("Need B", lambda p: p.second.title, width=280, tooltip=lambda p: p.second.title),
        Column(
            "B raised by",
            lambda p: p.second.organisations_text,
            width=190,
            tooltip=lambda p: p.second.organisations_text,
        ),
        Column("Theme", lambda p: p.theme_text, width=170, tooltip=lambda p: p.theme_text),
    ]


class _Progress(QObject):
    moved = Signal(int, int)


class SimilarNeedsTab(QWidget):
    """Suggested pairs of similar needs, found in the background with progress and Cancel."""

    title = "Similar needs"
    watches = frozenset({Entity.NEED, Entity.NEED_ORGANISATION, Entity.ORGANISATION, Entity.THEME})

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarNeedsTab")
        self.env = env
        self.services = env.services
        self.running = False
        self.result: SimilarityResult | None = None
        self.hidden: set[frozenset[uuid.UUID]] = set()
        self.loader = BackgroundLoader(self, self.refresh)
        self.loader.stale = False  # searches as it is built; the needs map page reloads it when stale
        self._stop = threading.Event()
        self._progress = _Progress()
        self._progress.moved.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

        layout = QVBoxLayout(self)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Minimum score"))
        self.min_score = QSpinBox()
        self.min_score.setObjectName("similarMinScore")
        self.min_score.setAccessibleName("Minimum score")
        self.min_score.setRange(50, 100)
        self.min_score.setValue(DEFAULT_MIN_SCORE)
        self.min_score.setToolTip("Pairs scoring less than this are not shown; lower it to see looser matches.")
        controls.addWidget(self.min_score)
        self.find_button = QPushButton("Find similar needs")
        self.find_button.setObjectName("findSimilarNeeds")
        self.find_button.clicked.connect(self.refresh)
        controls.addWidget(self.find_button)
        self.progress = QProgressBar()
        self.progress.setObjectName("similarProgress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        controls.addWidget(self.progress)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelSimilarNeeds")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        controls.addWidget(self.cancel_button)
        controls.addStretch(1)
        layout.addLayout(controls)

        self.model: RowTableModel[SimilarPair] = RowTableModel(pair_columns(), self)
        # The most alike pair first.
        self.table = make_row_table(
            self.model, "similarNeedsTable", "Similar needs", sort_order=Qt.SortOrder.DescendingOrder
        )
        self.table.activated.connect(lambda _index: self.merge_selected())
        # Rows as tall as their wrapped titles, again after sorting or widening a column.
        self.model.layoutChanged.connect(self.table.resizeRowsToContents)
        self.table.horizontalHeader().sectionResized.connect(lambda *_args: self.table.resizeRowsToContents())
        self.message = message_label("similarNeedsMessage")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.message)
        layout.addWidget(self.stack, 1)

        actions = QHBoxLayout()
        self.merge_button = QPushButton("Merge…")
        self.merge_button.setObjectName("mergeSimilarNeeds")
        self.merge_button.setToolTip("Merge the two needs of the chosen pair into one shared need")
        self.merge_button.clicked.connect(self.merge_selected)
        self.not_same_button = QPushButton("Not the same")
        self.not_same_button.setObjectName("notSameNeeds")
        self.not_same_button.setToolTip("Hide this pair until Locality is closed")
        self.not_same_button.clicked.connect(self.hide_selected)
        self.open_a_button = QPushButton("Open need A")
        self.open_a_button.clicked.connect(lambda: self._open_side(first=True))
        self.open_b_button = QPushButton("Open need B")
        self.open_b_button.clicked.connect(lambda: self._open_side(first=False))
        self.show_hidden_button = QPushButton("Show hidden pairs")
        self.show_hidden_button.setObjectName("showHiddenPairs")
        self.show_hidden_button.clicked.connect(self.show_hidden)
        self.status = QLabel()
        self.status.setObjectName("similarNeedsStatus")
        for button in (self.merge_button, self.not_same_button, self.open_a_button, self.open_b_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.status)
        actions.addWidget(self.show_hidden_button)
        layout.addLayout(actions)
        self.table.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())
        self._update_buttons()
        self.refresh()

    # ------------------------------------------------------------------ finding

    def refresh(self) -> None:
        """Looks for similar needs again at the current minimum score (a search under way is superseded)."""
        self._stop.set()
        self._stop = threading.Event()
        stop = self._stop
        self.running = True
        min_score = self.min_score.value()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.find_button.setEnabled(False)
        if self.result is None:
            self._say("Looking for needs raised by different organisations that read alike…")
        relay = self._progress

        def work() -> SimilarityResult:
            return self.services.similar_needs.find_similar(
                min_score,
                DEFAULT_LIMIT,
                progress=lambda done, total: relay.moved.emit(done, total),
                cancelled=stop.is_set,
            )

        # The search superseded was told to stop; this one starts once it has, and only its result is shown.
        self.loader.start(work, self._finished, self._failed)

    def cancel(self) -> None:
        self._stop.set()

    def _show_progress(self, done: int, total: int) -> None:
        if self.running and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _idle(self) -> None:
        self.running = False
        self.progress.hide()
        self.cancel_button.hide()
        self.find_button.setEnabled(True)

    def _finished(self, result: SimilarityResult) -> None:
        self._idle()
        self.result = result
        self._show_pairs()

    def _failed(self, error: BaseException) -> None:
        self._idle()
        if isinstance(error, SimilarityCancelled):
            if self.result is None:
                self._say("The search was cancelled. Press “Find similar needs” to look again.")
            else:
                self.status.setText("The search was cancelled; the pairs shown are from the last search.")
            return
        show_error(self, error, self.title)

    # ------------------------------------------------------------------ showing

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self._update_buttons()

    def visible_pairs(self) -> list[SimilarPair]:
        if self.result is None:
            return []
        return [pair for pair in self.result.pairs if pair.key not in self.hidden]

    def _show_pairs(self) -> None:
        result = self.result
        if result is None:
            return
        pairs = self.visible_pairs()
        hidden = len(result.pairs) - len(pairs)
        self.model.set_rows(pairs)
        if pairs:
            self.stack.setCurrentWidget(self.table)
            # Two titles of a pair read alike by design: each is shown whole, over as many lines as it needs,
            # so the words that differ are on screen and not only in a tooltip (at most a few hundred rows).
            self.table.resizeRowsToContents()
            self.table.selectRow(0)
        elif result.needs_compared < 2:
            self._say(
                "There are not yet two needs to compare. Needs recorded on the Needs page, or captured in a "
                "workshop, appear here in pairs when two organisations raise what looks like the same need."
            )
        elif hidden:
            self._say(
                f"Every similar pair found has been marked “Not the same”. Press “Show hidden pairs” to see the "
                f"{hidden:,} hidden again, or lower the minimum score and press “Find similar needs”."
            )
        else:
            self._say(
                f"No needs raised by different organisations look alike at a score of {result.min_score} or more "
                f"({result.needs_compared:,} needs compared). Lower the minimum score and press “Find similar "
                "needs” to see looser matches."
            )
        shown = len(pairs)
        if result.pairs_found > len(result.pairs):
            text = f"The {shown:,} most similar of {result.pairs_found:,} pairs"
        else:
            text = plural(shown, "pair")
        self.status.setText(f"{text}; {result.needs_compared:,} needs compared." if shown else "")
        self.show_hidden_button.setText(f"Show hidden pairs ({hidden:,})" if hidden else "Show hidden pairs")
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected_pair() is not None
        for button in (self.merge_button, self.not_same_button, self.open_a_button, self.open_b_button):
            button.setEnabled(chosen)
        self.show_hidden_button.setEnabled(bool(self.hidden))

    def selected_pair(self) -> SimilarPair | None:
        if self.stack.currentWidget() is not self.table:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_pair(self, first_id: uuid.UUID, second_id: uuid.UUID) -> bool:
        """Selects the pair of these two needs; False if it is not shown."""
        wanted = frozenset({first_id, second_id})
        number = self.model.index_where(lambda pair: pair.key == wanted)
        if number is None:
            return False
        self.table.selectRow(number)
        return True

    # ------------------------------------------------------------------ acting on a pair

    def hide_selected(self) -> None:
        pair = self.selected_pair()
        if pair is None:
            return
        self.hidden.add(pair.key)
        self._show_pairs()

    def show_hidden(self) -> None:
        self.hidden.clear()
        self._show_pairs()

    def _open_side(self, *, first: bool) -> None:
        pair = self.selected_pair()
        if pair is not None:
            open_need(self.env, pair.first.id if first else pair.second.id, self)

    def merge_selected(self) -> None:
        pair = self.selected_pair()
        if pair is None:
            return
        try:
            dialog = MergeNeedsDialog(self.env, pair.first.id, pair.second.id, self)
        except Exception as error:  # e.g. one of them deleted meanwhile
            show_error(self, error, "Merge needs")
            self.refresh()
            return
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.merged is None:
            return
        merged = dialog.merged
        self.status.setText(f"“{merged.merge_title}” was merged into “{merged.keep_title}”.")
        if self.result is not None:  # at once, before the search runs again
            gone = merged.merge_id
            remaining = tuple(p for p in self.result.pairs if gone not in (p.first.id, p.second.id))
            self.result = SimilarityResult(
                remaining,
                self.result.pairs_found - (len(self.result.pairs) - len(remaining)),
                self.result.needs_compared - 1,
                self.result.min_score,
            )
            self._show_pairs()


# --------------------------------------------------------------------------- the merge dialog


class _SideBox(QGroupBox):
    """One need of the pair, with the radio button that chooses it as the one to keep."""

    def __init__(self, heading: str, side: MergeSide) -> None:
        super().__init__(heading)
        layout = QVBoxLayout(self)
        self.keep = QRadioButton(f"Keep this need ({heading.lower()})")
        self.keep.setAccessibleName(f"Keep {side.title}")
        layout.addWidget(self.keep)
        grid = QGridLayout()
        organisations = "\n".join(side.organisations) or "No organisation"
        details = (
            ("Title", side.title),
            ("Theme", side.theme_name or "No theme"),
            ("Status", side.status + (f", {side.priority.lower()} priority" if side.priority else "")),
            ("Organisations", organisations),
            ("Actions", f"{side.action_count:,}"),
            ("Workshop dots", f"{side.dots:,}"),
            ("Indicators", f"{side.indicator_count:,}"),
            ("Description", side.description or "No description"),
        )
        for row, (label, value) in enumerate(details):
            name = QLabel(label)
            name.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            set_tone(name, "muted")
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 0)
            grid.addWidget(text, row, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)


class MergeNeedsDialog(QDialog):
    """Shows two needs side by side, lets the user choose which to keep, says what the merge will do, and
    merges them (pushed on the undo stack) when the user presses Merge."""

    def __init__(self, env: UiEnv, first_id: uuid.UUID, second_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeNeedsDialog")
        self.setWindowTitle("Merge needs")
        self.env = env
        self.merged: MergedNeeds | None = None
        service = env.services.similar_needs
        self._previews: dict[uuid.UUID, MergePreview] = {
            first_id: service.preview(first_id, second_id),
            second_id: service.preview(second_id, first_id),
        }
        first = self._previews[first_id].keep
        second = self._previews[second_id].keep
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Choose the need to keep. The other need's organisations, actions, workshop dots and indicators move "
            "to it, and the other need is deleted. Edit › Undo brings it back."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        sides = QHBoxLayout()
        self.first_box = _SideBox("Need A", first)
        self.second_box = _SideBox("Need B", second)
        sides.addWidget(self.first_box, 1)
        sides.addWidget(self.second_box, 1)
        layout.addLayout(sides, 1)
        self.summary = QLabel()
        self.summary.setObjectName("mergeSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600; padding: 6px 0;")
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox()
        self.merge_button = buttons.addButton("Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("mergeButton")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._ids = (first_id, second_id)
        self._choice = QButtonGroup(self)  # the two radio buttons sit in different boxes
        self._choice.addButton(self.first_box.keep)
        self._choice.addButton(self.second_box.keep)
        # Keep by default the need more organisations share, then the one more actions address.
        keep_first = (len(first.organisations), first.action_count) >= (len(second.organisations), second.action_count)
        (self.first_box if keep_first else self.second_box).keep.setChecked(True)
        self.first_box.keep.toggled.connect(lambda _on: self._show_summary())
        self.second_box.keep.toggled.connect(lambda _on: self._show_summary())
        self._show_summary()
        self.resize(900, 560)

    @property
    def keep_id(self) -> uuid.UUID:
        return self._ids[0] if self.first_box.keep.isChecked() else self._ids[1]

    def choose_keep(self, need_id: uuid.UUID) -> None:
        (self.first_box if need_id == self._ids[0] else self.second_box).keep.setChecked(True)

    def preview(self) -> MergePreview:
        return self._previews[self.keep_id]

    def _show_summary(self) -> None:
        self.summary.setText(self.preview().summary)

    def accept(self) -> None:
        preview = self.preview()
        try:
            self.merged = merge_with_undo(self.env, preview, self.parentWidget())
        except Exception as error:  # stale or deleted meanwhile: the user is told and nothing changed
            show_error(self, error, "Merge needs")
            return
        super().accept()


def merge_with_undo(env: UiEnv, preview: MergePreview, parent: QWidget | None = None) -> MergedNeeds:
    """Merges as ``preview`` describes and pushes the merge on the undo stack (undo brings the merged need back,
    redo merges again)."""
    service = env.services.similar_needs
    merged = service.merge(preview.keep.id, preview.merge.id, preview.keep.version, preview.merge.version)
    state: dict[str, Any] = {"merged": merged}

    def undo() -> None:
        state["versions"] = service.unmerge(state["merged"])

    def redo() -> None:
        versions: UnmergedNeeds = state["versions"]
        state["merged"] = service.merge(
            versions.keep_id, versions.merge_id, versions.keep_version, versions.merge_version
        )

    push_done(env.undo_stack, f"merge need {merged.merge_title} into {merged.keep_title}", redo, undo, parent)
    return merged


__all__: Sequence[str] = ("MergeNeedsDialog", "SimilarNeedsTab", "merge_with_undo")
