"""Workshops: recording them, who came, dot-voting on needs and the ranking it gives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from locality.domain.errors import NotFoundError, StaleRecordError, ValidationError
from locality.services.context import Changes, ServiceContext, User
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.workshops import (
    NO_ORGANISATION,
    OrganisationDots,
    WorkshopDraft,
    WorkshopService,
)
from locality.store.models import (
    ChangeLogRecord,
    NeedRecord,
    WorkshopParticipantRecord,
    WorkshopRecord,
    WorkshopVoteRecord,
    utc_now,
)
from locality.store.workspace import Workspace

TODAY = date(2008, 6, 1)


@pytest.fixture
def ctx(workspace: Workspace) -> ServiceContext:
    return ServiceContext(workspace, User("Facilitator", "Northshire CC"), today=lambda: TODAY)


@pytest.fixture
def workshops(ctx: ServiceContext) -> WorkshopService:
    return WorkshopService(ctx)


@pytest.fixture
def orgs(ctx: ServiceContext) -> dict[str, uuid.UUID]:
    service = OrganisationService(ctx)
    return {name: service.create(OrganisationDraft(name)).id for name in ("Police", "Fire", "Council")}


def add_need(workspace: Workspace, title: str) -> uuid.UUID:
    with workspace.transaction() as unit:
        record = NeedRecord(id=uuid.uuid4(), title=title)
        unit.add(record)
        return record.id


@dataclass(frozen=True)
class Logged:
    entity: str
    operation: str
    field: str | None
    old_value: str | None
    new_value: str | None


def log_rows(workspace: Workspace, entity: str | None = None) -> list[Logged]:
    with workspace.reading() as unit:
        rows = [
            Logged(row.entity, row.operation, row.field, row.old_value, row.new_value)
            for row in unit.list(ChangeLogRecord, order_by=("seq",))
        ]
    return [row for row in rows if entity is None or row.entity == entity]


def count(workspace: Workspace, model: type) -> int:
    with workspace.reading() as unit:
        return unit.count(model)


DRAFT = WorkshopDraft("Community safety priorities", date(2008, 5, 14), "Town Hall", "A. Facilitator", "Notes")


# --------------------------------------------------------------------------- workshops


def test_create_and_read_back(workshops: WorkshopService, workspace: Workspace, heard: list[Changes]) -> None:
    created = workshops.create(WorkshopDraft("  Community safety priorities ", date(2008, 5, 14), " Town Hall "))
    assert (created.title, created.held_on, created.venue) == (
        "Community safety priorities",
        date(2008, 5, 14),
        "Town Hall",
    )
    assert (created.participants_count, created.votes_count, created.dots_count) == (0, 0, 0)
    assert workshops.get(created.id) == created
    assert heard == [Changes(frozenset({"workshop"}))]
    assert [row.operation for row in log_rows(workspace, "workshop")] == ["create"]


def test_list_is_most_recent_first_with_undated_last(workshops: WorkshopService) -> None:
    workshops.create(WorkshopDraft("Undated"))
    workshops.create(WorkshopDraft("Spring", date(2008, 3, 1)))
    workshops.create(WorkshopDraft("Summer", date(2008, 7, 1)))
    assert [w.title for w in workshops.list()] == ["Summer", "Spring", "Undated"]


def test_validation_reports_every_field_and_writes_nothing(workshops: WorkshopService, workspace: Workspace) -> None:
    with pytest.raises(ValidationError) as caught:
        workshops.create(WorkshopDraft(" ", venue="x" * 301, facilitator="y" * 201))
    assert caught.value.field_errors == {
        "title": "Title cannot be empty.",
        "venue": "Venue must be 300 characters or fewer; it has 301",
        "facilitator": "Facilitator must be 200 characters or fewer; it has 201",
    }
    assert count(workspace, WorkshopRecord) == 0
    assert log_rows(workspace, "workshop") == []


def test_update_and_stale_conflict(workshops: WorkshopService, workspace: Workspace) -> None:
    created = workshops.create(DRAFT)
    changed = workshops.update(created.id, WorkshopDraft("Renamed", date(2008, 5, 15)), created.version)
    assert (changed.title, changed.held_on, changed.venue, changed.version) == ("Renamed", date(2008, 5, 15), "", 2)
    with pytest.raises(StaleRecordError) as caught:
        workshops.update(created.id, DRAFT, created.version)
    assert caught.value.current.title == "Renamed"
    fields = {row.field for row in log_rows(workspace, "workshop") if row.operation == "update"}
    assert fields == {"title", "held_on", "venue", "facilitator", "notes"}
    with pytest.raises(ValidationError):
        workshops.update(created.id, WorkshopDraft(""), changed.version)
    assert workshops.get(created.id) == changed


# --------------------------------------------------------------------------- participants


def test_participants_are_added_listed_and_removed(
    workshops: WorkshopService, orgs: dict[str, uuid.UUID], heard: list[Changes]
) -> None:
    workshop = workshops.create(DRAFT)
    ann = workshops.add_participant(workshop.id, " Ann Smith ", orgs["Police"])
    bob = workshops.add_participant(workshop.id, "Bob Jones")
    assert (ann.name, ann.organisation_name) == ("Ann Smith", "Police")
    assert (bob.organisation_id, bob.organisation_name) == (None, "")
    assert workshops.participants(workshop.id) == [ann, bob]
    assert workshops.get(workshop.id).participants_count == 2
    assert heard[-1] == Changes(frozenset({"workshop_participant"}))

    removed = workshops.remove_participant(ann.id)
    assert workshops.participants(workshop.id) == [bob]
    workshops.restore(removed)
    assert workshops.participants(workshop.id) == [ann, bob]


def test_participant_validation(workshops: WorkshopService, workspace: Workspace) -> None:
    workshop = workshops.create(DRAFT)
    with pytest.raises(ValidationError) as caught:
        workshops.add_participant(workshop.id, "  ", uuid.uuid4())
    assert caught.value.field_errors == {
        "name": "Name cannot be empty.",
        "organisation_id": "Choose an organisation from the list",
    }
    with pytest.raises(NotFoundError):
        workshops.add_participant(uuid.uuid4(), "Ann")
    assert count(workspace, WorkshopParticipantRecord) == 0


# --------------------------------------------------------------------------- votes


def test_votes_add_up_per_organisation_and_need(
    workshops: WorkshopService, workspace: Workspace, orgs: dict[str, uuid.UUID]
) -> None:
    workshop = workshops.create(DRAFT)
    need = add_need(workspace, "Reduce repeat burglary")
    first = workshops.cast_votes(workshop.id, need, orgs["Police"], 2)
    second = workshops.cast_votes(workshop.id, need, orgs["Police"], 3)
    assert second.id == first.id
    assert second.dots == 5
    assert second.need_title == "Reduce repeat burglary"
    assert second.organisation_name == "Police"
    assert count(workspace, WorkshopVoteRecord) == 1
    assert [(row.operation, row.field, row.old_value, row.new_value) for row in log_rows(workspace, "workshop_vote")][
        1
    ] == ("update", "dots", "2", "5")
    anonymous = workshops.cast_votes(workshop.id, need, None, 1)
    assert anonymous.id != first.id
    assert workshops.cast_votes(workshop.id, need, None, 1).dots == 2
    assert [v.dots for v in workshops.votes(workshop.id)] == [5, 2]


def test_vote_validation_writes_nothing(
    workshops: WorkshopService, workspace: Workspace, orgs: dict[str, uuid.UUID]
) -> None:
    workshop = workshops.create(DRAFT)
    need = add_need(workspace, "Reduce repeat burglary")
    with pytest.raises(ValidationError) as caught:
        workshops.cast_votes(workshop.id, uuid.uuid4(), uuid.uuid4(), 0)
    assert caught.value.field_errors == {
        "need_id": "That need no longer exists; choose another",
        "organisation_id": "Choose an organisation from the list",
        "dots": "Type a number of dots from 1 to 9,999",
    }
    with pytest.raises(ValidationError) as caught:
        workshops.cast_votes(workshop.id, need, orgs["Police"], -3)
    assert caught.value.field_errors == {"dots": "Type a number of dots from 1 to 9,999"}
    with pytest.raises(NotFoundError):
        workshops.cast_votes(uuid.uuid4(), need, None, 1)
    assert count(workspace, WorkshopVoteRecord) == 0
    assert log_rows(workspace, "workshop_vote") == []


def test_tally_ranks_needs_with_a_breakdown_per_organisation(
    workshops: WorkshopService, workspace: Workspace, orgs: dict[str, uuid.UUID]
) -> None:
    workshop = workshops.create(DRAFT)
    other = workshops.create(WorkshopDraft("Health and wellbeing", date(2008, 5, 20)))
    burglary = add_need(workspace, "Reduce repeat burglary")
    alcohol = add_need(workspace, "Alcohol-related harm")
    youth = add_need(workspace, "Youth diversion")
    workshops.cast_votes(workshop.id, burglary, orgs["Police"], 3)
    workshops.cast_votes(workshop.id, burglary, orgs["Fire"], 1)
    workshops.cast_votes(workshop.id, burglary, None, 2)
    workshops.cast_votes(workshop.id, alcohol, orgs["Council"], 2)
    workshops.cast_votes(workshop.id, youth, orgs["Police"], 2)
    workshops.cast_votes(other.id, youth, orgs["Fire"], 5)

    tally = workshops.tally(workshop.id)
    assert [(t.rank, t.need_title, t.total_dots) for t in tally] == [
        (1, "Reduce repeat burglary", 6),
        (2, "Alcohol-related harm", 2),
        (2, "Youth diversion", 2),
    ]
    assert tally[0].by_organisation == (
        OrganisationDots(orgs["Police"], "Police", 3),
        OrganisationDots(None, NO_ORGANISATION, 2),
        OrganisationDots(orgs["Fire"], "Fire", 1),
    )

    overall = workshops.total_dots_by_need()
    assert [(t.rank, t.need_title, t.total_dots) for t in overall] == [
        (1, "Youth diversion", 7),
        (2, "Reduce repeat burglary", 6),
        (3, "Alcohol-related harm", 2),
    ]
    workshops.delete(other.id)
    assert workshops.total_dots_by_need()[0].need_title == "Reduce repeat burglary"


def test_votes_on_a_deleted_need_drop_out_of_the_tally(
    workshops: WorkshopService, workspace: Workspace, orgs: dict[str, uuid.UUID]
) -> None:
    workshop = workshops.create(DRAFT)
    need = add_need(workspace, "Reduce repeat burglary")
    workshops.cast_votes(workshop.id, need, orgs["Police"], 3)
    with workspace.transaction() as unit:
        record = unit.get(NeedRecord, need)
        assert record is not None
        record.deleted_at = utc_now()
    assert workshops.tally(workshop.id) == []


def test_remove_and_restore_a_vote(workshops: WorkshopService, workspace: Workspace) -> None:
    workshop = workshops.create(DRAFT)
    need = add_need(workspace, "Reduce repeat burglary")
    vote = workshops.cast_votes(workshop.id, need, None, 4)
    removed = workshops.remove_vote(vote.id)
    assert workshops.tally(workshop.id) == []
    assert workshops.get(workshop.id).dots_count == 0
    workshops.restore(removed)
    assert workshops.tally(workshop.id)[0].total_dots == 4


# --------------------------------------------------------------------------- delete and undo


def test_delete_takes_participants_and_votes_and_restore_brings_them_back(
    workshops: WorkshopService, workspace: Workspace, orgs: dict[str, uuid.UUID], heard: list[Changes]
) -> None:
    workshop = workshops.create(DRAFT)
    need = add_need(workspace, "Reduce repeat burglary")
    earlier = workshops.add_participant(workshop.id, "Left early")
    workshops.remove_participant(earlier.id)  # removed before, on its own: stays removed
    workshops.add_participant(workshop.id, "Ann Smith", orgs["Police"])
    workshops.cast_votes(workshop.id, need, orgs["Police"], 3)

    deleted = workshops.delete([workshop.id])
    assert workshops.list() == []
    assert count(workspace, WorkshopParticipantRecord) == 0
    assert count(workspace, WorkshopVoteRecord) == 0
    assert heard[-1] == Changes(
        frozenset({"workshop", "workshop_participant", "workshop_vote", "workshop_note", "workshop_action"})
    )
    with pytest.raises(NotFoundError):
        workshops.tally(workshop.id)

    workshops.restore(deleted)
    back = workshops.get(workshop.id)
    assert (back.participants_count, back.votes_count, back.dots_count) == (1, 1, 3)
    assert [p.name for p in workshops.participants(workshop.id)] == ["Ann Smith"]
    restored = [row.entity for row in log_rows(workspace) if row.operation == "restore"]
    assert sorted(restored) == ["workshop", "workshop_participant", "workshop_vote"]


def test_a_vote_of_a_deleted_workshop_cannot_be_restored_alone(
    workshops: WorkshopService, workspace: Workspace
) -> None:
    workshop = workshops.create(DRAFT)
    need = add_need(workspace, "Reduce repeat burglary")
    vote = workshops.cast_votes(workshop.id, need, None, 1)
    removed = workshops.remove_vote(vote.id)
    workshops.delete(workshop.id)
    with pytest.raises(NotFoundError, match="restore it first"):
        workshops.restore(removed)
