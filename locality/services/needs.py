"""Needs: the improvement needs the partners raise, which organisations share them, and which theme they
fall under. A need linked to two or more organisations is a shared need."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.values import require_text
from locality.domain.vocabulary import (
    NeedRole,
    NeedStatus,
    Priority,
    VocabularyKind,
    choice,
    normalise_name,
    optional_enum,
)
from locality.services import records
from locality.services.context import ServiceContext
from locality.services.vocabulary import (
    check_term,
    check_theme,
    theme_and_service_areas,
    theme_label,
    theme_labels,
)
from locality.store import need_queries
from locality.store.models import (
    ActionNeedRecord,
    ActionRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
    VocabularyTermRecord,
)
from locality.store.unit_of_work import UnitOfWork

ENTITY = Entity.NEED
LINK_ENTITY = Entity.NEED_ORGANISATION
ACTION_LINK_ENTITY = Entity.ACTION_NEED
LABEL = "need"


# --------------------------------------------------------------------------- values in and out


@dataclass(frozen=True)
class NeedLinkDraft:
    """One organisation's link to a need, as the user enters it."""

    organisation_id: uuid.UUID
    role: NeedRole = NeedRole.SHARES
    severity: Priority | None = None


@dataclass(frozen=True)
class NeedDraft:
    """What the user enters for a need; ``organisations`` is the whole set of links it should have."""

    title: str
    description: str = ""
    theme_id: uuid.UUID | None = None
    area: str = ""
    source_id: uuid.UUID | None = None
    priority: Priority | None = None
    score: int | None = None
    status: NeedStatus = NeedStatus.IDENTIFIED
    identified_on: date | None = None
    notes: str = ""
    notes_confidential: bool = False
    organisations: tuple[NeedLinkDraft, ...] = ()


@dataclass(frozen=True)
class NeedLink:
    organisation_id: uuid.UUID
    organisation_name: str
    role: NeedRole
    severity: Priority | None

    def as_draft(self) -> NeedLinkDraft:
        return NeedLinkDraft(self.organisation_id, self.role, self.severity)


@dataclass(frozen=True)
class Need:
    id: uuid.UUID
    version: int
    title: str
    description: str
    theme_id: uuid.UUID | None
    theme_name: str
    theme_full_name: str
    area: str
    source_id: uuid.UUID | None
    source_name: str
    priority: Priority | None
    score: int | None
    status: NeedStatus
    identified_on: date | None
    notes: str
    notes_confidential: bool
    created_at: datetime
    updated_at: datetime
    links: tuple[NeedLink, ...] = ()
    action_ids: tuple[uuid.UUID, ...] = ()

    @property
    def organisation_count(self) -> int:
        return len(self.links)

    @property
    def is_shared(self) -> bool:
        return len(self.links) >= 2

    @property
    def action_count(self) -> int:
        return len(self.action_ids)

    @property
    def organisation_names(self) -> str:
        return "; ".join(link.organisation_name for link in self.links)

    def as_draft(self) -> NeedDraft:
        return NeedDraft(
            title=self.title,
            description=self.description,
            theme_id=self.theme_id,
            area=self.area,
            source_id=self.source_id,
            priority=self.priority,
            score=self.score,
            status=self.status,
            identified_on=self.identified_on,
            notes=self.notes,
            notes_confidential=self.notes_confidential,
            organisations=tuple(link.as_draft() for link in self.links),
        )


@dataclass(frozen=True, slots=True)
class NeedSummary:
    """One row of the needs list: lighter than ``Need``, built for thousands at once."""

    id: uuid.UUID
    version: int
    title: str
    theme_id: uuid.UUID | None
    theme_name: str
    theme_full_name: str
    priority: Priority | None
    score: int | None
    status: NeedStatus
    organisation_names: str
    organisation_count: int
    action_count: int
    identified_on: date | None

    @property
    def is_shared(self) -> bool:
        return self.organisation_count >= 2


