"""Importing organisations, needs, actions and progress from CSV and XLSX files, as a coordinator does it.

Every fixture file is written by the test itself into tmp_path (CSV as bytes in the encoding under test, XLSX with
openpyxl), so no binary fixtures live in the repository.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from locality.domain.errors import ImportFileError
from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus, NeedStatus, Priority, Rag, VocabularyKind
from locality.exchange.importing import ImportCancelled, import_file, preview
from locality.exchange.read_csv import sniff_delimiter
from locality.exchange.reading import read_table
from locality.services import records
from locality.services.actions import ActionDraft
from locality.services.context import Changes
from locality.services.needs import NeedDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.store.models import ActionRecord

ORGANISATION_HEADER = ["name", "short_name", "type", "sector", "contact_name", "contact_email", "notes"]


# --------------------------------------------------------------------------- writing fixture files


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], *, extra_sheet: bool = False) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Import"
    for row in rows:
        sheet.append(list(row))
    if extra_sheet:
        workbook.create_sheet("Notes").append(["not read"])
    workbook.save(path)
    return path


def counts(services: Services) -> tuple[int, int, int, int, int]:
    actions = services.actions.list()
    updates = sum(len(services.progress.history(action.id)) for action in actions)
    return (
        len(services.organisations.list()),
        len(services.needs.list()),
        len(actions),
        updates,
        len(services.funding.allocations()),
    )


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def partners(services: Services) -> dict[str, uuid.UUID]:
    """Three organisations to refer to: by name, or by short name ("CC")."""
    council = services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "County council")
    police = services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "Police")
    return {
        "County Council": services.organisations.create(
            OrganisationDraft("Barsetshire County Council", short_name="CC", type_id=council)
        ).id,
        "Police": services.organisations.create(OrganisationDraft("Barsetshire Police", type_id=police)).id,
        "Health": services.organisations.create(OrganisationDraft("Barset Health Trust")).id,
    }


@pytest.fixture
def need_ids(services: Services, partners: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    return {
        title: services.needs.create(NeedDraft(title)).id
        for title in ("Scrutiny skills for members", "Shared data on anti-social behaviour")
    }


@pytest.fixture
def action_id(services: Services, partners: dict[str, uuid.UUID]) -> uuid.UUID:
    return services.actions.create(
        ActionDraft(
            "Member scrutiny training",
            lead_organisation_id=partners["County Council"],
            start_on=date(2008, 4, 1),
            due_on=date(2009, 3, 31),
            status=ActionStatus.IN_PROGRESS,
            percent_complete=10,
        )
    ).id


# --------------------------------------------------------------------------- organisations


def test_organisations_from_csv_with_heading_variants(services: Services, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "partners.csv",
        [
            ["Name", "Short Name", "TYPE", "Sector", "contact-name", "Contact_Email", "Notes"],
            ["Barsetshire County Council", "BCC", "county council", "public", "Ann Lee", "ann@bcc.gov.uk", ""],
            ["Barset Voluntary Action", "", "Voluntary and community", "Third sector", "", "", "Umbrella body"],
        ],
    )

    report = import_file(services, "organisations", path)

    assert report.created == {"organisations": 2}
    assert report.rows_read == 2
    assert report.lines() == ["Imported 2 organisations from partners.csv."]
    council = services.organisations.find("BCC")
    assert council is not None
    assert council.name == "Barsetshire County Council"
    assert (council.type_name, council.sector_name) == ("County council", "Public")
    assert (council.contact_name, council.contact_email) == ("Ann Lee", "ann@bcc.gov.uk")
    voluntary = services.organisations.find("barset voluntary action")
    assert voluntary is not None and voluntary.notes == "Umbrella body"
    assert voluntary.sector_name == "Third sector"


def test_organisations_from_xlsx_with_hyphenated_headings(services: Services, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "partners.xlsx",
        [
            ["name", "short-name", "type", "sector", "contact name", "contact-email", "notes", "Phone"],
            ["Barsetshire Fire and Rescue", "BFRS", "Fire and rescue", "Public", "", "", "", "01234 567890"],
            ["Barset Chamber of Commerce", "Chamber", "Business", "Private", "", "", 2008, ""],
        ],
        extra_sheet=True,
    )

    report = import_file(services, "organisations", path)

    assert report.count("organisations") == 2
    fire = services.organisations.find("BFRS")
    assert fire is not None and fire.type_name == "Fire and rescue"
    chamber = services.organisations.find("Chamber")
    assert chamber is not None and chamber.notes == "2008"  # a number cell in a text column reads as text
    assert any('"Phone"' in warning and "ignored" in warning for warning in report.warnings)
    assert any('Only the first sheet, "Import"' in warning for warning in report.warnings)


def test_utf8_with_byte_order_mark(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", [["name", "notes"], ["Café Society", "£5 a head"]], bom=True)

    import_file(services, "organisations", path)

    found = services.organisations.find("Café Society")
    assert found is not None and found.notes == "£5 a head"


def test_windows_1252(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ansi.csv", [["Name", "Notes"], ["Café Society", "Café £5"]], encoding="cp1252")
    assert "Café".encode() not in path.read_bytes()  # really not UTF-8

    import_file(services, "organisations", path)

    found = services.organisations.find("Café Society")
    assert found is not None and found.notes == "Café £5"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolons_and_tabs(services: Services, tmp_path: Path, delimiter: str) -> None:
    path = write_csv(
        tmp_path / "partners.csv",
        [["name", "short_name", "notes"], ["Barset Housing", "BH", "Homes, and more"], ["Barset College", "", ""]],
        delimiter=delimiter,
    )

    report = import_file(services, "organisations", path)

    assert report.count("organisations") == 2
    housing = services.organisations.find("BH")
    assert housing is not None and housing.notes == "Homes, and more"


def test_delimiter_is_taken_from_the_header_line() -> None:
    assert sniff_delimiter("name,short_name,notes") == ","
    assert sniff_delimiter("name;short_name;notes") == ";"
    assert sniff_delimiter("name\tshort_name\tnotes") == "\t"
    assert sniff_delimiter('"name;x",short_name') == ","
    assert sniff_delimiter("name") == ","


def test_excel_separator_line_and_unicode_text(tmp_path: Path) -> None:
    """Excel's "sep=;" first line and its "Unicode text" (UTF-16, tab-separated) exports both read."""
    separated = tmp_path / "sep.csv"
    separated.write_bytes(b"sep=;\r\nname;notes\r\nA;x,y\r\n")
    table = read_table(separated)
    assert table.header == ("name", "notes")
    assert [(row.number, row.cells) for row in table.rows] == [(2, ("A", "x,y"))]

    unicode_text = tmp_path / "unicode.txt"
    unicode_text.write_bytes("name\tnotes\r\nCafé\t'=1+1\r\n".encode("utf-16"))
    table = read_table(unicode_text)
    assert table.rows[0].cells == ("Café", "=1+1")  # an export's guard against formulas is taken off again


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gaps.csv", [["name"], ["A"], [], ["", ""], ["B"]])
    table = read_table(path)
    assert [(row.number, row.cells[0]) for row in table.rows] == [(2, "A"), (5, "B")]


