"""The CSV export: one row per action, readable by Excel (UTF-8 with BOM, £ intact), dates dd/mm/yyyy, money as
£12,500.00, no cell that a spreadsheet would run as a formula, and written atomically."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from locality.domain.vocabulary import ActionStatus
from locality.exchange import render_csv as render_csv_module
from locality.exchange.export import export_plan
from locality.exchange.render_csv import COLUMNS, render_csv
from locality.exchange.safe_text import neutralise
from locality.files import FileWriteError
from locality.services.actions import ActionDraft
from locality.services.context import User
from locality.services.demo import DEMO_TODAY, generate_demo
from locality.services.organisations import OrganisationDraft
from locality.services.plan import CountRow, ExportCancelled, Plan, PlanAction, PlanFilters, PlanSummary
from locality.services.plan_building import build_plan
from locality.services.registry import Services
from tests.exchange.sample_plans import action


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("csv-demo") / "demo.locality"
    services = Services.open(path, User("Test User", "Test Org"), today=lambda: DEMO_TODAY)
    try:
        generate_demo(services.context, size="small", seed=1)
    finally:
        services.close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "demo.locality"
    shutil.copyfile(demo_file, path)
    services = Services.open(path, User("Test User", "Test Org"), today=lambda: DEMO_TODAY)
    yield services
    services.close()


def plan_of(*actions: PlanAction) -> Plan:
    summary = PlanSummary(
        by_status=tuple(CountRow(status.value, 0) for status in ActionStatus),
        by_rag=(CountRow("Red", 0), CountRow("Amber", 0), CountRow("Green", 0), CountRow("Not rated", 0)),
        by_theme=(),
        budget_pence=0,
        spend_pence=0,
        needs_total=0,
        shared_needs=0,
        actions_total=len(actions),
    )
    return Plan(
        partnership="Westshire Locality Partnership",
        area="Westshire",
        period="01/04/2008 to 31/03/2011",
        generated_on=date(2008, 10, 1),
        filters=("All actions",),
        confidential_included=False,
        summary=summary,
        organisations=(),
        needs=(),
        actions=tuple(actions),
        indicators=(),
    )


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_neutralise_keeps_text_from_becoming_a_formula() -> None:
    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("+44 1632 960000") == "'+44 1632 960000"
    assert neutralise("-1") == "'-1"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("\t=1") == "'\t=1"
    assert neutralise("Plain text = fine") == "Plain text = fine"
    assert neutralise("") == ""


def test_one_row_per_action_with_uk_dates_and_pounds(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    render_csv(plan_of(action("Joint patrols"), action("Tenant panel", budget_pence=None, rag=None)), target)

    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    assert "£12,500.00".encode() in raw
    rows = read_rows(target)
    assert rows[0] == list(COLUMNS)
    assert rows[0] == [
        "Title",
        "Theme",
        "Lead",
        "Partners",
        "Needs",
        "Start",
        "Due",
        "Status",
        "RAG",
        "RAG reason",
        "Percent complete",
        "Budget",
        "Spend",
        "Latest progress note",
        "Latest note date",
        "Milestones overdue",
        "Owner",
        "Owner e-mail",
        "Owner telephone",
    ]
    assert rows[1] == [
        "Joint patrols",
        "Community safety",
        "Westshire Constabulary",
        "Westshire County Council; Wexcombe Homes",
        "Anti-social behaviour",
        "01/04/2008",
        "31/03/2009",
        "In progress",
        "Amber",
        "Behind schedule: due 31/03/2009, 20% complete (45% expected)",
        "20",
        "£12,500.00",
        "£3,125.50",
        "Met the residents' group",
        "12/09/2008",
        "1",
        "",
        "",
        "",
    ]
    assert rows[2][8] == "" and rows[2][11] == ""  # not rated, no budget
    assert len(rows) == 3


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    risky = ["=SUM(A1)", "+44 1632 960000", "-1", "@cmd", '=HYPERLINK("http://evil.example","x")']
    render_csv(
        plan_of(
            *[action(title) for title in risky],
            action(
                "Safe title",
                theme="=Theme",
                lead="+Lead",
                partners=("-Partner",),
                needs=("@Need",),
                rag_reason="=reason",
                latest_note="=1+1",
            ),
        ),
        target,
    )
    rows = read_rows(target)
    titles = [row[0] for row in rows[1:6]]
    assert titles == ["'" + title for title in risky]
    last = rows[6]
    assert last[1:5] == ["'=Theme", "'+Lead", "'-Partner", "'@Need"]
    assert last[9] == "'=reason" and last[13] == "'=1+1"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_the_demo_plan_round_trips(demo: Services, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    plan = export_plan(demo, "csv", target, PlanFilters())
    rows = read_rows(target)
    assert len(rows) == 1 + len(plan.actions) == 61
    for row, planned in zip(rows[1:], plan.actions, strict=True):
        assert row[0] == planned.title
        assert row[3] == "; ".join(planned.partners)
        assert row[6] == (planned.due_on.strftime("%d/%m/%Y") if planned.due_on else "")
        assert row[7] == planned.status.value
        assert row[15] == str(sum(1 for milestone in planned.milestones if milestone.overdue))


def test_an_organisation_extract_has_only_its_actions(demo: Services, tmp_path: Path) -> None:
    target = tmp_path / "police.csv"
    plan = export_plan(demo, "csv", target, PlanFilters(organisations=("Police",)))
    rows = read_rows(target)
    assert [row[0] for row in rows[1:]] == [action.title for action in plan.actions]
    for row in rows[1:]:
        assert row[2] == "Westshire Constabulary" or "Westshire Constabulary" in row[3].split("; ")


def test_formula_titles_from_the_workspace_are_neutralised(services: Services, tmp_path: Path) -> None:
    lead = services.organisations.create(OrganisationDraft(name="=cmd|' /C calc'!A0"))
    for title in ("=SUM(A1)", "+44", "-1", "@cmd"):
        services.actions.create(ActionDraft(title=title, lead_organisation_id=lead.id))
    target = tmp_path / "plan.csv"
    export_plan(services, "csv", target, PlanFilters())
    rows = read_rows(target)
    assert sorted(row[0] for row in rows[1:]) == sorted(["'=SUM(A1)", "'+44", "'-1", "'@cmd"])
    assert {row[2] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}


def test_a_failure_part_way_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "plan.csv"
    target.write_text("the previous export", encoding="utf-8")
    written = 0
    real = render_csv_module.action_cells

    def failing(planned: PlanAction) -> list[str]:
        nonlocal written
        written += 1
        if written == 3:
            raise OSError(28, "No space left on device")
        return real(planned)

    monkeypatch.setattr(render_csv_module, "action_cells", failing)
    with pytest.raises(FileWriteError) as raised:
        render_csv(plan_of(*[action(f"Action {n}") for n in range(5)]), target)
    assert str(raised.value) == "There is not enough free disk space to write plan.csv; free some space and try again."
    assert target.read_text(encoding="utf-8") == "the previous export"
    assert sorted(path.name for path in folder.iterdir()) == ["plan.csv"]


def test_cancel_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "plan.csv"
    target.write_text("the previous export", encoding="utf-8")
    asked = 0

    def cancel_once_writing() -> bool:
        nonlocal asked
        asked += 1
        return asked >= 3

    with pytest.raises(ExportCancelled):
        render_csv(plan_of(action("Joint patrols")), target, cancelled=cancel_once_writing)
    assert target.read_text(encoding="utf-8") == "the previous export"
    assert sorted(path.name for path in folder.iterdir()) == ["plan.csv"]

    fresh = folder / "new.csv"
    with pytest.raises(ExportCancelled):
        render_csv(plan_of(action("Joint patrols")), fresh, cancelled=lambda: True)
    assert not fresh.exists()


def test_export_cancelled_while_building_leaves_no_file(demo: Services, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    with pytest.raises(ExportCancelled):
        export_plan(demo, "csv", target, PlanFilters(), cancelled=lambda: True)
    assert list(tmp_path.glob("plan*")) == [] and list(tmp_path.glob(".plan*")) == []


def test_export_reports_progress_to_the_end(demo: Services, tmp_path: Path) -> None:
    reported: list[tuple[int, int]] = []
    export_plan(demo, "csv", tmp_path / "plan.csv", PlanFilters(), progress=lambda d, t: reported.append((d, t)))
    done = [step for step, _total in reported]
    assert done == sorted(done)
    assert reported[-1] == (100, 100)
    assert all(total == 100 for _step, total in reported)


def test_an_empty_plan_has_just_the_header(services: Services, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    render_csv(build_plan(services, PlanFilters()), target)
    assert read_rows(target) == [list(COLUMNS)]


def test_an_unknown_format_is_refused(demo: Services, tmp_path: Path) -> None:
    from locality.domain.errors import ValidationError

    with pytest.raises(ValidationError) as raised:
        export_plan(demo, "odt", tmp_path / "plan.odt", PlanFilters())
    assert (
        raised.value.field_errors["format"] == '"odt" is not an export format; use one of: pdf, docx, xlsx, csv, html'
    )
    assert not (tmp_path / "plan.odt").exists()
