"""The needs map's matrix: needs as rows, organisations as columns, and each organisation's link to each need.

One call reads everything the matrix shows in a few bulk queries: the filtered needs (with theme, status,
priority, area, how many live actions address each and how many organisations share it), every live
organisation, and every live link as ``{(need_id, organisation_id): CellLink(role, severity)}``. Linking and
unlinking a cell goes through ``NeedService`` so that the change log and versions stay right.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from locality.domain.vocabulary import NeedRole, NeedStatus, Priority
from locality.services.context import ServiceContext
from locality.services.needs import NeedLink, NeedService
from locality.services.vocabulary import theme_and_service_areas
from locality.store import map_queries
from locality.store.models import ThemeRecord
from locality.store.unit_of_work import UnitOfWork


class MatrixSort(StrEnum):
    """How the matrix orders its needs (title breaks every tie)."""

    ORGANISATIONS = "organisations"  # most organisations sharing first
    THEME = "theme"  # theme order, service areas beneath their theme
    PRIORITY = "priority"  # high, medium, low, then needs with no priority

    @property
    def label(self) -> str:
        return _SORT_LABELS[self]


_SORT_LABELS = {
    MatrixSort.ORGANISATIONS: "Organisations sharing (most first)",
    MatrixSort.THEME: "Theme",
    MatrixSort.PRIORITY: "Priority (high first)",
}

#: Severity as a figure, for the matrix's compact cells ("Lead 3"): 3 is high.
SEVERITY_FIGURE = {Priority.HIGH: 3, Priority.MEDIUM: 2, Priority.LOW: 1}


@dataclass(frozen=True)
class MatrixFilter:
    """Which needs the matrix shows and in what order; every condition given must hold.

    ``theme_id`` includes the service areas beneath that theme; ``organisation_id`` keeps the needs linked to that
    organisation; ``shared_only`` keeps needs linked to two or more; ``no_action_only`` keeps needs no live
    action addresses.
    """

    theme_id: uuid.UUID | None = None
    status: NeedStatus | None = None
    area: str | None = None
    organisation_id: uuid.UUID | None = None
    shared_only: bool = False
    no_action_only: bool = False
    sort: MatrixSort = MatrixSort.ORGANISATIONS


class CellLink(NamedTuple):
    """One organisation's link to one need: ``(role, severity)``."""

    role: NeedRole
    severity: Priority | None

    @property
    def severity_figure(self) -> int | None:
        return SEVERITY_FIGURE.get(self.severity) if self.severity is not None else None

    @property
    def short_text(self) -> str:
        """The cell's text: "Lead 3", "Raised 2", "Shares"."""
        role = "Raised" if self.role == NeedRole.RAISED_BY else self.role.value
        figure = self.severity_figure
        return f"{role} {figure}" if figure is not None else role

    @property
    def long_text(self) -> str:
        """The export's text: "Lead (severity 3)", "Shares"."""
        figure = self.severity_figure
        return f"{self.role.value} (severity {figure})" if figure is not None else self.role.value


@dataclass(frozen=True, slots=True)
class MatrixNeed:
    id: uuid.UUID
    title: str
    theme_id: uuid.UUID | None
    theme_name: str
    theme_full_name: str
    status: NeedStatus
    priority: Priority | None
    area: str
    action_count: int
    organisation_count: int

    @property
    def is_shared(self) -> bool:
        return self.organisation_count >= 2

    @property
    def has_action(self) -> bool:
        return self.action_count > 0


@dataclass(frozen=True, slots=True)
class MatrixOrganisation:
    id: uuid.UUID
    name: str
    short_name: str
    active: bool

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class NeedsMatrix:
    """What the matrix shows: ``needs`` (filtered and sorted) by ``organisations``, and the ``links`` between
    them (links of needs the filter left out are not included)."""

    needs: tuple[MatrixNeed, ...]
    organisations: tuple[MatrixOrganisation, ...]
    links: Mapping[tuple[uuid.UUID, uuid.UUID], CellLink]
    total_needs: int
    filters: MatrixFilter = field(default_factory=MatrixFilter)

    def link(self, need_id: uuid.UUID, organisation_id: uuid.UUID) -> CellLink | None:
        return self.links.get((need_id, organisation_id))

    @property
    def shared_count(self) -> int:
        return sum(1 for need in self.needs if need.is_shared)

    @property
    def no_action_count(self) -> int:
        return sum(1 for need in self.needs if not need.has_action)


_PRIORITY_RANK = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
_ROLES = {role.value: role for role in NeedRole}
_SEVERITIES: dict[str | None, Priority | None] = {None: None, **{p.value: p for p in Priority}}


@dataclass(frozen=True)
class _ThemeInfo:
    name: str
    full_name: str
    order: tuple[int, str, int, str]


