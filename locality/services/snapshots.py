"""Board snapshots: what was reported to a board meeting, kept so that the next report can say what moved.

A snapshot records, for every live action, its status, RAG (and why), percent complete, due date, budget and
spend as they stood, and for every live indicator its latest measured value.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.rag import RagAssessment
from locality.domain.values import require_text
from locality.domain.vocabulary import ActionStatus, Rag, TargetKind
from locality.services import records
from locality.services.action_rag import assess_action, rag_thresholds
from locality.services.context import ServiceContext
from locality.services.indicators import actual_value
from locality.store import batch_writes, funding_summary_queries, indicator_queries, snapshot_queries
from locality.store.models import BoardSnapshotItemRecord, BoardSnapshotRecord, utc_now
from locality.store.snapshot_queries import ActionPosition
from locality.store.unit_of_work import UnitOfWork

ENTITY = Entity.BOARD_SNAPSHOT
ITEM_ENTITY = Entity.BOARD_SNAPSHOT_ITEM
LABEL = "board snapshot"

_FIELDS = ("title", "meeting_on", "notes")


@dataclass(frozen=True)
class BoardSnapshot:
    id: uuid.UUID
    version: int
    title: str
    meeting_on: date
    notes: str
    actions_count: int
    indicators_count: int
    created_at: datetime


@dataclass(frozen=True)
class DeletedSnapshots:
    ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RagChange:
    action_id: uuid.UUID
    title: str
    before: Rag | None
    after: Rag | None
    reason: str  # why the action has its rating now


@dataclass(frozen=True)
class StatusChange:
    action_id: uuid.UUID
    title: str
    before: ActionStatus | None
    after: ActionStatus


@dataclass(frozen=True)
class DueDateChange:
    action_id: uuid.UUID
    title: str
    before: date
    after: date

    @property
    def days_later(self) -> int:
        return (self.after - self.before).days

    @property
    def days_earlier(self) -> int:
        return (self.before - self.after).days


@dataclass(frozen=True)
class PercentChange:
    action_id: uuid.UUID
    title: str
    before: int | None
    after: int

    @property
    def points(self) -> int:
        return self.after - (self.before or 0)


@dataclass(frozen=True)
class ActionNow:
    """An action added since the snapshot, or one deleted since (with its position when reported)."""

    action_id: uuid.UUID
    title: str
    status: ActionStatus | None
    rag: Rag | None
    percent_complete: int | None
    due_on: date | None


@dataclass(frozen=True)
class IndicatorChange:
    indicator_id: uuid.UUID
    name: str
    unit: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class SnapshotComparison:
    """What moved between a board snapshot and today."""

    snapshot: BoardSnapshot
    compared_on: date
    new_reds: tuple[RagChange, ...]
    no_longer_red: tuple[RagChange, ...]
    completed: tuple[StatusChange, ...]
    slipped: tuple[DueDateChange, ...]
    #: Due earlier than reported: brought forward (a board wants to know the plan moved either way).
    brought_forward: tuple[DueDateChange, ...]
    percent_changes: tuple[PercentChange, ...]
    added: tuple[ActionNow, ...]
    removed: tuple[ActionNow, ...]
    indicator_changes: tuple[IndicatorChange, ...]

    @property
    def has_changes(self) -> bool:
        return any(
            (
                self.new_reds,
                self.no_longer_red,
                self.completed,
                self.slipped,
                self.brought_forward,
                self.percent_changes,
                self.added,
                self.removed,
                self.indicator_changes,
            )
        )


# --------------------------------------------------------------------------- positions now


@dataclass(frozen=True)
class _Position:
    action: ActionPosition
    status: ActionStatus
    assessment: RagAssessment
    spend_pence: int


def _status(text: str | None) -> ActionStatus | None:
    try:
        return ActionStatus(text) if text else None
    except ValueError:
        return None


def _rag(text: str | None) -> Rag | None:
    try:
        return Rag(text) if text else None
    except ValueError:
        return None


def _positions(unit: UnitOfWork, today: date) -> dict[uuid.UUID, _Position]:
    """Every live action's position now, with its RAG derived by the workspace's rule; a few bulk queries."""
    thresholds = rag_thresholds(unit)
    milestones = snapshot_queries.milestone_dates_by_action(unit)
    spend = funding_summary_queries.spend_totals_by_action(unit)
    result: dict[uuid.UUID, _Position] = {}
    for action in snapshot_queries.action_positions(unit):
        status = _status(action.status) or ActionStatus.PROPOSED
        assessment = assess_action(action, milestones.get(action.id, ()), today, thresholds)
        result[action.id] = _Position(action, status, assessment, spend.get(action.id, 0))
    return result


def _indicator_values(unit: UnitOfWork) -> dict[uuid.UUID, float | None]:
    """Each live indicator's value as the app and the exports show it: the running total of a cumulative one
    (one rule, ``indicators.actual_value``), so the board's comparison speaks of the same number."""
    summaries = indicator_queries.measurement_summaries(unit)
    values: dict[uuid.UUID, float | None] = {}
    for indicator_id, target_kind in snapshot_queries.live_indicators(unit):
        summary = summaries.get(indicator_id)
        kind = TargetKind.CUMULATIVE if target_kind == TargetKind.CUMULATIVE.value else TargetKind.PERIODIC
        values[indicator_id] = actual_value(kind, summary.total, summary.latest_value) if summary is not None else None
    return values


