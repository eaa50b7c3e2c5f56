"""Needs analysis: the gaps in the plan, the theme × organisation heat map and the ranking that prioritises needs.

- A **shared need** is a live need linked to two or more live organisations.
- **Shared needs with no joint action** are shared needs that no live action addresses.
- **Actions that address no need** are live actions linked to no live need.
- The **heat map** counts, for each theme and organisation, the live needs of that theme linked to that
  organisation; a shared need counts once in each of its organisations' columns.
- The **ranking** scores each need from its priority, the organisations sharing it and its workshop dots, by a
  formula whose weights the user sets and which describes itself in words.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.vocabulary import OPEN_NEED_STATUSES, ActionStatus, NeedStatus, Priority
from locality.services.context import ServiceContext
from locality.services.vocabulary import ThemeLabels, theme_label, theme_labels
from locality.store import analysis_queries
from locality.store.analysis_queries import NeedRow
from locality.store.models import ThemeRecord
from locality.store.unit_of_work import UnitOfWork

SHARED_NEED_DEFINITION = "A shared need is a need linked to two or more organisations."
SHARED_UNADDRESSED_DEFINITION = (
    "Shared needs with no joint action are open shared needs (identified, agreed or being addressed) that no "
    "action addresses yet."
)
NEEDLESS_ACTIONS_DEFINITION = "Actions that address no need are actions not linked to any need."
HEAT_MAP_DEFINITION = (
    "Each cell counts the needs of a theme that an organisation has; a shared need counts once for each of its "
    "organisations, so a row's cells can add up to more than its total."
)
NO_THEME = "(no theme)"

#: The statuses of needs still to be met: the ranking leaves out met and closed needs unless asked.
PRIORITY_POINTS: dict[Priority, int] = {Priority.HIGH: 3, Priority.MEDIUM: 2, Priority.LOW: 1}
MAX_WEIGHT = 100


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class NeedLine:
    """A need as the analysis lists show it."""

    id: uuid.UUID
    title: str
    theme_id: uuid.UUID | None
    theme_name: str
    theme_full_name: str
    priority: Priority | None
    status: NeedStatus
    organisation_names: tuple[str, ...]

    @property
    def organisation_count(self) -> int:
        return len(self.organisation_names)

    @property
    def organisations_text(self) -> str:
        return "; ".join(self.organisation_names)


@dataclass(frozen=True, slots=True)
class NeedlessAction:
    """A live action that addresses no need."""

    id: uuid.UUID
    title: str
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    status: ActionStatus
    due_on: date | None


@dataclass(frozen=True)
class Gaps:
    shared_unaddressed: tuple[NeedLine, ...]
    needless_actions: tuple[NeedlessAction, ...]

    @property
    def shared_unaddressed_count(self) -> int:
        return len(self.shared_unaddressed)

    @property
    def needless_actions_count(self) -> int:
        return len(self.needless_actions)


@dataclass(frozen=True)
class HeatColumn:
    """An organisation's column: ``total`` is the live needs linked to it, whatever their theme."""

    organisation_id: uuid.UUID
    name: str
    short_name: str
    total: int

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class HeatRow:
    """A theme's row. ``theme_id`` None is the row of needs with no theme. ``cells`` follow the map's columns;
    ``total`` is the distinct needs of the row linked to any organisation."""

    theme_id: uuid.UUID | None
    name: str
    full_name: str
    is_service_area: bool
    includes_service_areas: bool
    cells: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class HeatMap:
    rows: tuple[HeatRow, ...]
    columns: tuple[HeatColumn, ...]
    total: int  # live needs linked to at least one organisation
    unlinked_needs: int  # live needs linked to no organisation: they have no column
    service_areas_separate: bool

    @property
    def largest_cell(self) -> int:
        return max((count for row in self.rows for count in row.cells), default=0)

    def cell(self, theme_id: uuid.UUID | None, organisation_id: uuid.UUID) -> int:
        for row in self.rows:
            if row.theme_id == theme_id:
                for column, count in zip(self.columns, row.cells, strict=True):
                    if column.organisation_id == organisation_id:
                        return count
        return 0


