"""The Excel export: a sheet per section, frozen headers and autofilters on the data sheets, real date and
currency cells, no formulas from user text, a valid package, and written atomically."""

from __future__ import annotations

import shutil
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus, TargetKind
from locality.exchange import render_xlsx as render_xlsx_module
from locality.exchange.export import export_plan
from locality.exchange.plan_rows import indicator_row, number_text, percent_text
from locality.exchange.render_xlsx import MONEY_FORMAT, render_xlsx
from locality.services.context import User
from locality.services.demo import DEMO_TODAY, generate_demo
from locality.services.indicators import IndicatorDraft
from locality.services.plan import (
    CountRow,
    ExportCancelled,
    Plan,
    PlanAction,
    PlanFilters,
    PlanIndicator,
    PlanNeed,
    PlanOrganisation,
    PlanSummary,
    ThemeRow,
)
from locality.services.plan_building import build_plan
from locality.services.registry import Services
from tests.exchange.sample_plans import action

SHEETS = ["Cover", "Summary", "Needs", "Actions", "Milestones", "Indicators", "Sign-off"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx-demo") / "demo.locality"
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


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def plan_of(*actions: PlanAction, confidential: bool = False) -> Plan:
    summary = PlanSummary(
        by_status=tuple(
            CountRow(status.value, 1 if status == ActionStatus.IN_PROGRESS else 0) for status in ActionStatus
        ),
        by_rag=(CountRow("Red", 0), CountRow("Amber", len(actions)), CountRow("Green", 0), CountRow("Not rated", 0)),
        by_theme=(ThemeRow("Community safety", 1, len(actions), 1_250_000, 312_550),),
        budget_pence=1_250_000,
        spend_pence=312_550,
        needs_total=1,
        shared_needs=1,
        actions_total=len(actions),
    )
    return Plan(
        partnership="Westshire Locality Partnership",
        area="Westshire",
        period="01/04/2008 to 31/03/2011",
        generated_on=date(2008, 10, 1),
        filters=("Organisation: Westshire Constabulary", "Status: In progress"),
        confidential_included=confidential,
        summary=summary,
        organisations=(
            PlanOrganisation(
                "Westshire Constabulary",
                "Police",
                "Police",
                "Nicola Nash" if confidential else "",
                "nicola.nash@westshire.pnn.police.uk" if confidential else "",
            ),
        ),
        needs=(
            PlanNeed(
                uuid.uuid4(),
                "=Anti-social behaviour",
                "Community safety",
                ("Westshire Constabulary", "Wexcombe Homes"),
                "High",
                "Agreed",
                len(actions),
                "-notes",
            ),
        ),
        actions=tuple(actions),
        indicators=(
            PlanIndicator(
                "Repeat calls about anti-social behaviour",
                "calls a month",
                "Lower is better",
                120.0,
                date(2008, 4, 1),
                90.0,
                date(2010, 3, 31),
                105.5,
                date(2008, 9, 1),
                50,
                "=Anti-social behaviour",
            ),
        ),
    )


def load(path: Path) -> Workbook:
    return openpyxl.load_workbook(path)


def all_cells(workbook: Workbook) -> Iterator[openpyxl.cell.cell.Cell]:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_a_sheet_per_section_with_frozen_filtered_headers(out: Path) -> None:
    target = out / "plan.xlsx"
    render_xlsx(plan_of(action("Joint patrols"), action("Tenant panel")), target)
    workbook = load(target)
    assert workbook.sheetnames == SHEETS
    for name, last in (("Needs", "G2"), ("Actions", "S3"), ("Milestones", "E5"), ("Indicators", "K2")):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{last}", name
        assert all(cell.font.b for cell in sheet[1]), name
    actions = workbook["Actions"]
    assert [cell.value for cell in actions[1]] == [
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
    assert actions.column_dimensions["A"].width == 50
    assert actions.column_dimensions["L"].width == 14
    for name in ("Cover", "Summary", "Sign-off"):
        assert workbook[name].freeze_panes is None
        assert workbook[name].auto_filter.ref is None


def test_dates_and_money_are_real_cells(out: Path) -> None:
    target = out / "plan.xlsx"
    render_xlsx(plan_of(action("Joint patrols", budget_pence=None, spend_pence=-150)), target)
    row = load(target)["Actions"][2]
    values = [cell.value for cell in row]
    assert values[:5] == [
        "Joint patrols",
        "Community safety",
        "Westshire Constabulary",
        "Westshire County Council; Wexcombe Homes",
        "Anti-social behaviour",
    ]
    start, due, note_on = row[5], row[6], row[14]
    assert start.value == datetime(2008, 4, 1) and start.number_format == "dd/mm/yyyy" and start.is_date
    assert due.value == datetime(2009, 3, 31) and due.number_format == "dd/mm/yyyy"
    assert note_on.value == datetime(2008, 9, 12) and note_on.number_format == "dd/mm/yyyy"
    assert row[10].value == 20 and row[10].data_type == "n"
    assert row[11].value is None  # no budget: an empty cell, not £0.00
    assert row[12].value == -1.5 and row[12].number_format == MONEY_FORMAT == '"£"#,##0.00'
    assert row[15].value == 1

    render_xlsx(plan_of(action("Joint patrols")), target)
    row = load(target)["Actions"][2]
    assert row[11].value == 12500 and row[11].number_format == MONEY_FORMAT
    assert row[12].value == pytest.approx(3125.50)

    milestones = load(target)["Milestones"]
    assert [cell.value for cell in milestones[2]] == [
        "Joint patrols",
        "Kick-off",
        datetime(2008, 5, 1),
        datetime(2008, 5, 2),
        None,
    ]
    assert [cell.value for cell in milestones[3]] == ["Joint patrols", "Survey", datetime(2008, 8, 1), None, "Yes"]
    assert milestones["C2"].number_format == "dd/mm/yyyy"

    indicators = load(target)["Indicators"]
    assert [cell.value for cell in indicators[2]] == [
        "Repeat calls about anti-social behaviour",
        "calls a month",
        "Lower is better",
        120,
        datetime(2008, 4, 1),
        90,
        datetime(2010, 3, 31),
        105.5,
        datetime(2008, 9, 1),
        50,
        "'=Anti-social behaviour",
    ]


def test_text_that_looks_like_a_formula_stays_text(out: Path) -> None:
    target = out / "plan.xlsx"
    risky = ["=SUM(A1)", "+44 1632 960000", "-1", "@cmd", '=HYPERLINK("http://evil.example","x")']
    render_xlsx(plan_of(*[action(title, lead="=lead", latest_note="+note") for title in risky]), target)
    workbook = load(target)
    titles = [row[0].value for row in workbook["Actions"].iter_rows(min_row=2)]
    assert titles == ["'" + title for title in risky]
    assert {row[2].value for row in workbook["Actions"].iter_rows(min_row=2)} == {"'=lead"}
    assert workbook["Needs"]["A2"].value == "'=Anti-social behaviour"
    assert workbook["Needs"]["G2"].value == "'-notes"
    for cell in all_cells(workbook):
        assert cell.data_type != "f", (cell.parent.title, cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(("=", "+", "-", "@")), cell.value


def test_the_cover_summary_and_sign_off(out: Path) -> None:
    target = out / "plan.xlsx"
    render_xlsx(plan_of(action("Joint patrols")), target)
    workbook = load(target)
    cover = [row[0] for row in workbook["Cover"].iter_rows(values_only=True) if row[0]]
    assert cover == [
        "Joint action plan",
        "Westshire Locality Partnership",
        "Westshire",
        "Plan period: 01/04/2008 to 31/03/2011",
        "Produced on 01/10/2008",
        "Filters used",
        "Organisation: Westshire Constabulary",
        "Status: In progress",
        "Confidential notes and personal contact details are left out",
    ]
    summary = [row for row in workbook["Summary"].iter_rows(values_only=True) if any(row)]
    assert ("Actions", 1, None, None, None) in summary
    assert ("Shared needs", 1, None, None, None) in summary
    assert ("Budget", 12500, None, None, None) in summary
    assert ("In progress", 1, None, None, None) in summary
    assert ("Not rated", 0, None, None, None) in summary
    assert ("Community safety", 1, 1, 12500, pytest.approx(3125.5)) in summary
    assert ("Westshire Constabulary", "Police", "Police", None, None) in summary
    assert "Contact" not in {cell for row in summary for cell in row}
    sign_off = [row[0] for row in workbook["Sign-off"].iter_rows(values_only=True) if row[0]]
    assert sign_off == ["Sign-off", "Agreed by the partnership board", "Name", "Signature", "Date"]

    render_xlsx(plan_of(action("Joint patrols"), confidential=True), target)
    workbook = load(target)
    cover = [row[0] for row in workbook["Cover"].iter_rows(values_only=True) if row[0]]
    assert cover[-1] == "Includes confidential notes and contact details"
    summary = [row for row in workbook["Summary"].iter_rows(values_only=True) if any(row)]
    assert ("Organisation", "Short name", "Type", "Contact", "E-mail") in summary
    assert (
        "Westshire Constabulary",
        "Police",
        "Police",
        "Nicola Nash",
        "nicola.nash@westshire.pnn.police.uk",
    ) in summary


def test_the_package_is_well_formed_even_with_awkward_text(out: Path) -> None:
    target = out / "plan.xlsx"
    awkward = 'Fish & chips <b>bold</b> "quoted" — £5 \x07bell\x00 ✓'
    render_xlsx(plan_of(action(awkward, latest_note="x" * 40_000)), target)
    with zipfile.ZipFile(target) as package:
        assert package.testzip() is None
        names = package.namelist()
        assert "[Content_Types].xml" in names and "xl/workbook.xml" in names and "xl/sharedStrings.xml" in names
        for name in names:
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(package.read(name))  # raises on malformed XML
    row = load(target)["Actions"][2]
    assert row[0].value == 'Fish & chips <b>bold</b> "quoted" — £5 bell ✓'  # control characters dropped
    assert len(row[13].value) == 32_767  # Excel's limit for one cell


def test_the_demo_plan_round_trips(demo: Services, out: Path) -> None:
    target = out / "plan.xlsx"
    plan = export_plan(demo, "xlsx", target, PlanFilters())
    workbook = load(target)
    actions = list(workbook["Actions"].iter_rows(min_row=2, values_only=True))
    assert len(actions) == len(plan.actions) == 60
    for row, planned in zip(actions, plan.actions, strict=True):
        assert row[0] == planned.title
        assert row[6] == (datetime.combine(planned.due_on, datetime.min.time()) if planned.due_on else None)
        assert row[7] == planned.status.value
        assert row[8] == (planned.rag.value if planned.rag else None)
        expected_budget = None if planned.budget_pence is None else planned.budget_pence / 100
        assert row[11] == pytest.approx(expected_budget) if expected_budget is not None else row[11] is None
        assert row[12] == pytest.approx(planned.spend_pence / 100)
    assert workbook["Milestones"].max_row == 1 + len(plan.milestones)
    assert workbook["Needs"].max_row == 1 + len(plan.needs)
    assert workbook["Indicators"].max_row == 1 + len(plan.indicators)


def test_a_partner_extract_workbook_leaves_others_out(demo: Services, out: Path) -> None:
    target = out / "police.xlsx"
    everyone = build_plan(demo, PlanFilters())
    plan = export_plan(demo, "xlsx", target, PlanFilters(organisations=("Westshire Constabulary",)))
    shown = {cell.value for cell in all_cells(load(target)) if isinstance(cell.value, str)}
    named: set[str] = set()
    for planned in plan.actions:
        named.update(planned.partners)
        named.add(planned.lead)
    for organisation in everyone.organisations:
        if organisation.name not in named and organisation.name != "Westshire Constabulary":
            assert organisation.name not in shown
    assert not shown & {"nicola.nash@westshire.pnn.police.uk", "Nicola Nash"}


def test_a_failure_part_way_leaves_the_old_file_and_no_temporary_file(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "plan.xlsx"
    target.write_bytes(b"the previous export")
    real = render_xlsx_module._CellWriter.data_row_xml
    written = 0

    def failing(self: object, row_number: int, kinds: object, values: object) -> str:
        nonlocal written
        written += 1
        if written == 4:
            raise RuntimeError("the writer broke")
        return real(self, row_number, kinds, values)  # type: ignore[arg-type]

    monkeypatch.setattr(render_xlsx_module._CellWriter, "data_row_xml", failing)
    with pytest.raises(RuntimeError):
        render_xlsx(plan_of(*[action(f"Action {n}") for n in range(5)]), target)
    assert target.read_bytes() == b"the previous export"
    assert sorted(path.name for path in out.iterdir()) == ["plan.xlsx"]


def test_cancel_writes_nothing(out: Path) -> None:
    target = out / "plan.xlsx"
    target.write_bytes(b"the previous export")
    asked = 0

    def cancel_while_writing() -> bool:
        nonlocal asked
        asked += 1
        return asked >= 4

    with pytest.raises(ExportCancelled):
        render_xlsx(plan_of(action("Joint patrols")), target, cancelled=cancel_while_writing)
    assert target.read_bytes() == b"the previous export"
    assert sorted(path.name for path in out.iterdir()) == ["plan.xlsx"]

    with pytest.raises(ExportCancelled):
        render_xlsx(plan_of(action("Joint patrols")), out / "new.xlsx", cancelled=lambda: True)
    assert not (out / "new.xlsx").exists()


def test_progress_counts_rows_to_the_end(out: Path) -> None:
    reported: list[tuple[int, int]] = []
    render_xlsx(plan_of(action("A"), action("B")), out / "plan.xlsx", progress=lambda d, t: reported.append((d, t)))
    assert reported[-1][0] == reported[-1][1] > 0
    done = [step for step, _total in reported]
    assert done == sorted(done)


def test_an_empty_plan_still_opens(services: Services, out: Path) -> None:
    target = out / "plan.xlsx"
    render_xlsx(build_plan(services, PlanFilters()), target)
    workbook = load(target)
    assert workbook.sheetnames == SHEETS
    assert workbook["Actions"].max_row == 1
    assert workbook["Actions"].auto_filter.ref == "A1:S1"


def test_a_cumulative_indicator_exports_its_running_total_as_latest(services: Services, out: Path) -> None:
    """The "Latest" the exports print is the value the app shows (the running total of a cumulative indicator,
    the latest measurement of a periodic one), and "Percent to target" is worked out from that same value."""
    cumulative = services.indicators.create(
        IndicatorDraft(
            name="Staff trained in safeguarding",
            unit="people",
            target_kind=TargetKind.CUMULATIVE,
            target_value=400.0,
            target_on=date(2009, 3, 31),
        )
    )
    periodic = services.indicators.create(
        IndicatorDraft(
            name="Residents satisfied with their area",
            unit="%",
            baseline_value=60.0,
            baseline_on=date(2007, 4, 1),
            target_value=80.0,
            target_on=date(2009, 3, 31),
        )
    )
    for measured_on, value in ((date(2007, 6, 30), 120.0), (date(2007, 12, 31), 80.0), (date(2008, 3, 31), 60.0)):
        services.indicators.add_measurement(cumulative.id, measured_on, value)
    services.indicators.add_measurement(periodic.id, date(2007, 9, 30), 65.0)
    services.indicators.add_measurement(periodic.id, date(2008, 3, 31), 70.0)
    shown = {indicator.name: indicator for indicator in services.indicators.list()}
    assert shown[cumulative.name].actual_value == 260.0  # the running total, as the indicators page shows it
    assert shown[cumulative.name].percent_to_target == 65  # 260 of 400, from nothing
    assert shown[periodic.name].actual_value == 70.0
    assert shown[periodic.name].percent_to_target == 50  # 60 -> 70 of 60 -> 80

    plan = build_plan(services, PlanFilters())
    in_plan = {indicator.name: indicator for indicator in plan.indicators}
    for name, indicator in shown.items():
        assert in_plan[name].actual_value == indicator.actual_value
        assert in_plan[name].latest_on == indicator.latest_on
        assert in_plan[name].percent_to_target == indicator.percent_to_target
        # The row the PDF, Word and HTML plans print: "Latest" and "% to target".
        assert indicator_row(in_plan[name])[7:10] == (
            number_text(indicator.actual_value),
            format_date(indicator.latest_on),
            percent_text(indicator.percent_to_target),
        )

    target = out / "plan.xlsx"
    render_xlsx(plan, target)
    sheet = load(target)["Indicators"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(shown)
    for name, indicator in shown.items():
        assert rows[name]["Latest"] == indicator.actual_value
        assert rows[name]["Latest date"] == datetime.combine(indicator.latest_on, datetime.min.time())
        assert rows[name]["Percent to target"] == indicator.percent_to_target
    latest = rows[cumulative.name]["Latest"]
    assert latest == 260
    assert rows[cumulative.name]["Percent to target"] == round(100 * latest / 400)
