"""The timeline page: actions as bars over time, grouped by theme or lead organisation, with their milestones.

``TimelineLayout`` (timeline_layout.py) is the plain-Python model of what goes where (rows, the date scale of each
zoom, the axis labels, what lies under a point); ``TimelineView`` (timeline/view.py) paints only the rows on screen
from it, so 20,000 actions scroll as smoothly as 20. The page around them holds the filters, the zoom and the
summary line.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.timeline import Timeline, TimelineGrouping
from locality.ui.action_dialog import open_action
from locality.ui.empty_state import EmptyState, NextStep, page_step
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.flow_layout import FlowLayout, together
from locality.ui.forms import find_data, refill_combo
from locality.ui.page import Page
from locality.ui.pickers import organisation_choices, theme_choices
from locality.ui.style import set_tone
from locality.ui.timeline.view import TimelineView
from locality.ui.timeline.wording import PERIODS, period_dates, summary_text
from locality.ui.timeline_layout import (
    TimelineLayout,
    Zoom,
)

# A timeline that took longer than this to load is loaded off the GUI thread next time (the first load always is).
SLOW_LOAD_SECONDS = 0.1


@dataclass(frozen=True)
class _Request:
    group_by: TimelineGrouping
    theme_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    status: ActionStatus | None
    rag: Rag | None
    include_closed: bool
    period_start: date | None = None
    period_end: date | None = None


class TimelinePage(Page):
    title = "Timeline"
    watches = frozenset(
        {
            Entity.ACTION,
            Entity.ACTION_PARTNER,
            Entity.MILESTONE,
            Entity.PROGRESS_UPDATE,
            Entity.ORGANISATION,
            Entity.THEME,
            Entity.WORKSPACE_META,
        }
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.timeline: Timeline | None = None
        self.zoom = Zoom.QUARTER
        self._scrolled_once = False
        self.loader.stale = True  # loads when first shown

        layout = QVBoxLayout(self)
        heading = QLabel("Timeline")
        heading.setObjectName("pageHeading")
        layout.addWidget(heading)

        filters = FlowLayout()
        group_label = QLabel("&Group by:")
        self.group_by = QComboBox()
        self.group_by.setObjectName("groupByCombo")
        self.group_by.setAccessibleName("Group actions by")
        self.group_by.addItem("Theme", TimelineGrouping.THEME)
        self.group_by.addItem("Lead organisation", TimelineGrouping.LEAD)
        self.group_by.currentIndexChanged.connect(lambda _index: self.refresh())
        group_label.setBuddy(self.group_by)
        filters.addWidget(together(group_label, self.group_by))
        self.filters: dict[str, QComboBox] = {}
        self._add_filter(filters, "theme", "all themes", lambda: theme_choices(env))
        self._add_filter(filters, "organisation", "all organisations", lambda: organisation_choices(env))
        self._add_filter(filters, "status", "all statuses", lambda: [(s.value, s) for s in ActionStatus])
        self._add_filter(filters, "rag", "all RAG ratings", lambda: [(r.value, r) for r in Rag])
        self._add_filter(filters, "period", "all dates", lambda: [(text, key) for key, text in PERIODS.items()])
        self.closed_check = QCheckBox("Show &completed and cancelled")
        self.closed_check.setObjectName("closedCheck")
        self.closed_check.setChecked(False)  # a board looks ahead: open actions first, the rest on request
        self.closed_check.toggled.connect(lambda _on: self.refresh())
        filters.addWidget(self.closed_check)
        filters.addStretch(1)
        layout.addLayout(filters)

        tools = QHBoxLayout()
        tools.addWidget(QLabel("Zoom:"))
        self.zoom_buttons = QButtonGroup(self)
        self.zoom_buttons.setExclusive(True)
        for zoom in Zoom:
            button = QPushButton(zoom.value)
            button.setObjectName(f"zoom{zoom.value}Button")
            button.setCheckable(True)
            button.setChecked(zoom == self.zoom)
            button.setToolTip(f"Show the timeline {zoom.value.lower()} by {zoom.value.lower()}")
            button.clicked.connect(lambda _checked=False, chosen=zoom: self.set_zoom(chosen))
            self.zoom_buttons.addButton(button)
            tools.addWidget(button)
        self.today_button = QPushButton("Go to &today")
        self.today_button.setObjectName("todayButton")
        self.today_button.clicked.connect(self.go_to_today)
        tools.addWidget(self.today_button)
        legend = QLabel(
            "Bars are coloured by RAG; the darker part is the percent complete. "
            "◆ milestone: filled when done, red outline when overdue. Dashed bar: a date is missing. Dotted red "
            "line: overdue until today."
        )
        legend.setObjectName("timelineLegend")
        legend.setWordWrap(True)
        set_tone(legend, "muted")
        tools.addWidget(legend, 1)
        layout.addLayout(tools)

        self.stack = QStackedWidget()
        self.view = TimelineView()
        self.view.actionActivated.connect(self.open_action)
        self.view.selectionChanged.connect(lambda _id: self._update_buttons())
        self.empty_state = EmptyState()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_state)
        layout.addWidget(self.stack, 1)

        footer = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setWordWrap(True)
        footer.addWidget(self.count_label, 1)
        self.open_button = QPushButton("&Open action…")
        self.open_button.setObjectName("openButton")
        self.open_button.clicked.connect(lambda: self.open_action(self.view.selected_id))
        footer.addWidget(self.open_button)
        layout.addLayout(footer)
        self._show_empty("Loading the timeline…")
        self._update_buttons()

    # ------------------------------------------------------------------ filters

    def _add_filter(self, bar: FlowLayout, key: str, all_label: str, choices: Any) -> None:
        combo = QComboBox()
        combo.setObjectName(f"{key}Filter")
        combo.setAccessibleName(f"Filter by {all_label.removeprefix('all ')}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.setProperty("allLabel", all_label[0].upper() + all_label[1:])
        combo.setProperty("choices", None)
        self._choices = getattr(self, "_choices", {})
        self._choices[key] = choices
        self.filters[key] = combo
        self._fill_filter(key)
        combo.currentIndexChanged.connect(lambda _index: self.refresh())
        bar.addWidget(combo, 1)

    def _fill_filter(self, key: str) -> None:
        combo = self.filters[key]
        refill_combo(combo, str(combo.property("allLabel")), list(self._choices[key]()))

    def set_filter(self, key: str, value: Any) -> None:
        """Sets a filter as the user would: ``theme``, ``organisation``, ``status`` or ``rag``."""
        combo = self.filters[key]
        combo.setCurrentIndex(max(find_data(combo, value), 0))

    def filter_value(self, key: str) -> Any:
        return self.filters[key].currentData()

    def set_group_by(self, grouping: TimelineGrouping | str) -> None:
        self.group_by.setCurrentIndex(max(find_data(self.group_by, TimelineGrouping(grouping)), 0))

    def _request(self) -> _Request:
        start, end = self.period(self.filter_value("period"))
        return _Request(
            TimelineGrouping(self.group_by.currentData()),
            self.filter_value("theme"),
            self.filter_value("organisation"),
            self.filter_value("status"),
            self.filter_value("rag"),
            self.closed_check.isChecked(),
            start,
            end,
        )

    def period(self, key: str | None) -> tuple[date | None, date | None]:
        """The dates a ``PERIODS`` choice stands for today (None, None for all dates)."""
        plan: tuple[date | None, date | None] = (None, None)
        if key == "plan":
            details = self.services.workspace.details()
            plan = details.plan_start, details.plan_end
        return period_dates(key, self.services.context.today(), plan)

    # ------------------------------------------------------------------ loading

    @property
    def loading(self) -> bool:
        return self.loader.busy

    def refresh(self) -> None:
        """Reloads the timeline; off the GUI thread the first time and whenever the last load was slow."""
        request = self._request()

        def load() -> Timeline:
            return self.services.timeline.timeline(
                request.group_by,
                theme_id=request.theme_id,
                organisation_id=request.organisation_id,
                status=request.status,
                rag=request.rag,
                period_start=request.period_start,
                period_end=request.period_end,
                include_completed=request.include_closed,
                include_cancelled=request.include_closed,
            )

        last = self.loader.last_seconds
        if 0 < last <= SLOW_LOAD_SECONDS and not self.loader.busy:
            self.loader.run_now(load, self._show, lambda error: show_error(self, error))
            return
        self.count_label.setText("Loading the timeline…")

        def failed(error: BaseException) -> None:
            self.count_label.setText("")
            show_error(self, error)

        self.loader.start(load, self._show, failed)

    def _show(self, timeline: Timeline) -> None:
        for key in self.filters:
            self._fill_filter(key)
        self.timeline = timeline
        keep = self.view.anchor_date() if self._scrolled_once else None
        self.view.set_layout_model(TimelineLayout(timeline, self.zoom))
        if keep is not None:
            self.view.scroll_to_date(keep)
        else:
            self._scrolled_once = True
            self.go_to_today()
        self.count_label.setText(summary_text(timeline))
        if timeline.action_count:
            self.stack.setCurrentWidget(self.view)
        elif self._filtered():
            self._show_empty(
                "No actions with dates match these filters. Choose “All …” in the filters above, or tick "
                "“Show completed and cancelled”, to see more."
            )
        else:
            self._show_empty(
                "No actions with dates yet. Actions appear here as bars from their start date to their due date, "
                "with their milestones, once they have dates: add them on the Actions page (New action…), or "
                "give existing actions a start or due date.",
                [page_step(self.env, "Go to the &actions", "actionsPage")],
            )
        self._update_buttons()

    def _filtered(self) -> bool:
        if any(combo.currentData() is not None for combo in self.filters.values()):
            return True
        # Hiding completed and cancelled actions only explains an empty chart when there are actions to hide.
        return not self.closed_check.isChecked() and self.services.workspace.count(Entity.ACTION) > 0

    def _show_empty(self, text: str, steps: Sequence[NextStep] = ()) -> None:
        self.empty_state.show_steps(text, steps)
        self.stack.setCurrentWidget(self.empty_state)

    def _update_buttons(self) -> None:
        selected = self.view.selected_id is not None
        self.open_button.setEnabled(selected)
        self.open_button.setToolTip("" if selected else "Click a bar to choose an action first")
        self.today_button.setEnabled(self.timeline is not None and self.timeline.action_count > 0)

    # ------------------------------------------------------------------ commands

    def set_zoom(self, zoom: Zoom | str) -> None:
        chosen = Zoom(zoom)
        for button in self.zoom_buttons.buttons():
            button.setChecked(button.text() == chosen.value)
        if chosen == self.zoom:
            return
        keep, fraction = self.view.anchor_date(), 1 / 3
        today = self.timeline.today if self.timeline is not None else None
        today_at = self.view.fraction_of(today) if today is not None else None
        if today is not None and today_at is not None:
            keep, fraction = today, today_at  # the today line stays where it was
        self.zoom = chosen
        if self.view.layout_model is not None:
            self.view.set_layout_model(self.view.layout_model.with_zoom(chosen), keep_date=keep, keep_fraction=fraction)

    def go_to_today(self) -> None:
        if self.timeline is not None:
            self.view.scroll_to_date(self.timeline.today)

    def open_action(self, action_id: uuid.UUID | None) -> None:
        """Opens the action's dialog; the timeline refreshes by itself when the change is saved."""
        if action_id is not None:
            open_action(self.env, action_id, self)
