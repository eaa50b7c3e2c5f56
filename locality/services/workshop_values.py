"""Workshops' values: what the workshop services take and give, and the helpers that build them from records.

``services.workshops`` re-exports every name here: callers import them from there.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from locality.domain.entities import Entity
from locality.store.models import NeedRecord, OrganisationRecord, WorkshopParticipantRecord, WorkshopVoteRecord
from locality.store.unit_of_work import UnitOfWork

ENTITY = Entity.WORKSHOP
PARTICIPANT_ENTITY = Entity.WORKSHOP_PARTICIPANT
VOTE_ENTITY = Entity.WORKSHOP_VOTE
NOTE_ENTITY = Entity.WORKSHOP_NOTE
ACTION_LINK_ENTITY = Entity.WORKSHOP_ACTION
ALL_ENTITIES = (ENTITY, PARTICIPANT_ENTITY, VOTE_ENTITY, NOTE_ENTITY, ACTION_LINK_ENTITY)
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
    participant_id: uuid.UUID | None = None  # the participant who placed it by clicking; None for a typed tally


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


# --------------------------------------------------------------------------- helpers


def organisation_name(unit: UnitOfWork, organisation_id: uuid.UUID | None) -> str:
    if organisation_id is None:
        return ""
    record = unit.get(OrganisationRecord, organisation_id, include_deleted=True)
    return record.name if record else ""


def to_participant(unit: UnitOfWork, record: WorkshopParticipantRecord) -> Participant:
    return Participant(
        record.id,
        record.workshop_id,
        record.name,
        record.organisation_id,
        organisation_name(unit, record.organisation_id),
    )


def to_vote(unit: UnitOfWork, record: WorkshopVoteRecord) -> Vote:
    need = unit.get(NeedRecord, record.need_id, include_deleted=True)
    return Vote(
        id=record.id,
        version=record.version,
        workshop_id=record.workshop_id,
        need_id=record.need_id,
        need_title=need.title if need else "",
        organisation_id=record.organisation_id,
        organisation_name=organisation_name(unit, record.organisation_id),
        dots=record.dots,
        participant_id=record.participant_id,
    )


def as_ids(ids: uuid.UUID | Sequence[uuid.UUID]) -> list[uuid.UUID]:
    return [ids] if isinstance(ids, uuid.UUID) else list(dict.fromkeys(ids))
