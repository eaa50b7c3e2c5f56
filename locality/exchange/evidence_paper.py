"""The evidence paper: what the partnership invested, what it bought, what moved and which kinds of support did
best, for the board and the support bodies. Its content (``services.evidence_report``) is put into the board
paper's blocks — title, headings, sentences, tables and charts — and laid out by the board paper's PDF and Word
writers, so both papers look alike.

``write_evidence_paper`` is what the command line and the window call.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from locality.domain.errors import ValidationError
from locality.domain.text import plural
from locality.domain.values import format_date, format_money_whole, format_value
from locality.exchange import charts
from locality.exchange.board_paper import (
    FORMATS,
    Block,
    Charts,
    Heading,
    NewPage,
    Table,
    TableColumn,
    Text,
    Title,
    money_axis,
)
from locality.exchange.charts import Bar, Chart
from locality.services.evidence_report import EvidenceReport
from locality.services.plan import Cancelled, Progress, check_cancelled
from locality.services.what_works import (
    TOO_FEW,
    Grouping,
    IndicatorMove,
    WhatWorks,
    WhatWorksRow,
    on_time_text,
    percent,
    row_cells,
    spread_text,
)

if TYPE_CHECKING:
    from locality.services.registry import Services

TITLE = "Evidence of what works"
SUMMARY_TITLE = "Summary"
INVESTED_TITLE = "What was invested"
BOUGHT_TITLE = "What it bought"
MOVED_TITLE = "What moved"
BEST_TITLE = "Which kinds of support did best"
METHOD_TITLE = "How the figures are worked out"
#: Rows a table lists before "…and N more".
ROWS_SHOWN = 12
#: Bars a chart shows (the largest groups).
BARS_SHOWN = 8

METHOD = (
    "Only completed actions count. An action finished on time when it was completed on or before its due date; "
    "actions without both dates are left out of that figure. Cost against budget is each action's recorded spend "
    "as a share of its budget, for the actions with a budget: the median and the range across them, not an "
    "average that one large action could sway. An indicator evidences an action when it is linked to the action "
    "or to a need the action addresses; its movement is how far its latest value (the running total, for a "
    "cumulative indicator) has come from its baseline toward its target — 0% at the baseline, 100% at the "
    "target, more when it went past, less than 0% when it moved the wrong way — and each indicator is counted "
    "once in a group however many of the group's actions it evidences. Indicators move for many reasons: "
    "movement shows what happened alongside the actions, not that they caused it. "
    f"A figure resting on fewer than {TOO_FEW} actions is marked too few to trust."
)


def _more(count: int, what: str) -> list[Block]:
    return [Text(f"…and {count:,} more {what}.")] if count > 0 else []


# --------------------------------------------------------------------------- sections


def summary_text(report: EvidenceReport) -> str:
    """The headline figures in a paragraph."""
    total = report.by_type.total
    parts = [
        f"The partnership has allocated {format_money_whole(report.allocated_pence)} to its actions from "
        f"{plural(sum(1 for source in report.sources if source.allocated_pence), 'funding source')} "
        f"and spent {format_money_whole(report.spent_pence)}.",
        f"{plural(total.count, 'action')} of the {report.action_count:,} in the plan "
        f"{'has' if total.count == 1 else 'have'} been completed, at a cost of "
        f"{format_money_whole(total.spend_pence)}.",
    ]
    if total.on_time_share is not None:
        parts.append(
            f"{len(total.on_time_ids):,} of the {plural(len(total.dated_ids), 'completed action')} with a due date "
            f"({percent(total.on_time_share)}) finished on or before it."
        )
    if total.cost_ratio is not None:
        parts.append(
            f"Those with a budget spent a median {percent(total.cost_ratio.median)} of it "
            f"(range {percent(total.cost_ratio.low)} to {percent(total.cost_ratio.high)}, "
            f"{plural(total.cost_ratio.count, 'action')})."
        )
    if total.movement is not None:
        parts.append(
            f"{plural(total.movement.count, 'measured indicator')} evidence "
            f"{plural(len(total.movement_ids), 'completed action')}; the median indicator has moved "
            f"{percent(total.movement.median)} of the way from its baseline to its target."
        )
    else:
        parts.append("No measured indicator evidences a completed action yet.")
    trusted = [row for row in report.by_type.rows if not row.warning and row.name != Grouping.ACTION_TYPE.missing]
    if not trusted:
        parts.append(
            f"No kind of action has {TOO_FEW} or more completed actions behind it yet, so the comparisons below "
            "show early signs rather than proof."
        )
    return " ".join(parts)


def invested_blocks(report: EvidenceReport) -> list[Block]:
    blocks: list[Block] = [Heading(INVESTED_TITLE, 0)]
    if not report.sources:
        return [*blocks, Text("No funding has been allocated or spent yet.")]
    rows = [
        (
            source.funding_source_name,
            format_money_whole(source.allocated_pence),
            format_money_whole(source.spent_pence),
            percent(source.spent_pence / source.allocated_pence) if source.allocated_pence else "",
        )
        for source in report.sources
    ]
    rows.append(
        (
            "All sources",
            format_money_whole(report.allocated_pence),
            format_money_whole(report.spent_pence),
            percent(report.spent_pence / report.allocated_pence) if report.allocated_pence else "",
        )
    )
    columns = (
        TableColumn("Funding source", 4),
        TableColumn("Allocated", 2, right=True),
        TableColumn("Spent", 2, right=True),
        TableColumn("Spent of allocated", 2, right=True),
    )
    blocks += [
        Text("Allocations and spend across every action in the plan, open or completed, by funding source."),
        Table(columns, tuple(rows), width=0.7),
    ]
    return blocks


def _bought_table(table: WhatWorks, heading: str) -> list[Block]:
    spent = table.total.spend_pence
    rows = [
        (
            row.name,
            f"{row.count:,}",
            format_money_whole(row.spend_pence),
            percent(row.spend_pence / spent) if spent else "",
        )
        for row in table.rows[:ROWS_SHOWN]
    ]
    columns = (
        TableColumn(heading, 5),
        TableColumn("Completed actions", 2, right=True),
        TableColumn("Spend", 2, right=True),
        TableColumn("Share of the spend", 2, right=True),
    )
    blocks: list[Block] = [Heading(f"By {heading.lower()}", 1), Table(columns, tuple(rows), width=0.8)]
    return blocks + _more(len(table.rows) - ROWS_SHOWN, heading.lower() + "s")


def bought_blocks(report: EvidenceReport) -> list[Block]:
    blocks: list[Block] = [Heading(BOUGHT_TITLE, 0)]
    total = report.by_type.total
    if total.count == 0:
        return [*blocks, Text("No action has been completed yet.")]
    blocks.append(
        Text(
            f"{plural(total.count, 'completed action')}, {format_money_whole(total.spend_pence)} spent on them, by "
            "the kind of action, who provided the support and the support offer it was commissioned from."
        )
    )
    blocks += _bought_table(report.by_type, "Action type")
    blocks += _bought_table(report.by_provider, "Provider")
    if report.any_offer:
        blocks += _bought_table(report.by_offer, "Support offer")
    else:
        blocks.append(Text("No completed action was commissioned from the support directory's offers yet."))
    return blocks


def _moves(report: EvidenceReport) -> list[IndicatorMove]:
    """The measured indicators evidencing completed actions, those evidencing the most actions first."""
    return sorted(report.by_type.total.moves, key=lambda move: (-len(move.action_ids), move.name.casefold()))


def moved_blocks(report: EvidenceReport) -> list[Block]:
    blocks: list[Block] = [Heading(MOVED_TITLE, 0)]
    moves = _moves(report)
    total = report.by_type.total
    if not moves:
        return [
            *blocks,
            Text(
                "No indicator with a baseline, a target and a measurement is linked to a completed action or to a "
                "need one addressed, so there is no movement to report yet."
            ),
        ]
    assert total.movement is not None
    blocks.append(
        Text(
            f"{plural(len(moves), 'measured indicator')} evidence {plural(len(total.movement_ids), 'completed action')}"
            f". The median has moved {spread_text(total.movement)} of the way from baseline to target."
        )
    )
    rows = tuple(
        (
            move.name,
            format_value(move.baseline, move.unit),
            format_value(move.actual, move.unit),
            format_value(move.target, move.unit),
            percent(move.fraction),
            f"{len(move.action_ids):,}",
        )
        for move in moves[:ROWS_SHOWN]
    )
    columns = (
        TableColumn("Indicator", 6),
        TableColumn("Baseline", 2, right=True),
        TableColumn("Latest", 2, right=True),
        TableColumn("Target", 2, right=True),
        TableColumn("Moved toward target", 2, right=True),
        TableColumn("Completed actions", 2, right=True),
    )
    return [*blocks, Table(columns, rows), *_more(len(moves) - ROWS_SHOWN, "indicators")]


def what_works_table(table: WhatWorks) -> list[Block]:
    columns = (
        TableColumn(table.grouping.value, 4),
        TableColumn("Completed", 1.4, right=True),
        TableColumn("Finished on time", 2.2, right=True),
        TableColumn("Spend as share of budget: median (range)", 3.6),
        TableColumn("Indicator movement: median (range)", 4),
        TableColumn("Trust", 2.4),
    )

    rows = [row_cells(row) for row in table.rows[:ROWS_SHOWN]]
    rows.append(row_cells(table.total))
    blocks: list[Block] = [Table(columns, tuple(rows))]
    return blocks + _more(len(table.rows) - ROWS_SHOWN, "groups (in the total)")


def _best_sentence(table: WhatWorks) -> str:
    # Actions recorded without a type, provider or offer are no kind of support to commend.
    trusted = [
        row
        for row in table.rows
        if not row.warning and row.on_time_share is not None and row.name != table.grouping.missing
    ]
    what = table.grouping.value.lower()
    if not trusted:
        return (
            f"No {what} has {TOO_FEW} or more completed actions behind it yet: read the rows as early signs, "
            "not as a ranking."
        )
    if len(trusted) == 1:
        only = trusted[0]
        return (
            f"Only {only.name} has {TOO_FEW} or more completed actions behind it ({on_time_text(only)} finished on "
            f"time); no other {what} has enough to compare it with."
        )
    best = max(trusted, key=lambda row: (row.on_time_share or 0, row.count))
    return (
        f"Of the {plural(len(trusted), what)} with {TOO_FEW} or more completed actions, {best.name} finished on "
        f"time most often: {on_time_text(best)}."
    )


def best_blocks(report: EvidenceReport) -> list[Block]:
    blocks: list[Block] = [Heading(BEST_TITLE, 0)]
    if report.by_type.total.count == 0:
        return [*blocks, Text("No action has been completed yet, so there is nothing to compare.")]
    tables = [report.by_type, report.by_provider]
    if report.any_offer:
        tables.append(report.by_offer)
    for table in tables:
        blocks += [Heading(f"By {table.grouping.value.lower()}", 1), Text(_best_sentence(table))]
        blocks += what_works_table(table)
    return blocks


# --------------------------------------------------------------------------- charts


def _largest(rows: Sequence[WhatWorksRow]) -> list[WhatWorksRow]:
    return list(rows[:BARS_SHOWN])


def report_charts(report: EvidenceReport, width: float) -> list[Chart]:
    """Investment by funding source, completed actions by type, finished on time by type, indicator movement."""
    sources = [source for source in report.sources if source.allocated_pence or source.spent_pence]
    largest = max((max(s.allocated_pence, s.spent_pence) for s in sources), default=0)
    unit, unit_name = money_axis(largest)
    _budget, allocated_colour, spent_colour = charts.SPEND

    def money_bar(pence: int, colour: charts.Colour) -> Bar:
        return Bar(pence / unit, colour, format_money_whole(pence))

    invested = charts.bar_chart(
        "Invested by funding source",
        [
            (
                source.funding_source_name,
                [money_bar(source.allocated_pence, allocated_colour), money_bar(source.spent_pence, spent_colour)],
            )
            for source in sources
        ],
        width,
        legend=(("Allocated", allocated_colour), ("Spent", spent_colour)),
    )
    invested.labels.append(charts.Label(width, charts.TITLE_SIZE, f"axis: {unit_name}", 6.5, anchor="end"))
    types = _largest(report.by_type.rows)
    bought = charts.bar_chart(
        "Completed actions by action type",
        [(row.name, [Bar(row.count, charts.STATUS, f"{row.count:,}")]) for row in types],
        width,
    )
    dated = [row for row in types if row.on_time_share is not None]
    on_time = charts.bar_chart(
        "Finished on time, by action type",
        [
            (
                row.name,
                [
                    Bar(
                        100 * (row.on_time_share or 0),
                        charts.GREEN if not row.warning else charts.NOT_RATED,
                        f"{percent(row.on_time_share or 0)} ({len(row.on_time_ids)} of {len(row.dated_ids)})",
                    )
                ],
            )
            for row in dated
        ],
        width,
        legend=(("5 or more actions", charts.GREEN), ("Too few to trust", charts.NOT_RATED)),
        axis_format=lambda value: f"{value:,.0f}%",
    )
    moves = _moves(report)[:BARS_SHOWN]
    moved = charts.bar_chart(
        "Indicator movement toward target",
        [
            (
                move.name,
                [
                    Bar(
                        max(0.0, 100 * move.fraction),
                        charts.GREEN if move.fraction >= 1 else charts.AMBER,
                        percent(move.fraction),
                    )
                ],
            )
            for move in moves
        ],
        width,
        legend=(("Target met", charts.GREEN), ("Not yet", charts.AMBER)),
        axis_format=lambda value: f"{value:,.0f}%",
    )
    return [invested, bought, on_time, moved]


# --------------------------------------------------------------------------- the paper


def paper_blocks(report: EvidenceReport, page_width: float) -> list[Block]:
    """The paper, block by block, for a page ``page_width`` points wide (charts two to a row)."""
    blocks: list[Block] = [Title(TITLE, report.partnership)]
    facts = [
        report.area,
        f"Plan period {report.plan_period}" if report.plan_period else "",
        f"Figures as at {format_date(report.produced_on)}",
    ]
    blocks.append(Text(" · ".join(fact for fact in facts if fact)))
    blocks += [Heading(SUMMARY_TITLE, 0), Text(summary_text(report))]
    blocks += invested_blocks(report)
    # How to read the figures comes before them, where the first page has room for it.
    blocks += [Heading(METHOD_TITLE, 0), Text(METHOD)]
    chart_width = (page_width - 30) / 2
    invested, bought, on_time, moved = report_charts(report, chart_width)
    blocks += [NewPage(), Charts((invested, bought)), Charts((on_time, moved))]
    blocks += [NewPage(), *bought_blocks(report), *moved_blocks(report)]
    blocks += best_blocks(report)
    return blocks


# --------------------------------------------------------------------------- writing


def _format(format: str) -> str:
    chosen = format.strip().lower().lstrip(".")
    if chosen not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise ValidationError(
            {"format": f'"{format.strip()}" is not a format for the evidence paper; use one of: {allowed}'}
        )
    return chosen


def render_evidence_paper(
    report: EvidenceReport, format: str, target: Path, *, cancelled: Cancelled | None = None
) -> None:
    """Writes ``report`` to ``target`` as a PDF or Word paper, atomically."""

    def blocks_for(width: float) -> list[Block]:
        return paper_blocks(report, width)

    if _format(format) == "pdf":
        from locality.exchange.board_paper_pdf import write_paper_pdf

        write_paper_pdf(blocks_for, target, title=TITLE, partnership=report.partnership, cancelled=cancelled)
    else:
        from locality.exchange.board_paper_docx import write_paper_docx

        write_paper_docx(
            blocks_for,
            target,
            title=TITLE,
            partnership=report.partnership,
            produced_on=report.produced_on,
            cancelled=cancelled,
        )


def write_evidence_paper(
    services: Services,
    format: str,
    target: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> EvidenceReport:
    """The evidence paper as of today, written to ``target`` as ``format`` (pdf or docx), atomically; returns
    what it holds. ``cancelled()`` returning True stops it (``ExportCancelled``) with nothing written."""
    chosen = _format(format)
    target = Path(target).expanduser()
    if progress is not None:
        progress(0, 3)
    report = services.evidence_report.build()
    check_cancelled(cancelled)
    if progress is not None:
        progress(1, 3)
    render_evidence_paper(report, chosen, target, cancelled=cancelled)
    if progress is not None:
        progress(3, 3)
    return report
