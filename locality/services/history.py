"""The change history: who changed what and when, read from the change log the services write."""

from __future__ import annotations

import json
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any, NamedTuple

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.values import format_date, format_money
from locality.services.actions import ActionDraft, ActionService
from locality.services.context import ServiceContext
from locality.services.indicators import IndicatorDraft, IndicatorService
from locality.services.needs import NeedDraft, NeedService
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.store import history_queries
from locality.store.history_queries import ChangeLogFilter
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
    Entity.WORKSHOP_NOTE: "Workshop note",
    Entity.WORKSHOP_ACTION: "Action agreed at a workshop",
    Entity.SUPPORT_PROVIDER: "Support provider",
    Entity.SUPPORT_OFFER: "Support offer",
    Entity.SUPPORT_OFFER_THEME: "Theme an offer serves",
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
    "offer_id": "support offer",
    "kind_id": "kind of provider",
    "support_type_id": "support type",
    "typical_cost_pence": "typical cost",
    "duration_days": "duration (days)",
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


#: The operation of the entry a merge writes (its new value names the copy merged: {"copy": file name, ...}).
MERGE = "merge"


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
    #: A field change's old and new values as people read them ("" for an entry that is not a field change).
    old_text: str = ""
    new_text: str = ""
    #: A field change whose old value "Put this value back" can restore (the kind of record has an editor).
    can_put_back: bool = False


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
    if row.operation == MERGE:
        copy = new.get("copy") if isinstance(new, Mapping) else None
        return f"Merged from {copy}" if copy else "Merged from another copy"
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


def _texts(row: ChangeLogRecord, old: Any, new: Any, names: Mapping[uuid.UUID, str]) -> dict[str, str]:
    if row.operation != "update" or not row.field:
        return {}
    return {"old_text": _shown(row.field, old, names), "new_text": _shown(row.field, new, names)}


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


@dataclass(frozen=True)
class HistoryFilter:
    """Which entries to show: every one when each field is None. ``since`` and ``until`` are dates in this
    computer's time zone, both included; ``author`` and ``organisation`` are as the change log names them."""

    author: str | None = None
    organisation: str | None = None
    entity: Entity | None = None
    since: date | None = None
    until: date | None = None
    record_id: uuid.UUID | None = None

    def for_store(self) -> ChangeLogFilter:
        return ChangeLogFilter(
            entity=self.entity,
            record_id=self.record_id,
            author=self.author,
            author_organisation=self.organisation,
            since=_local_midnight(self.since) if self.since else None,
            until=_local_midnight(self.until + timedelta(days=1)) if self.until else None,
        )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


class _Editor(NamedTuple):
    """How a kind of record is edited: its service's ``get`` and ``update``."""

    label: str
    get: Callable[[uuid.UUID], Any]
    update: Callable[[uuid.UUID, Any, int | None], Any]


@dataclass(frozen=True)
class PutBack:
    """A field put back to an earlier value: the record before and after (as drafts) and its version after,
    so that the edit can be undone and redone like any other (``ui.undo.push_updated``)."""

    entity: Entity
    record_id: uuid.UUID
    record_name: str
    field: str
    field_label: str
    before: Any
    after: Any
    version: int
    saved: Any  # the record as its service returns it after the edit

    @property
    def description(self) -> str:
        named = f" of {self.record_name}" if self.record_name else ""
        return f"put back the {self.field_label}{named}"


# The kinds of record whose fields can be put back, and their drafts' field names (the change log's names).
_PUT_BACK_DRAFTS: dict[str, type[Any]] = {
    Entity.ORGANISATION: OrganisationDraft,
    Entity.NEED: NeedDraft,
    Entity.ACTION: ActionDraft,
    Entity.INDICATOR: IndicatorDraft,
}
_PUT_BACK_FIELDS: dict[str, frozenset[str]] = {
    entity: frozenset(spec.name for spec in fields(draft)) for entity, draft in _PUT_BACK_DRAFTS.items()
}