@dataclass(frozen=True)
class RankingFormula:
    """Score = priority weight × priority points + organisations weight × organisations sharing the need
    + dots weight × workshop dots. Weights are whole numbers from 0 to 100."""

    priority: int = 3
    organisations: int = 2
    dots: int = 1

    def validated(self) -> RankingFormula:
        errors: dict[str, str] = {}
        for name, label in (("priority", "Priority"), ("organisations", "Organisations"), ("dots", "Workshop dots")):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                errors[name] = f"{label} weight must be a whole number"
            elif value < 0:
                errors[name] = f"{label} weight cannot be below zero"
            elif value > MAX_WEIGHT:
                errors[name] = f"{label} weight cannot be more than {MAX_WEIGHT}"
        if not errors and self.priority == self.organisations == self.dots == 0:
            errors["weights"] = "Give at least one weight above zero, or every need scores the same"
        if errors:
            raise ValidationError(errors)
        return self

    def describe(self) -> str:
        points = ", ".join(f"{priority.value.lower()} {points}" for priority, points in PRIORITY_POINTS.items())
        return (
            f"Score = {self.priority} × priority points ({points}, not set 0) "
            f"+ {self.organisations} × organisations sharing "
            f"+ {self.dots} × workshop dots"
        )

    def parts(self, priority: Priority | None, organisations: int, dots: int) -> tuple[int, int, int]:
        points = PRIORITY_POINTS.get(priority, 0) if priority is not None else 0
        return self.priority * points, self.organisations * organisations, self.dots * dots


@dataclass(frozen=True, slots=True)
class RankedNeed:
    """A need's place in the ranking (1 is first; equal scores share a rank) and the parts of its score."""

    rank: int
    need_id: uuid.UUID
    title: str
    theme_name: str
    status: NeedStatus
    priority: Priority | None
    priority_points: int
    organisations: int
    dots: int
    priority_part: int
    organisations_part: int
    dots_part: int
    score: int
    formula: RankingFormula

    def explain(self) -> str:
        """ "3 × 3 + 2 × 2 + 1 × 5 = 18": the formula with this need's figures in it."""
        f = self.formula
        return (
            f"{f.priority} × {self.priority_points} + {f.organisations} × {self.organisations} "
            f"+ {f.dots} × {self.dots} = {self.score}"
        )


@dataclass(frozen=True)
class Ranking:
    formula: RankingFormula
    rows: tuple[RankedNeed, ...]
    include_closed: bool

    def describe(self) -> str:
        return self.formula.describe()


# --------------------------------------------------------------------------- helpers


def _theme_records(unit: UnitOfWork) -> list[ThemeRecord]:
    """Every theme, retired ones included (old needs still name theirs), in display order."""
    return unit.list(ThemeRecord, include_deleted=True, order_by=("sort_order", "name"))


def _need_lines(
    rows: Iterable[NeedRow],
    labels: ThemeLabels,
    names: dict[uuid.UUID, builtins.list[str]],
) -> tuple[NeedLine, ...]:
    lines = []
    for row in rows:
        theme_name, full_name = theme_label(labels, row.theme_id)
        lines.append(
            NeedLine(
                id=row.id,
                title=row.title,
                theme_id=row.theme_id,
                theme_name=theme_name,
                theme_full_name=full_name,
                priority=Priority(row.priority) if row.priority else None,
                status=NeedStatus(row.status),
                organisation_names=tuple(names.get(row.id, ())),
            )
        )
    return tuple(lines)


def _names_by_need(unit: UnitOfWork, need_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, builtins.list[str]]:
    names: dict[uuid.UUID, builtins.list[str]] = {}
    for link in analysis_queries.organisation_links(unit, need_ids):
        names.setdefault(link.need_id, []).append(link.organisation_name)
    return names


