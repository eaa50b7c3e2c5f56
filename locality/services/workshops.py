"""Workshops: who came, and the dot-voting that ranks the needs raised."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.values import require_text
from locality.services import records
from locality.services.context import ServiceContext
from locality.store import workshop_queries
from locality.store.models import (
    NeedRecord,
    OrganisationRecord,
    TrackedMixin,
    WorkshopParticipantRecord,
    WorkshopRecord,
    WorkshopVoteRecord,
)
from locality.store.unit_of_work import UnitOfWork
from locality.store.workshop_queries import VoteRow

ENTITY = Entity.WORKSHOP
PARTICIPANT_ENTITY = Entity.WORKSHOP_PARTICIPANT
VOTE_ENTITY = Entity.WORKSHOP_VOTE
ALL_ENTITIES = (ENTITY, PARTICIPANT_ENTITY, VOTE_ENTITY)
LABEL = "workshop"
NO_ORGANISATION = "No organisation"


@dataclass(frozen=True)
class WorkshopDraft:
    title: str
    held_on: date | None = None
    venue: str = ""
    facilitator: str = ""
    notes: str = ""
    purpose: str = ""
    dots_per_participant: int = 5


@dataclass(frozen=True)
class Workshop:
    id: uuid.UUID
    version: int
    title: str
    held_on: date | None
    venue: str
    facilitator: str
    notes: str
    participants_count: int
    votes_count: int
    dots_count: int
    created_at: datetime
    updated_at: datetime
    purpose: str = ""
    dots_per_participant: int = 5
    notes_count: int = 0
    organisations: tuple[str, ...] = ()  # the participants' organisations, distinct, by name

    def as_draft(self) -> WorkshopDraft:
        return WorkshopDraft(
            self.title,
            self.held_on,
            self.venue,
            self.facilitator,
            self.notes,
            self.purpose,
            self.dots_per_participant,
        )


@dataclass(frozen=True)
class Participant:
    id: uuid.UUID
    workshop_id: uuid.UUID
    name: str
    organisation_id: uuid.UUID | None
    organisation_name: str


@dataclass(frozen=True)
class Vote:
    id: uuid.UUID
    version: int
    workshop_id: uuid.UUID
    need_id: uuid.UUID
    need_title: str
    organisation_id: uuid.UUID | None
    organisation_name: str
    dots: int


@dataclass(frozen=True)
class OrganisationDots:
    organisation_id: uuid.UUID | None  # None: dots placed without naming an organisation
    organisation_name: str
    dots: int


@dataclass(frozen=True)
class NeedTally:
    """A need's place in the dot-voting: 1 is the most dots; needs with equal dots share a rank."""

    rank: int
    need_id: uuid.UUID
    need_title: str
    total_dots: int
    by_organisation: tuple[OrganisationDots, ...]


@dataclass(frozen=True)
class DeletedWorkshopItems:
    """Workshops, participants, votes, notes (with the needs they created) or agreed-action links a delete
    removed, so that it can be undone."""

    workshop_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    participant_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    vote_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    note_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    action_link_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    need_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)  # needs created by deleted notes, deleted too


@dataclass(frozen=True)
class Note:
    """A sticky note on a workshop's board."""

    id: uuid.UUID
    version: int
    workshop_id: uuid.UUID
    title: str
    organisation_id: uuid.UUID | None
    organisation_name: str
    theme_id: uuid.UUID | None
    theme_name: str
    position: int
    need_id: uuid.UUID | None
    linked_existing: bool  # True: linked to an existing need as "same as"; False: the note created its need
    dots: int  # all dots on its need in this workshop


@dataclass(frozen=True)
class SimilarNeed:
    """An existing need that looks like a title being captured (score 0-100 from the similar-needs scorer)."""

    need_id: uuid.UUID
    title: str
    theme_name: str
    score: int


@dataclass(frozen=True)
class ParticipantDots:
    participant_id: uuid.UUID
    name: str
    organisation_name: str
    used: int
    allowance: int


