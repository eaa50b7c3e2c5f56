"""The selected indicator: progress in words, a trend chart, its measurements (added, changed in place and
deleted here) and the need and action it evidences."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from locality.domain.errors import StaleRecordError, ValidationError
from locality.services.indicators import Indicator, Measurement
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.errors import show_error, user_message
from locality.ui.forms import DateField
from locality.ui.indicators.measurements import DATE_COLUMN, VALUE_COLUMN, MeasurementDelegate, MeasurementModel
from locality.ui.indicators.trend_chart import TrendChart
from locality.ui.indicators.wording import links_html, parse_value, progress_text, summary_text
from locality.ui.need_dialog import open_need
from locality.ui.style import set_tone, text_points
from locality.ui.undo import push_created, push_deleted, push_done

OFF_TRACK_COLOUR = QColor("#b00020")
MET_COLOUR = QColor("#1b5e20")
NO_DETAIL = (
    "Select an indicator in the list to see its measurements, its trend against the target, and the need and "
    "action it evidences. Use “New indicator…” to add one."
)


class IndicatorDetail(QWidget):
    """The selected indicator: progress in words, a trend chart, its measurements and what it evidences."""

    def __init__(self, env: UiEnv, changed: Callable[[], None], parent: QWidget | None = None) -> None:
        """``changed`` is called after a measurement is added, changed or deleted."""
        super().__init__(parent)
        self.env = env
        self._changed = changed
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
        self.name_label.setStyleSheet(f"font-weight: 600; font-size: {text_points(12)};")
        layout.addWidget(self.name_label)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress_label.setStyleSheet(f"font-size: {text_points(12)};")
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

        self.trend = TrendChart()
        layout.addWidget(self.trend, 3)

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
        set_tone(self.error_label, "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        # Scrolls rather than making the window taller than a laptop's screen (at a 150% text size it asked
        # for 630 pixels).
        scroll = QScrollArea()
        scroll.setObjectName("indicatorDetailScroll")
        scroll.setAccessibleName("Indicator details")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.stack.addWidget(scroll)
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
            f"font-size: {text_points(12)};" + (f" color: {colour.name()}; font-weight: 600;" if colour else "")
        )
        self.summary_label.setText(summary_text(indicator))
        self.links_label.setText(links_html(indicator))
        self.model.set_rows(measurements, indicator.unit)
        self.table.setVisible(bool(measurements))
        self.table_empty.setVisible(not measurements)
        self.trend.show_trend(indicator, measurements)
        if changed:
            self.error_label.hide()
        self._update_buttons()

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
        self._changed()

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
        self._changed()

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
        self._changed()

    # ------------------------------------------------------------------ links

    def open_link(self, link: str) -> None:
        kind, _, raw = link.partition(":")
        target = uuid.UUID(raw)
        if kind == "need":
            open_need(self.env, target, self)
        elif kind == "action":
            open_action(self.env, target, self)
