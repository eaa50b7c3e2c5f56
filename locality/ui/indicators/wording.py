"""How the indicators page reads and writes numbers and says how an indicator stands. No Qt here, so these are
tested without a window."""

from __future__ import annotations

import math
from datetime import date
from html import escape

from locality.domain.errors import ValidationError
from locality.domain.values import format_date, format_value
from locality.services.indicators import Indicator


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


def value_on(value: float | None, on: date | None, unit: str) -> str:
    if value is None:
        return ""
    return format_value(value, unit) + (f" ({format_date(on)})" if on else "")


def evidences(indicator: Indicator) -> str:
    parts = []
    if indicator.need_title:
        parts.append(f"Need: {indicator.need_title}")
    if indicator.action_title:
        parts.append(f"Action: {indicator.action_title}")
    return "; ".join(parts)


def summary_text(indicator: Indicator) -> str:
    """Direction and kind of target, baseline, target and actual, and whether it is on track: a line each."""
    unit = indicator.unit
    lines = [
        f"{indicator.direction.value}; {indicator.target_kind.value.lower()} target.",
        f"Baseline {value_on(indicator.baseline_value, indicator.baseline_on, unit) or 'not set'}; "
        f"target {value_on(indicator.target_value, indicator.target_on, unit) or 'not set'}; "
        f"actual {format_value(indicator.actual_value, unit) or 'not yet measured'}.",
    ]
    if indicator.off_track:
        lines.append(f"Off track: {indicator.track_note}.")
    elif indicator.track_note.startswith("On track"):
        lines.append(f"{indicator.track_note}.")
    return "\n".join(lines)


def links_html(indicator: Indicator) -> str:
    """The need and action the indicator evidences, as links ("need:<id>", "action:<id>") in rich text."""
    links = []
    if indicator.need_id and indicator.need_title:
        links.append(
            f'Evidences the need <a href="need:{indicator.need_id}">{escape(indicator.need_title, quote=False)}</a>'
        )
    if indicator.action_id and indicator.action_title:
        links.append(
            f'Evidences the action <a href="action:{indicator.action_id}">'
            f"{escape(indicator.action_title, quote=False)}</a>"
        )
    return "<br>".join(links) if links else "Not linked to a need or an action: edit the indicator to link it."