def _themes(unit: UnitOfWork) -> dict[uuid.UUID, _ThemeInfo]:
    """Every theme (retired ones too, so that old needs still show theirs) with its label and tree order."""
    rows = unit.list(ThemeRecord, include_deleted=True)
    by_id = {row.id: row for row in rows}
    themes: dict[uuid.UUID, _ThemeInfo] = {}
    for row in rows:
        parent = by_id.get(row.parent_id) if row.parent_id else None
        if parent is not None:
            order = (parent.sort_order, parent.name.casefold(), row.sort_order, row.name.casefold())
            themes[row.id] = _ThemeInfo(row.name, f"{parent.name}: {row.name}", order)
        else:
            themes[row.id] = _ThemeInfo(row.name, row.name, (row.sort_order, row.name.casefold(), -1, ""))
    return themes


_NO_THEME_ORDER = (1_000_000, "", 0, "")


def _sorted(needs: builtins.list[MatrixNeed], sort: MatrixSort, themes: dict[uuid.UUID, _ThemeInfo]) -> None:
    """Sorts in place; the list arrives in title order, and Python's sort is stable, so title breaks ties."""
    if sort == MatrixSort.ORGANISATIONS:
        needs.sort(key=lambda need: -need.organisation_count)
    elif sort == MatrixSort.THEME:
        needs.sort(
            key=lambda need: (
                themes[need.theme_id].order
                if need.theme_id is not None and need.theme_id in themes
                else _NO_THEME_ORDER
            )
        )
    else:
        needs.sort(key=lambda need: _PRIORITY_RANK.get(need.priority, 3) if need.priority is not None else 3)


class NeedsMapService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._needs = NeedService(context)

    def matrix(self, filters: MatrixFilter | None = None) -> NeedsMatrix:
        """The needs the filters select (sorted as asked), every live organisation, and their links."""
        filters = filters or MatrixFilter()
        with self._context.read() as unit:
            themes = _themes(unit)
            map_filter = map_queries.MapFilter(
                theme_ids=theme_and_service_areas(unit, filters.theme_id),
                status=NeedStatus(filters.status).value if filters.status is not None else None,
                area=filters.area if filters.area else None,
                organisation_id=filters.organisation_id,
                shared_only=filters.shared_only,
                no_action_only=filters.no_action_only,
            )
            rows = map_queries.map_rows(unit, map_filter)
            total = map_queries.live_need_count(unit)

        need_rows, organisation_rows = rows.needs, rows.organisations
        links: dict[tuple[uuid.UUID, uuid.UUID], CellLink] = {}
        counts: dict[uuid.UUID, int] = {}
        for link in rows.links:
            links[(link.need_id, link.organisation_id)] = CellLink(_ROLES[link.role], _SEVERITIES.get(link.severity))
            counts[link.need_id] = counts.get(link.need_id, 0) + 1

        statuses = {status.value: status for status in NeedStatus}
        priorities: dict[str | None, Priority | None] = {None: None, **{p.value: p for p in Priority}}
        needs: builtins.list[MatrixNeed] = []
        for row in need_rows:
            theme = themes.get(row.theme_id) if row.theme_id is not None else None
            needs.append(
                MatrixNeed(
                    id=row.id,
                    title=row.title,
                    theme_id=row.theme_id,
                    theme_name=theme.name if theme else "",
                    theme_full_name=theme.full_name if theme else "",
                    status=statuses[row.status],
                    priority=priorities.get(row.priority),
                    area=row.area,
                    action_count=row.action_count,
                    organisation_count=counts.get(row.id, 0),
                )
            )
        _sorted(needs, filters.sort, themes)
        organisations = tuple(
            MatrixOrganisation(row.id, row.name, row.short_name, row.active) for row in organisation_rows
        )
        return NeedsMatrix(tuple(needs), organisations, links, total, filters)

    def areas(self) -> builtins.list[str]:
        """The areas needs are recorded against, A to Z: the choices of the area filter."""
        with self._context.read() as unit:
            return map_queries.need_areas(unit)

    def link(
        self,
        need_id: uuid.UUID,
        organisation_id: uuid.UUID,
        role: NeedRole = NeedRole.SHARES,
        severity: Priority | None = None,
    ) -> CellLink:
        """Links the organisation to the need (or changes its role and severity); returns the cell's link."""
        made = self._needs.link(need_id, organisation_id, role, severity)
        return CellLink(made.role, made.severity)

    def unlink(self, need_id: uuid.UUID, organisation_id: uuid.UUID) -> CellLink | None:
        """Removes the link; returns what it was (None if there was none), which ``link`` takes to undo this."""
        removed: NeedLink | None = self._needs.unlink(need_id, organisation_id)
        return CellLink(removed.role, removed.severity) if removed is not None else None