@dataclass(frozen=True)
class DeletedNeeds:
    """What a delete removed, so that it can be undone."""

    ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


_FIELDS = (
    "title",
    "description",
    "theme_id",
    "area",
    "source_id",
    "priority",
    "score",
    "status",
    "identified_on",
    "notes",
    "notes_confidential",
)
_LINK_FIELDS = ("need_id", "organisation_id", "role", "severity")


# --------------------------------------------------------------------------- reading


def _link(row: need_queries.LinkRow) -> NeedLink:
    return NeedLink(
        organisation_id=row.organisation_id,
        organisation_name=row.organisation_name,
        role=NeedRole(row.role),
        severity=optional_enum(Priority, row.severity),
    )


def to_need(unit: UnitOfWork, record: NeedRecord) -> Need:
    theme_name, theme_full_name = theme_label(theme_labels(unit), record.theme_id)
    source = unit.get(VocabularyTermRecord, record.source_id, include_deleted=True) if record.source_id else None
    return Need(
        id=record.id,
        version=record.version,
        title=record.title,
        description=record.description,
        theme_id=record.theme_id,
        theme_name=theme_name,
        theme_full_name=theme_full_name,
        area=record.area,
        source_id=record.source_id,
        source_name=source.name if source else "",
        priority=optional_enum(Priority, record.priority),
        score=record.score,
        status=NeedStatus(record.status),
        identified_on=record.identified_on,
        notes=record.notes,
        notes_confidential=record.notes_confidential,
        created_at=record.created_at,
        updated_at=record.updated_at,
        links=tuple(_link(row) for row in need_queries.link_rows(unit, [record.id])),
        action_ids=tuple(need_queries.action_ids(unit, record.id)),
    )


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _ValidLink:
    organisation_id: uuid.UUID
    role: str
    severity: str | None


