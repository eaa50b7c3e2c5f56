"""The issue's "done when": two laptops that ran different workshops (new needs, votes, progress on existing
actions, one edit that conflicts with the office) merge into the office workspace with every edit kept and the
one real conflict decided by the user; merging again changes nothing; and the order of the two merges does not
matter."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from datetime import date
from pathlib import Path

from locality.domain.entities import Entity
from locality.services.context import User
from locality.services.needs import NeedDraft
from locality.services.progress import ProgressDraft
from locality.services.workshops import WorkshopDraft
from locality.sync.merge import apply_merge, plan_merge
from tests.sync.conftest import LAPTOP_A, LAPTOP_B, Office, change_log_keys, data_of, laptop_copy, opened


def _run_workshop(laptop: Path, user: User, office: Office, title: str, new_needs: list[str]) -> list[uuid.UUID]:
    with opened(laptop, user) as services:
        workshop = services.workshops.create(WorkshopDraft(title, held_on=date(2008, 5, 20), venue="Village hall"))
        services.workshops.add_participant(workshop.id, user.name, office.organisations[1])
        created = [services.needs.create(NeedDraft(need, theme_id=office.themes[0])).id for need in new_needs]
        for need_id in [*created, office.needs[1]]:
            services.workshops.cast_votes(workshop.id, need_id, office.organisations[1], 3)
        services.progress.log(
            ProgressDraft(office.actions[0], date(2008, 5, 20), percent_complete=30, note=f"Reported at {title}")
        )
        return created


def _edit_need(path: Path, user: User, need_id: uuid.UUID, **changes: object) -> None:
    with opened(path, user) as services:
        need = services.needs.get(need_id)
        services.needs.update(need_id, dataclasses.replace(need.as_draft(), **changes), need.version)


def test_two_workshop_laptops_merge_into_the_office_keeping_every_edit(office: Office, tmp_path: Path) -> None:
    north = laptop_copy(office, "north.locality")
    south = laptop_copy(office, "south.locality")
    north_needs = _run_workshop(north, LAPTOP_A, office, "North workshop", ["Shared transport", "Digital skills"])
    south_needs = _run_workshop(south, LAPTOP_B, office, "South workshop", ["Youth outreach"])
    # The one real conflict: the office and the north laptop retitle the same need.
    _edit_need(office.path, User("Olive Office", "Council"), office.needs[0], title="Data protocol (office)")
    _edit_need(north, LAPTOP_A, office.needs[0], title="Data protocol (north)", area="North")
    # Edits that do not conflict: the office changes a description, the south laptop a priority elsewhere.
    _edit_need(office.path, User("Olive Office", "Council"), office.needs[2], description="From the office")
    _edit_need(south, LAPTOP_B, office.needs[1], area="South")
    second_office = tmp_path / "second" / "office.locality"
    second_office.parent.mkdir()
    shutil.copyfile(office.path, second_office)

    plan = plan_merge(str(office.path), north)
    assert [(conflict.mine, conflict.theirs) for conflict in plan.conflicts] == [
        ("Data protocol (office)", "Data protocol (north)")
    ]
    assert plan.added[Entity.NEED] == 2 and plan.added[Entity.WORKSHOP] == 1
    assert plan.appended == {Entity.PROGRESS_UPDATE: 1, Entity.WORKSHOP_VOTE: 3}
    # The user decides the one conflict for the north laptop's title.
    decision = {plan.conflicts[0].key: "theirs"}
    north_result = apply_merge(str(office.path), north, decisions=decision)
    assert "2 needs added" in north_result.summary and "1 conflict decided" in north_result.summary
    south_result = apply_merge(str(office.path), south)
    assert south_result.decided == []

    with opened(office.path) as services:
        titles = {need.title for need in services.needs.list()}
        assert {"Shared transport", "Digital skills", "Youth outreach", "Data protocol (north)"} <= titles
        first = services.needs.get(office.needs[0])
        assert (first.title, first.area) == ("Data protocol (north)", "North")
        assert services.needs.get(office.needs[1]).area == "South"
        assert services.needs.get(office.needs[2]).description == "From the office"
        notes = sorted(update.note for update in services.progress.history(office.actions[0]))
        assert notes == ["Reported at North workshop", "Reported at South workshop"]
        workshops = {workshop.title: workshop for workshop in services.workshops.list()}
        assert workshops["North workshop"].dots_count == 9 and workshops["South workshop"].dots_count == 6
        for need_id in north_needs + south_needs:
            assert services.needs.get(need_id) is not None

    # Merging either laptop again changes nothing.
    merged = data_of(office.path)
    history = change_log_keys(office.path)
    for laptop in (north, south):
        assert plan_merge(str(office.path), laptop).is_empty
        assert apply_merge(str(office.path), laptop).summary == "Nothing changed"
    assert data_of(office.path) == merged and change_log_keys(office.path) == history

    # The other order, with the same decision, gives the same workspace.
    apply_merge(str(second_office), south)
    apply_merge(str(second_office), north, decisions=decision)
    assert data_of(second_office) == merged

    # Each laptop brought up to date from the office holds what the office holds.
    for laptop in (north, south):
        back = apply_merge(str(laptop), office.path)
        assert back.decided == []
        assert data_of(laptop) == merged
