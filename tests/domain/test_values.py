from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from locality.domain.errors import ValidationError
from locality.domain.values import (
    MAX_PENCE,
    MAX_YEAR,
    MIN_YEAR,
    check_date,
    format_date,
    format_money,
    format_money_whole,
    looks_empty,
    money_from_number,
    parse_date,
    parse_money,
    parse_optional_date,
    parse_optional_money,
    parse_percent,
    require_text,
    strip_invisible,
    utc_now,
    validate_email,
    validate_percent,
)

# --- dates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2008, 4, 1), "01/04/2008"),
        (date(2008, 12, 31), "31/12/2008"),
        (date(999, 1, 2), "02/01/0999"),
        (None, ""),
    ],
)
def test_format_date(value: date | None, expected: str) -> None:
    assert format_date(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008-04-01", date(2008, 4, 1)),
        ("2008-4-1", date(2008, 4, 1)),
        ("01/04/2008", date(2008, 4, 1)),
        ("1/4/2008", date(2008, 4, 1)),
        ("01-04-2008", date(2008, 4, 1)),
        ("01.04.2008", date(2008, 4, 1)),
        ("  01/04/2008 ", date(2008, 4, 1)),
        ("29/02/2008", date(2008, 2, 29)),
        ("31/12/2008", date(2008, 12, 31)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2008",
        "29/02/2007",
        "00/01/2008",
        "01/13/2008",
        "2008-02-30",
        "01/04/08",
        "01/04-2008",
        "2008/04/01",
        "1 April 2008",
        "tomorrow",
        "01/04/2008x",
        "0000-01-01",
        "١/٤/٢٠٠٨",
    ],
)
def test_parse_date_rejects_with_a_plain_sentence(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(text, "start")
    message = caught.value.field_errors["start"]
    assert message == f'"{text.strip()}" is not a date; use dd/mm/yyyy, for example 01/04/2008.'
    assert str(caught.value) == message


def test_parse_date_rejects_blank() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("   ")
    assert "dd/mm/yyyy" in caught.value.field_errors["date"]


def test_parse_date_shortens_long_text_in_the_message() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date("x" * 200, "due")
    assert len(caught.value.field_errors["due"]) < 120


@pytest.mark.parametrize(("text", "expected"), [("", None), ("  ", None), (None, None), ("1/4/2008", date(2008, 4, 1))])
def test_parse_optional_date(text: str | None, expected: date | None) -> None:
    assert parse_optional_date(text, "due") == expected


def test_parse_optional_date_still_rejects_garbage() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_optional_date("soon", "due")
    assert set(caught.value.field_errors) == {"due"}


@pytest.mark.parametrize("value", [date(2008, 1, 1), date(2008, 2, 29), date(1999, 12, 31), date(2030, 6, 15)])
def test_format_then_parse_round_trips(value: date) -> None:
    assert parse_date(format_date(value)) == value
    assert parse_date(value.isoformat()) == value


# --- money -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "expected"),
    [
        (123456, "£1,234.56"),
        (0, "£0.00"),
        (5, "£0.05"),
        (100, "£1.00"),
        (-1200, "-£12.00"),
        (-5, "-£0.05"),
        (123456789012, "£1,234,567,890.12"),
        (None, ""),
    ],
)
def test_format_money(pence: int | None, expected: str) -> None:
    assert format_money(pence) == expected


@pytest.mark.parametrize(
    ("pence", "expected"),
    [
        (123456, "£1,235"),
        (123449, "£1,234"),
        (123450, "£1,235"),
        (0, "£0"),
        (49, "£0"),
        (50, "£1"),
        (-40, "£0"),
        (-150, "-£2"),
        (-123456, "-£1,235"),
        (None, ""),
    ],
)
def test_format_money_whole(pence: int | None, expected: str) -> None:
    assert format_money_whole(pence) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,234.56", 123456),
        ("1234", 123400),
        ("1,234.5", 123450),
        (" £ 12 ", 1200),
        ("12.30", 1230),
        ("12.3", 1230),
        ("0.01", 1),
        (".5", 50),
        ("£0", 0),
        ("1,000,000", 100000000),
        ("£1234567.89", 123456789),
        ("0.07", 7),  # a float would make this 7.000000000000001
        ("0.29", 29),  # and this 28.999999999999996
        ("-0", 0),
    ],
)
def test_parse_money_accepts(text: str, expected: int) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("-5", -500), ("-£12.30", -1230), ("£-1,234.56", -123456)])
def test_parse_money_negative_when_allowed(text: str, expected: int) -> None:
    assert parse_money(text, "adjustment", allow_negative=True) == expected


