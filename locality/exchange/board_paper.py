"""The board's exception report as a paper: its content (``services.board_report``) put into words, tables and
charts once, as a list of plain blocks, which the PDF (``board_paper_pdf``) and Word (``board_paper_docx``)
renderers lay out each in their own way.

``write_board_paper`` is what the command line and the window call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from locality.domain.errors import ValidationError
from locality.domain.text import plural
from locality.domain.values import format_date, format_money
from locality.domain.vocabulary import Rag
from locality.exchange import charts
from locality.exchange.charts import Bar, Chart
from locality.services.board_report import NOT_RATED, BoardReport, Capped
from locality.services.dashboard import RAG_SPLIT_TITLE, SPEND_CHART_TITLE, STATUS_CHART_TITLE
from locality.services.plan import Cancelled, Progress, check_cancelled

if TYPE_CHECKING:
    from locality.services.registry import Services

FORMATS = ("pdf", "docx")
TITLE = "Board exception report"
TREND_TITLE = "RAG trend across board snapshots"
FIGURES_TITLE = "Figures"
MOVED_TITLE = "What has moved"
OVERDUE_TITLE = "Overdue actions and milestones by lead organisation"
RED_TITLE = "Red actions and their latest notes"
CONFIDENTIAL_IN = "Includes confidential progress notes"
CONFIDENTIAL_OUT = "Confidential progress notes are left out"
NO_SNAPSHOT = (
    "No board snapshot has been recorded yet, so there is nothing to compare with. Record one on the dashboard "
    "(Board snapshots) on the day of a board meeting; the next paper then says what has moved since."
)
#: Funding sources charted beside the whole partnership's spend (the largest first); the rest are in the figures.
SOURCES_CHARTED = 4

RAG_COLOURS: dict[Rag | None, charts.Colour] = {
    Rag.RED: charts.RED,
    Rag.AMBER: charts.AMBER,
    Rag.GREEN: charts.GREEN,
    None: charts.NOT_RATED,
}


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Title:
    text: str
    subtitle: str


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 for a section, 1 beneath it


@dataclass(frozen=True)
class Text:
    text: str
    strong: bool = False


@dataclass(frozen=True)
class TableColumn:
    heading: str
    weight: float  # share of the table's width
    right: bool = False  # numbers and money


@dataclass(frozen=True)
class Table:
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[str, ...], ...]
    width: float = 1.0  # share of the page's width
    #: A RAG word ("Red"...) a row's first cell is shaded in, or None.
    shades: tuple[str | None, ...] | None = None


@dataclass(frozen=True)
class Charts:
    """Charts side by side, each ``width`` points wide."""

    charts: tuple[Chart, ...]


@dataclass(frozen=True)
class NewPage:
    pass


Block = Title | Heading | Text | Table | Charts | NewPage


def _more(count: int, what: str) -> Text | None:
    return Text(f"…and {count:,} more {what}.") if count > 0 else None


def _capped_table(columns: tuple[TableColumn, ...], rows: Capped[tuple[str, ...]], what: str) -> list[Block]:
    blocks: list[Block] = [Table(columns, rows.items)]
    more = _more(rows.more, what)
    if more is not None:
        blocks.append(more)
    return blocks


# --------------------------------------------------------------------------- charts


def money_axis(largest_pence: int) -> tuple[float, str]:
    """Pence per charted unit and the unit's name, so the axis shows short numbers."""
    pounds = largest_pence / 100
    if pounds >= 10_000_000:
        return 100 * 1_000_000, "£ millions"
    if pounds >= 10_000:
        return 100 * 1_000, "£ thousands"
    return 100, "£"


