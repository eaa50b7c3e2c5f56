"""The evidence base: indicators that show what the actions achieved, and their measurements.

An indicator has a baseline and a target; its progress is how far its actual value has moved from the baseline
toward the target. The actual is the latest measurement for a periodic indicator and the running total of all
measurements for a cumulative one.
"""

from __future__ import annotations

import builtins
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.values import require_text
from locality.domain.vocabulary import Direction, TargetKind
from locality.services import records
from locality.services.context import ServiceContext
from locality.store import funding_queries, indicator_queries
from locality.store.indicator_queries import IndicatorRow, MeasurementSummary
from locality.store.models import ActionRecord, IndicatorRecord, MeasurementRecord, NeedRecord
from locality.store.unit_of_work import UnitOfWork

ENTITY = Entity.INDICATOR
MEASUREMENT_ENTITY = Entity.MEASUREMENT
LABEL = "indicator"
MEASUREMENT_LABEL = "measurement"


@dataclass(frozen=True, slots=True)
class IndicatorDraft:
    """What the user enters for an indicator."""

    name: str
    description: str = ""
    unit: str = ""
    direction: Direction = Direction.HIGHER_IS_BETTER
    target_kind: TargetKind = TargetKind.PERIODIC
    baseline_value: float | None = None
    baseline_on: date | None = None
    target_value: float | None = None
    target_on: date | None = None
    need_id: uuid.UUID | None = None
    action_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    id: uuid.UUID
    version: int
    name: str
    description: str
    unit: str
    direction: Direction
    target_kind: TargetKind
    baseline_value: float | None
    baseline_on: date | None
    target_value: float | None
    target_on: date | None
    need_id: uuid.UUID | None
    need_title: str
    action_id: uuid.UUID | None
    action_title: str
    measurement_count: int
    latest_value: float | None
    latest_on: date | None
    # The latest value for a periodic indicator, the sum of all measurements for a cumulative one (``actual_value``
    # below): what the app and the exports show as its latest value. ``latest_value`` is only the last measurement.
    actual_value: float | None
    percent_to_target: int | None
    created_at: datetime
    updated_at: datetime
    # The theme of the need it evidences (None without a need or theme).
    need_theme_id: uuid.UUID | None = None
    # Whether it is behind where it should be today, and why or why not, in a sentence (see ``assess_track``).
    off_track: bool = False
    track_note: str = ""

    @property
    def target_met(self) -> bool:
        return self.percent_to_target == 100

    def as_draft(self) -> IndicatorDraft:
        return IndicatorDraft(
            name=self.name,
            description=self.description,
            unit=self.unit,
            direction=self.direction,
            target_kind=self.target_kind,
            baseline_value=self.baseline_value,
            baseline_on=self.baseline_on,
            target_value=self.target_value,
            target_on=self.target_on,
            need_id=self.need_id,
            action_id=self.action_id,
        )


@dataclass(frozen=True)
class Measurement:
    id: uuid.UUID
    version: int
    indicator_id: uuid.UUID
    measured_on: date
    value: float
    note: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DeletedIndicators:
    """What a delete removed (the indicators, with their measurements), so that it can be undone."""

    ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DeletedMeasurement:
    id: uuid.UUID


_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "target_kind",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "need_id",
    "action_id",
)
_MEASUREMENT_FIELDS = ("indicator_id", "measured_on", "value", "note")


# --------------------------------------------------------------------------- rules


def percent_to_target(
    direction: Direction, baseline: float | None, target: float | None, actual: float | None
) -> int | None:
    """How far ``actual`` has come from ``baseline`` toward ``target``, as a whole percent from 0 to 100.

    None when it cannot be worked out: a value is missing, or the target is not a move in the better
    direction from the baseline (so there is no distance to cover).
    """
    if baseline is None or target is None or actual is None:
        return None
    if direction == Direction.HIGHER_IS_BETTER:
        distance, covered = target - baseline, actual - baseline
    else:
        distance, covered = baseline - target, baseline - actual
    if distance <= 0:
        return None
    percent = 100 * covered / distance
    return max(0, min(100, math.floor(percent + 0.5)))


