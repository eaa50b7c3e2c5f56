"""Queries behind the joint action plan export: every row the plan needs, read in bulk.

Each function is one statement however many actions or needs it covers, so building the plan of a large
workspace (20,000 actions, 47,000 milestones, 100,000 progress updates) costs a dozen queries, never one per
action. Records are identified by the stored form of their id as text (``key``): turning some 150,000 ids into
UUIDs would cost more than all the queries together. Rows are read through the session's connection, as plain
tuples without the ORM's per-row bookkeeping (``plain_rows``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import aliased

from locality.store.live_queries import rag_columns
from locality.store.models import (
    ActionNeedRecord,
    ActionPartnerRecord,
    ActionRecord,
    IndicatorRecord,
    MeasurementRecord,
    MilestoneRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
    ProgressUpdateRecord,
    SpendRecord,
    ThemeRecord,
)
from locality.store.plain_rows import plain_rows
from locality.store.unit_of_work import UnitOfWork

# The records whose related rows are wanted: those named, or None for every record (rows of records not
# wanted may then come too; callers look rows up by the keys of the records they hold).
Ids = Collection[uuid.UUID] | None

# Above this many records, reading the related rows of every record is quicker than naming the ones wanted.
NAMED_IDS_LIMIT = 500


def _key(column: Any) -> Any:
    """A UUID column as its stored text, unconverted."""
    return type_coerce(column, String)


def as_uuid(key: Any) -> uuid.UUID:
    """A key back as a UUID (some drivers hand UUID columns back as UUIDs already)."""
    return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))


def scope_of(keys: Collection[str]) -> Ids:
    """The records (given by key) to name in a query, or None (read everything) when there are too many."""
    return [as_uuid(key) for key in keys] if len(keys) <= NAMED_IDS_LIMIT else None


class OrganisationRow(NamedTuple):
    key: str
    id: uuid.UUID
    name: str
    short_name: str
    type_id: uuid.UUID | None
    contact_name: str
    contact_email: str


class ThemeRow(NamedTuple):
    key: str
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    live: bool


class PlanActionRow(NamedTuple):
    key: str
    title: str
    theme_key: str | None
    lead_name: str
    lead_key: str | None
    status: str
    percent_complete: int
    start_on: date | None
    due_on: date | None
    completed_on: date | None
    rag_override: str | None
    rag_override_reason: str
    budget_pence: int | None
    owner_name: str
    owner_email: str
    owner_phone: str


class NeedRow(NamedTuple):
    key: str
    title: str
    theme_key: str | None
    priority: str | None
    status: str
    notes: str
    notes_confidential: bool


class LatestNote(NamedTuple):
    reported_on: date
    note: str
    confidential: bool


class IndicatorRow(NamedTuple):
    key: str
    name: str
    unit: str
    direction: str
    target_kind: str
    baseline_value: float | None
    baseline_on: date | None
    target_value: float | None
    target_on: date | None
    need_key: str | None  # None when it has no need or its need is deleted
    need_title: str
    action_key: str | None  # None when it has no action or its action is deleted
    action_title: str


class MeasurementTotals(NamedTuple):
    measurements: int
    total: float
    latest_on: date | None
    latest_value: float | None


def _rows(unit: UnitOfWork, statement: Any) -> list[tuple[Any, ...]]:
    return plain_rows(unit, statement)


def _made(unit: UnitOfWork, statement: Any, row_type: Any) -> list[Any]:
    return list(map(row_type._make, plain_rows(unit, statement)))


def _scoped(statement: Any, column: Any, ids: Ids) -> Any:
    return statement if ids is None else statement.where(column.in_(list(ids)))


def organisations(unit: UnitOfWork) -> list[OrganisationRow]:
    """Every live organisation, in name order."""
    statement = (
        select(
            _key(OrganisationRecord.id),
            OrganisationRecord.id,
            OrganisationRecord.name,
            OrganisationRecord.short_name,
            OrganisationRecord.type_id,
            OrganisationRecord.contact_name,
            OrganisationRecord.contact_email,
        )
        .where(OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    return _made(unit, statement, OrganisationRow)


def themes(unit: UnitOfWork) -> list[ThemeRow]:
    """Every theme, retired ones included (old records still show theirs), in the app's order."""
    statement = select(
        _key(ThemeRecord.id),
        ThemeRecord.id,
        ThemeRecord.name,
        ThemeRecord.parent_id,
        ThemeRecord.deleted_at.is_(None),
    ).order_by(ThemeRecord.sort_order, ThemeRecord.name)
    return [row._replace(live=bool(row.live)) for row in _made(unit, statement, ThemeRow)]


