"""Value parsing, formatting and validation shared by every layer.

Dates are shown as dd/mm/yyyy and read in that form or as ISO (yyyy-mm-dd), with years from 1900 to 2999 (an
earlier or later year is a typing slip, and Excel itself has no dates before 1900). Money is pounds sterling held
as whole pence in an ``int`` and parsed with exact decimal arithmetic; an amount beyond what SQLite's 64-bit
integers hold, or a number that is not finite (NaN, infinity), is refused. Text that looks empty — only spaces,
zero-width characters, byte-order marks or control characters — counts as empty. Every failure is a
``ValidationError`` carrying one plain sentence for the field concerned.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from locality.domain.errors import ValidationError

DATE_EXAMPLE = "01/04/2008"
MONEY_EXAMPLE = "1,234.56"
# The largest single amount: £100,000,000,000. SQLite adds integers in 64 bits, so an amount near that limit
# would store, then make every total that includes it (the dashboard's, the funding page's) overflow; at this
# cap 90,000 such amounts still add up within 64 bits.
MAX_PENCE = 10**13
# The years a date may have: Excel has no dates before 1900, and a year past 2999 is a typing slip.
MIN_YEAR = 1900
MAX_YEAR = 2999

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_UK_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})", re.ASCII)
_MONEY = re.compile(
    r"(?P<sign1>-?)\s*£?\s*(?P<sign2>-?)\s*"
    r"(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<pence>[0-9]+))?"
)
_EMAIL = re.compile(r"[^@\s]+@([^@\s]+)")
_PERCENT = re.compile(r"([0-9]+)(?:\.0*)?\s*%?", re.ASCII)
# Unicode categories of characters that show nothing: separators (spaces), controls and format characters
# (zero-width space U+200B, zero-width joiners, the byte-order mark U+FEFF, soft hyphen...).
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def _shown(text: str, limit: int = 40) -> str:
    """The user's text as quoted back in an error message, shortened if long."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- dates -------------------------------------------------------------------------------------------------


def format_date(d: date | None) -> str:
    """``d`` as dd/mm/yyyy; "" for None."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_date_time(moment: datetime | None) -> str:
    """An instant as people here read it, in the computer's own time zone: dd/mm/yyyy hh:mm."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def parse_date(text: str, field: str = "date") -> date:
    """Read a date written as yyyy-mm-dd or day first (dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy)."""
    stripped = (text or "").strip()
    if not stripped:
        raise ValidationError({field: f"Enter a date as dd/mm/yyyy, for example {DATE_EXAMPLE}."})
    year = month = day = 0
    if match := _ISO_DATE.fullmatch(stripped):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _UK_DATE.fullmatch(stripped):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise ValidationError(
            {field: f'"{_shown(stripped)}" is not a date; use dd/mm/yyyy, for example {DATE_EXAMPLE}.'}
        ) from None
    return check_date(parsed, field, shown=stripped)


def check_date(value: date, field: str = "date", *, shown: str | None = None) -> date:
    """``value`` when its year is from ``MIN_YEAR`` to ``MAX_YEAR``; ``ValidationError`` otherwise."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        text = _shown(shown) if shown is not None else format_date(value)
        raise ValidationError(
            {field: f'"{text}" is not a plausible date; the year must be from {MIN_YEAR} to {MAX_YEAR}.'}
        )
    return value


def parse_optional_date(text: str | None, field: str = "date") -> date | None:
    """As ``parse_date``, but blank text (or None) means no date."""
    if text is None or not text.strip():
        return None
    return parse_date(text, field)


# --- money -------------------------------------------------------------------------------------------------


def format_money(pence: int | None) -> str:
    """Pence as pounds and pence: "£1,234.56", "-£12.00"; "" for None."""
    if pence is None:
        return ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}£{pounds:,}.{rest:02d}"


def format_money_whole(pence: int | None) -> str:
    """Pence rounded to whole pounds (halves away from zero): "£1,235"; "" for None."""
    if pence is None:
        return ""
    pounds = int((Decimal(abs(pence)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{'-' if pence < 0 and pounds else ''}£{pounds:,}"


def parse_money(text: str, field: str = "amount", *, allow_negative: bool = False) -> int:
    """Read an amount in pounds ("£1,234.56", "1234", " £ 12 ", "12.3") and return it in whole pence."""
    stripped = (text or "").strip()
    if not stripped:
        raise ValidationError({field: f"Enter an amount in pounds, for example {MONEY_EXAMPLE}."})
    match = _MONEY.fullmatch(stripped)
    if match is None or (match["pounds"] is None and match["pence"] is None) or (match["sign1"] and match["sign2"]):
        shown = _shown(stripped)
        raise ValidationError({field: f'"{shown}" is not an amount of money; use pounds, for example {MONEY_EXAMPLE}.'})
    if match["pence"] is not None and len(match["pence"]) > 2:
        raise ValidationError(
            {field: f'"{_shown(stripped)}" has more than 2 decimal places; amounts are in pounds and pence.'}
        )
    try:
        amount = Decimal((match["pounds"] or "0").replace(",", "") + "." + (match["pence"] or "0"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise ValidationError({field: f'"{_shown(stripped)}" is not an amount of money.'}) from None
    pence = int(amount * 100)
    if match["sign1"] or match["sign2"]:
        if not allow_negative and pence:
            raise ValidationError({field: f'The amount cannot be negative ("{_shown(stripped)}").'})
        pence = -pence
    if abs(pence) > MAX_PENCE:
        raise ValidationError({field: f'"{_shown(stripped)}" is too large an amount to store.'})
    return pence


def money_from_number(value: float, field: str = "amount", *, allow_negative: bool = False) -> int:
    """A number of pounds as a spreadsheet cell holds it (``int`` or ``float``), in whole pence, rounded to the
    nearest penny (halves away from zero). NaN, infinity, amounts too large to store and (unless allowed)
    negative amounts are refused with one sentence."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError({field: f'"{_shown(str(value))}" is not an amount of money.'})
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError({field: f'"{value}" is not an amount of money; use pounds, for example {MONEY_EXAMPLE}.'})
    shown = _shown(format(value, ",") if isinstance(value, int) else repr(value))
    if abs(value) * 100 > MAX_PENCE:
        raise ValidationError({field: f'"{shown}" is too large an amount to store.'})
    pence = int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if abs(pence) > MAX_PENCE:
        raise ValidationError({field: f'"{shown}" is too large an amount to store.'})
    if pence < 0 and not allow_negative:
        raise ValidationError({field: f'The amount cannot be negative ("{shown}").'})
    return pence