# How far behind the straight line from baseline to target an indicator may fall before it is off track.
TRACK_TOLERANCE = 10

#: The rule ``assess_track`` applies, in the words the dashboard and the indicators page show.
TRACK_RULE = (
    "An indicator is on track when its target is met, or when it is no more than "
    f"{TRACK_TOLERANCE} points behind the share of the time from its baseline date to its target date that has "
    "gone (halfway through the period, at least 40% of the way there). It is off track when the target date has "
    "passed without the target being met. Whether higher or lower is better follows the indicator; one without a "
    "target or a measurement is not assessed."
)


def assess_track(
    percent: int | None,
    target_value: float | None,
    actual_value: float | None,
    baseline_on: date | None,
    target_on: date | None,
    today: date,
) -> tuple[bool, str]:
    """(off track, why) for an indicator today.

    Off track: the target date has passed without the target being met; or it is more than TRACK_TOLERANCE
    points behind the share of the time from the baseline date to the target date that has gone.
    """
    if target_value is None:
        return False, "No target set"
    if percent is not None and percent >= 100:
        return False, "Target met"
    overdue = target_on is not None and today > target_on
    if percent is None:
        if actual_value is None:
            if overdue:
                return True, "No measurements, and the target date has passed"
            return False, "No measurements yet"
        return False, "Progress cannot be worked out: the target is no better than the baseline"
    if overdue:
        return True, f"The target date passed with it {percent}% of the way to target"
    if baseline_on is not None and target_on is not None and target_on > baseline_on and today > baseline_on:
        expected = math.floor(100 * (today - baseline_on).days / (target_on - baseline_on).days)
        if percent + TRACK_TOLERANCE < expected:
            return True, f"{percent}% of the way to target with {expected}% of the time gone"
        return False, f"On track: {percent}% of the way to target with {expected}% of the time gone"
    return False, f"{percent}% of the way to target"


def on_track(percent: int | None, off_track: bool) -> bool | None:
    """Whether an indicator is on track by ``TRACK_RULE``, from its percent to target and ``assess_track``'s
    verdict; None when it cannot be assessed (no target or no measurement yet)."""
    if off_track:
        return False
    if percent is None:
        return None
    return True


@dataclass(frozen=True)
class TrackCounts:
    total: int
    on_track: int
    off_track: int
    not_assessed: int


def actual_value(target_kind: TargetKind, total: float | None, latest_value: float | None) -> float | None:
    """An indicator's latest value, the one the app and every export show as its "latest": the running total of
    its measurements (``total``) for a cumulative indicator, the latest measurement for a periodic one.

    None when it has no measurements (pass None for both).
    """
    return total if target_kind == TargetKind.CUMULATIVE else latest_value


def progress_to_target(
    direction: Direction,
    target_kind: TargetKind,
    baseline: float | None,
    target: float | None,
    actual: float | None,
) -> int | None:
    """``percent_to_target`` of an indicator's ``actual_value``; a running total starts from nothing unless a
    baseline says otherwise."""
    if baseline is None and target_kind == TargetKind.CUMULATIVE:
        baseline = 0.0
    return percent_to_target(direction, baseline, target, actual)


def _track(
    direction: Direction,
    target_kind: TargetKind,
    baseline_value: float | None,
    baseline_on: date | None,
    target_value: float | None,
    target_on: date | None,
    summary: MeasurementSummary | None,
    today: date,
) -> tuple[float | None, int | None, bool, str]:
    """(actual value, percent to target, off track, why) of an indicator today: the one way the indicators page,
    the dashboard and every export decide it."""
    actual = None if summary is None else actual_value(target_kind, summary.total, summary.latest_value)
    percent = progress_to_target(direction, target_kind, baseline_value, target_value, actual)
    off_track, note = assess_track(percent, target_value, actual, baseline_on, target_on, today)
    return actual, percent, off_track, note


