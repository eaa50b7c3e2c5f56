"""Vocabulary: themes, funding sources and the user-extendable term lists (action types, providers...)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from locality.domain.entities import Entity
from locality.domain.errors import DuplicateError, ValidationError
from locality.domain.values import require_text
from locality.domain.vocabulary import VocabularyKind, normalise_name
from locality.services import records
from locality.services.context import ServiceContext
from locality.services.stamped import Stamped
from locality.store.models import FundingSourceRecord, ThemeRecord, VocabularyTermRecord
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Term:
    id: uuid.UUID
    kind: VocabularyKind
    name: str
    sort_order: int
    active: bool


@dataclass(frozen=True)
class Theme:
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    parent_name: str | None
    colour: str
    sort_order: int
    #: False for a theme the partnership does not use: pickers leave it out, though records filed under it
    #: keep it and imports still find it by name.
    active: bool = True

    @property
    def full_name(self) -> str:
        """ "Service improvement: Housing" for a service area, the plain name for a top-level theme."""
        return f"{self.parent_name}: {self.name}" if self.parent_name else self.name


@dataclass(frozen=True)
class FundingSource:
    id: uuid.UUID
    name: str
    description: str
    sort_order: int


def _term(record: VocabularyTermRecord) -> Term:
    return Term(record.id, VocabularyKind(record.kind), record.name, record.sort_order, record.active)


def _themes(unit: UnitOfWork) -> list[Theme]:
    rows = unit.list(ThemeRecord, order_by=("sort_order", "name"))
    names = {row.id: row.name for row in rows}
    return [
        Theme(
            row.id,
            row.name,
            row.parent_id,
            names.get(row.parent_id) if row.parent_id else None,
            row.colour,
            row.sort_order,
            row.active,
        )
        for row in rows
    ]


def unknown_value_message(label: str, value: str, allowed: list[str]) -> str:
    return f'"{value.strip()}" is not a known {label}; use one of: {", ".join(allowed)}'


class VocabularyService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        # The terms of each kind and the themes, as the pickers offer them: read again once the workspace changes.
        self._terms: Stamped[tuple[Term, ...]] = Stamped()
        self._themes: Stamped[tuple[Theme, ...]] = Stamped()

    # ------------------------------------------------------------------ terms

    def terms(self, kind: VocabularyKind) -> list[Term]:
        with self._context.read() as unit:

            def read() -> tuple[Term, ...]:
                rows = unit.list(VocabularyTermRecord, {"kind": kind.value}, order_by=("sort_order", "name"))
                return tuple(_term(row) for row in rows)

            return list(self._terms.get(unit, kind, read))

    def add_term(self, kind: VocabularyKind, name: str) -> Term:
        name = require_text(name, "name", kind.label.capitalize(), max_length=200)
        with self._context.edit(Entity.VOCABULARY_TERM) as unit:
            if unit.find_by_name(VocabularyTermRecord, name, where={"kind": kind.value}):
                raise DuplicateError({"name": f'There is already {kind.a_label} called "{name}"'})
            order = unit.count(VocabularyTermRecord, {"kind": kind.value})
            record = records.create(
                unit,
                VocabularyTermRecord(kind=kind.value, name=name, sort_order=order, active=True),
                ("kind", "name", "sort_order"),
            )
            return _term(record)

    def rename_term(self, term_id: uuid.UUID, name: str) -> Term:
        """Gives a term a new name; records that use it (by id) show the new name. Refuses a name another term
        of the same kind has."""
        with self._context.edit(Entity.VOCABULARY_TERM) as unit:
            record = records.require(unit, VocabularyTermRecord, term_id, "term")
            kind = VocabularyKind(record.kind)
            name = require_text(name, "name", kind.label.capitalize(), max_length=200)
            if any(
                other.id != term_id
                for other in unit.find_by_name(VocabularyTermRecord, name, where={"kind": kind.value})
            ):
                raise DuplicateError({"name": f'There is already {kind.a_label} called "{name}"'})
            records.update(unit, record, {"name": name})
            return _term(record)

    def resolve_term(self, kind: VocabularyKind, name: str) -> uuid.UUID:
        """The id of the term called ``name`` (ignoring case and spaces); a clear error lists what is allowed."""
        with self._context.read() as unit:
            return resolve_term(unit, kind, name)

    # ------------------------------------------------------------------ themes

    def themes(self) -> list[Theme]:
        with self._context.read() as unit:
            return list(self._themes.get(unit, "themes", lambda: tuple(_themes(unit))))

    def add_theme(self, name: str, parent_id: uuid.UUID | None = None, colour: str = "#607d8b") -> Theme:
        name = require_text(name, "name", "Theme name", max_length=200)
        with self._context.edit(Entity.THEME) as unit:
            if unit.find_by_name(ThemeRecord, name):
                raise DuplicateError({"name": f'There is already a theme called "{name}"'})
            if parent_id is not None:
                parent = unit.get(ThemeRecord, parent_id)
                if parent is None:
                    raise ValidationError({"parent_id": "The parent theme does not exist"})
                if parent.parent_id is not None:
                    raise ValidationError({"parent_id": "Themes have two levels; choose a top-level parent"})
            # A service area sorts straight after its parent's other children; a new theme after every theme.
            themes = unit.list(ThemeRecord)
            if parent_id is not None:
                family = [t.sort_order for t in themes if t.id == parent_id or t.parent_id == parent_id]
                order = max(family) + 1
            else:
                order = (max((t.sort_order for t in themes), default=0) // 100 + 1) * 100
            record = records.create(
                unit,
                ThemeRecord(name=name, parent_id=parent_id, colour=colour, sort_order=order, active=True),
                ("name", "parent_id", "colour", "sort_order"),
            )
            unit.flush()
            return next(theme for theme in _themes(unit) if theme.id == record.id)

    def set_themes_in_use(self, in_use: Collection[uuid.UUID]) -> list[Theme]:
        """Marks the themes in ``in_use`` as used and every other as not used (one edit, logged per theme that
        changes). A theme whose service area is in use stays in use itself, so the two levels stay whole."""
        chosen = set(in_use)
        with self._context.edit(Entity.THEME) as unit:
            themes = unit.list(ThemeRecord)
            chosen |= {theme.parent_id for theme in themes if theme.id in chosen and theme.parent_id is not None}
            unknown = chosen - {theme.id for theme in themes}
            if unknown:
                raise ValidationError({"themes": "A chosen theme no longer exists"})
            for theme in themes:
                if theme.active != (theme.id in chosen):
                    records.update(unit, theme, {"active": theme.id in chosen})
            unit.flush()
            return _themes(unit)

    def resolve_theme(self, name: str) -> uuid.UUID:
        with self._context.read() as unit:
            return resolve_theme(unit, name)

    # ------------------------------------------------------------------ funding sources

    def funding_sources(self) -> list[FundingSource]:
        with self._context.read() as unit:
            rows = unit.list(FundingSourceRecord, order_by=("sort_order", "name"))
            return [FundingSource(row.id, row.name, row.description, row.sort_order) for row in rows]

    def add_funding_source(self, name: str, description: str = "") -> FundingSource:
        name = require_text(name, "name", "Funding source name", max_length=200)
        with self._context.edit(Entity.FUNDING_SOURCE) as unit:
            if unit.find_by_name(FundingSourceRecord, name):
                raise DuplicateError({"name": f'There is already a funding source called "{name}"'})
            record = records.create(
                unit,
                FundingSourceRecord(
                    name=name,
                    description=description.strip(),
                    sort_order=unit.count(FundingSourceRecord),
                    active=True,
                ),
                ("name", "description"),
            )
            return FundingSource(record.id, record.name, record.description, record.sort_order)

    def resolve_funding_source(self, name: str) -> uuid.UUID:
        with self._context.read() as unit:
            return resolve_funding_source(unit, name)


# ---------------------------------------------------------------------- shared by other services


def resolve_term(unit: UnitOfWork, kind: VocabularyKind, name: str, field: str | None = None) -> uuid.UUID:
    found = unit.find_by_name(VocabularyTermRecord, name, where={"kind": kind.value})
    if not found:
        allowed = [row.name for row in unit.list(VocabularyTermRecord, {"kind": kind.value}, order_by=("sort_order",))]
        raise ValidationError({field or kind.value: unknown_value_message(kind.label, name, allowed)})
    return found[0].id


def resolve_theme(unit: UnitOfWork, name: str, field: str = "theme") -> uuid.UUID:
    """A theme by its name, or by "Parent: child" for a service area."""
    wanted = normalise_name(name)
    themes = _themes(unit)
    for theme in themes:
        if normalise_name(theme.name) == wanted or normalise_name(theme.full_name) == wanted:
            return theme.id
    raise ValidationError({field: unknown_value_message("theme", name, [theme.name for theme in themes])})


def resolve_funding_source(unit: UnitOfWork, name: str, field: str = "funding_source") -> uuid.UUID:
    found = unit.find_by_name(FundingSourceRecord, name)
    if not found:
        allowed = [row.name for row in unit.list(FundingSourceRecord, order_by=("sort_order",))]
        raise ValidationError({field: unknown_value_message("funding source", name, allowed)})
    return found[0].id


def check_term(
    unit: records.Lookup, kind: VocabularyKind, term_id: uuid.UUID | None, field: str, errors: dict[str, str]
) -> None:
    """Adds an error for ``field`` unless ``term_id`` is empty or a live term of ``kind``."""
    if term_id is None:
        return
    record = unit.get(VocabularyTermRecord, term_id)
    if record is None or record.kind != kind.value:
        errors[field] = f"Choose {kind.a_label} from the list"


def check_theme(unit: records.Lookup, theme_id: uuid.UUID | None, field: str, errors: dict[str, str]) -> None:
    if theme_id is not None and unit.get(ThemeRecord, theme_id) is None:
        errors[field] = "Choose a theme from the list"


def term_names(unit: UnitOfWork) -> dict[uuid.UUID, str]:
    """Every term's name by id (including retired ones, so old records still show theirs)."""
    return {row.id: row.name for row in unit.list(VocabularyTermRecord, include_deleted=True)}


