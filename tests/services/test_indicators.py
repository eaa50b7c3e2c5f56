"""The evidence base: indicators with baseline and target, their measurements, progress toward the target."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from locality.domain.errors import NotFoundError, StaleRecordError, ValidationError
from locality.domain.vocabulary import Direction, TargetKind
from locality.services.context import Changes, ServiceContext
from locality.services.indicators import (
    IndicatorDraft,
    IndicatorService,
    percent_to_target,
)
from locality.store.models import ActionRecord, ChangeLogRecord, IndicatorRecord, MeasurementRecord, NeedRecord
from locality.store.workspace import Workspace

TODAY = date(2008, 6, 1)


@pytest.fixture
def indicators(ctx: ServiceContext) -> IndicatorService:
    return IndicatorService(ctx)


def add_need(workspace: Workspace, title: str = "Tackle anti-social behaviour") -> uuid.UUID:
    with workspace.transaction() as unit:
        record = NeedRecord(id=uuid.uuid4(), title=title)
        unit.add(record)
        return record.id


def add_action(workspace: Workspace, title: str = "Joint neighbourhood patrols") -> uuid.UUID:
    with workspace.transaction() as unit:
        record = ActionRecord(id=uuid.uuid4(), title=title)
        unit.add(record)
        return record.id


@dataclass(frozen=True)
class Logged:
    entity: str
    record_id: uuid.UUID
    operation: str
    field: str | None
    old_value: str | None
    new_value: str | None
    author: str


def log_rows(workspace: Workspace, entity: str | None = None) -> list[Logged]:
    """The change log, oldest first, optionally of one entity."""
    with workspace.reading() as unit:
        rows = [
            Logged(row.entity, row.record_id, row.operation, row.field, row.old_value, row.new_value, row.author)
            for row in unit.list(ChangeLogRecord, order_by=("seq",))
        ]
    return [row for row in rows if entity is None or row.entity == entity]


def count(workspace: Workspace, model: type) -> int:
    with workspace.reading() as unit:
        return unit.count(model)


def draft(**changes: object) -> IndicatorDraft:
    values: dict[str, object] = {
        "name": "Residents satisfied with their area",
        "unit": "%",
        "baseline_value": 60.0,
        "baseline_on": date(2007, 4, 1),
        "target_value": 80.0,
        "target_on": date(2009, 3, 31),
    }
    values.update(changes)
    return IndicatorDraft(**values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- create and read


def test_create_saves_every_field_and_names_need_and_action(
    indicators: IndicatorService, workspace: Workspace, heard: list[Changes]
) -> None:
    need_id = add_need(workspace)
    action_id = add_action(workspace)
    created = indicators.create(
        draft(
            description="  From the Place Survey  ",
            direction=Direction.HIGHER_IS_BETTER,
            target_kind=TargetKind.PERIODIC,
            need_id=need_id,
            action_id=action_id,
        )
    )
    again = indicators.get(created.id)
    assert again == created
    assert again.name == "Residents satisfied with their area"
    assert again.description == "From the Place Survey"
    assert again.unit == "%"
    assert again.direction is Direction.HIGHER_IS_BETTER
    assert again.target_kind is TargetKind.PERIODIC
    assert (again.baseline_value, again.baseline_on) == (60.0, date(2007, 4, 1))
    assert (again.target_value, again.target_on) == (80.0, date(2009, 3, 31))
    assert again.need_title == "Tackle anti-social behaviour"
    assert again.action_title == "Joint neighbourhood patrols"
    assert again.version == 1
    assert again.measurement_count == 0
    assert again.latest_value is None
    assert again.percent_to_target is None
    assert heard == [Changes(frozenset({"indicator"}))]

    [row] = log_rows(workspace, "indicator")
    assert row.operation == "create"
    assert row.author == "Test User"
    assert json.loads(row.new_value or "")["direction"] == "Higher is better"


def test_list_is_by_name_and_filters_by_need_and_action(indicators: IndicatorService, workspace: Workspace) -> None:
    need_id = add_need(workspace)
    action_id = add_action(workspace)
    indicators.create(draft(name="Reported crime", need_id=need_id))
    indicators.create(draft(name="Average days to re-let", action_id=action_id))
    indicators.create(draft(name="Bus punctuality"))
    assert [i.name for i in indicators.list()] == ["Average days to re-let", "Bus punctuality", "Reported crime"]
    assert [i.name for i in indicators.list(need_id=need_id)] == ["Reported crime"]
    assert [i.name for i in indicators.list(action_id=action_id)] == ["Average days to re-let"]


# --------------------------------------------------------------------------- validation


def test_every_field_error_is_reported_at_once_and_nothing_is_written(
    indicators: IndicatorService, workspace: Workspace
) -> None:
    before = len(log_rows(workspace))
    with pytest.raises(ValidationError) as caught:
        indicators.create(
            draft(
                name="   ",
                baseline_on=date(2008, 4, 1),
                target_on=date(2008, 3, 31),
                need_id=uuid.uuid4(),
                action_id=uuid.uuid4(),
                baseline_value=math.nan,
                target_value=math.inf,
            )
        )
    assert caught.value.field_errors == {
        "name": "Name cannot be empty.",
        "target_on": "The target date cannot be before the baseline date",
        "need_id": "Choose a need from the list",
        "action_id": "Choose an action from the list",
        "baseline_value": "The baseline must be a number",
        "target_value": "The target must be a number",
    }
    assert count(workspace, IndicatorRecord) == 0
    assert len(log_rows(workspace)) == before


def test_a_deleted_need_cannot_be_linked(indicators: IndicatorService, workspace: Workspace) -> None:
    need_id = add_need(workspace)
    with workspace.transaction() as unit:
        need = unit.get(NeedRecord, need_id)
        assert need is not None
        need.deleted_at = need.created_at
    with pytest.raises(ValidationError) as caught:
        indicators.create(draft(need_id=need_id))
    assert caught.value.field_errors == {"need_id": "Choose a need from the list"}


def test_target_on_the_baseline_date_is_allowed(indicators: IndicatorService) -> None:
    created = indicators.create(draft(baseline_on=date(2008, 4, 1), target_on=date(2008, 4, 1)))
    assert created.target_on == date(2008, 4, 1)


# --------------------------------------------------------------------------- update and conflicts


def test_update_changes_fields_logs_each_and_bumps_version(indicators: IndicatorService, workspace: Workspace) -> None:
    created = indicators.create(draft())
    updated = indicators.update(
        created.id, draft(target_value=85.0, direction=Direction.LOWER_IS_BETTER), created.version
    )
    assert updated.version == 2
    assert updated.target_value == 85.0
    assert updated.direction is Direction.LOWER_IS_BETTER
    changes = {(row.field, row.old_value, row.new_value) for row in log_rows(workspace, "indicator")[1:]}
    assert changes == {
        ("target_value", "80.0", "85.0"),
        ("direction", '"Higher is better"', '"Lower is better"'),
    }


def test_stale_update_is_refused_with_the_current_values(indicators: IndicatorService) -> None:
    created = indicators.create(draft())
    indicators.update(created.id, draft(name="Satisfaction with the area"), created.version)
    with pytest.raises(StaleRecordError) as caught:
        indicators.update(created.id, draft(name="Another name"), created.version)
    assert "changed by someone else" in str(caught.value)
    assert caught.value.current.name == "Satisfaction with the area"
    assert indicators.get(created.id).name == "Satisfaction with the area"


def test_invalid_update_writes_nothing(indicators: IndicatorService, workspace: Workspace) -> None:
    created = indicators.create(draft())
    before = len(log_rows(workspace))
    with pytest.raises(ValidationError):
        indicators.update(created.id, draft(name=""), created.version)
    assert indicators.get(created.id) == created
    assert len(log_rows(workspace)) == before


# --------------------------------------------------------------------------- measurements


def test_measurements_are_listed_oldest_first_and_the_latest_is_shown(indicators: IndicatorService) -> None:
    created = indicators.create(draft())
    indicators.add_measurement(created.id, date(2008, 3, 31), 70.0, "  Spring survey ")
    indicators.add_measurement(created.id, date(2007, 9, 30), 65.0)
    measured = indicators.measurements(created.id)
    assert [(m.measured_on, m.value, m.note) for m in measured] == [
        (date(2007, 9, 30), 65.0, ""),
        (date(2008, 3, 31), 70.0, "Spring survey"),
    ]
    shown = indicators.get(created.id)
    assert shown.latest_value == 70.0
    assert shown.latest_on == date(2008, 3, 31)
    assert shown.measurement_count == 2
    assert shown.actual_value == 70.0
    assert shown.percent_to_target == 50  # 60 -> 70 of 60 -> 80


def test_cumulative_actual_is_the_running_total(indicators: IndicatorService) -> None:
    created = indicators.create(
        draft(
            name="Staff trained in safeguarding",
            unit="people",
            target_kind=TargetKind.CUMULATIVE,
            baseline_value=None,
            target_value=400.0,
        )
    )
    indicators.add_measurement(created.id, date(2007, 6, 30), 120.0)
    indicators.add_measurement(created.id, date(2007, 12, 31), 80.0)
    shown = indicators.get(created.id)
    assert shown.latest_value == 80.0
    assert shown.actual_value == 200.0
    assert shown.percent_to_target == 50


def test_lower_is_better_progress_and_clamping(indicators: IndicatorService) -> None:
    created = indicators.create(
        draft(
            name="Average days to re-let", direction=Direction.LOWER_IS_BETTER, baseline_value=40.0, target_value=20.0
        )
    )
    indicators.add_measurement(created.id, date(2008, 1, 1), 35.0)
    assert indicators.get(created.id).percent_to_target == 25
    indicators.add_measurement(created.id, date(2008, 2, 1), 45.0)  # worse than the baseline
    assert indicators.get(created.id).percent_to_target == 0
    indicators.add_measurement(created.id, date(2008, 3, 1), 15.0)  # better than the target
    shown = indicators.get(created.id)
    assert shown.percent_to_target == 100
    assert shown.target_met


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "actual", "expected"),
    [
        (Direction.HIGHER_IS_BETTER, 60.0, 80.0, 70.0, 50),
        (Direction.HIGHER_IS_BETTER, 60.0, 80.0, 90.0, 100),
        (Direction.HIGHER_IS_BETTER, 60.0, 80.0, 50.0, 0),
        (Direction.HIGHER_IS_BETTER, 0.0, 3.0, 1.0, 33),
        (Direction.LOWER_IS_BETTER, 40.0, 20.0, 25.0, 75),
        (Direction.HIGHER_IS_BETTER, None, 80.0, 70.0, None),
        (Direction.HIGHER_IS_BETTER, 60.0, None, 70.0, None),
        (Direction.HIGHER_IS_BETTER, 60.0, 80.0, None, None),
        (Direction.HIGHER_IS_BETTER, 60.0, 60.0, 70.0, None),  # no distance to cover
        (Direction.HIGHER_IS_BETTER, 80.0, 60.0, 70.0, None),  # target in the wrong direction
        (Direction.LOWER_IS_BETTER, 20.0, 40.0, 25.0, None),
    ],
)
def test_percent_to_target(
    direction: Direction, baseline: float | None, target: float | None, actual: float | None, expected: int | None
) -> None:
    assert percent_to_target(direction, baseline, target, actual) == expected


def test_measurement_validation_and_nothing_written(indicators: IndicatorService, workspace: Workspace) -> None:
    created = indicators.create(draft())
    with pytest.raises(ValidationError) as caught:
        indicators.add_measurement(created.id, None, math.nan)
    assert caught.value.field_errors == {
        "measured_on": "Enter the date of the measurement",
        "value": "The value must be a number",
    }
    with pytest.raises(ValidationError) as caught:
        indicators.add_measurement(created.id, date(2008, 1, 1), None)
    assert caught.value.field_errors == {"value": "Enter the value measured"}
    with pytest.raises(ValidationError):
        indicators.add_measurement(created.id, date(2008, 1, 1), -math.inf)
    assert count(workspace, MeasurementRecord) == 0
    assert log_rows(workspace, "measurement") == []


def test_measurement_for_a_missing_indicator_is_refused(indicators: IndicatorService) -> None:
    with pytest.raises(NotFoundError):
        indicators.add_measurement(uuid.uuid4(), date(2008, 1, 1), 1.0)


def test_update_measurement_and_stale_conflict(
    indicators: IndicatorService, workspace: Workspace, heard: list[Changes]
) -> None:
    created = indicators.create(draft())
    measured = indicators.add_measurement(created.id, date(2008, 3, 31), 70.0)
    changed = indicators.update_measurement(measured.id, date(2008, 3, 31), 72.5, "Corrected", measured.version)
    assert (changed.value, changed.note, changed.version) == (72.5, "Corrected", 2)
    assert indicators.get(created.id).latest_value == 72.5
    with pytest.raises(StaleRecordError) as caught:
        indicators.update_measurement(measured.id, date(2008, 3, 31), 1.0, "", measured.version)
    assert caught.value.current.value == 72.5
    assert heard[-1] == Changes(frozenset({"measurement"}))
    fields = {row.field for row in log_rows(workspace, "measurement") if row.operation == "update"}
    assert fields == {"value", "note"}


def test_delete_and_restore_a_measurement(indicators: IndicatorService) -> None:
    created = indicators.create(draft())
    first = indicators.add_measurement(created.id, date(2008, 1, 1), 65.0)
    second = indicators.add_measurement(created.id, date(2008, 3, 1), 70.0)
    deleted = indicators.delete_measurement(second.id)
    assert [m.id for m in indicators.measurements(created.id)] == [first.id]
    assert indicators.get(created.id).latest_value == 65.0
    restored = indicators.restore_measurement(deleted)
    assert restored.id == second.id
    assert indicators.get(created.id).latest_value == 70.0


# --------------------------------------------------------------------------- delete and undo


def test_delete_takes_measurements_with_it_and_restore_brings_them_back(
    indicators: IndicatorService, workspace: Workspace, heard: list[Changes]
) -> None:
    created = indicators.create(draft())
    kept_apart = indicators.add_measurement(created.id, date(2007, 12, 1), 62.0)
    indicators.delete_measurement(kept_apart.id)  # deleted earlier, on its own
    indicators.add_measurement(created.id, date(2008, 1, 1), 65.0)
    indicators.add_measurement(created.id, date(2008, 3, 1), 70.0)

    deleted = indicators.delete(created.id)
    assert deleted.ids == (created.id,)
    assert indicators.list() == []
    assert count(workspace, MeasurementRecord) == 0
    with pytest.raises(NotFoundError):
        indicators.get(created.id)
    assert heard[-1] == Changes(frozenset({"indicator", "measurement"}))
    deletions = [row for row in log_rows(workspace) if row.operation == "delete"]
    assert len(deletions) == 4  # the earlier measurement, the indicator and its two live measurements

    indicators.restore(deleted)
    back = indicators.get(created.id)
    assert back.measurement_count == 2
    assert [m.value for m in indicators.measurements(created.id)] == [65.0, 70.0]
    assert len([row for row in log_rows(workspace) if row.operation == "restore"]) == 3


def test_a_measurement_of_a_deleted_indicator_cannot_be_restored(indicators: IndicatorService) -> None:
    created = indicators.create(draft())
    measured = indicators.add_measurement(created.id, date(2008, 1, 1), 65.0)
    deleted = indicators.delete_measurement(measured.id)
    indicators.delete([created.id])
    with pytest.raises(NotFoundError, match="restore it first"):
        indicators.restore_measurement(deleted)


def test_deleting_a_missing_indicator_is_refused(indicators: IndicatorService) -> None:
    with pytest.raises(NotFoundError):
        indicators.delete([uuid.uuid4()])


# --------------------------------------------------------------------------- on track or not


def test_track_is_judged_against_the_time_gone_and_the_target_date() -> None:
    from locality.services.indicators import assess_track

    start, end = date(2008, 1, 1), date(2009, 1, 1)
    # Five months of twelve gone (41%): 35% is close enough, 20% is behind.
    assert assess_track(35, 10.0, 5.0, start, end, TODAY)[0] is False
    off, why = assess_track(20, 10.0, 5.0, start, end, TODAY)
    assert off and why == "20% of the way to target with 41% of the time gone"
    assert assess_track(100, 10.0, 5.0, start, end, TODAY) == (False, "Target met")
    assert assess_track(90, 10.0, 5.0, start, date(2008, 5, 1), TODAY)[0] is True
    assert assess_track(None, 10.0, None, start, date(2008, 5, 1), TODAY)[0] is True
    assert assess_track(None, 10.0, None, start, end, TODAY) == (False, "No measurements yet")
    assert assess_track(None, None, 5.0, start, end, TODAY) == (False, "No target set")


def test_demo_indicators_carry_their_need_theme_and_track(demo_services) -> None:  # type: ignore[no-untyped-def]
    listed = demo_services.indicators.list()
    assert len(listed) == 10
    for indicator in listed:
        if indicator.need_id is not None:
            assert indicator.need_theme_id == demo_services.needs.get(indicator.need_id).theme_id
        assert indicator.track_note
        assert demo_services.indicators.get(indicator.id) == indicator
    titles = dict(demo_services.indicators.action_choices())
    assert set(titles) == {action.id for action in demo_services.actions.list()}
    assert len(demo_services.indicators.need_choices()) == 40
