"""The change history as a table, shared by the History page and each edit dialog's History tab: entries newest
first, read from the services a page at a time as the view scrolls (never the whole log at once), and "Put this
value back" on a field change, undoable like any edit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.text import plural
from locality.domain.values import format_date_time
from locality.services.history import MERGE, HistoryEntry, HistoryFilter, PutBack
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.undo import push_updated
from locality.ui.workers import run_in_background

AnyIndex = QModelIndex | QPersistentModelIndex

#: Entries read at a time: a screenful or two, so the first rows of a long history show at once.
PAGE_SIZE = 200

PUT_BACK_TITLE = "Put this value back"


@dataclass(frozen=True)
class HistoryColumn:
    title: str
    text: Callable[[HistoryEntry], str]
    width: int
    #: Text the column must show whole, whatever the font (a date and time).
    sample: str = ""


_VERBS = {"create": "Created", "delete": "Deleted", "restore": "Restored"}


def change_text(entry: HistoryEntry) -> str:
    """A field change as "old → new"; a record created, deleted or restored as that word (the Record column
    names it); anything else as its sentence ("Merged from …", "Recorded 1,200 board snapshot items …")."""
    if entry.operation == "update" and entry.field:
        return f"{entry.old_text} → {entry.new_text}"
    if entry.operation in _VERBS and not entry.field:
        return _VERBS[entry.operation]
    return entry.summary


def record_text(entry: HistoryEntry) -> str:
    if entry.operation == MERGE:
        return ""  # a merge is of the whole workspace; the Change column names the copy
    return entry.record_name or "(no name)"


WHEN = HistoryColumn("When", lambda entry: format_date_time(entry.changed_at), 118, "00/00/0000 00:00")
WHO = HistoryColumn("Who", lambda entry: entry.author or "(not recorded)", 140)
ORGANISATION = HistoryColumn("Organisation", lambda entry: entry.author_organisation, 180)
KIND = HistoryColumn("Kind of record", lambda entry: entry.entity_label, 115)
RECORD = HistoryColumn("Record", record_text, 250)
FIELD = HistoryColumn("Field", lambda entry: entry.field_label, 125)
CHANGE = HistoryColumn("Change", change_text, 170)

PAGE_COLUMNS = (WHEN, WHO, ORGANISATION, KIND, RECORD, FIELD, CHANGE)
# A dialog is narrower than the page: its columns give the change the room the record's name had.
RECORD_COLUMNS = (
    WHEN,
    HistoryColumn(WHO.title, WHO.text, 110),
    HistoryColumn(ORGANISATION.title, ORGANISATION.text, 130),
    HistoryColumn(FIELD.title, FIELD.text, 105),
    CHANGE,
)


class HistoryModel(QAbstractTableModel):
    """Entries as the services give them for ``filters``, newest first. ``show`` starts from a first page; the
    view asks for more as it is scrolled (``canFetchMore``/``fetchMore``), and each further page is read on a
    worker thread following on from the last entry shown, so scrolling through a long history never freezes
    the window. A page that arrives after ``show`` has started again is dropped."""

    #: A further page failed to load (the workspace busy, say): the page shows why.
    failed = Signal(object)

    def __init__(self, env: UiEnv, columns: Sequence[HistoryColumn], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.columns = list(columns)
        self.filters = HistoryFilter()
        self._entries: list[HistoryEntry] = []
        self._complete = True
        self._fetching = False
        self._generation = 0

    # ------------------------------------------------------------------ rows

    def read_first_page(self, filters: HistoryFilter) -> list[HistoryEntry]:
        """The first page for ``filters`` (safe on a worker thread: it only reads)."""
        return self.env.services.history.entries(filters=filters, limit=PAGE_SIZE)

    def show(self, filters: HistoryFilter, first_page: list[HistoryEntry]) -> None:
        self.beginResetModel()
        self._generation += 1
        self.filters = filters
        self._entries = list(first_page)
        self._complete = len(first_page) < PAGE_SIZE
        self._fetching = False
        self.endResetModel()

    def entry_at(self, row: int) -> HistoryEntry:
        return self._entries[row]

    def entries(self) -> list[HistoryEntry]:
        return list(self._entries)

    @property
    def fetching(self) -> bool:
        return self._fetching

    @property
    def complete(self) -> bool:
        """Every entry for the filters has been read."""
        return self._complete

    # ------------------------------------------------------------------ Qt model interface

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: AnyIndex) -> bool:  # noqa: N802
        return not parent.isValid() and not self._complete and not self._fetching

    def fetchMore(self, parent: AnyIndex) -> None:  # noqa: N802
        if not self.canFetchMore(parent) or not self._entries:
            return
        self._fetching = True
        generation, filters, last = self._generation, self.filters, self._entries[-1]
        history = self.env.services.history

        def done(page: list[HistoryEntry]) -> None:
            if generation != self._generation:
                return  # the list was started again meanwhile (new filters, a change): this page is not wanted
            self._fetching = False
            self._complete = len(page) < PAGE_SIZE
            if page:
                first = len(self._entries)
                self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
                self._entries.extend(page)
                self.endInsertRows()

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._fetching = False
                self.failed.emit(error)

        run_in_background(
            lambda: history.entries(filters=filters, limit=PAGE_SIZE, older_than=last), done, failed, self
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.summary
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None


def history_table(model: HistoryModel, name: str, accessible: str) -> QTableView:
    """A read-only table of entries, one row selected at a time, in the order the history is kept (newest
    first: sorting by a column would need every entry read, which paging exists to avoid)."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)  # Tab moves on to the button, as from any field; arrows move the row
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    fit_columns(table, model)
    return table


