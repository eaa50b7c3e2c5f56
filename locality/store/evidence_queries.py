"""Queries for the evidence base, funding, workshops, board snapshots and the change history.

They aggregate or join in SQL so that a page over a large workspace (20,000 actions, 50,000 measurements) is a
handful of statements rather than one per row. Every function leaves tombstoned rows out unless it says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, select, update

from locality.domain.entities import Entity
from locality.store.live_queries import live_partner_links, rag_columns
from locality.store.models import (
    ActionPartnerRecord,
    ActionRecord,
    Base,
    BoardSnapshotItemRecord,
    BoardSnapshotRecord,
    ChangeLogRecord,
    FundingAllocationRecord,
    FundingSourceRecord,
    IndicatorRecord,
    MeasurementRecord,
    MilestoneRecord,
    NeedRecord,
    OrganisationRecord,
    SpendRecord,
    ThemeRecord,
    TrackedMixin,
    VocabularyTermRecord,
    WorkshopRecord,
    WorkshopVoteRecord,
    entity_of,
    utc_now,
)
from locality.store.unit_of_work import UnitOfWork

# SQLite refuses statements with too many bound parameters; long id lists are sent in slices of this size.
_CHUNK = 900


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class IndicatorRow:
    record: IndicatorRecord
    need_title: str | None
    action_title: str | None


def indicator_rows(
    unit: UnitOfWork,
    *,
    indicator_id: uuid.UUID | None = None,
    need_id: uuid.UUID | None = None,
    action_id: uuid.UUID | None = None,
) -> list[IndicatorRow]:
    """Live indicators by name, each with the title of its need and action (None when missing or deleted)."""
    statement = (
        select(IndicatorRecord, NeedRecord.title, ActionRecord.title)
        .outerjoin(NeedRecord, and_(NeedRecord.id == IndicatorRecord.need_id, NeedRecord.deleted_at.is_(None)))
        .outerjoin(ActionRecord, and_(ActionRecord.id == IndicatorRecord.action_id, ActionRecord.deleted_at.is_(None)))
        .where(IndicatorRecord.deleted_at.is_(None))
        .order_by(IndicatorRecord.name, IndicatorRecord.id)
    )
    if indicator_id is not None:
        statement = statement.where(IndicatorRecord.id == indicator_id)
    if need_id is not None:
        statement = statement.where(IndicatorRecord.need_id == need_id)
    if action_id is not None:
        statement = statement.where(IndicatorRecord.action_id == action_id)
    return [IndicatorRow(record, need, action) for record, need, action in unit.session.execute(statement)]


@dataclass(frozen=True)
class MeasurementSummary:
    """One indicator's live measurements in brief."""

    count: int
    total: float
    latest_on: date | None
    latest_value: float | None


def measurement_summaries(
    unit: UnitOfWork, indicator_ids: Sequence[uuid.UUID] | None = None
) -> dict[uuid.UUID, MeasurementSummary]:
    """Count, sum and latest (by date, then by entry) live measurement per indicator that has any."""
    totals: dict[uuid.UUID, tuple[int, float]] = {}
    latest: dict[uuid.UUID, tuple[date, float]] = {}

    def run(where: ColumnElement[bool] | None) -> None:
        live = MeasurementRecord.deleted_at.is_(None)
        condition = live if where is None else and_(live, where)
        sums = (
            select(MeasurementRecord.indicator_id, func.count(), func.coalesce(func.sum(MeasurementRecord.value), 0.0))
            .where(condition)
            .group_by(MeasurementRecord.indicator_id)
        )
        for indicator_id, count, total in unit.session.execute(sums):
            totals[indicator_id] = (int(count), float(total))
        ranked = (
            select(
                MeasurementRecord.indicator_id,
                MeasurementRecord.measured_on,
                MeasurementRecord.value,
                func.row_number()
                .over(
                    partition_by=MeasurementRecord.indicator_id,
                    order_by=(MeasurementRecord.measured_on.desc(), MeasurementRecord.created_at.desc()),
                )
                .label("position"),
            )
            .where(condition)
            .subquery()
        )
        newest = select(ranked.c.indicator_id, ranked.c.measured_on, ranked.c.value).where(ranked.c.position == 1)
        for indicator_id, measured_on, value in unit.session.execute(newest):
            latest[indicator_id] = (measured_on, float(value))

    if indicator_ids is None:
        run(None)
    else:
        for chunk in _chunks(list(indicator_ids)):
            run(MeasurementRecord.indicator_id.in_(chunk))
    result: dict[uuid.UUID, MeasurementSummary] = {}
    for indicator_id, (count, total) in totals.items():
        on, value = latest.get(indicator_id, (None, None))
        result[indicator_id] = MeasurementSummary(count, total, on, value)
    return result


