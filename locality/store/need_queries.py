"""Queries behind the needs service: filtered need rows, their organisation links and the actions addressing
them. Each is one statement however many needs it covers, so listing 5,000 needs costs a handful of queries."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, func, or_, select, type_coerce

from locality.store.live_queries import like_pattern, linked_need_ids, live_action_links, need_not_addressed
from locality.store.models import (
    ActionNeedRecord,
    ActionRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class NeedFilter:
    """Which live needs a list shows; every condition given must hold."""

    theme_ids: frozenset[uuid.UUID] | None = None
    statuses: frozenset[str] | None = None
    organisation_id: uuid.UUID | None = None
    shared_only: bool = False
    unaddressed_only: bool = False
    search: str = ""
    ids: frozenset[uuid.UUID] | None = None  # only these needs (those a list reads again after editing them)


@dataclass(frozen=True, slots=True)
class NeedListRow:
    """A row of the needs list: the need's own columns and what it is linked to."""

    id: uuid.UUID
    version: int
    title: str
    theme_id: uuid.UUID | None
    priority: str | None
    score: int | None
    status: str
    identified_on: date | None
    organisation_names: tuple[str, ...]
    action_count: int


@dataclass(frozen=True)
class LinkRow:
    """A live link from a need to a live organisation."""

    need_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    role: str
    severity: str | None


# How many listed needs have their links and action counts looked up by id rather than all read.
_LOOKUP_BY_ID_LIMIT = 500


def _conditions(need_filter: NeedFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [NeedRecord.deleted_at.is_(None)]
    if need_filter.ids is not None:
        conditions.append(NeedRecord.id.in_(list(need_filter.ids)))
    if need_filter.theme_ids is not None:
        conditions.append(NeedRecord.theme_id.in_(list(need_filter.theme_ids)))
    if need_filter.statuses is not None:
        conditions.append(NeedRecord.status.in_(list(need_filter.statuses)))
    if need_filter.organisation_id is not None:
        linked = linked_need_ids().where(NeedOrganisationRecord.organisation_id == need_filter.organisation_id)
        conditions.append(NeedRecord.id.in_(linked))
    if need_filter.shared_only:
        shared = linked_need_ids().group_by(NeedOrganisationRecord.need_id).having(func.count() >= 2)
        conditions.append(NeedRecord.id.in_(shared))
    if need_filter.unaddressed_only:
        conditions.append(need_not_addressed())
    search = " ".join(need_filter.search.split())
    if search:
        pattern = like_pattern(search)
        by_organisation = linked_need_ids().where(
            or_(
                OrganisationRecord.name.ilike(pattern, escape="\\"),
                OrganisationRecord.short_name.ilike(pattern, escape="\\"),
            )
        )
        conditions.append(
            or_(
                NeedRecord.title.ilike(pattern, escape="\\"),
                NeedRecord.description.ilike(pattern, escape="\\"),
                NeedRecord.area.ilike(pattern, escape="\\"),
                NeedRecord.id.in_(by_organisation),
            )
        )
    return conditions


def need_list(unit: UnitOfWork, need_filter: NeedFilter) -> list[NeedListRow]:
    """The live needs the filter selects, in title order, with their organisations' names and action counts.

    Three statements whatever the number of needs. Rows are matched on the stored form of the need id, which
    saves turning some 30,000 link and count keys into UUIDs for a large workspace.
    """
    key = type_coerce(NeedRecord.id, String).label("need_key")
    statement = (
        select(
            key,
            NeedRecord.id,
            NeedRecord.version,
            NeedRecord.title,
            NeedRecord.theme_id,
            NeedRecord.priority,
            NeedRecord.score,
            NeedRecord.status,
            NeedRecord.identified_on,
        )
        .where(*_conditions(need_filter))
        .order_by(func.lower(NeedRecord.title), NeedRecord.created_at, NeedRecord.id)
    )
    needs = unit.session.execute(statement).all()
    if not needs:
        return []
    # A few needs: their links and counts are looked up by id. Many: reading every link and count costs less
    # than working out the filter again, and those of needs not listed are simply not used.
    narrowed = [row[1] for row in needs] if len(needs) <= _LOOKUP_BY_ID_LIMIT else None

    link_key = type_coerce(NeedOrganisationRecord.need_id, String)
    links = (
        select(link_key, OrganisationRecord.name)
        .join(OrganisationRecord, OrganisationRecord.id == NeedOrganisationRecord.organisation_id)
        .where(NeedOrganisationRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    if narrowed is not None:
        links = links.where(NeedOrganisationRecord.need_id.in_(narrowed))
    names: dict[Any, list[str]] = {}
    for need_key, name in unit.session.execute(links):
        names.setdefault(need_key, []).append(name)

    count_key = type_coerce(ActionNeedRecord.need_id, String)
    counts = select(count_key, func.count()).where(live_action_links()).group_by(ActionNeedRecord.need_id)
    if narrowed is not None:
        counts = counts.where(ActionNeedRecord.need_id.in_(narrowed))
    actions = {need_key: count for need_key, count in unit.session.execute(counts)}

    return [
        NeedListRow(
            id=need_id,
            version=version,
            title=title,
            theme_id=theme_id,
            priority=priority,
            score=score,
            status=status,
            identified_on=identified_on,
            organisation_names=tuple(names.get(need_key, ())),
            action_count=int(actions.get(need_key, 0)),
        )
        for need_key, need_id, version, title, theme_id, priority, score, status, identified_on in needs
    ]


def need_count(unit: UnitOfWork, need_filter: NeedFilter) -> int:
    """How many live needs the filter selects (what ``need_list`` would list), counted by the database."""
    statement = select(func.count()).select_from(NeedRecord).where(*_conditions(need_filter))
    return int(unit.session.scalar(statement) or 0)


def link_rows(unit: UnitOfWork, need_ids: Collection[uuid.UUID]) -> list[LinkRow]:
    """The live organisation links of these needs, in organisation-name order."""
    statement = (
        select(
            NeedOrganisationRecord.need_id,
            NeedOrganisationRecord.organisation_id,
            OrganisationRecord.name,
            NeedOrganisationRecord.role,
            NeedOrganisationRecord.severity,
        )
        .join(OrganisationRecord, OrganisationRecord.id == NeedOrganisationRecord.organisation_id)
        .where(
            NeedOrganisationRecord.deleted_at.is_(None),
            OrganisationRecord.deleted_at.is_(None),
            NeedOrganisationRecord.need_id.in_(list(need_ids)),
        )
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    return [LinkRow(*row) for row in unit.session.execute(statement)]


def action_ids(unit: UnitOfWork, need_id: uuid.UUID) -> list[uuid.UUID]:
    """The live actions addressing one need, in title order."""
    statement = (
        select(ActionRecord.id)
        .join(ActionNeedRecord, ActionNeedRecord.action_id == ActionRecord.id)
        .where(
            ActionNeedRecord.need_id == need_id,
            ActionNeedRecord.deleted_at.is_(None),
            ActionRecord.deleted_at.is_(None),
        )
        .order_by(func.lower(ActionRecord.title), ActionRecord.id)
    )
    return list(unit.session.scalars(statement))


def need_titles(unit: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """Every live need's id and title, oldest first; plain tuples, so cheap even for thousands of needs."""
    statement = (
        select(NeedRecord.id, NeedRecord.title)
        .where(NeedRecord.deleted_at.is_(None))
        .order_by(NeedRecord.created_at, NeedRecord.id)
    )
    return [(need_id, title) for need_id, title in unit.session.execute(statement)]