def _can_put_back(row: ChangeLogRecord) -> bool:
    return row.operation == "update" and row.field in _PUT_BACK_FIELDS.get(row.entity, frozenset())


class HistoryService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._editors: dict[Entity, _Editor] | None = None

    def entries(
        self,
        entity: Entity | str | None = None,
        record_id: uuid.UUID | None = None,
        limit: int | None = 200,
        offset: int = 0,
        *,
        filters: HistoryFilter | None = None,
        older_than: HistoryEntry | None = None,
    ) -> list[HistoryEntry]:
        """Change-log entries newest first, optionally of one entity or one record, or as ``filters`` say. An
        entity given as text (a table name, as a filter or the command line gives it) is checked: an unknown
        name is refused, not answered with an empty page. ``older_than`` (the last entry of the page before)
        reads the next page quickly however long the history; ``offset`` steps over that many entries."""
        wanted = _combined(filters, entity, record_id)
        before = (older_than.changed_at, older_than.id) if older_than is not None else None
        with self._context.read() as unit:
            rows = history_queries.change_log_page(
                unit, wanted=wanted.for_store(), limit=limit, offset=max(0, offset), before=before
            )
            decoded = [(row, _decode(row.old_value), _decode(row.new_value)) for row in rows]
            references: list[uuid.UUID] = [row.record_id for row in rows]
            for row, old, new in decoded:
                references.extend(_references(row.field, old, new))
            names = history_queries.display_names(unit, references)
            unnamed: dict[str, list[uuid.UUID]] = {}
            for row in rows:
                if row.record_id not in names:
                    unnamed.setdefault(row.entity, []).append(row.record_id)
            owners = history_queries.owner_names(unit, unnamed)
            entries: list[HistoryEntry] = []
            for row, old, new in decoded:
                record_name = names.get(row.record_id, "")
                if not record_name and row.operation == "create" and isinstance(new, Mapping):
                    record_name = next((str(new[key]) for key in _NAME_FIELDS if new.get(key)), "")
                summary = _summary(row, old, new, record_name, names)
                # A record with no name of its own (a progress update) is shown by the one it belongs to; its
                # sentence keeps to what it is ("Created progress update").
                record_name = record_name or owners.get(row.record_id, "")
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
                        summary=summary,
                        can_put_back=_can_put_back(row),
                        **_texts(row, old, new, names),
                    )
                )
            return entries

    def record_history(self, record_id: uuid.UUID) -> list[HistoryEntry]:
        """Every change to one record, newest first."""
        return self.entries(record_id=record_id, limit=None)

    def count(
        self,
        entity: Entity | str | None = None,
        record_id: uuid.UUID | None = None,
        *,
        filters: HistoryFilter | None = None,
    ) -> int:
        """How many entries ``entries`` can page through with the same filters."""
        wanted = _combined(filters, entity, record_id)
        with self._context.read() as unit:
            return history_queries.change_log_count(unit, wanted=wanted.for_store())

    def authors(self) -> list[tuple[str, str]]:
        """Everyone the history names, with their organisation, in name order (for the filters)."""
        with self._context.read() as unit:
            return [pair for pair in history_queries.change_log_authors(unit) if pair[0] or pair[1]]

    def kinds(self) -> list[tuple[str, Entity]]:
        """The kinds of record the history mentions, by their labels in alphabetical order (for the filter)."""
        with self._context.read() as unit:
            named = history_queries.change_log_entities(unit)
        found = [Entity(name) for name in named if name in Entity._value2member_map_]
        return sorted(((entity_label(entity), entity) for entity in found), key=lambda pair: pair[0])

    # ------------------------------------------------------------------ putting an old value back

    def put_back(self, entry_id: int) -> PutBack:
        """Sets the field a change-log entry changed back to the value it had before, through the record's own
        service (so it is checked, version-checked and logged as any edit is). Refused with a plain sentence
        when the record has been deleted or the old value can no longer be used."""
        with self._context.read() as unit:
            row = history_queries.change_log_entry(unit, entry_id)
            if row is None:
                raise NotFoundError("That change is no longer in the history.")
            entity, record_id, field, old_text = row.entity, row.record_id, row.field, row.old_value
            can = _can_put_back(row)
        if not can or field is None:
            raise ValidationError(
                "Only a change to one field of an organisation, need, action or indicator can be put back."
            )
        editor = self._editor(Entity(entity))
        try:
            current = editor.get(record_id)
        except NotFoundError:
            raise NotFoundError(f"This {editor.label} has been deleted, so its old value cannot be put back.") from None
        before = current.as_draft()
        try:
            value = _draft_value(_PUT_BACK_DRAFTS[entity], field, _decode(old_text))
        except (TypeError, ValueError):
            raise ValidationError(
                {field: f"The old {field_label(field)} is no longer a value this {editor.label} can take."}
            ) from None
        if getattr(before, field) == value:
            raise ValidationError({field: "That is the value now, so there is nothing to put back."})
        try:
            saved = editor.update(record_id, replace(before, **{field: value}), current.version)
        except ValidationError as error:
            reasons = str(error)  # each field's message as a sentence
            raise ValidationError(
                {field: f"The old {field_label(field)} cannot be put back: {reasons[:1].lower()}{reasons[1:]}"}
            ) from None
        return PutBack(
            entity=Entity(entity),
            record_id=record_id,
            record_name=str(getattr(saved, "title", None) or getattr(saved, "name", "")),
            field=field,
            field_label=field_label(field),
            before=before,
            after=saved.as_draft(),
            version=saved.version,
            saved=saved,
        )

    def updater(self, entity: Entity) -> Callable[[uuid.UUID, Any, int | None], Any]:
        """The update of ``entity``'s own service (what undoing and redoing a put-back calls)."""
        return self._editor(entity).update

    def _editor(self, entity: Entity) -> _Editor:
        if self._editors is None:
            context = self._context
            organisations, needs = OrganisationService(context), NeedService(context)
            actions, indicators = ActionService(context), IndicatorService(context)
            self._editors = {
                Entity.ORGANISATION: _Editor("organisation", organisations.get, organisations.update),
                Entity.NEED: _Editor("need", needs.get, needs.update),
                Entity.ACTION: _Editor("action", actions.get, actions.update),
                Entity.INDICATOR: _Editor("indicator", indicators.get, indicators.update),
            }
        return self._editors[entity]


