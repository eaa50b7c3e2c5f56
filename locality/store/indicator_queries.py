"""Queries for the evidence base: indicators with what they are linked to, and their measurements summarised.

They aggregate or join in SQL so that a page over a large workspace (50,000 measurements) is a handful of
statements rather than one per row. Every function leaves tombstoned rows out unless it says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select

from locality.store.id_chunks import id_chunks
from locality.store.models import (
    ActionRecord,
    IndicatorRecord,
    MeasurementRecord,
    NeedRecord,
)
from locality.store.unit_of_work import UnitOfWork


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


@dataclass(frozen=True, slots=True)
class TrackRow:
    """What deciding whether an indicator is on track reads: its target and the direction and dates to it."""

    id: uuid.UUID
    direction: str
    target_kind: str
    baseline_value: float | None
    baseline_on: date | None
    target_value: float | None
    target_on: date | None


def track_rows(unit: UnitOfWork) -> list[TrackRow]:
    """Every live indicator's target columns, as plain rows (no records, no joins): cheap for thousands."""
    statement = select(
        IndicatorRecord.id,
        IndicatorRecord.direction,
        IndicatorRecord.target_kind,
        IndicatorRecord.baseline_value,
        IndicatorRecord.baseline_on,
        IndicatorRecord.target_value,
        IndicatorRecord.target_on,
    ).where(IndicatorRecord.deleted_at.is_(None))
    return [TrackRow(*row) for row in unit.session.execute(statement)]


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
        for chunk in id_chunks(list(indicator_ids)):
            run(MeasurementRecord.indicator_id.in_(chunk))
    result: dict[uuid.UUID, MeasurementSummary] = {}
    for indicator_id, (count, total) in totals.items():
        on, value = latest.get(indicator_id, (None, None))
        result[indicator_id] = MeasurementSummary(count, total, on, value)
    return result
