"""How the dashboard writes its figures: headline sums, short names and the spend chart's unit. No Qt here, so
these are tested without a window."""

from __future__ import annotations

from locality.domain.values import format_money


def compact_money(pence: int) -> str:
    """Money as a board paper writes it in a headline figure: £103.6m, £48.2k, £950 (the exact sum is in the
    tile's tooltip)."""
    pounds = pence / 100
    if abs(pounds) >= 1_000_000:
        return f"£{pounds / 1_000_000:,.1f}m"
    if abs(pounds) >= 10_000:
        return f"£{pounds / 1_000:,.1f}k"
    return format_money(pence)


def short_name(name: str, most: int = 22) -> str:
    """``name`` cut to ``most`` characters with an ellipsis, to fit beside a chart's bar."""
    return name if len(name) <= most else name[: most - 1].rstrip() + "…"


def spend_scale(largest_pounds: float) -> tuple[int, str]:
    """What the spend chart divides pounds by, and the axis title that says so, for bars up to
    ``largest_pounds``."""
    if largest_pounds >= 10_000_000:
        return 1_000_000, "£ millions"
    if largest_pounds >= 10_000:
        return 1_000, "£ thousands"
    return 1, "£"
