"""Queries behind the actions and progress services: filtered action rows with their lead's name, and the
partners, milestones, spend and need counts of many actions at once. Each is one statement however many
actions it covers, so listing 20,000 actions costs a handful of queries, never one per action."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, func, or_, select, type_coerce
from sqlalchemy.orm import aliased

from locality.domain.entities import Entity
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES
from locality.store.change_log import encode_value
from locality.store.live_queries import like_pattern, partnered_action_ids, rag_columns
from locality.store.models import (
    ActionNeedRecord,
    ActionPartnerRecord,
    ActionRecord,
    ChangeLogRecord,
    MilestoneRecord,
    NeedRecord,
    OrganisationRecord,
    ProgressUpdateRecord,
    SpendRecord,
)
from locality.store.unit_of_work import UnitOfWork

# Statuses of actions that can no longer fall behind.
CLOSED_STATUSES = tuple(status.value for status in CLOSED_ACTION_STATUSES)


@dataclass(frozen=True)
class ActionFilter:
    """Which live actions a list shows; every condition given must hold."""

    statuses: frozenset[str] | None = None
    lead_organisation_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None  # leads it or is a partner in it
    theme_ids: frozenset[uuid.UUID] | None = None
    overdue_on: date | None = None  # due before this day and neither completed nor cancelled
    search: str = ""


@dataclass(frozen=True)
class ActionRow:
    """The columns of one action that its list row and its RAG rating need; ``key`` is its id as text."""

    key: str
    id: uuid.UUID
    version: int
    title: str
    theme_id: uuid.UUID | None
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    status: str
    percent_complete: int
    start_on: date | None
    due_on: date | None
    completed_on: date | None
    rag_override: str | None
    rag_override_reason: str
    budget_pence: int | None
    owner_name: str


@dataclass(frozen=True)
class PartnerRow:
    """A live partner link to a live organisation."""

    id: uuid.UUID
    action_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    cash_pence: int
    staff_days: float
    in_kind: str


@dataclass(frozen=True)
class ProgressRow:
    reported_on: date
    author: str
    author_organisation: str
    note: str
    confidential: bool


@dataclass(frozen=True)
class LoggedChange:
    """A field change of an action written to the change log in the same edit as a progress update."""

    field: str
    old_value: str | None
    new_value: str | None


# The actions whose partners, milestones, spend or needs are wanted: those named, or None for every action
# (then rows of deleted actions may come too; callers look rows up by the ids of the actions they list).
ActionIds = Collection[uuid.UUID] | None

# Above this many actions, reading the rows of every action is quicker than naming the ones wanted.
NAMED_IDS_LIMIT = 500


def _conditions(action_filter: ActionFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [ActionRecord.deleted_at.is_(None)]
    if action_filter.statuses is not None:
        conditions.append(ActionRecord.status.in_(sorted(action_filter.statuses)))
    if action_filter.lead_organisation_id is not None:
        conditions.append(ActionRecord.lead_organisation_id == action_filter.lead_organisation_id)
    if action_filter.organisation_id is not None:
        partner_in = partnered_action_ids().where(ActionPartnerRecord.organisation_id == action_filter.organisation_id)
        conditions.append(
            or_(
                ActionRecord.lead_organisation_id == action_filter.organisation_id,
                ActionRecord.id.in_(partner_in),
            )
        )
    if action_filter.theme_ids is not None:
        conditions.append(ActionRecord.theme_id.in_(list(action_filter.theme_ids)))
    if action_filter.overdue_on is not None:
        conditions.append(ActionRecord.due_on < action_filter.overdue_on)
        conditions.append(ActionRecord.status.not_in(CLOSED_STATUSES))
    search = " ".join(action_filter.search.split())
    if search:
        pattern = like_pattern(search)
        by_name = or_(
            OrganisationRecord.name.ilike(pattern, escape="\\"),
            OrganisationRecord.short_name.ilike(pattern, escape="\\"),
        )
        named = select(OrganisationRecord.id).where(OrganisationRecord.deleted_at.is_(None), by_name)
        conditions.append(
            or_(
                ActionRecord.title.ilike(pattern, escape="\\"),
                ActionRecord.description.ilike(pattern, escape="\\"),
                ActionRecord.owner_name.ilike(pattern, escape="\\"),
                ActionRecord.lead_organisation_id.in_(named),
                ActionRecord.id.in_(partnered_action_ids().where(by_name)),
            )
        )
    return conditions


def _scoped(unit: UnitOfWork, statement: Any, column: Any, action_ids: ActionIds) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` for the actions named, as plain tuples."""
    if action_ids is not None:
        statement = statement.where(column.in_(list(action_ids)))
    return [tuple(row) for row in unit.session.execute(statement)]


