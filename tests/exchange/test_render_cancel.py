"""Cancelling a Word, PDF or HTML export: it stops, writes nothing, and leaves a file already there as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from locality.exchange.render_docx import render_docx
from locality.exchange.render_html import render_html
from locality.exchange.render_pdf import render_pdf
from locality.services.plan import ExportCancelled
from tests.exchange.sample_plans import many_actions, sample_plan

Render = Callable[..., None]

# (renderer, file suffix, actions in the plan, calls to cancelled() before it says stop)
CANCELLED_PART_WAY = [
    *((render_docx, "docx", 1200, after) for after in (0, 1, 3)),
    *((render_html, "html", 1200, after) for after in (0, 1, 3)),
    *((render_pdf, "pdf", 600, after) for after in (0, 3, 50)),
]


@pytest.mark.parametrize(("render", "suffix", "actions", "after"), CANCELLED_PART_WAY)
def test_cancel_raises_and_leaves_no_file(folder: Path, render: Render, suffix: str, actions: int, after: int) -> None:
    target = folder / f"plan.{suffix}"
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > after

    with pytest.raises(ExportCancelled, match="nothing was written"):
        render(sample_plan(actions=many_actions(actions)), target, cancelled=cancelled)

    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(("render", "suffix"), [(render_docx, "docx"), (render_html, "html"), (render_pdf, "pdf")])
def test_cancel_leaves_an_existing_file_as_it_was(folder: Path, render: Render, suffix: str) -> None:
    target = folder / f"plan.{suffix}"
    target.write_bytes(b"the previous plan")

    with pytest.raises(ExportCancelled):
        render(sample_plan(), target, cancelled=lambda: True)

    assert target.read_bytes() == b"the previous plan"
    assert [path.name for path in folder.iterdir()] == [f"plan.{suffix}"]
