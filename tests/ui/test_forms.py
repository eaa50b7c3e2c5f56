"""Form fields: empty dates stay empty, dates show as dd/mm/yyyy, money in £."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from locality.domain.errors import ValidationError
from locality.ui.forms import DateField, ErrorForm, MoneyField


@pytest.mark.qt_log_ignore("This plugin does not support")  # the off-screen platform cannot raise a pop-up
def test_an_empty_date_stays_empty(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    assert field.value() is None
    field.show()
    field.open_calendar()  # opening the calendar must not choose a date
    assert field.value() is None
    assert field.edit.text() == ""
    assert "No date" in field.edit.placeholderText()


@pytest.mark.qt_log_ignore("This plugin does not support")  # the off-screen platform cannot raise a pop-up
def test_alt_down_opens_an_empty_dates_calendar_on_this_month_and_enter_chooses(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    today = date.today()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month)
    assert field.value() is None  # looking is not choosing
    qtbot.keyClick(calendar.focusWidget() or calendar, Qt.Key.Key_Return)
    assert field.value() == today
    assert not calendar.isVisible()


def test_typed_digits_make_the_date(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field.edit, "1/4/2026")
    assert field.value() == date(2026, 4, 1)
    field.edit.editingFinished.emit()
    assert field.edit.text() == "01/04/2026"  # read back as it will be saved


def test_up_in_an_empty_date_starts_from_today_not_1900(qtbot) -> None:  # type: ignore[no-untyped-def]
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClick(field.edit, Qt.Key.Key_Up)
    assert field.value() == date.today()
    qtbot.keyClick(field.edit, Qt.Key.Key_Up)
    assert field.value() == date.today() + timedelta(days=1)
    qtbot.keyClick(field.edit, Qt.Key.Key_Down)
    qtbot.keyClick(field.edit, Qt.Key.Key_Down)
    assert field.value() == date.today() - timedelta(days=1)


def test_tab_passes_through_an_empty_date_field(qtbot) -> None:  # type: ignore[no-untyped-def]
    holder = QWidget()
    qtbot.addWidget(holder)
    column = QVBoxLayout(holder)
    first, second, after = DateField(), DateField(optional=False), QLineEdit()
    for widget in (first, second, after):
        column.addWidget(widget)
    holder.show()
    holder.activateWindow()
    qtbot.waitUntil(holder.isActiveWindow)
    first.setFocus()
    assert first.edit.hasFocus()
    qtbot.keyClick(first.edit, Qt.Key.Key_Tab)
    assert second.edit.hasFocus()  # not the field's own buttons, not stuck in the field
    qtbot.keyClick(second.edit, Qt.Key.Key_Tab)
    assert after.hasFocus()


def test_a_date_that_is_not_a_date_is_refused_beside_its_field_and_the_message_goes_once_corrected(qtbot) -> None:  # type: ignore[no-untyped-def]
    holder = QWidget()
    qtbot.addWidget(holder)
    form = ErrorForm(holder)
    due = form.add_field("due_on", "&Due:", DateField())
    holder.show()
    qtbot.keyClicks(due.edit, "31/02/2026")
    with pytest.raises(ValidationError) as raised:
        due.value()
    assert list(raised.value.field_errors) == ["due_on"]
    assert "dd/mm/yyyy" in raised.value.field_errors["due_on"]
    form.show_errors(raised.value.field_errors)
    assert "not a date" in form.error_text("due_on")
    due.edit.clear()
    qtbot.keyClicks(due.edit, "28/02/2026")
    assert form.error_text("due_on") == ""
    assert due.value() == date(2026, 2, 28)


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
