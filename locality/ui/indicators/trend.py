"""The numbers behind an indicator's trend chart: the points plotted and the ranges of its axes. No Qt here, so
these are tested without a window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from locality.domain.vocabulary import TargetKind
from locality.services.indicators import Indicator, Measurement

#: A chart spanning less than this is widened by half of it on each side, so a single point is not on the edge.
SHORTEST_SPAN = timedelta(days=30)


def trend_points(indicator: Indicator, measurements: Sequence[Measurement]) -> list[tuple[date, float]]:
    """Each measurement's date and value: the running total for a cumulative target, the value itself otherwise."""
    cumulative = indicator.target_kind == TargetKind.CUMULATIVE
    running = 0.0
    points = []
    for item in measurements:
        running += item.value
        points.append((item.measured_on, running if cumulative else item.value))
    return points


def date_span(indicator: Indicator, measurements: Sequence[Measurement]) -> tuple[date, date]:
    """The first and last day the chart shows: the measurements, the baseline's and the target's dates."""
    days = [item.measured_on for item in measurements]
    days += [day for day in (indicator.baseline_on, indicator.target_on) if day is not None]
    first, last = min(days), max(days)
    if last - first < SHORTEST_SPAN:
        first, last = first - SHORTEST_SPAN / 2, last + SHORTEST_SPAN / 2
    return first, last


def value_span(values: Sequence[float]) -> tuple[float, float]:
    """The value axis's range: the values with a tenth of their spread (or of the value, or 1) either side."""
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    return low - pad, high + pad