def _tuples(unit: UnitOfWork, statement: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in unit.session.execute(statement)]


def action_rows(unit: UnitOfWork, scope: ActionFilter | Collection[uuid.UUID]) -> list[ActionRow]:
    """The live actions a filter selects (or those named), in title order, with their lead's name."""
    lead = aliased(OrganisationRecord)
    statement = (
        select(
            type_coerce(ActionRecord.id, String),
            ActionRecord.id,
            ActionRecord.version,
            ActionRecord.title,
            ActionRecord.theme_id,
            ActionRecord.lead_organisation_id,
            func.coalesce(lead.name, ""),
            *rag_columns(),
            ActionRecord.budget_pence,
            ActionRecord.owner_name,
        )
        .outerjoin(lead, lead.id == ActionRecord.lead_organisation_id)
        .order_by(func.lower(ActionRecord.title), ActionRecord.created_at, ActionRecord.id)
    )
    if isinstance(scope, ActionFilter):
        statement = statement.where(*_conditions(scope))
    else:
        statement = statement.where(ActionRecord.deleted_at.is_(None), ActionRecord.id.in_(list(scope)))
    return [ActionRow(*row) for row in _tuples(unit, statement)]


def action_keys(unit: UnitOfWork, action_filter: ActionFilter) -> set[str]:
    """The ids, as text (as ``ActionRow.key``), of the live actions a filter selects."""
    statement = select(type_coerce(ActionRecord.id, String)).where(*_conditions(action_filter))
    return set(unit.session.scalars(statement))


