"""Changing one field of many actions at once: the spreadsheet habit of selecting rows and setting their status,
lead organisation, theme or due date together.

A change is one transaction and all or nothing: each action is checked by the same rules as a single edit in the
action's dialog (``action_validation.validated_action``), and if any action would be refused, none is changed and
the message names the actions that were refused. The change log records each action's field changes as a single
edit does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from locality.domain.errors import NotFoundError, StaleRecordError, ValidationError
from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus, Rag, optional_enum
from locality.services import records
from locality.services.action_validation import validated_action
from locality.services.actions import ALL_ENTITIES, ActionDraft
from locality.services.context import ServiceContext
from locality.store.models import ActionRecord
from locality.store.unit_of_work import UnitOfWork

# Shown by name at most this many actions in one message; the rest are counted.
NAMED_IN_MESSAGE = 3


class BulkField(StrEnum):
    """The fields that can be set on many actions at once, by their record names."""

    STATUS = "status"
    LEAD = "lead_organisation_id"
    THEME = "theme_id"
    DUE = "due_on"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    BulkField.STATUS: "status",
    BulkField.LEAD: "lead organisation",
    BulkField.THEME: "theme",
    BulkField.DUE: "due date",
}

# Setting the status may also set these, as a single edit does (completing an action makes it 100% done today).
_FOLLOWING = ("percent_complete", "completed_on")
_LINKS = ("partners", "need_ids", "milestones")


@dataclass(frozen=True)
class ActionChange:
    """What one action's fields held before a bulk change and after it (only the fields that changed)."""

    action_id: uuid.UUID
    title: str
    before: Mapping[str, object]
    after: Mapping[str, object]


@dataclass(frozen=True)
class BulkChange:
    """What a bulk change did, to be undone by ``BulkEditService.revert``."""

    field: BulkField
    changes: tuple[ActionChange, ...]

    @property
    def count(self) -> int:
        return len(self.changes)


class BulkEditService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def set_field(self, action_ids: Iterable[uuid.UUID], field: BulkField, value: object) -> BulkChange:
        """Sets ``field`` to ``value`` on every action in ``action_ids``, in one transaction; raises
        ``ValidationError`` (and changes nothing) if any action would be refused."""
        field = BulkField(field)
        if isinstance(value, StrEnum):
            value = value.value
        wanted = list(dict.fromkeys(action_ids))
        today = self._context.today()
        with self._context.edit(*ALL_ENTITIES) as unit:
            targets = _records(unit, wanted)
            plans = [(record, {field.value: value}) for record in targets]
            return BulkChange(field, _apply(unit, field, plans, today))

    def revert(self, change: BulkChange) -> BulkChange:
        """Puts back what ``change`` replaced (undo); reverting the result does ``change`` again (redo). Refused
        with nothing written if someone else has since changed one of those fields on one of the actions."""
        today = self._context.today()
        with self._context.edit(*ALL_ENTITIES) as unit:
            targets = {record.id: record for record in _records(unit, [item.action_id for item in change.changes])}
            stale = [
                item.title
                for item in change.changes
                if any(getattr(targets[item.action_id], name) != value for name, value in item.after.items())
            ]
            if stale:
                raise StaleRecordError(
                    f"Someone else has since changed {_titles(stale)}, so the change of "
                    f"{change.field.label} was not undone; nothing was changed."
                )
            plans = [(targets[item.action_id], dict(item.before)) for item in change.changes]
            return BulkChange(change.field, _apply(unit, change.field, plans, today))


def _records(unit: UnitOfWork, action_ids: Sequence[uuid.UUID]) -> list[ActionRecord]:
    found = {record.id: record for record in unit.by_ids(ActionRecord, action_ids) if record.deleted_at is None}
    missing = len([action_id for action_id in action_ids if action_id not in found])
    if missing:
        noun = "action no longer exists" if missing == 1 else "actions no longer exist"
        raise NotFoundError(
            f"{missing} of the chosen {noun}; they may have been deleted by someone else. Nothing was changed."
        )
    return [found[action_id] for action_id in action_ids]


def _draft(record: ActionRecord, values: Mapping[str, object]) -> ActionDraft:
    """The action's own fields as a draft with ``values`` put in; its links are left out (a bulk change never
    touches them, and leaving them out keeps the check to the fields)."""
    current = {
        spec.name: getattr(record, spec.name)
        for spec in fields(ActionDraft)
        if spec.name not in _LINKS and hasattr(record, spec.name)
    }
    current.update(values)
    current["status"] = ActionStatus(current["status"])
    current["rag_override"] = optional_enum(Rag, current.get("rag_override"))
    return ActionDraft(**current)


def _apply(
    unit: UnitOfWork, field: BulkField, plans: Sequence[tuple[ActionRecord, Mapping[str, object]]], today: date
) -> tuple[ActionChange, ...]:
    """Checks every plan first, then writes them all: nothing is written if any action is refused."""
    refused: dict[str, list[str]] = {}
    checked: list[tuple[ActionRecord, dict[str, object]]] = []
    for record, values in plans:
        try:
            valid = validated_action(unit, _draft(record, values), record, today)
        except ValidationError as error:
            for name, message in error.field_errors.items():
                refused.setdefault(_reason(name, message, record), []).append(record.title)
            continue
        written = [*values, *(_FOLLOWING if "status" in values else ())]
        checked.append((record, {name: valid.values[name] for name in written}))
    if refused:
        raise ValidationError({field: "Nothing was changed: " + _joined_reasons(refused)})
    changes = []
    for record, values in checked:
        changed = records.update(unit, record, values)
        if changed:
            before = {name: old for name, (old, _new) in changed.items()}
            after = {name: new for name, (_old, new) in changed.items()}
            changes.append(ActionChange(record.id, record.title, before, after))
    return tuple(changes)


def _reason(name: str, message: str, record: ActionRecord) -> str:
    reason = message.rstrip(".")
    if name == "due_on" and record.start_on is not None:
        reason += f" ({format_date(record.start_on)})"
    # "The due date…" reads on after "for “X”, "; a sentence starting with a name keeps its capital.
    return reason[:1].lower() + reason[1:] if reason.startswith(("The ", "Choose ", "Give ")) else reason


def _joined_reasons(refused: Mapping[str, list[str]]) -> str:
    return "; ".join(f"for {_titles(titles)}, {reason}" for reason, titles in refused.items()) + "."


def _titles(titles: Sequence[str]) -> str:
    """“A”, “B” and “C”; or “A”, “B”, “C” and 4 more."""
    quoted = [f"“{title}”" for title in titles[:NAMED_IN_MESSAGE]]
    rest = len(titles) - len(quoted)
    if rest:
        return ", ".join(quoted) + f" and {rest} more"
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
