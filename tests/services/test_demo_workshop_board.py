"""The demo's workshop board: the latest demo workshop has notes by theme (needs raised on the day, and earlier
needs linked "same as"), every participant's five clicked dots, a ranking and two agreed actions; the demo keeps
its stated numbers of needs and actions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from locality.exchange.workshop_record import write_workshop_record
from locality.services.context import User
from locality.services.demo import generate_demo
from locality.services.registry import Services


def test_the_latest_demo_workshop_has_a_believable_board(demo_services: Services, tmp_path: Path) -> None:
    workshops = demo_services.workshops
    latest = workshops.list()[0]
    assert latest.notes_count > 5
    assert [w.notes_count for w in workshops.list()[1:]] == [0] * (len(workshops.list()) - 1)

    notes = workshops.notes(latest.id)
    needs = {need.id: need for need in demo_services.needs.list()}
    assert all(note.need_id in needs and note.title == needs[note.need_id].title for note in notes)
    created = [note for note in notes if not note.linked_existing]
    assert created and all(needs[note.need_id].identified_on == latest.held_on for note in created)  # type: ignore[index]
    assert all(note.theme_id == needs[note.need_id].theme_id for note in notes)  # type: ignore[index]
    # Positions run 0, 1, 2... down each theme's column.
    for column in workshops.notes_by_theme(latest.id):
        assert [note.position for note in column.notes] == list(range(len(column.notes)))

    spent = workshops.participant_dots(latest.id)
    assert Counter(person.used for person in spent) == {5: latest.participants_count}
    ranking = workshops.tally(latest.id)
    assert sum(row.total_dots for row in ranking) == 5 * latest.participants_count == latest.dots_count
    assert ranking[0].rank == 1 and ranking[0].total_dots > ranking[-1].total_dots

    agreed = workshops.agreed_actions(latest.id)
    assert len(agreed) == 2
    on_board = {needs[note.need_id].title for note in notes if note.need_id}  # type: ignore[index]
    assert all(set(action.need_titles) & on_board for action in agreed)

    paper = write_workshop_record(workshops.record_data(latest.id), tmp_path / "record.docx", "docx")
    assert paper.stat().st_size > 0


def test_the_board_adds_no_need_or_action(demo_services: Services) -> None:
    assert len(demo_services.needs.list()) == 40
    assert len(demo_services.actions.list()) == 60


def test_the_same_seed_gives_the_same_board(tmp_path: Path, demo_services: Services) -> None:
    with Services.new_workspace(tmp_path / "again.locality", User("Test User", "Test Org")) as again:
        generate_demo(again.context, size="small", seed=1)
        first = demo_services.workshops.list()[0]
        second = again.workshops.list()[0]
        assert first.id == second.id
        assert demo_services.workshops.notes(first.id) == again.workshops.notes(second.id)
        assert demo_services.workshops.tally(first.id) == again.workshops.tally(second.id)
