"""The timeline's view: paints only the rows on screen from a ``TimelineLayout``, so 20,000 actions scroll as
smoothly as 20; a bar or milestone under the pointer says what it is, and clicking chooses an action."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from locality.domain.text import plural
from locality.domain.values import format_date
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, Rag
from locality.services.timeline import TimelineAction, TimelineGrouping
from locality.ui.rag import RAG_BACKGROUND, RAG_FOREGROUND, rag_text
from locality.ui.timeline.wording import describe_action, describe_milestone
from locality.ui.timeline_layout import (
    BAR_HEIGHT,
    DIAMOND,
    HEADER_HEIGHT,
    LEFT_WIDTH,
    TIER_HEIGHT,
    AxisSegment,
    Hit,
    TimelineLayout,
)

NOT_RATED_BACKGROUND = QColor("#eceff1")
NOT_RATED_FOREGROUND = QColor("#37474f")
GROUP_BACKGROUND = QColor("#eef2f4")
SELECTED_BACKGROUND = QColor("#d7eeeb")
GRID = QColor("#e6eaed")
HEADER_BACKGROUND = QColor("#f3f5f7")
HEADER_TEXT = QColor("#37474f")
TEXT = QColor("#263238")
TODAY = QColor("#00796b")
OVERDUE = QColor("#c62828")
MILESTONE = QColor("#37474f")
PLAN_PERIOD = QColor("#f7faf9")


def _blend(a: QColor, b: QColor, share_of_b: float) -> QColor:
    return QColor(
        round(a.red() * (1 - share_of_b) + b.red() * share_of_b),
        round(a.green() * (1 - share_of_b) + b.green() * share_of_b),
        round(a.blue() * (1 - share_of_b) + b.blue() * share_of_b),
    )


def bar_label(action: TimelineAction) -> str:
    """The words on a bar: its RAG, so that the colour is never the only sign of it, and the percent done."""
    return f"{rag_text(action.rag)} {action.percent_complete}%"


def bar_colours(rag: Rag | None) -> tuple[QColor, QColor, QColor]:
    """(background, percent-done part, text and outline) of a bar rated ``rag``."""
    background = RAG_BACKGROUND[rag] if rag is not None else NOT_RATED_BACKGROUND
    foreground = RAG_FOREGROUND[rag] if rag is not None else NOT_RATED_FOREGROUND
    return background, _blend(background, foreground, 0.25), foreground


class TimelineView(QAbstractScrollArea):
    """Paints the rows on screen: frozen titles on the left, the date axis on top, bars and milestones."""

    actionActivated = Signal(object)  # noqa: N815 - Qt naming; the action's id
    selectionChanged = Signal(object)  # noqa: N815 - the selected action's id, or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setAccessibleName("Timeline of actions")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.layout_model: TimelineLayout | None = None
        self.selected_id: uuid.UUID | None = None
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewport().update())

    # ------------------------------------------------------------------ model and scrolling

    def set_layout_model(
        self, layout: TimelineLayout, *, keep_date: date | None = None, keep_fraction: float = 1 / 3
    ) -> None:
        self.layout_model = layout
        if self.selected_id is not None and layout.row_of(self.selected_id) is None:
            self.selected_id = None
            self.selectionChanged.emit(None)
        self._update_scroll_ranges()
        if keep_date is not None:
            self.scroll_to_date(keep_date, keep_fraction)
        self.viewport().update()

    def chart_width(self) -> int:
        return max(0, self.viewport().width() - LEFT_WIDTH)

    def chart_height(self) -> int:
        return max(0, self.viewport().height() - HEADER_HEIGHT)

    def _update_scroll_ranges(self) -> None:
        layout = self.layout_model
        horizontal, vertical = self.horizontalScrollBar(), self.verticalScrollBar()
        if layout is None:
            horizontal.setRange(0, 0)
            vertical.setRange(0, 0)
            return
        horizontal.setRange(0, max(0, int(layout.width) - self.chart_width()))
        horizontal.setPageStep(max(1, self.chart_width()))
        horizontal.setSingleStep(max(1, int(layout.pixels_per_day * 7)))
        vertical.setRange(0, max(0, layout.height - self.chart_height()))
        vertical.setPageStep(max(1, self.chart_height()))
        vertical.setSingleStep(layout.row_height)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_scroll_ranges()

    def anchor_date(self) -> date | None:
        """The date a third of the way across the chart, which a change of zoom keeps in place."""
        if self.layout_model is None:
            return None
        return self.layout_model.date_at(self.horizontalScrollBar().value() + self.chart_width() / 3)

    def fraction_of(self, day: date) -> float | None:
        """How far across the chart ``day`` is shown (0 at the left edge, 1 at the right), or None if off screen."""
        if self.layout_model is None or self.chart_width() <= 0:
            return None
        fraction = (self.layout_model.x_for(day) - self.horizontalScrollBar().value()) / self.chart_width()
        return fraction if 0 <= fraction <= 1 else None

    def scroll_to_date(self, day: date, fraction: float = 1 / 3) -> None:
        """Scrolls so that ``day`` is ``fraction`` of the way across the chart."""
        if self.layout_model is None:
            return
        x = self.layout_model.x_for(day) - self.chart_width() * fraction
        self.horizontalScrollBar().setValue(max(0, int(x)))

    def scroll_to_row(self, index: int) -> None:
        if self.layout_model is None:
            return
        top = self.layout_model.row_top(index)
        bar = self.verticalScrollBar()
        if top < bar.value():
            bar.setValue(top)
        elif top + self.layout_model.row_height > bar.value() + self.chart_height():
            bar.setValue(top + self.layout_model.row_height - self.chart_height())

    # ------------------------------------------------------------------ coordinates

    def content_point(self, x: float, y: float) -> tuple[float | None, float]:
        """Viewport (x, y) in layout coordinates; x is None in the column of titles."""
        content_y = y - HEADER_HEIGHT + self.verticalScrollBar().value()
        content_x = None if x < LEFT_WIDTH else x - LEFT_WIDTH + self.horizontalScrollBar().value()
        return content_x, content_y

    def viewport_point(self, x: float, y: float) -> QPointF:
        """Layout (x, y) as a point of the viewport."""
        return QPointF(
            x + LEFT_WIDTH - self.horizontalScrollBar().value(), y + HEADER_HEIGHT - self.verticalScrollBar().value()
        )

    def hit_at(self, x: float, y: float) -> Hit | None:
        if self.layout_model is None or y < HEADER_HEIGHT:
            return None
        content_x, content_y = self.content_point(x, y)
        return self.layout_model.hit(content_x, content_y)

    # ------------------------------------------------------------------ selection

    def select(self, action_id: uuid.UUID | None) -> None:
        if action_id == self.selected_id:
            return
        self.selected_id = action_id
        if action_id is not None and self.layout_model is not None:
            index = self.layout_model.row_of(action_id)
            if index is not None:
                self.scroll_to_row(index)
        self.selectionChanged.emit(action_id)
        self.viewport().update()

    def _step_selection(self, step: int) -> None:
        layout = self.layout_model
        if layout is None or not layout.rows:
            return
        current = layout.row_of(self.selected_id) if self.selected_id is not None else None
        index = (-1 if step > 0 else len(layout.rows)) if current is None else current
        while True:
            index += step
            if not 0 <= index < len(layout.rows):
                return
            action = layout.rows[index].action
            if action is not None:
                self.select(action.id)
                x0, _x1 = layout.bar_span(action)
                bar = self.horizontalScrollBar()
                if not bar.value() <= x0 <= bar.value() + self.chart_width():
                    self.scroll_to_date(action.bar_start, fraction=0.1)
                return

    # ------------------------------------------------------------------ events

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self.hit_at(event.position().x(), event.position().y())
            if hit is not None and hit.action is not None:
                self.select(hit.action.id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        hit = self.hit_at(event.position().x(), event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and hit is not None and hit.action is not None:
            self.select(hit.action.id)
            self.actionActivated.emit(hit.action.id)
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected_id is not None:
            self.actionActivated.emit(self.selected_id)
            return
        if key == Qt.Key.Key_Down:
            self._step_selection(1)
            return
        if key == Qt.Key.Key_Up:
            self._step_selection(-1)
            return
        super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip:
            position = event.pos()  # type: ignore[attr-defined]
            text = self.tooltip_at(position.x(), position.y())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, x: float, y: float) -> str:
        """The hover text at a viewport point: a milestone's, or its action's on the bar or its title."""
        hit = self.hit_at(x, y)
        if hit is None or hit.action is None:
            return ""
        if hit.milestone is not None:
            return describe_milestone(hit.milestone, hit.action)
        if hit.on_bar or x < LEFT_WIDTH:
            return describe_action(hit.action)
        return ""

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self.viewport())
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.viewport().rect(), QColor("white"))
            if self.layout_model is not None:
                self._paint(painter, self.layout_model)
        finally:
            painter.end()

    def _paint(self, painter: QPainter, layout: TimelineLayout) -> None:
        width, height = self.viewport().width(), self.viewport().height()
        scroll_x, scroll_y = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        chart = QRect(LEFT_WIDTH, HEADER_HEIGHT, width - LEFT_WIDTH, height - HEADER_HEIGHT)
        rows = layout.visible_rows(scroll_y, chart.height())
        years, finer = layout.axis()
        font = self.viewport().font()
        metrics = QFontMetrics(font)

        def vx(x: float) -> float:
            return x + LEFT_WIDTH - scroll_x

        def vy(y: float) -> float:
            return y + HEADER_HEIGHT - scroll_y

        left_edge, right_edge = scroll_x, scroll_x + chart.width()

        # --- the chart
        painter.save()
        painter.setClipRect(chart)
        plan_start, plan_end = layout.timeline.plan_start, layout.timeline.plan_end
        if plan_start is not None and plan_end is not None:
            x0, x1 = vx(layout.x_for(plan_start)), vx(layout.x_for(plan_end + timedelta(days=1)))
            painter.fillRect(QRectF(x0, chart.top(), x1 - x0, chart.height()), PLAN_PERIOD)
        for index in rows:
            row = layout.rows[index]
            top = vy(layout.row_top(index))
            if row.is_heading:
                painter.fillRect(QRectF(chart.left(), top, chart.width(), layout.row_height), GROUP_BACKGROUND)
            elif row.action is not None and row.action.id == self.selected_id:
                painter.fillRect(QRectF(chart.left(), top, chart.width(), layout.row_height), SELECTED_BACKGROUND)
        painter.setPen(QPen(GRID, 1))
        for segment in finer:
            if left_edge <= segment.x0 <= right_edge:
                painter.drawLine(QPointF(vx(segment.x0), chart.top()), QPointF(vx(segment.x0), chart.bottom()))
        for index in rows:
            row = layout.rows[index]
            top = vy(layout.row_top(index))
            if row.action is None:
                span = layout.group_span(row.group)
                if span is not None and span[1] >= left_edge and span[0] <= right_edge:
                    middle = top + layout.row_height / 2
                    painter.setPen(QPen(QColor("#90a4ae"), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
                    painter.drawLine(QPointF(vx(span[0]), middle), QPointF(vx(span[1]), middle))
                continue
            self._paint_bar(painter, layout, row.action, top, vx, metrics, left_edge, right_edge)
        today_x = vx(layout.today_x)
        painter.setPen(QPen(TODAY, 2))
        painter.drawLine(QPointF(today_x, chart.top()), QPointF(today_x, chart.bottom()))
        painter.restore()

        # --- the column of titles
        painter.save()
        painter.setClipRect(QRect(0, HEADER_HEIGHT, LEFT_WIDTH, chart.height()))
        painter.fillRect(QRect(0, HEADER_HEIGHT, LEFT_WIDTH, chart.height()), QColor("white"))
        bold = self.viewport().font()
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        for index in rows:
            row = layout.rows[index]
            top = vy(layout.row_top(index))
            cell = QRectF(0, top, LEFT_WIDTH, layout.row_height)
            if row.action is None:
                painter.fillRect(cell, GROUP_BACKGROUND)
                painter.setFont(bold)
                painter.setPen(TEXT)
                count = len(row.group.actions)
                suffix = f" ({plural(count, 'action')})"
                room = LEFT_WIDTH - 16 - bold_metrics.horizontalAdvance(suffix)
                text = bold_metrics.elidedText(row.group.title, Qt.TextElideMode.ElideRight, room) + suffix
                painter.drawText(cell.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter, text)
                continue
            if row.action.id == self.selected_id:
                painter.fillRect(cell, SELECTED_BACKGROUND)
            _background, _done, foreground = bar_colours(row.action.rag)
            painter.fillRect(QRectF(8, top + 5, 4, layout.row_height - 10), foreground)
            painter.setFont(font)
            painter.setPen(TEXT)
            text = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, LEFT_WIDTH - 30)
            painter.drawText(cell.adjusted(20, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()
        painter.setPen(QPen(QColor("#cfd6dc"), 1))
        painter.drawLine(QPointF(LEFT_WIDTH - 0.5, 0), QPointF(LEFT_WIDTH - 0.5, height))

        # --- the date axis
        self._paint_axis(painter, layout, years, finer, vx, width, metrics, bold, bold_metrics)

    def _paint_bar(
        self,
        painter: QPainter,
        layout: TimelineLayout,
        action: TimelineAction,
        top: float,
        vx: Any,
        metrics: QFontMetrics,
        left_edge: float,
        right_edge: float,
    ) -> None:
        middle = top + layout.row_height / 2
        x0, x1 = layout.bar_span(action)
        background, done_colour, foreground = bar_colours(action.rag)
        if x1 >= left_edge - 60 and x0 <= right_edge:
            rect = QRectF(vx(x0), middle - BAR_HEIGHT / 2, x1 - x0, BAR_HEIGHT)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(background))
            painter.drawRoundedRect(rect, 3, 3)
            if action.percent_complete > 0:
                done = QRectF(
                    rect.left(), rect.top(), rect.width() * min(action.percent_complete, 100) / 100, BAR_HEIGHT
                )
                painter.save()
                painter.setClipRect(done, Qt.ClipOperation.IntersectClip)
                painter.setBrush(QBrush(done_colour))
                painter.drawRoundedRect(rect, 3, 3)
                painter.restore()
            estimated = action.start_estimated or action.end_estimated
            pen = QPen(foreground, 1, Qt.PenStyle.DashLine if estimated else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        if action.status not in CLOSED_ACTION_STATUSES and x1 < layout.today_x and layout.today_x >= left_edge:
            # An open action past its due date: a dotted red line runs on to today, so the slip shows on screen.
            painter.setPen(QPen(OVERDUE, 2, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(vx(max(x1, left_edge)), middle), QPointF(vx(layout.today_x), middle))
        for milestone in action.milestones:
            mx = layout.milestone_x(milestone)
            if mx is None or not left_edge - DIAMOND <= mx <= right_edge + DIAMOND:
                continue
            centre = vx(mx)
            diamond = QPolygonF(
                [
                    QPointF(centre, middle - DIAMOND),
                    QPointF(centre + DIAMOND, middle),
                    QPointF(centre, middle + DIAMOND),
                    QPointF(centre - DIAMOND, middle),
                ]
            )
            if milestone.done:
                painter.setPen(QPen(MILESTONE, 1))
                painter.setBrush(QBrush(MILESTONE))
            elif milestone.overdue:
                painter.setPen(QPen(OVERDUE, 2))
                painter.setBrush(QBrush(QColor("white")))
            else:
                painter.setPen(QPen(MILESTONE, 1.5))
                painter.setBrush(QBrush(QColor("white")))
            painter.drawPolygon(diamond)
        if x1 >= left_edge and x0 <= right_edge:
            # The percent done, on a tag of the bar's colour so that milestones never hide it; it keeps to the
            # visible part of a bar that starts off screen, and sits after a bar too short to hold it.
            label = bar_label(action)
            text_width = metrics.horizontalAdvance(label) + 8
            visible_left = vx(max(x0, left_edge))
            tag_left = visible_left + 4
            inside = vx(x1) - tag_left >= text_width + 2
            if not inside:
                tag_left = vx(x1) + 4
            tag = QRectF(tag_left, middle - BAR_HEIGHT / 2 + 1, text_width, BAR_HEIGHT - 2)
            painter.setPen(Qt.PenStyle.NoPen)
            done_right = vx(x0 + (x1 - x0) * min(action.percent_complete, 100) / 100)
            fill = (done_colour if tag.right() <= done_right else background) if inside else QColor("white")
            painter.setBrush(QBrush(fill))
            painter.drawRoundedRect(tag, 2, 2)
            painter.setPen(foreground if inside else TEXT)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, label)

    def _paint_axis(
        self,
        painter: QPainter,
        layout: TimelineLayout,
        years: Sequence[AxisSegment],
        finer: Sequence[AxisSegment],
        vx: Any,
        width: int,
        metrics: QFontMetrics,
        bold: Any,
        bold_metrics: QFontMetrics,
    ) -> None:
        painter.save()
        painter.fillRect(QRect(0, 0, width, HEADER_HEIGHT), HEADER_BACKGROUND)
        painter.setPen(QPen(QColor("#cfd6dc"), 1))
        painter.drawLine(QPointF(0, HEADER_HEIGHT - 0.5), QPointF(width, HEADER_HEIGHT - 0.5))
        # The corner above the titles says how the rows are grouped.
        painter.setFont(bold)
        painter.setPen(HEADER_TEXT)
        grouping = "theme" if layout.timeline.grouping == TimelineGrouping.THEME else "lead organisation"
        painter.drawText(
            QRectF(8, 0, LEFT_WIDTH - 16, 2 * TIER_HEIGHT),
            Qt.AlignmentFlag.AlignVCenter,
            bold_metrics.elidedText(f"Actions by {grouping}", Qt.TextElideMode.ElideRight, LEFT_WIDTH - 16),
        )
        painter.setClipRect(QRect(LEFT_WIDTH, 0, width - LEFT_WIDTH, HEADER_HEIGHT))
        left = LEFT_WIDTH
        for tier, segments, font, font_metrics in (
            (0, years, bold, bold_metrics),
            (1, finer, self.viewport().font(), metrics),
        ):
            painter.setFont(font)
            y = tier * TIER_HEIGHT
            for segment in segments:
                x0, x1 = vx(segment.x0), vx(segment.x1)
                if x1 < left or x0 > width:
                    continue
                painter.setPen(QPen(QColor("#cfd6dc"), 1))
                painter.drawLine(QPointF(x0, y + 3), QPointF(x0, y + TIER_HEIGHT))
                # A year's label stays in sight while any of its year is.
                text_left = max(x0, left) + 4 if tier == 0 else x0 + 4
                room = x1 - text_left - 2
                if room < font_metrics.horizontalAdvance(segment.label):
                    continue
                painter.setPen(HEADER_TEXT)
                painter.drawText(QRectF(text_left, y, room, TIER_HEIGHT), Qt.AlignmentFlag.AlignVCenter, segment.label)
        # The "Today" marker: a line down the third tier and a labelled tag.
        today_x = vx(layout.today_x)
        painter.setFont(bold)
        label = f"Today {format_date(layout.timeline.today)}"
        tag_width = bold_metrics.horizontalAdvance(label) + 12
        tag_left = min(max(today_x - tag_width / 2, left + 2), width - tag_width - 2)
        tag = QRectF(tag_left, 2 * TIER_HEIGHT + 1, tag_width, TIER_HEIGHT - 3)
        if left - tag_width <= today_x <= width + tag_width:
            painter.setPen(QPen(TODAY, 2))
            painter.drawLine(QPointF(today_x, tag.bottom()), QPointF(today_x, HEADER_HEIGHT))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(TODAY))
            painter.drawRoundedRect(tag, 3, 3)
            painter.setPen(QColor("white"))
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()