def test_a_duplicate_on_a_later_row_is_an_error_on_that_row(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "partners.csv", [["name"], ["Barset Police"], ["Barset Trust"], [" barset  police "]])

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "organisations", path)

    assert raised.value.row_errors == [
        'row 4: "barset  police" is already on row 2 of this file; give each organisation only once.'
    ]
    assert services.organisations.list() == []


def test_an_organisation_already_in_the_workspace_is_an_error(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "partners.csv", [["name"], ["New Partner"], ["BARSETSHIRE POLICE"]])

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "organisations", path)

    assert raised.value.row_errors == [
        'row 3: There is already an organisation called "BARSETSHIRE POLICE" in this workspace.'
    ]
    assert services.organisations.find("New Partner") is None


def test_unknown_vocabulary_lists_what_is_allowed(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "partners.csv", [["name", "type", "sector"], ["Barset Trust", "Charity", "Public"]])

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "organisations", path)

    (message,) = raised.value.row_errors
    assert message.startswith('row 2: "Charity" is not a known organisation type; use one of: County council,')
    assert "Voluntary and community" in message


# --------------------------------------------------------------------------- needs


def test_needs_from_csv(services: Services, partners: dict[str, uuid.UUID], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "needs.csv",
        [
            ["Title", "Description", "Theme", "Organisations", "Priority", "Source", "Status", "Identified on"],
            [
                "Shared data on anti-social behaviour",
                "Partners hold separate records",
                "Service improvement: Community safety",
                "CC; barsetshire police",
                "high",
                "Peer challenge",
                "agreed",
                "01/04/2008",
            ],
            ["Scrutiny skills for members", "", "Leadership and governance", "", "", "", "", "2008-05-07"],
        ],
    )

    report = import_file(services, "needs", path)

    assert report.created == {"needs": 2}
    need = services.needs.find("Shared data on anti-social behaviour")
    assert need is not None
    assert need.theme_full_name == "Service improvement: Community safety"
    assert {link.organisation_id for link in need.links} == {partners["County Council"], partners["Police"]}
    assert need.is_shared
    assert (need.priority, need.status, need.source_name) == (Priority.HIGH, NeedStatus.AGREED, "Peer challenge")
    assert need.identified_on == date(2008, 4, 1)
    second = services.needs.find("scrutiny skills for members")
    assert second is not None
    assert (second.status, second.identified_on, second.links) == (NeedStatus.IDENTIFIED, date(2008, 5, 7), ())


