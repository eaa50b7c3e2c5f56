"""The indicators page: the evidence base. A list of indicators with their baseline, target and latest actual,
and for the selected one its measurements (editable in place), a trend chart and the need and action it
evidences."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
)
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import StaleRecordError, ValidationError
from locality.domain.values import format_date
from locality.domain.vocabulary import Direction, TargetKind
from locality.services.indicators import Indicator, IndicatorDraft, Measurement
from locality.ui.action_dialog import open_action
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error, user_message
from locality.ui.forms import ERROR_STYLE, ChoiceCombo, DateField, choice_combo, select_data
from locality.ui.list_page import ListPage
from locality.ui.need_dialog import open_need
from locality.ui.pickers import theme_choices, theme_with_subthemes
from locality.ui.table_model import Column
from locality.ui.undo import push_created, push_deleted, push_done, save_with_undo

OFF_TRACK_COLOUR = QColor("#b00020")
MET_COLOUR = QColor("#1b5e20")
NO_DETAIL = (
    "Select an indicator in the list to see its measurements, its trend against the target, and the need and "
    "action it evidences. Use “New indicator…” to add one."
)


# --------------------------------------------------------------------------- numbers


def format_value(value: float | None, unit: str = "") -> str:
    """A measured value as people write it: thousands separated, at most two decimals, the unit after it."""
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "£") else f"{text} {unit}"


def parse_value(text: str, field: str, label: str, *, required: bool = False) -> float | None:
    """A number typed by the user (thousands separators and a trailing % allowed); ValidationError otherwise."""
    cleaned = text.strip().replace(",", "").rstrip("%").strip()
    if not cleaned:
        if required:
            raise ValidationError({field: f"Enter {label.lower()}"})
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError({field: f"{label} must be a number, such as 42 or 3.5"}) from None
    if not math.isfinite(value):
        raise ValidationError({field: f"{label} must be a number, such as 42 or 3.5"})
    return value


def progress_text(indicator: Indicator) -> str:
    """ "62% of the way to target", or why no percentage can be given."""
    if indicator.percent_to_target is not None:
        if indicator.percent_to_target >= 100:
            return "Target met (100% of the way to target)"
        return f"{indicator.percent_to_target}% of the way to target"
    if indicator.target_value is None:
        return "No target set: edit the indicator to give one"
    if indicator.actual_value is None:
        return "No measurements yet: add one below to see progress"
    return "Progress cannot be worked out: the target is no better than the baseline"


def _value_on(value: float | None, on: date | None, unit: str) -> str:
    if value is None:
        return ""
    return format_value(value, unit) + (f" ({format_date(on)})" if on else "")


def _evidences(indicator: Indicator) -> str:
    parts = []
    if indicator.need_title:
        parts.append(f"Need: {indicator.need_title}")
    if indicator.action_title:
        parts.append(f"Action: {indicator.action_title}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- the indicator dialog


class IndicatorDialog(EditDialog):
    """New or edit indicator: name, unit, direction, baseline, target and what it evidences."""

    def __init__(self, env: UiEnv, indicator: Indicator | None, parent: QWidget | None = None) -> None:
        super().__init__("Edit indicator" if indicator else "New indicator", parent)
        self.is_new = indicator is None
        self.env = env
        self.indicator = indicator
        indicators = env.services.indicators
        self.name = self.form.add_field("name", "&Name:", QLineEdit())
        self.description = self.form.add_field("description", "&Description:", QPlainTextEdit())
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(60)
        self.unit = self.form.add_field("unit", "&Unit:", QLineEdit())
        self.unit.setPlaceholderText("for example %, incidents, days")
        self.direction = self.form.add_field(
            "direction", "Di&rection:", choice_combo([(d.value, d) for d in Direction], None)
        )
        self.target_kind = self.form.add_field(
            "target_kind",
            "Target &kind:",
            choice_combo(
                [
                    ("Periodic (the latest value counts)", TargetKind.PERIODIC),
                    ("Cumulative (the running total counts)", TargetKind.CUMULATIVE),
                ],
                None,
            ),
        )
        self.baseline_value = self.form.add_field("baseline_value", "&Baseline value:", QLineEdit())
        self.baseline_on = self.form.add_field("baseline_on", "Baseline d&ate:", DateField())
        self.target_value = self.form.add_field("target_value", "&Target value:", QLineEdit())
        self.target_on = self.form.add_field("target_on", "Target dat&e:", DateField())
        # Thousands of needs and tens of thousands of actions: the lists are read on a worker thread once the
        # dialog is up (or at once when the user reaches the field first), and searched by typing.
        self.need = self.form.add_field(
            "need_id",
            "E&vidences need:",
            ChoiceCombo("(no need)", load=lambda: [(t, i) for i, t in indicators.need_choices()]),
        )
        self.action = self.form.add_field(
            "action_id",
            "Evidences a&ction:",
            ChoiceCombo("(no action)", load=lambda: [(t, i) for i, t in indicators.action_choices()]),
        )
        self.finish_layout()
        if indicator is not None:
            self.load(indicator)
        self.name.setFocus()
        self.need.start_loading()
        self.action.start_loading()

    def load(self, record: Any) -> None:
        indicator: Indicator = record
        self.indicator = indicator
        self.name.setText(indicator.name)
        self.description.setPlainText(indicator.description)
        self.unit.setText(indicator.unit)
        select_data(self.direction, indicator.direction)
        select_data(self.target_kind, indicator.target_kind)
        self.baseline_value.setText(format_value(indicator.baseline_value))
        self.baseline_on.set_value(indicator.baseline_on)
        self.target_value.setText(format_value(indicator.target_value))
        self.target_on.set_value(indicator.target_on)
        self.need.select(indicator.need_id, indicator.need_title)
        self.action.select(indicator.action_id, indicator.action_title)

    def draft(self) -> IndicatorDraft:
        errors: dict[str, str] = {}
        values: dict[str, float | None] = {}
        for name, edit, label in (
            ("baseline_value", self.baseline_value, "The baseline"),
            ("target_value", self.target_value, "The target"),
        ):
            try:
                values[name] = parse_value(edit.text(), name, label)
            except ValidationError as error:
                errors.update(error.field_errors)
        if errors:
            raise ValidationError(errors)
        return IndicatorDraft(
            name=self.name.text(),
            description=self.description.toPlainText(),
            unit=self.unit.text(),
            direction=Direction(self.direction.currentData()),
            target_kind=TargetKind(self.target_kind.currentData()),
            baseline_value=values["baseline_value"],
            baseline_on=self.baseline_on.value(),
            target_value=values["target_value"],
            target_on=self.target_on.value(),
            need_id=self.need.value(),  # type: ignore[arg-type]
            action_id=self.action.value(),  # type: ignore[arg-type]
        )

    def save(self) -> Indicator:
        indicators = self.env.services.indicators
        return save_with_undo(
            self.env.undo_stack,
            self.indicator,
            self.draft(),
            create=indicators.create,
            update=indicators.update,
            delete=indicators.delete,
            restore=indicators.restore,
            describe=lambda verb, indicator: f"{verb} indicator {indicator.name}",
            parent=self.parentWidget(),
        )


# --------------------------------------------------------------------------- measurements, editable in place

DATE_COLUMN, VALUE_COLUMN, NOTE_COLUMN = 0, 1, 2
AnyIndex = QModelIndex | QPersistentModelIndex


class MeasurementModel(QAbstractTableModel):
    """An indicator's measurements; editing a cell calls ``save(measurement, column, value)``, which returns
    whether the change was saved."""

    HEADERS = ("Date", "Value", "Note")

    def __init__(self, save: Callable[[Measurement, int, Any], bool], parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Measurement] = []
        self.unit = ""
        self._save = save

    def set_rows(self, rows: Sequence[Measurement], unit: str) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.unit = unit
        self.endResetModel()

    def replace(self, saved: Measurement) -> None:
        """Shows a just-saved measurement at once (with its new version, for the next edit of the row)."""
        for number, row in enumerate(self.rows):
            if row.id == saved.id:
                self.rows[number] = saved
                self.dataChanged.emit(self.index(number, 0), self.index(number, 2))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            short = section == VALUE_COLUMN and self.unit and len(self.unit) <= 10
            return self.HEADERS[section] + (f" ({self.unit})" if short else "")
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal and section == VALUE_COLUMN:
            return f"Value in {self.unit}" if self.unit else "Value"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == DATE_COLUMN:
                return format_date(row.measured_on)
            if column == VALUE_COLUMN:
                return format_value(row.value)
            return row.note
        if role == Qt.ItemDataRole.EditRole:
            if column == DATE_COLUMN:
                return QDate(row.measured_on.year, row.measured_on.month, row.measured_on.day)
            if column == VALUE_COLUMN:
                return format_value(row.value)
            return row.note
        if role == Qt.ItemDataRole.TextAlignmentRole and column == VALUE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Double-click to change it"
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self._save(self.rows[index.row()], index.column(), value)


class MeasurementDelegate(QStyledItemDelegate):
    """Dates are edited with a dd/mm/yyyy calendar; values and notes as text."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        if index.column() == DATE_COLUMN:
            editor = QDateEdit(parent)
            editor.setDisplayFormat("dd/MM/yyyy")
            editor.setCalendarPopup(True)
            return editor
        return QLineEdit(parent)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDateEdit):
            editor.setDate(value)
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QDateEdit):
            model.setData(index, editor.date(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


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


class IndicatorDetail(QWidget):
    """The selected indicator: progress in words, a trend chart, its measurements and what it evidences."""

    def __init__(self, page: IndicatorsPage) -> None:
        super().__init__()
        self.page = page
        self.env = page.env
        self.indicator: Indicator | None = None
        self.measurements: list[Measurement] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        self.empty_label = QLabel(NO_DETAIL)
        self.empty_label.setObjectName("emptyDetail")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty_label)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.name_label = QLabel()
        self.name_label.setObjectName("indicatorName")
        self.name_label.setWordWrap(True)
        self.name_label.setStyleSheet("font-weight: 600; font-size: 12pt;")
        layout.addWidget(self.name_label)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress_label.setStyleSheet("font-size: 12pt;")
        layout.addWidget(self.progress_label)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.links_label = QLabel()
        self.links_label.setObjectName("linksLabel")
        self.links_label.setWordWrap(True)
        self.links_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.links_label.linkActivated.connect(self.open_link)
        layout.addWidget(self.links_label)

        self.chart = QChart()
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(self.chart.margins())
        self.chart_view = QChartView(self.chart)
        self.chart_view.setObjectName("trendChart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.chart_empty = QLabel()
        self.chart_empty.setObjectName("chartEmpty")
        self.chart_empty.setWordWrap(True)
        self.chart_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_stack = QStackedWidget()
        self.chart_stack.addWidget(self.chart_view)
        self.chart_stack.addWidget(self.chart_empty)
        layout.addWidget(self.chart_stack, 3)
        self.measurement_series: QLineSeries | None = None
        self.target_series: QLineSeries | None = None
        self.baseline_series: QLineSeries | None = None

        heading = QLabel("Measurements (double-click a cell to change it)")
        heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(heading)
        self.model = MeasurementModel(self.save_cell, self)
        self.table = QTableView()
        self.table.setObjectName("measurementsTable")
        self.table.setAccessibleName("Measurements")
        self.table.setModel(self.model)
        self.table.setItemDelegate(MeasurementDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(DATE_COLUMN, 110)
        self.table.setColumnWidth(VALUE_COLUMN, 110)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 2)
        self.table_empty = QLabel("No measurements yet: enter a date and value below and press Add.")
        self.table_empty.setObjectName("measurementsEmpty")
        layout.addWidget(self.table_empty)

        add_row = QHBoxLayout()
        self.new_date = DateField(optional=False)
        self.new_date.setAccessibleName("Date of new measurement")
        self.new_value = QLineEdit()
        self.new_value.setObjectName("newValue")
        self.new_value.setPlaceholderText("Value")
        self.new_value.setAccessibleName("Value of new measurement")
        self.new_note = QLineEdit()
        self.new_note.setPlaceholderText("Note (optional)")
        self.new_note.setAccessibleName("Note of new measurement")
        self.add_button = QPushButton("&Add measurement")
        self.add_button.setObjectName("addMeasurement")
        self.add_button.clicked.connect(self.add_measurement)
        self.new_value.returnPressed.connect(self.add_measurement)
        self.delete_button = QPushButton("Delete measurement")
        self.delete_button.setObjectName("deleteMeasurement")
        self.delete_button.clicked.connect(self.delete_measurement)
        add_row.addWidget(self.new_date, 2)
        add_row.addWidget(self.new_value, 1)
        add_row.addWidget(self.new_note, 2)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.delete_button)
        layout.addLayout(add_row)
        self.error_label = QLabel()
        self.error_label.setObjectName("measurementError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.stack.addWidget(body)
        self.new_date.set_value(self.env.services.context.today())
        self._update_buttons()

    # ------------------------------------------------------------------ showing

    def show_indicator(self, indicator_id: uuid.UUID | None) -> None:
        if indicator_id is None:
            self.indicator = None
            self.stack.setCurrentIndex(0)
            return
        indicators = self.env.services.indicators
        try:
            indicator = indicators.get(indicator_id)
            measurements = indicators.measurements(indicator_id)
        except Exception as error:  # deleted meanwhile, say
            self.indicator = None
            self.empty_label.setText(user_message(error))
            self.stack.setCurrentIndex(0)
            return
        changed = self.indicator is None or self.indicator.id != indicator.id
        self.indicator = indicator
        self.measurements = measurements
        self.stack.setCurrentIndex(1)
        self.name_label.setText(indicator.name)
        self.progress_label.setText(progress_text(indicator))
        colour = OFF_TRACK_COLOUR if indicator.off_track else MET_COLOUR if indicator.target_met else None
        self.progress_label.setStyleSheet(
            "font-size: 12pt;" + (f" color: {colour.name()}; font-weight: 600;" if colour else "")
        )
        unit = indicator.unit
        lines = [
            f"{indicator.direction.value}; {indicator.target_kind.value.lower()} target.",
            f"Baseline {_value_on(indicator.baseline_value, indicator.baseline_on, unit) or 'not set'}; "
            f"target {_value_on(indicator.target_value, indicator.target_on, unit) or 'not set'}; "
            f"actual {format_value(indicator.actual_value, unit) or 'not yet measured'}.",
        ]
        if indicator.off_track:
            lines.append(f"Off track: {indicator.track_note}.")
        elif indicator.track_note.startswith("On track"):
            lines.append(f"{indicator.track_note}.")
        self.summary_label.setText("\n".join(lines))
        links = []
        if indicator.need_id and indicator.need_title:
            links.append(f'Evidences the need <a href="need:{indicator.need_id}">{_html(indicator.need_title)}</a>')
        if indicator.action_id and indicator.action_title:
            links.append(
                f'Evidences the action <a href="action:{indicator.action_id}">{_html(indicator.action_title)}</a>'
            )
        self.links_label.setText(
            "<br>".join(links) if links else "Not linked to a need or an action: edit the indicator to link it."
        )
        self.model.set_rows(measurements, unit)
        self.table.setVisible(bool(measurements))
        self.table_empty.setVisible(not measurements)
        self.update_chart(indicator, measurements)
        if changed:
            self.error_label.hide()
        self._update_buttons()

    def update_chart(self, indicator: Indicator, measurements: Sequence[Measurement]) -> None:
        self.chart.removeAllSeries()
        self.measurement_series = self.target_series = self.baseline_series = None
        if not measurements:
            self.chart_empty.setText(
                "The trend chart appears once the indicator has a measurement: add one below (a date and a value)."
            )
            self.chart_stack.setCurrentIndex(1)
            return
        self.chart_stack.setCurrentIndex(0)
        cumulative = indicator.target_kind == TargetKind.CUMULATIVE
        series = QLineSeries()
        series.setName("Running total" if cumulative else "Measured")
        series.setPointsVisible(True)
        series.setPen(QPen(QColor("#00796b"), 2.5))
        running = 0.0
        values: list[float] = []
        for item in measurements:
            running += item.value
            value = running if cumulative else item.value
            values.append(value)
            series.append(_msecs(item.measured_on), value)
        days = [item.measured_on for item in measurements]
        if indicator.baseline_on:
            days.append(indicator.baseline_on)
        if indicator.target_on:
            days.append(indicator.target_on)
        first, last = min(days), max(days)
        start, end = _msecs(first), _msecs(last)
        if end - start < 86_400_000 * 30:
            start -= 86_400_000 * 15
            end += 86_400_000 * 15
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
        low, high = min(values), max(values)
        pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
        y_axis.setRange(low - pad, high + pad)
        y_axis.setTitleText(indicator.unit or "")
        for line in self.chart.series():
            line.attachAxis(x_axis)
            line.attachAxis(y_axis)

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def show_message(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def reload(self) -> None:
        self.show_indicator(self.indicator.id if self.indicator else None)

    # ------------------------------------------------------------------ editing measurements

    def add_measurement(self) -> None:
        if self.indicator is None:
            return
        indicators = self.env.services.indicators
        indicator_id = self.indicator.id
        try:
            value = parse_value(self.new_value.text(), "value", "The value", required=True)
            added = indicators.add_measurement(indicator_id, self.new_date.value(), value, self.new_note.text())
        except ValidationError as error:
            self.show_message(" ".join(error.field_errors.values()) + ".")
            self.new_value.setFocus()
            return
        except Exception as error:
            show_error(self, error, "Add measurement")
            return
        push_created(
            self.env.undo_stack,
            f"add measurement to {self.indicator.name}",
            added.id,
            lambda ids: indicators.delete_measurement(ids[0]),
            indicators.restore_measurement,
            self,
        )
        self.show_message("")
        self.new_value.clear()
        self.new_note.clear()
        self.reload()
        self.page.after_edit()

    def save_cell(self, measurement: Measurement, column: int, value: Any) -> bool:
        indicators = self.env.services.indicators
        before = (measurement.measured_on, measurement.value, measurement.note)
        try:
            if column == DATE_COLUMN:
                qdate: QDate = value
                after = (date(qdate.year(), qdate.month(), qdate.day()), measurement.value, measurement.note)
            elif column == VALUE_COLUMN:
                number = parse_value(str(value), "value", "The value", required=True)
                after = (measurement.measured_on, number, measurement.note)  # type: ignore[assignment]
            else:
                after = (measurement.measured_on, measurement.value, str(value))
            if after == before:
                return True
            saved = indicators.update_measurement(measurement.id, *after, expected_version=measurement.version)
        except ValidationError as error:
            self.show_message(" ".join(error.field_errors.values()) + ".")
            return False
        except Exception as error:
            show_error(self, error, "Change measurement")
            self.reload()
            return False

        def apply(target: tuple[date, float, str], expected: tuple[date, float, str]) -> None:
            # Checked by value rather than by version: two edits of one row in a row are undone one by one.
            current = indicators.get_measurement(measurement.id)
            if (current.measured_on, current.value, current.note) != expected:
                raise StaleRecordError("This measurement was changed again since, so it was left as it is.")
            indicators.update_measurement(measurement.id, *target, expected_version=current.version)

        name = self.indicator.name if self.indicator else "an indicator"
        push_done(
            self.env.undo_stack,
            f"change measurement of {name}",
            redo=lambda: apply(after, before),
            undo=lambda: apply(before, after),
            parent_widget=self,
        )
        self.show_message("")
        self.model.replace(saved)
        # The model is reset by the reload, so the edit that called this must not touch it afterwards.
        QTimer.singleShot(0, self._after_cell_edit)
        return True

    def _after_cell_edit(self) -> None:
        self.reload()
        self.page.after_edit()

    def delete_measurement(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows or self.indicator is None:
            return
        indicators = self.env.services.indicators
        measurement = self.model.rows[rows[0]]
        try:
            deleted = indicators.delete_measurement(measurement.id)
        except Exception as error:
            show_error(self, error, "Delete measurement")
            return
        push_deleted(
            self.env.undo_stack,
            f"delete measurement of {self.indicator.name}",
            [measurement.id],
            deleted,
            lambda ids: indicators.delete_measurement(ids[0]),
            indicators.restore_measurement,
            self,
        )
        self.reload()
        self.page.after_edit()

    # ------------------------------------------------------------------ links

    def open_link(self, link: str) -> None:
        kind, _, raw = link.partition(":")
        target = uuid.UUID(raw)
        if kind == "need":
            open_need(self.env, target, self)
        elif kind == "action":
            open_action(self.env, target, self)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- the page


class IndicatorsPage(ListPage[Indicator]):
    title = "Indicators"
    noun = "indicator"
    plural = "indicators"
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
        self.detail = IndicatorDetail(self)
        self.detail.setObjectName("indicatorDetail")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("indicatorSplitter")
        self.page_layout.replaceWidget(self.table, splitter)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 560])
        self.splitter = splitter
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())

    def columns(self) -> Sequence[Column[Indicator]]:
        def track_colour(row: Indicator) -> QColor | None:
            return OFF_TRACK_COLOUR if row.off_track else MET_COLOUR if row.target_met else None

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
                lambda i: _value_on(i.target_value, i.target_on, i.unit),
                sort_key=lambda i: i.target_value,
                width=150,
            ),
            Column(
                "Baseline",
                lambda i: _value_on(i.baseline_value, i.baseline_on, i.unit),
                sort_key=lambda i: i.baseline_value,
                width=150,
            ),
            Column("Direction", lambda i: i.direction.value, width=120),
            Column("Unit", lambda i: i.unit, width=70),
            Column("Target kind", lambda i: i.target_kind.value, width=90),
            Column("Evidences", _evidences, width=300, tooltip=_evidences),
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
        self._stale = True
        if self.isVisible():
            self.refresh()

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
