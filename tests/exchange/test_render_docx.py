"""The joint action plan as a Word document, read back with python-docx: the cover on the first page, headings in
order, a landscape section for the wide tables, header rows that repeat, the RAG on its colour, the sign-off at
the end; awkward text; atomic writing, failure part-way and cancel."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from locality.domain.vocabulary import ActionStatus
from locality.exchange import docx_document
from locality.exchange.render_docx import render_docx
from locality.services.plan import PlanMilestone, PlanNeed, PlanOrganisation
from tests.exchange.sample_plans import (  # noqa: E402
    LONG_TITLE,
    SCRIPT,
    SECTIONS,
    empty_plan,
    make_action,
    many_actions,
    sample_plan,
)

# --------------------------------------------------------------------------- reading back


def rows_of(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_headed(document: Any, *headings: str) -> Table:
    return next(table for table in document.tables if rows_of(table)[0][: len(headings)] == list(headings))


def is_heading(paragraph: Paragraph) -> bool:
    return paragraph.style is not None and paragraph.style.name == "Heading 1"


def headings_of(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if is_heading(p)]


def page_size(section: Any) -> tuple[int, int]:
    """The page's width and height in whole millimetres."""
    return round(section.page_width.mm), round(section.page_height.mm)


def repeats_header_row(table: Table, index: int) -> bool:
    properties = table.rows[index]._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def repeats_header(table: Table) -> bool:
    return repeats_header_row(table, 0)


def fill_of(cell: Any) -> str | None:
    properties = cell._tc.tcPr
    shading = properties.find(qn("w:shd")) if properties is not None else None
    return shading.get(qn("w:fill")) if shading is not None else None


# --------------------------------------------------------------------------- content


def test_the_cover_fills_the_first_page_and_the_headings_follow_in_order(folder: Path) -> None:
    target = folder / "plan.docx"
    render_docx(sample_plan(), target)

    document = docx.Document(str(target))
    assert headings_of(document) == list(SECTIONS)
    paragraphs = document.paragraphs
    first_break = next(
        index for index, p in enumerate(paragraphs) if p._p.xpath(".//w:br[@w:type='page']") or p.text == "Summary"
    )
    cover = [p.text for p in paragraphs[:first_break]]
    assert paragraphs[first_break].text != "Summary"  # a page break comes before the summary
    assert "Joint action plan" in cover
    for expected in (
        "Westshire & District Partnership",
        "Westshire",
        "Plan period: 01/04/2008 to 31/03/2011",
        "Produced on 01/06/2008",
        "Filters used",
        "Organisation: Ørsted & Sons",
        "Status: In progress",
        "Confidential notes and personal contact details are left out",
    ):
        assert expected in cover
    title = next(p for p in paragraphs if p.text == "Joint action plan")
    assert title.style is not None and title.style.name == "Title"
    assert page_size(document.sections[0]) == (210, 297)  # A4 portrait


