"""The merge's rules, one at a time: a field changed on one side, on both, deletions against edits, records
added on either side, appended logs, merging again, and both ways."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from pathlib import Path

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import StaleRecordError
from locality.services.needs import NeedDraft
from locality.services.progress import ProgressDraft
from locality.sync.merge import apply_merge, plan_merge
from tests.sync.conftest import LAPTOP_A, OFFICE, Office, change_log_keys, data_of, laptop_copy, opened


def _retitle(path: Path, need_id: uuid.UUID, title: str, **changes: object) -> None:
    user = OFFICE if path.name == "office.locality" else LAPTOP_A
    with opened(path, user) as services:
        need = services.needs.get(need_id)
        draft = dataclasses.replace(need.as_draft(), title=title, **changes)
        services.needs.update(need_id, draft, need.version)


def test_an_untouched_copy_merges_as_nothing(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    steps: list[tuple[int, int]] = []
    plan = plan_merge(str(office.path), laptop, progress=lambda done, total: steps.append((done, total)))
    assert plan.is_empty, plan.lines()
    assert steps[-1][0] == steps[-1][1] and [done for done, _total in steps] == sorted(done for done, _ in steps)
    result = apply_merge(str(office.path), laptop)
    assert result.summary == "Nothing changed"


def test_a_field_changed_on_the_copy_only_is_taken(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(laptop, office.needs[0], "Shared data protocol (agreed)")
    plan = plan_merge(str(office.path), laptop)
    assert plan.changed == {Entity.NEED: 1}
    assert not plan.conflicts
    before = data_of(office.path)
    result = apply_merge(str(office.path), laptop)
    assert result.summary == "1 need updated"
    assert result.backup_path is not None and result.backup_path.exists()
    with opened(office.path) as services:
        need = services.needs.get(office.needs[0])
        assert need.title == "Shared data protocol (agreed)"
        assert need.version > 1
    after = data_of(office.path)
    assert after["need"][str(office.needs[0])]["title"] == "Shared data protocol (agreed)"
    assert before["need"][str(office.needs[1])] == after["need"][str(office.needs[1])]


def test_a_field_changed_here_only_is_kept(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(office.path, office.needs[0], "Office title")
    _retitle(laptop, office.needs[1], "Laptop title")
    apply_merge(str(office.path), laptop)
    with opened(office.path) as services:
        assert services.needs.get(office.needs[0]).title == "Office title"
        assert services.needs.get(office.needs[1]).title == "Laptop title"


def test_both_sides_changing_a_field_is_a_conflict_kept_mine_unless_theirs(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(office.path, office.needs[0], "Office title")
    _retitle(laptop, office.needs[0], "Laptop title", area="North")
    plan = plan_merge(str(office.path), laptop)
    assert len(plan.conflicts) == 1
    conflict = plan.conflicts[0]
    assert (conflict.mine, conflict.theirs) == ("Office title", "Laptop title")
    assert conflict.record_label == "Need: Office title"
    assert conflict.field_label == "title"
    assert (conflict.mine_by, conflict.theirs_by) == ("Olive Office", "Adam Laptop")
    assert plan.changed == {Entity.NEED: 1}  # the area, changed on the laptop only
    result = apply_merge(str(office.path), laptop)
    assert result.decided == [(conflict, "mine")]
    with opened(office.path) as services:
        need = services.needs.get(office.needs[0])
        assert (need.title, need.area) == ("Office title", "North")


def test_a_conflict_decided_for_theirs(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(office.path, office.needs[0], "Office title")
    _retitle(laptop, office.needs[0], "Laptop title")
    key = plan_merge(str(office.path), laptop).conflicts[0].key
    result = apply_merge(str(office.path), laptop, decisions={key: "theirs"})
    assert result.summary == "1 conflict decided"
    with opened(office.path) as services:
        assert services.needs.get(office.needs[0]).title == "Laptop title"
    # The laptop brought up to date takes the decision without a conflict of its own.
    back = plan_merge(str(laptop), office.path)
    assert not back.conflicts


def test_records_added_on_the_copy_are_added_and_progress_appended(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    with opened(laptop, LAPTOP_A) as services:
        services.needs.create(NeedDraft("Youth outreach", theme_id=office.themes[1]))
        services.progress.log(ProgressDraft(office.actions[0], date(2008, 5, 30), percent_complete=40, note="Draft"))
    plan = plan_merge(str(office.path), laptop)
    assert plan.added[Entity.NEED] == 1
    assert plan.appended == {Entity.PROGRESS_UPDATE: 1}
    assert plan.history_entries >= 2
    apply_merge(str(office.path), laptop)
    with opened(office.path) as services:
        assert services.needs.find("Youth outreach") is not None
        assert [update.note for update in services.progress.history(office.actions[0])] == ["Draft"]


def test_a_deletion_travels_as_a_tombstone(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    with opened(laptop, LAPTOP_A) as services:
        services.needs.delete([office.needs[2]])
    plan = plan_merge(str(office.path), laptop)
    assert plan.deleted.get(Entity.NEED) == 1
    apply_merge(str(office.path), laptop)
    with opened(office.path) as services:
        assert services.needs.find("Common referral form") is None
    assert data_of(office.path)["need"][str(office.needs[2])]["deleted_at"] is not None


def test_a_deletion_there_and_an_edit_here_keep_both(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    with opened(laptop, LAPTOP_A) as services:
        services.needs.delete([office.needs[2]])
    _retitle(office.path, office.needs[2], "Common referral form v2")
    apply_merge(str(office.path), laptop)
    row = data_of(office.path)["need"][str(office.needs[2])]
    assert row["deleted_at"] is not None  # the deletion carried
    assert row["title"] == "Common referral form v2"  # the edit kept, on the deleted record, to restore


def test_merging_again_changes_nothing(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(office.path, office.needs[0], "Office title")
    _retitle(laptop, office.needs[0], "Laptop title")
    with opened(laptop, LAPTOP_A) as services:
        services.needs.create(NeedDraft("Youth outreach"))
    apply_merge(str(office.path), laptop)
    once = data_of(office.path)
    log_once = change_log_keys(office.path)
    again = plan_merge(str(office.path), laptop)
    assert again.is_empty, again.lines()
    apply_merge(str(office.path), laptop)
    assert data_of(office.path) == once
    assert change_log_keys(office.path) == log_once


def test_a_copy_merged_both_ways_ends_equal(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(office.path, office.needs[0], "Office title")
    _retitle(laptop, office.needs[1], "Laptop title")
    with opened(office.path) as services:
        services.needs.create(NeedDraft("Office need"))
    apply_merge(str(office.path), laptop)
    apply_merge(str(laptop), office.path)
    assert data_of(laptop) == data_of(office.path)
    assert plan_merge(str(office.path), laptop).is_empty
    assert plan_merge(str(laptop), office.path).is_empty


def test_the_copys_history_is_kept_and_the_merge_is_logged(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(laptop, office.needs[0], "Laptop title")
    apply_merge(str(office.path), laptop)
    assert change_log_keys(laptop) <= change_log_keys(office.path)
    with opened(office.path) as services:
        entries = services.history.entries(Entity.WORKSPACE_META)
    merge = next(entry for entry in entries if entry.operation == "merge")
    assert merge.new_value["copy"] == "laptop.locality"
    assert merge.new_value["summary"] == "1 need updated"


def test_a_merged_record_has_a_new_version_so_an_edit_opened_before_is_refused(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(laptop, office.needs[0], "Laptop title")
    with opened(office.path) as services:
        opened_before = services.needs.get(office.needs[0])
        apply_merge(str(office.path), laptop)
        draft = dataclasses.replace(opened_before.as_draft(), description="typed before the merge")
        with pytest.raises(StaleRecordError):
            services.needs.update(office.needs[0], draft, opened_before.version)
        assert services.needs.get(office.needs[0]).title == "Laptop title"


def test_plan_lines_name_each_count_and_conflict(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    _retitle(office.path, office.needs[0], "Office title")
    _retitle(laptop, office.needs[0], "Laptop title")
    with opened(laptop, LAPTOP_A) as services:
        services.needs.create(NeedDraft("Youth outreach"))
        services.needs.create(NeedDraft("Older people's transport"))
    lines = plan_merge(str(office.path), laptop).lines()
    assert lines[0] == "2 needs added"
    assert lines[1].endswith("history entries appended")
    assert lines[2].startswith('Conflict: Need: Office title, title: here "Office title" (Olive Office, ')
    assert 'in laptop.locality "Laptop title" (Adam Laptop, ' in lines[2]