def action_rows(
    unit: UnitOfWork,
    *,
    statuses: Collection[str] | None = None,
    organisation_ids: Collection[uuid.UUID] | None = None,
    theme_ids: Collection[uuid.UUID] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> list[PlanActionRow]:
    """The live actions selected, in title order, with their lead's name.

    ``organisation_ids`` keeps actions one of them leads or is a live partner in; the period keeps actions
    whose start..due overlaps it (a missing start or due leaves that end open).
    """
    lead = aliased(OrganisationRecord)
    conditions: list[ColumnElement[bool]] = [ActionRecord.deleted_at.is_(None)]
    if statuses is not None:
        conditions.append(ActionRecord.status.in_(sorted(statuses)))
    if organisation_ids is not None:
        wanted = list(organisation_ids)
        partner_in = select(ActionPartnerRecord.action_id).where(
            ActionPartnerRecord.deleted_at.is_(None), ActionPartnerRecord.organisation_id.in_(wanted)
        )
        conditions.append(or_(ActionRecord.lead_organisation_id.in_(wanted), ActionRecord.id.in_(partner_in)))
    if theme_ids is not None:
        conditions.append(ActionRecord.theme_id.in_(list(theme_ids)))
    if period_start is not None:
        conditions.append(or_(ActionRecord.due_on.is_(None), ActionRecord.due_on >= period_start))
    if period_end is not None:
        conditions.append(or_(ActionRecord.start_on.is_(None), ActionRecord.start_on <= period_end))
    statement = (
        select(
            _key(ActionRecord.id),
            ActionRecord.title,
            _key(ActionRecord.theme_id),
            func.coalesce(lead.name, ""),
            _key(ActionRecord.lead_organisation_id),
            *rag_columns(),
            ActionRecord.budget_pence,
            ActionRecord.owner_name,
            ActionRecord.owner_email,
            ActionRecord.owner_phone,
        )
        .outerjoin(lead, lead.id == ActionRecord.lead_organisation_id)
        .where(*conditions)
        .order_by(func.lower(ActionRecord.title), ActionRecord.created_at, ActionRecord.id)
    )
    return _made(unit, statement, PlanActionRow)


def partner_links(unit: UnitOfWork, action_ids: Ids) -> list[tuple[str, str, str]]:
    """(action key, organisation key, organisation name) of live partner links to live organisations, in
    organisation-name order."""
    statement = (
        select(_key(ActionPartnerRecord.action_id), _key(ActionPartnerRecord.organisation_id), OrganisationRecord.name)
        .join(OrganisationRecord, OrganisationRecord.id == ActionPartnerRecord.organisation_id)
        .where(ActionPartnerRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    return _rows(unit, _scoped(statement, ActionPartnerRecord.action_id, action_ids))


def action_need_links(unit: UnitOfWork, action_ids: Ids) -> list[tuple[str, str]]:
    """(action key, need key) of live links from actions to live needs."""
    statement = (
        select(_key(ActionNeedRecord.action_id), _key(ActionNeedRecord.need_id))
        .join(NeedRecord, NeedRecord.id == ActionNeedRecord.need_id)
        .where(ActionNeedRecord.deleted_at.is_(None), NeedRecord.deleted_at.is_(None))
    )
    return _rows(unit, _scoped(statement, ActionNeedRecord.action_id, action_ids))


def milestone_rows(unit: UnitOfWork, action_ids: Ids) -> list[tuple[str, int, str, date | None, date | None]]:
    """(action key, sort order, title, due, done on) of live milestones, in the order they were entered.

    Left to the caller to put in each action's order: sorting a few per action costs less than sorting
    them all here.
    """
    statement = select(
        _key(MilestoneRecord.action_id),
        MilestoneRecord.sort_order,
        MilestoneRecord.title,
        MilestoneRecord.due_on,
        MilestoneRecord.done_on,
    ).where(MilestoneRecord.deleted_at.is_(None))
    return _rows(unit, _scoped(statement, MilestoneRecord.action_id, action_ids))


def spend_totals(unit: UnitOfWork, action_ids: Ids) -> dict[str, int]:
    """Live spend per action, by action key (actions with none are absent)."""
    statement = (
        select(_key(SpendRecord.action_id), func.sum(SpendRecord.amount_pence))
        .where(SpendRecord.deleted_at.is_(None))
        .group_by(SpendRecord.action_id)
    )
    return {key: int(total or 0) for key, total in _rows(unit, _scoped(statement, SpendRecord.action_id, action_ids))}


def latest_notes(unit: UnitOfWork, action_ids: Ids) -> dict[str, LatestNote]:
    """Each live action's newest live progress update that has a note (by date, then by entry), by action key.

    Found through the index on the update's action, one short look-up per action, rather than by ranking
    every update.
    """
    update = aliased(ProgressUpdateRecord)
    newest = (
        select(update.id)
        .where(update.action_id == ActionRecord.id, update.deleted_at.is_(None), update.note != "")
        .order_by(update.reported_on.desc(), update.created_at.desc())
        .limit(1)
        .correlate(ActionRecord)
        .scalar_subquery()
    )
    latest = _scoped(
        select(ActionRecord.id.label("action_id"), newest.label("update_id")).where(ActionRecord.deleted_at.is_(None)),
        ActionRecord.id,
        action_ids,
    ).subquery()
    statement = select(
        _key(latest.c.action_id),
        ProgressUpdateRecord.reported_on,
        ProgressUpdateRecord.note,
        ProgressUpdateRecord.confidential,
    ).join(ProgressUpdateRecord, ProgressUpdateRecord.id == latest.c.update_id)
    return {
        key: LatestNote(reported_on, note, bool(confidential))
        for key, reported_on, note, confidential in _rows(unit, statement)
    }


def need_rows(
    unit: UnitOfWork,
    *,
    organisation_ids: Collection[uuid.UUID] | None = None,
    theme_ids: Collection[uuid.UUID] | None = None,
) -> list[NeedRow]:
    """The live needs selected, in title order: ``organisation_ids`` keeps needs linked to one of them."""
    conditions: list[ColumnElement[bool]] = [NeedRecord.deleted_at.is_(None)]
    if organisation_ids is not None:
        linked = select(NeedOrganisationRecord.need_id).where(
            NeedOrganisationRecord.deleted_at.is_(None),
            NeedOrganisationRecord.organisation_id.in_(list(organisation_ids)),
        )
        conditions.append(NeedRecord.id.in_(linked))
    if theme_ids is not None:
        conditions.append(NeedRecord.theme_id.in_(list(theme_ids)))
    statement = (
        select(
            _key(NeedRecord.id),
            NeedRecord.title,
            _key(NeedRecord.theme_id),
            NeedRecord.priority,
            NeedRecord.status,
            NeedRecord.notes,
            NeedRecord.notes_confidential,
        )
        .where(*conditions)
        .order_by(func.lower(NeedRecord.title), NeedRecord.created_at, NeedRecord.id)
    )
    return _made(unit, statement, NeedRow)


def need_organisation_links(unit: UnitOfWork, need_ids: Ids) -> list[tuple[str, str, str]]:
    """(need key, organisation key, organisation name) of live links to live organisations, in name order."""
    statement = (
        select(
            _key(NeedOrganisationRecord.need_id), _key(NeedOrganisationRecord.organisation_id), OrganisationRecord.name
        )
        .join(OrganisationRecord, OrganisationRecord.id == NeedOrganisationRecord.organisation_id)
        .where(NeedOrganisationRecord.deleted_at.is_(None), OrganisationRecord.deleted_at.is_(None))
        .order_by(func.lower(OrganisationRecord.name), OrganisationRecord.id)
    )
    return _rows(unit, _scoped(statement, NeedOrganisationRecord.need_id, need_ids))


def need_titles(unit: UnitOfWork) -> dict[str, str]:
    """Every live need's title, by need key."""
    statement = select(_key(NeedRecord.id), NeedRecord.title).where(NeedRecord.deleted_at.is_(None))
    return {key: title for key, title in _rows(unit, statement)}


def indicator_rows(unit: UnitOfWork) -> list[IndicatorRow]:
    """Every live indicator by name, with the key and title of its live need and live action."""
    statement = (
        select(
            _key(IndicatorRecord.id),
            IndicatorRecord.name,
            IndicatorRecord.unit,
            IndicatorRecord.direction,
            IndicatorRecord.target_kind,
            IndicatorRecord.baseline_value,
            IndicatorRecord.baseline_on,
            IndicatorRecord.target_value,
            IndicatorRecord.target_on,
            _key(NeedRecord.id),
            func.coalesce(NeedRecord.title, ""),
            _key(ActionRecord.id),
            func.coalesce(ActionRecord.title, ""),
        )
        .outerjoin(NeedRecord, and_(NeedRecord.id == IndicatorRecord.need_id, NeedRecord.deleted_at.is_(None)))
        .outerjoin(ActionRecord, and_(ActionRecord.id == IndicatorRecord.action_id, ActionRecord.deleted_at.is_(None)))
        .where(IndicatorRecord.deleted_at.is_(None))
        .order_by(IndicatorRecord.name, IndicatorRecord.id)
    )
    return _made(unit, statement, IndicatorRow)


def measurement_totals(unit: UnitOfWork) -> dict[str, MeasurementTotals]:
    """Count, sum and latest (by date, then by entry) live measurement of each live indicator that has any."""
    sums = (
        select(
            _key(MeasurementRecord.indicator_id), func.count(), func.coalesce(func.sum(MeasurementRecord.value), 0.0)
        )
        .where(MeasurementRecord.deleted_at.is_(None))
        .group_by(MeasurementRecord.indicator_id)
    )
    totals = {key: (int(count), float(total)) for key, count, total in _rows(unit, sums)}
    measurement = aliased(MeasurementRecord)
    newest = (
        select(measurement.id)
        .where(measurement.indicator_id == IndicatorRecord.id, measurement.deleted_at.is_(None))
        .order_by(measurement.measured_on.desc(), measurement.created_at.desc())
        .limit(1)
        .correlate(IndicatorRecord)
        .scalar_subquery()
    )
    latest = (
        select(IndicatorRecord.id.label("indicator_id"), newest.label("measurement_id"))
        .where(IndicatorRecord.deleted_at.is_(None))
        .subquery()
    )
    values = select(_key(latest.c.indicator_id), MeasurementRecord.measured_on, MeasurementRecord.value).join(
        MeasurementRecord, MeasurementRecord.id == latest.c.measurement_id
    )
    newest_values = {key: (on, float(value)) for key, on, value in _rows(unit, values)}
    result: dict[str, MeasurementTotals] = {}
    for key, (count, total) in totals.items():
        on, value = newest_values.get(key, (None, None))
        result[key] = MeasurementTotals(count, total, on, value)
    return result
