"""The workshop record as DOCX and PDF, read back: who came by organisation, the needs raised by theme, the
votes and ranking, and the agreed actions; an empty workshop; a format that is not offered; atomic writing."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from locality.domain.errors import ValidationError
from locality.exchange.workshop_record import write_workshop_record
from locality.files import FileWriteError
from locality.services.needs import NeedDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.services.workshops import WorkshopDraft, WorkshopRecordData

PRODUCED_ON = date(2008, 6, 2)


def a_workshop(services: Services) -> uuid.UUID:
    orgs = {
        name: services.organisations.create(OrganisationDraft(name)).id
        for name in ("Northshire Police", "Northshire Fire and Rescue", "Northshire County Council")
    }
    themes = {theme.name: theme.id for theme in services.vocabulary.themes()}
    workshop = services.workshops.create(
        WorkshopDraft(
            "Community safety priorities",
            date(2008, 5, 14),
            "Town Hall, Northby",
            "Ann Facilitator",
            purpose="Agree the partnership's shared community safety needs",
            dots_per_participant=3,
        )
    ).id
    alex = services.workshops.add_participant(workshop, "Alex Smith", orgs["Northshire Police"])
    sam = services.workshops.add_participant(workshop, "Sam Jones", orgs["Northshire Fire and Rescue"])
    services.workshops.add_participant(workshop, "Pat Lee", orgs["Northshire Police"])
    services.workshops.add_participant(workshop, "Chris Day")
    engagement = themes["Community engagement"]
    leadership = themes["Leadership and governance"]
    tasking = services.workshops.capture_note(
        workshop, "Joint tasking of patrols", orgs["Northshire Police"], engagement
    )
    consult = services.workshops.capture_note(workshop, "One consultation calendar", None, engagement)
    services.workshops.capture_note(workshop, "Shared risk register", orgs["Northshire County Council"], leadership)
    existing = services.needs.create(NeedDraft("Partnership risk register", theme_id=leadership)).id
    services.workshops.capture_note(workshop, "Risk register", orgs["Northshire Police"], leadership, existing)
    assert tasking.need_id is not None and consult.need_id is not None
    services.workshops.place_dot(workshop, tasking.need_id, alex.id)
    services.workshops.place_dot(workshop, tasking.need_id, sam.id)
    services.workshops.set_tally(workshop, tasking.need_id, orgs["Northshire County Council"], 3)
    services.workshops.set_tally(workshop, consult.need_id, orgs["Northshire County Council"], 2)
    services.workshops.agree_action(
        workshop,
        [tasking.need_id],
        "Monthly joint tasking meeting",
        orgs["Northshire Police"],
        [orgs["Northshire Fire and Rescue"]],
        date(2008, 9, 30),
    )
    return workshop


@pytest.fixture
def record(services: Services) -> WorkshopRecordData:
    return services.workshops.record_data(a_workshop(services))


def squashed(text: str) -> str:
    return " ".join(text.split())


def docx_text(path: Path) -> tuple[str, list[list[list[str]]]]:
    document = docx.Document(str(path))
    paragraphs = "\n".join(paragraph.text for paragraph in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def test_the_record_data_holds_the_whole_workshop(record: WorkshopRecordData) -> None:
    assert record.workshop.title == "Community safety priorities"
    assert [person.name for person in record.participants] == ["Alex Smith", "Chris Day", "Pat Lee", "Sam Jones"]
    # Columns in the themes' order (the vocabulary's), each in its notes' order.
    assert [(column.theme_name, [note.title for note in column.notes]) for column in record.notes_by_theme] == [
        ("Leadership and governance", ["Shared risk register", "Risk register"]),
        ("Community engagement", ["Joint tasking of patrols", "One consultation calendar"]),
    ]
    assert [(row.need_title, row.total_dots) for row in record.tally] == [
        ("Joint tasking of patrols", 5),
        ("One consultation calendar", 2),
    ]
    assert [action.title for action in record.agreed_actions] == ["Monthly joint tasking meeting"]


def test_the_docx_record_reads_back_section_by_section(record: WorkshopRecordData, tmp_path: Path) -> None:
    target = write_workshop_record(record, tmp_path / "record.docx", "docx", produced_on=PRODUCED_ON)
    paragraphs, tables = docx_text(target)
    text = squashed(paragraphs)
    for expected in (
        "Workshop record",
        "Community safety priorities",
        "Held on 14/05/2008 at Town Hall, Northby, facilitated by Ann Facilitator.",
        "Purpose: Agree the partnership's shared community safety needs",
        "4 participants from 3 organisations · 4 needs raised · 7 dots placed (3 dots each) · 1 action agreed",
        "Record produced on 02/06/2008.",
        "Who came",
        "Needs raised, by theme",
        "Community engagement (2 needs)",
        "Votes and ranking",
        "Agreed actions",
    ):
        assert expected in text
    assert (
        text.index("Who came")
        < text.index("Needs raised")
        < text.index("Votes and ranking")
        < text.index("Agreed actions")
    )
    who, *themes, votes, agreed = tables
    assert who == [
        ["Organisation", "Participants", "People"],
        ["Northshire Fire and Rescue", "Sam Jones", "1"],
        ["Northshire Police", "Alex Smith, Pat Lee", "2"],
        ["No organisation", "Chris Day", "1"],
    ]
    assert themes == [
        [
            ["Need", "Raised by", "Recorded as", "Dots"],
            ["Shared risk register", "Northshire County Council", "New need", "0"],
            ["Risk register", "Northshire Police", "Same as an existing need", "0"],
        ],
        [
            ["Need", "Raised by", "Recorded as", "Dots"],
            ["Joint tasking of patrols", "Northshire Police", "New need", "5"],
            ["One consultation calendar", "", "New need", "2"],
        ],
    ]
    assert votes[1] == [
        "1",
        "Joint tasking of patrols",
        "5",
        "Northshire County Council 3, Northshire Fire and Rescue 1, Northshire Police 1",
    ]
    assert agreed == [
        ["Action", "Lead", "Due", "Needs addressed"],
        ["Monthly joint tasking meeting", "Northshire Police", "30/09/2008", "Joint tasking of patrols"],
    ]


def test_the_pdf_record_reads_back_with_page_numbers(record: WorkshopRecordData, tmp_path: Path) -> None:
    target = write_workshop_record(record, tmp_path / "record.pdf", "PDF", produced_on=PRODUCED_ON)
    reader = PdfReader(target)
    text = squashed("\n".join(page.extract_text() for page in reader.pages))
    for expected in (
        "Workshop record",
        "Held on 14/05/2008 at Town Hall, Northby",
        "Who came",
        "Alex Smith, Pat Lee",
        "Needs raised, by theme",
        "Shared risk register",
        "Same as an existing need",
        "Votes and ranking",
        "Northshire County Council 3",
        "Agreed actions",
        "Monthly joint tasking meeting",
        "30/09/2008",
        f"Page 1 of {len(reader.pages)}",
    ):
        assert expected in text, expected
    assert reader.metadata is not None and reader.metadata.title == "Workshop record – Community safety priorities"


def test_an_empty_workshop_says_so_in_each_section(services: Services, tmp_path: Path) -> None:
    workshop = services.workshops.create(WorkshopDraft("Nobody came")).id
    data = services.workshops.record_data(workshop)
    paragraphs, tables = docx_text(write_workshop_record(data, tmp_path / "empty.docx", "docx"))
    for sentence in (
        "Date not recorded.",
        "No participants were recorded.",
        "No needs were raised.",
        "No dots were placed.",
        "No actions were agreed.",
    ):
        assert sentence in paragraphs
    assert tables == []


def test_another_format_is_refused_and_a_failed_write_leaves_the_old_file(
    record: WorkshopRecordData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValidationError) as refused:
        write_workshop_record(record, tmp_path / "record.odt", "odt")
    assert set(refused.value.field_errors) == {"format"}

    folder = tmp_path / "records"
    folder.mkdir()
    target = folder / "record.pdf"
    target.write_bytes(b"the old record")
    from locality.exchange import pdf_document

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pdf_document.BaseDocTemplate, "build", broken)
    with pytest.raises(FileWriteError, match="record.pdf could not be written: disk full"):
        write_workshop_record(record, target, "pdf")
    assert target.read_bytes() == b"the old record"
    assert [path.name for path in folder.iterdir()] == ["record.pdf"]  # no temporary left behind
