"""Progress: the append-only log of progress updates on an action.

Logging an update also moves the action's percent complete and status on, in the same transaction. A RAG given
in an update is what the reporter said, kept on the update; the action's RAG stays derived by the rule.
Retracting an update puts the action back as it was before that update, unless something later has moved it on.
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.values import format_date, validate_percent
from locality.domain.vocabulary import ActionStatus, Rag, choice
from locality.services import records
from locality.services.context import ServiceContext, User
from locality.store import action_queries
from locality.store.models import ActionRecord, ProgressUpdateRecord
from locality.store.unit_of_work import UnitOfWork

ENTITY = Entity.PROGRESS_UPDATE
ACTION_ENTITY = Entity.ACTION
LABEL = "progress update"

_FIELDS = (
    "action_id",
    "reported_on",
    "author",
    "author_organisation",
    "percent_complete",
    "status",
    "rag",
    "note",
    "confidential",
)
# The action's fields an update can move on.
_APPLIED = ("percent_complete", "status", "completed_on")


@dataclass(frozen=True)
class ProgressDraft:
    """What the user reports; a value left as None is not reported (the action keeps its own)."""

    action_id: uuid.UUID
    reported_on: date | None = None  # today when not given
    percent_complete: int | None = None
    status: ActionStatus | None = None
    rag: Rag | None = None
    note: str = ""
    confidential: bool = False


@dataclass(frozen=True)
class ProgressUpdate:
    id: uuid.UUID
    version: int
    action_id: uuid.UUID
    action_title: str
    reported_on: date
    author: str
    author_organisation: str
    percent_complete: int | None
    status: ActionStatus | None
    rag: Rag | None
    note: str
    confidential: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RetractedProgress:
    """What a retraction did, so that ``reinstate`` can undo it: the update, and for each field of the action
    it put back, (field, value put back, value the update had set)."""

    update_id: uuid.UUID
    action_id: uuid.UUID
    reverted: tuple[tuple[str, Any, Any], ...] = ()


def _to_update(record: ProgressUpdateRecord, action_title: str) -> ProgressUpdate:
    return ProgressUpdate(
        id=record.id,
        version=record.version,
        action_id=record.action_id,
        action_title=action_title,
        reported_on=record.reported_on,
        author=record.author,
        author_organisation=record.author_organisation,
        percent_complete=record.percent_complete,
        status=None if record.status is None else ActionStatus(record.status),
        rag=None if record.rag is None else Rag(record.rag),
        note=record.note,
        confidential=record.confidential,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _decoded(field: str, text: str | None) -> Any:
    """A value of one of the action's applied fields from its change-log text."""
    if text is None:
        return None
    value = json.loads(text)
    if field == "completed_on" and value is not None:
        return date.fromisoformat(value)
    return value


def _applied_values(
    percent_complete: int | None, status: ActionStatus | None, completed_on: date | None, reported_on: date
) -> dict[str, object]:
    """The action's fields as the update moves them on (completing an action makes it 100% done)."""
    values: dict[str, object] = {}
    if percent_complete is not None:
        values["percent_complete"] = percent_complete
    if status is not None:
        values["status"] = status.value
        if status == ActionStatus.COMPLETED:
            values["percent_complete"] = 100
            if completed_on is None:
                values["completed_on"] = reported_on
    return values


# --------------------------------------------------------------------------- checking an update


