"""The partner update sheet: written for one organisation, filled in by the partner, imported back as progress."""

from __future__ import annotations

from dataclasses import replace
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
    # Whom each action's news is asked of: its named owner, for reference.
    assert rows[0][-1] == "For reference: owner"
    owners = {a.title: a.owner_name for a in demo.actions.list(organisation_id=organisation.id)}
    assert {row[0]: row[-1] or "" for row in rows[1:]} == {title: owners[title] for title in titles}
    assert any(row[-1] for row in rows[1:]), "the demo's actions have owners"


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


HOSTILE_TEXT = (
    "Bell\x07 and NUL\x00 and escape\x1b",
    '\x01=HYPERLINK("http://evil")',
    "Vertical\x0btab and form\x0cfeed",
    "Line\u2028separator",
)


def test_control_characters_in_names_do_not_stop_the_sheet(
    demo: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = busiest_partner(demo)
    found = demo.organisations.find(name)
    assert found is not None
    real_list = demo.actions.list

    def hostile_list(**kwargs):  # type: ignore[no-untyped-def]
        actions = real_list(**kwargs)
        return [
            replace(
                action,
                title=HOSTILE_TEXT[number % len(HOSTILE_TEXT)] + f" {number}",
                lead_organisation_name="Lead\x00\x07 Trust",
            )
            for number, action in enumerate(actions)
        ]

    monkeypatch.setattr(demo.organisations, "find", lambda _name: replace(found, name="Evil\x00\x1f Partners"))
    monkeypatch.setattr(demo.actions, "list", hostile_list)
    target = tmp_path / "update.xlsx"
    count = write_update_sheet(demo, name, target)
    assert count > 0
    workbook = openpyxl.load_workbook(target)
    rows = list(workbook["Progress"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == count
    titles = [str(row[0]) for row in rows]
    assert "Bell and NUL and escape 0" in titles
    assert '\'=HYPERLINK("http://evil") 1' in titles  # the control character went, the formula stays text
    assert "Verticaltab and formfeed 2" in titles
    assert all(row[7] == "Lead Trust" for row in rows)
    for title in titles:
        assert not any(ord(character) < 32 for character in title)
    guide = workbook["How to fill this in"]["A1"].value
    assert guide == "Progress on the actions of Evil Partners, for the partnership coordinator."
