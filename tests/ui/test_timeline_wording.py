"""The timeline's words and periods, without a window."""

from __future__ import annotations

from datetime import date

from locality.services.timeline import Timeline, TimelineGroup, TimelineGrouping
from locality.ui.timeline.wording import period_dates, summary_text

TODAY = date(2009, 2, 10)


def test_periods_are_the_next_quarter_the_financial_year_and_the_plan() -> None:
    assert period_dates("next3", TODAY) == (TODAY, date(2009, 5, 12))
    assert period_dates("year", TODAY) == (date(2008, 4, 1), date(2009, 3, 31))
    assert period_dates("year", date(2009, 4, 1)) == (date(2009, 4, 1), date(2010, 3, 31))
    assert period_dates("plan", TODAY, (date(2008, 4, 1), None)) == (date(2008, 4, 1), None)
    assert period_dates(None, TODAY) == (None, None)


def test_the_summary_counts_actions_groups_and_those_without_dates() -> None:
    empty = Timeline(TimelineGrouping.THEME, (), 0, TODAY, None, None, None, None)
    assert summary_text(empty) == ""
    no_theme = TimelineGroup(None, "No theme", ())
    undated = Timeline(TimelineGrouping.LEAD, (no_theme,), 2, TODAY, None, None, None, None)
    assert summary_text(undated) == undated.undated_text + " (give them a start or due date on the Actions page)"