def _indicator(
    row: IndicatorRow, summary: MeasurementSummary | None, today: date, theme_id: uuid.UUID | None = None
) -> Indicator:
    record = row.record
    direction = Direction(record.direction)
    target_kind = TargetKind(record.target_kind)
    actual, percent, off_track, note = _track(
        direction,
        target_kind,
        record.baseline_value,
        record.baseline_on,
        record.target_value,
        record.target_on,
        summary,
        today,
    )
    return Indicator(
        id=record.id,
        version=record.version,
        name=record.name,
        description=record.description,
        unit=record.unit,
        direction=direction,
        target_kind=target_kind,
        baseline_value=record.baseline_value,
        baseline_on=record.baseline_on,
        target_value=record.target_value,
        target_on=record.target_on,
        need_id=record.need_id,
        need_title=row.need_title or "",
        action_id=record.action_id,
        action_title=row.action_title or "",
        measurement_count=summary.count if summary else 0,
        latest_value=summary.latest_value if summary else None,
        latest_on=summary.latest_on if summary else None,
        actual_value=actual,
        percent_to_target=percent,
        created_at=record.created_at,
        updated_at=record.updated_at,
        need_theme_id=theme_id,
        off_track=off_track,
        track_note=note,
    )


def _load(unit: UnitOfWork, indicator_id: uuid.UUID, today: date) -> Indicator:
    unit.flush()
    rows = indicator_queries.indicator_rows(unit, indicator_id=indicator_id)
    if not rows:
        raise NotFoundError(f"That {LABEL} no longer exists; it may have been deleted by someone else.")
    summaries = indicator_queries.measurement_summaries(unit, [indicator_id])
    need_id = rows[0].record.need_id
    themes = funding_queries.need_themes(unit, [need_id]) if need_id is not None else {}
    return _indicator(rows[0], summaries.get(indicator_id), today, themes.get(need_id) if need_id else None)


