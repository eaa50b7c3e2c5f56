"""Reading one import row's values: what the workspace already holds (names and titles to ids, ignoring case and
spaces, with a close match to suggest), and each cell read leniently into a value, every problem kept as a
sentence for ``row N: reason``."""

from __future__ import annotations

import difflib
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from locality.domain.errors import ValidationError
from locality.domain.values import check_date, format_date, money_from_number, parse_date, parse_money, parse_percent
from locality.domain.vocabulary import VocabularyKind, normalise_name
from locality.exchange.import_columns import heading_key
from locality.exchange.import_table import Cell, OddCell, is_blank, shown
from locality.services.vocabulary import VocabularyService, unknown_value_message
from locality.store import action_queries, need_queries
from locality.store.models import OrganisationRecord, SupportProviderRecord
from locality.store.unit_of_work import UnitOfWork

E = TypeVar("E", bound=StrEnum)


LIST_SEPARATOR = ";"


_LABELS = {
    "identified_on": "Identified on",
    "start": "Start",
    "due": "Due",
    "date": "Date",
    "budget": "Budget",
    "percent_complete": "Percent complete",
    "typical_cost": "Typical cost",
    "duration_days": "Duration (days)",
}


class Names:
    """Names (or titles) to ids, ignoring case and spaces; the first one given wins, as the services' ``find``."""

    def __init__(self, pairs: Sequence[tuple[uuid.UUID, str]] = ()) -> None:
        self.ids: dict[str, uuid.UUID] = {}
        self.names: list[str] = []
        for item_id, name in pairs:
            self.add(item_id, name)

    def add(self, item_id: uuid.UUID, name: str) -> None:
        key = normalise_name(name)
        if key and key not in self.ids:
            self.ids[key] = item_id
            self.names.append(name)

    def get(self, name: str) -> uuid.UUID | None:
        return self.ids.get(normalise_name(name))

    def suggestion(self, name: str) -> str | None:
        folded = {normalise_name(item): item for item in self.names}
        close = difflib.get_close_matches(normalise_name(name), list(folded), n=1, cutoff=0.75)
        return folded[close[0]] if close else None


@dataclass
class Lookups:
    organisations: Names
    short_names: Names
    needs: Names
    actions: Names
    terms: dict[VocabularyKind, Names]
    themes: Names
    theme_names: list[str]
    funding_sources: Names
    providers: Names  # the support directory's


def lookups(unit: UnitOfWork, vocabulary: VocabularyService, kind: str) -> Lookups:
    organisations = unit.list(OrganisationRecord, order_by=("created_at",))
    all_themes = vocabulary.themes()
    themes = Names()
    for theme in all_themes:
        themes.add(theme.id, theme.name)
        themes.add(theme.id, theme.full_name)
    return Lookups(
        organisations=Names([(row.id, row.name) for row in organisations]),
        short_names=Names([(row.id, row.short_name) for row in organisations if row.short_name]),
        needs=Names(need_queries.need_titles(unit)) if kind in ("needs", "actions") else Names(),
        actions=Names(action_queries.action_titles(unit)) if kind in ("actions", "progress") else Names(),
        terms={
            term_kind: Names([(term.id, term.name) for term in vocabulary.terms(term_kind)])
            for term_kind in VocabularyKind
        },
        themes=themes,
        theme_names=[theme.name for theme in all_themes],
        funding_sources=Names([(source.id, source.name) for source in vocabulary.funding_sources()]),
        providers=(
            Names([(row.id, row.name) for row in unit.list(SupportProviderRecord, order_by=("created_at",))])
            if kind in ("providers", "offers")
            else Names()
        ),
    )


