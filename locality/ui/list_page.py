"""The shape every list page shares: a search box that filters as you type, filter pickers, a visible count,
a sortable table fed on demand, and New / Edit / Delete by button, double-click, Enter and the Delete key."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import LocalityError
from locality.services.context import Changes
from locality.ui.empty_state import EmptyState, NextStep
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import find_data, refill_combo
from locality.ui.loader import BackgroundLoader
from locality.ui.table_model import Column, RowTableModel
from locality.ui.tables import make_row_table

Row = TypeVar("Row")

# A list that took longer than this to load is loaded off the GUI thread next time.
SLOW_LOAD_SECONDS = 0.1
BACKGROUND_ROWS = 3000


class ListPage(QWidget, Generic[Row]):
    """Subclasses set the texts and implement ``columns``, ``load_rows``, ``matches``, ``open_editor`` and
    ``delete_rows``."""

    title = ""
    noun = "item"
    plural = "items"
    watches: frozenset[Entity] = frozenset()
    #: The table's class: a ``QTableView`` or a subclass of it (see ``ui.grid.FrozenColumnTableView``).
    table_class: type[QTableView] = QTableView
    #: A list shown as one part of a larger page leaves out the heading, and may leave out the search box and
    #: the New / Edit / Delete buttons (Enter and double-click still call ``open_editor``).
    show_heading = True
    searchable = True
    editable = True
    table_name = "table"
    #: The column that takes the width the others leave (None: none does).
    stretch_column: int | None = None
    word_wrap = True
    selection_mode = QAbstractItemView.SelectionMode.ExtendedSelection
    #: The kind of record New, Edit and Delete change: greyed out, saying why, for an account on a server that
    #: may not change it (``services.permissions``); None: the page does not say.
    changes: Entity | None = None
    #: The kind of record a row shows, for a page that implements ``load_rows_by_id``: an edit of a few of those
    #: records (``Changes.edited``) then reads just their rows again instead of the whole list.
    row_entity: Entity | None = None

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.services = env.services
        self._all_rows: list[Row] = []
        self._haystacks: list[str] = []
        self._loaded = False
        self._columns_fitted = False
        self._edited_while_hidden: set[uuid.UUID] = set()  # rows to read again when the page is next shown
        self._numbers: dict[Any, int] | None = None  # see ``_row_numbers``
        self.loader = BackgroundLoader(self, self.refresh)

        layout = QVBoxLayout(self)
        self.page_layout = layout
        if self.show_heading:
            heading = QLabel(self.title)
            heading.setObjectName("pageHeading")
            layout.addWidget(heading)
        else:
            layout.setContentsMargins(0, 0, 0, 0)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(f"Search {self.plural}…")
        self.search.setAccessibleName(f"Search {self.plural}")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        bar.addWidget(self.search, 2)
        # Hidden when not wanted, never shown here: showing a widget that has no parent yet (the bar is not in
        # the page until below) opens it as a window of its own for a moment, which takes the keyboard focus
        # from the main window when a page is built while the window is on screen.
        if not self.searchable:
            self.search.hide()
        self.filters: dict[str, QComboBox] = {}
        self._filter_choices: dict[str, Any] = {}
        self._filter_values: dict[str, Any] | None = None  # the pickers' values while a filter pass runs
        self._lookups: dict[str, tuple[Any, set[Any]]] = {}  # see ``looked_up``
        self.filter_bar = bar
        layout.addLayout(bar)

        self.model: RowTableModel[Row] = RowTableModel(self.columns(), self)
        self.table = make_row_table(
            self.model,
            self.table_name,
            f"{self.plural.capitalize()} table" if self.show_heading else self.title,
            selection=self.selection_mode,
            view_class=self.table_class,
            word_wrap=self.word_wrap,
            stretch_column=self.stretch_column,
        )
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._resort_all)
        self.table.doubleClicked.connect(self.on_double_click)
        self.table.installEventFilter(self)
        # While the page has no rows at all it says what goes here and offers the next step instead of an empty
        # table (a search or filter that finds nothing still shows the table and its count).
        self.empty_state = EmptyState()
        self.table_area = QStackedWidget()
        self.table_area.setObjectName(f"{self.table_name}Area")
        self.table_area.addWidget(self.table)
        self.table_area.addWidget(self.empty_state)
        layout.addWidget(self.table_area, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        footer.addWidget(self.count_label, 1)
        self.new_button = QPushButton(f"&New {self.noun}…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        for button in (self.new_button, self.edit_button, self.delete_button):
            footer.addWidget(button)
            if not self.editable:
                button.hide()  # hidden or left alone, as the search box above
        self.new_button.clicked.connect(lambda: self.open_editor(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        layout.addLayout(footer)
        self.footer = footer

        # Filtering waits for a pause in typing so a fast typist does not filter on every key.
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(120)
        self._filter_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _text: self._filter_timer.start())
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # ------------------------------------------------------------------ to implement

    def columns(self) -> Sequence[Column[Row]]:
        raise NotImplementedError

    def load_rows(self) -> list[Row]:
        raise NotImplementedError

    def matches(self, row: Row) -> bool:
        """Whether ``row`` passes the filter pickers (the search box is handled here, with ``search_text``)."""
        raise NotImplementedError

    def load_rows_by_id(self, ids: frozenset[uuid.UUID]) -> list[Row]:
        """The rows of these records, as ``load_rows`` gives them (deleted ones left out); needed with
        ``row_entity``."""
        raise NotImplementedError

    def open_editor(self, row: Row | None) -> None:
        raise NotImplementedError

    def delete_rows(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def on_double_click(self, _index: QModelIndex) -> None:
        """A double-click on a row opens it (a page with cells edited in place may edit some cells instead)."""
        self.edit_selected()

    def empty_sentence(self) -> str:
        """What the page says while it has no rows at all: what goes here and how to begin."""
        return f"No {self.plural} yet."

    def empty_steps(self) -> list[NextStep]:
        """The buttons shown with ``empty_sentence``; New by default."""
        if not self.editable:
            return []
        allowed = self.changes is None or self.services.rights.may_add(self.changes)
        return [NextStep(f"&New {self.noun}…", lambda: self.open_editor(None), allowed, self.services.rights.reason)]

    def _show_empty_state(self, empty: bool) -> None:
        if empty:
            self.empty_state.show_steps(self.empty_sentence(), self.empty_steps())
            self.table_area.setCurrentWidget(self.empty_state)
        else:
            self.table_area.setCurrentWidget(self.table)

    def describe(self, row: Row) -> str:
        return str(getattr(row, "title", None) or getattr(row, "name", ""))

    # ------------------------------------------------------------------ filters

    def add_filter(
        self,
        key: str,
        label: str,
        choices: Sequence[tuple[str, Any]] | Callable[[], Sequence[tuple[str, Any]]],
    ) -> QComboBox:
        """Adds a filter picker; ``choices`` may be a function, re-read whenever the page reloads its rows (so
        an organisation added a moment ago can be filtered on)."""
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.setObjectName(f"{key}Filter")
        # "RAG ratings" keeps its capitals; "Themes" becomes "All themes".
        shown = label if label.split()[0].isupper() else label.lower()
        combo.setAccessibleName(f"Filter by {shown}")
        combo.setProperty("allLabel", f"All {shown}")
        self._filter_choices[key] = choices
        self.filters[key] = combo
        self._fill_filter(key)
        combo.currentIndexChanged.connect(lambda _index: self.apply_filters())
        self.filter_bar.addWidget(combo, 1)
        return combo

    def _fill_filter(self, key: str) -> None:
        combo = self.filters[key]
        choices = self._filter_choices[key]
        refill_combo(combo, str(combo.property("allLabel")), list(choices() if callable(choices) else choices))

    #: True when ``matches`` keeps every row while no picker is set, so a search need not ask it row by row.
    unfiltered_matches_all = False

    def filter_value(self, key: str) -> Any:
        # While filtering, the pickers' values are read once, not once per row (20,000 rows times five pickers
        # was most of a keystroke's time).
        if self._filter_values is not None:
            return self._filter_values[key]
        return self.filters[key].currentData()

    def set_filter(self, key: str, value: Any) -> None:
        combo = self.filters[key]
        combo.setCurrentIndex(max(find_data(combo, value), 0))

    def view_state(self) -> dict[str, Any]:
        """What the list is showing — the search, each picker's choice and the sort — as plain values that can
        be kept in the settings (a saved view)."""
        header = self.table.horizontalHeader()
        return {
            "search": self.search.text(),
            "filters": {
                key: None if combo.currentData() is None else str(combo.currentData())
                for key, combo in self.filters.items()
            },
            # The sorted column by its title: a column added in a later version must not shift it.
            "sort": [self._column_title(header.sortIndicatorSection()), header.sortIndicatorOrder().value],
        }

    def _column_title(self, number: int) -> str:
        return self.model.columns[number].title if 0 <= number < len(self.model.columns) else ""

    def apply_view_state(self, state: dict[str, Any]) -> None:
        """Shows the list as ``view_state`` described it; a picker whose choice no longer exists (an organisation
        deleted since) is left at "All"."""
        chosen = state.get("filters") or {}
        for key, combo in self.filters.items():
            wanted = chosen.get(key)
            index = 0
            if wanted is not None:
                for number in range(combo.count()):
                    if combo.itemData(number) is not None and str(combo.itemData(number)) == wanted:
                        index = number
                        break
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(str(state.get("search") or ""))
        self.search.blockSignals(False)
        sort = state.get("sort")
        titles = [column.title for column in self.model.columns]
        if isinstance(sort, list) and len(sort) == 2 and sort[0] in titles:
            self.table.sortByColumn(titles.index(sort[0]), Qt.SortOrder(int(sort[1])))
        self.apply_filters()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ------------------------------------------------------------------ loading

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._columns_fitted:
            # Fonts are final only once the style sheet has polished the table, at its first showing.
            self._columns_fitted = True
            self._fit_columns()
            self._restore_header()
        if self._edited_while_hidden and not self.loader.stale and not self.loader.busy:
            edited, self._edited_while_hidden = frozenset(self._edited_while_hidden), set()
            self._refresh_edited(edited)
        self.loader.shown()

    def on_changes(self, changes: Changes) -> None:
        if self.watches and not changes.touches(*self.watches):
            return
        edited = changes.edited_only(self.row_entity) if self.row_entity is not None else None
        if edited is not None and self._loaded and not self.loader.stale and not self.loader.busy:
            if self.isVisible():
                self._refresh_edited(edited)
            else:
                self._edited_while_hidden.update(edited)
            return
        self._edited_while_hidden.clear()  # the whole list is read again
        self.loader.refresh_when_shown()

    def _refresh_edited(self, ids: frozenset[uuid.UUID]) -> None:
        """Reads again only the rows of the records an edit changed and shows them where they are: redrawn in
        place when each still passes the filters and keeps its place in the sort order, else moved within the
        rows already loaded (a binary search, not a sort) and the filters applied again. A row not in the list,
        or gone from the workspace, means the list is read again as a whole."""
        try:
            fresh = {getattr(row, "id", None): row for row in self.load_rows_by_id(ids)}
        except Exception as error:
            show_error(self, error)
            return
        if not ids <= self._row_numbers().keys() or set(fresh) != set(ids):
            self.loader.refresh_when_shown()
            return
        self._lookups = {}  # what a look-up finds (an organisation's actions) may have changed with the rows
        search = self.search.text().strip().casefold()
        self._filter_values = {key: combo.currentData() for key, combo in self.filters.items()}
        try:
            self.prepare_filters()
            replacements: dict[int, Row] = {}
            moved = False
            for record_id in ids:
                number = self._row_numbers()[record_id]  # again: a row moved before may have shifted it
                old, new = self._all_rows[number], fresh[record_id]
                haystack = self.search_text(new)
                was_shown = self._passes(old, self._haystacks[number], search)
                moved = moved or was_shown != self._passes(new, haystack, search)
                self._all_rows[number], self._haystacks[number] = new, haystack
                replacements[id(old)] = new
                if self.model.sort_key_of(old) != self.model.sort_key_of(new) and self._move(number):
                    moved = True
        finally:
            self._filter_values = None
        if not moved:
            self.model.replace_rows(replacements)
            self._update_buttons()
            return
        selected = {getattr(row, "id", None) for row in self.selected_rows()}
        self.apply_filters()
        if selected:
            self.select_where(lambda row: getattr(row, "id", None) in selected)

    def _move(self, number: int) -> bool:
        """Moves row ``number`` of the loaded rows to its place in the sort order; True if that is elsewhere."""
        row, haystack = self._all_rows.pop(number), self._haystacks.pop(number)
        place = self.model.sorted_position(self._all_rows, row)
        if place is None:
            place = number  # not sorted by a column: it stays where it was
        self._all_rows.insert(place, row)
        self._haystacks.insert(place, haystack)
        if place != number:
            self._numbers = None
        return place != number

    def expected_rows(self) -> int:
        """A cheap estimate of how many rows ``load_rows`` will return, to decide whether to load in the
        background the first time."""
        return 0

    @property
    def loading(self) -> bool:
        return self.loader.busy

    @property
    def _last_load_seconds(self) -> float:
        return self.loader.last_seconds

    @_last_load_seconds.setter
    def _last_load_seconds(self, seconds: float) -> None:
        self.loader.last_seconds = seconds

    def refresh(self) -> None:
        """Reloads rows from the services (only when shown: a hidden page waits until it is next shown).

        A list that loaded quickly last time is reloaded at once; a slow one (thousands of actions) is loaded on
        a pool thread while the page says "Loading…", so the window never freezes.
        """
        selected = {getattr(row, "id", None) for row in self.selected_rows()}
        last = self.loader.last_seconds
        slow = last > SLOW_LOAD_SECONDS or (last == 0 and self.expected_rows() > BACKGROUND_ROWS)

        def done(rows: list[Row]) -> None:
            self._show_rows(rows, selected)

        def failed(error: BaseException) -> None:
            self.count_label.setText("")
            show_error(self, error)

        if not slow:
            self.loader.run_now(self.load_rows, done, lambda error: show_error(self, error))
            return
        self.count_label.setText(f"Loading {self.plural}…")
        # Sorting 20,000 rows and folding their search text took a quarter of a second: done on the worker too, in
        # the order shown now (a header clicked meanwhile means sorting again when the rows arrive).
        order = self.model.sort_order

        def load_in_order() -> tuple[list[Row], list[str], tuple[int, Qt.SortOrder] | None]:
            rows = self.model.sorted_copy(self.load_rows(), *(order or (None, None)))
            return rows, [self.search_text(row) for row in rows], order

        def done_in_order(loaded: tuple[list[Row], list[str], tuple[int, Qt.SortOrder] | None]) -> None:
            rows, haystacks, sorted_by = loaded
            self._show_rows(rows, selected, haystacks if sorted_by == self.model.sort_order else None)

        self.loader.start(load_in_order, done_in_order, failed)

    def _show_rows(self, rows: list[Row], selected: set[Any], haystacks: list[str] | None = None) -> None:
        """Shows freshly loaded rows; ``haystacks``, when given, are their search texts with the rows already in
        the order shown."""
        if haystacks is not None:
            self._all_rows, self._haystacks = rows, haystacks
        else:
            self._all_rows = self.model.sorted_copy(rows)
            self._haystacks = [self.search_text(row) for row in self._all_rows]
        self._numbers = None
        if self.row_entity is not None:
            self._row_numbers()  # now, while the list is loading anyway, not at the next edit
        self._lookups = {}  # the rows changed: so may what a look-up finds
        self._loaded = True
        for key, choices in self._filter_choices.items():
            if callable(choices):
                self._fill_filter(key)
        self.apply_filters()
        if selected:
            self.select_where(lambda row: getattr(row, "id", None) in selected)

    def _row_numbers(self) -> dict[Any, int]:
        """Each loaded row's place in ``_all_rows`` by its record's id; made once after the rows or their order
        change, so finding the rows an edit changed does not look through 20,000."""
        if self._numbers is None:
            self._numbers = {getattr(row, "id", None): number for number, row in enumerate(self._all_rows)}
        return self._numbers

    def prepare_filters(self) -> None:
        """Called before rows are matched, for filters that need a look-up first (see ``looked_up``)."""

    def looked_up(self, key: str, look_up: Callable[[Any], set[Any]]) -> set[Any] | None:
        """What ``look_up`` gives for picker ``key``'s value (None while the picker is unset): worked out once
        when the value is chosen, not for every row, and again after the rows are reloaded."""
        value = self.filter_value(key) if key in self.filters else None
        if value is None:
            return None
        cached = self._lookups.get(key)
        if cached is None or cached[0] != value:
            cached = (value, look_up(value))
            self._lookups[key] = cached
        return cached[1]

    def _resort_all(self, column: int, order: Qt.SortOrder) -> None:
        """Keeps every loaded row in the shown order, so that filtering never has to sort again."""
        pairs = dict(zip(map(id, self._all_rows), self._haystacks, strict=True))
        self._all_rows = self.model.sorted_copy(self._all_rows, column, order)
        self._haystacks = [pairs[id(row)] for row in self._all_rows]
        self._numbers = None

    def search_text(self, row: Row) -> str:
        """The text the search box looks in, case-folded; worked out once per load, not on every keystroke."""
        raise NotImplementedError

    def apply_filters(self) -> None:
        self._filter_timer.stop()
        self.prepare_filters()
        search = self.search.text().strip().casefold()
        candidates = (
            [row for row, text in zip(self._all_rows, self._haystacks, strict=True) if search in text]
            if search
            else self._all_rows
        )
        self._filter_values = {key: combo.currentData() for key, combo in self.filters.items()}
        try:
            if self.unfiltered_matches_all and all(value is None for value in self._filter_values.values()):
                rows = list(candidates)  # no picker set: every row the search found
            else:
                rows = [row for row in candidates if self.matches(row)]
        finally:
            self._filter_values = None
        self.model.set_rows(rows, presorted=True)
        shown, total = len(rows), len(self._all_rows)
        noun = self.noun if total == 1 else self.plural
        self.count_label.setText(f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}")
        self._show_empty_state(self._loaded and total == 0)
        self._update_buttons()

    def _passes(self, row: Row, haystack: str, search: str) -> bool:
        """Whether one row passes the search and the pickers (while ``_filter_values`` holds their values)."""
        if search and search not in haystack:
            return False
        assert self._filter_values is not None
        if self.unfiltered_matches_all and all(value is None for value in self._filter_values.values()):
            return True
        return self.matches(row)

    # ------------------------------------------------------------------ selection and commands

    def selected_rows(self) -> list[Row]:
        numbers = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(number) for number in numbers]

    def select_where(self, predicate: Any) -> bool:
        number = self.model.index_where(predicate)
        if number is None:
            return False
        self.table.selectRow(number)
        self.table.scrollTo(self.model.index(number, 0))
        return True

    def edit_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.open_editor(rows[0])

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows or not self.editable:
            return
        if self.changes is not None and not self.services.rights.may_add(self.changes):
            # The Delete key and the Edit menu reach here too: the account's limit, not a question it cannot pass.
            show_error(self, LocalityError(self.services.rights.reason), f"Delete {self.plural}")
            return
        if len(rows) == 1:
            question = f"Delete the {self.noun} “{self.describe(rows[0])}”?"
        else:
            question = f"Delete these {len(rows)} {self.plural}?"
        answer = QMessageBox.question(
            self,
            f"Delete {self.plural if len(rows) > 1 else self.noun}",
            f"{question}\n\nYou can undo this with Edit › Undo.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.delete_rows(rows)
        except Exception as error:
            show_error(self, error, f"Delete {self.plural}")

    def _update_buttons(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        rights = self.services.rights
        may_add = self.changes is None or rights.may_add(self.changes)
        may_change = self.changes is None or rights.may_change(self.changes)
        self.new_button.setEnabled(may_add)
        self.edit_button.setEnabled(count == 1 and may_change)
        self.delete_button.setEnabled(count >= 1 and may_add)
        for button, allowed in (
            (self.new_button, may_add),
            (self.edit_button, may_change),
            (self.delete_button, may_add),
        ):
            button.setToolTip("" if allowed else rights.reason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and not self._editing_cell()
        ):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
            if key == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    def _editing_cell(self) -> bool:
        """Whether a cell editor is open (on the table or a view inside it): its Enter saves the cell, and that
        key press, passed up to the table, must not also open the row."""
        views = [self.table, *self.table.findChildren(QAbstractItemView)]
        return any(view.state() == QAbstractItemView.State.EditingState for view in views)

    def _fit_columns(self) -> None:
        """Column widths are given for a 9-point font; scale them to the font in use, and leave room for the
        bold header title and its sort arrow so that no header is clipped."""
        body = self.table.fontMetrics()
        scale = max(1.0, body.averageCharWidth() / 6.0)
        bold = QFont(self.table.horizontalHeader().font())
        bold.setBold(True)
        header = QFontMetrics(bold)
        for number, column in enumerate(self.model.columns):
            fitted = header.horizontalAdvance(column.title) + 36
            self.table.setColumnWidth(number, max(int(column.width * scale), fitted))

    # ------------------------------------------------------------------ remembered layout

    def _settings_key(self) -> str:
        return f"tables/{self.objectName() or type(self).__name__}"

    def _restore_header(self) -> None:
        state = self.env.settings.bytes(self._settings_key())
        if state is not None:
            self.table.horizontalHeader().restoreState(state)

    def save_table_state(self) -> None:
        self.env.settings.set_bytes(self._settings_key(), self.table.horizontalHeader().saveState())
