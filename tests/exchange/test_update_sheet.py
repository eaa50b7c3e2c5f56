"""The partner update sheet: written for one organisation, filled in by the partner, imported back as progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from locality.domain.errors import ValidationError
from locality.exchange.importing import import_file
from locality.exchange.update_sheet import HEADINGS, write_update_sheet
from locality.services.demo import generate_demo
from locality.services.registry import Services


@pytest.fixture
def demo(services: Services) -> Services:
    generate_demo(services.context, size="small", seed=5)
    return services


def busiest_partner(services: Services) -> str:
    return max(services.organisations.list(), key=lambda o: o.actions_led_count + o.partner_in_count).name


def test_the_sheet_lists_that_organisations_open_actions_only(demo: Services, tmp_path: Path) -> None:
    name = busiest_partner(demo)
    target = tmp_path / "update.xlsx"
    count = write_update_sheet(demo, name, target)
    sheet = openpyxl.load_workbook(target)["Progress"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][: len(HEADINGS)] == HEADINGS
    titles = {row[0] for row in rows[1:]}
    organisation = demo.organisations.find(name)
    assert organisation is not None
    expected = {
        a.title
        for a in demo.actions.list(organisation_id=organisation.id)
        if a.status.value not in ("Completed", "Cancelled")
    }
    assert titles == expected and count == len(expected) > 0
    assert all(row[1] is None and row[5] is None for row in rows[1:]), "the cells to fill in start empty"


def test_a_filled_in_sheet_imports_back_as_progress(demo: Services, tmp_path: Path) -> None:
    name = busiest_partner(demo)
    target = tmp_path / "update.xlsx"
    write_update_sheet(demo, name, target)
    workbook = openpyxl.load_workbook(target)
    sheet = workbook["Progress"]
    title = sheet.cell(2, 1).value
    action = demo.actions.find(str(title))
    assert action is not None
    new_percent = 100 if action.percent_complete < 100 else 90
    sheet.cell(2, 2).value = date(2008, 5, 20)  # before the fixture's today, 01/06/2008
    sheet.cell(2, 3).value = new_percent
    sheet.cell(2, 6).value = "Workshop held with all partners."
    workbook.save(target)
    before = len(demo.progress.history(action.id))

    report = import_file(demo, "progress", target)

    assert report.count("progress updates") == 1
    assert any("nothing filled in" in warning for warning in report.warnings)
    updated = demo.actions.get(action.id)
    assert updated.percent_complete == new_percent
    history = demo.progress.history(action.id)
    assert len(history) == before + 1
    assert "Workshop held with all partners." in {update.note for update in history}


def test_an_unknown_organisation_is_refused(demo: Services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is not an organisation"):
        write_update_sheet(demo, "Gotham City Council", tmp_path / "update.xlsx")
    assert not (tmp_path / "update.xlsx").exists()
