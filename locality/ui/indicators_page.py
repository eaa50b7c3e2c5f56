"""The indicators page: the evidence base. A list of indicators with their baseline, target and latest actual,
and for the selected one its measurements (editable in place), a trend chart and the need and action it
evidences. The parts are in ``ui/indicators/``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QSplitter, QWidget

from locality.domain.entities import Entity
from locality.domain.vocabulary import Direction
from locality.services.indicators import Indicator
from locality.ui.edit_dialog import run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.indicators.detail import IndicatorDetail
from locality.ui.indicators.dialog import IndicatorDialog
from locality.ui.indicators.wording import evidences, format_value, value_on
from locality.ui.list_page import ListPage
from locality.ui.pickers import theme_choices, theme_with_subthemes
from locality.ui.style import alarm_colour, good_colour
from locality.ui.table_model import Column
from locality.ui.undo import push_deleted


class IndicatorsPage(ListPage[Indicator]):
    title = "Indicators"
    noun = "indicator"
    changes = Entity.INDICATOR
    plural = "indicators"

    def empty_sentence(self) -> str:
        return (
            "No indicators yet. An indicator is the evidence of what the actions achieved: a measure with a "
            "baseline and a target, linked to a need or an action, and measured as the plan goes on."
        )

    watches = frozenset({Entity.INDICATOR, Entity.MEASUREMENT, Entity.NEED, Entity.ACTION, Entity.THEME})

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self._themes = env.services.vocabulary.themes()
        self._theme_ids: set[uuid.UUID] | None = None
        self.add_filter("theme", "Themes", lambda: theme_choices(env))
        self.add_filter("direction", "Directions", [(d.value, d) for d in Direction])
        self.add_filter(
            "tracking",
            "Progress",
            [("Off track", "off_track"), ("On track or met", "on_track"), ("Target met", "met")],
        )
        self.filters["theme"].setToolTip("The theme of the need each indicator evidences")
        self.detail = IndicatorDetail(self.env, self.after_edit)
        self.detail.setObjectName("indicatorDetail")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("indicatorSplitter")
        self.page_layout.replaceWidget(self.table_area, splitter)
        splitter.addWidget(self.table_area)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 560])
        self.splitter = splitter
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())

    def columns(self) -> Sequence[Column[Indicator]]:
        def track_colour(row: Indicator) -> QColor | None:
            return alarm_colour() if row.off_track else good_colour() if row.target_met else None

        # What a board asks first (how far, on track or not) comes before the figures behind it.
        return [
            Column("Name", lambda i: i.name, width=240, tooltip=lambda i: i.description or i.name),
            Column(
                "To target",
                lambda i: f"{i.percent_to_target}%" if i.percent_to_target is not None else "",
                sort_key=lambda i: i.percent_to_target,
                align_right=True,
                tooltip=lambda i: i.track_note,
                foreground=track_colour,
                width=75,
            ),
            Column(
                "Progress",
                lambda i: (
                    "Off track"
                    if i.off_track
                    else "Met"
                    if i.target_met
                    else "On track"
                    if i.percent_to_target is not None
                    else ""
                ),
                tooltip=lambda i: i.track_note,
                foreground=track_colour,
                width=75,
            ),
            Column(
                "Latest actual",
                lambda i: format_value(i.actual_value, i.unit),
                sort_key=lambda i: i.actual_value,
                align_right=True,
                width=100,
            ),
            Column(
                "Target",
                lambda i: value_on(i.target_value, i.target_on, i.unit),
                sort_key=lambda i: i.target_value,
                width=150,
            ),
            Column(
                "Baseline",
                lambda i: value_on(i.baseline_value, i.baseline_on, i.unit),
                sort_key=lambda i: i.baseline_value,
                width=150,
            ),
            Column("Direction", lambda i: i.direction.value, width=120),
            Column("Unit", lambda i: i.unit, width=70),
            Column("Target kind", lambda i: i.target_kind.value, width=90),
            Column("Evidences", evidences, width=300, tooltip=evidences),
        ]

    def expected_rows(self) -> int:
        # Each indicator costs about as much to load as a few actions (its measurements are summed and its
        # progress judged), so a few thousand already go to the background.
        return 3 * self.services.workspace.count(Entity.INDICATOR)

    def load_rows(self) -> list[Indicator]:
        return self.services.indicators.list()

    def search_text(self, row: Indicator) -> str:
        return f"{row.name} {row.unit} {row.need_title} {row.action_title}".casefold()

    def prepare_filters(self) -> None:
        self._theme_ids = self.looked_up("theme", lambda theme: theme_with_subthemes(self._themes, theme))

    def matches(self, row: Indicator) -> bool:
        if self._theme_ids is not None and row.need_theme_id not in self._theme_ids:
            return False
        direction = self.filter_value("direction")
        if direction is not None and row.direction != direction:
            return False
        tracking = self.filter_value("tracking")
        if tracking == "off_track":
            return row.off_track
        if tracking == "on_track":
            return not row.off_track and row.percent_to_target is not None
        if tracking == "met":
            return row.target_met
        return True

    def refresh(self) -> None:
        self._themes = self.services.vocabulary.themes()
        super().refresh()

    def apply_filters(self) -> None:
        super().apply_filters()
        self.show_selected()

    def show_selected(self) -> None:
        rows = self.selected_rows()
        self.detail.show_indicator(rows[0].id if rows else None)

    def after_edit(self) -> None:
        """A measurement changed: the list's actual and percent change with it."""
        self.loader.refresh_when_shown()

    def select_indicator(self, indicator_id: uuid.UUID) -> bool:
        return self.select_where(lambda i: i.id == indicator_id)

    def open_editor(self, row: Indicator | None) -> None:
        try:
            current = self.services.indicators.get(row.id) if row is not None else None
        except Exception as error:
            show_error(self, error)
            return
        saved = run_dialog(IndicatorDialog(self.env, current, self))
        if saved is not None:
            self.refresh()
            self.select_where(lambda i: i.id == saved.id)

    def delete_rows(self, rows: list[Indicator]) -> None:
        indicators = self.services.indicators
        ids = [row.id for row in rows]
        deleted = indicators.delete(ids)
        text = f"delete indicator {rows[0].name}" if len(rows) == 1 else f"delete {len(rows)} indicators"
        push_deleted(self.env.undo_stack, text, ids, deleted, indicators.delete, indicators.restore, self)
        self.after_edit()
