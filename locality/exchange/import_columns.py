"""The columns each kind of import reads, and matching a file's headings to them: ignoring case, spaces,
underscores and hyphens, with a warning for a column we do not read and an error for a required one missing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from locality.domain.errors import ImportFileError
from locality.exchange.import_table import Table, column_letter, shown

KINDS: dict[str, tuple[str, ...]] = {
    "organisations": ("name", "short_name", "type", "sector", "contact_name", "contact_email", "notes"),
    "needs": ("title", "description", "theme", "organisations", "priority", "source", "status", "identified_on"),
    "actions": (
        "title",
        "description",
        "type",
        "lead_organisation",
        "partners",
        "needs",
        "provider",
        "delivery_level",
        "start",
        "due",
        "status",
        "percent_complete",
        "budget",
        "funding_source",
        "owner",
        "owner_email",
        "owner_phone",
    ),
    "progress": ("action", "date", "percent_complete", "status", "rag", "note", "author"),
    "providers": ("name", "kind", "region", "website", "contact_name", "contact_email", "notes"),
    "offers": (
        "provider",
        "title",
        "support_type",
        "themes",
        "delivery_level",
        "typical_cost",
        "duration_days",
        "eligibility",
        "url",
    ),
}


REQUIRED: dict[str, tuple[str, ...]] = {
    "organisations": ("name",),
    "needs": ("title",),
    "actions": ("title",),
    "progress": ("action", "date"),
    "providers": ("name",),
    "offers": ("provider", "title"),
}


def heading_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).casefold()


@dataclass(frozen=True)
class Columns:
    by_index: tuple[str | None, ...]  # our column for each of the file's columns
    pairs: tuple[tuple[str, str | None], ...]
    warnings: tuple[str, ...]


def match_columns(kind: str, table: Table) -> Columns:
    ours = KINDS[kind]
    keys = {heading_key(column): column for column in ours}
    by_index: list[str | None] = []
    where: dict[str, list[int]] = {}
    unknown: list[str] = []
    for index, heading in enumerate(table.header):
        column = keys.get(heading_key(heading)) if heading else None
        by_index.append(column)
        if column is not None:
            where.setdefault(column, []).append(index)
        elif heading:
            unknown.append(heading)
    for column, indexes in where.items():
        if len(indexes) > 1:
            letters = " and ".join(column_letter(index) for index in indexes)
            raise ImportFileError(
                f'{table.name} has more than one "{column}" column (columns {letters}); keep one and import again.'
            )
    missing = [column for column in REQUIRED[kind] if column not in where]
    if missing:
        names = " or ".join(f'"{column}"' for column in missing)
        raise ImportFileError(
            f"{table.name} has no {names} column, which an import of {kind} needs; "
            f"its header row should name some of: {', '.join(ours)}."
        )
    warnings: list[str] = []
    if unknown:
        are = "column is" if len(unknown) == 1 else "columns are"
        warnings.append(
            f"The {_listed_headings(unknown)} {are} not read by an import of {kind} and "
            f"{'was' if len(unknown) == 1 else 'were'} ignored; the columns read are: {', '.join(ours)}."
        )
    pairs = tuple((heading, column) for heading, column in zip(table.header, by_index, strict=True) if heading)
    return Columns(tuple(by_index), pairs, tuple(warnings))


def _listed_headings(headings: Sequence[str], limit: int = 10) -> str:
    """Headings quoted for a message: each once (with how many times it is there when more than once), at most
    ``limit`` of them, each shortened."""
    times: dict[str, int] = {}
    for heading in headings:
        times[heading] = times.get(heading, 0) + 1
    quoted = [f'"{shown(heading)}"' + (f" ({count:,} times)" if count > 1 else "") for heading, count in times.items()]
    if len(quoted) > limit:
        quoted = [*quoted[:limit], f"{len(quoted) - limit:,} more"]
    return ", ".join(quoted)