def report_charts(report: BoardReport, width: float) -> list[Chart]:
    """The dashboard's three charts, under its titles, and the RAG trend; each ``width`` points wide."""
    figures = report.figures
    rag = charts.bar_chart(
        f"{RAG_SPLIT_TITLE} ({figures.open_actions:,})",
        [
            (rag.value if rag is not None else NOT_RATED, [Bar(count, RAG_COLOURS[rag], f"{count:,}")])
            for rag, count in figures.rag_split
        ],
        width,
    )
    status = charts.bar_chart(
        STATUS_CHART_TITLE,
        [(status.value, [Bar(count, charts.STATUS, f"{count:,}")]) for status, count in figures.by_status],
        width,
    )
    sources = sorted(figures.by_source, key=lambda source: -max(source.allocated_pence, source.spent_pence))
    sources = sources[:SOURCES_CHARTED]
    # One pair of bars (allocated, spent) for each funding source, as on the dashboard: the whole plan's figures
    # are on the first page, and as a bar beside the sources it made each of them a sliver.
    columns = [(source.name, source.allocated_pence, source.spent_pence) for source in sources] or [
        ("All actions", figures.allocated_pence, figures.spent_pence)
    ]
    largest = max(max(allocated, spent) for _name, allocated, spent in columns)
    unit, unit_name = money_axis(largest)

    def money_bar(pence: int, colour: charts.Colour) -> Bar:
        return Bar(pence / unit, colour, format_money(pence).split(".")[0])

    _budget_colour, allocated_colour, spent_colour = charts.SPEND
    spend_groups = [
        (name, [money_bar(allocated, allocated_colour), money_bar(spent, spent_colour)])
        for name, allocated, spent in columns
    ]
    spend = charts.bar_chart(
        SPEND_CHART_TITLE,
        spend_groups,
        width,
        legend=(("Allocated", allocated_colour), ("Spent", spent_colour)),
    )
    spend.labels.append(charts.Label(width, charts.TITLE_SIZE, f"axis: {unit_name}", 6.5, anchor="end"))
    trend = charts.stacked_columns(
        TREND_TITLE,
        [
            (point.label, [(point.count(rag), RAG_COLOURS[rag]) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, None)])
            for point in report.trend
        ],
        width,
        max(spend.height, 170.0),
        legend=tuple(
            (rag.value if rag else NOT_RATED, RAG_COLOURS[rag]) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, None)
        ),
    )
    return [rag, status, spend, trend]


# --------------------------------------------------------------------------- the paper


def paper_blocks(report: BoardReport, page_width: float) -> list[Block]:
    """The paper, block by block, for a page ``page_width`` points wide (charts two to a row)."""
    blocks: list[Block] = [Title(TITLE, report.partnership)]
    facts = [
        report.area,
        f"Plan period {report.plan_period}" if report.plan_period else "",
        f"Figures as at {format_date(report.produced_on)}",
    ]
    blocks.append(Text(" · ".join(fact for fact in facts if fact)))
    snapshot = report.snapshot
    if snapshot is not None:
        blocks.append(
            Text(
                f"Compared with the board snapshot “{snapshot.title}”, "
                f"board meeting on {format_date(snapshot.meeting_on)}."
            )
        )
    blocks.append(Text(CONFIDENTIAL_IN if report.confidential_included else CONFIDENTIAL_OUT, strong=True))

    blocks.append(Heading(FIGURES_TITLE, 0))
    blocks.append(
        Table(
            (TableColumn("Figure", 3), TableColumn("Value", 2, right=True)),
            tuple(report.key_figures),
            width=0.5,
        )
    )
    blocks.append(
        Text(
            "The same figures as the dashboard's. Overdue actions are past their due date and neither completed "
            "nor cancelled; the RAG split counts open actions."
        )
    )
    chart_width = (page_width - 30) / 2
    rag, status, spend, trend = report_charts(report, chart_width)
    blocks += [NewPage(), Charts((rag, status)), Charts((spend, trend))]

    blocks += [NewPage(), *moved_blocks(report), *overdue_blocks(report), *red_blocks(report)]
    return blocks


def moved_blocks(report: BoardReport) -> list[Block]:
    snapshot = report.snapshot
    if snapshot is None:
        return [Heading(MOVED_TITLE, 0), Text(NO_SNAPSHOT)]
    blocks: list[Block] = [
        Heading(f"{MOVED_TITLE} since “{snapshot.title}” ({format_date(snapshot.meeting_on)})", 0),
    ]
    if not report.moved:
        return [*blocks, Text("Nothing has moved since that board meeting.")]
    for moved in report.moved:
        blocks.append(Heading(f"{moved.heading} — {moved.lines.total:,}", 1))
        rows: Capped[tuple[str, ...]] = Capped(
            tuple((line.title, line.detail) for line in moved.lines.items), moved.lines.total
        )
        blocks += _capped_table((TableColumn("Action", 3), TableColumn("What moved", 4)), rows, "actions")
    return blocks


