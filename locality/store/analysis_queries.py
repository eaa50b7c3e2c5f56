"""Queries behind the needs analysis: gaps, the theme × organisation heat map and the needs ranking.

Each is a handful of statements with joins and GROUP BY however large the workspace, so the 5,000 needs and
20,000 actions of the large demo cost no more queries than the 40 needs of the small one. Deleted records
(tombstones) are left out everywhere: a link counts only when it, and what it joins, are live.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from locality.domain.vocabulary import OPEN_NEED_STATUSES
from locality.store import workshop_queries
from locality.store.live_queries import (
    action_without_live_need,
    live_lead,
    live_need_organisation_links,
    need_not_addressed,
)
from locality.store.models import (
    ActionRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
)
from locality.store.unit_of_work import UnitOfWork

# Above this many needs, their links are read for every need rather than named by id in the statement.
_NAMED_IDS_LIMIT = 500


@dataclass(frozen=True, slots=True)
class NeedRow:
    """A live need's own columns, as the analysis lists show them."""

    id: uuid.UUID
    title: str
    theme_id: uuid.UUID | None
    priority: str | None
    status: str


@dataclass(frozen=True, slots=True)
class OrganisationLink:
    """A live link from a live need to a live organisation."""

    need_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str


@dataclass(frozen=True, slots=True)
class NeedlessActionRow:
    """A live action with no live link to a live need."""

    id: uuid.UUID
    title: str
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str | None
    status: str
    due_on: date | None


# --------------------------------------------------------------------------- building blocks


def _live_links() -> Select[uuid.UUID, uuid.UUID]:
    """need_id and organisation_id of every live link to a live organisation from a live need."""
    return live_need_organisation_links(select(NeedOrganisationRecord.need_id, NeedOrganisationRecord.organisation_id))


def _shared_need_ids() -> Select[Any]:
    """Live needs linked to two or more live organisations."""
    links = _live_links().subquery()
    return select(links.c.need_id).group_by(links.c.need_id).having(func.count() >= 2)


def _need_columns() -> Select[uuid.UUID, str, uuid.UUID | None, str | None, str]:
    return select(NeedRecord.id, NeedRecord.title, NeedRecord.theme_id, NeedRecord.priority, NeedRecord.status)


def _need_rows(unit: UnitOfWork, *conditions: ColumnElement[bool]) -> list[NeedRow]:
    statement = (
        _need_columns()
        .where(NeedRecord.deleted_at.is_(None), *conditions)
        .order_by(func.lower(NeedRecord.title), NeedRecord.created_at, NeedRecord.id)
    )
    return [NeedRow(*row) for row in unit.session.execute(statement)]


# --------------------------------------------------------------------------- gaps


def shared_unaddressed_needs(unit: UnitOfWork) -> list[NeedRow]:
    """Open shared needs that no live action addresses, in title order."""
    return _need_rows(
        unit,
        NeedRecord.status.in_([status.value for status in OPEN_NEED_STATUSES]),
        NeedRecord.id.in_(_shared_need_ids()),
        need_not_addressed(),
    )


def needless_actions(unit: UnitOfWork) -> list[NeedlessActionRow]:
    """Live actions with no live link to a live need, in title order, with their lead's name."""
    statement = (
        select(
            ActionRecord.id,
            ActionRecord.title,
            ActionRecord.lead_organisation_id,
            OrganisationRecord.name,
            ActionRecord.status,
            ActionRecord.due_on,
        )
        .outerjoin(OrganisationRecord, live_lead())
        .where(ActionRecord.deleted_at.is_(None), action_without_live_need())
        .order_by(func.lower(ActionRecord.title), ActionRecord.created_at, ActionRecord.id)
    )
    return [NeedlessActionRow(*row) for row in unit.session.execute(statement)]


def organisation_links(unit: UnitOfWork, need_ids: Collection[uuid.UUID] | None = None) -> list[OrganisationLink]:
    """Live organisation links of live needs (of ``need_ids`` only, when given), in organisation-name order."""
    statement = live_need_organisation_links(
        select(NeedOrganisationRecord.need_id, NeedOrganisationRecord.organisation_id, OrganisationRecord.name)
    ).order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    if need_ids is not None:
        if not need_ids:
            return []
        if len(need_ids) <= _NAMED_IDS_LIMIT:
            statement = statement.where(NeedOrganisationRecord.need_id.in_(list(need_ids)))
        else:
            wanted = set(need_ids)
            return [OrganisationLink(*row) for row in unit.session.execute(statement) if row[0] in wanted]
    return [OrganisationLink(*row) for row in unit.session.execute(statement)]


