"""`locality report`, run as a user runs it: in a subprocess, against a demo workspace."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import docx
from pypdf import PdfReader

from tests.cli.test_cli import assert_one_line_error, run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdf_text(path: Path) -> str:
    """The PDF's text, by pdftotext when it is installed, else by pypdf."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def report(db: Path, format: str, out: Path | str, *more: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """``locality report --kind board`` (or the ``--kind`` in ``more``)."""
    kind = () if "--kind" in more else ("--kind", "board")
    return run("report", "--db", str(db), *kind, "--format", format, "--out", str(out), *more, data_dir=data_dir)


def test_the_board_paper_as_a_pdf(db: Path, tmp_path: Path, data_dir: Path) -> None:
    before = digest(db)
    target = tmp_path / "board.pdf"
    result = run(
        "report", "--db", str(db), "--kind", "board", "--format", "pdf", "--out", str(target), data_dir=data_dir
    )

    assert result.returncode == 0, result.stderr
    assert "Wrote the board exception report" in result.stdout
    assert target.read_bytes().startswith(b"%PDF-")
    assert 2 <= len(PdfReader(str(target)).pages) <= 8
    text = " ".join(pdf_text(target).split())
    for words in (
        "Board exception report",
        "Open actions by RAG",  # the dashboard's own chart titles
        "Actions by status",
        "Spend by funding source",
        "RAG trend across board snapshots",
        "Overdue actions and milestones by lead organisation",
        "Red actions and their latest notes",
        "No board snapshot has been recorded yet",
        "Confidential progress notes are left out",
    ):
        assert words in text, words
    assert digest(db) == before  # read only


def test_the_board_paper_as_a_word_document(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "board.docx"
    result = run(
        "report",
        "--db",
        str(db),
        "--kind",
        "board",
        "--format",
        "docx",
        "--out",
        str(target),
        "--include-confidential",
        data_dir=data_dir,
    )

    assert result.returncode == 0, result.stderr
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[:2] == ["Figures", "What has moved"]
    assert "Red actions and their latest notes" in headings
    texts = [p.text for p in document.paragraphs]
    assert "Includes confidential progress notes" in texts
    figures = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert figures["Figure"] == "Value" and "Open actions rated Red" in figures
    assert len(document.inline_shapes) == 4  # the three dashboard charts and the RAG trend, as pictures


def test_a_bad_out_is_one_clear_line_and_the_workspace_is_never_written_over(
    db: Path, tmp_path: Path, data_dir: Path
) -> None:
    missing = tmp_path / "no-such-folder" / "board.pdf"
    result = run(
        "report", "--db", str(db), "--kind", "board", "--format", "pdf", "--out", str(missing), data_dir=data_dir
    )
    assert_one_line_error(result, "does not exist")

    before = digest(db)
    result = report(db, "docx", str(db), data_dir=data_dir)
    assert_one_line_error(result, "choose another file name")
    assert digest(db) == before


def test_usage_errors_and_a_missing_workspace(db: Path, tmp_path: Path, data_dir: Path) -> None:
    target = str(tmp_path / "board.xlsx")
    result = report(db, "xlsx", target, data_dir=data_dir)
    assert result.returncode == 2 and "invalid choice" in result.stderr
    result = run("report", "--db", str(db), "--format", "pdf", "--out", target, data_dir=data_dir)
    assert result.returncode == 2 and "--kind" in result.stderr

    missing = tmp_path / "nothing-here.locality"
    result = run(
        "report", "--db", str(missing), "--kind", "board", "--format", "pdf", "--out", target, data_dir=data_dir
    )
    assert_one_line_error(result, "There is no workspace")
    assert not missing.exists()


def test_the_board_paper_of_a_medium_demo_is_a_few_pages(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "medium.locality"
    assert run("demo", "--db", str(db), "--size", "medium", data_dir=data_dir).returncode == 0
    target = tmp_path / "board.pdf"
    result = run(
        "report", "--db", str(db), "--kind", "board", "--format", "pdf", "--out", str(target), data_dir=data_dir
    )

    assert result.returncode == 0, result.stderr
    assert len(PdfReader(str(target)).pages) <= 8  # 2,000 actions, hundreds of them overdue: still a short paper
    assert "more" in pdf_text(target)  # the long lists say how many they left out
    # No page holds only the "…and N more" line that ends a list: it stays with its table.
    for number, page in enumerate(PdfReader(str(target)).pages, start=1):
        footer = ("Page ", "Board exception report")
        lines = [line for line in page.extract_text().splitlines() if line.strip() and not line.startswith(footer)]
        assert not (lines and all(line.lstrip().startswith("…and") for line in lines)), f"page {number}: {lines}"
