"""The joint action plan as PDF: read back with pypdf for the cover, sections, values, page numbers and repeated
table headers; awkward text; empty sections; atomic writing, failure part-way and cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from locality.exchange import pdf_document
from locality.exchange.render_pdf import render_pdf
from locality.services.plan import PlanOrganisation
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


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def squashed(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- content


def test_the_pdf_holds_the_cover_the_sections_in_order_and_the_values(folder: Path) -> None:
    target = folder / "plan.pdf"
    render_pdf(sample_plan(), target)

    text = squashed(pdf_text(target))
    for expected in (
        "Joint action plan",
        "Westshire & District Partnership",
        "Plan period: 01/04/2008 to 31/03/2011",
        "Produced on 01/06/2008",
        "Organisation: Ørsted & Sons",
        "Confidential notes and personal contact details are left out",
        SCRIPT,
        "Ørsted & Sons",
        "=SUM(A1)",
        "Shared training =SUM(A1)",
        "31/03/2009",
        "£12,345.67",  # an action's budget
        "£24,691.34",  # the total budget
        "£500.00",
        "Reported incidents",
        "1,050.5",
        "Agreed by the partnership board",
        "Page 1 of",
    ):
        assert expected in text, expected


def test_every_page_is_a4_landscape_and_numbered_page_n_of_m(folder: Path) -> None:
    target = folder / "plan.pdf"
    render_pdf(sample_plan(actions=many_actions(120)), target)

    reader = PdfReader(target)
    total = len(reader.pages)
    assert total > 5
    for number, page in enumerate(reader.pages, start=1):
        assert round(float(page.mediabox.width)) == 842 and round(float(page.mediabox.height)) == 595
        assert f"Page {number} of {total}" in page.extract_text()


def test_the_actions_table_header_is_repeated_on_every_page_it_runs_over(folder: Path) -> None:
    target = folder / "plan.pdf"
    render_pdf(sample_plan(actions=many_actions(150)), target)

    pages = [squashed(text) for text in pdf_pages(target)]
    with_actions = [text for text in pages if "Action number" in text and "Milestone" not in text]
    assert len(with_actions) > 3
    for text in with_actions:
        assert "Lead and partners" in text and "Latest progress" in text
    # Every action is shown once, none lost at a page break.
    shown = " ".join(with_actions)
    assert all(f"Action number {n} " in shown + " " for n in range(150))


def test_the_rag_is_a_word_in_a_cell_shaded_in_its_colour(folder: Path) -> None:
    target = folder / "plan.pdf"
    render_pdf(sample_plan(), target)

    reader = PdfReader(target)
    actions_page = next(page for page in reader.pages if "Latest progress" in page.extract_text())
    text = squashed(actions_page.extract_text())
    assert "Red Overdue: due 31/03/2009, 40% complete" in text
    assert "Green On track" in text and "Not rated" in text
    content = actions_page.get_contents()
    assert content is not None
    stream = content.get_data().decode("latin-1")
    red, green = pdf_document.RAG_FILLS["Red"], pdf_document.RAG_FILLS["Green"]
    assert f"{red[0]} {red[1]} {red[2]} rg" in stream
    assert f"{green[0]} {green[1]} {green[2]} rg" in stream


def test_sections_come_in_order_each_on_a_new_page_and_are_bookmarked(folder: Path) -> None:
    target = folder / "plan.pdf"
    render_pdf(sample_plan(), target)

    reader = PdfReader(target)
    sections = [item for item in reader.outline if not isinstance(item, list) and item.title in SECTIONS]
    assert [item.title for item in sections] == list(SECTIONS)
    pages = [reader.get_destination_page_number(item) or 0 for item in sections]
    assert pages[0] == 1  # the cover is page 1 (index 0)
    assert pages == sorted(set(pages))
    for heading, page in zip(SECTIONS, pages, strict=True):
        assert squashed(reader.pages[page].extract_text()).startswith(heading)


def test_confidential_plans_say_so_and_show_contacts(folder: Path) -> None:
    target = folder / "plan.pdf"
    organisations = (PlanOrganisation("Ørsted & Sons", "Ø&S", "Business", "Jo Bloggs", "jo@example.org"),)
    render_pdf(sample_plan(confidential_included=True, organisations=organisations), target)

    text = squashed(pdf_text(target))
    assert "Includes confidential notes and contact details" in text
    assert "Jo Bloggs" in text and "jo@example.org" in text


def test_empty_sections_say_there_is_nothing_to_show(folder: Path) -> None:
    target = folder / "plan.pdf"
    render_pdf(empty_plan(), target)

    text = squashed(pdf_text(target))
    for sentence in (
        "There are no needs in this plan.",
        "There are no actions in this plan.",
        "There are no milestones in this plan.",
        "There are no indicators in this plan.",
        "There are no organisations in this plan.",
    ):
        assert sentence in text
    for heading in SECTIONS:
        assert heading in text


def test_very_long_text_wraps_and_runs_on_over_pages(folder: Path) -> None:
    target = folder / "plan.pdf"
    long_note = " ".join(f"word{n}" for n in range(4000)) + " " + "x" * 600
    plan = sample_plan(
        partnership="P" * 400,
        actions=(make_action(LONG_TITLE, latest_note=long_note),),
    )
    render_pdf(plan, target)

    text = pdf_text(target)
    assert "word0" in text and "word3999" in text
    assert "service119" in text
    assert len(PdfReader(target).pages) > 8


def test_letters_helvetica_cannot_show_become_their_base_letter(folder: Path) -> None:
    target = folder / "plan.pdf"
    render_pdf(sample_plan(area="Bro Gŵyr\x07 – Łódź"), target)

    assert "Bro Gwyr – Lódz" in squashed(pdf_text(target))


# --------------------------------------------------------------------------- writing safely


def test_progress_is_reported_up_to_the_total(folder: Path) -> None:
    reports: list[tuple[int, int]] = []
    render_pdf(sample_plan(actions=many_actions(40)), folder / "plan.pdf", progress=lambda d, t: reports.append((d, t)))

    assert reports and reports[-1][0] == reports[-1][1]
    assert [done for done, _total in reports] == sorted(done for done, _total in reports)


def test_a_failure_part_way_leaves_the_existing_file_and_no_temporary_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = folder / "plan.pdf"
    target.write_bytes(b"the previous plan")

    def broken(self: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pdf_document._Grid, "draw", broken)
    with pytest.raises(RuntimeError):
        render_pdf(sample_plan(), target)

    assert target.read_bytes() == b"the previous plan"
    assert [path.name for path in folder.iterdir()] == ["plan.pdf"]