def theme_and_service_areas(unit: UnitOfWork, theme_id: uuid.UUID | None) -> frozenset[uuid.UUID] | None:
    """The theme and the live service areas beneath it: what a filter by ``theme_id`` keeps (None: no filter)."""
    if theme_id is None:
        return None
    children = unit.list(ThemeRecord, {"parent_id": theme_id})
    return frozenset({theme_id, *(child.id for child in children)})


ThemeLabels = dict[uuid.UUID, tuple[str, str]]


def theme_labels(unit: UnitOfWork) -> ThemeLabels:
    """(name, full name) of every theme by id, retired ones included so that old records still show theirs."""
    rows = unit.list(ThemeRecord, include_deleted=True)
    names = {row.id: row.name for row in rows}
    labels: ThemeLabels = {}
    for row in rows:
        parent = names.get(row.parent_id) if row.parent_id else None
        labels[row.id] = (row.name, f"{parent}: {row.name}" if parent else row.name)
    return labels


def theme_label(labels: ThemeLabels, theme_id: uuid.UUID | None) -> tuple[str, str]:
    """(name, full name) of a theme from ``theme_labels``; ("", "") for no theme."""
    return labels.get(theme_id, ("", "")) if theme_id else ("", "")


def theme_names(unit: UnitOfWork) -> dict[uuid.UUID, str]:
    return {row.id: row.name for row in unit.list(ThemeRecord, include_deleted=True)}