def _checked(
    lookup: records.Lookup, draft: ProgressDraft, today: date, user: User
) -> tuple[ActionRecord, dict[str, Any]]:
    """The action ``draft`` reports on and the update's record values; every field's error at once if any is
    wrong. The action is found through ``lookup``: the unit of work, or a batch's ``records.Known``."""
    errors: dict[str, str] = {}
    action = lookup.get(ActionRecord, draft.action_id) if draft.action_id is not None else None
    if action is None:
        errors["action_id"] = "Choose an action from the list; that one does not exist or has been deleted"
    reported_on = draft.reported_on or today
    if reported_on > today:
        errors["reported_on"] = f"The date cannot be in the future (today is {format_date(today)})"
    if draft.percent_complete is not None:
        try:
            validate_percent(draft.percent_complete)
        except ValidationError as error:
            errors.update(error.field_errors)
    status = choice(ActionStatus, draft.status, "status", "status", errors, optional=True)
    rag = choice(Rag, draft.rag, "rag", "RAG rating", errors, optional=True)
    note = (draft.note or "").strip()
    if not note and draft.percent_complete is None and draft.status is None and draft.rag is None:
        errors["note"] = "Say what changed: a note, percent, status or RAG"
    if (
        action is not None
        and status == ActionStatus.COMPLETED
        and action.completed_on is None
        and action.start_on is not None
        and reported_on < action.start_on
        and "reported_on" not in errors
    ):
        errors["reported_on"] = f"The action cannot be completed before it starts ({format_date(action.start_on)})"
    if errors or action is None:
        raise ValidationError(errors)
    return action, {
        "action_id": action.id,
        "reported_on": reported_on,
        "author": user.name,
        "author_organisation": user.organisation,
        "percent_complete": draft.percent_complete,
        "status": status.value if status else None,
        "rag": rag.value if rag else None,
        "note": note,
        "confidential": bool(draft.confidential),
    }


def _applied(draft: ProgressDraft, action: ActionRecord, values: dict[str, Any]) -> dict[str, Any]:
    """The action's values an update moves on (``_applied_values`` of what it reports)."""
    status = ActionStatus(values["status"]) if values["status"] else None
    return _applied_values(draft.percent_complete, status, action.completed_on, values["reported_on"])


class ProgressBatch:
    """Logs many progress updates in one transaction (an import of a partner's tracker): each draft is
    checked exactly as ``ProgressService.log`` checks it and moves its action on the same way, with the same
    change-log entries, but the actions are read once (``batch.known``) and the updates' rows are written
    together when the batch is written. Author: the context's user, unless ``log`` is given another. Get one from
    ``ProgressService.logging_many``."""

    def __init__(self, context: ServiceContext, batch: records.Batch) -> None:
        self._context = context
        self._batch = batch
        self._today = context.today()

    def read_actions(self, action_ids: Iterable[uuid.UUID]) -> None:
        """Reads at once the actions the drafts to come name, rather than every action when the first is checked
        (``records.Known.preload``)."""
        self._batch.known.preload(ActionRecord, action_ids)

    def log(self, draft: ProgressDraft, author: User | None = None) -> uuid.UUID:
        """The new update's id; ``ValidationError`` (and nothing kept) when the draft is wrong. ``author``: who
        reported it (a column of an imported tracker), when not the context's user."""
        action, values = _checked(self._batch.known, draft, self._today, author or self._context.user)
        update_id: uuid.UUID = self._batch.rows.create(ProgressUpdateRecord, values, _FIELDS)["id"]
        # Logged straight after the update's creation, so that a retraction can find what it changed.
        self._batch.rows.update(action, _applied(draft, action, values))
        return update_id


