"""Queries behind "Find support" (the offers themselves come from the support service): the themes, the open needs
with their organisations, how many completed actions each offer was used by, and which needs the actions
commissioned from an offer address.

A handful of statements whatever the size of the workspace; tombstones are left out everywhere (a link counts
only when it and what it joins are live).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select

from locality.domain.vocabulary import OPEN_NEED_STATUSES, ActionStatus
from locality.store.live_queries import live_need_organisation_links
from locality.store.models import (
    ActionNeedRecord,
    ActionRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
    ThemeRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class NeedRow:
    """A live need's columns the matching reads."""

    id: uuid.UUID
    title: str
    description: str
    theme_id: uuid.UUID | None
    status: str


@dataclass(frozen=True, slots=True)
class NeedOrganisationRow:
    need_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    role: str


def theme_tree(unit: UnitOfWork) -> list[tuple[uuid.UUID, str, uuid.UUID | None]]:
    """(id, name, parent id) of every theme, retired ones included so that old records still name theirs."""
    statement = select(ThemeRecord.id, ThemeRecord.name, ThemeRecord.parent_id)
    return [(row[0], row[1], row[2]) for row in unit.session.execute(statement)]


def completed_uses(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    """How many live completed actions were commissioned from each offer."""
    statement = (
        select(ActionRecord.offer_id, func.count())
        .where(
            ActionRecord.deleted_at.is_(None),
            ActionRecord.offer_id.is_not(None),
            ActionRecord.status == ActionStatus.COMPLETED.value,
        )
        .group_by(ActionRecord.offer_id)
    )
    return {offer_id: count for offer_id, count in unit.session.execute(statement) if offer_id is not None}


def needs(unit: UnitOfWork, need_id: uuid.UUID | None = None) -> list[NeedRow]:
    """The live open needs (and the need ``need_id`` whatever its status), in title order."""
    open_statuses = [status.value for status in OPEN_NEED_STATUSES]
    wanted: ColumnElement[bool] = NeedRecord.status.in_(open_statuses)
    if need_id is not None:
        wanted = or_(wanted, NeedRecord.id == need_id)
    statement = (
        select(NeedRecord.id, NeedRecord.title, NeedRecord.description, NeedRecord.theme_id, NeedRecord.status)
        .where(NeedRecord.deleted_at.is_(None), wanted)
        .order_by(func.lower(NeedRecord.title), NeedRecord.created_at, NeedRecord.id)
    )
    return [NeedRow(*row) for row in unit.session.execute(statement)]


def need_organisations(unit: UnitOfWork) -> list[NeedOrganisationRow]:
    """Every live link between a live need and a live organisation, in organisation-name order."""
    statement = live_need_organisation_links(
        select(
            NeedOrganisationRecord.need_id,
            NeedOrganisationRecord.organisation_id,
            OrganisationRecord.name,
            NeedOrganisationRecord.role,
        )
    ).order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    return [NeedOrganisationRow(*row) for row in unit.session.execute(statement)]


def offer_needs(unit: UnitOfWork) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(offer id, need id) for each live, not cancelled action commissioned from an offer and addressing a live
    need: the needs that already call on an offer."""
    statement = (
        select(ActionRecord.offer_id, ActionNeedRecord.need_id)
        .join(ActionNeedRecord, ActionNeedRecord.action_id == ActionRecord.id)
        .join(NeedRecord, NeedRecord.id == ActionNeedRecord.need_id)
        .where(
            ActionRecord.deleted_at.is_(None),
            ActionRecord.offer_id.is_not(None),
            ActionRecord.status != ActionStatus.CANCELLED.value,
            ActionNeedRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
        )
        .distinct()
    )
    return [(offer_id, need_id) for offer_id, need_id in unit.session.execute(statement) if offer_id is not None]