def test_needs_from_xlsx_with_date_cells(services: Services, partners: dict[str, uuid.UUID], tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "needs.xlsx",
        [
            ["title", "theme", "organisations", "priority", "identified_on"],
            ["Joint commissioning skills", "Housing", "Barset Health Trust;CC", "Medium", datetime(2008, 4, 1)],
            [None, None, None, None, None],
            ["Better engagement with young people", "community engagement", "", "low", "15/05/2008"],
        ],
    )

    report = import_file(services, "needs", path)

    assert report.count("needs") == 2
    need = services.needs.find("Joint commissioning skills")
    assert need is not None
    assert need.identified_on == date(2008, 4, 1)
    assert need.theme_name == "Housing"
    assert need.organisation_count == 2
    young = services.needs.find("Better engagement with young people")
    assert young is not None and young.identified_on == date(2008, 5, 15) and young.priority == Priority.LOW


def test_unknown_organisation_theme_and_priority(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "needs.csv",
        [
            ["title", "theme", "organisations", "priority"],
            ["Need one", "Roads", "CC; Barset Polise", "Urgent"],
        ],
    )

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "needs", path)

    (message,) = raised.value.row_errors
    assert message.startswith("row 2: ")
    assert '"Roads" is not a known theme; use one of: Leadership and governance,' in message
    assert "Cross-cutting challenges" in message
    assert '"Barset Polise" is not an organisation in this workspace (did you mean "Barsetshire Police"?)' in message
    assert '"Urgent" is not a known priority; use one of: High, Medium, Low.' in message
    assert services.needs.list() == []


# --------------------------------------------------------------------------- actions