# --------------------------------------------------------------------------- heat map


def theme_organisation_counts(unit: UnitOfWork) -> list[tuple[uuid.UUID | None, uuid.UUID, int]]:
    """(theme id or None, organisation id, live needs of that theme linked to that organisation)."""
    links = _live_links().add_columns(NeedRecord.theme_id).subquery()
    statement = select(links.c.theme_id, links.c.organisation_id, func.count()).group_by(
        links.c.theme_id, links.c.organisation_id
    )
    return [
        (theme_id, organisation_id, int(count)) for theme_id, organisation_id, count in unit.session.execute(statement)
    ]


def theme_linked_need_counts(unit: UnitOfWork) -> list[tuple[uuid.UUID | None, int]]:
    """(theme id or None, live needs of that theme linked to at least one live organisation)."""
    linked = _live_links().with_only_columns(NeedOrganisationRecord.need_id)
    statement = (
        select(NeedRecord.theme_id, func.count())
        .where(NeedRecord.deleted_at.is_(None), NeedRecord.id.in_(linked))
        .group_by(NeedRecord.theme_id)
    )
    return [(theme_id, int(count)) for theme_id, count in unit.session.execute(statement)]


def unlinked_need_count(unit: UnitOfWork) -> int:
    """Live needs linked to no live organisation (the heat map cannot place them)."""
    linked = _live_links().with_only_columns(NeedOrganisationRecord.need_id)
    statement = (
        select(func.count())
        .select_from(NeedRecord)
        .where(NeedRecord.deleted_at.is_(None), NeedRecord.id.not_in(linked))
    )
    return int(unit.session.scalar(statement) or 0)


def organisation_names(unit: UnitOfWork) -> list[tuple[uuid.UUID, str, str]]:
    """(id, name, short name) of every live organisation, A to Z."""
    statement = (
        select(OrganisationRecord.id, OrganisationRecord.name, OrganisationRecord.short_name)
        .where(OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    return [(row_id, name, short_name) for row_id, name, short_name in unit.session.execute(statement)]


def cell_needs(
    unit: UnitOfWork, theme_ids: Collection[uuid.UUID | None] | None, organisation_id: uuid.UUID | None
) -> list[NeedRow]:
    """Live needs with one of ``theme_ids`` (None in it: needs with no theme; ``theme_ids`` None: any theme)
    linked to ``organisation_id`` (None: to any live organisation), in title order."""
    links = _live_links().with_only_columns(NeedOrganisationRecord.need_id)
    if organisation_id is not None:
        links = links.where(NeedOrganisationRecord.organisation_id == organisation_id)
    conditions: list[ColumnElement[bool]] = [NeedRecord.id.in_(links)]
    if theme_ids is not None:
        named = [theme_id for theme_id in theme_ids if theme_id is not None]
        theme_condition: ColumnElement[bool] = NeedRecord.theme_id.in_(named)
        if None in theme_ids:
            theme_condition = theme_condition | NeedRecord.theme_id.is_(None)
        conditions.append(theme_condition)
    return _need_rows(unit, *conditions)


# --------------------------------------------------------------------------- ranking


def live_needs(unit: UnitOfWork, statuses: Collection[str] | None = None) -> list[NeedRow]:
    """Every live need (with one of ``statuses``, when given), in title order."""
    conditions = [] if statuses is None else [NeedRecord.status.in_(list(statuses))]
    return _need_rows(unit, *conditions)


def organisation_counts(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    """Live organisations linked to each live need that has any."""
    links = _live_links().subquery()
    statement = select(links.c.need_id, func.count()).group_by(links.c.need_id)
    return {need_id: int(count) for need_id, count in unit.session.execute(statement)}


def dots_by_need(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    """Total dots on each live need in all live workshops: clicked and typed dots, each counted once."""
    return workshop_queries.dots_by_need(unit)
