"""Workshops: who came, and the dot-voting that ranks the needs raised.

The board (sticky notes, clicked dots, agreed actions) is ``services.workshop_board``'s, mixed into
``WorkshopService``; the values both take and give are ``services.workshop_values``', re-exported here.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Sequence
from datetime import date

from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.values import require_text
from locality.services import records
from locality.services.context import ServiceContext
from locality.services.workshop_board import WorkshopBoard, check_organisation, check_vote, create_vote, typed_tallies
from locality.services.workshop_values import (
    ACTION_LINK_ENTITY,
    ALL_ENTITIES,
    ENTITY,
    LABEL,
    NO_ORGANISATION,
    NOTE_ENTITY,
    PARTICIPANT_ENTITY,
    VOTE_ENTITY,
    AgreedAction,
    DeletedWorkshopItems,
    NeedTally,
    Note,
    OrganisationDots,
    Participant,
    ParticipantDots,
    SimilarNeed,
    ThemeNotes,
    Vote,
    Workshop,
    WorkshopDraft,
    WorkshopRecordData,
    as_ids,
    to_participant,
    to_vote,
)
from locality.store import workshop_queries
from locality.store.models import (
    TrackedMixin,
    WorkshopActionRecord,
    WorkshopNoteRecord,
    WorkshopParticipantRecord,
    WorkshopRecord,
    WorkshopVoteRecord,
)
from locality.store.workshop_queries import VoteRow

__all__ = [
    "ACTION_LINK_ENTITY",
    "ALL_ENTITIES",
    "ENTITY",
    "LABEL",
    "NO_ORGANISATION",
    "NOTE_ENTITY",
    "PARTICIPANT_ENTITY",
    "VOTE_ENTITY",
    "AgreedAction",
    "DeletedWorkshopItems",
    "NeedTally",
    "Note",
    "OrganisationDots",
    "Participant",
    "ParticipantDots",
    "SimilarNeed",
    "ThemeNotes",
    "Vote",
    "Workshop",
    "WorkshopDraft",
    "WorkshopRecordData",
    "WorkshopService",
]

# --------------------------------------------------------------------------- helpers


# --------------------------------------------------------------------------- helpers

_FIELDS = ("title", "held_on", "venue", "facilitator", "notes", "purpose", "dots_per_participant")
_PARTICIPANT_FIELDS = ("workshop_id", "name", "organisation_id")
_VOTE_FIELDS = ("workshop_id", "need_id", "organisation_id", "dots", "participant_id")
MAX_DOTS_PER_PARTICIPANT = 99
# What a workshop's delete takes with it (and its restore brings back).
_DEPENDANTS: tuple[type[TrackedMixin], ...] = (
    WorkshopParticipantRecord,
    WorkshopVoteRecord,
    WorkshopNoteRecord,
    WorkshopActionRecord,
)


def _workshop(
    record: WorkshopRecord,
    counts: workshop_queries.WorkshopCounts,
) -> Workshop:
    return Workshop(
        id=record.id,
        version=record.version,
        title=record.title,
        held_on=record.held_on,
        venue=record.venue,
        facilitator=record.facilitator,
        notes=record.notes,
        participants_count=counts.participants.get(record.id, 0),
        votes_count=counts.votes.get(record.id, 0),
        dots_count=counts.dots.get(record.id, 0),
        created_at=record.created_at,
        updated_at=record.updated_at,
        purpose=record.purpose,
        dots_per_participant=record.dots_per_participant,
        notes_count=counts.notes.get(record.id, 0),
        organisations=tuple(counts.organisations.get(record.id, ())),
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


def _ranked(rows: builtins.list[VoteRow]) -> builtins.list[NeedTally]:
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
    result: builtins.list[NeedTally] = []
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


# --------------------------------------------------------------------------- the service


class WorkshopService(WorkshopBoard):
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ------------------------------------------------------------------ workshops

    def list(self) -> builtins.list[Workshop]:
        """Live workshops, the most recent first (undated ones last)."""
        with self._context.read() as unit:
            rows = unit.list(WorkshopRecord, order_by=("title",))
            counts = workshop_queries.workshop_counts(unit)
            rows.sort(key=lambda row: (row.held_on is None, -(row.held_on or date.min).toordinal()))
            return [_workshop(row, counts) for row in rows]

    def get(self, workshop_id: uuid.UUID) -> Workshop:
        with self._context.read() as unit:
            record = records.require(unit, WorkshopRecord, workshop_id, LABEL)
            return _workshop(record, workshop_queries.workshop_counts(unit, workshop_id))

    def create(self, draft: WorkshopDraft) -> Workshop:
        with self._context.edit(ENTITY) as unit:
            record = records.create(unit, WorkshopRecord(**_validated(draft)), _FIELDS)
            unit.flush()
            return _workshop(record, workshop_queries.workshop_counts(unit, record.id))

    def update(self, workshop_id: uuid.UUID, draft: WorkshopDraft, expected_version: int | None) -> Workshop:
        with self._context.edit(ENTITY) as unit:
            record = records.require(unit, WorkshopRecord, workshop_id, LABEL)
            records.check_version(
                record,
                expected_version,
                LABEL,
                lambda: _workshop(record, workshop_queries.workshop_counts(unit, workshop_id)),
            )
            records.update(unit, record, _validated(draft))
            return _workshop(record, workshop_queries.workshop_counts(unit, workshop_id))

    def delete(self, workshop_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedWorkshopItems:
        """Deletes workshops with their participants, votes, notes and agreed-action links. The needs and actions
        the workshop raised and agreed stay: they are the partnership's now."""
        with self._context.edit(*ALL_ENTITIES) as unit:
            targets = [records.require(unit, WorkshopRecord, wid, LABEL) for wid in as_ids(workshop_ids)]
            for record in targets:
                at = records.tombstone(unit, [record])
                for model in _DEPENDANTS:
                    records.tombstone(unit, unit.list(model, {"workshop_id": record.id}), at)
            return DeletedWorkshopItems(workshop_ids=tuple(record.id for record in targets))

    def restore(self, deleted: DeletedWorkshopItems) -> None:
        """Undoes a delete: workshops come back with what was deleted with them; removed participants, votes,
        notes (with the needs they created) and agreed-action links come back unless their workshop has since
        been deleted."""
        with self._context.batch():
            if deleted.need_ids:
                self._restore_needs(deleted.need_ids)
            with self._context.edit(*ALL_ENTITIES) as unit:
                for workshop_id in deleted.workshop_ids:
                    record = unit.get(WorkshopRecord, workshop_id, include_deleted=True)
                    if record is None or record.deleted_at is None:
                        continue
                    for model in _DEPENDANTS:
                        records.restore_dependants(unit, model, {"workshop_id": workshop_id}, record.deleted_at)
                    records.restore(unit, [record])
                items: builtins.list[TrackedMixin] = []
                for model, item_ids in (
                    (WorkshopParticipantRecord, deleted.participant_ids),
                    (WorkshopVoteRecord, deleted.vote_ids),
                    (WorkshopNoteRecord, deleted.note_ids),
                    (WorkshopActionRecord, deleted.action_link_ids),
                ):
                    items.extend(unit.by_ids(model, item_ids))
                for item in items:
                    if unit.get(WorkshopRecord, item.workshop_id) is None:  # type: ignore[attr-defined]
                        raise NotFoundError("That workshop has been deleted; restore it first.")
                records.restore(unit, items)

    # ------------------------------------------------------------------ participants

    def participants(self, workshop_id: uuid.UUID) -> builtins.list[Participant]:
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            rows = unit.list(WorkshopParticipantRecord, {"workshop_id": workshop_id}, order_by=("name",))
            return [to_participant(unit, row) for row in rows]

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
            check_organisation(unit, organisation_id, errors)
            if errors:
                raise ValidationError(errors)
            record = records.create(
                unit,
                WorkshopParticipantRecord(workshop_id=workshop_id, name=clean, organisation_id=organisation_id),
                _PARTICIPANT_FIELDS,
            )
            return to_participant(unit, record)

    def remove_participant(self, participant_id: uuid.UUID) -> DeletedWorkshopItems:
        """Removes a participant and the dots they placed (their votes count no more)."""
        with self._context.edit(PARTICIPANT_ENTITY, VOTE_ENTITY) as unit:
            record = records.require(unit, WorkshopParticipantRecord, participant_id, "participant")
            dots = unit.list(WorkshopVoteRecord, {"participant_id": participant_id})
            at = records.tombstone(unit, [record])
            records.tombstone(unit, dots, at)
            return DeletedWorkshopItems(participant_ids=(record.id,), vote_ids=tuple(vote.id for vote in dots))

    # ------------------------------------------------------------------ votes

    def votes(self, workshop_id: uuid.UUID) -> builtins.list[Vote]:
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            rows = unit.list(WorkshopVoteRecord, {"workshop_id": workshop_id}, order_by=("created_at",))
            return [to_vote(unit, row) for row in rows]

    def cast_votes(
        self, workshop_id: uuid.UUID, need_id: uuid.UUID, organisation_id: uuid.UUID | None, dots: int
    ) -> Vote:
        """Places ``dots`` on a need for an organisation (or for nobody in particular), as a typed tally; a tally
        the same organisation already has on that need in this workshop is added to."""
        with self._context.edit(VOTE_ENTITY) as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            check_vote(unit, need_id, organisation_id, dots, least=1)
            existing = typed_tallies(unit, workshop_id, need_id, organisation_id)
            if existing:
                record = existing[0]
                records.update(unit, record, {"dots": record.dots + dots})
            else:
                record = create_vote(unit, workshop_id, need_id, organisation_id, dots)
            return to_vote(unit, record)

    def remove_vote(self, vote_id: uuid.UUID) -> DeletedWorkshopItems:
        with self._context.edit(VOTE_ENTITY) as unit:
            record = records.require(unit, WorkshopVoteRecord, vote_id, "vote")
            records.tombstone(unit, [record])
            return DeletedWorkshopItems(vote_ids=(record.id,))

    def tally(self, workshop_id: uuid.UUID) -> builtins.list[NeedTally]:
        """The live ranking: the needs voted on in one workshop, ranked by all their dots (clicked and typed)."""
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            return _ranked(workshop_queries.vote_rows(unit, workshop_id))

    def total_dots_by_need(self) -> builtins.list[NeedTally]:
        """The needs voted on in any live workshop, ranked by all their dots."""
        with self._context.read() as unit:
            return _ranked(workshop_queries.vote_rows(unit))

    # ------------------------------------------------------------------ the record

    def record_data(self, workshop_id: uuid.UUID) -> WorkshopRecordData:
        """Everything the workshop record shows."""
        with self._context.read() as unit:
            partnership_name = unit.meta().partnership_name
        return WorkshopRecordData(
            workshop=self.get(workshop_id),
            participants=tuple(self.participants(workshop_id)),
            notes_by_theme=tuple(self.notes_by_theme(workshop_id)),
            tally=tuple(self.tally(workshop_id)),
            agreed_actions=tuple(self.agreed_actions(workshop_id)),
            partnership_name=partnership_name,
        )
