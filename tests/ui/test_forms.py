"""Form fields: empty dates stay empty, dates show as dd/mm/yyyy, money in £."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from locality.domain.errors import ValidationError
from locality.ui.forms import DateField, MoneyField


def test_an_empty_date_stays_empty(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    assert field.value() is None
    field.show()
    field.edit.calendarWidget().show()  # opening the calendar must not choose a date
    assert field.value() is None
    assert field.edit.text() == "No date"


@pytest.mark.qt_log_ignore("This plugin does not support")  # the off-screen platform cannot raise a pop-up
def test_an_empty_dates_calendar_opens_on_this_month(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    qtbot.mouseClick(field.edit, Qt.MouseButton.LeftButton)  # the user reaches for the calendar
    calendar = field.edit.calendarWidget()
    calendar.window().show()  # the pop-up that holds it
    today = date.today()
    qtbot.waitUntil(lambda: (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month))
    assert field.value() is None


def test_a_date_round_trips_and_shows_day_first(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.set_value(date(2008, 4, 1))
    assert field.value() == date(2008, 4, 1)
    assert field.edit.text() == "01/04/2008"
    field.set_value(None)
    assert field.value() is None


def test_money_field_reads_pounds_and_pence(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = MoneyField()
    qtbot.addWidget(field)
    field.setText("£12,500.50")
    assert field.pence() == 1_250_050
    field.set_pence(99)
    assert field.text() == "£0.99"
    field.setText("")
    assert field.pence() is None
    field.setText("a lot")
    with pytest.raises(ValidationError):
        field.pence("budget_pence")


def test_a_date_column_shows_a_whole_date_beside_its_clear_button(qtbot) -> None:  # type: ignore[no-untyped-def]
    from locality.ui.link_table import LinkColumn, LinkTable

    table = LinkTable(
        [
            LinkColumn("title", "Milestone", kind="text", width=320),
            LinkColumn("due_on", "Due", kind="date", width=170),
            LinkColumn("done_on", "Done on", kind="date", width=170),  # the last column stretches; this one not
        ],
        "milestone",
    )
    qtbot.addWidget(table)
    table.add_row({"title": "Venue confirmed", "due_on": date(2026, 1, 31)})
    table.show()
    cell = table.table.cellWidget(0, 1)
    assert isinstance(cell, DateField)
    # Before, the column kept its 170 px and the date read "31/01/20".
    assert table.table.columnWidth(1) >= cell.sizeHint().width()
