"""The change history: who changed what and when, read from the change log the services write."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from locality.domain.entities import Entity
from locality.domain.values import format_date, format_money
from locality.services.context import ServiceContext
from locality.store import history_queries
from locality.store.models import ChangeLogRecord

# How each entity is named for people (looked up by the change log's text, which is the entity's value).
ENTITY_LABELS: dict[str, str] = {
    Entity.WORKSPACE_META: "Workspace details",
    Entity.VOCABULARY_TERM: "Vocabulary term",
    Entity.THEME: "Theme",
    Entity.FUNDING_SOURCE: "Funding source",
    Entity.ORGANISATION: "Organisation",
    Entity.NEED: "Need",
    Entity.NEED_ORGANISATION: "Need–organisation link",
    Entity.ACTION: "Action",
    Entity.ACTION_PARTNER: "Action partner",
    Entity.ACTION_NEED: "Action–need link",
    Entity.MILESTONE: "Milestone",
    Entity.PROGRESS_UPDATE: "Progress update",
    Entity.INDICATOR: "Indicator",
    Entity.MEASUREMENT: "Measurement",
    Entity.FUNDING_ALLOCATION: "Funding allocation",
    Entity.SPEND: "Spend",
    Entity.WORKSHOP: "Workshop",
    Entity.WORKSHOP_PARTICIPANT: "Workshop participant",
    Entity.WORKSHOP_VOTE: "Workshop vote",
    Entity.BOARD_SNAPSHOT: "Board snapshot",
    Entity.BOARD_SNAPSHOT_ITEM: "Board snapshot item",
}

# Field names that do not read well when their underscores become spaces.
FIELD_LABELS: dict[str, str] = {
    "type_id": "type",
    "sector_id": "sector",
    "theme_id": "theme",
    "source_id": "source",
    "parent_id": "parent theme",
    "delivery_level_id": "delivery level",
    "provider_id": "support provider",
    "lead_organisation_id": "lead organisation",
    "owner_organisation_id": "owner organisation",
    "organisation_id": "organisation",
    "need_id": "need",
    "action_id": "action",
    "indicator_id": "indicator",
    "workshop_id": "workshop",
    "snapshot_id": "snapshot",
    "funding_source_id": "funding source",
    "contact_email": "contact e-mail",
    "owner_name": "owner",
    "owner_email": "owner's e-mail",
    "owner_phone": "owner's telephone",
    "percent_complete": "percent complete",
    "rag": "RAG",
    "rag_override": "RAG set by hand",
    "rag_override_reason": "reason for the RAG set by hand",
    "budget_pence": "budget",
    "amount_pence": "amount",
    "cash_pence": "cash",
    "spend_pence": "spend",
    "notes_confidential": "notes are confidential",
    "start_on": "start date",
    "due_on": "due date",
    "completed_on": "completion date",
    "done_on": "date done",
    "identified_on": "date identified",
    "reported_on": "date reported",
    "measured_on": "date measured",
    "spent_on": "date spent",
    "held_on": "date held",
    "meeting_on": "meeting date",
    "baseline_on": "baseline date",
    "target_on": "target date",
    "rag_due_soon_days": "days counted as due soon",
    "rag_amber_shortfall": "Amber shortfall",
    "rag_red_shortfall": "Red shortfall",
    "rag_amber_overdue_milestones": "overdue milestones for Amber",
    "rag_red_overdue_milestones": "overdue milestones for Red",
}

# Fields whose creation value names the record in a summary, in order of preference.
_NAME_FIELDS = ("title", "name")


def field_label(field: str) -> str:
    """A field name as people read it: "lead_organisation_id" becomes "lead organisation"."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    return field.replace("_", " ")


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    changed_at: datetime
    author: str
    author_organisation: str
    entity: str
    entity_label: str
    record_id: uuid.UUID
    record_name: str  # the record's name or title where it has one, "" otherwise
    operation: str  # "create", "update", "delete" or "restore"
    field: str | None
    field_label: str
    old_value: Any
    new_value: Any
    summary: str


def _decode(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _as_uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, str) and len(value) == 36:
        try:
            return uuid.UUID(value)
        except ValueError:
            return None
    return None


