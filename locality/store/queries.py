"""Queries that services need beyond "rows of a model where columns equal values"."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from locality.store.models import Base, OrganisationRecord
from locality.store.unit_of_work import UnitOfWork


def live_counts(unit: UnitOfWork, models: Iterable[type[Any]]) -> dict[type[Any], int]:
    """Rows per model, leaving out tombstones where the model has them."""
    result: dict[type[Any], int] = {}
    for model in models:
        table = Base.metadata.tables[str(model.__tablename__)]
        statement = select(func.count()).select_from(table)
        if "deleted_at" in table.c:
            statement = statement.where(table.c.deleted_at.is_(None))
        result[model] = int(unit.session.scalar(statement) or 0)
    return result


def organisation_usage(unit: UnitOfWork) -> dict[str, dict[uuid.UUID, int]]:
    """Per organisation: live needs it is linked to, live actions it leads, live actions it partners in.

    Three grouped queries, whatever the number of organisations.
    """
    from locality.store.models import ActionPartnerRecord, ActionRecord, NeedOrganisationRecord, NeedRecord

    def grouped(statement: Any) -> dict[uuid.UUID, int]:
        return {key: int(count) for key, count in unit.session.execute(statement) if key is not None}

    needs = grouped(
        select(NeedOrganisationRecord.organisation_id, func.count())
        .join(NeedRecord, NeedRecord.id == NeedOrganisationRecord.need_id)
        .where(NeedOrganisationRecord.deleted_at.is_(None), NeedRecord.deleted_at.is_(None))
        .group_by(NeedOrganisationRecord.organisation_id)
    )
    leads = grouped(
        select(ActionRecord.lead_organisation_id, func.count())
        .where(ActionRecord.deleted_at.is_(None))
        .group_by(ActionRecord.lead_organisation_id)
    )
    partners = grouped(
        select(ActionPartnerRecord.organisation_id, func.count())
        .join(ActionRecord, ActionRecord.id == ActionPartnerRecord.action_id)
        .where(ActionPartnerRecord.deleted_at.is_(None), ActionRecord.deleted_at.is_(None))
        .group_by(ActionPartnerRecord.organisation_id)
    )
    return {"needs": needs, "leads": leads, "partners": partners}


def organisation_names(unit: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """Every live organisation's id and name, A to Z: two columns, not whole records (every action's dialog
    asks for them)."""
    statement = (
        select(OrganisationRecord.id, OrganisationRecord.name)
        .where(OrganisationRecord.deleted_at.is_(None))
        .order_by(OrganisationRecord.name)
    )
    return [(organisation_id, name) for organisation_id, name in unit.session.execute(statement)]
