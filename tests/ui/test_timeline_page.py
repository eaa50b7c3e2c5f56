"""The timeline page: its layout model (scale, rows, hits) without painting, and the page as a user works it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.actions import ActionDraft
from locality.services.registry import Services
from locality.services.timeline import TimelineAction
from locality.ui.action_dialog import ActionDialog
from locality.ui.env import UiEnv
from locality.ui.settings import AppSettings
from locality.ui.timeline.view import OVERDUE, TODAY, bar_colours
from locality.ui.timeline_layout import HEADER_HEIGHT, LEFT_WIDTH, PIXELS_PER_DAY, TimelineLayout, Zoom
from locality.ui.timeline_page import TimelinePage
from tests.ui.helpers import when_dialog_opens

DEMO_TODAY = date(2008, 6, 1)


# --------------------------------------------------------------------------- the layout model


@pytest.mark.parametrize(
    ("zoom", "origin_day"),
    [(Zoom.MONTH, date(2008, 4, 1)), (Zoom.QUARTER, date(2008, 1, 1)), (Zoom.YEAR, date(2007, 1, 1))],
)
def test_dates_map_to_x_at_each_zoom(demo_services: Services, zoom: Zoom, origin_day: date) -> None:
    timeline = demo_services.timeline.timeline()
    layout = TimelineLayout(timeline, zoom)
    # The axis starts one whole month, quarter or year before the earliest of the first date and today.
    assert min(timeline.first_date or DEMO_TODAY, DEMO_TODAY) == date(2008, 5, 15)
    assert layout.origin == origin_day
    assert layout.x_for(origin_day) == 0
    scale = PIXELS_PER_DAY[zoom]
    assert layout.x_for(date(2009, 1, 1)) - layout.x_for(date(2008, 1, 1)) == pytest.approx(366 * scale)
    assert layout.date_at(layout.x_for(date(2008, 9, 17)) + scale / 2) == date(2008, 9, 17)
    assert layout.x_for(DEMO_TODAY) < layout.today_x < layout.x_for(DEMO_TODAY + timedelta(days=1))
    assert layout.end > (timeline.last_date or DEMO_TODAY)
    assert layout.width == pytest.approx(layout.x_for(layout.end))


def test_month_is_wider_than_quarter_is_wider_than_year(demo_services: Services) -> None:
    timeline = demo_services.timeline.timeline()
    month, quarter, year = (TimelineLayout(timeline, zoom) for zoom in (Zoom.MONTH, Zoom.QUARTER, Zoom.YEAR))
    span = [layout.x_for(date(2008, 12, 31)) - layout.x_for(date(2008, 12, 1)) for layout in (month, quarter, year)]
    assert span[0] > span[1] > span[2] > 0
    assert month.width > quarter.width > year.width


def test_axis_labels_months_quarters_and_years(demo_services: Services) -> None:
    timeline = demo_services.timeline.timeline()
    years, quarters = TimelineLayout(timeline, Zoom.QUARTER).axis()
    assert years[0].label == "2008" and years[0].x0 == 0
    assert [segment.label for segment in quarters[:5]] == ["Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec", "Jan–Mar"]
    _years, months = TimelineLayout(timeline, Zoom.MONTH).axis()
    assert [segment.label for segment in months[:3]] == ["Apr", "May", "Jun"]
    assert all(a.x1 == b.x0 for a, b in zip(months, months[1:], strict=False))


def test_rows_headings_then_actions_and_what_is_at_a_point(demo_services: Services) -> None:
    timeline = demo_services.timeline.timeline()
    layout = TimelineLayout(timeline, Zoom.QUARTER, row_height=20)
    assert len(layout.rows) == len(timeline.groups) + timeline.action_count
    assert layout.height == 20 * len(layout.rows)
    first_group = timeline.groups[0]
    assert layout.rows[0].is_heading and layout.rows[0].label.startswith(first_group.title)
    assert f"({len(first_group.actions)} action" in layout.rows[0].label
    assert layout.rows[1].action == first_group.actions[0]
    assert layout.row_at(0) == 0 and layout.row_at(19.9) == 0 and layout.row_at(20) == 1
    assert layout.row_at(-1) is None and layout.row_at(layout.height) is None
    assert layout.visible_rows(0, 100) == range(0, 5)
    assert layout.visible_rows(30, 100) == range(1, 7)  # rows 1 to 6 show, partly or wholly
    assert layout.visible_rows(layout.height - 50, 500) == range(len(layout.rows) - 3, len(layout.rows))

    action = first_group.actions[0]
    x0, x1 = layout.bar_span(action)
    middle = layout.row_top(1) + 10
    hit = layout.hit((x0 + x1) / 2, middle)
    assert hit is not None and hit.action == action and hit.on_bar
    missed = layout.hit(x1 + 200, middle)
    assert missed is not None and missed.action == action and not missed.on_bar
    in_titles = layout.hit(None, middle)
    assert in_titles is not None and in_titles.action == action
    assert layout.hit(10, 5) is not None and layout.hit(10, 5).action is None  # type: ignore[union-attr]

    with_milestone = next(
        (index, row.action)
        for index, row in enumerate(layout.rows)
        if row.action is not None and any(m.due_on for m in row.action.milestones)
    )
    index, owner = with_milestone
    milestone = next(m for m in owner.milestones if m.due_on)
    mx = layout.milestone_x(milestone)
    assert mx is not None
    on_diamond = layout.hit(mx + 2, layout.row_top(index) + 10)
    assert on_diamond is not None and on_diamond.milestone == milestone


# --------------------------------------------------------------------------- the page


@pytest.fixture
def page(qtbot, demo_services: Services):  # type: ignore[no-untyped-def]
    shown = TimelinePage(UiEnv(demo_services, QUndoStack(), AppSettings()))
    demo_services.context.subscribe(shown.on_changes)  # as the main window does
    qtbot.addWidget(shown)
    shown.resize(1200, 800)
    shown.show()
    assert not shown.closed_check.isChecked()  # open actions first; these tests look at all of them
    shown.closed_check.setChecked(True)
    qtbot.waitUntil(lambda: shown.timeline is not None and not shown.loading)
    qtbot.waitUntil(lambda: shown.timeline.action_count + shown.timeline.undated_count == 60)
    yield shown
    demo_services.context.unsubscribe(shown.on_changes)


def _wait(qtbot, page: TimelinePage) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not page.loading)


def _bar_point(page: TimelinePage, action: TimelineAction) -> QPoint:
    """Scrolls the bar into view and returns the middle of its visible part, in viewport coordinates."""
    view = page.view
    layout = view.layout_model
    assert layout is not None
    index = layout.row_of(action.id)
    assert index is not None
    view.scroll_to_row(index)
    view.scroll_to_date(action.bar_start, fraction=0.1)
    x0, x1 = layout.bar_span(action)
    visible_right = view.horizontalScrollBar().value() + view.chart_width()
    x = (x0 + min(x1, visible_right)) / 2
    point = view.viewport_point(x, layout.row_top(index) + layout.row_height / 2)
    return point.toPoint()


def test_page_shows_every_dated_action_grouped_with_counts(page: TimelinePage, demo_services: Services) -> None:
    timeline = page.timeline
    assert timeline is not None
    themes = len(timeline.groups)
    assert page.count_label.text().startswith(f"60 actions in {themes} themes")
    assert page.stack.currentWidget() is page.view
    headings = [row.label for row in page.view.layout_model.rows if row.is_heading]  # type: ignore[union-attr]
    assert headings[0].startswith("Leadership and governance (")


def test_zoom_buttons_change_the_scale_and_keep_the_place(qtbot, page: TimelinePage) -> None:  # type: ignore[no-untyped-def]
    view = page.view
    assert view.layout_model is not None and view.layout_model.zoom is Zoom.QUARTER
    quarter_width = view.layout_model.width
    page.go_to_today()
    today = page.timeline.today
    before = view.fraction_of(today)
    qtbot.mouseClick(page.findChild(type(page.today_button), "zoomMonthButton"), Qt.MouseButton.LeftButton)
    assert view.layout_model.zoom is Zoom.MONTH
    assert before is not None and abs(view.fraction_of(today) - before) < 0.02  # the today line stays put
    assert view.layout_model.pixels_per_day == PIXELS_PER_DAY[Zoom.MONTH]
    assert view.layout_model.width > quarter_width
    assert view.horizontalScrollBar().maximum() > 0
    qtbot.mouseClick(page.findChild(type(page.today_button), "zoomYearButton"), Qt.MouseButton.LeftButton)
    assert view.layout_model.zoom is Zoom.YEAR and view.layout_model.width < quarter_width
    assert page.findChild(type(page.today_button), "zoomYearButton").isChecked()
    # Today stays on screen through the zoom changes.
    today_x = view.viewport_point(view.layout_model.today_x, 0).x()
    assert LEFT_WIDTH <= today_x <= view.viewport().width()


def test_go_to_today_brings_the_today_line_into_view(qtbot, page: TimelinePage) -> None:  # type: ignore[no-untyped-def]
    page.set_zoom(Zoom.MONTH)
    view = page.view
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())
    assert view.layout_model is not None
    assert view.viewport_point(view.layout_model.today_x, 0).x() < LEFT_WIDTH  # scrolled past it
    qtbot.mouseClick(page.today_button, Qt.MouseButton.LeftButton)
    assert LEFT_WIDTH <= view.viewport_point(view.layout_model.today_x, 0).x() <= view.viewport().width()


def test_filters_and_grouping_reduce_and_regroup_rows(qtbot, page: TimelinePage, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    amber = {s.id for s in demo_services.actions.list(rag=Rag.AMBER)}
    page.set_filter("rag", Rag.AMBER)
    _wait(qtbot, page)
    layout = page.view.layout_model
    assert layout is not None
    assert {row.action.id for row in layout.rows if row.action is not None} == amber
    assert page.count_label.text().startswith(f"{len(amber)} action")

    page.set_filter("rag", None)
    status = ActionStatus.IN_PROGRESS
    in_progress = [s for s in demo_services.actions.list(status=status)]
    page.set_filter("status", status)
    page.set_group_by("lead")
    _wait(qtbot, page)
    layout = page.view.layout_model
    assert layout is not None
    headings = {row.group.title for row in layout.rows if row.is_heading}
    assert headings == {s.lead_organisation_name or "No lead organisation" for s in in_progress}
    assert sum(1 for row in layout.rows if row.action is not None) == len(in_progress)

    page.closed_check.setChecked(False)
    page.set_filter("status", ActionStatus.COMPLETED)
    _wait(qtbot, page)
    assert page.stack.currentWidget() is page.empty_state
    assert "No actions with dates match these filters" in page.empty_state.sentence.text()


def test_hover_describes_the_action(page: TimelinePage) -> None:
    assert page.timeline is not None
    action = next(a for g in page.timeline.groups for a in g.actions if a.lead_organisation_name and a.due_on)
    point = _bar_point(page, action)
    text = page.view.tooltip_at(point.x(), point.y())
    assert action.title.split("&")[0][:20] in text
    assert action.lead_organisation_name.split("&")[0] in text
    assert format_date(action.due_on) in text
    assert f"{action.percent_complete}% complete" in text
    assert f"RAG: <b>{action.rag.value if action.rag else 'Not rated'}</b>" in text


def test_double_click_on_a_bar_opens_its_action_and_the_page_follows_the_change(  # type: ignore[no-untyped-def]
    qtbot, page: TimelinePage, demo_services: Services
) -> None:
    assert page.timeline is not None
    action = next(
        a
        for g in page.timeline.groups
        for a in g.actions
        if a.status is ActionStatus.IN_PROGRESS and a.percent_complete < 90
    )
    point = _bar_point(page, action)
    seen: list[str] = []

    def edit(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        seen.append(dialog.title_edit.text())
        dialog.percent.setValue(90)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    failure = when_dialog_opens(edit)
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    failure.check()
    assert seen == [action.title]
    assert page.view.selected_id == action.id
    _wait(qtbot, page)
    refreshed = next(a for g in page.timeline.groups for a in g.actions if a.id == action.id)
    assert refreshed.percent_complete == 90 == demo_services.actions.get(action.id).percent_complete
    assert page.view.selected_id == action.id  # still chosen after the refresh


def test_enter_opens_the_chosen_action_and_arrows_move_between_actions(qtbot, page: TimelinePage) -> None:  # type: ignore[no-untyped-def]
    layout = page.view.layout_model
    assert layout is not None
    page.view.setFocus()
    assert not page.open_button.isEnabled()
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    first = layout.rows[1].action
    assert first is not None and page.view.selected_id == first.id
    assert page.open_button.isEnabled()
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    assert page.view.selected_id == layout.rows[2].action.id  # type: ignore[union-attr]
    qtbot.keyClick(page.view, Qt.Key.Key_Up)
    assert page.view.selected_id == first.id
    titles: list[str] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, ActionDialog)
        titles.append(dialog.title_edit.text())
        dialog.reject()

    failure = when_dialog_opens(look)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    failure.check()
    assert titles == [first.title]


def test_changes_elsewhere_refresh_the_page(qtbot, page: TimelinePage, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    assert page.timeline is not None
    gone = page.timeline.groups[0].actions[0]
    demo_services.actions.delete([gone.id])
    _wait(qtbot, page)
    assert page.timeline.action_count == 59
    assert page.view.layout_model is not None and page.view.layout_model.row_of(gone.id) is None
    demo_services.actions.create(ActionDraft("Undated action"))
    _wait(qtbot, page)
    assert "1 action has no dates and is not shown" in page.count_label.text()


def test_empty_workspace_says_what_would_appear(qtbot, services: Services) -> None:  # type: ignore[no-untyped-def]
    shown = TimelinePage(UiEnv(services, QUndoStack(), AppSettings()))
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: shown.timeline is not None and not shown.loading)
    assert shown.stack.currentWidget() is shown.empty_state
    assert shown.empty_state.sentence.text().startswith("No actions with dates yet")
    assert not shown.today_button.isEnabled()


def test_screenshot_shows_axis_today_line_and_bars(page: TimelinePage, tmp_path: Path) -> None:
    page.set_zoom(Zoom.MONTH)
    page.go_to_today()
    image = page.view.viewport().grab().toImage()
    page.grab().save(str(tmp_path / "timeline.png"))  # to look at when this fails
    layout = page.view.layout_model
    assert layout is not None
    today_x = round(page.view.viewport_point(layout.today_x, 0).x())
    # The today line runs down the chart...
    colours = {QColor(image.pixel(x, HEADER_HEIGHT + 300)).name() for x in (today_x - 1, today_x, today_x + 1)}
    assert TODAY.name() in colours
    # ...and its labelled tag sits in the header, wholly inside the chart's width.
    tag_colours = {QColor(image.pixel(x, HEADER_HEIGHT - 10)).name() for x in range(today_x - 30, today_x + 30)}
    assert TODAY.name() in tag_colours
    # Bars are painted in RAG colours somewhere on screen: the whole bar, or its part done.
    seen = {
        QColor(image.pixel(x, y)).name()
        for x in range(LEFT_WIDTH, image.width(), 3)
        for y in range(HEADER_HEIGHT, image.height(), 5)
    }
    background, done, _text = bar_colours(Rag.GREEN)
    assert {background.name(), done.name()} & seen


def test_completed_and_cancelled_actions_are_hidden_until_asked_for(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    shown = TimelinePage(UiEnv(demo_services, QUndoStack(), AppSettings()))
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: shown.timeline is not None and not shown.loading)
    closed = {ActionStatus.COMPLETED, ActionStatus.CANCELLED}
    shown_ids = {action.id for group in shown.timeline.groups for action in group.actions}
    open_dated = {a.id for a in demo_services.actions.list() if a.status not in closed and (a.start_on or a.due_on)}
    assert shown_ids and shown_ids <= open_dated
    shown.closed_check.setChecked(True)
    qtbot.waitUntil(lambda: not shown.loading and shown.timeline.action_count > len(shown_ids))


def test_the_period_filter_keeps_the_bars_that_fall_in_it(qtbot, page: TimelinePage) -> None:  # type: ignore[no-untyped-def]
    everything = page.timeline.action_count
    page.set_filter("period", "next3")
    qtbot.waitUntil(lambda: not page.loading and page.timeline.action_count < everything)
    start, end = page.period("next3")
    assert (start, end) == (DEMO_TODAY, DEMO_TODAY + timedelta(days=91))
    shown = [action for group in page.timeline.groups for action in group.actions]
    assert shown and all(a.bar_start <= end and a.bar_end >= start for a in shown)
    assert page.period("year") == (date(2008, 4, 1), date(2009, 3, 31))  # 1 April to 31 March


def test_an_open_action_past_its_due_date_runs_on_to_today_in_red(qtbot, demo_services: Services) -> None:  # type: ignore[no-untyped-def]
    late = demo_services.actions.create(
        ActionDraft("Slipped joint training", start_on=date(2008, 3, 1), due_on=date(2008, 5, 1))
    )
    shown = TimelinePage(UiEnv(demo_services, QUndoStack(), AppSettings()))
    qtbot.addWidget(shown)
    shown.resize(1200, 800)
    shown.show()
    qtbot.waitUntil(lambda: shown.timeline is not None and not shown.loading)
    shown.set_zoom(Zoom.MONTH)
    shown.go_to_today()
    view = shown.view
    layout = view.layout_model
    row = layout.row_of(late.id)
    assert row is not None
    view.scroll_to_row(row)
    middle = view.viewport_point(0, layout.row_top(row) + layout.row_height / 2).y()
    due_end = view.viewport_point(layout.x_for(date(2008, 5, 2)), 0).x()
    today_x = view.viewport_point(layout.today_x, 0).x()
    image = view.viewport().grab().toImage()
    red = {QColor(image.pixel(round(x), round(middle))).name() for x in range(int(due_end) + 4, int(today_x) - 2)}
    assert OVERDUE.name() in red  # the dotted line between the bar's end and the today line