# --------------------------------------------------------------------------- funding


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


# --------------------------------------------------------------------------- workshops


@dataclass(frozen=True)
class VoteRow:
    workshop_id: uuid.UUID
    need_id: uuid.UUID
    need_title: str
    organisation_id: uuid.UUID | None
    organisation_name: str | None
    dots: int


def vote_rows(unit: UnitOfWork, workshop_id: uuid.UUID | None = None) -> list[VoteRow]:
    """Live votes on live needs in live workshops, with the need's title and the organisation's name."""
    statement = (
        select(
            WorkshopVoteRecord.workshop_id,
            NeedRecord.id,
            NeedRecord.title,
            WorkshopVoteRecord.organisation_id,
            OrganisationRecord.name,
            WorkshopVoteRecord.dots,
        )
        .join(NeedRecord, NeedRecord.id == WorkshopVoteRecord.need_id)
        .join(WorkshopRecord, WorkshopRecord.id == WorkshopVoteRecord.workshop_id)
        .outerjoin(OrganisationRecord, OrganisationRecord.id == WorkshopVoteRecord.organisation_id)
        .where(
            WorkshopVoteRecord.deleted_at.is_(None),
            NeedRecord.deleted_at.is_(None),
            WorkshopRecord.deleted_at.is_(None),
        )
    )
    if workshop_id is not None:
        statement = statement.where(WorkshopVoteRecord.workshop_id == workshop_id)
    return [VoteRow(*row) for row in unit.session.execute(statement)]


def workshop_counts(unit: UnitOfWork, model: type[TrackedMixin]) -> dict[uuid.UUID, int]:
    """Live participants or votes per workshop."""
    column = model.workshop_id  # type: ignore[attr-defined]
    statement = select(column, func.count()).where(model.deleted_at.is_(None)).group_by(column)
    return {workshop_id: int(count) for workshop_id, count in unit.session.execute(statement)}


def workshop_dots(unit: UnitOfWork) -> dict[uuid.UUID, int]:
    statement = (
        select(WorkshopVoteRecord.workshop_id, func.sum(WorkshopVoteRecord.dots))
        .where(WorkshopVoteRecord.deleted_at.is_(None))
        .group_by(WorkshopVoteRecord.workshop_id)
    )
    return {workshop_id: int(total or 0) for workshop_id, total in unit.session.execute(statement)}


# --------------------------------------------------------------------------- board snapshots


@dataclass(frozen=True)
class ActionPosition:
    """The columns of a live action that a board report shows and the RAG rule reads."""

    id: uuid.UUID
    title: str
    status: str
    percent_complete: int
    start_on: date | None
    due_on: date | None
    completed_on: date | None
    rag_override: str | None
    rag_override_reason: str
    budget_pence: int | None


def action_positions(unit: UnitOfWork) -> list[ActionPosition]:
    statement = select(ActionRecord.id, ActionRecord.title, *rag_columns(), ActionRecord.budget_pence).where(
        ActionRecord.deleted_at.is_(None)
    )
    return [
        ActionPosition(
            id=row[0],
            title=row[1],
            status=row[2],
            percent_complete=int(row[3] or 0),
            start_on=row[4],
            due_on=row[5],
            completed_on=row[6],
            rag_override=row[7],
            rag_override_reason=row[8] or "",
            budget_pence=row[9],
        )
        for row in unit.session.execute(statement)
    ]


def milestone_dates_by_action(unit: UnitOfWork) -> dict[uuid.UUID, list[tuple[date | None, date | None]]]:
    """(due, done on) of every live milestone of a live action, grouped by action."""
    statement = (
        select(MilestoneRecord.action_id, MilestoneRecord.due_on, MilestoneRecord.done_on)
        .join(ActionRecord, ActionRecord.id == MilestoneRecord.action_id)
        .where(MilestoneRecord.deleted_at.is_(None), ActionRecord.deleted_at.is_(None))
    )
    result: dict[uuid.UUID, list[tuple[date | None, date | None]]] = {}
    for action_id, due_on, done_on in unit.session.execute(statement):
        result.setdefault(action_id, []).append((due_on, done_on))
    return result


