"""Queries behind the needs map's matrix: the filtered needs with their action counts, every live organisation,
and every live need–organisation link. A handful of statements however large the workspace: 5,000 needs, 200
organisations and some 10,000 links are read in well under a second."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, distinct, func, select, type_coerce

from locality.store.live_queries import linked_need_ids, live_action_links, need_not_addressed
from locality.store.models import (
    ActionNeedRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class MapFilter:
    """Which live needs the matrix shows; every condition given must hold."""

    theme_ids: frozenset[uuid.UUID] | None = None
    status: str | None = None
    area: str | None = None
    organisation_id: uuid.UUID | None = None
    shared_only: bool = False
    no_action_only: bool = False


@dataclass(frozen=True, slots=True)
class MapNeedRow:
    id: uuid.UUID
    title: str
    theme_id: uuid.UUID | None
    status: str
    priority: str | None
    area: str
    action_count: int


@dataclass(frozen=True, slots=True)
class MapOrganisationRow:
    id: uuid.UUID
    name: str
    short_name: str
    active: bool


@dataclass(frozen=True, slots=True)
class MapLinkRow:
    need_id: uuid.UUID
    organisation_id: uuid.UUID
    role: str
    severity: str | None


# Up to this many needs have their links looked up by id; more, and every link is read.
_LOOKUP_BY_ID_LIMIT = 500


def _conditions(map_filter: MapFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [NeedRecord.deleted_at.is_(None)]
    if map_filter.theme_ids is not None:
        conditions.append(NeedRecord.theme_id.in_(list(map_filter.theme_ids)))
    if map_filter.status is not None:
        conditions.append(NeedRecord.status == map_filter.status)
    if map_filter.area is not None:
        conditions.append(NeedRecord.area == map_filter.area)
    if map_filter.organisation_id is not None:
        linked = linked_need_ids().where(NeedOrganisationRecord.organisation_id == map_filter.organisation_id)
        conditions.append(NeedRecord.id.in_(linked))
    if map_filter.shared_only:
        shared = linked_need_ids().group_by(NeedOrganisationRecord.need_id).having(func.count() >= 2)
        conditions.append(NeedRecord.id.in_(shared))
    if map_filter.no_action_only:
        conditions.append(need_not_addressed())
    return conditions


@dataclass(frozen=True)
class MapRows:
    """Everything the matrix shows, as read: needs in title order, organisations A to Z, and the links of those
    needs to those organisations."""

    needs: list[MapNeedRow]
    organisations: list[MapOrganisationRow]
    links: list[MapLinkRow]


def map_rows(unit: UnitOfWork, map_filter: MapFilter) -> MapRows:
    """The live needs the filter selects (with their live action counts), every live organisation and the live
    links between them: four statements however large the workspace.

    Links and counts are matched on the stored form of the ids, so that only the needs and organisations have
    their ids turned into UUIDs (some 5,000 rather than 35,000 on a large workspace).
    """
    need_key = type_coerce(NeedRecord.id, String)
    statement = (
        select(
            need_key,
            NeedRecord.id,
            NeedRecord.title,
            NeedRecord.theme_id,
            NeedRecord.status,
            NeedRecord.priority,
            NeedRecord.area,
        )
        .where(*_conditions(map_filter))
        .order_by(func.lower(NeedRecord.title), NeedRecord.created_at, NeedRecord.id)
    )
    need_rows = unit.session.execute(statement).all()

    organisation_key = type_coerce(OrganisationRecord.id, String)
    organisation_rows = unit.session.execute(
        select(
            organisation_key,
            OrganisationRecord.id,
            OrganisationRecord.name,
            OrganisationRecord.short_name,
            OrganisationRecord.active,
        )
        .where(OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    ).all()
    organisations = [
        MapOrganisationRow(organisation_id, name, short_name or "", bool(active))
        for _key, organisation_id, name, short_name, active in organisation_rows
    ]
    if not need_rows:
        return MapRows([], organisations, [])

    count_key = type_coerce(ActionNeedRecord.need_id, String)
    counts_statement = (
        select(count_key, func.count(distinct(ActionNeedRecord.action_id)))
        .where(live_action_links())
        .group_by(ActionNeedRecord.need_id)
    )
    counts = {key: int(count) for key, count in unit.session.execute(counts_statement)}
    needs = [
        MapNeedRow(need_id, title, theme_id, status, priority, area or "", counts.get(key, 0))
        for key, need_id, title, theme_id, status, priority, area in need_rows
    ]

    need_ids = {row[0]: row[1] for row in need_rows}
    organisation_ids = {row[0]: row[1] for row in organisation_rows}
    link_statement = select(
        type_coerce(NeedOrganisationRecord.need_id, String),
        type_coerce(NeedOrganisationRecord.organisation_id, String),
        NeedOrganisationRecord.role,
        NeedOrganisationRecord.severity,
    ).where(NeedOrganisationRecord.deleted_at.is_(None))
    if len(need_rows) <= _LOOKUP_BY_ID_LIMIT:
        link_statement = link_statement.where(NeedOrganisationRecord.need_id.in_([row[1] for row in need_rows]))
    links = []
    for need, organisation, role, severity in unit.session.execute(link_statement):
        need_id = need_ids.get(need)
        organisation_id = organisation_ids.get(organisation)
        # A link of a need the filter left out, or to a deleted organisation, is not shown.
        if need_id is not None and organisation_id is not None:
            links.append(MapLinkRow(need_id, organisation_id, role, severity))
    return MapRows(needs, organisations, links)


def need_areas(unit: UnitOfWork) -> list[str]:
    """The distinct areas live needs are recorded against, A to Z (blank areas left out)."""
    statement = (
        select(NeedRecord.area)
        .where(NeedRecord.deleted_at.is_(None), NeedRecord.area != "")
        .group_by(NeedRecord.area)
        .order_by(func.lower(NeedRecord.area))
    )
    return [area for (area,) in unit.session.execute(statement) if area and area.strip()]


def live_need_count(unit: UnitOfWork) -> int:
    return int(
        unit.session.scalar(select(func.count()).select_from(NeedRecord).where(NeedRecord.deleted_at.is_(None))) or 0
    )
