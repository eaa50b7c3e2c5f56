"""Where everything on the timeline goes, in plain Python: the rows, the date scale of each zoom, the axis labels
and what lies under a point. ``TimelineView`` (timeline/view.py) paints from it; nothing here needs Qt, so the
arithmetic is tested, and measured, on its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from locality.domain.text import plural
from locality.services.timeline import Timeline, TimelineAction, TimelineGroup, TimelineMilestone

ROW_HEIGHT = 26
BAR_HEIGHT = 14
LEFT_WIDTH = 300
TIER_HEIGHT = 20
HEADER_HEIGHT = 3 * TIER_HEIGHT  # years, months or quarters, and the "Today" marker
DIAMOND = 6  # half the diagonal of a milestone's diamond

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Zoom(StrEnum):
    MONTH = "Month"
    QUARTER = "Quarter"
    YEAR = "Year"


PIXELS_PER_DAY = {Zoom.MONTH: 4.0, Zoom.QUARTER: 1.4, Zoom.YEAR: 0.45}


# --------------------------------------------------------------------------- dates


def _month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _unit_start(day: date, zoom: Zoom) -> date:
    """The first day of the month, quarter or year ``day`` falls in: the unit the axis is marked in."""
    if zoom == Zoom.MONTH:
        return _month_start(day)
    if zoom == Zoom.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _unit_months(zoom: Zoom) -> int:
    return {Zoom.MONTH: 1, Zoom.QUARTER: 3, Zoom.YEAR: 12}[zoom]


# --------------------------------------------------------------------------- the layout model


@dataclass(frozen=True, slots=True)
class LayoutRow:
    """A row of the timeline: a group's heading (``action`` None) or one action's bar."""

    group: TimelineGroup
    action: TimelineAction | None = None

    @property
    def is_heading(self) -> bool:
        return self.action is None

    @property
    def label(self) -> str:
        if self.action is not None:
            return self.action.title
        count = len(self.group.actions)
        return f"{self.group.title} ({plural(count, 'action')})"


@dataclass(frozen=True)
class AxisSegment:
    """A stretch of the date axis with its label: a year, or a month or quarter."""

    x0: float
    x1: float
    label: str


@dataclass(frozen=True)
class Hit:
    row: int
    action: TimelineAction | None
    milestone: TimelineMilestone | None = None
    on_bar: bool = False


class TimelineLayout:
    """Where everything goes, in content coordinates: x from the first day shown, y from the first row.

    Nothing here paints; the view translates by its scroll position and draws only the rows ``visible_rows``
    names.
    """

    def __init__(self, timeline: Timeline, zoom: Zoom = Zoom.QUARTER, row_height: int = ROW_HEIGHT) -> None:
        self.timeline = timeline
        self.zoom = zoom
        self.row_height = row_height
        self.pixels_per_day = PIXELS_PER_DAY[zoom]
        rows: list[LayoutRow] = []
        for group in timeline.groups:
            rows.append(LayoutRow(group))
            rows.extend(LayoutRow(group, action) for action in group.actions)
        self.rows = rows
        self._row_of = {row.action.id: index for index, row in enumerate(rows) if row.action is not None}
        today = timeline.today
        first = min(timeline.first_date or today, today)
        last = max(timeline.last_date or today, today)
        months = _unit_months(zoom)
        # One empty unit either side, so that no bar touches the edge.
        self.origin = _add_months(_unit_start(first, zoom), -months)
        self.end = _add_months(_unit_start(last, zoom), 2 * months)  # exclusive

    def with_zoom(self, zoom: Zoom) -> TimelineLayout:
        return TimelineLayout(self.timeline, zoom, self.row_height)

    # ------------------------------------------------------------------ scale

    def x_for(self, day: date) -> float:
        """The x of the start of ``day``."""
        return (day - self.origin).days * self.pixels_per_day

    def date_at(self, x: float) -> date:
        return self.origin + timedelta(days=int(x // self.pixels_per_day))

    @property
    def width(self) -> float:
        return self.x_for(self.end)

    @property
    def height(self) -> int:
        return len(self.rows) * self.row_height

    @property
    def today_x(self) -> float:
        """The middle of today."""
        return self.x_for(self.timeline.today) + self.pixels_per_day / 2

    def bar_span(self, action: TimelineAction) -> tuple[float, float]:
        """x from the start of the bar's first day to the end of its last, at least a few pixels wide."""
        x0 = self.x_for(action.bar_start)
        x1 = self.x_for(action.bar_end) + self.pixels_per_day
        return x0, max(x1, x0 + 4)

    def milestone_x(self, milestone: TimelineMilestone) -> float | None:
        if milestone.due_on is None:
            return None
        return self.x_for(milestone.due_on) + self.pixels_per_day / 2

    def axis(self) -> tuple[list[AxisSegment], list[AxisSegment]]:
        """(years, finer units): the two tiers of the date axis across the whole width."""
        years: list[AxisSegment] = []
        year = self.origin.year
        while date(year, 1, 1) < self.end:
            start = max(date(year, 1, 1), self.origin)
            end = min(date(year + 1, 1, 1), self.end)
            years.append(AxisSegment(self.x_for(start), self.x_for(end), str(year)))
            year += 1
        finer: list[AxisSegment] = []
        step = 1 if self.zoom == Zoom.MONTH else 3
        day = _month_start(self.origin)
        while day < self.end:
            following = _add_months(day, step)
            if self.zoom == Zoom.QUARTER:
                label = f"{MONTH_NAMES[day.month - 1]}–{MONTH_NAMES[following.month - 2]}"
            else:
                label = MONTH_NAMES[day.month - 1]
            finer.append(AxisSegment(self.x_for(day), self.x_for(following), label))
            day = following
        return years, finer

    # ------------------------------------------------------------------ rows

    def row_top(self, index: int) -> int:
        return index * self.row_height

    def row_at(self, y: float) -> int | None:
        if y < 0 or y >= self.height:
            return None
        return int(y // self.row_height)

    def visible_rows(self, scroll_y: float, viewport_height: float) -> range:
        """The rows any part of which shows when the chart is scrolled down by ``scroll_y``."""
        if not self.rows or viewport_height <= 0:
            return range(0)
        first = max(0, int(scroll_y // self.row_height))
        last = min(len(self.rows), int((scroll_y + viewport_height - 1) // self.row_height) + 1)
        return range(first, max(first, last))

    def row_of(self, action_id: uuid.UUID) -> int | None:
        return self._row_of.get(action_id)

    def hit(self, x: float | None, y: float) -> Hit | None:
        """What is at (x, y): the row, its action, and a milestone or the bar if the point is on one.

        ``x`` None means the point is in the column of titles.
        """
        index = self.row_at(y)
        if index is None:
            return None
        row = self.rows[index]
        action = row.action
        if action is None or x is None:
            return Hit(index, action)
        middle = self.row_top(index) + self.row_height / 2
        if abs(y - middle) <= DIAMOND + 1:
            for milestone in action.milestones:
                mx = self.milestone_x(milestone)
                if mx is not None and abs(x - mx) <= DIAMOND + 1:
                    return Hit(index, action, milestone, on_bar=True)
        x0, x1 = self.bar_span(action)
        on_bar = x0 - 2 <= x <= x1 + 2 and abs(y - middle) <= BAR_HEIGHT / 2 + 2
        return Hit(index, action, None, on_bar)

    def group_span(self, group: TimelineGroup) -> tuple[float, float] | None:
        if not group.actions:
            return None
        x0 = min(self.bar_span(action)[0] for action in group.actions)
        x1 = max(self.bar_span(action)[1] for action in group.actions)
        return x0, x1
