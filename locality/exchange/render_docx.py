"""The joint action plan as a Word document (DOCX), for the partnership board, written with ``docx_document``.

The cover fills the first page; then one heading per section in the order of the plan, the wide tables (needs,
actions, milestones, indicators) in a landscape section, and the sign-off block at the end.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentObject
from docx.shared import Mm, Twips

from locality.domain.values import format_date
from locality.exchange.docx_document import OVERDUE_FILL, RAG_FILLS, Column, DocxWriter, save_document
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
from locality.files import atomic_path
from locality.services.dashboard import RAG_SPLIT_TITLE
from locality.services.plan import Cancelled, Plan, Progress, check_cancelled

__all__ = ["render_docx"]


class _PlanWriter(DocxWriter):
    def __init__(self, plan: Plan, ticker: Ticker) -> None:
        label = f"Joint action plan – {plan.partnership}" if plan.partnership else "Joint action plan"
        super().__init__(
            label=label,
            subject="Joint action plan",
            author=plan.partnership,
            produced_on=plan.generated_on,
            ticker=ticker,
        )
        self.plan = plan

    # -- the sections

    def write(self) -> DocumentObject:
        self.cover()
        self.page_break()
        self.summary()
        self.page_break()
        self.new_section(landscape=True)
        self.needs()
        self.page_break()
        self.actions()
        self.page_break()
        self.milestones()
        self.page_break()
        self.indicators()
        self.new_section(landscape=False)
        self.sign_off()
        return self.document

    def cover(self) -> None:
        plan = self.plan
        for _ in range(3):
            self.document.add_paragraph()
        self.document.add_heading("Joint action plan", 0)
        if plan.partnership:
            self.paragraph(plan.partnership, style="Subtitle")
        if plan.area:
            self.paragraph(plan.area)
        if plan.period:
            self.paragraph(f"Plan period: {plan.period}")
        self.paragraph(f"Produced on {format_date(plan.generated_on)}")
        self.document.add_paragraph()
        self.paragraph("Filters used", bold=True)
        for line in plan.filters or ("All actions",):
            self.paragraph(line)
        self.document.add_paragraph()
        self.paragraph(CONFIDENTIAL_IN if plan.confidential_included else CONFIDENTIAL_OUT, bold=True)

    def summary(self) -> None:
        summary = self.plan.summary
        self.heading("Summary", 1)
        self.table([Column("Figure", 3), Column("Value", 1, right=True)], key_figure_rows(summary), width=0.7)
        self.heading("Actions by status", 2)
        self.table([Column("Status", 3), Column("Actions", 1, right=True)], count_rows(summary.by_status), width=0.5)
        self.heading(RAG_SPLIT_TITLE, 2)
        self.table(
            [Column("RAG", 3), Column("Actions", 1, right=True)],
            count_rows(summary.by_rag),
            width=0.5,
            shades=[RAG_FILLS.get(row.label) for row in summary.by_rag],
            shaded_column=0,
        )
        self.heading("By theme", 2)
        if summary.by_theme:
            self.table(
                [
                    Column("Theme", 4),
                    Column("Needs", 1, right=True),
                    Column("Actions", 1, right=True),
                    Column("Budget", 1.6, right=True),
                    Column("Spend", 1.6, right=True),
                ],
                theme_rows(summary),
            )
        else:
            self.paragraph("There are no themes to show.")
        self.heading("Partner organisations", 2)
        if not self.plan.organisations:
            self.paragraph("There are no organisations in this plan.")
        elif self.plan.confidential_included:
            columns = [Column("Organisation", 4), Column("Short name", 0), Column("Type", 0)]
            columns += [Column("Contact", 0), Column("E-mail", 3)]
            self.table(columns, organisation_rows(self.plan))
        else:
            columns = [Column("Organisation", 4), Column("Short name", 1.5), Column("Type", 2)]
            self.table(columns, organisation_rows(self.plan))

    def needs(self) -> None:
        self.heading("Needs addressed", 1)
        if not self.plan.needs:
            self.paragraph("There are no needs in this plan.")
            return
        columns = [
            Column("Need", 170),
            Column("Theme", 90),
            Column("Organisations", 130),
            Column("Priority", 0),
            Column("Status", 0),
            Column("Actions", 0, right=True),
            Column("Notes", 160),
        ]
        self.table(columns, [need_row(need) for need in self.plan.needs])

    def actions(self) -> None:
        self.heading("Actions", 1)
        actions = self.plan.actions
        if not actions:
            self.paragraph("There are no actions in this plan.")
            return
        columns = [
            Column("Action", 110),
            Column("Theme", 60),
            Column("Lead and partners", 100),
            Column("Needs addressed", 88),
            Column("Start", 0),
            Column("Due", 0),
            Column("Status", 0),
            Column("RAG", 66),
            Column("Done", 0, right=True),
            Column("Budget", 0, right=True),
            Column("Spend", 0, right=True),
            Column("Latest progress", 100),
        ]
        shades = [RAG_FILLS.get(action.rag.value) if action.rag is not None else None for action in actions]
        self.table(columns, [action_row(action) for action in actions], shades=shades, shaded_column=7)

    def milestones(self) -> None:
        self.heading("Milestones", 1)
        milestones = self.plan.milestones
        if not milestones:
            self.paragraph("There are no milestones in this plan.")
            return
        columns = [
            Column("Action", 300),
            Column("Milestone", 270),
            Column("Due", 0),
            Column("Done", 0),
            Column("Progress", 0),
        ]
        shades = [OVERDUE_FILL if milestone.overdue else None for milestone in milestones]
        rows = [milestone_row(milestone) for milestone in milestones]
        self.table(columns, rows, shades=shades, shaded_column=4)

    def indicators(self) -> None:
        self.heading("Indicators", 1)
        if not self.plan.indicators:
            self.paragraph("There are no indicators in this plan.")
            return
        columns = [
            Column("Indicator", 140),
            Column("Unit", 40),
            Column("Direction", 0),
            Column("Baseline", 0, right=True),
            Column("Baseline date", 0),
            Column("Target", 0, right=True),
            Column("Target date", 0),
            Column("Latest", 0, right=True),
            Column("Latest date", 0),
            Column("To target", 0, right=True),
            Column("Evidences", 140),
        ]
        self.table(columns, [indicator_row(row) for row in self.plan.indicators])

    def sign_off(self) -> None:
        lines = self.plan.sign_off
        self.heading("Sign-off", 1)
        if not lines:
            return
        self.paragraph(lines[0], bold=True)
        if len(lines) > 1:
            self.table(
                [Column("", 1), Column("", 3)],
                [(label, "") for label in lines[1:]],
                header=False,
                row_height=int(Mm(14) / Twips(1)),
            )


def render_docx(
    plan: Plan,
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    """Write ``plan`` to ``target`` as a Word document, atomically; a ``cancelled()`` that returns True raises
    ``ExportCancelled`` and leaves ``target`` as it was."""
    check_cancelled(cancelled)
    rows = table_rows(plan)
    ticker = Ticker(progress, cancelled, rows + rows // 8 + 1)
    writer = _PlanWriter(plan, ticker)
    document = writer.write()
    with atomic_path(target) as temporary:
        save_document(document, writer.token, writer.tables, temporary, ticker)
        ticker.advance(rows // 8)
    if progress is not None:
        progress(ticker.total, ticker.total)