def test_the_wide_tables_are_in_a_landscape_section(folder: Path) -> None:
    target = folder / "plan.docx"
    render_docx(sample_plan(), target)

    document = docx.Document(str(target))
    orientations = [section.orientation for section in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = document.sections[1]
    assert page_size(landscape) == (297, 210)
    inside = list(landscape.iter_inner_content())
    headings = [item.text for item in inside if isinstance(item, Paragraph) and is_heading(item)]
    assert headings == ["Needs addressed", "Actions", "Milestones", "Indicators"]
    first_cells = [rows_of(item)[0][:2] for item in inside if isinstance(item, Table)]
    assert first_cells == [["Need", "Theme"], ["Action", "Theme"], ["Action", "Milestone"], ["Indicator", "Unit"]]


def test_every_table_header_row_repeats_on_each_page(folder: Path) -> None:
    target = folder / "plan.docx"
    render_docx(sample_plan(), target)

    document = docx.Document(str(target))
    with_headers = document.tables[:-1]  # the sign-off block has no header row
    assert len(with_headers) == 9
    assert all(repeats_header(table) for table in with_headers)
    # Only the header row repeats, not the data rows.
    assert not any(repeats_header_row(table, 1) for table in with_headers if len(table.rows) > 1)


def test_the_actions_table_holds_the_text_dates_money_and_rag_on_its_colour(folder: Path) -> None:
    target = folder / "plan.docx"
    render_docx(sample_plan(), target)

    document = docx.Document(str(target))
    table = table_headed(document, "Action", "Theme")
    rows = rows_of(table)
    head = rows[0]
    assert head == [
        "Action",
        "Theme",
        "Lead and partners",
        "Needs addressed",
        "Start",
        "Due",
        "Status",
        "RAG",
        "Done",
        "Budget",
        "Spend",
        "Latest progress",
    ]
    first = dict(zip(head, rows[1], strict=True))
    assert first["Action"] == SCRIPT
    assert first["Lead and partners"] == "Lead: Ørsted & Sons\nPartners: Westshire Constabulary, =SUM(A1)"
    assert (first["Start"], first["Due"], first["Budget"], first["Spend"]) == (
        "01/04/2008",
        "31/03/2009",
        "£12,345.67",
        "£500.00",
    )
    assert first["RAG"] == "Red\nOverdue: due 31/03/2009, 40% complete"
    assert first["Latest progress"] == "05/11/2008: Waiting for data\nfrom the partners."
    assert rows[2][0] == LONG_TITLE and rows[3][0] == "Shared training =SUM(A1)"
    rag = head.index("RAG")
    assert [fill_of(table.rows[n].cells[rag]) for n in (1, 2, 3)] == ["E57373", "81C784", None]
    # The cells' text is in the small table style, not the body text's.
    styles = {p.style.name for row in table.rows for cell in row.cells for p in cell.paragraphs if p.style}
    assert styles == {"Table text"}
    assert document.styles["Table text"].font.size.pt == 8
    assert [rows[n][rag].split("\n")[0] for n in (1, 2, 3)] == ["Red", "Green", "Not rated"]


def test_summary_needs_milestones_and_indicators(folder: Path) -> None:
    target = folder / "plan.docx"
    render_docx(sample_plan(), target)

    document = docx.Document(str(target))
    figures = dict(rows_of(table_headed(document, "Figure"))[1:])
    assert figures["Total budget"] == "£24,691.34" and figures["Actions in the plan"] == "3"
    rag = table_headed(document, "RAG", "Actions")
    assert [fill_of(row.cells[0]) for row in rag.rows[1:]] == ["E57373", "FFC04D", "81C784", None]
    needs = rows_of(table_headed(document, "Need"))
    assert needs[2][0] == "=SUM(A1)"
    assert needs[1][2] == "Ørsted & Sons, Westshire Constabulary"
    milestones = table_headed(document, "Action", "Milestone")
    assert rows_of(milestones)[1:] == [
        [SCRIPT, "Scope agreed with partners", "30/06/2008", "02/07/2008", "Done"],
        [SCRIPT, "Peer team on site", "30/09/2008", "", "Overdue"],
    ]
    assert fill_of(milestones.rows[2].cells[4]) == "E57373" and fill_of(milestones.rows[1].cells[4]) is None
    indicators = rows_of(table_headed(document, "Indicator"))
    assert indicators[1][:5] == ["Reported incidents", "incidents", "Lower is better", "1,200", "01/04/2008"]


def test_the_sign_off_block_ends_the_document_and_the_footer_numbers_pages(folder: Path) -> None:
    target = folder / "plan.docx"
    render_docx(sample_plan(), target)

    document = docx.Document(str(target))
    last_section = [item.text for item in document.sections[-1].iter_inner_content() if isinstance(item, Paragraph)]
    assert last_section[:2] == ["Sign-off", "Agreed by the partnership board"]
    assert [row[0] for row in rows_of(document.tables[-1])] == ["Name", "Signature", "Date"]
    for section in document.sections:
        footer = section.footer.paragraphs[0]
        assert footer.text.startswith("Joint action plan – Westshire & District Partnership")
        instructions = [field.get(qn("w:instr")) for field in footer._p.iter(qn("w:fldSimple"))]
        assert instructions == ["PAGE", "NUMPAGES"]


def test_confidential_plans_say_so_and_show_contacts(folder: Path) -> None:
    target = folder / "plan.docx"
    organisations = (PlanOrganisation("Ørsted & Sons", "Ø&S", "Business", "Jo Bloggs", "jo@example.org"),)
    render_docx(sample_plan(confidential_included=True, organisations=organisations), target)

    document = docx.Document(str(target))
    assert "Includes confidential notes and contact details" in [p.text for p in document.paragraphs]
    assert rows_of(table_headed(document, "Organisation"))[1] == [
        "Ørsted & Sons",
        "Ø&S",
        "Business",
        "Jo Bloggs",
        "jo@example.org",
    ]


def test_empty_sections_keep_their_heading_and_say_there_is_nothing(folder: Path) -> None:
    target = folder / "plan.docx"
    render_docx(empty_plan(), target)

    document = docx.Document(str(target))
    assert headings_of(document) == list(SECTIONS)
    texts = [p.text for p in document.paragraphs]
    for sentence in (
        "There are no needs in this plan.",
        "There are no actions in this plan.",
        "There are no milestones in this plan.",
        "There are no indicators in this plan.",
        "There are no organisations in this plan.",
    ):
        assert sentence in texts


def test_control_characters_and_placeholder_lookalikes_do_not_break_the_document(folder: Path) -> None:
    target = folder / "plan.docx"
    lookalike = "LOCALITY-TABLE-0123abcd-0"
    plan = sample_plan(
        partnership="Bro Gŵyr\x07 Partnership\x00",
        actions=(make_action(lookalike + " \x0b<w:p>&amp;"),),
    )
    render_docx(plan, target)

    document = docx.Document(str(target))
    assert "Bro Gŵyr Partnership" in [p.text for p in document.paragraphs]
    assert rows_of(table_headed(document, "Action", "Theme"))[1][0] == lookalike + " <w:p>&amp;"
    assert len(document.tables) == 9  # no milestones: a sentence instead of their table
    with zipfile.ZipFile(target) as package:
        assert package.testzip() is None


# --------------------------------------------------------------------------- column widths


def _points(twips: str | None, default: float) -> float:
    return int(twips) / 20 if twips is not None else default


def _cell_margins(table: Any) -> tuple[float, float]:
    """The table's left and right cell margins in points (Word's default 5.4 each when it names none)."""
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    if margins is None:
        return 5.4, 5.4
    left, right = margins.find(qn("w:left")), margins.find(qn("w:right"))
    return (
        _points(left.get(qn("w:w")) if left is not None else None, 5.4),
        _points(right.get(qn("w:w")) if right is not None else None, 5.4),
    )


def words_too_wide(path: Path) -> list[str]:
    """Every word of every table cell that is wider than its column leaves room for, measured in the font the
    document names for table text (Arial, whose widths are Helvetica's) at its size, bold in header rows.

    A word wider than its column is broken between letters by Word and LibreOffice ("Prior/ity", "01/04/202/5").
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    document = docx.Document(str(path))
    style = document.styles["Table text"]
    size = style.font.size.pt
    problems: list[str] = []
    for number, table in enumerate(document.tables):
        grid = [_points(column.get(qn("w:w")), 0) for column in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        left, right = _cell_margins(table)
        for row_number, row in enumerate(table.rows):
            bold = repeats_header_row(table, row_number)
            for column, cell in enumerate(row.cells):
                room = grid[column] - left - right
                for word in cell.text.split():
                    width = stringWidth(word, "Helvetica-Bold" if bold else "Helvetica", size)
                    if width > room:
                        problems.append(f"table {number} column {column}: {word!r} is {width:.1f}pt in {room:.1f}pt")
    return problems


def realistic_plan() -> Any:
    """The sample plan with the longest short words the demo uses: statuses, priorities, money, units."""
    plan = sample_plan()
    action = make_action(
        "Community conversation on access to improvement support",
        5,
        status=ActionStatus.IN_PROGRESS,
        budget_pence=1_335_150_000,
        spend_pence=490_596_100,
        percent_complete=100,
        rag_reason="2 milestones overdue: due 02/01/2027, 0% complete (93% expected)",
        milestones=(PlanMilestone("Community conversation", "Scoping workshop held", date(2025, 4, 1), None, False),),
    )
    need = PlanNeed(
        uuid.UUID(int=95),
        "Joint vision",
        "Partnership working",
        ("Westshire Police",),
        "Medium",
        "Being addressed",
        11,
        "",
    )
    indicator = replace(
        plan.indicators[0],
        unit="per 100,000 population",
        direction="Higher is better",
        baseline_value=1_413_000.0,
        percent_to_target=100,
    )
    return replace(
        plan, actions=(*plan.actions, action), needs=(*plan.needs, need), indicators=(*plan.indicators, indicator)
    )


@pytest.mark.parametrize("confidential", [False, True])
def test_no_word_is_wider_than_its_column_in_any_table(folder: Path, confidential: bool) -> None:
    target = folder / "plan.docx"
    organisations = (
        PlanOrganisation("Westshire Constabulary", "WC", "Voluntary and community", "Jo Bloggs", "jo@example.org"),
    )
    render_docx(replace(realistic_plan(), confidential_included=confidential, organisations=organisations), target)

    assert words_too_wide(target) == []
    document = docx.Document(str(target))
    # The widths measured are Arial's (Helvetica's): the font the document names for its table text.
    assert (document.styles["Table text"].font.name or document.styles["Normal"].font.name) == "Arial"
    assert len(document.tables) == 10  # summary (4), organisations, needs, actions, milestones, indicators, sign-off


def test_dates_and_short_headers_have_room_in_the_wide_tables(folder: Path) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    target = folder / "plan.docx"
    render_docx(realistic_plan(), target)

    document = docx.Document(str(target))
    date_room = stringWidth("01/04/2025", "Helvetica", 8)
    for headings in (("Action", "Theme"), ("Action", "Milestone"), ("Indicator", "Unit")):
        table = table_headed(document, *headings)
        left, right = _cell_margins(table)
        grid = [_points(column.get(qn("w:w")), 0) for column in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        for column, heading in enumerate(rows_of(table)[0]):
            if heading in ("Start", "Due", "Done", "Baseline date", "Target date", "Latest date") and (
                heading != "Done" or headings[1] == "Milestone"
            ):
                assert grid[column] - left - right >= date_room, heading
    # The long-text columns take the rest: the actions' title column is the widest but one or two.
    actions = table_headed(document, "Action", "Theme")
    grid = [_points(column.get(qn("w:w")), 0) for column in actions._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert grid[0] >= sorted(grid)[-3]


# --------------------------------------------------------------------------- writing safely


def test_progress_is_reported_up_to_the_total(folder: Path) -> None:
    reports: list[tuple[int, int]] = []
    render_docx(
        sample_plan(actions=many_actions(1200)), folder / "plan.docx", progress=lambda d, t: reports.append((d, t))
    )

    assert len(reports) > 2 and reports[-1][0] == reports[-1][1]
    assert [done for done, _total in reports] == sorted(done for done, _total in reports)


def test_a_failure_part_way_leaves_the_existing_file_and_no_temporary_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = folder / "plan.docx"
    target.write_bytes(b"the previous plan")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(docx_document, "_paragraphs", broken)
    with pytest.raises(RuntimeError):
        render_docx(sample_plan(), target)

    assert target.read_bytes() == b"the previous plan"
    assert [path.name for path in folder.iterdir()] == ["plan.docx"]
