"""The welcome's demo partnership: a workspace file of its own, made whole or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from locality.domain.entities import Entity
from locality.services.demo import DemoCancelled
from locality.services.demo_workspace import make_demo_workspace
from locality.services.registry import Services


def test_the_demo_is_made_in_its_own_file_with_its_plan_running_this_year(tmp_path: Path) -> None:
    target = tmp_path / "Demo partnership.locality"
    steps: list[tuple[int, int]] = []
    assert (
        make_demo_workspace(
            target, progress=lambda done, total: steps.append((done, total)), today=lambda: date(2026, 12, 7)
        )
        == target
    )
    assert steps and steps[-1][0] == steps[-1][1]
    services = Services.open(target, create_missing=False)
    try:
        details = services.workspace.details()
        assert details.partnership_name == "Westshire Locality Partnership"
        assert details.plan_start is not None and details.plan_end is not None
        assert details.plan_start.year <= 2026 <= details.plan_end.year
        assert services.workspace.count(Entity.ACTION) > 0
    finally:
        services.close()


def test_a_demo_made_before_is_opened_again_not_made_twice(tmp_path: Path) -> None:
    target = tmp_path / "Demo partnership.locality"
    make_demo_workspace(target)
    made = target.stat().st_mtime_ns
    make_demo_workspace(target, cancelled=lambda: True)
    assert target.stat().st_mtime_ns == made


def test_a_cancelled_demo_leaves_no_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    target = folder / "Demo partnership.locality"
    with pytest.raises(DemoCancelled):
        make_demo_workspace(target, cancelled=lambda: True)
    assert list(folder.iterdir()) == []