@pytest.mark.parametrize("text", ["-5", "-£12.30", "£-1"])
def test_parse_money_rejects_negative(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(text, "budget")
    assert "cannot be negative" in caught.value.field_errors["budget"]


@pytest.mark.parametrize("text", ["1.234", "£0.001", "12.345"])
def test_parse_money_rejects_more_than_two_decimals(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(text)
    assert "more than 2 decimal places" in caught.value.field_errors["amount"]


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "£",
        ".",
        "12.",
        "1,23",
        "12,34.5",
        ",123",
        "1.2.3",
        "$12",
        "12£",
        "1 234",
        "--5",
        "-£-5",
        "1e3",
        "NaN",
        "Infinity",
        "١٢",
    ],
)
def test_parse_money_rejects_garbage_with_a_plain_sentence(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(text, "cash")
    message = caught.value.field_errors["cash"]
    assert message.startswith(f'"{text.strip()}" is not an amount of money')
    assert "1,234.56" in message


def test_parse_money_rejects_blank() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money("  ")
    assert "Enter an amount" in caught.value.field_errors["amount"]


def test_parse_money_rejects_amounts_too_large_to_store() -> None:
    assert parse_money(str(MAX_PENCE // 100)) == MAX_PENCE // 100 * 100
    with pytest.raises(ValidationError) as caught:
        parse_money("9" * 30)
    assert "too large" in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [("", None), (None, None), (" ", None), ("£5", 500)])
def test_parse_optional_money(text: str | None, expected: int | None) -> None:
    assert parse_optional_money(text) == expected


@pytest.mark.parametrize("pence", [0, 1, 99, 100, 123456, 100000000, -1, -123456])
def test_format_then_parse_money_round_trips(pence: int) -> None:
    assert parse_money(format_money(pence), allow_negative=True) == pence


# --- other values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, 50, 99, 100])
def test_validate_percent_accepts(value: int) -> None:
    assert validate_percent(value) == value


@pytest.mark.parametrize("value", [-1, 101, 1000])
def test_validate_percent_rejects_out_of_range(value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_percent(value)
    assert caught.value.field_errors == {"percent_complete": "Percent complete must be between 0 and 100."}


@pytest.mark.parametrize("value", [50.5, "50", True, None])
def test_validate_percent_rejects_non_integers(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_percent(value, "percent")  # type: ignore[arg-type]
    assert "whole number" in caught.value.field_errors["percent"]


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Peer review", "Peer review"), ("  Peer review \n", "Peer review"), ("x" * 500, "x" * 500)],
)
def test_require_text_accepts_and_strips(value: str, expected: str) -> None:
    assert require_text(value, "title", "Title") == expected


@pytest.mark.parametrize("value", ["", "   ", "\t\n", None])
def test_require_text_rejects_empty(value: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        require_text(value, "title", "Title")
    assert caught.value.field_errors == {"title": "Title cannot be empty."}


def test_require_text_rejects_too_long() -> None:
    with pytest.raises(ValidationError) as caught:
        require_text("abcdef", "name", "Name", max_length=5)
    assert caught.value.field_errors == {"name": "Name must be 5 characters or fewer; it has 6."}
    assert require_text(" abcde ", "name", "Name", max_length=5) == "abcde"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("jo.bloggs@example.gov.uk", "jo.bloggs@example.gov.uk"),
        ("  a@b.org ", "a@b.org"),
        ("first+tag@council.gov.uk", "first+tag@council.gov.uk"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_validate_email_accepts(value: str | None, expected: str | None) -> None:
    assert validate_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "jo",
        "jo@",
        "@example.org",
        "jo@example",
        "jo@@example.org",
        "jo@a@b.org",
        "jo bloggs@example.org",
        "jo@example.",
        "jo@.example.org",
        "jo@example..org",
    ],
)
def test_validate_email_rejects(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_email(value)
    assert caught.value.field_errors == {
        "contact_email": f'"{value}" is not an e-mail address; use a form like name@example.org.'
    }


# --- range checks for imported values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (12, 1200), (12.5, 1250), (12.345, 1235), (0.005, 1), (1_000_000, 100_000_000), (-0.0, 0)],
)
def test_money_from_number(value: float, expected: int) -> None:
    assert money_from_number(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1e30, '"1e+30" is too large an amount to store.'),
        (2**70, '"1,180,591,620,717,411,303,424" is too large an amount to store.'),
        (float("nan"), '"nan" is not an amount of money; use pounds, for example 1,234.56.'),
        (float("inf"), '"inf" is not an amount of money; use pounds, for example 1,234.56.'),
        (float("-inf"), '"-inf" is not an amount of money; use pounds, for example 1,234.56.'),
        (-5.0, 'The amount cannot be negative ("-5.0").'),
    ],
)
def test_money_from_number_refuses_with_one_sentence(value: float, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        money_from_number(value, "budget")
    assert caught.value.field_errors == {"budget": message}


def test_money_from_number_may_allow_negative_and_stays_within_sqlite() -> None:
    assert money_from_number(-5, allow_negative=True) == -500
    assert money_from_number(MAX_PENCE // 100) == MAX_PENCE // 100 * 100
    with pytest.raises(ValidationError):
        money_from_number(MAX_PENCE // 100 + 1)
    with pytest.raises(ValidationError):
        parse_money("9" * 30)


@pytest.mark.parametrize(
    ("value", "expected"), [("50", 50), ("50%", 50), (" 7 % ", 7), ("100.0", 100), (0, 0), (75.0, 75)]
)
def test_parse_percent_accepts(value: str | float, expected: int) -> None:
    assert parse_percent(value) == expected


@pytest.mark.parametrize(
    "value", ["half", "1e30", "nan", "inf", "-1", "5_0", "12.5", "", float("nan"), float("inf"), 12.5]
)
def test_parse_percent_rejects_what_is_not_a_whole_number(value: str | float) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_percent(value, "percent_complete")
    assert "is not a whole number between 0 and 100." in caught.value.field_errors["percent_complete"]


@pytest.mark.parametrize("value", ["101", "9" * 30, "9" * 5000, 101, 10**30, 1e30])
def test_parse_percent_rejects_out_of_range(value: str | float) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_percent(value, "percent_complete")
    assert caught.value.field_errors == {"percent_complete": "Percent complete must be between 0 and 100."}


@pytest.mark.parametrize("text", ["01/01/0001", "1899-12-31", "01/01/3000", "9999-12-31"])
def test_parse_date_refuses_implausible_years(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(text, "start")
    assert caught.value.field_errors == {
        "start": f'"{text}" is not a plausible date; the year must be from {MIN_YEAR} to {MAX_YEAR}.'
    }


def test_check_date_bounds() -> None:
    assert check_date(date(1900, 1, 1)) == date(1900, 1, 1)
    assert check_date(date(2999, 12, 31)) == date(2999, 12, 31)
    with pytest.raises(ValidationError, match="1066"):
        check_date(date(1066, 10, 14), "start")


@pytest.mark.parametrize(
    "value", ["\u200b", "\ufeff", "\u00a0", "\u200b\u00a0\ufeff\u2060\u200d", "\x07\x00", " \u3000 "]
)
def test_invisible_only_text_is_empty(value: str) -> None:
    assert looks_empty(value)
    with pytest.raises(ValidationError) as caught:
        require_text(value, "name", "Name")
    assert caught.value.field_errors == {"name": "Name cannot be empty."}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("\u200bBarset\ufeff", "Barset"), ("\u00a0Barset Police\u200d ", "Barset Police"), ("A\u200bB", "A\u200bB")],
)
def test_invisible_characters_at_the_ends_are_stripped(value: str, expected: str) -> None:
    assert strip_invisible(value) == expected
    assert require_text(value, "name", "Name") == expected
    assert not looks_empty(value)