def test_actions_from_csv_with_money_dates_and_funding(
    services: Services, partners: dict[str, uuid.UUID], need_ids: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "plan.csv",
        [
            [
                "title",
                "description",
                "type",
                "lead_organisation",
                "partners",
                "needs",
                "provider",
                "delivery_level",
                "start",
                "due",
                "status",
                "percent_complete",
                "budget",
                "funding_source",
            ],
            [
                "Scrutiny training for members",
                "Two days with a peer councillor",
                "Member development / scrutiny skills",
                "CC",
                "Barsetshire Police; Barset Health Trust",
                "Scrutiny skills for members; shared data on anti-social behaviour",
                "IDeA",
                "sub-regional",
                "01/04/2008",
                "2009-03-31",
                "in progress",
                "40%",
                "£12,500.50",
                "Capacity-building fund",
            ],
            ["Peer review of community safety", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ],
    )

    report = import_file(services, "actions", path)

    assert report.created == {"actions": 2, "funding allocations": 1}
    assert report.lines() == [
        "Imported 2 actions from plan.csv.",
        "Imported 1 funding allocation from plan.csv.",
    ]
    action = services.actions.find("scrutiny training for members")
    assert action is not None
    assert action.type_name == "Member development / scrutiny skills"
    assert action.lead_organisation_id == partners["County Council"]
    assert {partner.organisation_id for partner in action.partners} == {partners["Police"], partners["Health"]}
    assert set(action.need_ids) == set(need_ids.values())
    assert (action.provider_name, action.delivery_level_name) == ("IDeA", "Sub-regional")
    assert (action.start_on, action.due_on) == (date(2008, 4, 1), date(2009, 3, 31))
    assert (action.status, action.percent_complete) == (ActionStatus.IN_PROGRESS, 40)
    assert action.budget_pence == 1_250_050
    (allocation,) = services.funding.allocations(action.id)
    assert allocation.funding_source_name == "Capacity-building fund"
    assert allocation.amount_pence == 1_250_050
    plain = services.actions.find("Peer review of community safety")
    assert plain is not None
    assert (plain.status, plain.percent_complete, plain.budget_pence) == (ActionStatus.PROPOSED, 0, None)


def test_actions_from_xlsx_with_number_and_date_cells(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "plan.xlsx",
        [
            ["Title", "Lead Organisation", "Start", "Due", "Status", "Percent Complete", "Budget", "Funding Source"],
            [
                "Shared CCTV service",
                "Barsetshire Police",
                datetime(2008, 4, 1),
                date(2008, 12, 31),
                "Planned",
                25,
                2500.5,
                "RSG top-slice",
            ],
            ["Leadership academy", "CC", "1/5/2008", "30/4/2009", "Proposed", 0.0, "£1,000", ""],
        ],
    )
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet["F3"].value = 0.5
    sheet["F3"].number_format = "0%"  # a cell showing 50% holds 0.5
    workbook.save(path)

    report = import_file(services, "actions", path)

    assert report.created == {"actions": 2, "funding allocations": 1}
    cctv = services.actions.find("Shared CCTV service")
    assert cctv is not None
    assert (cctv.start_on, cctv.due_on) == (date(2008, 4, 1), date(2008, 12, 31))
    assert (cctv.percent_complete, cctv.budget_pence) == (25, 250_050)
    assert cctv.lead_organisation_id == partners["Police"]
    academy = services.actions.find("Leadership academy")
    assert academy is not None
    assert (academy.percent_complete, academy.budget_pence) == (50, 100_000)
    assert academy.start_on == date(2008, 5, 1)


def test_a_funding_source_without_a_budget_is_a_warning(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plan.csv", [["title", "funding_source"], ["Toolkit", "Pump-priming grant"]])

    report = import_file(services, "actions", path)

    assert report.created == {"actions": 1}
    assert report.warnings == (
        "Row 2: the funding source was not recorded, because the action has no budget to allocate from it.",
    )


def test_bad_money_dates_and_percent(services: Services, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "plan.csv",
        [
            ["title", "start", "due", "percent_complete", "budget", "funding_source", "status"],
            ["One", "31/02/2008", "", "half", "£12.345", "Lottery", "Done"],
            ["Two", "", "tomorrow", "150", "-£5", "", ""],
        ],
    )

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "actions", path)

    first, second = raised.value.row_errors
    assert first.startswith("row 2: ")
    assert 'Start: "31/02/2008" is not a date' in first
    assert 'Percent complete: "half" is not a whole number between 0 and 100.' in first
    assert 'Budget: "£12.345" has more than 2 decimal places' in first
    assert '"Lottery" is not a known funding source; use one of: Capacity-building fund, RSG top-slice' in first
    assert '"Done" is not a known action status; use one of: Proposed, Planned, In progress, Completed' in first
    assert second.startswith("row 3: ")
    assert 'Due: "tomorrow" is not a date' in second
    assert "Percent complete must be between 0 and 100." in second
    assert "Budget: The amount cannot be negative" in second


def test_rows_the_services_refuse_are_reported_and_nothing_is_written(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    """The service's own checks (here: due before start) fail a row after earlier rows were already created in
    the import's transaction; the whole import is rolled back."""
    before = counts(services)
    path = write_csv(
        tmp_path / "plan.csv",
        [
            ["title", "start", "due", "budget", "funding_source"],
            ["Fine action", "01/04/2008", "31/03/2009", "£100", "Other"],
            ["Backwards action", "01/04/2009", "01/04/2008", "", ""],
        ],
    )

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "actions", path)

    assert str(raised.value) == "1 row of plan.csv cannot be imported; nothing was written."
    assert raised.value.row_errors == ["row 3: The due date cannot be before the start date."]
    assert counts(services) == before
    assert services.actions.find("Fine action") is None


def test_actions_with_owner_columns_and_without(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    with_owners = write_csv(
        tmp_path / "owned.csv",
        [
            ["title", "lead_organisation", "Owner", "Owner E-mail", "owner-phone"],
            ["Joint patrol pilot", "Barsetshire Police", " Sgt Ravi Patel ", "ravi.patel@barset.police.uk", "01632 96"],
            ["Tenant panel training", "CC", "", "", ""],
        ],
    )
    report = import_file(services, "actions", with_owners)
    assert report.created == {"actions": 2}
    owned = services.actions.find("Joint patrol pilot")
    assert owned is not None
    assert (owned.owner_name, owned.owner_email, owned.owner_phone) == (
        "Sgt Ravi Patel",
        "ravi.patel@barset.police.uk",
        "01632 96",
    )
    unowned = services.actions.find("Tenant panel training")
    assert unowned is not None and unowned.owner_name == ""

    without = write_csv(tmp_path / "plain.csv", [["title", "lead_organisation"], ["Peer review", "CC"]])
    import_file(services, "actions", without)
    plain = services.actions.find("Peer review")
    assert plain is not None and (plain.owner_name, plain.owner_email) == ("", "")


def test_a_bad_owner_e_mail_is_a_row_error_and_nothing_is_written(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    before = counts(services)
    path = write_csv(
        tmp_path / "owned.csv",
        [
            ["title", "owner", "owner_email"],
            ["Joint patrol pilot", "Ravi Patel", "ravi.patel@barset.police.uk"],
            ["Tenant panel training", "Jo Hall", "jo.hall at barset"],
        ],
    )
    with pytest.raises(ImportFileError) as raised:
        import_file(services, "actions", path)
    assert raised.value.row_errors == [
        'row 3: The owner\'s e-mail: "jo.hall at barset" is not an e-mail address; use a form like name@example.org.'
    ]
    assert counts(services) == before


# --------------------------------------------------------------------------- progress


def test_progress_from_csv(services: Services, action_id: uuid.UUID, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "progress.csv",
        [
            ["Action", "Date", "Percent complete", "Status", "RAG", "Note", "Author"],
            ["member scrutiny training", "15/04/2008", "30", "", "Green", "First cohort booked", "Ann Lee"],
            ["Member scrutiny training", "2008-05-20", "", "on hold", "amber", "Venue lost", ""],
        ],
    )

    report = import_file(services, "progress", path)

    assert report.lines() == ["Imported 2 progress updates from progress.csv."]
    newest, oldest = services.progress.history(action_id)
    assert (oldest.reported_on, oldest.percent_complete, oldest.rag, oldest.note) == (
        date(2008, 4, 15),
        30,
        Rag.GREEN,
        "First cohort booked",
    )
    assert (oldest.author, oldest.author_organisation) == ("Ann Lee", "")
    assert (newest.status, newest.rag, newest.author) == (ActionStatus.ON_HOLD, Rag.AMBER, "Test User")
    assert newest.author_organisation == "Test Org"
    action = services.actions.get(action_id)
    assert (action.percent_complete, action.status) == (30, ActionStatus.ON_HOLD)


def test_a_progress_file_reads_only_the_actions_it_names(
    demo_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partner's tracker names a few of the partnership's actions: those are read, not every action (which took
    a large partnership's import of 2,000 updates a second), and each update still moves its own action on."""
    services = demo_services
    named = [action for action in services.actions.list() if action.status == ActionStatus.IN_PROGRESS][:3]
    path = write_csv(
        tmp_path / "progress.csv",
        [["Action", "Date", "Percent complete", "Note"]]
        + [[action.title, format_date(services.context.today()), "95", "Nearly there"] for action in named],
    )
    read_whole: list[type] = []
    whole = records.Known._of

    def spying(self: records.Known, model: type, *, complete: bool) -> dict[uuid.UUID, object]:
        if complete and model not in self._complete:
            read_whole.append(model)
        return whole(self, model, complete=complete)

    monkeypatch.setattr(records.Known, "_of", spying)
    report = import_file(services, "progress", path)

    assert report.count("progress updates") == 3
    assert ActionRecord not in read_whole
    assert [services.actions.get(action.id).percent_complete for action in named] == [95, 95, 95]


def test_progress_from_xlsx(services: Services, action_id: uuid.UUID, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "progress.xlsx",
        [
            ["action", "date", "percent_complete", "status", "rag", "note", "author"],
            ["Member scrutiny training", datetime(2008, 5, 1), 60, "In progress", "Green", "Going well", "Bob"],
        ],
    )

    report = import_file(services, "progress", path)

    assert report.count("progress updates") == 1
    (update,) = services.progress.history(action_id)
    assert (update.reported_on, update.percent_complete, update.author) == (date(2008, 5, 1), 60, "Bob")
    assert services.actions.get(action_id).percent_complete == 60


def test_progress_rows_need_a_known_action_and_a_date(services: Services, action_id: uuid.UUID, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "progress.csv",
        [
            ["action", "date", "note"],
            ["Member scrutiny trainin", "01/05/2008", "x"],
            ["Member scrutiny training", "", "y"],
            ["", "01/05/2008", "z"],
            ["Member scrutiny training", "01/07/2008", "in the future"],
        ],
    )

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "progress", path)

    assert raised.value.row_errors == [
        'row 2: "Member scrutiny trainin" is not an action in this workspace (did you mean "Member scrutiny '
        'training"?); add it (or import actions) first.',
        "row 3: Date: enter the date of the update as dd/mm/yyyy, for example 01/04/2008.",
        "row 4: Give the title of the action this update is for.",
        "row 5: The date cannot be in the future (today is 01/06/2008).",
    ]
    assert services.progress.history(action_id) == []


# --------------------------------------------------------------------------- all or nothing, dry run, preview


def test_every_bad_row_is_reported_with_its_spreadsheet_row_and_nothing_is_written(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    before = counts(services)
    log_before = services.history.count()
    path = write_csv(
        tmp_path / "needs.csv",
        [
            ["title", "organisations", "priority", "identified_on"],
            ["Good need", "CC", "High", "01/04/2008"],
            ["", "", "", ""],  # blank: skipped, but row 3 still
            ["Bad organisation", "Nobody", "", ""],
            ["Good need two", "Barsetshire Police", "", ""],
            ["Bad priority", "", "Highest", ""],
            ["", "CC", "", ""],
            ["Bad date", "", "", "2008-13-01"],
        ],
    )

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "needs", path)

    assert str(raised.value) == "4 rows of needs.csv cannot be imported; nothing was written."
    assert [line.split(":")[0] for line in raised.value.row_errors] == ["row 4", "row 6", "row 7", "row 8"]
    assert "Title cannot be empty." in raised.value.row_errors[2]
    assert counts(services) == before
    assert services.needs.find("Good need") is None
    assert services.history.count() == log_before


def test_dry_run_writes_nothing(services: Services, tmp_path: Path) -> None:
    heard: list[Changes] = []
    services.context.subscribe(heard.append)
    path = write_csv(tmp_path / "partners.csv", [ORGANISATION_HEADER, ["Barset Police", "", "Police", "", "", "", ""]])

    report = import_file(services, "organisations", path, dry_run=True)

    assert report.dry_run
    assert report.created == {"organisations": 1}
    assert report.lines() == ["Would import 1 organisation from partners.csv.", "Nothing was written (dry run)."]
    assert services.organisations.list() == []
    assert heard == []


def test_a_real_import_notifies_listeners_once(services: Services, tmp_path: Path) -> None:
    heard: list[Changes] = []
    services.context.subscribe(heard.append)
    path = write_csv(tmp_path / "partners.csv", [["name"], ["A"], ["B"], ["C"]])

    import_file(services, "organisations", path)

    assert len(heard) == 1 and heard[0].touches("organisation")


def test_preview_shows_columns_rows_and_errors_without_writing(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "needs.csv",
        [
            ["Title", "Organisations", "Colour", "Priority"],
            ["Good need", "CC; Barsetshire Police", "red", "high"],
            ["Bad need", "Nobody", "", ""],
        ],
    )

    shown = preview(services, "needs", path)

    assert shown.columns == (
        ("Title", "title"),
        ("Organisations", "organisations"),
        ("Colour", None),
        ("Priority", "priority"),
    )
    assert shown.rows == ({"title": "Good need", "organisations": "CC; Barsetshire Police", "priority": "high"},)
    assert len(shown.row_errors) == 1 and shown.row_errors[0].startswith('row 3: "Nobody" is not an organisation')
    assert not shown.ok
    assert shown.created == {"needs": 1}
    assert services.needs.list() == []


def test_progress_is_reported_and_cancel_writes_nothing(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "partners.csv", [["name"], *[[f"Partner {n}"] for n in range(5)]])
    seen: list[tuple[int, int]] = []

    import_file(services, "organisations", path, dry_run=True, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]

    asked = iter([False, False, True])
    with pytest.raises(ImportCancelled, match="cancelled; nothing was written"):
        import_file(services, "organisations", path, cancelled=lambda: next(asked))
    assert services.organisations.list() == []


def test_a_change_log_records_the_importer(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "partners.csv", [["name"], ["Barset Police"]])

    import_file(services, "organisations", path)

    organisation = services.organisations.find("Barset Police")
    assert organisation is not None
    changes = services.history.record_history(organisation.id)
    assert changes and all(
        (change.author, change.author_organisation) == ("Test User", "Test Org") for change in changes
    )


# --------------------------------------------------------------------------- bad files


def test_missing_required_column_is_an_error_for_the_whole_file(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "progress.csv", [["Action", "Note"], ["Member scrutiny training", "x"]])

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "progress", path)

    assert str(raised.value).startswith('progress.csv has no "date" column, which an import of progress needs')
    assert raised.value.row_errors == []


def test_a_column_given_twice_is_an_error(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "partners.csv", [["Name", "short name", "Short_Name"], ["A", "B", "C"]])
    with pytest.raises(ImportFileError, match='more than one "short_name" column \\(columns B and C\\)'):
        import_file(services, "organisations", path)


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        ("missing.csv", None, "There is no file at"),
        ("partners.pdf", b"%PDF-1.4", "partners.pdf is not a CSV or XLSX file"),
        ("partners.xls", b"\xd0\xcf\x11\xe0", "old-style Excel file (.xls)"),
        ("empty.csv", b"", "empty.csv is empty."),
        ("blank.csv", b"\r\n , \r\n", "blank.csv is empty."),
        ("header.csv", b"name,notes\r\n", "header.csv has a header row but no rows below it to import."),
        ("binary.csv", b"name\x00\x01\x02", "binary.csv is not a CSV text file"),
        ("empty.xlsx", b"", "empty.xlsx is empty."),
        ("corrupt.xlsx", b"this is not a workbook", "corrupt.xlsx is not a readable XLSX workbook"),
    ],
)
def test_bad_files_are_one_plain_sentence(
    services: Services, tmp_path: Path, file_name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / file_name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "organisations", path)

    assert message in str(raised.value)
    assert raised.value.row_errors == []


def test_a_zip_that_is_not_a_workbook_and_a_workbook_named_csv(services: Services, tmp_path: Path) -> None:
    archive = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileError, match="archive.xlsx is not a readable XLSX workbook"):
        import_file(services, "organisations", archive)

    renamed = tmp_path / "partners.csv"
    renamed.write_bytes(write_xlsx(tmp_path / "real.xlsx", [["name"], ["A"]]).read_bytes())
    with pytest.raises(ImportFileError, match="is a workbook, not CSV text"):
        import_file(services, "organisations", renamed)