def overdue_blocks(report: BoardReport) -> list[Block]:
    blocks: list[Block] = [Heading(OVERDUE_TITLE, 0)]
    groups = report.overdue_by_lead
    if groups.total == 0:
        return [*blocks, Text("No action or milestone is overdue.")]
    intro = (
        f"{plural(report.overdue_actions, 'overdue action')} and "
        f"{plural(report.overdue_milestones, 'overdue milestone')} "
        f"across {plural(groups.total, 'lead organisation')}."
    )
    if groups.more:
        intro += f" The {len(groups.items)} with the most are listed, each with its longest overdue first."
    blocks.append(Text(intro))
    columns = (TableColumn("Overdue", 1), TableColumn("Title", 4), TableColumn("Due, and how late", 4))
    for group in groups.items:
        blocks.append(
            Heading(
                f"{group.lead} — {plural(group.actions.total, 'action')}, "
                f"{plural(group.milestones.total, 'milestone')}",
                1,
            )
        )
        rows = [("Action", line.title, line.detail) for line in group.actions.items]
        rows += [("Milestone", line.title, line.detail) for line in group.milestones.items]
        blocks.append(Table(columns, tuple(rows)))
        left_out = [
            part
            for part in (
                plural(group.actions.more, "more action") if group.actions.more else "",
                plural(group.milestones.more, "more milestone") if group.milestones.more else "",
            )
            if part
        ]
        if left_out:
            blocks.append(Text("…and " + " and ".join(left_out) + " overdue."))
    if report.other_leads:
        others = "; ".join(
            f"{lead} ({plural(actions, 'action')}, {plural(milestones, 'milestone')})"
            for lead, actions, milestones in report.other_leads
        )
        unnamed = groups.more - len(report.other_leads)
        if unnamed > 0:
            others += f"; and {plural(unnamed, 'more organisation')}"
        blocks.append(Heading(f"Other lead organisations with overdue work — {groups.more:,}", 1))
        blocks.append(Text(others + "."))
    return blocks


def red_blocks(report: BoardReport) -> list[Block]:
    blocks: list[Block] = [Heading(RED_TITLE, 0)]
    notes = report.red_notes
    if notes.total == 0:
        return [*blocks, Text("No open action is rated Red.")]
    intro = f"{plural(notes.total, 'open action')} rated Red."
    if notes.more:
        intro += f" The {len(notes.items)} longest overdue are listed; the joint action plan lists them all."
    blocks.append(Text(intro))
    rows = tuple(
        (
            note.title,
            note.lead,
            note.reason,
            f"{format_date(note.note_on)}: {note.note}" if note.note_on is not None else (note.note or "No note yet."),
        )
        for note in notes.items
    )
    columns = (
        TableColumn("Action", 3),
        TableColumn("Lead", 2),
        TableColumn("Why it is red", 3),
        TableColumn("Latest progress note", 5),
    )
    blocks.append(Table(columns, rows, shades=tuple("Red" for _row in rows)))
    more = _more(notes.more, "red actions")
    if more is not None:
        blocks.append(more)
    return blocks


# --------------------------------------------------------------------------- writing


Renderer = Callable[..., None]


def renderer(format: str) -> Renderer:
    chosen = format.strip().lower().lstrip(".")
    if chosen not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise ValidationError(
            {"format": f'"{format.strip()}" is not a format for the board paper; use one of: {allowed}'}
        )
    module = importlib.import_module(f"locality.exchange.board_paper_{chosen}")
    render: Renderer = getattr(module, f"render_board_paper_{chosen}")
    return render


def write_board_paper(
    services: Services,
    format: str,
    target: Path | str,
    *,
    include_confidential: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BoardReport:
    """The board paper as of today, written to ``target`` as ``format`` (pdf or docx), atomically; returns what
    it holds. ``cancelled()`` returning True stops it (``ExportCancelled``) with nothing written."""
    render = renderer(format)
    target = Path(target).expanduser()
    if progress is not None:
        progress(0, 3)
    report = services.board_report.build(include_confidential=include_confidential)
    check_cancelled(cancelled)
    if progress is not None:
        progress(1, 3)
    render(report, target, cancelled=cancelled)
    if progress is not None:
        progress(3, 3)
    return report
