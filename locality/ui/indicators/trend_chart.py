"""The selected indicator's trend: its measurements (or their running total) over time, against its target and
baseline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from locality.domain.vocabulary import TargetKind
from locality.services.indicators import Indicator, Measurement
from locality.ui.indicators.trend import date_span, trend_points, value_span


def _level_line(name: str, colour: str, style: Qt.PenStyle, start: float, end: float, value: float) -> QLineSeries:
    """A level (the target, the baseline) drawn across the chart from ``start`` to ``end``."""
    series = QLineSeries()
    series.setName(name)
    pen = QPen(QColor(colour), 1.5)
    pen.setStyle(style)
    series.setPen(pen)
    series.append(start, value)
    series.append(end, value)
    return series


def _msecs(day: date) -> float:
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(0, 0)).toMSecsSinceEpoch())


class TrendChart(QStackedWidget):
    """The chart, or a sentence saying it appears once there is a measurement."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(self.chart.margins())
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("trendChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.chart_view.setAccessibleName("Trend of the chosen indicator")
        self.chart_view.viewport().setAccessibleName("Trend of the chosen indicator")
        self.empty = QLabel()
        self.empty.setObjectName("chartEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.chart_view)
        self.addWidget(self.empty)
        self.measurement_series: QLineSeries | None = None
        self.target_series: QLineSeries | None = None
        self.baseline_series: QLineSeries | None = None

    def show_trend(self, indicator: Indicator, measurements: Sequence[Measurement]) -> None:
        self.chart.removeAllSeries()
        self.measurement_series = self.target_series = self.baseline_series = None
        if not measurements:
            self.empty.setText(
                "The trend chart appears once the indicator has a measurement: add one below (a date and a value)."
            )
            self.setCurrentIndex(1)
            return
        self.setCurrentIndex(0)
        cumulative = indicator.target_kind == TargetKind.CUMULATIVE
        series = QLineSeries()
        series.setName("Running total" if cumulative else "Measured")
        series.setPointsVisible(True)
        series.setPen(QPen(QColor("#00796b"), 2.5))
        points = trend_points(indicator, measurements)
        values = [value for _day, value in points]
        for day, value in points:
            series.append(_msecs(day), value)
        first, last = date_span(indicator, measurements)
        start, end = _msecs(first), _msecs(last)
        self.chart.addSeries(series)
        self.measurement_series = series
        if indicator.target_value is not None:
            self.target_series = _level_line(
                "Target", "#b00020", Qt.PenStyle.DashLine, start, end, indicator.target_value
            )
            self.chart.addSeries(self.target_series)
            values.append(indicator.target_value)
        if indicator.baseline_value is not None:
            self.baseline_series = _level_line(
                "Baseline", "#607d8b", Qt.PenStyle.DotLine, start, end, indicator.baseline_value
            )
            self.chart.addSeries(self.baseline_series)
            values.append(indicator.baseline_value)
        # One pair of axes for the life of the chart: axes removed and replaced leave their labels drawn behind.
        if not self.chart.axes():
            date_axis = QDateTimeAxis()
            date_axis.setFormat("dd/MM/yyyy")
            date_axis.setTickCount(5)
            value_axis = QValueAxis()
            value_axis.setLabelFormat("%.4g")
            self.chart.addAxis(date_axis, Qt.AlignmentFlag.AlignBottom)
            self.chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
        x_axis = self.chart.axes(Qt.Orientation.Horizontal)[0]
        y_axis = self.chart.axes(Qt.Orientation.Vertical)[0]
        x_axis.setRange(QDateTime.fromMSecsSinceEpoch(int(start)), QDateTime.fromMSecsSinceEpoch(int(end)))
        y_axis.setRange(*value_span(values))
        y_axis.setTitleText(indicator.unit or "")
        for line in self.chart.series():
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)
