"""The joint action plan as a PDF: cover, summary, needs, actions, milestones, indicators and sign-off, laid out with
``pdf_document`` (A4 landscape, "Page N of M" in the footer, tables whose header row repeats on every page, the RAG
as a word in a cell shaded in its colour)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, PageBreak, Spacer

from locality.domain.values import format_date
from locality.exchange.pdf_document import (
    CELL_LEADING,
    OVERDUE_FILL,
    RAG_FILLS,
    Column,
    Heading,
    Shade,
    grid,
    paragraph,
    write_document,
)
from locality.exchange.plan_rows import (
    CONFIDENTIAL_IN,
    CONFIDENTIAL_OUT,
    action_row,
    count_rows,
    indicator_row,
    key_figure_rows,
    milestone_row,
    need_row,
    organisation_rows,
    theme_rows,
)
from locality.exchange.render_progress import Ticker, table_rows
from locality.services.dashboard import RAG_SPLIT_TITLE
from locality.services.plan import Cancelled, Plan, Progress, check_cancelled

__all__ = ["render_pdf"]


class _Renderer:
    def __init__(self, plan: Plan, ticker: Ticker) -> None:
        self.plan = plan
        self.ticker = ticker

    def grid(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        shades: Sequence[Shade] | None = None,
        shaded_column: int | None = None,
        **options: Any,
    ) -> Flowable:
        return grid(columns, rows, self.ticker, shades, shaded_column, **options)

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self.cover()
        story += [PageBreak(), *self.summary()]
        story += [PageBreak(), *self.needs()]
        story += [PageBreak(), *self.actions()]
        story += [PageBreak(), *self.milestones()]
        story += [PageBreak(), *self.indicators()]
        story += [PageBreak(), *self.sign_off()]
        return story

    def cover(self) -> list[Flowable]:
        plan = self.plan
        story: list[Flowable] = [Spacer(1, 60), paragraph("Joint action plan", "title")]
        if plan.partnership:
            story.append(paragraph(plan.partnership, "subtitle"))
        if plan.area:
            story.append(paragraph(plan.area, "cover"))
        if plan.period:
            story.append(paragraph(f"Plan period: {plan.period}", "cover"))
        story.append(paragraph(f"Produced on {format_date(plan.generated_on)}", "cover"))
        story.append(Spacer(1, 12))
        story.append(paragraph("Filters used", "h2"))
        story += [paragraph(line, "cover") for line in plan.filters or ("All actions",)]
        story.append(Spacer(1, 12))
        story.append(paragraph(CONFIDENTIAL_IN if plan.confidential_included else CONFIDENTIAL_OUT, "strong"))
        return story

    def summary(self) -> list[Flowable]:
        summary = self.plan.summary
        story: list[Flowable] = [Heading("Summary", 0)]
        story.append(
            self.grid([Column("Figure", 3), Column("Value", 1, right=True)], key_figure_rows(summary), width=0.5)
        )
        story.append(Heading("Actions by status", 1))
        story.append(
            self.grid(
                [Column("Status", 3), Column("Actions", 1, right=True)], count_rows(summary.by_status), width=0.35
            )
        )
        story.append(Heading(RAG_SPLIT_TITLE, 1))
        story.append(
            self.grid(
                [Column("RAG", 3), Column("Actions", 1, right=True)],
                count_rows(summary.by_rag),
                [RAG_FILLS.get(row.label) for row in summary.by_rag],
                0,
                width=0.35,
            )
        )
        story.append(Heading("By theme", 1))
        if summary.by_theme:
            columns = [Column("Theme", 4), Column("Needs", 1, right=True), Column("Actions", 1, right=True)]
            columns += [Column("Budget", 1.5, right=True), Column("Spend", 1.5, right=True)]
            story.append(self.grid(columns, theme_rows(summary), width=0.75))
        else:
            story.append(paragraph("There are no themes to show.", "body"))
        story.append(Heading("Partner organisations", 1))
        if not self.plan.organisations:
            story.append(paragraph("There are no organisations in this plan.", "body"))
        else:
            columns = [Column("Organisation", 4), Column("Short name", 1.5), Column("Type", 2)]
            if self.plan.confidential_included:
                columns += [Column("Contact", 2), Column("E-mail", 3)]
            story.append(self.grid(columns, organisation_rows(self.plan)))
        return story

    def needs(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Needs addressed", 0)]
        if not self.plan.needs:
            return [*story, paragraph("There are no needs in this plan.", "body")]
        columns = [
            Column("Need", 180),
            Column("Theme", 100),
            Column("Organisations", 150),
            Column("Priority", 48),
            Column("Status", 64),
            Column("Actions", 40, right=True),
            Column("Notes", 200),
        ]
        return [*story, self.grid(columns, [need_row(need) for need in self.plan.needs])]

    def actions(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Actions", 0)]
        if not self.plan.actions:
            return [*story, paragraph("There are no actions in this plan.", "body")]
        columns = [
            Column("Action", 110),
            Column("Theme", 60),
            Column("Lead and partners", 100),
            Column("Needs addressed", 90),
            Column("Start", 42),
            Column("Due", 42),
            Column("Status", 44),
            Column("RAG", 70),
            Column("Done", 26, right=True),
            Column("Budget", 52, right=True),
            Column("Spend", 52, right=True),
            Column("Latest progress", 98),
        ]
        actions = self.plan.actions
        shades = [RAG_FILLS.get(action.rag.value) if action.rag is not None else None for action in actions]
        return [*story, self.grid(columns, [action_row(action) for action in actions], shades, 7)]

    def milestones(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Milestones", 0)]
        milestones = self.plan.milestones
        if not milestones:
            return [*story, paragraph("There are no milestones in this plan.", "body")]
        columns = [
            Column("Action", 300),
            Column("Milestone", 280),
            Column("Due", 64),
            Column("Done", 64),
            Column("Progress", 70),
        ]
        shades = [OVERDUE_FILL if milestone.overdue else None for milestone in milestones]
        return [*story, self.grid(columns, [milestone_row(milestone) for milestone in milestones], shades, 4)]

    def indicators(self) -> list[Flowable]:
        story: list[Flowable] = [Heading("Indicators", 0)]
        if not self.plan.indicators:
            return [*story, paragraph("There are no indicators in this plan.", "body")]
        columns = [
            Column("Indicator", 150),
            Column("Unit", 60),
            Column("Direction", 70),
            Column("Baseline", 55, right=True),
            Column("Baseline date", 50),
            Column("Target", 55, right=True),
            Column("Target date", 50),
            Column("Latest", 55, right=True),
            Column("Latest date", 50),
            Column("To target", 45, right=True),
            Column("Evidences", 146),
        ]
        return [*story, self.grid(columns, [indicator_row(row) for row in self.plan.indicators])]

    def sign_off(self) -> list[Flowable]:
        lines = self.plan.sign_off
        story: list[Flowable] = [Heading("Sign-off", 0)]
        if not lines:
            return story
        story.append(paragraph(lines[0], "strong"))
        if len(lines) > 1:
            rows = [(label, "") for label in lines[1:]]
            story.append(
                self.grid(
                    [Column("", 1), Column("", 4)], rows, header=False, min_row_height=CELL_LEADING * 4, width=0.75
                )
            )
        return story


def render_pdf(
    plan: Plan,
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    """Write ``plan`` to ``target`` as a PDF, atomically; a ``cancelled()`` that returns True raises
    ``ExportCancelled`` and leaves ``target`` as it was."""
    check_cancelled(cancelled)
    rows = table_rows(plan)
    ticker = Ticker(progress, cancelled, 2 * rows + 1)
    story = _Renderer(plan, ticker).story()
    title = f"Joint action plan – {plan.partnership}" if plan.partnership else "Joint action plan"
    write_document(story, target, title=title, author=plan.partnership, subject="Joint action plan", ticker=ticker)
    if progress is not None:
        progress(ticker.total, ticker.total)