def parse_optional_money(text: str | None, field: str = "amount", *, allow_negative: bool = False) -> int | None:
    """As ``parse_money``, but blank text (or None) means no amount."""
    if text is None or not text.strip():
        return None
    return parse_money(text, field, allow_negative=allow_negative)


# --- other values ----------------------------------------------------------------------------------------


def validate_percent(value: int, field: str = "percent_complete") -> int:
    """A whole percentage from 0 to 100 inclusive."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: "Percent complete must be a whole number between 0 and 100."})
    if not 0 <= value <= 100:
        raise ValidationError({field: "Percent complete must be between 0 and 100."})
    return value


def parse_percent(value: str | float, field: str = "percent_complete") -> int:
    """A whole percentage from text ("50", "50%", "50.0") or a number; 0 to 100 inclusive, else one sentence."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if math.isfinite(value) and value.is_integer() else None
    elif isinstance(value, str) and (match := _PERCENT.fullmatch(value.strip())):
        number = int(match[1]) if len(match[1]) <= 20 else 10**20
    if number is None:
        shown = _shown(str(value))
        raise ValidationError({field: f'Percent complete: "{shown}" is not a whole number between 0 and 100.'})
    return validate_percent(number, field)


def utc_now() -> datetime:
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def is_invisible(character: str) -> bool:
    """True for a character that shows nothing: a space, a control or a format character (U+200B, U+FEFF...)."""
    return unicodedata.category(character) in _INVISIBLE_CATEGORIES


def looks_empty(text: str | None) -> bool:
    """True when ``text`` shows nothing: empty, or only spaces, zero-width, byte-order-mark or control characters."""
    return not text or all(is_invisible(character) for character in text)


def strip_invisible(text: str) -> str:
    """``text`` without the spaces and other invisible characters (zero-width spaces, byte-order marks, controls)
    at either end; those inside are kept."""
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def require_text(value: str | None, field: str, label: str, max_length: int = 500) -> str:
    """``value`` stripped of surrounding spaces (and other invisible characters: zero-width spaces, byte-order
    marks, controls); it must not look empty nor be longer than ``max_length``."""
    text = strip_invisible(value or "")
    if not text:
        raise ValidationError({field: f"{label} cannot be empty."})
    if len(text) > max_length:
        raise ValidationError({field: f"{label} must be {max_length} characters or fewer; it has {len(text)}."})
    return text


def validate_email(value: str | None, field: str = "contact_email") -> str | None:
    """A plausible e-mail address, stripped; None when blank. Only a sanity check, not full RFC 5322."""
    text = (value or "").strip()
    if not text:
        return None
    match = _EMAIL.fullmatch(text)
    domain = match[1] if match else ""
    if not match or "." not in domain or domain.startswith(".") or domain.endswith(".") or ".." in domain:
        raise ValidationError({field: f'"{_shown(text)}" is not an e-mail address; use a form like name@example.org.'})
    return text


def format_value(value: float | None, unit: str = "") -> str:
    """An indicator's value as people write it: thousands separated, at most two decimals, the unit after it."""
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "£") else f"{text} {unit}"
