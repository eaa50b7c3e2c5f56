"""The evidence paper's writer: a workspace with nothing completed still gives a paper that says so; Cancel writes
nothing at any point; progress is reported; a bad format is one sentence; and chart labels drawn in a font wider
than the one they were measured in stay inside the chart."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from PIL import Image

from locality.domain.errors import ValidationError
from locality.exchange import charts, evidence_paper
from locality.exchange.evidence_paper import write_evidence_paper
from locality.services.plan import ExportCancelled
from locality.services.registry import Services
from tests.cli.test_report_cli import pdf_text


@pytest.mark.parametrize("format", ["pdf", "docx"])
def test_a_workspace_with_nothing_completed_says_so(services: Services, tmp_path: Path, format: str) -> None:
    target = tmp_path / f"evidence.{format}"
    steps: list[tuple[int, int]] = []
    report = write_evidence_paper(services, format, target, progress=lambda done, total: steps.append((done, total)))

    assert report.completed == 0 and report.by_type.rows == ()
    assert steps[0] == (0, 3) and steps[-1] == (3, 3)
    if format == "pdf":
        text = " ".join(pdf_text(target).split())
    else:
        text = " ".join(p.text for p in docx.Document(str(target)).paragraphs)
    for words in (
        evidence_paper.TITLE,
        "No action has been completed yet.",
        "No indicator with a baseline, a target and a measurement",
        "No action has been completed yet, so there is nothing to compare.",
        evidence_paper.METHOD_TITLE,
    ):
        assert words in text, words


@pytest.mark.parametrize("format", ["pdf", "docx"])
@pytest.mark.parametrize("after", [0, 1, 2])
def test_cancel_writes_nothing(demo_services: Services, tmp_path: Path, format: str, after: int) -> None:
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > after

    folder = tmp_path / "papers"
    folder.mkdir()
    with pytest.raises(ExportCancelled):
        write_evidence_paper(demo_services, format, folder / f"evidence.{format}", cancelled=cancelled)
    assert list(folder.iterdir()) == []


def test_a_bad_format_is_one_sentence(demo_services: Services, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is not a format for the evidence paper; use one of: pdf, docx"):
        write_evidence_paper(demo_services, "xlsx", tmp_path / "evidence.xlsx")
    assert not (tmp_path / "evidence.xlsx").exists()


def test_chart_labels_stay_inside_the_chart() -> None:
    name = "Member development / scrutiny skills"
    chart = charts.bar_chart("Completed actions by action type", [(name, [charts.Bar(3, charts.STATUS, "3")])], 400)
    image = Image.open(io.BytesIO(charts.png_bytes(chart))).convert("L")
    # The bar's name ends at the plot's left edge; drawn in its measured width it starts right of the chart's
    # (the title above starts at the edge itself: the rows of the bars are looked at).
    top = round((charts.TITLE_SIZE + 12) * 3)
    left_edge = [image.getpixel((x, y)) for x in range(6) for y in range(top, image.height)]
    assert min(left_edge) > 200  # nothing dark painted in the first pixels