@dataclass(frozen=True)
class AgreedAction:
    action_id: uuid.UUID
    title: str
    lead_organisation_name: str
    due_on: date | None
    need_titles: tuple[str, ...]


@dataclass(frozen=True)
class ThemeNotes:
    """One theme's column of notes ("" theme name: notes with no theme)."""

    theme_id: uuid.UUID | None
    theme_name: str
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class WorkshopRecordData:
    """Everything the workshop record document shows."""

    workshop: Workshop
    participants: tuple[Participant, ...]
    notes_by_theme: tuple[ThemeNotes, ...]
    tally: tuple[NeedTally, ...]
    agreed_actions: tuple[AgreedAction, ...]
    partnership_name: str = ""


_FIELDS = ("title", "held_on", "venue", "facilitator", "notes", "purpose", "dots_per_participant")
MAX_DOTS_PER_PARTICIPANT = 99
_PARTICIPANT_FIELDS = ("workshop_id", "name", "organisation_id")
_VOTE_FIELDS = ("workshop_id", "need_id", "organisation_id", "dots")


# --------------------------------------------------------------------------- helpers


def _workshop(unit: UnitOfWork, record: WorkshopRecord) -> Workshop:
    votes = unit.list(WorkshopVoteRecord, {"workshop_id": record.id})
    return Workshop(
        id=record.id,
        version=record.version,
        title=record.title,
        held_on=record.held_on,
        venue=record.venue,
        facilitator=record.facilitator,
        notes=record.notes,
        participants_count=unit.count(WorkshopParticipantRecord, {"workshop_id": record.id}),
        votes_count=len(votes),
        dots_count=sum(vote.dots for vote in votes),
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _organisation_name(unit: UnitOfWork, organisation_id: uuid.UUID | None) -> str:
    if organisation_id is None:
        return ""
    record = unit.get(OrganisationRecord, organisation_id, include_deleted=True)
    return record.name if record else ""


def _participant(unit: UnitOfWork, record: WorkshopParticipantRecord) -> Participant:
    return Participant(
        record.id,
        record.workshop_id,
        record.name,
        record.organisation_id,
        _organisation_name(unit, record.organisation_id),
    )


def _vote(unit: UnitOfWork, record: WorkshopVoteRecord) -> Vote:
    need = unit.get(NeedRecord, record.need_id, include_deleted=True)
    return Vote(
        id=record.id,
        version=record.version,
        workshop_id=record.workshop_id,
        need_id=record.need_id,
        need_title=need.title if need else "",
        organisation_id=record.organisation_id,
        organisation_name=_organisation_name(unit, record.organisation_id),
        dots=record.dots,
    )


def _validated(draft: WorkshopDraft) -> dict[str, object]:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["title"] = require_text(draft.title, "title", "Title", max_length=300)
    except ValidationError as error:
        errors.update(error.field_errors)
    if len(draft.venue.strip()) > 300:
        errors["venue"] = f"Venue must be 300 characters or fewer; it has {len(draft.venue.strip())}"
    if len(draft.facilitator.strip()) > 200:
        errors["facilitator"] = f"Facilitator must be 200 characters or fewer; it has {len(draft.facilitator.strip())}"
    allowance = draft.dots_per_participant
    if isinstance(allowance, bool) or not isinstance(allowance, int):
        errors["dots_per_participant"] = "Dots per participant must be a whole number"
    elif not 1 <= allowance <= MAX_DOTS_PER_PARTICIPANT:
        errors["dots_per_participant"] = f"Give each participant from 1 to {MAX_DOTS_PER_PARTICIPANT} dots"
    if errors:
        raise ValidationError(errors)
    values.update(
        held_on=draft.held_on,
        venue=draft.venue.strip(),
        facilitator=draft.facilitator.strip(),
        notes=draft.notes.strip(),
        purpose=draft.purpose.strip(),
        dots_per_participant=allowance,
    )
    return values


def _check_organisation(unit: UnitOfWork, organisation_id: uuid.UUID | None, errors: dict[str, str]) -> None:
    if organisation_id is not None and unit.get(OrganisationRecord, organisation_id) is None:
        errors["organisation_id"] = "Choose an organisation from the list"


def _ranked(rows: list[VoteRow]) -> list[NeedTally]:
    """Needs by total dots, most first (then by title); each with the dots per organisation, most first."""
    titles: dict[uuid.UUID, str] = {}
    per_need: dict[uuid.UUID, dict[uuid.UUID | None, int]] = {}
    names: dict[uuid.UUID | None, str] = {None: NO_ORGANISATION}
    for row in rows:
        titles[row.need_id] = row.need_title
        if row.organisation_id is not None:
            names[row.organisation_id] = row.organisation_name or ""
        dots = per_need.setdefault(row.need_id, {})
        dots[row.organisation_id] = dots.get(row.organisation_id, 0) + row.dots
    totals = {need_id: sum(dots.values()) for need_id, dots in per_need.items()}
    order = sorted(totals, key=lambda need_id: (-totals[need_id], titles[need_id].casefold(), str(need_id)))
    result: list[NeedTally] = []
    previous_total: int | None = None
    rank = 0
    for position, need_id in enumerate(order, start=1):
        if totals[need_id] != previous_total:
            rank, previous_total = position, totals[need_id]
        breakdown = sorted(
            (OrganisationDots(org_id, names[org_id], dots) for org_id, dots in per_need[need_id].items()),
            key=lambda item: (-item.dots, item.organisation_id is None, item.organisation_name.casefold()),
        )
        result.append(NeedTally(rank, need_id, titles[need_id], totals[need_id], tuple(breakdown)))
    return result


def _ids(ids: uuid.UUID | Sequence[uuid.UUID]) -> list[uuid.UUID]:
    return [ids] if isinstance(ids, uuid.UUID) else list(ids)


# --------------------------------------------------------------------------- the service


class WorkshopService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ------------------------------------------------------------------ workshops

    def list(self) -> builtins.list[Workshop]:
        """Live workshops, the most recent first (undated ones last)."""
        with self._context.read() as unit:
            rows = unit.list(WorkshopRecord, order_by=("title",))
            participants = workshop_queries.workshop_counts(unit, WorkshopParticipantRecord)
            votes = workshop_queries.workshop_counts(unit, WorkshopVoteRecord)
            dots = workshop_queries.workshop_dots(unit)
            rows.sort(key=lambda row: (row.held_on is None, -(row.held_on or date.min).toordinal()))
            return [
                Workshop(
                    id=row.id,
                    version=row.version,
                    title=row.title,
                    held_on=row.held_on,
                    venue=row.venue,
                    facilitator=row.facilitator,
                    notes=row.notes,
                    participants_count=participants.get(row.id, 0),
                    votes_count=votes.get(row.id, 0),
                    dots_count=dots.get(row.id, 0),
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                )
                for row in rows
            ]

    def get(self, workshop_id: uuid.UUID) -> Workshop:
        with self._context.read() as unit:
            return _workshop(unit, records.require(unit, WorkshopRecord, workshop_id, LABEL))

    def create(self, draft: WorkshopDraft) -> Workshop:
        with self._context.edit(ENTITY) as unit:
            record = records.create(unit, WorkshopRecord(**_validated(draft)), _FIELDS)
            unit.flush()
            return _workshop(unit, record)

    def update(self, workshop_id: uuid.UUID, draft: WorkshopDraft, expected_version: int | None) -> Workshop:
        with self._context.edit(ENTITY) as unit:
            record = records.require(unit, WorkshopRecord, workshop_id, LABEL)
            records.check_version(record, expected_version, LABEL, lambda: _workshop(unit, record))
            records.update(unit, record, _validated(draft))
            return _workshop(unit, record)

    def delete(self, workshop_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedWorkshopItems:
        """Deletes workshops with their participants and votes."""
        with self._context.edit(*ALL_ENTITIES) as unit:
            targets = [records.require(unit, WorkshopRecord, wid, LABEL) for wid in _ids(workshop_ids)]
            for record in targets:
                at = records.tombstone(unit, [record])
                where = {"workshop_id": record.id}
                records.tombstone(unit, unit.list(WorkshopParticipantRecord, where), at)
                records.tombstone(unit, unit.list(WorkshopVoteRecord, where), at)
            return DeletedWorkshopItems(workshop_ids=tuple(record.id for record in targets))

    def restore(self, deleted: DeletedWorkshopItems) -> None:
        """Undoes a delete: workshops come back with the participants and votes deleted with them; removed
        participants and votes come back unless their workshop has since been deleted."""
        with self._context.edit(*ALL_ENTITIES) as unit:
            for workshop_id in deleted.workshop_ids:
                record = unit.get(WorkshopRecord, workshop_id, include_deleted=True)
                if record is None or record.deleted_at is None:
                    continue
                where = {"workshop_id": workshop_id}
                at = record.deleted_at
                records.restore_dependants(unit, WorkshopParticipantRecord, where, at)
                records.restore_dependants(unit, WorkshopVoteRecord, where, at)
                records.restore(unit, [record])
            items: builtins.list[TrackedMixin] = []
            for participant_id in deleted.participant_ids:
                participant = unit.get(WorkshopParticipantRecord, participant_id, include_deleted=True)
                if participant is not None:
                    items.append(participant)
            for vote_id in deleted.vote_ids:
                vote = unit.get(WorkshopVoteRecord, vote_id, include_deleted=True)
                if vote is not None:
                    items.append(vote)
            for item in items:
                if unit.get(WorkshopRecord, item.workshop_id) is None:  # type: ignore[attr-defined]
                    raise NotFoundError("That workshop has been deleted; restore it first.")
            records.restore(unit, items)

    # ------------------------------------------------------------------ participants

    def participants(self, workshop_id: uuid.UUID) -> builtins.list[Participant]:
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            rows = unit.list(WorkshopParticipantRecord, {"workshop_id": workshop_id}, order_by=("name",))
            return [_participant(unit, row) for row in rows]

    def add_participant(
        self, workshop_id: uuid.UUID, name: str, organisation_id: uuid.UUID | None = None
    ) -> Participant:
        with self._context.edit(PARTICIPANT_ENTITY) as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            errors: dict[str, str] = {}
            clean = ""
            try:
                clean = require_text(name, "name", "Name", max_length=200)
            except ValidationError as error:
                errors.update(error.field_errors)
            _check_organisation(unit, organisation_id, errors)
            if errors:
                raise ValidationError(errors)
            record = records.create(
                unit,
                WorkshopParticipantRecord(workshop_id=workshop_id, name=clean, organisation_id=organisation_id),
                _PARTICIPANT_FIELDS,
            )
            return _participant(unit, record)

    def remove_participant(self, participant_id: uuid.UUID) -> DeletedWorkshopItems:
        with self._context.edit(PARTICIPANT_ENTITY) as unit:
            record = records.require(unit, WorkshopParticipantRecord, participant_id, "participant")
            records.tombstone(unit, [record])
            return DeletedWorkshopItems(participant_ids=(record.id,))

    # ------------------------------------------------------------------ votes

    def votes(self, workshop_id: uuid.UUID) -> builtins.list[Vote]:
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            rows = unit.list(WorkshopVoteRecord, {"workshop_id": workshop_id}, order_by=("created_at",))
            return [_vote(unit, row) for row in rows]

    def cast_votes(
        self, workshop_id: uuid.UUID, need_id: uuid.UUID, organisation_id: uuid.UUID | None, dots: int
    ) -> Vote:
        """Places ``dots`` on a need for an organisation (or for nobody in particular); dots the same
        organisation already placed on that need in this workshop are added to."""
        with self._context.edit(VOTE_ENTITY) as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            errors: dict[str, str] = {}
            if unit.get(NeedRecord, need_id) is None:
                errors["need_id"] = "Choose a need from the list"
            _check_organisation(unit, organisation_id, errors)
            if isinstance(dots, bool) or not isinstance(dots, int):
                errors["dots"] = "Dots must be a whole number"
            elif dots < 1:
                errors["dots"] = "Place at least one dot"
            if errors:
                raise ValidationError(errors)
            existing = unit.list(
                WorkshopVoteRecord,
                {"workshop_id": workshop_id, "need_id": need_id, "organisation_id": organisation_id},
                order_by=("created_at",),
            )
            if existing:
                record = existing[0]
                records.update(unit, record, {"dots": record.dots + dots})
            else:
                record = records.create(
                    unit,
                    WorkshopVoteRecord(
                        workshop_id=workshop_id, need_id=need_id, organisation_id=organisation_id, dots=dots
                    ),
                    _VOTE_FIELDS,
                )
            return _vote(unit, record)

    def remove_vote(self, vote_id: uuid.UUID) -> DeletedWorkshopItems:
        with self._context.edit(VOTE_ENTITY) as unit:
            record = records.require(unit, WorkshopVoteRecord, vote_id, "vote")
            records.tombstone(unit, [record])
            return DeletedWorkshopItems(vote_ids=(record.id,))

    def tally(self, workshop_id: uuid.UUID) -> builtins.list[NeedTally]:
        """The needs voted on in one workshop, ranked by their dots."""
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            return _ranked(workshop_queries.vote_rows(unit, workshop_id))

    def total_dots_by_need(self) -> builtins.list[NeedTally]:
        """The needs voted on in any live workshop, ranked by all their dots."""
        with self._context.read() as unit:
            return _ranked(workshop_queries.vote_rows(unit))

    # ------------------------------------------------------------------ the board

    def notes(self, workshop_id: uuid.UUID) -> builtins.list[Note]:
        """The workshop's live notes, by theme (in the themes' order, no theme last) then position."""
        raise NotImplementedError

    def capture_note(
        self,
        workshop_id: uuid.UUID,
        title: str,
        organisation_id: uuid.UUID | None = None,
        theme_id: uuid.UUID | None = None,
        same_as_need_id: uuid.UUID | None = None,
    ) -> Note:
        raise NotImplementedError

    def similar_to(self, title: str, theme_id: uuid.UUID | None = None, limit: int = 3) -> builtins.list[SimilarNeed]:
        raise NotImplementedError

    def move_note(self, note_id: uuid.UUID, theme_id: uuid.UUID | None, position: int) -> Note:
        raise NotImplementedError

    def edit_note(
        self, note_id: uuid.UUID, title: str, organisation_id: uuid.UUID | None, expected_version: int | None
    ) -> Note:
        raise NotImplementedError

    def delete_notes(self, note_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedWorkshopItems:
        raise NotImplementedError

    def place_dot(self, workshop_id: uuid.UUID, need_id: uuid.UUID, participant_id: uuid.UUID) -> Vote:
        raise NotImplementedError

    def take_dot(self, workshop_id: uuid.UUID, need_id: uuid.UUID, participant_id: uuid.UUID) -> None:
        raise NotImplementedError

    def set_tally(
        self, workshop_id: uuid.UUID, need_id: uuid.UUID, organisation_id: uuid.UUID | None, dots: int
    ) -> None:
        raise NotImplementedError

    def participant_dots(self, workshop_id: uuid.UUID) -> builtins.list[ParticipantDots]:
        raise NotImplementedError

    def agree_action(
        self,
        workshop_id: uuid.UUID,
        need_ids: Sequence[uuid.UUID],
        title: str,
        lead_organisation_id: uuid.UUID | None,
        partner_ids: Sequence[uuid.UUID] = (),
        due_on: date | None = None,
    ) -> AgreedAction:
        raise NotImplementedError

    def agreed_actions(self, workshop_id: uuid.UUID) -> builtins.list[AgreedAction]:
        raise NotImplementedError

    def record_data(self, workshop_id: uuid.UUID) -> WorkshopRecordData:
        raise NotImplementedError