def _lines_for(unit: UnitOfWork, rows: builtins.list[NeedRow]) -> tuple[NeedLine, ...]:
    labels = theme_labels(unit)
    return _need_lines(rows, labels, _names_by_need(unit, [row.id for row in rows]))


# --------------------------------------------------------------------------- service


class NeedAnalysisService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ------------------------------------------------------------------ gaps

    def gaps(self) -> Gaps:
        """Shared needs that no action addresses, and actions that address no need, each in title order."""
        with self._context.read() as unit:
            needs = _lines_for(unit, analysis_queries.shared_unaddressed_needs(unit))
            actions = tuple(
                NeedlessAction(
                    id=row.id,
                    title=row.title,
                    lead_organisation_id=row.lead_organisation_id,
                    lead_organisation_name=row.lead_organisation_name or "",
                    status=ActionStatus(row.status),
                    due_on=row.due_on,
                )
                for row in analysis_queries.needless_actions(unit)
            )
            return Gaps(needs, actions)

    # ------------------------------------------------------------------ heat map

    def heat_map(self, *, service_areas_separate: bool = False) -> HeatMap:
        """Rows are the top-level themes in their usual order, each counting its service areas' needs too
        (or, with ``service_areas_separate``, each service area on its own row beneath its theme); a row for
        needs with no theme comes last when there are any. Columns are the live organisations, A to Z."""
        with self._context.read() as unit:
            themes = _theme_records(unit)
            by_id = {theme.id: theme for theme in themes}
            columns = [
                (organisation_id, name, short_name)
                for organisation_id, name, short_name in analysis_queries.organisation_names(unit)
            ]
            position = {organisation_id: number for number, (organisation_id, _n, _s) in enumerate(columns)}

            def row_key(theme_id: uuid.UUID | None) -> uuid.UUID | None:
                if theme_id is None or service_areas_separate:
                    return theme_id
                theme = by_id.get(theme_id)
                if theme is not None and theme.parent_id is not None and theme.parent_id in by_id:
                    return theme.parent_id
                return theme_id

            cells: dict[uuid.UUID | None, builtins.list[int]] = {}
            column_totals = [0] * len(columns)
            for theme_id, organisation_id, count in analysis_queries.theme_organisation_counts(unit):
                where = position.get(organisation_id)
                if where is None:
                    continue
                cells.setdefault(row_key(theme_id), [0] * len(columns))[where] += count
                column_totals[where] += count
            row_totals: dict[uuid.UUID | None, int] = {}
            for theme_id, count in analysis_queries.theme_linked_need_counts(unit):
                key = row_key(theme_id)
                row_totals[key] = row_totals.get(key, 0) + count

            # Live themes always have a row (an empty row is worth seeing); retired ones only if needs use them.
            def wanted(theme: ThemeRecord) -> bool:
                return theme.deleted_at is None or theme.id in cells

            ordered: builtins.list[ThemeRecord] = []
            for theme in themes:
                if theme.parent_id is None or theme.parent_id not in by_id:
                    if wanted(theme):
                        ordered.append(theme)
                    if service_areas_separate:
                        ordered.extend(c for c in themes if c.parent_id == theme.id and wanted(c))
            rows = []
            empty = [0] * len(columns)
            for theme in ordered:
                is_area = theme.parent_id is not None and theme.parent_id in by_id
                parent = by_id[theme.parent_id].name if is_area and theme.parent_id else None
                has_areas = not service_areas_separate and any(t.parent_id == theme.id for t in themes)
                rows.append(
                    HeatRow(
                        theme_id=theme.id,
                        name=theme.name,
                        full_name=f"{parent}: {theme.name}" if parent else theme.name,
                        is_service_area=is_area,
                        includes_service_areas=has_areas,
                        cells=tuple(cells.get(theme.id, empty)),
                        total=row_totals.get(theme.id, 0),
                    )
                )
            if None in cells:
                rows.append(
                    HeatRow(None, NO_THEME, NO_THEME, False, False, tuple(cells[None]), row_totals.get(None, 0))
                )
            return HeatMap(
                rows=tuple(rows),
                columns=tuple(
                    HeatColumn(organisation_id, name, short_name, column_totals[number])
                    for number, (organisation_id, name, short_name) in enumerate(columns)
                ),
                total=sum(row_totals.values()),
                unlinked_needs=analysis_queries.unlinked_need_count(unit),
                service_areas_separate=service_areas_separate,
            )

    def drill_down(
        self,
        theme_id: uuid.UUID | None,
        organisation_id: uuid.UUID | None,
        *,
        service_areas_separate: bool = False,
    ) -> builtins.list[NeedLine]:
        """The needs counted in one heat-map cell, in title order: ``theme_id`` None is the no-theme row;
        ``organisation_id`` None is the row's total (needs linked to any organisation). Without
        ``service_areas_separate``, a top-level theme's cell includes its service areas' needs."""
        with self._context.read() as unit:
            theme_ids: set[uuid.UUID | None] = {theme_id}
            if theme_id is not None:
                themes = _theme_records(unit)
                if not any(theme.id == theme_id for theme in themes):
                    raise NotFoundError("That theme no longer exists; it may have been deleted by someone else.")
                if not service_areas_separate:
                    theme_ids.update(theme.id for theme in themes if theme.parent_id == theme_id)
            return builtins.list(_lines_for(unit, analysis_queries.cell_needs(unit, theme_ids, organisation_id)))

    def needs_of_organisation(self, organisation_id: uuid.UUID | None) -> builtins.list[NeedLine]:
        """A column's total: the live needs linked to the organisation (None: to any organisation), whatever
        their theme, in title order."""
        with self._context.read() as unit:
            return builtins.list(_lines_for(unit, analysis_queries.cell_needs(unit, None, organisation_id)))

    # ------------------------------------------------------------------ ranking

    def ranking(self, weights: RankingFormula | None = None, *, include_closed: bool = False) -> Ranking:
        """Needs ranked by score, highest first (ties: more dots, then title); equal scores share a rank.
        Met and closed needs are left out unless ``include_closed``."""
        formula = (weights or RankingFormula()).validated()
        with self._context.read() as unit:
            labels = theme_labels(unit)
            statuses = None if include_closed else {status.value for status in OPEN_NEED_STATUSES}
            needs = analysis_queries.live_needs(unit, statuses)
            organisations = analysis_queries.organisation_counts(unit)
            dots = analysis_queries.dots_by_need(unit)
        scored = []
        for need in needs:
            priority = Priority(need.priority) if need.priority else None
            shared = organisations.get(need.id, 0)
            need_dots = dots.get(need.id, 0)
            parts = formula.parts(priority, shared, need_dots)
            scored.append((sum(parts), need, priority, shared, need_dots, parts))
        # Stable sorts: title order from the query is kept among equals.
        scored.sort(key=lambda item: (-item[0], -item[4]))
        rows = []
        rank = 0
        previous: int | None = None
        for number, (score, need, priority, shared, need_dots, parts) in enumerate(scored, start=1):
            if score != previous:
                rank, previous = number, score
            rows.append(
                RankedNeed(
                    rank=rank,
                    need_id=need.id,
                    title=need.title,
                    theme_name=theme_label(labels, need.theme_id)[1],
                    status=NeedStatus(need.status),
                    priority=priority,
                    priority_points=PRIORITY_POINTS.get(priority, 0) if priority is not None else 0,
                    organisations=shared,
                    dots=need_dots,
                    priority_part=parts[0],
                    organisations_part=parts[1],
                    dots_part=parts[2],
                    score=score,
                    formula=formula,
                )
            )
        return Ranking(formula, tuple(rows), include_closed)