def _draft_value(draft: type[Any], field: str, value: Any) -> Any:
    """A value decoded from the change log as ``draft``'s field holds it: a UUID, a date, an enum member...
    Raises ValueError when it cannot be one any more (a choice since removed from the list)."""
    if value is None:
        return None
    hint = typing.get_type_hints(draft)[field]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if hint is uuid.UUID:
        return uuid.UUID(str(value))
    if hint is date:
        return date.fromisoformat(str(value))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is bool:
        return bool(value)
    if hint is int:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return int(value)
    if hint is float:
        return float(value)
    if hint is str:
        return str(value)
    raise ValueError(f"{field} cannot be put back")


def _combined(filters: HistoryFilter | None, entity: Entity | str | None, record_id: uuid.UUID | None) -> HistoryFilter:
    wanted = filters or HistoryFilter()
    parsed = _entity(entity)
    if parsed is not None:
        wanted = replace(wanted, entity=parsed)
    if record_id is not None:
        wanted = replace(wanted, record_id=record_id)
    return wanted


def _entity(entity: Entity | str | None) -> Entity | None:
    return None if entity is None or isinstance(entity, Entity) else Entity.parse(entity)


def shown_value(field: str | None, value: Any, names: Mapping[uuid.UUID, str]) -> str:
    """A change-log value (as ``change_log.plain_value`` gives it) as a person reads it, as the History page shows
    it: names for references (``names``), pounds for pence, dd/mm/yyyy dates, "(blank)" for nothing."""
    return _shown(field, value, names)
