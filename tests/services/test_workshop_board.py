"""The workshop board: notes captured as needs (or linked "same as" an existing one), moved between themes, dots
clicked for participants within their allowance or typed from a paper wall, the live ranking, and actions agreed
from it — each undoable, each notifying, everything written through the change log."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import StaleRecordError, ValidationError
from locality.domain.vocabulary import ActionStatus, NeedRole, NeedStatus, VocabularyKind
from locality.services import records
from locality.services.actions import ActionDraft
from locality.services.context import Changes
from locality.services.needs import NeedDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.services.workshops import WorkshopDraft
from locality.store.models import (
    ChangeLogRecord,
    WorkshopNoteRecord,
    WorkshopParticipantRecord,
    WorkshopVoteRecord,
)

HELD_ON = date(2008, 5, 14)


@pytest.fixture
def heard(services: Services) -> list[Changes]:
    received: list[Changes] = []
    services.context.subscribe(received.append)
    return received


@pytest.fixture
def orgs(services: Services) -> dict[str, uuid.UUID]:
    return {
        name: services.organisations.create(OrganisationDraft(name)).id
        for name in ("Northshire Police", "Northshire Fire", "Northshire CC")
    }


@pytest.fixture
def themes(services: Services) -> dict[str, uuid.UUID]:
    return {theme.name: theme.id for theme in services.vocabulary.themes()}


@pytest.fixture
def workshop(services: Services) -> uuid.UUID:
    draft = WorkshopDraft("Community safety priorities", HELD_ON, "Town Hall", purpose="Find shared needs")
    return services.workshops.create(draft).id


def logged(services: Services, entity: Entity) -> list[tuple[str, str | None]]:
    with services.context.read() as unit:
        rows = unit.list(ChangeLogRecord, {"entity": entity.value}, order_by=("seq",))
        return [(row.operation, row.field) for row in rows]


# --------------------------------------------------------------------------- capture


def test_capturing_a_note_creates_a_workshop_need_raised_by_the_organisation(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID], themes: dict[str, uuid.UUID], heard: list
) -> None:
    theme = themes["Community engagement"]
    note = services.workshops.capture_note(workshop, "  Joint consultation calendar ", orgs["Northshire Police"], theme)

    assert (note.title, note.organisation_name, note.theme_name, note.position) == (
        "Joint consultation calendar",
        "Northshire Police",
        "Community engagement",
        0,
    )
    assert note.need_id is not None and not note.linked_existing and note.dots == 0
    need = services.needs.get(note.need_id)
    source = services.vocabulary.resolve_term(VocabularyKind.NEED_SOURCE, "Workshop")
    assert (need.title, need.theme_id, need.source_id, need.status, need.identified_on) == (
        "Joint consultation calendar",
        theme,
        source,
        NeedStatus.IDENTIFIED,
        HELD_ON,
    )
    assert [(link.organisation_name, link.role) for link in need.links] == [("Northshire Police", NeedRole.RAISED_BY)]
    assert heard[-1].touches(Entity.WORKSHOP_NOTE, Entity.NEED, Entity.NEED_ORGANISATION)
    assert ("create", None) in logged(services, Entity.WORKSHOP_NOTE)

    second = services.workshops.capture_note(workshop, "Shared youth diversion", None, theme)
    assert second.position == 1
    assert services.workshops.get(workshop).notes_count == 2


def test_a_note_without_a_title_is_refused_and_nothing_is_kept(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.workshops.capture_note(workshop, "   ", orgs["Northshire Police"])
    assert set(refused.value.field_errors) == {"title"}
    with pytest.raises(ValidationError) as refused:
        services.workshops.capture_note(workshop, "A need", uuid.uuid4())
    assert set(refused.value.field_errors) == {"organisation_id"}
    assert services.workshops.notes(workshop) == []
    assert services.needs.list() == []


def test_an_undated_workshop_dates_its_needs_today(services: Services, workshop: uuid.UUID) -> None:
    undated = services.workshops.create(WorkshopDraft("Undated")).id
    note = services.workshops.capture_note(undated, "Share premises")
    assert note.need_id is not None
    assert services.needs.get(note.need_id).identified_on == services.context.today()


def test_same_as_links_the_existing_need_without_a_duplicate(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    existing = services.needs.create(NeedDraft("Reduce repeat burglary")).id
    similar = services.workshops.similar_to("reduce the repeat burglaries")
    assert [item.need_id for item in similar] == [existing]
    assert similar[0].score >= 80
    assert services.workshops.similar_to("Improve broadband for rural schools") == []

    note = services.workshops.capture_note(
        workshop, "Repeat burglary", orgs["Northshire Fire"], same_as_need_id=existing
    )
    assert (note.need_id, note.linked_existing) == (existing, True)
    assert len(services.needs.list()) == 1
    need = services.needs.get(existing)
    assert [(link.organisation_name, link.role) for link in need.links] == [("Northshire Fire", NeedRole.SHARES)]
    # The same organisation again: its link is left as it is.
    services.workshops.capture_note(workshop, "Burglary again", orgs["Northshire Fire"], same_as_need_id=existing)
    assert len(services.needs.get(existing).links) == 1

    with pytest.raises(ValidationError) as refused:
        services.workshops.capture_note(workshop, "Gone", same_as_need_id=uuid.uuid4())
    assert set(refused.value.field_errors) == {"same_as_need_id"}


def test_similar_to_prefers_the_theme_being_captured_and_honours_the_limit(
    services: Services, themes: dict[str, uuid.UUID]
) -> None:
    safety, health = themes["Community engagement"], themes["Leadership and governance"]
    first = services.needs.create(NeedDraft("Joint training for councillors", theme_id=health)).id
    second = services.needs.create(NeedDraft("Joint training for councillors", theme_id=safety)).id
    found = services.workshops.similar_to("joint training councillors", theme_id=safety)
    assert [item.need_id for item in found] == [second, first]
    assert [item.need_id for item in services.workshops.similar_to("joint training councillors", limit=1)] != []
    assert len(services.workshops.similar_to("joint training councillors", limit=1)) == 1
    assert services.workshops.similar_to("   ") == []


# --------------------------------------------------------------------------- move and edit


def test_moving_a_note_re_themes_the_need_it_created_and_orders_the_column(
    services: Services, workshop: uuid.UUID, themes: dict[str, uuid.UUID]
) -> None:
    engagement, leadership = themes["Community engagement"], themes["Leadership and governance"]
    a = services.workshops.capture_note(workshop, "Alpha", theme_id=engagement)
    b = services.workshops.capture_note(workshop, "Bravo", theme_id=leadership)
    c = services.workshops.capture_note(workshop, "Charlie", theme_id=leadership)

    moved = services.workshops.move_note(a.id, leadership, 1)
    assert (moved.theme_id, moved.position) == (leadership, 1)
    assert a.need_id is not None and services.needs.get(a.need_id).theme_id == leadership
    column = [note.title for note in services.workshops.notes(workshop) if note.theme_id == leadership]
    assert column == ["Bravo", "Alpha", "Charlie"]
    assert [n.position for n in services.workshops.notes(workshop)] == [0, 1, 2]

    services.workshops.move_note(c.id, leadership, 0)  # re-order within the column
    assert [note.title for note in services.workshops.notes(workshop)] == ["Charlie", "Bravo", "Alpha"]
    services.workshops.move_note(b.id, None, 99)  # no theme; past the end is the end
    assert services.workshops.notes(workshop)[-1].title == "Bravo"
    assert [column.theme_name for column in services.workshops.notes_by_theme(workshop)] == [
        "Leadership and governance",
        "No theme",
    ]
    with pytest.raises(ValidationError) as refused:
        services.workshops.move_note(b.id, uuid.uuid4(), 0)
    assert set(refused.value.field_errors) == {"theme_id"}


def test_moving_a_same_as_note_leaves_the_existing_needs_theme_alone(
    services: Services, workshop: uuid.UUID, themes: dict[str, uuid.UUID]
) -> None:
    engagement, leadership = themes["Community engagement"], themes["Leadership and governance"]
    existing = services.needs.create(NeedDraft("Shared CCTV", theme_id=engagement)).id
    note = services.workshops.capture_note(workshop, "CCTV", theme_id=engagement, same_as_need_id=existing)
    services.workshops.move_note(note.id, leadership, 0)
    assert services.needs.get(existing).theme_id == engagement


def test_editing_a_note_changes_its_needs_title_and_raised_by(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    note = services.workshops.capture_note(workshop, "Shred data", orgs["Northshire Police"])
    edited = services.workshops.edit_note(note.id, "Shared data", orgs["Northshire Fire"], note.version)
    assert (edited.title, edited.organisation_name) == ("Shared data", "Northshire Fire")
    assert note.need_id is not None
    need = services.needs.get(note.need_id)
    assert need.title == "Shared data"
    assert [(link.organisation_name, link.role) for link in need.links] == [("Northshire Fire", NeedRole.RAISED_BY)]
    with pytest.raises(StaleRecordError):
        services.workshops.edit_note(note.id, "Lost update", None, note.version)
    with pytest.raises(ValidationError) as refused:
        services.workshops.edit_note(note.id, "", None, edited.version)
    assert set(refused.value.field_errors) == {"title"}
    assert services.needs.get(note.need_id).title == "Shared data"


def test_editing_a_same_as_note_keeps_the_existing_needs_title(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    existing = services.needs.create(NeedDraft("Reduce repeat burglary")).id
    note = services.workshops.capture_note(workshop, "Burglary", same_as_need_id=existing)
    services.workshops.edit_note(note.id, "Burglary again", orgs["Northshire CC"], note.version)
    need = services.needs.get(existing)
    assert need.title == "Reduce repeat burglary"
    assert [(link.organisation_name, link.role) for link in need.links] == [("Northshire CC", NeedRole.SHARES)]


# --------------------------------------------------------------------------- delete and undo


def test_deleting_a_note_deletes_the_need_it_created_and_restore_brings_both_back(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID], heard: list
) -> None:
    note = services.workshops.capture_note(workshop, "Joint tasking", orgs["Northshire Police"])
    assert note.need_id is not None
    person = services.workshops.add_participant(workshop, "Alex Smith", orgs["Northshire Police"])
    services.workshops.place_dot(workshop, note.need_id, person.id)

    deleted = services.workshops.delete_notes([note.id])
    assert deleted.note_ids == (note.id,) and deleted.need_ids == (note.need_id,) and len(deleted.vote_ids) == 1
    assert services.workshops.notes(workshop) == []
    assert services.needs.list() == []
    assert services.workshops.tally(workshop) == []
    assert heard[-1].touches(Entity.WORKSHOP_NOTE, Entity.NEED, Entity.WORKSHOP_VOTE)

    services.workshops.restore(deleted)
    assert [n.title for n in services.workshops.notes(workshop)] == ["Joint tasking"]
    assert [need.title for need in services.needs.list()] == ["Joint tasking"]
    assert [row.total_dots for row in services.workshops.tally(workshop)] == [1]
    assert len(services.needs.get(note.need_id).links) == 1


def test_deleting_a_note_keeps_a_need_something_else_holds(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    existing = services.needs.create(NeedDraft("Existing need")).id
    linked = services.workshops.capture_note(workshop, "Same", same_as_need_id=existing)
    acted = services.workshops.capture_note(workshop, "Acted on")
    assert acted.need_id is not None
    services.actions.create(ActionDraft("Do it", need_ids=(acted.need_id,)))

    deleted = services.workshops.delete_notes([linked.id, acted.id])
    assert deleted.need_ids == ()
    assert {need.title for need in services.needs.list()} == {"Existing need", "Acted on"}


# --------------------------------------------------------------------------- dots


def test_clicked_dots_keep_to_the_allowance_and_can_be_taken_back(
    services: Services, orgs: dict[str, uuid.UUID], heard: list
) -> None:
    workshop = services.workshops.create(WorkshopDraft("Small vote", dots_per_participant=2)).id
    note = services.workshops.capture_note(workshop, "Joint tasking")
    assert note.need_id is not None
    alex = services.workshops.add_participant(workshop, "Alex Smith", orgs["Northshire Police"])

    vote = services.workshops.place_dot(workshop, note.need_id, alex.id)
    assert (vote.participant_id, vote.organisation_name, vote.dots) == (alex.id, "Northshire Police", 1)
    assert heard[-1] == Changes(frozenset({Entity.WORKSHOP_VOTE}))
    services.workshops.place_dot(workshop, note.need_id, alex.id)
    with pytest.raises(ValidationError) as refused:
        services.workshops.place_dot(workshop, note.need_id, alex.id)
    assert refused.value.field_errors == {"dots": "Alex Smith has used all 2 dots"}
    assert [
        (p.name, p.organisation_name, p.used, p.allowance) for p in services.workshops.participant_dots(workshop)
    ] == [("Alex Smith", "Northshire Police", 2, 2)]
    assert services.workshops.notes(workshop)[0].dots == 2

    services.workshops.take_dot(workshop, note.need_id, alex.id)
    assert services.workshops.participant_dots(workshop)[0].used == 1
    services.workshops.take_dot(workshop, note.need_id, alex.id)
    with pytest.raises(ValidationError) as refused:
        services.workshops.take_dot(workshop, note.need_id, alex.id)
    assert refused.value.field_errors == {"dots": "Alex Smith has no dot on that need"}
    # Each dot is a row of its own, taken back as a tombstone: merging two laptops' dots adds rows.
    with services.context.read() as unit:
        tombstones = [row.deleted_at is not None for row in unit.list(WorkshopVoteRecord, include_deleted=True)]
    assert tombstones == [True, True]


def test_a_participant_of_another_workshop_cannot_place_dots_here(services: Services, workshop: uuid.UUID) -> None:
    other = services.workshops.create(WorkshopDraft("Other")).id
    stranger = services.workshops.add_participant(other, "Sam Jones")
    note = services.workshops.capture_note(workshop, "A need")
    assert note.need_id is not None
    with pytest.raises(ValidationError) as refused:
        services.workshops.place_dot(workshop, note.need_id, stranger.id)
    assert set(refused.value.field_errors) == {"participant_id"}


def test_typed_tallies_replace_and_the_ranking_adds_clicked_and_typed_dots(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    police, fire = orgs["Northshire Police"], orgs["Northshire Fire"]
    a = services.workshops.capture_note(workshop, "Alpha need").need_id
    b = services.workshops.capture_note(workshop, "Bravo need").need_id
    assert a is not None and b is not None
    alex = services.workshops.add_participant(workshop, "Alex Smith", police)
    for _ in range(3):
        services.workshops.place_dot(workshop, a, alex.id)
    services.workshops.set_tally(workshop, b, fire, 2)
    services.workshops.set_tally(workshop, b, fire, 4)  # replaces, does not add
    services.workshops.set_tally(workshop, a, fire, 2)

    ranking = services.workshops.tally(workshop)
    assert [(row.rank, row.need_title, row.total_dots) for row in ranking] == [
        (1, "Alpha need", 5),
        (2, "Bravo need", 4),
    ]
    assert [(d.organisation_name, d.dots) for d in ranking[0].by_organisation] == [
        ("Northshire Police", 3),
        ("Northshire Fire", 2),
    ]
    services.workshops.set_tally(workshop, a, fire, 0)  # 0 removes the typed tally; the clicks stay
    assert services.workshops.tally(workshop)[0].total_dots == 4
    assert services.workshops.participant_dots(workshop)[0].used == 3  # typed dots use no one's allowance

    for wrong in (-1, 1.5, True, 10_000):
        with pytest.raises(ValidationError) as refused:
            services.workshops.set_tally(workshop, a, fire, wrong)  # type: ignore[arg-type]
        assert set(refused.value.field_errors) == {"dots"}


def test_removing_a_participant_takes_their_dots_and_restore_brings_them_back(
    services: Services, workshop: uuid.UUID
) -> None:
    need = services.workshops.capture_note(workshop, "A need").need_id
    assert need is not None
    alex = services.workshops.add_participant(workshop, "Alex Smith")
    services.workshops.place_dot(workshop, need, alex.id)
    removed = services.workshops.remove_participant(alex.id)
    assert services.workshops.tally(workshop) == []
    services.workshops.restore(removed)
    assert services.workshops.tally(workshop)[0].total_dots == 1


# --------------------------------------------------------------------------- agreed actions


def test_agreeing_an_action_creates_a_planned_action_linked_to_the_needs_and_the_workshop(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID], themes: dict[str, uuid.UUID], heard: list
) -> None:
    theme = themes["Community engagement"]
    a = services.workshops.capture_note(workshop, "Alpha need", theme_id=theme).need_id
    b = services.workshops.capture_note(workshop, "Bravo need", theme_id=theme).need_id
    assert a is not None and b is not None
    agreed = services.workshops.agree_action(
        workshop, [a, b], "Joint engagement plan", orgs["Northshire CC"], [orgs["Northshire Police"]], date(2008, 9, 30)
    )
    assert (agreed.title, agreed.lead_organisation_name, agreed.due_on, agreed.need_titles) == (
        "Joint engagement plan",
        "Northshire CC",
        date(2008, 9, 30),
        ("Alpha need", "Bravo need"),
    )
    action = services.actions.get(agreed.action_id)
    assert (action.status, action.theme_id) == (ActionStatus.PLANNED, theme)
    assert set(action.need_ids) == {a, b}
    assert [p.organisation_name for p in action.partners] == ["Northshire Police"]
    assert services.workshops.agreed_actions(workshop) == [agreed]
    assert heard[-1].touches(Entity.ACTION, Entity.ACTION_NEED, Entity.WORKSHOP_ACTION)

    forgotten = services.workshops.forget_agreed_action(workshop, agreed.action_id)
    assert services.workshops.agreed_actions(workshop) == []
    assert services.actions.get(agreed.action_id).title == "Joint engagement plan"  # the action itself stays
    services.workshops.restore(forgotten)
    assert services.workshops.agreed_actions(workshop) == [agreed]


def test_an_agreed_action_is_checked_as_any_action_is_and_nothing_is_kept_when_refused(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    need = services.workshops.capture_note(workshop, "A need").need_id
    assert need is not None
    with pytest.raises(ValidationError) as refused:
        services.workshops.agree_action(workshop, [need, uuid.uuid4()], "  ", uuid.uuid4())
    assert {"title", "lead_organisation_id"} <= set(refused.value.field_errors)
    assert services.actions.list() == []
    assert services.workshops.agreed_actions(workshop) == []


# --------------------------------------------------------------------------- the workshop as a whole


def test_the_workshop_list_shows_purpose_notes_and_organisations_and_delete_restores_the_board(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    services.workshops.add_participant(workshop, "Alex Smith", orgs["Northshire Police"])
    services.workshops.add_participant(workshop, "Sam Jones", orgs["Northshire Fire"])
    services.workshops.add_participant(workshop, "Pat Lee", orgs["Northshire Police"])
    need = services.workshops.capture_note(workshop, "A need").need_id
    assert need is not None
    services.workshops.agree_action(workshop, [need], "An action", None)
    [listed] = services.workshops.list()
    assert (listed.purpose, listed.dots_per_participant, listed.notes_count, listed.organisations) == (
        "Find shared needs",
        5,
        1,
        ("Northshire Fire", "Northshire Police"),
    )
    assert listed == services.workshops.get(workshop)

    deleted = services.workshops.delete(workshop)
    assert services.workshops.list() == []
    assert [n.title for n in services.needs.list()] == ["A need"]  # the needs raised stay the partnership's
    services.workshops.restore(deleted)
    assert len(services.workshops.notes(workshop)) == 1 and len(services.workshops.agreed_actions(workshop)) == 1


def test_dots_per_participant_is_checked(services: Services) -> None:
    for wrong in (0, 100, 2.5):
        with pytest.raises(ValidationError) as refused:
            services.workshops.create(WorkshopDraft("Bad", dots_per_participant=wrong))  # type: ignore[arg-type]
        assert set(refused.value.field_errors) == {"dots_per_participant"}


def test_every_board_edit_is_written_through_the_change_log(
    services: Services, workshop: uuid.UUID, themes: dict[str, uuid.UUID]
) -> None:
    note = services.workshops.capture_note(workshop, "Alpha")
    services.workshops.move_note(note.id, themes["Community engagement"], 0)
    services.workshops.delete_notes([note.id])
    assert logged(services, Entity.WORKSHOP_NOTE) == [("create", None), ("update", "theme_id"), ("delete", None)]
    with services.context.read() as unit:
        tombstones = [row.deleted_at is not None for row in unit.list(WorkshopNoteRecord, include_deleted=True)]
    assert tombstones == [True]  # a tombstone, so that the delete travels in a merge


def test_merging_similar_needs_carries_the_notes_and_each_clicked_dot_and_unmerging_puts_them_back(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    keep = services.workshops.capture_note(workshop, "Reduce repeat burglary", orgs["Northshire Police"])
    merge = services.workshops.capture_note(workshop, "Reducing repeat burglaries", orgs["Northshire Fire"])
    assert keep.need_id is not None and merge.need_id is not None
    alex = services.workshops.add_participant(workshop, "Alex Smith", orgs["Northshire Police"])
    sam = services.workshops.add_participant(workshop, "Sam Jones", orgs["Northshire Police"])
    services.workshops.place_dot(workshop, keep.need_id, alex.id)
    services.workshops.place_dot(workshop, merge.need_id, sam.id)

    merged = services.similar_needs.merge(keep.need_id, merge.need_id, None, None)
    assert {note.need_id for note in services.workshops.notes(workshop)} == {keep.need_id}
    assert [row.total_dots for row in services.workshops.tally(workshop)] == [2]
    assert [p.used for p in services.workshops.participant_dots(workshop)] == [1, 1]

    services.similar_needs.unmerge(merged)
    assert {note.title: note.need_id for note in services.workshops.notes(workshop)} == {
        "Reduce repeat burglary": keep.need_id,
        "Reducing repeat burglaries": merge.need_id,
    }
    assert sorted(row.total_dots for row in services.workshops.tally(workshop)) == [1, 1]


def test_the_ranking_tab_counts_clicked_and_typed_dots_once_each(
    services: Services, workshop: uuid.UUID, orgs: dict[str, uuid.UUID]
) -> None:
    need = services.workshops.capture_note(workshop, "Joint tasking", orgs["Northshire Police"]).need_id
    assert need is not None
    alex = services.workshops.add_participant(workshop, "Alex Smith", orgs["Northshire Police"])
    sam = services.workshops.add_participant(workshop, "Sam Jones", orgs["Northshire Fire"])
    services.workshops.place_dot(workshop, need, alex.id)
    services.workshops.place_dot(workshop, need, alex.id)
    services.workshops.place_dot(workshop, need, sam.id)
    services.workshops.set_tally(workshop, need, orgs["Northshire CC"], 4)

    [row] = services.analysis.ranking().rows
    assert (row.need_id, row.dots) == (need, 7)
    assert [(t.need_id, t.total_dots) for t in services.workshops.total_dots_by_need()] == [(need, 7)]

    # A participant's removal that arrives (by a merge) without their dots still takes the dots away.
    with services.context.edit(Entity.WORKSHOP_PARTICIPANT) as unit:
        records.tombstone(unit, [records.require(unit, WorkshopParticipantRecord, alex.id, "participant")])
    assert services.analysis.ranking().rows[0].dots == 5
    assert services.workshops.tally(workshop)[0].total_dots == 5
    assert services.workshops.notes(workshop)[0].dots == 5


def test_similar_to_sees_needs_added_or_renamed_since_it_last_looked(services: Services) -> None:
    assert services.workshops.similar_to("Shared CCTV control room") == []  # the title keys are kept now
    added = services.needs.create(NeedDraft("A shared CCTV control room")).id
    assert [item.need_id for item in services.workshops.similar_to("Shared CCTV control room")] == [added]
    services.needs.update(added, NeedDraft("Street lighting"), None)
    assert services.workshops.similar_to("Shared CCTV control room") == []
