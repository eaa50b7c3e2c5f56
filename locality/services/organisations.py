"""Organisations: the councils and partners of the partnership."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from locality.domain.entities import Entity
from locality.domain.errors import DuplicateError, ValidationError
from locality.domain.values import require_text, validate_email
from locality.domain.vocabulary import VocabularyKind
from locality.services import records
from locality.services.context import ServiceContext
from locality.services.stamped import Stamped
from locality.services.vocabulary import check_term, term_names
from locality.store import queries
from locality.store.models import (
    ActionPartnerRecord,
    ActionRecord,
    NeedOrganisationRecord,
    OrganisationRecord,
)
from locality.store.unit_of_work import UnitOfWork

ENTITY = Entity.ORGANISATION
LABEL = "organisation"


@dataclass(frozen=True)
class OrganisationDraft:
    """What the user enters for an organisation."""

    name: str
    short_name: str = ""
    type_id: uuid.UUID | None = None
    sector_id: uuid.UUID | None = None
    contact_name: str = ""
    contact_email: str = ""
    notes: str = ""
    active: bool = True


@dataclass(frozen=True)
class Organisation:
    id: uuid.UUID
    version: int
    name: str
    short_name: str
    type_id: uuid.UUID | None
    type_name: str
    sector_id: uuid.UUID | None
    sector_name: str
    contact_name: str
    contact_email: str
    notes: str
    active: bool
    created_at: datetime
    updated_at: datetime
    needs_count: int = 0
    actions_led_count: int = 0
    partner_in_count: int = 0

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def as_draft(self) -> OrganisationDraft:
        return OrganisationDraft(
            name=self.name,
            short_name=self.short_name,
            type_id=self.type_id,
            sector_id=self.sector_id,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            notes=self.notes,
            active=self.active,
        )


@dataclass(frozen=True)
class DeletedOrganisations:
    """What a delete removed, so that it can be undone."""

    ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


_FIELDS = ("name", "short_name", "type_id", "sector_id", "contact_name", "contact_email", "notes", "active")


def to_organisation(
    unit: UnitOfWork,
    record: OrganisationRecord,
    names: dict[uuid.UUID, str] | None = None,
    usage: dict[str, dict[uuid.UUID, int]] | None = None,
) -> Organisation:
    names = names if names is not None else term_names(unit)
    usage = usage if usage is not None else queries.organisation_usage(unit)
    return Organisation(
        id=record.id,
        version=record.version,
        name=record.name,
        short_name=record.short_name,
        type_id=record.type_id,
        type_name=names.get(record.type_id, "") if record.type_id else "",
        sector_id=record.sector_id,
        sector_name=names.get(record.sector_id, "") if record.sector_id else "",
        contact_name=record.contact_name,
        contact_email=record.contact_email,
        notes=record.notes,
        active=record.active,
        created_at=record.created_at,
        updated_at=record.updated_at,
        needs_count=usage["needs"].get(record.id, 0),
        actions_led_count=usage["leads"].get(record.id, 0),
        partner_in_count=usage["partners"].get(record.id, 0),
    )


def _validated(lookup: records.Lookup, draft: OrganisationDraft, existing_id: uuid.UUID | None) -> dict[str, object]:
    """The record values ``draft`` asks for; every field's error at once if any is wrong. Terms and names are
    looked up through ``lookup``: the unit of work, or a batch's ``records.Known``."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["name"] = require_text(draft.name, "name", "Name", max_length=200)
    except ValidationError as error:
        errors.update(error.field_errors)
    try:
        values["contact_email"] = validate_email(draft.contact_email) or ""
    except ValidationError as error:
        errors.update(error.field_errors)
    for name, label, limit in (
        ("short_name", "Short name", 60),
        ("contact_name", "Contact name", 200),
        ("contact_email", "Contact e-mail", 254),
    ):
        if len(str(getattr(draft, name) or "").strip()) > limit:
            errors[name] = f"{label} is too long; keep it to {limit} characters"
    check_term(lookup, VocabularyKind.ORGANISATION_TYPE, draft.type_id, "type_id", errors)
    check_term(lookup, VocabularyKind.SECTOR, draft.sector_id, "sector_id", errors)
    if "name" in values:
        named = lookup.find_by_name(OrganisationRecord, str(values["name"]))
        clashes = [row for row in named if row.id != existing_id]
        if clashes:
            errors["name"] = f'There is already an organisation called "{clashes[0].name}"'
    if errors:
        if set(errors) == {"name"} and "already" in errors["name"]:
            raise DuplicateError(errors)
        raise ValidationError(errors)
    values.update(
        short_name=draft.short_name.strip(),
        type_id=draft.type_id,
        sector_id=draft.sector_id,
        contact_name=draft.contact_name.strip(),
        notes=draft.notes.strip(),
        active=draft.active,
    )
    return values