def _snapshot(record: BoardSnapshotRecord, counts: tuple[int, int]) -> BoardSnapshot:
    return BoardSnapshot(
        id=record.id,
        version=record.version,
        title=record.title,
        meeting_on=record.meeting_on,
        notes=record.notes,
        actions_count=counts[0],
        indicators_count=counts[1],
        created_at=record.created_at,
    )


def _by_title(item: Any) -> tuple[str, str]:
    return (str(item.title).casefold(), str(item.action_id))


def _ids(ids: uuid.UUID | Sequence[uuid.UUID]) -> list[uuid.UUID]:
    return [ids] if isinstance(ids, uuid.UUID) else list(ids)


# --------------------------------------------------------------------------- the service


class SnapshotService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def take(self, title: str, meeting_on: date | None, notes: str = "") -> BoardSnapshot:
        """Records every live action's and indicator's position now, as reported to the meeting."""
        errors: dict[str, str] = {}
        clean_title = ""
        try:
            clean_title = require_text(title, "title", "Title", max_length=300)
        except ValidationError as error:
            errors.update(error.field_errors)
        if meeting_on is None:
            errors["meeting_on"] = "Enter the date of the board meeting"
        if errors:
            raise ValidationError(errors)
        assert meeting_on is not None
        today = self._context.today()
        with self._context.edit(ENTITY, ITEM_ENTITY) as unit:
            record = records.create(
                unit,
                BoardSnapshotRecord(title=clean_title, meeting_on=meeting_on, notes=(notes or "").strip()),
                _FIELDS,
            )
            unit.flush()
            rows: list[dict[str, Any]] = []
            for position in _positions(unit, today).values():
                action = position.action
                rows.append(
                    {
                        "snapshot_id": record.id,
                        "action_id": action.id,
                        "indicator_id": None,
                        "status": position.status.value,
                        "rag": position.assessment.rag.value if position.assessment.rag else None,
                        "rag_reason": position.assessment.reason,
                        "percent_complete": action.percent_complete,
                        "due_on": action.due_on,
                        "budget_pence": action.budget_pence,
                        "spend_pence": position.spend_pence,
                        "indicator_value": None,
                    }
                )
            for indicator_id, value in _indicator_values(unit).items():
                rows.append(
                    {
                        "snapshot_id": record.id,
                        "action_id": None,
                        "indicator_id": indicator_id,
                        "status": None,
                        "rag": None,
                        "rag_reason": "",
                        "percent_complete": None,
                        "due_on": None,
                        "budget_pence": None,
                        "spend_pence": None,
                        "indicator_value": value,
                    }
                )
            batch_writes.bulk_create(unit, BoardSnapshotItemRecord, "snapshot_id", rows)
            actions = sum(1 for row in rows if row["action_id"] is not None)
            return _snapshot(record, (actions, len(rows) - actions))

    def list(self) -> list[BoardSnapshot]:
        """Live snapshots, the latest meeting first."""
        with self._context.read() as unit:
            counts = snapshot_queries.snapshot_item_counts(unit)
            rows = unit.list(BoardSnapshotRecord, order_by=("-meeting_on", "-created_at"))
            return [_snapshot(row, counts.get(row.id, (0, 0))) for row in rows]

    def get(self, snapshot_id: uuid.UUID) -> BoardSnapshot:
        with self._context.read() as unit:
            record = records.require(unit, BoardSnapshotRecord, snapshot_id, LABEL)
            counts = snapshot_queries.snapshot_item_counts(unit)
            return _snapshot(record, counts.get(record.id, (0, 0)))

    def delete(self, snapshot_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedSnapshots:
        with self._context.edit(ENTITY, ITEM_ENTITY) as unit:
            targets = [records.require(unit, BoardSnapshotRecord, sid, LABEL) for sid in _ids(snapshot_ids)]
            for record in targets:
                at = utc_now()
                records.tombstone(unit, [record], at)
                batch_writes.bulk_tombstone(unit, BoardSnapshotItemRecord, "snapshot_id", record.id, at)
            return DeletedSnapshots(tuple(record.id for record in targets))

    def restore(self, deleted: DeletedSnapshots) -> None:
        """Undoes a delete: the snapshots come back with the items deleted with them."""
        with self._context.edit(ENTITY, ITEM_ENTITY) as unit:
            for snapshot_id in deleted.ids:
                record = unit.get(BoardSnapshotRecord, snapshot_id, include_deleted=True)
                if record is None or record.deleted_at is None:
                    continue
                batch_writes.bulk_restore(unit, BoardSnapshotItemRecord, "snapshot_id", snapshot_id, record.deleted_at)
                records.restore(unit, [record])

    def compare(self, snapshot_id: uuid.UUID) -> SnapshotComparison:
        """What has moved since the snapshot: actions turned Red or out of Red, completed, slipped (due later
        than reported) or brought forward (due earlier), percent changed, added or deleted; and indicators whose
        latest value changed."""
        today = self._context.today()
        with self._context.read() as unit:
            record = unit.get(BoardSnapshotRecord, snapshot_id)
            if record is None:
                raise NotFoundError(f"That {LABEL} no longer exists; it may have been deleted by someone else.")
            items = snapshot_queries.snapshot_items(unit, snapshot_id)
            action_items = {item.action_id: item for item in items if item.action_id is not None}
            indicator_items = {item.indicator_id: item for item in items if item.indicator_id is not None}
            now = _positions(unit, today)
            values_now = _indicator_values(unit)
            gone = [action_id for action_id in action_items if action_id not in now]
            gone_titles = snapshot_queries.titles_of_actions(unit, gone)
            indicator_names = snapshot_queries.names_of_indicators(
                unit,
                [i for i in {*indicator_items, *values_now} if i is not None],
            )
            snapshot = _snapshot(record, (len(action_items), len(indicator_items)))

        new_reds: list[RagChange] = []
        no_longer_red: list[RagChange] = []
        completed: list[StatusChange] = []
        slipped: list[DueDateChange] = []
        brought_forward: list[DueDateChange] = []
        percent_changes: list[PercentChange] = []
        added: list[ActionNow] = []
        for action_id, position in now.items():
            action = position.action
            rag_now = position.assessment.rag
            before = action_items.get(action_id)
            if before is None:
                added.append(
                    ActionNow(action_id, action.title, position.status, rag_now, action.percent_complete, action.due_on)
                )
                continue
            rag_then = _rag(before.rag)
            status_then = _status(before.status)
            reason = position.assessment.reason
            if rag_now == Rag.RED and rag_then != Rag.RED:
                new_reds.append(RagChange(action_id, action.title, rag_then, rag_now, reason))
            if rag_then == Rag.RED and rag_now != Rag.RED:
                no_longer_red.append(RagChange(action_id, action.title, rag_then, rag_now, reason))
            if position.status == ActionStatus.COMPLETED and status_then != ActionStatus.COMPLETED:
                completed.append(StatusChange(action_id, action.title, status_then, position.status))
            if before.due_on is not None and action.due_on is not None and action.due_on != before.due_on:
                # Later than reported is a slip; earlier is a promise the board should also hear of.
                moved = DueDateChange(action_id, action.title, before.due_on, action.due_on)
                (slipped if action.due_on > before.due_on else brought_forward).append(moved)
            if before.percent_complete != action.percent_complete:
                percent_changes.append(
                    PercentChange(action_id, action.title, before.percent_complete, action.percent_complete)
                )
        removed = [
            ActionNow(
                action_id,
                gone_titles.get(action_id, ""),
                _status(action_items[action_id].status),
                _rag(action_items[action_id].rag),
                action_items[action_id].percent_complete,
                action_items[action_id].due_on,
            )
            for action_id in gone
        ]
        indicator_changes: list[IndicatorChange] = []
        for indicator_id in {*indicator_items, *values_now}:
            assert indicator_id is not None
            then = indicator_items[indicator_id].indicator_value if indicator_id in indicator_items else None
            after = values_now.get(indicator_id)
            if indicator_id not in values_now and indicator_id in indicator_items:
                continue  # deleted since: nothing to report about its value
            if then != after:
                name, unit_text = indicator_names.get(indicator_id, ("", ""))
                indicator_changes.append(IndicatorChange(indicator_id, name, unit_text, then, after))
        indicator_changes.sort(key=lambda change: (change.name.casefold(), str(change.indicator_id)))
        return SnapshotComparison(
            snapshot=snapshot,
            compared_on=today,
            new_reds=tuple(sorted(new_reds, key=_by_title)),
            no_longer_red=tuple(sorted(no_longer_red, key=_by_title)),
            completed=tuple(sorted(completed, key=_by_title)),
            slipped=tuple(sorted(slipped, key=_by_title)),
            brought_forward=tuple(sorted(brought_forward, key=_by_title)),
            percent_changes=tuple(sorted(percent_changes, key=_by_title)),
            added=tuple(sorted(added, key=_by_title)),
            removed=tuple(sorted(removed, key=_by_title)),
            indicator_changes=tuple(indicator_changes),
        )
