"""`locality report --kind evidence`, run as a user runs it, re-read by its reader: pdftotext for the PDF, python-docx
for the Word document; the headline figures in its summary are worked out here from the services' own lists."""

from __future__ import annotations

from pathlib import Path

import docx
from pypdf import PdfReader

from locality.domain.values import format_money_whole
from locality.domain.vocabulary import ActionStatus
from locality.exchange import evidence_paper
from locality.services.registry import Services
from tests.cli.test_cli import assert_one_line_error, run
from tests.cli.test_report_cli import digest, pdf_text

SECTIONS = (
    evidence_paper.SUMMARY_TITLE,
    evidence_paper.INVESTED_TITLE,
    evidence_paper.METHOD_TITLE,
    evidence_paper.BOUGHT_TITLE,
    evidence_paper.MOVED_TITLE,
    evidence_paper.BEST_TITLE,
)


def headline(db: Path) -> list[str]:
    """The summary's figures, from the lists the rest of the app shows."""
    services = Services.open(db, create_missing=False, read_only=True)
    try:
        actions = services.actions.list()
        completed = [services.actions.get(a.id) for a in actions if a.status == ActionStatus.COMPLETED]
        completed_ids = {action.id for action in completed}
        spent = sum(line.amount_pence for line in services.funding.spends())
        spent_on_completed = sum(
            line.amount_pence for line in services.funding.spends() if line.action_id in completed_ids
        )
        allocated = sum(line.amount_pence for line in services.funding.allocations())
        dated = [a for a in completed if a.due_on is not None and a.completed_on is not None]
        on_time = [a for a in dated if a.completed_on <= a.due_on]  # type: ignore[operator]
    finally:
        services.close()
    return [
        f"allocated {format_money_whole(allocated)}",
        f"spent {format_money_whole(spent)}",
        f"{len(completed)} actions of the {len(actions)} in the plan have been completed, at a cost of "
        f"{format_money_whole(spent_on_completed)}",
        f"{len(on_time)} of the {len(dated)} completed actions with a due date "
        f"({100 * len(on_time) / len(dated):.0f}%)",
    ]


def test_the_evidence_paper_as_a_pdf(db: Path, tmp_path: Path, data_dir: Path) -> None:
    before = digest(db)
    target = tmp_path / "evidence.pdf"
    result = run(
        "report", "--db", str(db), "--kind", "evidence", "--format", "pdf", "--out", str(target), data_dir=data_dir
    )

    assert result.returncode == 0, result.stderr
    assert "Wrote the evidence paper (12 completed actions)" in result.stdout
    assert 3 <= len(PdfReader(str(target)).pages) <= 6
    text = " ".join(pdf_text(target).split())
    for words in (
        "Evidence of what works",
        *SECTIONS,
        *headline(db),
        "Invested by funding source",  # the charts' titles
        "Completed actions by action type",
        "Finished on time, by action type",
        "Indicator movement toward target",
        "Capacity-building fund",
        "Pump-priming grant",
        "too few to trust",
    ):
        assert words in text, words
    assert digest(db) == before  # read only


def test_the_evidence_paper_as_a_word_document(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "evidence.docx"
    result = run(
        "report", "--db", str(db), "--kind", "evidence", "--format", "docx", "--out", str(target), data_dir=data_dir
    )

    assert result.returncode == 0, result.stderr
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == list(SECTIONS)
    text = " ".join(" ".join(p.text for p in document.paragraphs).split())
    for words in headline(db):
        assert words in text, words
    invested = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in document.tables[0].rows}
    assert invested["Funding source"] == ["Allocated", "Spent", "Spent of allocated"]
    assert "Capacity-building fund" in invested and "All sources" in invested
    what_works = [table for table in document.tables if table.rows[0].cells[0].text == "Action type"][-1]
    assert [cell.text for cell in what_works.rows[0].cells][:3] == ["Action type", "Completed", "Finished on time"]
    assert what_works.rows[-1].cells[0].text == "All completed actions"
    assert what_works.rows[-1].cells[1].text == "12"
    assert len(document.inline_shapes) == 4  # the four charts, as pictures


def test_the_evidence_paper_refuses_a_bad_out(db: Path, tmp_path: Path, data_dir: Path) -> None:
    missing = tmp_path / "no-such-folder" / "evidence.pdf"
    result = run(
        "report", "--db", str(db), "--kind", "evidence", "--format", "pdf", "--out", str(missing), data_dir=data_dir
    )
    assert_one_line_error(result, "does not exist")
