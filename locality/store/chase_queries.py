"""Queries behind "what needs chasing": open actions and their milestones that are overdue or due soon, with
the action's owner and the lead organisation's contact, read in a handful of statements however many actions the
workspace holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, or_, select, type_coerce

from locality.store.action_queries import CLOSED_STATUSES, NAMED_IDS_LIMIT, milestone_dates
from locality.store.live_queries import live_lead, partnered_action_ids, rag_columns
from locality.store.models import ActionPartnerRecord, ActionRecord, MilestoneRecord, OrganisationRecord
from locality.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ChaseActionRow:
    """An open action that is, or has a milestone that is, overdue or due by the horizon."""

    key: str
    id: uuid.UUID
    title: str
    status: str
    percent_complete: int
    start_on: date | None
    due_on: date | None
    completed_on: date | None
    rag_override: str | None
    rag_override_reason: str
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    contact_name: str  # the lead organisation's general contact
    contact_email: str
    owner_name: str  # the action's named owner at its lead organisation ("" for none)
    owner_email: str
    owner_phone: str


@dataclass(frozen=True)
class ChaseMilestoneRow:
    """A milestone not yet done, due by the horizon, on an open action."""

    action_key: str
    id: uuid.UUID
    title: str
    due_on: date


@dataclass(frozen=True)
class ChaseRows:
    actions: list[ChaseActionRow]
    milestones: list[ChaseMilestoneRow]
    # (due, done on) of every live milestone of the actions above, by the action's id as text: the RAG rule's input.
    milestone_dates: dict[str, list[tuple[date | None, date | None]]]


def _milestone_pending(today: date, horizon: date) -> list[ColumnElement[bool]]:
    """A live milestone due by ``horizon`` and not done by ``today``."""
    return [
        MilestoneRecord.deleted_at.is_(None),
        MilestoneRecord.due_on.is_not(None),
        MilestoneRecord.due_on <= horizon,
        or_(MilestoneRecord.done_on.is_(None), MilestoneRecord.done_on > today),
    ]


def _action_scope(organisation_id: uuid.UUID | None, include_partners: bool) -> list[ColumnElement[bool]]:
    """Live actions neither completed nor cancelled, led by (or with a partner) the organisation given."""
    conditions: list[ColumnElement[bool]] = [
        ActionRecord.deleted_at.is_(None),
        ActionRecord.status.not_in(CLOSED_STATUSES),
    ]
    if organisation_id is not None:
        leads: ColumnElement[bool] = ActionRecord.lead_organisation_id == organisation_id
        if include_partners:
            partner_in = partnered_action_ids().where(ActionPartnerRecord.organisation_id == organisation_id)
            leads = or_(leads, ActionRecord.id.in_(partner_in))
        conditions.append(leads)
    return conditions


def chase_rows(
    unit: UnitOfWork,
    today: date,
    horizon: date,
    *,
    organisation_id: uuid.UUID | None = None,
    include_partners: bool = False,
) -> ChaseRows:
    """The open actions due by ``horizon`` or with a milestone due by then and not done, and those milestones."""
    scope = _action_scope(organisation_id, include_partners)
    pending = select(MilestoneRecord.action_id).where(*_milestone_pending(today, horizon))
    lead = OrganisationRecord
    statement = (
        select(
            type_coerce(ActionRecord.id, String),
            ActionRecord.id,
            ActionRecord.title,
            *rag_columns(),
            lead.id,
            func.coalesce(lead.name, ""),
            func.coalesce(lead.contact_name, ""),
            func.coalesce(lead.contact_email, ""),
            ActionRecord.owner_name,
            ActionRecord.owner_email,
            ActionRecord.owner_phone,
        )
        .outerjoin(lead, live_lead(lead))
        .where(
            *scope,
            or_(
                and_(ActionRecord.due_on.is_not(None), ActionRecord.due_on <= horizon),
                ActionRecord.id.in_(pending),
            ),
        )
    )
    actions = [ChaseActionRow(*row) for row in _tuples(unit, statement)]
    if not actions:
        return ChaseRows([], [], {})
    milestone_statement = (
        select(
            type_coerce(MilestoneRecord.action_id, String),
            MilestoneRecord.id,
            MilestoneRecord.title,
            MilestoneRecord.due_on,
        )
        .join(ActionRecord, ActionRecord.id == MilestoneRecord.action_id)
        .where(*_milestone_pending(today, horizon), *scope)
    )
    milestones = [ChaseMilestoneRow(*row) for row in _tuples(unit, milestone_statement)]
    wanted = [row.id for row in actions] if len(actions) <= NAMED_IDS_LIMIT else None
    return ChaseRows(actions, milestones, milestone_dates(unit, wanted))


@dataclass(frozen=True)
class ChaseCounts:
    overdue_actions: int
    due_soon_actions: int
    overdue_milestones: int
    due_soon_milestones: int


def chase_counts(unit: UnitOfWork, today: date, horizon: date) -> ChaseCounts:
    """How many of ``chase_rows``' actions (across the partnership) are overdue (due before ``today``) or due by
    ``horizon``, and the same of its milestones: counted by the database, nothing rated or read into Python."""
    scope = _action_scope(None, False)
    overdue = case((ActionRecord.due_on < today, 1), else_=0)
    actions = unit.session.execute(
        select(func.coalesce(func.sum(overdue), 0), func.count()).where(
            *scope, ActionRecord.due_on.is_not(None), ActionRecord.due_on <= horizon
        )
    ).one()
    late = case((MilestoneRecord.due_on < today, 1), else_=0)
    milestones = unit.session.execute(
        select(func.coalesce(func.sum(late), 0), func.count())
        .join(ActionRecord, ActionRecord.id == MilestoneRecord.action_id)
        .where(*_milestone_pending(today, horizon), *scope)
    ).one()
    return ChaseCounts(
        overdue_actions=int(actions[0]),
        due_soon_actions=int(actions[1]) - int(actions[0]),
        overdue_milestones=int(milestones[0]),
        due_soon_milestones=int(milestones[1]) - int(milestones[0]),
    )


def _tuples(unit: UnitOfWork, statement: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in unit.session.execute(statement)]
