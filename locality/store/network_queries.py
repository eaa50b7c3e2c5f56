"""Queries behind the partnership network: which live organisations share live needs and live actions.

Each is one statement however many organisations, needs or actions there are: the service counts the pairs of
organisations in Python from one list of (organisation, need) rows and one of (organisation, action) rows, so the
large demo (200 organisations, 5,000 needs, 20,000 actions) costs four queries rather than one per organisation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, String, literal, select, type_coerce

from locality.store.live_queries import live_need_organisation_links, live_partner_links
from locality.store.models import (
    ActionPartnerRecord,
    ActionRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: uuid.UUID
    name: str
    short_name: str
    type_id: uuid.UUID | None
    sector_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class InvolvementRow:
    """A live need or action that an organisation is linked to; ``role`` is the need link's role, or "Lead" or
    "Partner" for an action."""

    id: uuid.UUID
    title: str
    status: str
    role: str


def organisations(unit: UnitOfWork) -> list[OrganisationRow]:
    """Every live organisation, A to Z."""
    statement = (
        select(
            OrganisationRecord.id,
            OrganisationRecord.name,
            OrganisationRecord.short_name,
            OrganisationRecord.type_id,
            OrganisationRecord.sector_id,
        )
        .where(OrganisationRecord.deleted_at.is_(None))
        .order_by(OrganisationRecord.name)
    )
    return [OrganisationRow(*row) for row in unit.session.execute(statement)]


def _memberships(unit: UnitOfWork, statement: Select[str, str]) -> list[tuple[str, str]]:
    """(organisation key, item key) rows, both ids read as plain text: grouping by them needs nothing more, and
    it saves turning tens of thousands of ids into UUID objects (``uuid.UUID(key)`` gives the id back)."""
    return [(str(organisation_key), str(item_key)) for organisation_key, item_key in unit.session.execute(statement)]


def need_memberships(unit: UnitOfWork) -> list[tuple[str, str]]:
    """(organisation key, need key) for every live link between a live organisation and a live need."""
    statement = live_need_organisation_links(
        select(
            type_coerce(NeedOrganisationRecord.organisation_id, String),
            type_coerce(NeedOrganisationRecord.need_id, String),
        )
    )
    return _memberships(unit, statement)


def action_memberships(unit: UnitOfWork) -> list[tuple[str, str]]:
    """(organisation key, action key) for every live action and each live organisation leading it or partnering
    in it; an organisation that both leads and partners in one action appears twice (callers count it once)."""
    leads = (
        select(
            type_coerce(ActionRecord.lead_organisation_id, String),
            type_coerce(ActionRecord.id, String),
        )
        .join(OrganisationRecord, OrganisationRecord.id == ActionRecord.lead_organisation_id)
        .where(ActionRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
    )
    partners = live_partner_links(
        select(
            type_coerce(ActionPartnerRecord.organisation_id, String),
            type_coerce(ActionPartnerRecord.action_id, String),
        )
    )
    return _memberships(unit, leads) + _memberships(unit, partners)


def organisation_needs(unit: UnitOfWork, organisation_id: uuid.UUID) -> list[InvolvementRow]:
    """The live needs a live organisation is linked to, by title."""
    statement = (
        select(NeedRecord.id, NeedRecord.title, NeedRecord.status, NeedOrganisationRecord.role)
        .join(NeedOrganisationRecord, NeedOrganisationRecord.need_id == NeedRecord.id)
        .where(
            NeedOrganisationRecord.organisation_id == organisation_id,
            NeedOrganisationRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
        )
        .order_by(NeedRecord.title, NeedRecord.id)
    )
    return [InvolvementRow(*row) for row in unit.session.execute(statement)]


def organisation_actions(unit: UnitOfWork, organisation_id: uuid.UUID) -> list[InvolvementRow]:
    """The live actions a live organisation leads or partners in, by title; leading wins over partnering."""
    leads = select(ActionRecord.id, ActionRecord.title, ActionRecord.status, literal("Lead")).where(
        ActionRecord.lead_organisation_id == organisation_id, ActionRecord.deleted_at.is_(None)
    )
    partners = (
        select(ActionRecord.id, ActionRecord.title, ActionRecord.status, literal("Partner"))
        .join(ActionPartnerRecord, ActionPartnerRecord.action_id == ActionRecord.id)
        .where(
            ActionPartnerRecord.organisation_id == organisation_id,
            ActionPartnerRecord.deleted_at.is_(None),
            ActionRecord.deleted_at.is_(None),
        )
    )
    found: dict[uuid.UUID, InvolvementRow] = {}
    for statement in (leads, partners):
        for action_id, title, status, role in unit.session.execute(statement):
            found.setdefault(action_id, InvolvementRow(action_id, title, status, str(role)))
    return sorted(found.values(), key=lambda row: (row.title.casefold(), str(row.id)))
