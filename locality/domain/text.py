"""Words for counts: "1 organisation", "2 organisations", "1,250 actions"."""

from __future__ import annotations


def noun_for(count: int, one: str, many: str | None = None) -> str:
    """``one`` for a count of one, else ``many`` (``one`` + "s" unless given): "need" / "needs"."""
    return one if count == 1 else (many if many is not None else one + "s")


def plural(count: int, one: str, many: str | None = None) -> str:
    """The count with thousands separators and the noun that agrees with it: "1 action", "20,000 actions"."""
    return f"{count:,} {noun_for(count, one, many)}"
