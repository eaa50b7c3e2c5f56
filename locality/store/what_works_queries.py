"""Queries behind "what works": the completed actions with what they were (type, provider, theme, the support
offer they were commissioned from), their dates,
budget and spend, and the indicators that evidence them (their own, and those of the needs they address).

A few statements however large the workspace. Tombstoned rows are left out; a vocabulary term or theme that was
retired still names the actions recorded with it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select, union
from sqlalchemy.orm import aliased

from locality.domain.vocabulary import ActionStatus
from locality.store.id_chunks import id_chunks
from locality.store.models import (
    ActionNeedRecord,
    ActionRecord,
    IndicatorRecord,
    NeedRecord,
    SpendRecord,
    SupportOfferRecord,
    SupportProviderRecord,
    ThemeRecord,
    VocabularyTermRecord,
)
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class CompletedActionRow:
    id: uuid.UUID
    title: str
    type_name: str | None
    provider_name: str | None
    theme_name: str | None
    offer_id: uuid.UUID | None
    offer_title: str | None
    offer_provider_name: str | None
    lead_organisation_id: uuid.UUID | None
    due_on: date | None
    completed_on: date | None
    budget_pence: int | None
    spend_pence: int


@dataclass(frozen=True, slots=True)
class LinkedIndicatorRow:
    """A live indicator that evidences a completed action, directly or through a need the action addresses."""

    action_id: uuid.UUID
    indicator_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class IndicatorTermsRow:
    id: uuid.UUID
    name: str
    unit: str
    direction: str
    target_kind: str
    baseline_value: float | None
    target_value: float | None


def _completed() -> ColumnElement[bool]:
    return and_(ActionRecord.deleted_at.is_(None), ActionRecord.status == ActionStatus.COMPLETED.value)


def completed_actions(unit: UnitOfWork) -> list[CompletedActionRow]:
    """Every live completed action, by title, with its live spend summed."""
    action_type = aliased(VocabularyTermRecord)
    provider = aliased(VocabularyTermRecord)
    spend = (
        select(SpendRecord.action_id, func.sum(SpendRecord.amount_pence).label("total"))
        .where(SpendRecord.deleted_at.is_(None))
        .group_by(SpendRecord.action_id)
        .subquery()
    )
    statement = (
        select(
            ActionRecord.id,
            ActionRecord.title,
            action_type.name,
            provider.name,
            ThemeRecord.name,
            ActionRecord.offer_id,
            SupportOfferRecord.title,
            SupportProviderRecord.name,
            ActionRecord.lead_organisation_id,
            ActionRecord.due_on,
            ActionRecord.completed_on,
            ActionRecord.budget_pence,
            spend.c.total,
        )
        .outerjoin(action_type, action_type.id == ActionRecord.type_id)
        .outerjoin(provider, provider.id == ActionRecord.provider_id)
        .outerjoin(ThemeRecord, ThemeRecord.id == ActionRecord.theme_id)
        .outerjoin(SupportOfferRecord, SupportOfferRecord.id == ActionRecord.offer_id)
        .outerjoin(SupportProviderRecord, SupportProviderRecord.id == SupportOfferRecord.provider_id)
        .outerjoin(spend, spend.c.action_id == ActionRecord.id)
        .where(_completed())
        .order_by(ActionRecord.title, ActionRecord.id)
    )
    return [
        CompletedActionRow(
            id=row[0],
            title=row[1],
            type_name=row[2],
            provider_name=row[3],
            theme_name=row[4],
            offer_id=row[5],
            offer_title=row[6],
            offer_provider_name=row[7],
            lead_organisation_id=row[8],
            due_on=row[9],
            completed_on=row[10],
            budget_pence=row[11],
            spend_pence=int(row[12] or 0),
        )
        for row in unit.session.execute(statement)
    ]


def linked_indicators(unit: UnitOfWork) -> list[LinkedIndicatorRow]:
    """(completed action, indicator) for every live indicator linked to a live completed action, or to a live need
    that such an action addresses through a live link; each pair once."""
    live_indicator = IndicatorRecord.deleted_at.is_(None)
    direct = (
        select(IndicatorRecord.action_id.label("action_id"), IndicatorRecord.id.label("indicator_id"))
        .join(ActionRecord, ActionRecord.id == IndicatorRecord.action_id)
        .where(live_indicator, _completed())
    )
    through_needs = (
        select(ActionNeedRecord.action_id.label("action_id"), IndicatorRecord.id.label("indicator_id"))
        .join(ActionRecord, ActionRecord.id == ActionNeedRecord.action_id)
        .join(NeedRecord, and_(NeedRecord.id == ActionNeedRecord.need_id, NeedRecord.deleted_at.is_(None)))
        .join(IndicatorRecord, IndicatorRecord.need_id == NeedRecord.id)
        .where(ActionNeedRecord.deleted_at.is_(None), live_indicator, _completed())
    )
    pairs = union(direct, through_needs).subquery()
    statement = select(pairs.c.action_id, pairs.c.indicator_id).order_by(pairs.c.action_id, pairs.c.indicator_id)
    return [LinkedIndicatorRow(action_id, indicator_id) for action_id, indicator_id in unit.session.execute(statement)]


def indicator_terms(unit: UnitOfWork, indicator_ids: list[uuid.UUID]) -> list[IndicatorTermsRow]:
    """The baseline, target and direction of the live indicators named, by name."""
    rows: list[IndicatorTermsRow] = []
    for chunk in id_chunks(indicator_ids):
        statement = select(
            IndicatorRecord.id,
            IndicatorRecord.name,
            IndicatorRecord.unit,
            IndicatorRecord.direction,
            IndicatorRecord.target_kind,
            IndicatorRecord.baseline_value,
            IndicatorRecord.target_value,
        ).where(IndicatorRecord.deleted_at.is_(None), IndicatorRecord.id.in_(chunk))
        rows += [IndicatorTermsRow(*row) for row in unit.session.execute(statement)]
    return sorted(rows, key=lambda row: (row.name, row.id))