def test_unknown_kind(services: Services, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "partners.csv", [["name"], ["A"]])
    with pytest.raises(ImportFileError, match='"people" is not something Locality imports; use one of: organisations'):
        import_file(services, "people", path)


# --------------------------------------------------------------------------- the command line


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LOCALITY_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "locality", *args], capture_output=True, text=True, env=environment, timeout=300
    )


def test_cli_imports_into_a_new_workspace(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "new.locality"
    path = write_csv(
        tmp_path / "partners.csv", [["name", "type", "Phone"], ["Barset Police", "Police", "1"], ["B", "", ""]]
    )

    result = run_cli("import", "--db", str(db), "--kind", "organisations", str(path), data_dir=data_dir)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Created a new workspace at {db}.",
        "Imported 2 organisations from partners.csv.",
    ]
    assert "Traceback" not in result.stderr and '"Phone"' in result.stderr
    opened = Services.open(db, create_missing=False)
    try:
        assert [organisation.name for organisation in opened.organisations.list()] == ["B", "Barset Police"]
    finally:
        opened.close()


def test_cli_dry_run_writes_nothing(data_dir: Path, tmp_path: Path, workspace_path: Path) -> None:
    path = write_csv(tmp_path / "partners.csv", [["name"], ["Barset Police"]])

    result = run_cli(
        "import", "--db", str(workspace_path), "--kind", "organisations", str(path), "--dry-run", data_dir=data_dir
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Would import 1 organisation from partners.csv.",
        "Nothing was written (dry run).",
    ]
    opened = Services.open(workspace_path, create_missing=False)
    try:
        assert opened.organisations.list() == []
    finally:
        opened.close()
    missing = tmp_path / "never.locality"
    result = run_cli(
        "import", "--db", str(missing), "--kind", "organisations", str(path), "--dry-run", data_dir=data_dir
    )
    assert result.returncode == 0, result.stderr
    assert not missing.exists()


