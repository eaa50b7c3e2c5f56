"""The needs map's matrix tab: needs as rows, organisations as columns, each cell an organisation's link to a need.

The table model computes every cell when Qt asks for it (5,000 needs by 200 organisations would be a million
items; nothing is built ahead). The need's title, how many organisations share it and whether any action
addresses it sit in frozen columns that stay in view while scrolling across the organisations. A cell says its
role and severity in words ("Lead 3") and is coloured by role, darker for more severe, so that a greyscale print
still reads. Clicking an empty cell links the organisation ("shares"); clicking a link removes it, and Edit ›
Undo brings it back with its role and severity; right-click offers every role and severity.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.text import noun_for
from locality.domain.vocabulary import NeedRole, NeedStatus, Priority
from locality.services.needs_map import (
    CellLink,
    MatrixFilter,
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
from locality.ui.needs_map.matrix_cells import (
    FIXED_COLUMNS,
    FIXED_WIDTHS,
    NO_ACTION_BACKGROUND,
    NO_ACTION_TEXT,
    ORGANISATION_WIDTH,
    SEVERITY_WORDS,
    SORT_CHOICES,
    cell_colours,
)
from locality.ui.needs_map.matrix_model import MatrixModel
from locality.ui.needs_map.matrix_view import FrozenTableView
from locality.ui.pickers import organisation_choices, theme_choices
from locality.ui.style import scaled
from locality.ui.undo import push_done

# A load that took longer than this, or a workspace with more needs than this, loads off the GUI thread.
SLOW_LOAD_SECONDS = 0.1
BACKGROUND_NEEDS = 1000


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
        self.loader.stale = False  # loaded as it is built; the needs map page's slot reloads it when stale
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
            self.table.setColumnWidth(column, scaled(width))
        # As wide as "Raised 3" needs at the system's text size (cut to "Rais…" at 150% otherwise).
        organisation_width = scaled(ORGANISATION_WIDTH)
        header.setDefaultSectionSize(organisation_width)
        for column in range(FIXED_COLUMNS, self.model.columnCount()):
            if header.sectionSize(column) != organisation_width:
                self.table.setColumnWidth(column, organisation_width)
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
