"""Property-based tests of merging (hypothesis): random edit scripts on copies of one office workspace, then
merged. Merging is idempotent, gives the same workspace in either order when the copies do not conflict, and
loses nothing: every record of both sides is there, and every field holds what a three-way merge against the
workspace the copies were made from says it should (one side changed it: that side's value; both: this
workspace's, the command line's default)."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locality.domain.errors import LocalityError
from locality.services.context import User
from locality.services.needs import NeedDraft
from locality.services.progress import ProgressDraft
from locality.services.registry import Services
from locality.sync.copy import save_workshop_copy
from locality.sync.merge import apply_merge, plan_merge
from tests.sync.conftest import LAPTOP_A, LAPTOP_B, OFFICE, Office, data_of, opened

OPERATIONS = ("title", "area", "description", "create", "delete", "progress")
Script = list[tuple[str, int, str]]

scripts = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(min_value=0, max_value=5), st.text("xyz", max_size=2)),
    max_size=4,
)

PROPERTY_SETTINGS = settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _run(path: Path, user: User, script: Script, needs: list[uuid.UUID], actions: list[uuid.UUID]) -> None:
    """Applies ``script`` through the services, as a person would; an edit of something this side has deleted
    is refused by the services and skipped, as the person would find it gone."""
    tag = user.name.split()[0]
    with opened(path, user) as services:
        for step, (operation, index, text) in enumerate(script):
            # Values unique to the side and step: a change is never back to the original or equal to the other's.
            value = f"{tag} {step} {text}"
            try:
                _apply(services, operation, needs[index % len(needs)], actions[index % len(actions)], value)
            except LocalityError:
                continue


def _apply(services: Services, operation: str, need_id: uuid.UUID, action_id: uuid.UUID, value: str) -> None:
    if operation == "create":
        services.needs.create(NeedDraft(f"New need {value}"))
    elif operation == "delete":
        services.needs.delete([need_id])
    elif operation == "progress":
        services.progress.log(ProgressDraft(action_id, date(2008, 5, 1), note=value))
    else:
        need = services.needs.get(need_id)
        draft = dataclasses.replace(need.as_draft(), **{operation: value})
        services.needs.update(need_id, draft, need.version)


@contextmanager
def _partnership(office_template: tuple[Path, Office]) -> Iterator[tuple[Office, Path]]:
    """A fresh office for one example, in a folder of its own."""
    template_path, template = office_template
    with tempfile.TemporaryDirectory(prefix="locality-merge-property-") as folder:
        path = Path(folder) / "office.locality"
        shutil.copyfile(template_path, path)
        with opened(path):
            pass
        yield Office(path, template.organisations, template.themes, template.needs, template.actions), Path(folder)


def _copy(office: Office, folder: Path, name: str) -> Path:
    destination = folder / name
    save_workshop_copy(str(office.path), destination)
    return destination


def _three_way(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any], result: dict[str, Any]) -> None:
    """Every record of both sides is in ``result``, each field as a three-way merge says."""
    for table in set(mine) | set(theirs):
        for record_id in set(mine.get(table, {})) | set(theirs.get(table, {})):
            assert record_id in result[table], f"{table} {record_id} lost"
            merged = result[table][record_id]
            here, there = mine[table].get(record_id), theirs[table].get(record_id)
            original = base.get(table, {}).get(record_id)
            if here is None or there is None:
                assert merged == (here or there), f"{table} {record_id} not carried as it was"
                continue
            for name in merged:
                if here[name] == there[name]:
                    expected = here[name]
                elif original is not None and here[name] == original[name]:
                    expected = there[name]  # changed there only
                else:
                    expected = here[name]  # changed here only, or on both sides: this workspace's value
                assert merged[name] == expected, f"{table}.{name} of {record_id}"


@PROPERTY_SETTINGS
@given(office_script=scripts, laptop_script=scripts)
def test_a_merge_loses_nothing_and_merging_again_changes_nothing(
    office_template: tuple[Path, Office], office_script: Script, laptop_script: Script
) -> None:
    with _partnership(office_template) as (office, folder):
        base = data_of(office.path)
        laptop = _copy(office, folder, "laptop.locality")
        _run(laptop, LAPTOP_A, laptop_script, office.needs, office.actions)
        _run(office.path, OFFICE, office_script, office.needs, office.actions)
        mine, theirs = data_of(office.path), data_of(laptop)
        apply_merge(str(office.path), laptop)
        merged = data_of(office.path)
        _three_way(base, mine, theirs, merged)
        # Idempotent: the same copy again changes nothing.
        assert plan_merge(str(office.path), laptop).is_empty
        apply_merge(str(office.path), laptop)
        assert data_of(office.path) == merged
        # Both ways: the laptop brought up to date holds what the office holds, with no conflict of its own.
        back = apply_merge(str(laptop), office.path)
        assert back.decided == []
        assert data_of(laptop) == merged


@PROPERTY_SETTINGS
@given(north_script=scripts, south_script=scripts)
def test_copies_that_do_not_conflict_merge_the_same_in_either_order(
    office_template: tuple[Path, Office], north_script: Script, south_script: Script
) -> None:
    with _partnership(office_template) as (office, folder):
        north = _copy(office, folder, "north.locality")
        south = _copy(office, folder, "south.locality")
        # Disjoint records: the north laptop edits the first need and action, the south laptop the others.
        _run(north, LAPTOP_A, north_script, office.needs[:1], office.actions[:1])
        _run(south, LAPTOP_B, south_script, office.needs[1:], office.actions[1:])
        other_order = folder / "office-2.locality"
        shutil.copyfile(office.path, other_order)
        first = [apply_merge(str(office.path), north), apply_merge(str(office.path), south)]
        second = [apply_merge(str(other_order), south), apply_merge(str(other_order), north)]
        assert all(result.decided == [] for result in first + second)
        assert data_of(office.path) == data_of(other_order)


@pytest.mark.parametrize("prefer", ["mine", "theirs"])
def test_a_conflict_takes_the_side_preferred(office: Office, prefer: str) -> None:
    laptop = office.path.with_name("laptop.locality")
    save_workshop_copy(str(office.path), laptop)
    _run(laptop, LAPTOP_A, [("title", 0, "")], office.needs, office.actions)
    _run(office.path, OFFICE, [("title", 0, "")], office.needs, office.actions)
    result = apply_merge(str(office.path), laptop, prefer=prefer)  # type: ignore[arg-type]
    assert [side for _conflict, side in result.decided] == [prefer]
    with opened(office.path) as services:
        title = services.needs.get(office.needs[0]).title
    assert title == ("Olive 0" if prefer == "mine" else "Adam 0")
