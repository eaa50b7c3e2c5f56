"""Plain rows read straight from the driver hold the same values, of the same types, as SQLAlchemy's own rows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import String, func, literal, select, type_coerce

from locality.services.plan import PlanFilters
from locality.services.plan_building import build_plan
from locality.services.registry import Services
from locality.store import plan_queries
from locality.store.models import ActionRecord, MilestoneRecord, NeedRecord, ThemeRecord
from locality.store.plain_rows import plain_rows
from locality.store.unit_of_work import UnitOfWork


def _ordinary(services: Services, statement: object) -> list[tuple[object, ...]]:
    with services.context.read() as unit:
        return [tuple(row) for row in unit.session.connection().execute(statement).all()]  # type: ignore[call-overload]


def _plain(services: Services, statement: object) -> list[tuple[object, ...]]:
    with services.context.read() as unit:
        return plain_rows(unit, statement)


def test_dates_uuids_booleans_and_numbers_come_back_as_their_columns_hold_them(demo_services: Services) -> None:
    statement = (
        select(
            ActionRecord.id,
            type_coerce(ActionRecord.id, String),
            ActionRecord.title,
            ActionRecord.start_on,
            ActionRecord.due_on,
            ActionRecord.percent_complete,
            ActionRecord.budget_pence,
            ActionRecord.notes_confidential,
            ActionRecord.deleted_at.is_(None),
            ActionRecord.theme_id,
            literal(1),
        )
        .order_by(ActionRecord.id)
        .limit(40)
    )
    ordinary, plain = _ordinary(demo_services, statement), _plain(demo_services, statement)
    assert plain == ordinary and len(plain) == 40
    for got, expected in zip(plain, ordinary, strict=True):
        assert [type(value) for value in got] == [type(value) for value in expected]
    first = plain[0]
    assert isinstance(first[0], uuid.UUID) and first[1] == first[0].hex  # a coerced id stays its stored text
    assert any(isinstance(row[3], date) for row in plain) and all(isinstance(row[8], bool) for row in plain)


def test_empty_dates_and_missing_links_stay_none(demo_services: Services) -> None:
    statement = select(MilestoneRecord.title, MilestoneRecord.done_on).where(MilestoneRecord.done_on.is_(None))
    rows = _plain(demo_services, statement)
    assert rows and all(done_on is None for _title, done_on in rows)
    themes = select(ThemeRecord.name, ThemeRecord.parent_id).order_by(ThemeRecord.name)
    assert _plain(demo_services, themes) == _ordinary(demo_services, themes)


def test_a_column_of_another_type_is_read_the_ordinary_way(demo_services: Services) -> None:
    # The UTC timestamps are a TypeDecorator: their values must come back as aware datetimes, never as text.
    statement = select(NeedRecord.title, NeedRecord.created_at, func.count()).group_by(NeedRecord.id).limit(5)
    rows = _plain(demo_services, statement)
    assert rows == _ordinary(demo_services, statement)
    assert all(isinstance(created, datetime) and created.tzinfo is not None for _title, created, _n in rows)


def test_the_plan_built_from_plain_rows_is_the_plan_built_from_ordinary_rows(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = build_plan(demo_services, PlanFilters(include_confidential=True))

    def ordinary_rows(unit: UnitOfWork, statement: Any) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in unit.session.connection().execute(statement).all()]

    monkeypatch.setattr(plan_queries, "plain_rows", ordinary_rows)
    assert build_plan(demo_services, PlanFilters(include_confidential=True)) == plain
    assert plain.actions and any(action.milestones for action in plain.actions)