def fit_columns(table: QTableView, model: HistoryModel) -> None:
    """Column widths for the table's font; called again at its first showing, when the style sheet has set
    the font it will have."""
    metrics = table.fontMetrics()
    for number, column in enumerate(model.columns):
        table.setColumnWidth(number, max(column.width, metrics.horizontalAdvance(column.sample) + 30))


def selected_entry(table: QTableView, model: HistoryModel) -> HistoryEntry | None:
    rows = table.selectionModel().selectedRows()
    return model.entry_at(rows[0].row()) if rows else None


def put_back_with_undo(env: UiEnv, entry: HistoryEntry, parent: QWidget | None) -> PutBack | None:
    """Puts ``entry``'s old value back and records it on the undo stack; a refusal (the record deleted, the
    value no longer valid, changed meanwhile) is shown as its sentence and nothing is changed."""
    history = env.services.history
    try:
        put = history.put_back(entry.id)
    except Exception as error:  # shown in one place, as every failed edit is
        show_error(parent, error, PUT_BACK_TITLE)
        return None
    push_updated(
        env.undo_stack,
        put.description,
        put.record_id,
        put.before,
        put.after,
        put.version,
        history.updater(put.entity),
        parent,
    )
    return put


PUT_BACK_TIP = "Set the field back to the value it had before the chosen change"
NOT_PUT_BACK_TIP = "Only a change to one field of an organisation, need, action or indicator can be put back"


class HistoryTable(QWidget):
    """The table of entries and the line beneath it — how many there are, and "Put this value back" (which
    calls ``put_back`` with the chosen entry) — shared by the History page and the History tab."""

    def __init__(
        self,
        env: UiEnv,
        columns: Sequence[HistoryColumn],
        name: str,
        accessible: str,
        put_back: Callable[[HistoryEntry], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._put_back = put_back
        self._fitted = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = HistoryModel(env, columns, self)
        self.model.failed.connect(lambda error: show_error(self, error, "History"))
        self.table = history_table(self.model, name, accessible)
        layout.addWidget(self.table, 1)
        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        footer.addWidget(self.count_label, 1)
        self.put_back_button = QPushButton("&Put this value back")
        self.put_back_button.setObjectName("putBackButton")
        self.put_back_button.clicked.connect(self.put_back_selected)
        footer.addWidget(self.put_back_button)
        layout.addLayout(footer)
        self.table.selectionModel().selectionChanged.connect(self.update_button)
        self.update_button()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            fit_columns(self.table, self.model)

    def selected(self) -> HistoryEntry | None:
        return selected_entry(self.table, self.model)

    def select(self, entry_id: int) -> None:
        """Selects the entry with this id, if it is among those read."""
        for number, entry in enumerate(self.model.entries()):
            if entry.id == entry_id:
                self.table.selectRow(number)
                return

    def put_back_selected(self) -> None:
        entry = self.selected()
        if entry is not None and entry.can_put_back:
            self._put_back(entry)

    def update_button(self) -> None:
        entry = self.selected()
        self.put_back_button.setEnabled(entry is not None and entry.can_put_back)
        self.put_back_button.setToolTip(
            NOT_PUT_BACK_TIP if entry is not None and not entry.can_put_back else PUT_BACK_TIP
        )


class RecordHistory(QWidget):
    """One record's changes, newest first, with "Put this value back" (an edit dialog's History tab). It reads
    when first shown. ``may_put_back`` is asked first (a dialog holding unsaved changes says no, and why) and
    ``put_back_done`` told after, so that the dialog can show the record as it now is."""

    def __init__(
        self,
        env: UiEnv,
        entity: Entity,
        record_id: uuid.UUID,
        *,
        may_put_back: Callable[[], bool] | None = None,
        put_back_done: Callable[[PutBack], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordHistory")
        self.env = env
        self.filters = HistoryFilter(entity=entity, record_id=record_id)
        self._may_put_back = may_put_back
        self._put_back_done = put_back_done
        self._stale = True
        self._layout = QVBoxLayout(self)
        # The table is made when the tab is first shown: most dialogs are opened and closed without a look at
        # the history, and making it was a fifth of opening an action.
        self._view: HistoryTable | None = None

    @property
    def view(self) -> HistoryTable:
        if self._view is None:
            self._view = HistoryTable(
                self.env, RECORD_COLUMNS, "recordHistoryTable", "Changes to this record", self._put_back
            )
            self._layout.addWidget(self._view)
            self._view.show()  # a child added to a widget already shown stays hidden unless told
            self._view.table.doubleClicked.connect(lambda _index: self.view.put_back_selected())
        return self._view

    @property
    def model(self) -> HistoryModel:
        return self.view.model

    @property
    def table(self) -> QTableView:
        return self.view.table

    @property
    def count_label(self) -> QLabel:
        return self.view.count_label

    @property
    def put_back_button(self) -> QPushButton:
        return self.view.put_back_button

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """Reads the record's changes again (at once: one record's history is short)."""
        self._stale = False
        try:
            entries = self.model.read_first_page(self.filters)
            total = self.env.services.history.count(filters=self.filters)
        except Exception as error:  # shown in one place
            show_error(self, error, "History")
            return
        self.model.show(self.filters, entries)
        self.count_label.setText(plural(total, "change"))
        self.view.update_button()

    def selected(self) -> HistoryEntry | None:
        return self.view.selected()

    def _put_back(self, entry: HistoryEntry) -> None:
        if self._may_put_back is not None and not self._may_put_back():
            return
        put = put_back_with_undo(self.env, entry, self)
        if put is not None:
            if self._put_back_done is not None:
                self._put_back_done(put)
            self.reload()


__all__ = [
    "PAGE_COLUMNS",
    "HistoryTable",
    "PAGE_SIZE",
    "HistoryModel",
    "RecordHistory",
    "fit_columns",
    "history_table",
    "put_back_with_undo",
]