class OrganisationBatch:
    """Creates many organisations in one transaction (an import): each draft is checked exactly as
    ``OrganisationService.create`` checks it (a name taken earlier in the batch is taken), and becomes the
    same record with the same change-log entry, written with the rest when the batch is written instead of a
    flush and a count of every organisation's needs and actions a draft. Get one from
    ``OrganisationService.creating_many``."""

    def __init__(self, batch: records.Batch) -> None:
        self._batch = batch

    def create(self, draft: OrganisationDraft) -> uuid.UUID:
        """The new organisation's id; ``ValidationError`` (``DuplicateError`` for a name already taken), and
        nothing kept, when the draft is wrong."""
        values = _validated(self._batch.known, draft, None)
        row = self._batch.rows.create(OrganisationRecord, values, _FIELDS)
        self._batch.known.add_row(OrganisationRecord, row)
        organisation_id: uuid.UUID = row["id"]
        return organisation_id


class OrganisationService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._names: Stamped[tuple[tuple[uuid.UUID, str], ...]] = Stamped()

    def list(self, *, include_inactive: bool = True) -> builtins.list[Organisation]:
        with self._context.read() as unit:
            names = term_names(unit)
            usage = queries.organisation_usage(unit)
            rows = unit.list(OrganisationRecord, order_by=("name",))
            return [to_organisation(unit, row, names, usage) for row in rows if include_inactive or row.active]

    def names(self) -> builtins.list[tuple[uuid.UUID, str]]:
        """Every live organisation's id and name, A to Z: for pickers, without the usage counts (read again
        only once the workspace has changed)."""
        with self._context.read() as unit:
            return builtins.list(self._names.get(unit, "names", lambda: tuple(queries.organisation_names(unit))))

    def get(self, organisation_id: uuid.UUID) -> Organisation:
        with self._context.read() as unit:
            return to_organisation(unit, records.require(unit, OrganisationRecord, organisation_id, LABEL))

    def find(self, name: str) -> Organisation | None:
        """The organisation called ``name`` or with that short name, ignoring case and spaces."""
        if not name.strip():
            return None
        with self._context.read() as unit:
            found = unit.find_by_name(OrganisationRecord, name) or unit.find_by_name(
                OrganisationRecord, name, column="short_name"
            )
            return to_organisation(unit, found[0]) if found else None

    def create(self, draft: OrganisationDraft) -> Organisation:
        with self._context.edit(ENTITY) as unit:
            values = _validated(unit, draft, None)
            record = records.create(unit, OrganisationRecord(**values), _FIELDS)
            unit.flush()
            return to_organisation(unit, record)

    @contextmanager
    def creating_many(self, batch: records.Batch | None = None) -> Iterator[OrganisationBatch]:
        """Many ``create`` calls' worth of organisations in one transaction, for an import: ``create`` each
        draft on the ``OrganisationBatch`` yielded. Its rows are written when the block ends — or, when a
        ``batch`` shared with other services' batches is given, when its owner calls ``batch.write()``.
        Nothing is written if the block raises."""
        with self._context.edit(ENTITY) as unit, records.batch_on(unit, batch) as shared:
            yield OrganisationBatch(shared)

    def update(
        self, organisation_id: uuid.UUID, draft: OrganisationDraft, expected_version: int | None
    ) -> Organisation:
        with self._context.edit(ENTITY) as unit:
            record = records.require(unit, OrganisationRecord, organisation_id, LABEL)
            records.check_version(record, expected_version, LABEL, lambda: to_organisation(unit, record))
            records.update(unit, record, _validated(unit, draft, organisation_id))
            unit.flush()
            return to_organisation(unit, record)

    def delete(self, organisation_ids: builtins.list[uuid.UUID]) -> DeletedOrganisations:
        """Deletes organisations with their need links and partnerships; refused while one leads an action."""
        with self._context.edit(ENTITY, Entity.NEED_ORGANISATION, Entity.ACTION_PARTNER) as unit:
            targets = [records.require(unit, OrganisationRecord, oid, LABEL) for oid in organisation_ids]
            for record in targets:
                leads = unit.count(ActionRecord, {"lead_organisation_id": record.id})
                if leads:
                    plural = "action" if leads == 1 else "actions"
                    raise ValidationError(
                        f"{record.name} leads {leads} {plural}; give {'it' if leads == 1 else 'them'} another "
                        "lead organisation before deleting it"
                    )
            for record in targets:
                at = records.tombstone(unit, [record])
                records.tombstone(unit, unit.list(NeedOrganisationRecord, {"organisation_id": record.id}), at)
                records.tombstone(unit, unit.list(ActionPartnerRecord, {"organisation_id": record.id}), at)
            return DeletedOrganisations(tuple(record.id for record in targets))

    def restore(self, deleted: DeletedOrganisations) -> None:
        """Undoes a delete: the organisations and the links deleted with them come back."""
        with self._context.edit(ENTITY, Entity.NEED_ORGANISATION, Entity.ACTION_PARTNER) as unit:
            for organisation_id in deleted.ids:
                record = unit.get(OrganisationRecord, organisation_id, include_deleted=True)
                if record is None or record.deleted_at is None:
                    continue
                if unit.find_by_name(OrganisationRecord, record.name):
                    raise DuplicateError(
                        {"name": f"{record.name} cannot come back: another organisation now has that name"}
                    )
                at = record.deleted_at
                where = {"organisation_id": organisation_id}
                records.restore_dependants(unit, NeedOrganisationRecord, where, at)
                records.restore_dependants(unit, ActionPartnerRecord, where, at)
                records.restore(unit, [record])