class RowReader:
    """One row's cells by our column, read into values; each problem is kept as a sentence."""

    def __init__(self, values: dict[str, Cell], lookups: Lookups) -> None:
        self.values = values
        self.lookups = lookups
        self.problems: list[str] = []
        for column, value in values.items():
            if isinstance(value, OddCell):  # a workbook cell that could not be read: name it, read it as empty
                self.problem(f"Column {value.column} ({column}) {value.reason}")
                values[column] = None

    def problem(self, message: str) -> None:
        message = message.strip()
        self.problems.append(message if message.endswith((".", "?", "!")) else message + ".")

    def text(self, column: str) -> str:
        return cell_text(self.values.get(column)).strip()

    def items(self, column: str) -> list[str]:
        return [item.strip() for item in self.text(column).split(LIST_SEPARATOR) if item.strip()]

    def date(self, column: str) -> date | None:
        value = self.values.get(column)
        if is_blank(value):
            return None
        if isinstance(value, (int, float)):
            self.problem(f'{_LABELS.get(column, column)}: "{shown(cell_text(value))}" is not a date; use dd/mm/yyyy')
            return None
        if isinstance(value, date):
            try:
                return check_date(value, column)
            except ValidationError as error:
                self.problem(f"{_LABELS.get(column, column)}: {error}")
                return None
        try:
            return parse_date(str(value), column)
        except ValidationError as error:
            self.problem(f"{_LABELS.get(column, column)}: {error}")
            return None

    def money(self, column: str) -> int | None:
        value = self.values.get(column)
        if is_blank(value):
            return None
        try:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return money_from_number(value, column)  # a number cell: NaN, infinity and huge amounts refused
            return parse_money(cell_text(value), column)
        except ValidationError as error:
            self.problem(f"{_LABELS.get(column, column)}: {error}")
            return None

    def percent(self, column: str) -> int | None:
        value = self.values.get(column)
        if is_blank(value):
            return None
        try:
            return parse_percent(value if isinstance(value, (str, int, float)) else cell_text(value), column)
        except ValidationError as error:
            self.problem(str(error))
            return None

    def choice(self, column: str, enum_type: type[E], label: str) -> E | None:
        text = self.text(column)
        if not text:
            return None
        found = _members_by_key(enum_type).get(heading_key(text))
        if found is None:
            self.problem(unknown_value_message(label, text, [member.value for member in enum_type]))
        return found

    def term(self, column: str, kind: VocabularyKind) -> uuid.UUID | None:
        text = self.text(column)
        if not text:
            return None
        names = self.lookups.terms[kind]
        found = names.get(text)
        if found is None:
            self.problem(unknown_value_message(kind.label, text, names.names))
        return found

    def theme(self, column: str) -> uuid.UUID | None:
        text = self.text(column)
        if not text:
            return None
        found = self.lookups.themes.get(text)
        if found is None:
            self.problem(unknown_value_message("theme", text, self.lookups.theme_names))
        return found

    def whole_number(self, column: str) -> int | None:
        """A whole number of at least 1 ("5", or a number cell holding 5.0); None when blank."""
        value = self.values.get(column)
        if is_blank(value):
            return None
        text = cell_text(value).strip().replace(",", "")
        if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
            self.problem(f'{_LABELS.get(column, column)}: "{shown(cell_text(value))}" is not a whole number of days')
            return None
        return int(text)

    def themes(self, column: str) -> list[uuid.UUID]:
        found: list[uuid.UUID] = []
        for name in self.items(column):
            theme_id = self.lookups.themes.get(name)
            if theme_id is None:
                self.problem(unknown_value_message("theme", name, self.lookups.theme_names))
            elif theme_id not in found:
                found.append(theme_id)
        return found

    def provider(self, column: str) -> uuid.UUID | None:
        """The support directory's provider a row names."""
        name = self.text(column)
        if not name:
            self.problem("Give the name of the provider that makes this offer")
            return None
        found = self.lookups.providers.get(name)
        if found is None:
            self.problem(
                _unknown(name, "a support provider", self.lookups.providers, "add it (or import providers) first")
            )
        return found

    def funding_source(self, column: str) -> uuid.UUID | None:
        text = self.text(column)
        if not text:
            return None
        found = self.lookups.funding_sources.get(text)
        if found is None:
            self.problem(unknown_value_message("funding source", text, self.lookups.funding_sources.names))
        return found

    def organisation(self, name: str) -> uuid.UUID | None:
        found = self.lookups.organisations.get(name) or self.lookups.short_names.get(name)
        if found is None:
            self.problem(
                _unknown(name, "an organisation", self.lookups.organisations, "add it (or import organisations) first")
            )
        return found

    def organisations(self, column: str) -> list[uuid.UUID]:
        found = [self.organisation(name) for name in self.items(column)]
        return [item for item in found if item is not None]

    def needs(self, column: str) -> list[uuid.UUID]:
        found: list[uuid.UUID] = []
        for title in self.items(column):
            need_id = self.lookups.needs.get(title)
            if need_id is None:
                self.problem(_unknown(title, "a need", self.lookups.needs, "add it (or import needs) first"))
            else:
                found.append(need_id)
        return found

    def action(self, column: str) -> uuid.UUID | None:
        title = self.text(column)
        if not title:
            self.problem("Give the title of the action this update is for")
            return None
        found = self.lookups.actions.get(title)
        if found is None:
            self.problem(_unknown(title, "an action", self.lookups.actions, "add it (or import actions) first"))
        return found


@functools.cache
def _members_by_key(enum_type: type[E]) -> dict[str, E]:
    """An enum's members by the heading key of their value and of their name (the first member wins), so that a
    choice costs one look-up a cell rather than two keys a member."""
    members: dict[str, E] = {}
    for member in enum_type:
        members.setdefault(heading_key(member.value), member)
        members.setdefault(heading_key(member.name), member)
    return members


def _unknown(name: str, what: str, known: Names, advice: str) -> str:
    suggestion = known.suggestion(name)
    hint = f' (did you mean "{suggestion}"?)' if suggestion else ""
    return f'"{name}" is not {what} in this workspace{hint}; {advice}'


def cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