def titles_of_actions(unit: UnitOfWork, action_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Titles of the given actions, deleted ones included."""
    result: dict[uuid.UUID, str] = {}
    for chunk in _chunks(list(action_ids)):
        statement = select(ActionRecord.id, ActionRecord.title).where(ActionRecord.id.in_(chunk))
        result.update({action_id: title for action_id, title in unit.session.execute(statement)})
    return result


def live_action_titles(unit: UnitOfWork, action_id: uuid.UUID | None = None) -> dict[uuid.UUID, str]:
    """Titles of every live action, or of the one asked for if it is live."""
    statement = select(ActionRecord.id, ActionRecord.title).where(ActionRecord.deleted_at.is_(None))
    if action_id is not None:
        statement = statement.where(ActionRecord.id == action_id)
    return {row[0]: row[1] for row in unit.session.execute(statement)}


def live_indicators(unit: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    """(id, target kind) of every live indicator."""
    statement = select(IndicatorRecord.id, IndicatorRecord.target_kind).where(IndicatorRecord.deleted_at.is_(None))
    return [(row[0], row[1]) for row in unit.session.execute(statement)]


def names_of_indicators(unit: UnitOfWork, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """(name, unit) of the given indicators, deleted ones included."""
    result: dict[uuid.UUID, tuple[str, str]] = {}
    for chunk in _chunks(list(indicator_ids)):
        statement = select(IndicatorRecord.id, IndicatorRecord.name, IndicatorRecord.unit).where(
            IndicatorRecord.id.in_(chunk)
        )
        result.update({row[0]: (row[1], row[2]) for row in unit.session.execute(statement)})
    return result


@dataclass(frozen=True)
class SnapshotItemRow:
    action_id: uuid.UUID | None
    indicator_id: uuid.UUID | None
    status: str | None
    rag: str | None
    rag_reason: str
    percent_complete: int | None
    due_on: date | None
    budget_pence: int | None
    spend_pence: int | None
    indicator_value: float | None


def snapshot_items(unit: UnitOfWork, snapshot_id: uuid.UUID) -> list[SnapshotItemRow]:
    """The live items of one snapshot, as plain rows."""
    statement = select(
        BoardSnapshotItemRecord.action_id,
        BoardSnapshotItemRecord.indicator_id,
        BoardSnapshotItemRecord.status,
        BoardSnapshotItemRecord.rag,
        BoardSnapshotItemRecord.rag_reason,
        BoardSnapshotItemRecord.percent_complete,
        BoardSnapshotItemRecord.due_on,
        BoardSnapshotItemRecord.budget_pence,
        BoardSnapshotItemRecord.spend_pence,
        BoardSnapshotItemRecord.indicator_value,
    ).where(BoardSnapshotItemRecord.snapshot_id == snapshot_id, BoardSnapshotItemRecord.deleted_at.is_(None))
    return [SnapshotItemRow(**row._asdict()) for row in unit.session.execute(statement)]


def snapshot_item_counts(unit: UnitOfWork) -> dict[uuid.UUID, tuple[int, int]]:
    """(actions, indicators) recorded in each snapshot."""
    statement = (
        select(
            BoardSnapshotItemRecord.snapshot_id,
            func.count(BoardSnapshotItemRecord.action_id),
            func.count(BoardSnapshotItemRecord.indicator_id),
        )
        .where(BoardSnapshotItemRecord.deleted_at.is_(None))
        .group_by(BoardSnapshotItemRecord.snapshot_id)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in unit.session.execute(statement)}


def snapshot_rag_counts(unit: UnitOfWork) -> dict[uuid.UUID, dict[tuple[str | None, str | None], int]]:
    """How many actions each live snapshot recorded with each (status, RAG) pair: its RAG split, worked out in
    one grouped query however many snapshots and actions there are."""
    statement = (
        select(
            BoardSnapshotItemRecord.snapshot_id,
            BoardSnapshotItemRecord.status,
            BoardSnapshotItemRecord.rag,
            func.count(),
        )
        .where(BoardSnapshotItemRecord.deleted_at.is_(None), BoardSnapshotItemRecord.action_id.is_not(None))
        .group_by(BoardSnapshotItemRecord.snapshot_id, BoardSnapshotItemRecord.status, BoardSnapshotItemRecord.rag)
    )
    result: dict[uuid.UUID, dict[tuple[str | None, str | None], int]] = {}
    for snapshot_id, status, rag, count in unit.session.execute(statement):
        result.setdefault(snapshot_id, {})[(status, rag)] = int(count)
    return result


# --------------------------------------------------------------------------- bulk writes with their change log


def _insert_many(unit: UnitOfWork, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """One multi-row insert through Core: the ORM's per-row bookkeeping is the slow part for thousands of rows.
    Pending ORM changes are flushed first so that the rows land after them."""
    unit.flush()
    table = Base.metadata.tables[str(model.__tablename__)]
    unit.session.connection().execute(insert(table), list(rows))


# A batch of records that belong to one parent (a board snapshot's thousands of items) is logged as ONE entry,
# not one per record (``ChangeLog.add_batch``): its record_id is the parent's, its field the column that holds
# the parent ("snapshot_id").


def bulk_create(
    unit: UnitOfWork, model: type[TrackedMixin], parent_column: str, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Inserts many new records of one parent (each row's ``parent_column``) in one statement, logged as one
    batch entry. Each row maps column names to values; ids are made here if absent."""
    if not rows:
        return
    now = utc_now()
    prepared: list[dict[str, Any]] = []
    created: list[dict[str, Any]] = []
    parents = {row[parent_column] for row in rows}
    if len(parents) != 1:
        raise ValueError(f"bulk_create takes the records of one parent, not {len(parents)}")
    for row in rows:
        values = dict(row)
        values.setdefault("id", uuid.uuid4())
        created.append({key: value for key, value in values.items() if key != parent_column})
        values.update(created_at=now, updated_at=now, version=1, deleted_at=None)
        prepared.append(values)
    entity = entity_of(model)
    _insert_many(unit, model, prepared)
    unit.changes.add_batch(entity, parents.pop(), "create", parent_column, created, at=now)


def _ids_where(unit: UnitOfWork, model: type[TrackedMixin], condition: ColumnElement[bool]) -> list[uuid.UUID]:
    return list(unit.session.scalars(select(model.id).where(condition)))


def bulk_tombstone(unit: UnitOfWork, model: type[TrackedMixin], column: str, value: uuid.UUID, at: datetime) -> int:
    """Tombstones every live record whose ``column`` is ``value`` at instant ``at``, as ``records.tombstone``
    does one at a time (new version), logged as one batch entry. Returns how many."""
    table_column = getattr(model, column)
    condition = and_(table_column == value, model.deleted_at.is_(None))
    ids = _ids_where(unit, model, condition)
    if not ids:
        return 0
    unit.session.execute(
        update(model)
        .where(condition)
        .values(deleted_at=at, updated_at=at, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    entity = entity_of(model)
    unit.changes.add_batch(entity, value, "delete", column, ids, at=at)
    return len(ids)


def bulk_restore(
    unit: UnitOfWork, model: type[TrackedMixin], column: str, value: uuid.UUID, deleted_at: datetime
) -> int:
    """Brings back the records whose ``column`` is ``value`` that were tombstoned at ``deleted_at``, logged as
    one batch entry."""
    table_column = getattr(model, column)
    condition = and_(table_column == value, model.deleted_at == deleted_at)
    ids = _ids_where(unit, model, condition)
    if not ids:
        return 0
    now = utc_now()
    unit.session.execute(
        update(model)
        .where(condition)
        .values(deleted_at=None, updated_at=now, version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    entity = entity_of(model)
    unit.changes.add_batch(entity, value, "restore", column, ids, at=now)
    return len(ids)


# --------------------------------------------------------------------------- change history


def change_log_page(
    unit: UnitOfWork,
    *,
    entity: Entity | None = None,
    record_id: uuid.UUID | None = None,
    limit: int | None = 200,
    offset: int = 0,
) -> list[ChangeLogRecord]:
    """Change-log rows newest first (by time, then by the order they were written)."""
    statement = select(ChangeLogRecord).order_by(ChangeLogRecord.changed_at.desc(), ChangeLogRecord.id.desc())
    if entity is not None:
        statement = statement.where(ChangeLogRecord.entity == entity)
    if record_id is not None:
        statement = statement.where(ChangeLogRecord.record_id == record_id)
    if limit is not None:
        statement = statement.limit(limit)
    if offset:
        statement = statement.offset(offset)
    return list(unit.session.scalars(statement))


def change_log_count(unit: UnitOfWork, *, entity: Entity | None = None, record_id: uuid.UUID | None = None) -> int:
    statement = select(func.count()).select_from(ChangeLogRecord)
    if entity is not None:
        statement = statement.where(ChangeLogRecord.entity == entity)
    if record_id is not None:
        statement = statement.where(ChangeLogRecord.record_id == record_id)
    return int(unit.session.scalar(statement) or 0)


# The tables whose records have a name or title worth showing in the history, and that column.
_NAMED: tuple[tuple[type[TrackedMixin], str], ...] = (
    (OrganisationRecord, "name"),
    (NeedRecord, "title"),
    (ActionRecord, "title"),
    (ThemeRecord, "name"),
    (VocabularyTermRecord, "name"),
    (FundingSourceRecord, "name"),
    (IndicatorRecord, "name"),
    (WorkshopRecord, "title"),
    (BoardSnapshotRecord, "title"),
)


def display_names(unit: UnitOfWork, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The name or title of each id that belongs to a named record, deleted ones included."""
    wanted = list(dict.fromkeys(ids))
    result: dict[uuid.UUID, str] = {}
    if not wanted:
        return result
    for model, column in _NAMED:
        for chunk in _chunks([i for i in wanted if i not in result]):
            name_column = getattr(model, column)
            statement = select(model.id, name_column).where(model.id.in_(chunk))
            result.update({row[0]: row[1] for row in unit.session.execute(statement)})
    return result
