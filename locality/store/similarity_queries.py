"""Queries behind the similar-needs service: every live need's text and theme, and every live need's
organisations, each in one statement whatever the number of needs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from locality.store.live_queries import live_need_organisation_links
from locality.store.models import NeedOrganisationRecord, NeedRecord, OrganisationRecord, ThemeRecord
from locality.store.unit_of_work import UnitOfWork

# How much of a description is read: only its start takes part in the comparison.
DESCRIPTION_HEAD = 240


@dataclass(frozen=True, slots=True)
class NeedTextRow:
    id: uuid.UUID
    version: int
    title: str
    description_head: str
    theme_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class NeedOrganisationRow:
    need_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str


def need_texts(unit: UnitOfWork) -> list[NeedTextRow]:
    """Every live need's title, the start of its description and its theme, oldest first."""
    statement = (
        select(
            NeedRecord.id,
            NeedRecord.version,
            NeedRecord.title,
            func.substr(NeedRecord.description, 1, DESCRIPTION_HEAD),
            NeedRecord.theme_id,
        )
        .where(NeedRecord.deleted_at.is_(None))
        .order_by(NeedRecord.created_at, NeedRecord.id)
    )
    return [NeedTextRow(*row) for row in unit.session.execute(statement)]


def need_organisations(unit: UnitOfWork) -> list[NeedOrganisationRow]:
    """Every live link from a live need to a live organisation, in organisation-name order."""
    statement = live_need_organisation_links(
        select(NeedOrganisationRecord.need_id, OrganisationRecord.id, OrganisationRecord.name)
    ).order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    return [NeedOrganisationRow(*row) for row in unit.session.execute(statement)]


def theme_labels(unit: UnitOfWork) -> dict[uuid.UUID, str]:
    """Every theme's full name ("Service improvement: Housing"), retired ones included."""
    rows = unit.session.execute(select(ThemeRecord.id, ThemeRecord.name, ThemeRecord.parent_id)).all()
    names = {theme_id: name for theme_id, name, _parent in rows}
    return {theme_id: f"{names[parent]}: {name}" if parent in names else name for theme_id, name, parent in rows}
