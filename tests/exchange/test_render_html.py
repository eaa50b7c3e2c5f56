"""The joint action plan as HTML: one standalone page, every piece of text escaped (no markup from the data),
tables with a thead repeated when printed, the RAG as a word on its colour; atomic writing, failure and cancel."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from locality.exchange import render_html as render_html_module
from locality.exchange.render_html import render_html
from locality.services.plan import PlanOrganisation
from tests.exchange.sample_plans import (  # noqa: E402
    LONG_TITLE,
    SCRIPT,
    SECTIONS,
    empty_plan,
    many_actions,
    sample_plan,
)

# --------------------------------------------------------------------------- reading back


class Page(HTMLParser):
    """The parts of a page the tests look at: tags, headings, text, tables (as rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.tables: list[dict[str, Any]] = []
        self._heading: str | None = None
        self._heading_text: list[str] = []
        self._cell: list[str] | None = None
        self._cell_attributes: dict[str, str | None] = {}
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("h1", "h2", "h3"):
            self._heading, self._heading_text = tag, []
        elif tag == "table":
            self.tables.append({"head": [], "rows": [], "cells": []})
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            target = self.tables[-1]["head" if self._in_head else "rows"]
            target.append([])
        elif tag in ("td", "th"):
            self._cell, self._cell_attributes = [], attributes
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._heading:
            self.headings.append((tag, "".join(self._heading_text)))
            self._heading = None
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            table = self.tables[-1]
            rows = table["head"] if self._in_head else table["rows"]
            text = "".join(self._cell)
            rows[-1].append(text)
            table["cells"].append((text, self._cell_attributes))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading_text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def table_headed(self, first: str) -> dict[str, Any]:
        return next(table for table in self.tables if table["head"] and table["head"][0][0] == first)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


# --------------------------------------------------------------------------- content


def test_the_page_holds_the_cover_and_the_sections_in_order(folder: Path) -> None:
    target = folder / "plan.html"
    render_html(sample_plan(), target)

    page = read_page(target)
    assert page.headings[0] == ("h1", "Joint action plan")
    sections = [text for level, text in page.headings if level == "h2"]
    assert sections == list(SECTIONS)
    text = " ".join("".join(page.text).split())
    for expected in (
        "Westshire & District Partnership",
        "Plan period: 01/04/2008 to 31/03/2011",
        "Produced on 01/06/2008",
        "Organisation: Ørsted & Sons",
        "Confidential notes and personal contact details are left out",
        "Agreed by the partnership board",
    ):
        assert expected in text
    assert text.index("Produced on") < text.index("Confidential notes") < text.index("Actions in the plan")


def test_text_from_the_plan_is_shown_never_run_as_markup(folder: Path) -> None:
    target = folder / "plan.html"
    plan = sample_plan(partnership=SCRIPT, area='"><img src=x onerror=alert(1)>')
    render_html(plan, target)

    source = target.read_text(encoding="utf-8")
    page = read_page(target)
    assert [tag for tag, _attributes in page.tags if tag in ("script", "img", "iframe", "object")] == []
    assert not any(name.startswith("on") for _tag, attributes in page.tags for name in attributes)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    actions = page.table_headed("Action")
    assert actions["rows"][0][0] == SCRIPT
    assert SCRIPT in "".join(page.text) and '"><img src=x onerror=alert(1)>' in "".join(page.text)


def test_the_page_is_standalone_with_a_print_style_that_repeats_table_headers(folder: Path) -> None:
    target = folder / "plan.html"
    render_html(sample_plan(), target)

    source = target.read_text(encoding="utf-8")
    page = read_page(target)
    assert source.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in source
    links = [attributes.get("href") or attributes.get("src") for _tag, attributes in page.tags]
    assert all(link.startswith("#") for link in links if link)
    assert not re.search(r"url\(|@import|https?:", source.split("</style>")[0])
    print_rules = source[source.index("@media print") :]
    assert "thead { display: table-header-group; }" in print_rules
    assert sum(1 for tag, _attributes in page.tags if tag == "thead") == len(page.tables) - 1  # not the sign-off


def test_the_actions_table_shows_dates_money_and_the_rag_on_its_colour(folder: Path) -> None:
    target = folder / "plan.html"
    render_html(sample_plan(), target)

    actions = read_page(target).table_headed("Action")
    head = actions["head"][0]
    assert head == [
        "Action",
        "Theme",
        "Lead",
        "Owner",
        "Partners",
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
    first = dict(zip(head, actions["rows"][0], strict=True))
    assert first["Lead"] == "Ørsted & Sons"
    assert first["Owner"] == ""  # the sample action has no named owner
    assert first["Partners"] == "Westshire Constabulary, =SUM(A1)"
    assert (first["Start"], first["Due"]) == ("01/04/2008", "31/03/2009")
    assert (first["Budget"], first["Spend"]) == ("£12,345.67", "£500.00")
    assert first["RAG"] == "Red\nOverdue: due 31/03/2009, 40% complete"
    assert first["Latest progress"] == "05/11/2008: Waiting for data\nfrom the partners."
    rag_cells = {
        text.split("\n")[0]: attributes
        for text, attributes in actions["cells"]
        if text.startswith(("Red", "Green", "Not rated"))
    }
    assert rag_cells["Red"]["class"] == "rag-red" and rag_cells["Red"]["bgcolor"] == "#e57373"
    assert rag_cells["Green"]["class"] == "rag-green"
    assert "bgcolor" not in rag_cells["Not rated"]
    source = target.read_text(encoding="utf-8")
    assert "td.rag-red { background-color: #e57373; }" in source


def test_milestones_indicators_and_the_sign_off_block(folder: Path) -> None:
    target = folder / "plan.html"
    render_html(sample_plan(), target)

    page = read_page(target)
    milestones = next(table for table in page.tables if table["head"] and table["head"][0][1] == "Milestone")
    assert milestones["rows"] == [
        [SCRIPT, "Scope agreed with partners", "30/06/2008", "02/07/2008", "Done"],
        [SCRIPT, "Peer team on site", "30/09/2008", "", "Overdue"],
    ]
    assert ("Overdue", {"class": "overdue", "bgcolor": "#e57373"}) in milestones["cells"]
    indicators = page.table_headed("Indicator")
    assert indicators["rows"][0] == [
        "Reported incidents",
        "incidents",
        "Lower is better",
        "1,200",
        "01/04/2008",
        "900",
        "31/03/2011",
        "1,050.5",
        "31/03/2009",
        "50%",
        "Reduce anti-social behaviour",
    ]
    sign_off = page.tables[-1]
    assert [row[0] for row in sign_off["rows"]] == ["Name", "Signature", "Date"]


def test_confidential_plans_say_so_and_show_contacts(folder: Path) -> None:
    target = folder / "plan.html"
    organisations = (PlanOrganisation("Ørsted & Sons", "Ø&S", "Business", "Jo Bloggs", "jo@example.org"),)
    render_html(sample_plan(confidential_included=True, organisations=organisations), target)

    page = read_page(target)
    assert "Includes confidential notes and contact details" in "".join(page.text)
    assert page.table_headed("Organisation")["rows"] == [
        ["Ørsted & Sons", "Ø&S", "Business", "Jo Bloggs", "jo@example.org"]
    ]


def test_empty_sections_keep_their_heading_and_say_there_is_nothing(folder: Path) -> None:
    target = folder / "plan.html"
    render_html(empty_plan(), target)

    page = read_page(target)
    assert [text for level, text in page.headings if level == "h2"] == list(SECTIONS)
    text = "".join(page.text)
    for sentence in (
        "There are no needs in this plan.",
        "There are no actions in this plan.",
        "There are no milestones in this plan.",
        "There are no indicators in this plan.",
        "There are no organisations in this plan.",
    ):
        assert sentence in text


def test_long_titles_and_control_characters(folder: Path) -> None:
    target = folder / "plan.html"
    render_html(sample_plan(area="Bro Gŵyr\x07\x00 ☃"), target)

    source = target.read_text(encoding="utf-8")
    assert "\x07" not in source and "\x00" not in source
    assert "Bro Gŵyr ☃" in source
    assert LONG_TITLE in source


# --------------------------------------------------------------------------- writing safely


def test_progress_is_reported_up_to_the_total(folder: Path) -> None:
    reports: list[tuple[int, int]] = []
    render_html(
        sample_plan(actions=many_actions(1200)), folder / "plan.html", progress=lambda d, t: reports.append((d, t))
    )

    assert len(reports) > 2 and reports[-1][0] == reports[-1][1]
    assert [done for done, _total in reports] == sorted(done for done, _total in reports)


def test_a_failure_part_way_leaves_the_existing_file_and_no_temporary_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = folder / "plan.html"
    target.write_text("the previous plan", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(render_html_module, "milestone_row", broken)
    with pytest.raises(RuntimeError):
        render_html(sample_plan(), target)

    assert target.read_text(encoding="utf-8") == "the previous plan"
    assert [path.name for path in folder.iterdir()] == ["plan.html"]