def partner_names(unit: UnitOfWork, action_ids: ActionIds) -> dict[str, list[str]]:
    """The names of each action's live partners, in name order, by the action's id as text."""
    key = type_coerce(ActionPartnerRecord.action_id, String)
    statement = (
        select(key, OrganisationRecord.name)
        .join(OrganisationRecord, OrganisationRecord.id == ActionPartnerRecord.organisation_id)
        .where(ActionPartnerRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    names: dict[str, list[str]] = {}
    for action_key, name in _scoped(unit, statement, ActionPartnerRecord.action_id, action_ids):
        names.setdefault(action_key, []).append(name)
    return names


def partner_rows(unit: UnitOfWork, action_ids: ActionIds) -> list[PartnerRow]:
    """The live partner links of the actions named, in organisation-name order."""
    statement = (
        select(
            ActionPartnerRecord.id,
            ActionPartnerRecord.action_id,
            ActionPartnerRecord.organisation_id,
            OrganisationRecord.name,
            ActionPartnerRecord.cash_pence,
            ActionPartnerRecord.staff_days,
            ActionPartnerRecord.in_kind,
        )
        .join(OrganisationRecord, OrganisationRecord.id == ActionPartnerRecord.organisation_id)
        .where(ActionPartnerRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    return [PartnerRow(*row) for row in _scoped(unit, statement, ActionPartnerRecord.action_id, action_ids)]


def milestone_dates(unit: UnitOfWork, action_ids: ActionIds) -> dict[str, list[tuple[date | None, date | None]]]:
    """(due, done on) of each action's live milestones, by the action's id as text."""
    key = type_coerce(MilestoneRecord.action_id, String)
    statement = select(key, MilestoneRecord.due_on, MilestoneRecord.done_on).where(MilestoneRecord.deleted_at.is_(None))
    dates: dict[str, list[tuple[date | None, date | None]]] = {}
    for action_key, due_on, done_on in _scoped(unit, statement, MilestoneRecord.action_id, action_ids):
        dates.setdefault(action_key, []).append((due_on, done_on))
    return dates


def spend_totals(unit: UnitOfWork, action_ids: ActionIds) -> dict[str, int]:
    """Live spend per action named, by the action's id as text (actions with none are absent)."""
    key = type_coerce(SpendRecord.action_id, String)
    statement = (
        select(key, func.sum(SpendRecord.amount_pence))
        .where(SpendRecord.deleted_at.is_(None))
        .group_by(SpendRecord.action_id)
    )
    rows = _scoped(unit, statement, SpendRecord.action_id, action_ids)
    return {action_key: int(total or 0) for action_key, total in rows}


def need_counts(unit: UnitOfWork, action_ids: ActionIds) -> dict[str, int]:
    """How many live needs each action named addresses, by the action's id as text."""
    key = type_coerce(ActionNeedRecord.action_id, String)
    statement = (
        select(key, func.count())
        .join(NeedRecord, NeedRecord.id == ActionNeedRecord.need_id)
        .where(ActionNeedRecord.deleted_at.is_(None), NeedRecord.deleted_at.is_(None))
        .group_by(ActionNeedRecord.action_id)
    )
    rows = _scoped(unit, statement, ActionNeedRecord.action_id, action_ids)
    return {action_key: int(count) for action_key, count in rows}


def spend_total(unit: UnitOfWork, action_id: uuid.UUID) -> int:
    """Live spend on one action."""
    statement = select(func.sum(SpendRecord.amount_pence)).where(
        SpendRecord.action_id == action_id, SpendRecord.deleted_at.is_(None)
    )
    return int(unit.session.scalar(statement) or 0)


def need_links(unit: UnitOfWork, action_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of the live needs one action addresses, in title order."""
    statement = (
        select(NeedRecord.id, NeedRecord.title)
        .join(ActionNeedRecord, ActionNeedRecord.need_id == NeedRecord.id)
        .where(
            ActionNeedRecord.action_id == action_id,
            ActionNeedRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
        )
        .order_by(func.lower(NeedRecord.title), NeedRecord.id)
    )
    return [(need_id, title) for need_id, title in unit.session.execute(statement)]


def latest_progress(unit: UnitOfWork, action_id: uuid.UUID) -> ProgressRow | None:
    """The newest live progress update of an action that has a note."""
    statement = (
        select(
            ProgressUpdateRecord.reported_on,
            ProgressUpdateRecord.author,
            ProgressUpdateRecord.author_organisation,
            ProgressUpdateRecord.note,
            ProgressUpdateRecord.confidential,
        )
        .where(
            ProgressUpdateRecord.action_id == action_id,
            ProgressUpdateRecord.deleted_at.is_(None),
            ProgressUpdateRecord.note != "",
        )
        .order_by(ProgressUpdateRecord.reported_on.desc(), ProgressUpdateRecord.created_at.desc())
        .limit(1)
    )
    row = unit.session.execute(statement).first()
    return None if row is None else ProgressRow(*row)


def action_titles(unit: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """Every live action's id and title, oldest first; plain tuples, so cheap even for thousands."""
    statement = (
        select(ActionRecord.id, ActionRecord.title)
        .where(ActionRecord.deleted_at.is_(None))
        .order_by(ActionRecord.created_at, ActionRecord.id)
    )
    return [(action_id, title) for action_id, title in unit.session.execute(statement)]


def changes_logged_with(
    unit: UnitOfWork, entity: Entity, record_id: uuid.UUID, action_id: uuid.UUID, applied: Mapping[str, Any]
) -> list[LoggedChange] | None:
    """The changes an edit made to an action's fields straight after it created another record.

    A progress update is logged first and the action's changes follow it in the same edit, with the next
    sequence numbers of the same replica; ``applied`` holds the values that edit could have set. A row counts
    only while the run is unbroken, each field comes once and its new value is the one the edit applied, so
    an edit made just afterwards is never mistaken for part of it. None when the creation is not in this
    workspace's change log.
    """
    created = unit.session.execute(
        select(ChangeLogRecord.replica_id, ChangeLogRecord.seq)
        .where(
            ChangeLogRecord.entity == entity,
            ChangeLogRecord.record_id == record_id,
            ChangeLogRecord.operation == "create",
        )
        .order_by(ChangeLogRecord.id)
        .limit(1)
    ).first()
    if created is None:
        return None
    replica_id, seq = created
    rows = unit.session.execute(
        select(
            ChangeLogRecord.seq,
            ChangeLogRecord.entity,
            ChangeLogRecord.record_id,
            ChangeLogRecord.operation,
            ChangeLogRecord.field,
            ChangeLogRecord.old_value,
            ChangeLogRecord.new_value,
        )
        .where(
            ChangeLogRecord.replica_id == replica_id,
            ChangeLogRecord.seq > seq,
            ChangeLogRecord.seq <= seq + len(applied),
        )
        .order_by(ChangeLogRecord.seq)
    ).all()
    changes: list[LoggedChange] = []
    expected_seq = seq + 1
    seen: set[str] = set()
    for row_seq, row_entity, row_record, operation, field, old_value, new_value in rows:
        if (
            row_seq != expected_seq
            or row_entity != Entity.ACTION
            or row_record != action_id
            or operation != "update"
            or field is None
            or field not in applied
            or field in seen
            or new_value != encode_value(applied[field])
        ):
            break
        seen.add(field)
        changes.append(LoggedChange(field, old_value, new_value))
        expected_seq += 1
    return changes