def _shown(field: str | None, value: Any, names: Mapping[uuid.UUID, str]) -> str:
    """A decoded value as a person reads it: names for references, pounds for pence, dd/mm/yyyy dates."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field and field.endswith("_pence") and isinstance(value, int):
        return format_money(value)
    if field and field.endswith("_id"):
        reference = _as_uuid(value)
        if reference is not None:
            return names.get(reference, "(a deleted or unknown record)")
    if field and field.endswith(("_on", "_start", "_end")) and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _summary(row: ChangeLogRecord, old: Any, new: Any, record_name: str, names: Mapping[uuid.UUID, str]) -> str:
    label = entity_label(row.entity).lower() if row.entity != Entity.WORKSPACE_META else "workspace details"
    named = f' "{record_name}"' if record_name else ""
    if row.field and row.operation in ("create", "delete", "restore") and isinstance(new, list):
        # One entry for a batch of records of one parent (a board snapshot's items): see store/batch_writes.py.
        verb = {"create": "Recorded", "delete": "Deleted", "restore": "Restored"}[row.operation]
        parent = field_label(row.field).lower()
        return f"{verb} {len(new):,} {label}s of {parent}{named}"
    if row.operation == "create":
        return f"Created {label}{named}"
    if row.operation == "delete":
        return f"Deleted {label}{named}"
    if row.operation == "restore":
        return f"Restored {label}{named}"
    if row.field:
        return (
            f'Changed {field_label(row.field)} from "{_shown(row.field, old, names)}" '
            f'to "{_shown(row.field, new, names)}"'
        )
    return f"Changed {label}{named}"


def _references(field: str | None, *values: Any) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    for value in values:
        if isinstance(value, Mapping):
            for key, item in value.items():
                found.extend(_references(str(key), item))
        elif field and field.endswith("_id"):
            reference = _as_uuid(value)
            if reference is not None:
                found.append(reference)
    return found


class HistoryService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def entries(
        self,
        entity: Entity | str | None = None,
        record_id: uuid.UUID | None = None,
        limit: int | None = 200,
        offset: int = 0,
    ) -> list[HistoryEntry]:
        """Change-log entries newest first, optionally of one entity or one record. An entity given as text (a
        table name, as a filter or the command line gives it) is checked: an unknown name is refused, not
        answered with an empty page."""
        wanted_entity = _entity(entity)
        with self._context.read() as unit:
            rows = history_queries.change_log_page(
                unit, entity=wanted_entity, record_id=record_id, limit=limit, offset=max(0, offset)
            )
            decoded = [(row, _decode(row.old_value), _decode(row.new_value)) for row in rows]
            wanted: list[uuid.UUID] = [row.record_id for row in rows]
            for row, old, new in decoded:
                wanted.extend(_references(row.field, old, new))
            names = history_queries.display_names(unit, wanted)
            entries: list[HistoryEntry] = []
            for row, old, new in decoded:
                record_name = names.get(row.record_id, "")
                if not record_name and row.operation == "create" and isinstance(new, Mapping):
                    record_name = next((str(new[key]) for key in _NAME_FIELDS if new.get(key)), "")
                entries.append(
                    HistoryEntry(
                        id=row.id,
                        changed_at=row.changed_at,
                        author=row.author,
                        author_organisation=row.author_organisation,
                        entity=row.entity,
                        entity_label=entity_label(row.entity),
                        record_id=row.record_id,
                        record_name=record_name,
                        operation=row.operation,
                        field=row.field,
                        field_label=field_label(row.field) if row.field else "",
                        old_value=old,
                        new_value=new,
                        summary=_summary(row, old, new, record_name, names),
                    )
                )
            return entries

    def record_history(self, record_id: uuid.UUID) -> list[HistoryEntry]:
        """Every change to one record, newest first."""
        return self.entries(record_id=record_id, limit=None)

    def count(self, entity: Entity | str | None = None, record_id: uuid.UUID | None = None) -> int:
        """How many entries ``entries`` can page through with the same filters."""
        wanted_entity = _entity(entity)
        with self._context.read() as unit:
            return history_queries.change_log_count(unit, entity=wanted_entity, record_id=record_id)


def _entity(entity: Entity | str | None) -> Entity | None:
    return None if entity is None or isinstance(entity, Entity) else Entity.parse(entity)


def shown_value(field: str | None, value: Any, names: Mapping[uuid.UUID, str]) -> str:
    """A change-log value (as ``change_log.plain_value`` gives it) as a person reads it, as the History page shows
    it: names for references (``names``), pounds for pence, dd/mm/yyyy dates, "(blank)" for nothing."""
    return _shown(field, value, names)
