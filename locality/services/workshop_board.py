"""The workshop board a facilitator runs on a projector: sticky notes that become needs, grouped by theme; dots
placed by clicking for a participant or typed from a paper wall; and the actions agreed from the top of the
ranking. Mixed into ``WorkshopService``.

Everything is written through the change log (``services.records``) and deleted as tombstones, so that a
laptop's workshop merges back into the office workspace: a clicked dot is a row of its own (taking one back
tombstones it), so two laptops' dots are added rows rather than one counter changed on both sides.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.text import plural
from locality.domain.values import require_text
from locality.domain.vocabulary import ActionStatus, NeedRole, NeedStatus, VocabularyKind, normalise_name
from locality.services import records
from locality.services.actions import ActionDraft, ActionService, PartnerDraft
from locality.services.context import ServiceContext
from locality.services.need_similarity import title_key
from locality.services.needs import ENTITY as NEED_ENTITY
from locality.services.needs import DeletedNeeds, NeedDraft, NeedLinkDraft, NeedService
from locality.services.similar_needs import DEFAULT_MIN_SCORE
from locality.services.vocabulary import check_theme, theme_label, theme_labels
from locality.services.workshop_values import (
    ACTION_LINK_ENTITY,
    LABEL,
    NOTE_ENTITY,
    VOTE_ENTITY,
    AgreedAction,
    DeletedWorkshopItems,
    Note,
    ParticipantDots,
    SimilarNeed,
    ThemeNotes,
    Vote,
    as_ids,
    to_vote,
)
from locality.store import workshop_queries
from locality.store.models import (
    ActionNeedRecord,
    ActionRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
    ThemeRecord,
    VocabularyTermRecord,
    WorkshopActionRecord,
    WorkshopNoteRecord,
    WorkshopParticipantRecord,
    WorkshopRecord,
    WorkshopVoteRecord,
)
from locality.store.unit_of_work import UnitOfWork

WORKSHOP_SOURCE = "Workshop"  # the need source every captured need gets
NOTE_LABEL = "note"
_NOTE_FIELDS = ("workshop_id", "title", "organisation_id", "theme_id", "position", "need_id", "linked_existing")
_VOTE_FIELDS = ("workshop_id", "need_id", "organisation_id", "dots", "participant_id")
_ACTION_LINK_FIELDS = ("workshop_id", "action_id")
NO_THEME = "No theme"
MAX_TALLY = 9999


# --------------------------------------------------------------------------- helpers shared with the service


def typed_tallies(
    unit: UnitOfWork, workshop_id: uuid.UUID, need_id: uuid.UUID, organisation_id: uuid.UUID | None
) -> builtins.list[WorkshopVoteRecord]:
    """The live typed tallies (no participant) for one need and organisation in one workshop, oldest first."""
    where = {"workshop_id": workshop_id, "need_id": need_id, "organisation_id": organisation_id}
    return unit.list(WorkshopVoteRecord, {**where, "participant_id": None}, order_by=("created_at", "id"))


def create_vote(
    unit: UnitOfWork,
    workshop_id: uuid.UUID,
    need_id: uuid.UUID,
    organisation_id: uuid.UUID | None,
    dots: int,
    participant_id: uuid.UUID | None = None,
) -> WorkshopVoteRecord:
    vote = WorkshopVoteRecord(
        workshop_id=workshop_id,
        need_id=need_id,
        organisation_id=organisation_id,
        dots=dots,
        participant_id=participant_id,
    )
    return records.create(unit, vote, _VOTE_FIELDS)


def check_organisation(unit: UnitOfWork, organisation_id: uuid.UUID | None, errors: dict[str, str]) -> None:
    if organisation_id is not None and unit.get(OrganisationRecord, organisation_id) is None:
        errors["organisation_id"] = "Choose an organisation from the list"


def check_vote(
    unit: UnitOfWork, need_id: uuid.UUID, organisation_id: uuid.UUID | None, dots: int, *, least: int
) -> None:
    """Refuses typed dots on a need that is not live, for an organisation that is not, or a count that is not a
    whole number from ``least`` to ``MAX_TALLY``."""
    errors: dict[str, str] = {}
    if unit.get(NeedRecord, need_id) is None:
        errors["need_id"] = "That need no longer exists; choose another"
    check_organisation(unit, organisation_id, errors)
    if isinstance(dots, bool) or not isinstance(dots, int):
        errors["dots"] = "Dots must be a whole number"
    elif not least <= dots <= MAX_TALLY:
        errors["dots"] = f"Type a number of dots from {least} to {MAX_TALLY:,}"
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------- helpers


def _theme_order(unit: UnitOfWork) -> dict[uuid.UUID, tuple[int, str, int, int, str]]:
    """A sort key per theme: the themes' tree order (top-level themes by sort order, each followed by its service
    areas), as the theme lists show them."""
    rows = {row.id: row for row in unit.list(ThemeRecord, include_deleted=True)}
    keys: dict[uuid.UUID, tuple[int, str, int, int, str]] = {}
    for row in rows.values():
        parent = rows.get(row.parent_id) if row.parent_id else None
        top = parent or row
        keys[row.id] = (
            top.sort_order,
            top.name.casefold(),
            1 if parent else 0,
            row.sort_order,
            row.name.casefold(),
        )
    return keys


class _NoteReader:
    """What turning note records into ``Note``s needs, read once for a whole board."""

    def __init__(self, unit: UnitOfWork, workshop_id: uuid.UUID) -> None:
        self.labels = theme_labels(unit)
        self.dots = workshop_queries.dots_by_need(unit, workshop_id)
        self.organisations = {row.id: row.name for row in unit.list(OrganisationRecord, include_deleted=True)}

    def note(self, record: WorkshopNoteRecord) -> Note:
        theme_name = theme_label(self.labels, record.theme_id)[1]
        return Note(
            id=record.id,
            version=record.version,
            workshop_id=record.workshop_id,
            title=record.title,
            organisation_id=record.organisation_id,
            organisation_name=self.organisations.get(record.organisation_id, "") if record.organisation_id else "",
            theme_id=record.theme_id,
            theme_name=theme_name,
            position=record.position,
            need_id=record.need_id,
            linked_existing=record.linked_existing,
            dots=self.dots.get(record.need_id, 0) if record.need_id else 0,
        )


def _one_note(unit: UnitOfWork, record: WorkshopNoteRecord) -> Note:
    return _NoteReader(unit, record.workshop_id).note(record)


def _next_position(unit: UnitOfWork, workshop_id: uuid.UUID, theme_id: uuid.UUID | None) -> int:
    column = unit.list(WorkshopNoteRecord, {"workshop_id": workshop_id, "theme_id": theme_id})
    return max((note.position for note in column), default=-1) + 1


def _workshop_source(unit: UnitOfWork) -> uuid.UUID | None:
    """The "Workshop" need source, unless the partnership has retired it."""
    for term in unit.list(VocabularyTermRecord, {"kind": VocabularyKind.NEED_SOURCE.value}):
        if normalise_name(term.name) == normalise_name(WORKSHOP_SOURCE):
            return term.id
    return None


def _clean_title(title: str, errors: dict[str, str]) -> str:
    try:
        return require_text(title, "title", "Title", max_length=300)
    except ValidationError as error:
        errors.update(error.field_errors)
        return ""


def _need_is_used_elsewhere(unit: UnitOfWork, need_id: uuid.UUID, note_ids: set[uuid.UUID]) -> bool:
    """Whether anything but the notes being deleted (and their workshop's dots) holds on to a need: another note,
    an action, an indicator, or dots in another workshop."""
    if any(note.id not in note_ids for note in unit.list(WorkshopNoteRecord, {"need_id": need_id})):
        return True
    if unit.list(ActionNeedRecord, {"need_id": need_id}):
        return True
    notes = unit.by_ids(WorkshopNoteRecord, note_ids)
    workshops = {note.workshop_id for note in notes if note.need_id == need_id}
    return any(vote.workshop_id not in workshops for vote in unit.list(WorkshopVoteRecord, {"need_id": need_id}))


def _agreed(unit: UnitOfWork, link: WorkshopActionRecord) -> AgreedAction | None:
    action = unit.get(ActionRecord, link.action_id)
    if action is None:
        return None
    lead = (
        unit.get(OrganisationRecord, action.lead_organisation_id, include_deleted=True)
        if (action.lead_organisation_id)
        else None
    )
    need_ids = [row.need_id for row in unit.list(ActionNeedRecord, {"action_id": action.id}, order_by=("created_at",))]
    needs = {need.id: need for need in unit.by_ids(NeedRecord, need_ids) if need.deleted_at is None}
    return AgreedAction(
        action_id=action.id,
        title=action.title,
        lead_organisation_name=lead.name if lead else "",
        due_on=action.due_on,
        need_titles=tuple(needs[need_id].title for need_id in need_ids if need_id in needs),
    )


# --------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class _TitleKeys:
    """Every live need's (id, title, theme) and title key, as of the workspace's data stamp."""

    stamp: tuple[Any, ...]
    rows: builtins.list[tuple[uuid.UUID, str, uuid.UUID | None]]
    keys: builtins.list[str]


class WorkshopBoard:
    """The board's part of ``WorkshopService``."""

    _context: ServiceContext
    _titles: _TitleKeys | None = None  # similar_to's title keys, while the workspace is unchanged

    # ------------------------------------------------------------------ notes

    def notes(self, workshop_id: uuid.UUID) -> builtins.list[Note]:
        """The workshop's live notes, by theme (in the themes' order, notes with no theme last) then position."""
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            rows = unit.list(WorkshopNoteRecord, {"workshop_id": workshop_id})
            order = _theme_order(unit)
            reader = _NoteReader(unit, workshop_id)
            rows.sort(
                key=lambda row: (
                    row.theme_id is None,
                    order.get(row.theme_id, (0, "", 0, 0, "")) if row.theme_id else (0, "", 0, 0, ""),
                    row.position,
                    row.created_at,
                )
            )
            return [reader.note(row) for row in rows]

    def notes_by_theme(self, workshop_id: uuid.UUID) -> builtins.list[ThemeNotes]:
        """The board's columns: each theme that has notes, in the themes' order, with its notes in order."""
        columns: dict[uuid.UUID | None, builtins.list[Note]] = {}
        for note in self.notes(workshop_id):
            columns.setdefault(note.theme_id, []).append(note)
        return [
            ThemeNotes(theme_id, notes[0].theme_name or NO_THEME, tuple(notes)) for theme_id, notes in columns.items()
        ]

    def capture_note(
        self,
        workshop_id: uuid.UUID,
        title: str,
        organisation_id: uuid.UUID | None = None,
        theme_id: uuid.UUID | None = None,
        same_as_need_id: uuid.UUID | None = None,
    ) -> Note:
        """Captures a note: a new need (source "Workshop", raised by the organisation, identified on the
        workshop's date) or, with ``same_as_need_id``, a link to that existing need, which the organisation
        is added to if it was not on it already."""
        with self._context.read() as unit:
            workshop = records.require(unit, WorkshopRecord, workshop_id, LABEL)
            held_on = workshop.held_on
            errors: dict[str, str] = {}
            clean = _clean_title(title, errors)
            check_organisation(unit, organisation_id, errors)
            check_theme(unit, theme_id, "theme_id", errors)
            existing = None
            if same_as_need_id is not None:
                existing = unit.get(NeedRecord, same_as_need_id)
                if existing is None:
                    errors["same_as_need_id"] = "That need no longer exists; choose another"
            if errors:
                raise ValidationError(errors)
            source_id = _workshop_source(unit)
            already_linked = existing is not None and (
                organisation_id is None
                or bool(unit.list(NeedOrganisationRecord, {"need_id": existing.id, "organisation_id": organisation_id}))
            )
        needs = NeedService(self._context)
        with self._context.batch():
            if same_as_need_id is not None:
                need_id = same_as_need_id
                if not already_linked and organisation_id is not None:
                    needs.link(need_id, organisation_id, NeedRole.SHARES)
            else:
                links = (NeedLinkDraft(organisation_id, NeedRole.RAISED_BY),) if organisation_id else ()
                draft = NeedDraft(
                    clean,
                    theme_id=theme_id,
                    source_id=source_id,
                    status=NeedStatus.IDENTIFIED,
                    identified_on=held_on or self._context.today(),
                    organisations=links,
                )
                need_id = needs.create(draft).id
            with self._context.edit(NOTE_ENTITY) as unit:
                note = WorkshopNoteRecord(
                    workshop_id=workshop_id,
                    title=clean,
                    organisation_id=organisation_id,
                    theme_id=theme_id,
                    position=_next_position(unit, workshop_id, theme_id),
                    need_id=need_id,
                    linked_existing=same_as_need_id is not None,
                )
                records.create(unit, note, _NOTE_FIELDS)
                unit.flush()
                return _one_note(unit, note)

    def similar_to(self, title: str, theme_id: uuid.UUID | None = None, limit: int = 3) -> builtins.list[SimilarNeed]:
        """Existing live needs that look like ``title`` (scoring at least the similar-needs scorer's "similar"
        threshold on its title key), best first; of equal scores, those in ``theme_id`` first. Asked as a title is
        typed, so the needs' title keys are kept while the workspace is unchanged."""
        from rapidfuzz import fuzz, process  # only a search needs it, not start-up

        key = title_key(title)
        if not key or limit < 1:
            return []
        with self._context.read() as unit:
            stamp = unit.data_stamp()
            titles = self._titles if self._titles is not None and self._titles.stamp == stamp else None
            if titles is None:
                rows = workshop_queries.live_need_titles(unit)
                titles = self._titles = _TitleKeys(stamp, rows, [title_key(row[1]) for row in rows])
            labels = theme_labels(unit)
        found = process.extract(key, titles.keys, scorer=fuzz.ratio, score_cutoff=DEFAULT_MIN_SCORE, limit=None)
        rows = titles.rows
        found.sort(key=lambda item: (-round(item[1]), rows[item[2]][2] != theme_id, rows[item[2]][1].casefold()))
        return [
            SimilarNeed(
                need_id=rows[index][0],
                title=rows[index][1],
                theme_name=theme_label(labels, rows[index][2])[1],
                score=min(100, round(score)),
            )
            for _key, score, index in found[:limit]
        ]

    def move_note(self, note_id: uuid.UUID, theme_id: uuid.UUID | None, position: int) -> Note:
        """Puts a note in ``theme_id``'s column at ``position`` (0 is the top; past the end is the end). A note
        that created its need re-themes the need too; a need it was linked to as "same as" keeps its theme."""
        with self._context.edit(NOTE_ENTITY, NEED_ENTITY) as unit:
            note = records.require(unit, WorkshopNoteRecord, note_id, NOTE_LABEL)
            errors: dict[str, str] = {}
            if theme_id != note.theme_id:
                check_theme(unit, theme_id, "theme_id", errors)
            if isinstance(position, bool) or not isinstance(position, int):
                errors["position"] = "The position must be a whole number"
            if errors:
                raise ValidationError(errors)
            column = [
                row
                for row in unit.list(
                    WorkshopNoteRecord, {"workshop_id": note.workshop_id, "theme_id": theme_id}, order_by=("position",)
                )
                if row.id != note.id
            ]
            column.insert(max(0, min(position, len(column))), note)
            if theme_id != note.theme_id:
                records.update(unit, note, {"theme_id": theme_id})
                need = unit.get(NeedRecord, note.need_id) if note.need_id and not note.linked_existing else None
                if need is not None:
                    records.update(unit, need, {"theme_id": theme_id})
            for number, row in enumerate(column):
                if row.position != number:  # only the notes that move are written (and merged)
                    records.update(unit, row, {"position": number})
            return _one_note(unit, note)

    def edit_note(
        self, note_id: uuid.UUID, title: str, organisation_id: uuid.UUID | None, expected_version: int | None
    ) -> Note:
        """Changes a note's title and organisation. A note that created its need changes the need's title and its
        "raised by" organisation too; a note linked to an existing need adds the new organisation to it."""
        with self._context.read() as unit:
            note = records.require(unit, WorkshopNoteRecord, note_id, NOTE_LABEL)
            records.check_version(note, expected_version, NOTE_LABEL, lambda: _one_note(unit, note))
            errors: dict[str, str] = {}
            clean = _clean_title(title, errors)
            if organisation_id != note.organisation_id:
                check_organisation(unit, organisation_id, errors)
            if errors:
                raise ValidationError(errors)
            need = unit.get(NeedRecord, note.need_id) if note.need_id else None
            need_id = need.id if need else None
            old_organisation = note.organisation_id
            created = not note.linked_existing
        needs = NeedService(self._context)
        with self._context.batch():
            if need_id is not None and organisation_id != old_organisation:
                if created and old_organisation is not None:
                    needs.unlink(need_id, old_organisation)
                if organisation_id is not None:
                    with self._context.read() as unit:
                        linked = unit.list(
                            NeedOrganisationRecord, {"need_id": need_id, "organisation_id": organisation_id}
                        )
                    if not linked:
                        needs.link(need_id, organisation_id, NeedRole.RAISED_BY if created else NeedRole.SHARES)
            with self._context.edit(NOTE_ENTITY, NEED_ENTITY) as unit:
                note = records.require(unit, WorkshopNoteRecord, note_id, NOTE_LABEL)
                records.update(unit, note, {"title": clean, "organisation_id": organisation_id})
                if created and need_id is not None:
                    need_record = records.require(unit, NeedRecord, need_id, "need")
                    records.update(unit, need_record, {"title": clean})
                return _one_note(unit, note)

    def delete_notes(self, note_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedWorkshopItems:
        """Deletes notes. A note that created its need deletes the need too (with this workshop's dots on it)
        unless something else holds on to it: another note, an action, dots in another workshop."""
        wanted = as_ids(note_ids)
        with self._context.read() as unit:
            notes = [records.require(unit, WorkshopNoteRecord, note_id, NOTE_LABEL) for note_id in wanted]
            doomed = [
                note.need_id
                for note in notes
                if note.need_id is not None
                and not note.linked_existing
                and unit.get(NeedRecord, note.need_id) is not None
                and not _need_is_used_elsewhere(unit, note.need_id, set(wanted))
            ]
        doomed = builtins.list(dict.fromkeys(doomed))
        with self._context.batch():
            with self._context.edit(NOTE_ENTITY, VOTE_ENTITY) as unit:
                at = records.tombstone(unit, unit.by_ids(WorkshopNoteRecord, wanted))
                votes = unit.list(WorkshopVoteRecord, {"need_id": doomed}) if doomed else []
                vote_ids = tuple(vote.id for vote in votes)
                records.tombstone(unit, votes, at)
            if doomed:
                NeedService(self._context).delete(doomed)
        return DeletedWorkshopItems(note_ids=tuple(wanted), vote_ids=vote_ids, need_ids=tuple(doomed))

    def _restore_needs(self, need_ids: Sequence[uuid.UUID]) -> None:
        NeedService(self._context).restore(DeletedNeeds(tuple(need_ids)))

    # ------------------------------------------------------------------ dots

    def place_dot(self, workshop_id: uuid.UUID, need_id: uuid.UUID, participant_id: uuid.UUID) -> Vote:
        """One dot on a need for a participant (counted for their organisation); refused once the participant
        has placed all the dots the workshop gives each."""
        with self._context.edit(VOTE_ENTITY) as unit:
            workshop = records.require(unit, WorkshopRecord, workshop_id, LABEL)
            participant = unit.get(WorkshopParticipantRecord, participant_id)
            errors: dict[str, str] = {}
            if participant is None or participant.workshop_id != workshop_id:
                errors["participant_id"] = "Choose a participant of this workshop"
            if unit.get(NeedRecord, need_id) is None:
                errors["need_id"] = "That need no longer exists; choose another"
            if errors:
                raise ValidationError(errors)
            assert participant is not None
            used = workshop_queries.dots_by_participant(unit, workshop_id).get(participant_id, 0)
            if used >= workshop.dots_per_participant:
                allowance = plural(workshop.dots_per_participant, "dot")
                raise ValidationError({"dots": f"{participant.name} has used all {allowance}"})
            vote = create_vote(unit, workshop_id, need_id, participant.organisation_id, 1, participant_id)
            unit.flush()
            return to_vote(unit, vote)

    def take_dot(self, workshop_id: uuid.UUID, need_id: uuid.UUID, participant_id: uuid.UUID) -> None:
        """Takes back the participant's latest dot on that need."""
        with self._context.edit(VOTE_ENTITY) as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            participant = records.require(unit, WorkshopParticipantRecord, participant_id, "participant")
            dots = unit.list(
                WorkshopVoteRecord,
                {"workshop_id": workshop_id, "need_id": need_id, "participant_id": participant_id},
                order_by=("-created_at", "-id"),
            )
            if not dots:
                raise ValidationError({"dots": f"{participant.name} has no dot on that need"})
            records.tombstone(unit, dots[:1])

    def set_tally(
        self, workshop_id: uuid.UUID, need_id: uuid.UUID, organisation_id: uuid.UUID | None, dots: int
    ) -> None:
        """Types the dots an organisation put on a need on the paper wall: replaces its typed tally for that need
        (clicked dots are left alone); 0 removes it."""
        with self._context.edit(VOTE_ENTITY) as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            check_vote(unit, need_id, organisation_id, dots, least=0)
            existing = typed_tallies(unit, workshop_id, need_id, organisation_id)
            if dots == 0:
                records.tombstone(unit, existing)
            elif existing:
                records.update(unit, existing[0], {"dots": dots})
                records.tombstone(unit, existing[1:])
            else:
                create_vote(unit, workshop_id, need_id, organisation_id, dots)

    def participant_dots(self, workshop_id: uuid.UUID) -> builtins.list[ParticipantDots]:
        """Each participant's clicked dots against the workshop's allowance, by name."""
        with self._context.read() as unit:
            workshop = records.require(unit, WorkshopRecord, workshop_id, LABEL)
            used = workshop_queries.dots_by_participant(unit, workshop_id)
            people = unit.list(WorkshopParticipantRecord, {"workshop_id": workshop_id}, order_by=("name",))
            names = {row.id: row.name for row in unit.list(OrganisationRecord, include_deleted=True)}
            return [
                ParticipantDots(
                    participant_id=person.id,
                    name=person.name,
                    organisation_name=names.get(person.organisation_id, "") if person.organisation_id else "",
                    used=used.get(person.id, 0),
                    allowance=workshop.dots_per_participant,
                )
                for person in people
            ]

    # ------------------------------------------------------------------ agreed actions

    def agree_action(
        self,
        workshop_id: uuid.UUID,
        need_ids: Sequence[uuid.UUID],
        title: str,
        lead_organisation_id: uuid.UUID | None,
        partner_ids: Sequence[uuid.UUID] = (),
        due_on: date | None = None,
    ) -> AgreedAction:
        """Agrees an action at the workshop: a "Planned" action (checked exactly as the actions service checks
        one), addressing the needs, with the lead and partners, linked to the workshop. Its theme is the
        needs' theme when they share one."""
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            themes = {need.theme_id for need in unit.by_ids(NeedRecord, need_ids)}
        theme_id = themes.pop() if len(themes) == 1 else None
        draft = ActionDraft(
            title,
            theme_id=theme_id,
            lead_organisation_id=lead_organisation_id,
            due_on=due_on,
            status=ActionStatus.PLANNED,
            partners=tuple(PartnerDraft(organisation_id) for organisation_id in dict.fromkeys(partner_ids)),
            need_ids=tuple(dict.fromkeys(need_ids)),
        )
        with self._context.batch():
            action = ActionService(self._context).create(draft)
            with self._context.edit(ACTION_LINK_ENTITY) as unit:
                link = records.create(
                    unit, WorkshopActionRecord(workshop_id=workshop_id, action_id=action.id), _ACTION_LINK_FIELDS
                )
                unit.flush()
                agreed = _agreed(unit, link)
        if agreed is None:  # pragma: no cover - the action was created in this transaction
            raise NotFoundError("The action agreed could not be read back.")
        return agreed

    def agreed_actions(self, workshop_id: uuid.UUID) -> builtins.list[AgreedAction]:
        """The live actions agreed at the workshop, in the order they were agreed."""
        with self._context.read() as unit:
            records.require(unit, WorkshopRecord, workshop_id, LABEL)
            links = unit.list(WorkshopActionRecord, {"workshop_id": workshop_id}, order_by=("created_at", "id"))
            return [agreed for link in links if (agreed := _agreed(unit, link)) is not None]

    def forget_agreed_action(self, workshop_id: uuid.UUID, action_id: uuid.UUID) -> DeletedWorkshopItems:
        """Takes an action off the workshop's agreed list (the action itself stays); undone by ``restore``."""
        with self._context.edit(ACTION_LINK_ENTITY) as unit:
            links = unit.list(WorkshopActionRecord, {"workshop_id": workshop_id, "action_id": action_id})
            if not links:
                raise NotFoundError("That action is not on this workshop's agreed list.")
            records.tombstone(unit, links)
            return DeletedWorkshopItems(action_link_ids=tuple(link.id for link in links))
