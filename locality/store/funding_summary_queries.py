"""Queries for funding totals: allocated and spent per source and per action, and partners' contributions.

They aggregate in SQL so that a page over a large workspace is one statement rather than one per row. Every
function leaves tombstoned rows out, and anything belonging to a deleted action.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select

from locality.store.live_queries import live_partner_links
from locality.store.models import (
    ActionPartnerRecord,
    ActionRecord,
    FundingAllocationRecord,
    OrganisationRecord,
    SpendRecord,
)
from locality.store.unit_of_work import UnitOfWork


def _live_action_join(model: type[FundingAllocationRecord] | type[SpendRecord]) -> ColumnElement[bool]:
    return and_(ActionRecord.id == model.action_id, ActionRecord.deleted_at.is_(None))


def allocation_totals_by_source(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    """Live allocations on live actions, summed per funding source."""
    statement = (
        select(FundingAllocationRecord.funding_source_id, func.sum(FundingAllocationRecord.amount_pence))
        .join(ActionRecord, _live_action_join(FundingAllocationRecord))
        .where(FundingAllocationRecord.deleted_at.is_(None))
        .group_by(FundingAllocationRecord.funding_source_id)
    )
    return {source_id: int(total or 0) for source_id, total in unit.session.execute(statement)}


def spend_totals_by_source(unit: UnitOfWork) -> dict[uuid.UUID | None, int]:
    """Live spend on live actions, summed per funding source (None: spend not charged to a source)."""
    statement = (
        select(SpendRecord.funding_source_id, func.sum(SpendRecord.amount_pence))
        .join(ActionRecord, _live_action_join(SpendRecord))
        .where(SpendRecord.deleted_at.is_(None))
        .group_by(SpendRecord.funding_source_id)
    )
    return {source_id: int(total or 0) for source_id, total in unit.session.execute(statement)}


def spend_totals_by_action(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    """Live spend summed per live action."""
    statement = (
        select(SpendRecord.action_id, func.sum(SpendRecord.amount_pence))
        .join(ActionRecord, _live_action_join(SpendRecord))
        .where(SpendRecord.deleted_at.is_(None))
        .group_by(SpendRecord.action_id)
    )
    return {action_id: int(total or 0) for action_id, total in unit.session.execute(statement)}


@dataclass(frozen=True)
class ContributionRow:
    organisation_id: uuid.UUID
    organisation_name: str
    action_id: uuid.UUID
    action_title: str
    cash_pence: int
    staff_days: float
    in_kind: str


def contribution_rows(unit: UnitOfWork, organisation_id: uuid.UUID | None = None) -> list[ContributionRow]:
    """Live partner contributions to live actions by live organisations, by organisation then action."""
    statement = live_partner_links(
        select(
            OrganisationRecord.id,
            OrganisationRecord.name,
            ActionRecord.id,
            ActionRecord.title,
            ActionPartnerRecord.cash_pence,
            ActionPartnerRecord.staff_days,
            ActionPartnerRecord.in_kind,
        )
    ).order_by(OrganisationRecord.name, OrganisationRecord.id, ActionRecord.title, ActionRecord.id)
    if organisation_id is not None:
        statement = statement.where(ActionPartnerRecord.organisation_id == organisation_id)
    return [
        ContributionRow(org_id, org_name, action_id, title, int(cash or 0), float(days or 0.0), in_kind or "")
        for org_id, org_name, action_id, title, cash, days, in_kind in unit.session.execute(statement)
    ]
