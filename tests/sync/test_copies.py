"""Copies to take out: a workshop copy (its own replica, optionally only some themes), a copy made by hand that
shares its replica id with the office, and the same link made separately on two copies."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import WorkspaceError
from locality.domain.vocabulary import Priority
from locality.services.context import User
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.sync.copy import save_workshop_copy
from locality.sync.merge import apply_merge, plan_merge
from tests.sync.conftest import LAPTOP_A, LAPTOP_B, OFFICE, Office, data_of, file_hash, laptop_copy, opened


def _replica_of(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return str(connection.execute("SELECT replica_id FROM workspace_meta").fetchone()[0])


def test_a_workshop_copy_has_its_own_replica_and_everything(office: Office) -> None:
    destination = office.path.with_name("laptop.locality")
    steps: list[tuple[int, int]] = []
    summary = save_workshop_copy(
        str(office.path), destination, progress=lambda done, total: steps.append((done, total))
    )
    assert (summary.path, summary.needs, summary.actions) == (destination, 3, 2)
    assert steps[-1][0] == steps[-1][1]
    assert _replica_of(destination) != _replica_of(office.path)
    assert data_of(destination) == data_of(office.path)
    # Opening it where it is keeps its replica: it was made for this path.
    before = _replica_of(destination)
    with opened(destination, LAPTOP_A):
        pass
    assert _replica_of(destination) == before


def test_a_workshop_copy_of_some_themes_holds_their_needs_and_actions_only(office: Office) -> None:
    destination = office.path.with_name("workforce.locality")
    with opened(office.path) as services:
        summary = save_workshop_copy(services.context, destination, theme_ids=[office.themes[1]])
    # "Joint training" is the one need of the Workforce theme; neither action is linked to it.
    assert (summary.needs, summary.actions) == (1, 0)
    with opened(destination, LAPTOP_A) as services:
        assert [need.title for need in services.needs.list()] == ["Joint training"]
        assert len(services.organisations.list()) == 4  # what the needs refer to stays
        services.needs.create(NeedDraft("Mentoring", theme_id=office.themes[1]))
    plan = plan_merge(str(office.path), destination)
    assert plan.added == {Entity.NEED: 1} and not plan.deleted
    apply_merge(str(office.path), destination)
    with opened(office.path) as services:
        assert len(services.needs.list()) == 4  # nothing the copy left out was deleted
        assert len(services.actions.list()) == 2


def test_a_copy_is_never_written_over_a_workspace(office: Office) -> None:
    other = laptop_copy(office, "laptop.locality")
    before = file_hash(other)
    with pytest.raises(WorkspaceError):
        save_workshop_copy(str(office.path), other)
    assert file_hash(other) == before
    with pytest.raises(WorkspaceError, match="cannot replace the workspace itself"):
        save_workshop_copy(str(office.path), office.path)


def _hand_copy(office: Office, name: str) -> Path:
    """A file copied outside the app and opened on a laptop at a path it already claims: the same replica id."""
    copy = office.path.with_name(name)
    shutil.copyfile(office.path, copy)
    with closing(sqlite3.connect(copy)) as connection:
        connection.execute("UPDATE workspace_meta SET replica_path = ?", (str(copy.resolve()),))
        connection.commit()
    return copy


def test_a_hand_made_copy_sharing_the_replica_id_merges_safely(office: Office) -> None:
    copy = _hand_copy(office, "hand.locality")
    assert plan_merge(str(office.path), copy).is_empty
    with opened(copy, LAPTOP_A) as services:
        assert _replica_of(copy) == _replica_of(office.path)
        need = services.needs.get(office.needs[1])
        services.needs.update(need.id, dataclasses.replace(need.as_draft(), area="Hand copy"), need.version)
        services.needs.create(NeedDraft("From the hand copy"))
    with opened(office.path, OFFICE) as services:
        need = services.needs.get(office.needs[2])
        services.needs.update(need.id, dataclasses.replace(need.as_draft(), area="Office"), need.version)
    # Both numbered their new changes from the same place; the copy's are still seen as the copy's.
    plan = plan_merge(str(office.path), copy)
    assert plan.added == {Entity.NEED: 1} and plan.changed == {Entity.NEED: 1} and not plan.conflicts
    apply_merge(str(office.path), copy)
    with opened(office.path) as services:
        assert services.needs.get(office.needs[1]).area == "Hand copy"
        assert services.needs.get(office.needs[2]).area == "Office"
        assert services.needs.find("From the hand copy") is not None
    assert plan_merge(str(office.path), copy).is_empty


def test_a_hand_made_copy_merged_both_ways_ends_equal_with_no_false_conflict(office: Office) -> None:
    copy = _hand_copy(office, "hand.locality")
    for path, user, need_index in ((copy, LAPTOP_A, 1), (office.path, OFFICE, 2)):
        with opened(path, user) as services:
            need = services.needs.get(office.needs[need_index])
            services.needs.update(need.id, dataclasses.replace(need.as_draft(), area=user.name), need.version)
    apply_merge(str(office.path), copy)
    back = plan_merge(str(copy), office.path)
    assert not back.conflicts and back.changed == {Entity.NEED: 1}
    apply_merge(str(copy), office.path)
    assert data_of(copy) == data_of(office.path)
    for target, source in ((office.path, copy), (copy, office.path)):
        again = plan_merge(str(target), source)
        assert not again.conflicts and not again.changed and not again.added, again.lines()
        assert again.history_entries == 0, again.lines()


def test_the_same_link_made_on_two_copies_is_one_link(office: Office) -> None:
    north = laptop_copy(office, "north.locality")
    south = laptop_copy(office, "south.locality")
    for path, user, role_note in ((north, LAPTOP_A, "High"), (south, LAPTOP_B, "Low")):
        with opened(path, user) as services:
            services.needs.link(office.needs[1], office.organisations[3], severity=Priority(role_note))
    apply_merge(str(office.path), north)
    plan = plan_merge(str(office.path), south)
    assert not plan.added
    assert [(conflict.field, conflict.mine, conflict.theirs) for conflict in plan.conflicts] == [
        ("severity", "High", "Low")
    ]
    apply_merge(str(office.path), south)
    links = [
        row
        for row in data_of(office.path)["need_organisation"].values()
        if (row["need_id"], row["organisation_id"]) == (office.needs[1].hex, office.organisations[3].hex)
    ]
    assert [row["severity"] for row in links] == ["High"]
    assert plan_merge(str(office.path), south).is_empty


def _add_youth_club(path: Path, user: User, office: Office, name: str) -> uuid.UUID:
    with opened(path, user) as services:
        club = services.organisations.create(OrganisationDraft(name, short_name=user.name)).id
        services.needs.create(NeedDraft(f"Need of {user.name}", organisations=(NeedLinkDraft(club),)))
        services.needs.link(office.needs[0], club)
        return club


def _live_organisations(path: Path) -> list[str]:
    return sorted(row["name"] for row in data_of(path)["organisation"].values() if row["deleted_at"] is None)


def test_an_organisation_made_on_two_copies_with_one_name_is_a_conflict_not_a_duplicate(office: Office) -> None:
    north = laptop_copy(office, "north.locality")
    south = laptop_copy(office, "south.locality")
    north_club = _add_youth_club(north, LAPTOP_A, office, "Youth Club")
    south_club = _add_youth_club(south, LAPTOP_B, office, "youth club")
    apply_merge(str(office.path), north)
    plan = plan_merge(str(office.path), south)
    assert [(conflict.entity, conflict.field_label) for conflict in plan.conflicts] == [
        (Entity.ORGANISATION, "same name as one here")
    ]
    conflict = plan.conflicts[0]
    assert conflict.record_id == north_club and conflict.record_label == "Organisation: Youth Club"
    assert conflict.mine == 'one record: the copy\'s "youth club" merged into "Youth Club"'
    assert Entity.ORGANISATION not in plan.added
    result = apply_merge(str(office.path), south)
    assert result.decided == [(conflict, "mine")]
    assert [name for name in _live_organisations(office.path) if name.lower() == "youth club"] == ["Youth Club"]
    with opened(office.path) as services:
        need = services.needs.find(f"Need of {LAPTOP_B.name}")
        assert need is not None
        assert [link.organisation_id for link in need.links] == [north_club]
    links = data_of(office.path)["need_organisation"].values()
    assert not [row for row in links if row["organisation_id"] == south_club.hex and row["deleted_at"] is None]
    assert plan_merge(str(office.path), south).is_empty
    # The south laptop brought up to date holds one youth club too, and its links point at it.
    back = apply_merge(str(south), office.path)
    assert back.decided == []
    assert data_of(south) == data_of(office.path)


def test_two_organisations_of_one_name_are_both_kept_when_the_user_says_so(office: Office) -> None:
    north = laptop_copy(office, "north.locality")
    south = laptop_copy(office, "south.locality")
    _add_youth_club(north, LAPTOP_A, office, "Youth Club")
    _add_youth_club(south, LAPTOP_B, office, "youth club")
    apply_merge(str(office.path), north)
    key = plan_merge(str(office.path), south).conflicts[0].key
    result = apply_merge(str(office.path), south, decisions={key: "theirs"})
    assert "1 organisation added" in result.summary
    assert [name for name in _live_organisations(office.path) if name.lower() == "youth club"] == [
        "Youth Club",
        "youth club",
    ]
    assert plan_merge(str(office.path), south).is_empty


def test_a_cancelled_copy_leaves_nothing(office: Office) -> None:
    from locality.services.plan import ExportCancelled

    destination = office.path.with_name("laptop.locality")
    asked: list[bool] = []

    def cancelled() -> bool:  # Cancel pressed once the copy has been written aside
        asked.append(True)
        return len(asked) >= 3

    with pytest.raises(ExportCancelled, match="nothing was written"):
        save_workshop_copy(str(office.path), destination, theme_ids=[office.themes[0]], cancelled=cancelled)
    assert len(asked) == 3
    assert not destination.exists()
    assert sorted(path.name for path in office.path.parent.iterdir() if path.name.startswith(".")) == []
