"""The History page: every change to the workspace — who made it and for which organisation, when, to which
record and field, and what it was before — newest first, filtered by person, organisation, kind of record and
dates, and read a page at a time so that a long history opens as fast as a short one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.text import plural
from locality.services.context import Changes
from locality.services.history import HistoryEntry, HistoryFilter
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.flow_layout import FlowLayout, together
from locality.ui.forms import DateField, find_data, refill_combo
from locality.ui.loader import BackgroundLoader
from locality.ui.need_dialog import open_need
from locality.ui.page import Page
from locality.ui.record_history import (
    PAGE_COLUMNS,
    HistoryTable,
    put_back_with_undo,
)

# Reading the first page took longer than this last time: read it off the GUI thread next time.
SLOW_LOAD_SECONDS = 0.05
# A date typed in a filter is applied once typing pauses.
DATE_PAUSE_MS = 400


@dataclass(frozen=True)
class _Loaded:
    filters: HistoryFilter
    entries: list[HistoryEntry]
    total: int


@dataclass(frozen=True)
class _Choices:
    authors: list[tuple[str, str]]
    kinds: list[tuple[str, Entity]]


class HistoryPage(Page):
    title = "History"
    watches: frozenset[Entity] = frozenset()  # every change is history

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.loader = BackgroundLoader(self, self.refresh)
        # The pickers' choices (everyone the history names) take a scan of the whole log: read after the first
        # page, so that the rows show without waiting for them.
        self.choices_loader = BackgroundLoader(self, self.refresh)
        layout = QVBoxLayout(self)
        heading = QLabel(self.title)
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)

        # Wraps onto a second line rather than widening the window (five filters at a 150% text size).
        bar = FlowLayout()
        self.person_filter = self._picker("personFilter", "Filter by person", bar)
        self.organisation_filter = self._picker("organisationFilter", "Filter by organisation", bar)
        self.kind_filter = self._picker("kindFilter", "Filter by kind of record", bar)
        self.since = DateField()
        self.since.setObjectName("sinceFilter")
        self.since.edit.setPlaceholderText("dd/mm/yyyy")
        self.since.setAccessibleName("Changes from (dd/mm/yyyy)")
        self.until = DateField()
        self.until.setObjectName("untilFilter")
        self.until.edit.setPlaceholderText("dd/mm/yyyy")
        self.until.setAccessibleName("Changes up to (dd/mm/yyyy)")
        for label, field in (("Fro&m:", self.since), ("&To:", self.until)):
            caption = QLabel(label)
            caption.setBuddy(field)
            field.setFixedWidth(field.sizeHint().width())
            bar.addWidget(together(caption, field))
            field.changed.connect(self._date_timer_start)
            field.edit.editingFinished.connect(self.apply_filters)
        self.clear_button = QPushButton("C&lear filters")
        self.clear_button.clicked.connect(self.clear_filters)
        bar.addWidget(self.clear_button)
        layout.addLayout(bar)
        self.filter_error = QLabel()
        self.filter_error.setObjectName("filterError")
        self.filter_error.setWordWrap(True)
        self.filter_error.hide()
        layout.addWidget(self.filter_error)

        self.view = HistoryTable(
            env,
            PAGE_COLUMNS,
            "historyTable",
            "Changes, newest first",
            lambda entry: put_back_with_undo(env, entry, self),
        )
        layout.addWidget(self.view, 1)
        self.model, self.table = self.view.model, self.view.table
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.setToolTip("Double-click a change to a need or an action to open it")
        self.count_label, self.put_back_button = self.view.count_label, self.view.put_back_button

        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_PAUSE_MS)
        self._date_timer.timeout.connect(self.apply_filters)
        self._shown_filters: HistoryFilter | None = None
        # The pickers' choices change only when the history does, not when a filter does.
        self._choices_stale = True

    def _picker(self, name: str, accessible: str, bar: FlowLayout) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.currentIndexChanged.connect(lambda _index: self.apply_filters())
        bar.addWidget(combo, 1)
        return combo

    # ------------------------------------------------------------------ refreshing

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.loader.shown()

    def on_changes(self, changes: Changes) -> None:
        self.refresh_when_shown()

    def refresh_when_shown(self) -> None:
        self._choices_stale = True
        self.loader.refresh_when_shown()

    @property
    def loading(self) -> bool:
        return self.loader.busy or self.choices_loader.busy

    def filters(self) -> HistoryFilter:
        """The filters as the pickers and date fields give them; a date that is not one raises
        ``ValidationError`` with a sentence saying how to write it."""
        since, until = self.since.value(), self.until.value()
        if since is not None and until is not None and until < since:
            raise ValidationError("The “to” date is before the “from” date, so no change can match.")
        return HistoryFilter(
            author=self.person_filter.currentData(),
            organisation=self.organisation_filter.currentData(),
            entity=self.kind_filter.currentData(),
            since=since,
            until=until,
        )

    def apply_filters(self) -> None:
        self._date_timer.stop()
        try:
            filters = self.filters()
        except ValidationError as error:
            self.filter_error.setText(str(error))
            self.filter_error.show()
            return
        self.filter_error.hide()
        if filters != self._shown_filters:
            self.refresh()

    def _date_timer_start(self) -> None:
        self._date_timer.start()

    def clear_filters(self) -> None:
        for combo in (self.person_filter, self.organisation_filter, self.kind_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.since.set_value(None)
        self.until.set_value(None)
        self.apply_filters()

    def set_filter(self, key: str, value: Any) -> None:
        """``person``, ``organisation`` (as the history names them) or ``kind`` (an ``Entity``); None clears."""
        combo = {"person": self.person_filter, "organisation": self.organisation_filter, "kind": self.kind_filter}[key]
        combo.setCurrentIndex(max(find_data(combo, value), 0))

    def refresh(self) -> None:
        """Reads the first page for the filters again (with the count and the pickers' choices): at once when
        that was quick last time, otherwise on a worker thread; further pages come as the table is scrolled."""
        try:
            filters = self.filters()
        except ValidationError:
            filters = self._shown_filters or HistoryFilter()
        history = self.services.history
        model = self.model

        def load() -> _Loaded:
            return _Loaded(filters, model.read_first_page(filters), history.count(filters=filters))

        last = self.loader.last_seconds
        if 0 < last <= SLOW_LOAD_SECONDS:
            self.loader.run_now(load, self._show, lambda error: show_error(self, error, "History"))
            return
        if not self.model.rowCount():
            self.count_label.setText("Loading the history…")
        self.loader.start(load, self._show, lambda error: show_error(self, error, "History"))

    def _show(self, loaded: _Loaded) -> None:
        history = self.services.history
        if self._choices_stale:
            self._choices_stale = False
            self.choices_loader.start(
                lambda: _Choices(history.authors(), history.kinds()),
                self._show_choices,
                lambda error: show_error(self, error, "History"),
            )
        selected = self.selected()
        self._shown_filters = loaded.filters
        self.model.show(loaded.filters, loaded.entries)
        counted = plural(loaded.total, "change")
        if loaded.filters != HistoryFilter():
            counted += " matches the filters" if loaded.total == 1 else " match the filters"
        self.count_label.setText(counted)
        if selected is not None:
            self.view.select(selected.id)
        self.view.update_button()
        if self.filters_differ_from(loaded.filters):
            self.apply_filters()  # a picker changed while this page was read: read for what it says now

    def _show_choices(self, choices: _Choices) -> None:
        people = sorted({author for author, _organisation in choices.authors if author})
        organisations = sorted({organisation for _author, organisation in choices.authors if organisation})
        refill_combo(self.person_filter, "All people", [(person, person) for person in people])
        refill_combo(self.organisation_filter, "All organisations", [(name, name) for name in organisations])
        refill_combo(self.kind_filter, "All kinds of record", choices.kinds)

    def filters_differ_from(self, filters: HistoryFilter) -> bool:
        try:
            return self.filters() != filters
        except ValidationError:
            return False

    def selected(self) -> HistoryEntry | None:
        return self.view.selected()

    def put_back_selected(self) -> None:
        self.view.put_back_selected()

    def open_selected(self) -> None:
        """Opens the chosen change's need or action in its dialog (where its History tab lists its changes)."""
        entry = self.selected()
        if entry is None:
            return
        opener = _OPENERS.get(entry.entity)
        if opener is not None:
            opener(self.env, entry.record_id, self)


_OPENERS: dict[str, Callable[[UiEnv, uuid.UUID, QWidget], object]] = {
    Entity.NEED: open_need,
    Entity.ACTION: open_action,
}