def _measurement(record: MeasurementRecord) -> Measurement:
    return Measurement(
        id=record.id,
        version=record.version,
        indicator_id=record.indicator_id,
        measured_on=record.measured_on,
        value=record.value,
        note=record.note,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _number(value: object, field_name: str, label: str, errors: dict[str, str]) -> float | None:
    """A finite number or None; an error for ``field_name`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        errors[field_name] = f"{label} must be a number"
        return None
    return float(value)


def _validated(unit: UnitOfWork, draft: IndicatorDraft) -> dict[str, object]:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["name"] = require_text(draft.name, "name", "Name", max_length=300)
    except ValidationError as error:
        errors.update(error.field_errors)
    if len(draft.unit.strip()) > 60:
        errors["unit"] = f"Unit must be 60 characters or fewer; it has {len(draft.unit.strip())}"
    try:
        values["direction"] = Direction(draft.direction).value
    except ValueError:
        errors["direction"] = "Choose whether higher or lower is better"
    try:
        values["target_kind"] = TargetKind(draft.target_kind).value
    except ValueError:
        errors["target_kind"] = "Choose whether the target is periodic or cumulative"
    values["baseline_value"] = _number(draft.baseline_value, "baseline_value", "The baseline", errors)
    values["target_value"] = _number(draft.target_value, "target_value", "The target", errors)
    if draft.baseline_on and draft.target_on and draft.target_on < draft.baseline_on:
        errors["target_on"] = "The target date cannot be before the baseline date"
    if draft.need_id is not None and unit.get(NeedRecord, draft.need_id) is None:
        errors["need_id"] = "Choose a need from the list"
    if draft.action_id is not None and unit.get(ActionRecord, draft.action_id) is None:
        errors["action_id"] = "Choose an action from the list"
    if errors:
        raise ValidationError(errors)
    values.update(
        description=draft.description.strip(),
        unit=draft.unit.strip(),
        baseline_on=draft.baseline_on,
        target_on=draft.target_on,
        need_id=draft.need_id,
        action_id=draft.action_id,
    )
    return values


def _validated_measurement(measured_on: date | None, value: float | None, note: str) -> dict[str, object]:
    errors: dict[str, str] = {}
    if measured_on is None:
        errors["measured_on"] = "Enter the date of the measurement"
    number = _number(value, "value", "The value", errors)
    if value is None:
        errors["value"] = "Enter the value measured"
    if errors:
        raise ValidationError(errors)
    return {"measured_on": measured_on, "value": number, "note": (note or "").strip()}


def _ids(ids: uuid.UUID | Sequence[uuid.UUID]) -> list[uuid.UUID]:
    return [ids] if isinstance(ids, uuid.UUID) else list(ids)


# --------------------------------------------------------------------------- the service


class IndicatorService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ------------------------------------------------------------------ indicators

    def list(self, *, need_id: uuid.UUID | None = None, action_id: uuid.UUID | None = None) -> builtins.list[Indicator]:
        """Live indicators by name, optionally only those of one need or one action."""
        with self._context.read() as unit:
            rows = indicator_queries.indicator_rows(unit, need_id=need_id, action_id=action_id)
            wanted = None if need_id is None and action_id is None else [row.record.id for row in rows]
            summaries = indicator_queries.measurement_summaries(unit, wanted)
            need_ids = [row.record.need_id for row in rows if row.record.need_id is not None]
            themes = funding_queries.need_themes(unit, need_ids)
            today = self._context.today()
            return [
                _indicator(
                    row,
                    summaries.get(row.record.id),
                    today,
                    themes.get(row.record.need_id) if row.record.need_id else None,
                )
                for row in rows
            ]

    def track_counts(self) -> TrackCounts:
        """How many live indicators are on track, off track and cannot be assessed today (what the dashboard
        shows), from their target columns and measurement summaries alone: no records, names or links read."""
        today = self._context.today()
        with self._context.read() as unit:
            rows = indicator_queries.track_rows(unit)
            summaries = indicator_queries.measurement_summaries(unit)
        states = [
            on_track(
                *_track(
                    Direction(row.direction),
                    TargetKind(row.target_kind),
                    row.baseline_value,
                    row.baseline_on,
                    row.target_value,
                    row.target_on,
                    summaries.get(row.id),
                    today,
                )[1:3]
            )
            for row in rows
        ]
        return TrackCounts(len(states), states.count(True), states.count(False), states.count(None))

    def get(self, indicator_id: uuid.UUID) -> Indicator:
        with self._context.read() as unit:
            return _load(unit, indicator_id, self._context.today())

    def create(self, draft: IndicatorDraft) -> Indicator:
        with self._context.edit(ENTITY) as unit:
            values = _validated(unit, draft)
            record = records.create(unit, IndicatorRecord(**values), _FIELDS)
            return _load(unit, record.id, self._context.today())

    def update(self, indicator_id: uuid.UUID, draft: IndicatorDraft, expected_version: int | None) -> Indicator:
        with self._context.edit(ENTITY) as unit:
            record = records.require(unit, IndicatorRecord, indicator_id, LABEL)
            today = self._context.today()
            records.check_version(record, expected_version, LABEL, lambda: _load(unit, indicator_id, today))
            records.update(unit, record, _validated(unit, draft))
            return _load(unit, indicator_id, self._context.today())

    def delete(self, indicator_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedIndicators:
        """Deletes indicators together with their measurements."""
        with self._context.edit(ENTITY, MEASUREMENT_ENTITY) as unit:
            targets = [records.require(unit, IndicatorRecord, iid, LABEL) for iid in _ids(indicator_ids)]
            for record in targets:
                at = records.tombstone(unit, [record])
                records.tombstone(unit, unit.list(MeasurementRecord, {"indicator_id": record.id}), at)
            return DeletedIndicators(tuple(record.id for record in targets))

    def restore(self, deleted: DeletedIndicators) -> None:
        """Undoes a delete: the indicators and the measurements deleted with them come back."""
        with self._context.edit(ENTITY, MEASUREMENT_ENTITY) as unit:
            for indicator_id in deleted.ids:
                record = unit.get(IndicatorRecord, indicator_id, include_deleted=True)
                if record is None or record.deleted_at is None:
                    continue
                where = {"indicator_id": indicator_id}
                records.restore_dependants(unit, MeasurementRecord, where, record.deleted_at)
                records.restore(unit, [record])

    def need_choices(self) -> builtins.list[tuple[uuid.UUID, str]]:
        """(id, title) of every live need, by title: what an indicator may evidence."""
        with self._context.read() as unit:
            return funding_queries.need_titles(unit)

    def action_choices(self) -> builtins.list[tuple[uuid.UUID, str]]:
        """(id, title) of every live action, by title: what an indicator may evidence."""
        with self._context.read() as unit:
            return funding_queries.action_titles(unit)

    # ------------------------------------------------------------------ measurements

    def measurements(self, indicator_id: uuid.UUID) -> builtins.list[Measurement]:
        """An indicator's live measurements, oldest first."""
        with self._context.read() as unit:
            records.require(unit, IndicatorRecord, indicator_id, LABEL)
            rows = unit.list(MeasurementRecord, {"indicator_id": indicator_id}, order_by=("measured_on", "created_at"))
            return [_measurement(row) for row in rows]

    def get_measurement(self, measurement_id: uuid.UUID) -> Measurement:
        with self._context.read() as unit:
            return _measurement(records.require(unit, MeasurementRecord, measurement_id, MEASUREMENT_LABEL))

    def add_measurement(
        self, indicator_id: uuid.UUID, measured_on: date | None, value: float | None, note: str = ""
    ) -> Measurement:
        with self._context.edit(MEASUREMENT_ENTITY) as unit:
            records.require(unit, IndicatorRecord, indicator_id, LABEL)
            values = _validated_measurement(measured_on, value, note)
            record = records.create(unit, MeasurementRecord(indicator_id=indicator_id, **values), _MEASUREMENT_FIELDS)
            return _measurement(record)

    def update_measurement(
        self,
        measurement_id: uuid.UUID,
        measured_on: date | None,
        value: float | None,
        note: str = "",
        expected_version: int | None = None,
    ) -> Measurement:
        with self._context.edit(MEASUREMENT_ENTITY) as unit:
            record = records.require(unit, MeasurementRecord, measurement_id, MEASUREMENT_LABEL)
            records.check_version(record, expected_version, MEASUREMENT_LABEL, lambda: _measurement(record))
            records.update(unit, record, _validated_measurement(measured_on, value, note))
            return _measurement(record)

    def delete_measurement(self, measurement_id: uuid.UUID) -> DeletedMeasurement:
        with self._context.edit(MEASUREMENT_ENTITY) as unit:
            record = records.require(unit, MeasurementRecord, measurement_id, MEASUREMENT_LABEL)
            records.tombstone(unit, [record])
            return DeletedMeasurement(record.id)

    def restore_measurement(self, deleted: DeletedMeasurement) -> Measurement:
        """Undoes a measurement's delete; refused once its indicator has been deleted."""
        with self._context.edit(MEASUREMENT_ENTITY) as unit:
            record = unit.get(MeasurementRecord, deleted.id, include_deleted=True)
            if record is None:
                raise NotFoundError("That measurement no longer exists.")
            if unit.get(IndicatorRecord, record.indicator_id) is None:
                raise NotFoundError("The indicator of that measurement has been deleted; restore it first.")
            records.restore(unit, [record])
            return _measurement(record)