def test_cli_bad_rows_exit_1_with_each_row_on_stderr(data_dir: Path, tmp_path: Path, workspace_path: Path) -> None:
    path = write_csv(
        tmp_path / "needs.csv", [["title", "priority"], ["A", "Urgent"], ["B", "High"], ["", ""], ["C", "x"]]
    )

    result = run_cli("import", "--db", str(workspace_path), "--kind", "needs", str(path), data_dir=data_dir)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "2 rows of needs.csv cannot be imported; nothing was written."
    assert lines[1].startswith('row 2: "Urgent" is not a known priority; use one of: High, Medium, Low')
    assert lines[2].startswith('row 5: "x" is not a known priority')
    assert len(lines) == 3
    assert result.stdout == ""


def test_cli_file_problems_and_usage_errors(data_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.locality"
    missing = run_cli("import", "--db", str(db), "--kind", "needs", str(tmp_path / "nope.csv"), data_dir=data_dir)
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == [f"There is no file at {tmp_path / 'nope.csv'}."]
    assert not db.exists()  # a file that cannot be imported does not leave a workspace behind

    path = write_csv(tmp_path / "partners.csv", [["name"], ["A"]])
    bad_kind = run_cli("import", "--db", str(db), "--kind", "people", str(path), data_dir=data_dir)
    assert bad_kind.returncode == 2
    assert "invalid choice" in bad_kind.stderr

    no_kind = run_cli("import", "--db", str(db), str(path), data_dir=data_dir)
    assert no_kind.returncode == 2
    assert "Traceback" not in no_kind.stderr + bad_kind.stderr + missing.stderr