class ProgressService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ------------------------------------------------------------------ reading

    def history(self, action_id: uuid.UUID) -> builtins.list[ProgressUpdate]:
        """The action's live progress updates, newest first."""
        with self._context.read() as unit:
            action = records.require(unit, ActionRecord, action_id, "action")
            rows = unit.list(
                ProgressUpdateRecord,
                {"action_id": action_id},
                order_by=("-reported_on", "-created_at"),
            )
            return [_to_update(row, action.title) for row in rows]

    def get(self, update_id: uuid.UUID) -> ProgressUpdate:
        with self._context.read() as unit:
            record = records.require(unit, ProgressUpdateRecord, update_id, LABEL)
            action = unit.get(ActionRecord, record.action_id, include_deleted=True)
            return _to_update(record, action.title if action else "")

    # ------------------------------------------------------------------ writing

    def log(self, draft: ProgressDraft) -> ProgressUpdate:
        """Adds an update to the action's log and moves the action's percent and status on with it."""
        today = self._context.today()
        user = self._context.user
        with self._context.edit(ENTITY, ACTION_ENTITY) as unit:
            action, values = _checked(unit, draft, today, user)
            record = records.create(unit, ProgressUpdateRecord(**values), _FIELDS)
            # Logged straight after the update's creation, so that a retraction can find what it changed.
            records.update(unit, action, _applied(draft, action, values))
            unit.flush()
            return _to_update(record, action.title)

    @contextmanager
    def logging_many(self, batch: records.Batch | None = None) -> Iterator[ProgressBatch]:
        """Many ``log`` calls' worth of updates in one transaction, for an import: ``log`` each draft on the
        ``ProgressBatch`` yielded. Its rows are written when the block ends — or, when a ``batch`` shared with
        other services' batches is given, when its owner calls ``batch.write()``. Nothing is written if the
        block raises."""
        with self._context.edit(ENTITY, ACTION_ENTITY) as unit, records.batch_on(unit, batch) as shared:
            yield ProgressBatch(self._context, shared)

    def retract(self, update_id: uuid.UUID) -> RetractedProgress:
        """Withdraws an update (a tombstone), putting the action's percent and status back as they were before
        it — each only while the action still shows the update's value and no later update set it again."""
        with self._context.edit(ENTITY, ACTION_ENTITY) as unit:
            record = records.require(unit, ProgressUpdateRecord, update_id, LABEL)
            action = unit.get(ActionRecord, record.action_id)
            reverted: builtins.list[tuple[str, Any, Any]] = []
            if action is not None:
                reverted = self._revert(unit, record, action)
            records.tombstone(unit, [record])
            return RetractedProgress(record.id, record.action_id, tuple(reverted))

    def reinstate(self, retracted: RetractedProgress) -> None:
        """Undoes a retraction: the update comes back, and the action's values it had set with it."""
        with self._context.edit(ENTITY, ACTION_ENTITY) as unit:
            record = unit.get(ProgressUpdateRecord, retracted.update_id, include_deleted=True)
            if record is None or record.deleted_at is None:
                return
            action = unit.get(ActionRecord, record.action_id)
            if action is None:
                raise NotFoundError("That action no longer exists, so its progress update cannot be brought back.")
            records.restore(unit, [record])
            values = {
                name: set_value for name, put_back, set_value in retracted.reverted if getattr(action, name) == put_back
            }
            records.update(unit, action, values)

    @staticmethod
    def _revert(
        unit: UnitOfWork, record: ProgressUpdateRecord, action: ActionRecord
    ) -> builtins.list[tuple[str, Any, Any]]:
        status = None if record.status is None else ActionStatus(record.status)
        # What logging this update could have set: the action's completed date only if it had none then.
        applied = _applied_values(record.percent_complete, status, None, record.reported_on)
        logged = action_queries.changes_logged_with(unit, ENTITY, record.id, action.id, applied)
        if not logged:
            return []
        later = [
            row
            for row in unit.list(ProgressUpdateRecord, {"action_id": action.id})
            if row.id != record.id and (row.created_at, str(row.id)) > (record.created_at, str(record.id))
        ]
        later_percent = any(row.percent_complete is not None or row.status == ActionStatus.COMPLETED for row in later)
        later_status = any(row.status is not None for row in later)
        values: dict[str, Any] = {}
        reverted: builtins.list[tuple[str, Any, Any]] = []
        for change in logged:
            old = _decoded(change.field, change.old_value)
            new = _decoded(change.field, change.new_value)
            superseded = later_percent if change.field == "percent_complete" else later_status
            if superseded or getattr(action, change.field) != new:
                continue
            values[change.field] = old
            reverted.append((change.field, old, new))
        records.update(unit, action, values)
        return reverted