def _validated_score(value: object, errors: dict[str, str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors["score"] = "The score must be a whole number between 0 and 100"
        return None
    if not 0 <= value <= 100:
        errors["score"] = f"The score must be between 0 and 100; {value} is outside that range"
        return None
    return value


def _validated_links(
    lookup: records.Lookup, links: Iterable[NeedLinkDraft], errors: dict[str, str]
) -> builtins.list[_ValidLink]:
    drafts = builtins.list(links)
    wanted = {draft.organisation_id for draft in drafts}
    found = {row.id: row for row in lookup.by_ids(OrganisationRecord, wanted)}
    problems: builtins.list[str] = []
    valid: builtins.list[_ValidLink] = []
    seen: set[uuid.UUID] = set()
    for draft in drafts:
        organisation = found.get(draft.organisation_id)
        if organisation is None:
            problems.append("One of the organisations chosen does not exist; choose organisations from the list")
            continue
        if organisation.deleted_at is not None:
            problems.append(f"{organisation.name} has been deleted; choose another organisation")
            continue
        if draft.organisation_id in seen:
            message = f"{organisation.name} is listed more than once; link each organisation to a need only once"
            if message not in problems:
                problems.append(message)
            continue
        seen.add(draft.organisation_id)
        link_errors: dict[str, str] = {}
        role = choice(NeedRole, draft.role, "role", "role", link_errors, optional=False)
        severity = choice(Priority, draft.severity, "severity", "severity", link_errors, optional=True)
        for message in link_errors.values():
            problems.append(f"For {organisation.name}: {message[0].lower()}{message[1:]}")
        if not link_errors and role is not None:
            valid.append(_ValidLink(draft.organisation_id, role.value, severity.value if severity else None))
    if problems:
        errors["organisations"] = "; ".join(problems)
    return valid


def _validated(
    lookup: records.Lookup, draft: NeedDraft, current: NeedRecord | None
) -> tuple[dict[str, object], builtins.list[_ValidLink]]:
    """The record values and links ``draft`` asks for; every field's error at once if any is wrong. The
    records it names are found through ``lookup``: the unit of work, or a batch's ``records.Known``."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["title"] = require_text(draft.title, "title", "Title", max_length=300)
    except ValidationError as error:
        errors.update(error.field_errors)
    try:
        values["area"] = require_text(draft.area, "area", "Area", max_length=200) if draft.area.strip() else ""
    except ValidationError as error:
        errors.update(error.field_errors)
    # A theme or source retired since the need was saved may stay; only a new choice must be a live one.
    if current is None or draft.theme_id != current.theme_id:
        check_theme(lookup, draft.theme_id, "theme_id", errors)
    if current is None or draft.source_id != current.source_id:
        check_term(lookup, VocabularyKind.NEED_SOURCE, draft.source_id, "source_id", errors)
    priority = choice(Priority, draft.priority, "priority", "priority", errors, optional=True)
    status = choice(NeedStatus, draft.status, "status", "status", errors, optional=False)
    score = _validated_score(draft.score, errors)
    links = _validated_links(lookup, draft.organisations, errors)
    if errors:
        raise ValidationError(errors)
    values.update(
        description=draft.description.strip(),
        theme_id=draft.theme_id,
        source_id=draft.source_id,
        priority=priority.value if priority else None,
        score=score,
        status=status.value if status else NeedStatus.IDENTIFIED.value,
        identified_on=draft.identified_on,
        notes=draft.notes.strip(),
        notes_confidential=bool(draft.notes_confidential),
    )
    return values, links


def _live_organisation(unit: UnitOfWork, organisation_id: uuid.UUID) -> OrganisationRecord:
    organisation = unit.get(OrganisationRecord, organisation_id, include_deleted=True)
    if organisation is None:
        raise ValidationError({"organisation_id": "That organisation does not exist; choose one from the list"})
    if organisation.deleted_at is not None:
        raise ValidationError({"organisation_id": f"{organisation.name} has been deleted; choose another"})
    return organisation


# --------------------------------------------------------------------------- writing links


def _replace_links(unit: UnitOfWork, need_id: uuid.UUID, links: Iterable[_ValidLink]) -> bool:
    """Gives the need exactly ``links``; True if any link changed."""
    wanted = [(link.organisation_id, {"role": link.role, "severity": link.severity}) for link in links]
    return records.replace_links(
        unit, NeedOrganisationRecord, {"need_id": need_id}, "organisation_id", wanted, _LINK_FIELDS
    )


# --------------------------------------------------------------------------- many new needs at once


class NeedBatch:
    """Creates many needs in one transaction (an import of thousands): each draft is checked exactly as
    ``NeedService.create`` checks it and becomes the same records with the same change-log entries, but the
    records it names are found in ``batch.known`` (read once) and its rows are written together when the
    batch is written. Get one from ``NeedService.creating_many``."""

    def __init__(self, batch: records.Batch) -> None:
        self._batch = batch

    def create(self, draft: NeedDraft) -> uuid.UUID:
        """The new need's id; ``ValidationError`` (and nothing kept) when the draft is wrong."""
        values, links = _validated(self._batch.known, draft, None)
        rows = self._batch.rows
        need_id: uuid.UUID = rows.create(NeedRecord, values, _FIELDS)["id"]
        for link in links:  # the links ``_replace_links`` gives a new need, in the same order
            rows.create(
                NeedOrganisationRecord,
                {
                    "need_id": need_id,
                    "organisation_id": link.organisation_id,
                    "role": link.role,
                    "severity": link.severity,
                },
                _LINK_FIELDS,
            )
        return need_id


# --------------------------------------------------------------------------- the service


class NeedService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def list(
        self,
        *,
        theme_id: uuid.UUID | None = None,
        status: NeedStatus | Collection[NeedStatus] | None = None,
        organisation_id: uuid.UUID | None = None,
        shared_only: bool = False,
        unaddressed_only: bool = False,
        search: str = "",
        ids: Collection[uuid.UUID] | None = None,
    ) -> builtins.list[NeedSummary]:
        """Live needs in title order, filtered: ``theme_id`` includes the service areas beneath a theme;
        ``search`` matches title, description, area or a linked organisation's name, ignoring case; ``ids``
        keeps only those needs (a list reading again the rows of needs just edited)."""
        with self._context.read() as unit:
            labels = theme_labels(unit)
            theme_ids = theme_and_service_areas(unit, theme_id)
            statuses: frozenset[str] | None = None
            if isinstance(status, str):
                statuses = frozenset({NeedStatus(status).value})
            elif status is not None:
                statuses = frozenset(NeedStatus(item).value for item in status)
            need_filter = need_queries.NeedFilter(
                theme_ids=theme_ids,
                statuses=statuses,
                organisation_id=organisation_id,
                shared_only=shared_only,
                unaddressed_only=unaddressed_only,
                search=search,
                ids=frozenset(ids) if ids is not None else None,
            )
            summaries = []
            for row in need_queries.need_list(unit, need_filter):
                theme_name, theme_full_name = theme_label(labels, row.theme_id)
                summaries.append(
                    NeedSummary(
                        id=row.id,
                        version=row.version,
                        title=row.title,
                        theme_id=row.theme_id,
                        theme_name=theme_name,
                        theme_full_name=theme_full_name,
                        priority=optional_enum(Priority, row.priority),
                        score=row.score,
                        status=NeedStatus(row.status),
                        organisation_names="; ".join(row.organisation_names),
                        organisation_count=len(row.organisation_names),
                        action_count=row.action_count,
                        identified_on=row.identified_on,
                    )
                )
            return summaries

    def get(self, need_id: uuid.UUID) -> Need:
        with self._context.read() as unit:
            return to_need(unit, records.require(unit, NeedRecord, need_id, LABEL))

    def find(self, title: str) -> Need | None:
        """The need with this title, ignoring case and spaces (the oldest, if two share it)."""
        wanted = normalise_name(title)
        with self._context.read() as unit:
            for need_id, need_title in need_queries.need_titles(unit):
                if normalise_name(need_title) == wanted:
                    return to_need(unit, records.require(unit, NeedRecord, need_id, LABEL))
            return None

    def create(self, draft: NeedDraft) -> Need:
        with self._context.edit(ENTITY, LINK_ENTITY) as unit:
            values, links = _validated(unit, draft, None)
            record = records.create(unit, NeedRecord(**values), _FIELDS)
            unit.flush()  # the need row first: its links refer to it
            _replace_links(unit, record.id, links)
            unit.flush()
            return to_need(unit, record)

    @contextmanager
    def creating_many(self, batch: records.Batch | None = None) -> Iterator[NeedBatch]:
        """Many ``create`` calls' worth of needs in one transaction, for an import: ``create`` each draft on the
        ``NeedBatch`` yielded. Its rows are written when the block ends — or, when a ``batch`` shared with
        other services' batches is given, when its owner calls ``batch.write()``. Nothing is written if the
        block raises."""
        with self._context.edit(ENTITY, LINK_ENTITY) as unit, records.batch_on(unit, batch) as shared:
            yield NeedBatch(shared)

    def update(self, need_id: uuid.UUID, draft: NeedDraft, expected_version: int | None) -> Need:
        """Saves the need's fields and replaces its organisation links with ``draft.organisations``."""
        with self._context.edit(ENTITY, LINK_ENTITY, edited=(ENTITY, (need_id,))) as unit:
            record = records.require(unit, NeedRecord, need_id, LABEL)
            records.check_version(record, expected_version, LABEL, lambda: to_need(unit, record))
            values, links = _validated(unit, draft, record)
            fields_changed = records.update(unit, record, values)
            if _replace_links(unit, record.id, links) and not fields_changed:
                # A change of links is a change of the need: an editor opened before it must not undo it.
                unit.touch(record)
            unit.flush()
            return to_need(unit, record)

    def link(
        self,
        need_id: uuid.UUID,
        organisation_id: uuid.UUID,
        role: NeedRole = NeedRole.SHARES,
        severity: Priority | None = None,
    ) -> NeedLink:
        """Links an organisation to a need, or changes the role and severity of its link; returns the link.

        Undo a new link with ``unlink``, and a changed one by linking again with the old role and severity.
        """
        with self._context.edit(ENTITY, LINK_ENTITY) as unit:
            need = records.require(unit, NeedRecord, need_id, LABEL)
            organisation = _live_organisation(unit, organisation_id)
            errors: dict[str, str] = {}
            valid_role = choice(NeedRole, role, "role", "role", errors, optional=False)
            valid_severity = choice(Priority, severity, "severity", "severity", errors, optional=True)
            if errors or valid_role is None:
                raise ValidationError(errors)
            existing = unit.list(
                NeedOrganisationRecord, {"need_id": need_id, "organisation_id": organisation_id}, include_deleted=True
            )
            severity_value = valid_severity.value if valid_severity else None
            values = {"role": valid_role.value, "severity": severity_value}
            first = existing[0] if existing else None
            parent = {"need_id": need_id}
            if records.set_link(
                unit, NeedOrganisationRecord, parent, "organisation_id", organisation_id, first, values, _LINK_FIELDS
            ):
                unit.touch(need)
            return NeedLink(organisation_id, organisation.name, valid_role, valid_severity)

    def unlink(self, need_id: uuid.UUID, organisation_id: uuid.UUID) -> NeedLink | None:
        """Removes an organisation's link to a need; returns the link removed (None if there was none), whose
        role and severity ``link`` takes to undo this."""
        with self._context.edit(ENTITY, LINK_ENTITY) as unit:
            need = records.require(unit, NeedRecord, need_id, LABEL)
            existing = unit.list(NeedOrganisationRecord, {"need_id": need_id, "organisation_id": organisation_id})
            if not existing:
                return None
            row = existing[0]
            organisation = unit.get(OrganisationRecord, organisation_id, include_deleted=True)
            removed = NeedLink(
                organisation_id,
                organisation.name if organisation else "",
                NeedRole(row.role),
                optional_enum(Priority, row.severity),
            )
            records.tombstone(unit, [row])
            unit.touch(need)
            return removed

    def delete(self, need_ids: Iterable[uuid.UUID]) -> DeletedNeeds:
        """Deletes needs with their organisation links and the links from actions addressing them."""
        with self._context.edit(ENTITY, LINK_ENTITY, ACTION_LINK_ENTITY) as unit:
            wanted = builtins.list(dict.fromkeys(need_ids))
            targets = [records.require(unit, NeedRecord, need_id, LABEL) for need_id in wanted]
            for record in targets:
                at = records.tombstone(unit, [record])
                records.tombstone(unit, unit.list(NeedOrganisationRecord, {"need_id": record.id}), at)
                records.tombstone(unit, unit.list(ActionNeedRecord, {"need_id": record.id}), at)
            return DeletedNeeds(tuple(record.id for record in targets))

    def restore(self, deleted: DeletedNeeds) -> None:
        """Undoes a delete: the needs and the links deleted with them come back, except links to organisations
        or actions deleted since."""
        with self._context.edit(ENTITY, LINK_ENTITY, ACTION_LINK_ENTITY) as unit:
            for need_id in deleted.ids:
                record = unit.get(NeedRecord, need_id, include_deleted=True)
                if record is None or record.deleted_at is None:
                    continue
                at = record.deleted_at
                where = {"need_id": need_id}
                records.restore_dependants(
                    unit, NeedOrganisationRecord, where, at, other_end=(OrganisationRecord, "organisation_id")
                )
                records.restore_dependants(unit, ActionNeedRecord, where, at, other_end=(ActionRecord, "action_id"))
                records.restore(unit, [record])
