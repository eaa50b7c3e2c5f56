"""The joint action plan as one standalone HTML page: inline styles, no scripts, nothing fetched from elsewhere.

Every piece of text from the plan is escaped with ``html.escape``, so a title such as ``<script>`` is shown, never
run. Tables have a ``thead``, which the print style sheet repeats at the top of each printed page; the RAG is the
word itself on a background of its colour (``bgcolor`` too, for Qt's preview, which reads few style rules).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from locality.domain.values import format_date
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

__all__ = ["render_html"]

# Tints dark enough to tell apart, light enough for black text; the word in the cell is what counts.
RAG_FILLS = {"Red": "#e57373", "Amber": "#ffc04d", "Green": "#81c784"}
OVERDUE_FILL = RAG_FILLS["Red"]

SECTIONS = (
    ("summary", "Summary"),
    ("needs", "Needs addressed"),
    ("actions", "Actions"),
    ("milestones", "Milestones"),
    ("indicators", "Indicators"),
    ("sign-off", "Sign-off"),
)

_TICK_ROWS = 500  # rows between progress reports and cancel checks
# Control characters (other than tab and line breaks) and lone surrogates: not allowed in an HTML document.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; color: #000; background: #fff; margin: 1.5em; }
h1 { font-size: 22pt; margin: 0 0 0.3em; }
h2 { font-size: 15pt; margin: 1.6em 0 0.4em; border-bottom: 1px solid #888; }
h3 { font-size: 11pt; margin: 1.2em 0 0.3em; }
.cover { margin-bottom: 2em; }
.cover .partnership { font-size: 16pt; font-weight: bold; margin: 0.2em 0 0.6em; }
.cover p { margin: 0.2em 0; }
.confidentiality { font-weight: bold; margin-top: 1em; }
nav ul { padding-left: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; font-size: 8.5pt; }
table.narrow { width: auto; min-width: 40%; }
th, td { border: 1px solid #888; padding: 3px 5px; text-align: left; vertical-align: top; }
thead th { background-color: #d9d9d9; }
.num { text-align: right; white-space: nowrap; }
.date { white-space: nowrap; }
td.rag-red { background-color: #e57373; }
td.rag-amber { background-color: #ffc04d; }
td.rag-green { background-color: #81c784; }
td.overdue { background-color: #e57373; }
.sign-off td { height: 3em; }
.sign-off th { width: 25%; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 9pt; }
  nav { display: none; }
  .cover { page-break-after: always; break-after: page; }
  section { page-break-before: always; break-before: page; }
  h2, h3 { page-break-after: avoid; break-after: avoid; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  td.rag-red, td.rag-amber, td.rag-green, td.overdue, thead th {
    -webkit-print-color-adjust: exact; print-color-adjust: exact;
  }
}
"""


def _escape(text: str) -> str:
    """``text`` safe to put in HTML (markup escaped, line breaks kept)."""
    return html.escape(_NOT_TEXT.sub("", text)).replace("\r\n", "\n").replace("\n", "<br>")


# --- progress and cancel ---------------------------------------------------------------------------------


# --- tables ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    heading: str
    kind: str = ""  # "num" for numbers and money, "date" for dates: both kept on one line


def _table(
    columns: Sequence[_Column],
    rows: Sequence[Sequence[str]],
    ticker: Ticker,
    *,
    classes: Sequence[str | None] | None = None,
    shaded_column: int | None = None,
    css_class: str = "",
) -> Iterator[str]:
    """A table with a ``thead``, in pieces; ``classes`` gives each row's shaded cell its class."""
    yield f'<table class="{css_class}">\n' if css_class else "<table>\n"
    yield "<thead><tr>"
    for heading in columns:
        yield f'<th class="{heading.kind}">' if heading.kind else "<th>"
        yield _escape(heading.heading)
        yield "</th>"
    yield "</tr></thead>\n<tbody>\n"
    plain = [f'<td class="{column.kind}">' if column.kind else "<td>" for column in columns]
    fills = {f"rag-{name.lower()}": colour for name, colour in RAG_FILLS.items()} | {"overdue": OVERDUE_FILL}
    parts: list[str] = []
    for index, row in enumerate(rows):
        if index % _TICK_ROWS == 0 and index:
            yield "".join(parts)
            parts = []
            ticker.advance(_TICK_ROWS)
        shade = classes[index] if classes is not None else None
        parts.append("<tr>")
        for column, text in enumerate(row):
            if shade is not None and column == shaded_column:
                parts.append(f'<td class="{shade}" bgcolor="{fills[shade]}">')
            else:
                parts.append(plain[column])
            parts.append(_escape(text))
            parts.append("</td>")
        parts.append("</tr>\n")
    parts.append("</tbody>\n</table>\n")
    yield "".join(parts)
    count = len(rows)
    ticker.advance(count - (count - 1) // _TICK_ROWS * _TICK_ROWS if count else 0)


def _rag_class(label: str | None) -> str | None:
    return f"rag-{label.lower()}" if label in RAG_FILLS else None


# --- the page --------------------------------------------------------------------------------------------


def _page(plan: Plan, ticker: Ticker) -> Iterator[str]:
    title = f"Joint action plan – {plan.partnership}" if plan.partnership else "Joint action plan"
    yield '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    yield '<meta name="generator" content="Locality">\n'
    yield f"<title>{_escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    yield from _cover(plan)
    yield from _summary(plan, ticker)
    yield from _needs(plan, ticker)
    yield from _actions(plan, ticker)
    yield from _milestones(plan, ticker)
    yield from _indicators(plan, ticker)
    yield from _sign_off(plan)
    yield "</body>\n</html>\n"


def _cover(plan: Plan) -> Iterator[str]:
    yield '<header class="cover">\n<h1>Joint action plan</h1>\n'
    if plan.partnership:
        yield f'<p class="partnership">{_escape(plan.partnership)}</p>\n'
    if plan.area:
        yield f'<p class="area">{_escape(plan.area)}</p>\n'
    if plan.period:
        yield f"<p>Plan period: {_escape(plan.period)}</p>\n"
    yield f"<p>Produced on {format_date(plan.generated_on)}</p>\n"
    yield "<h3>Filters used</h3>\n<ul>\n"
    for line in plan.filters or ("All actions",):
        yield f"<li>{_escape(line)}</li>\n"
    yield "</ul>\n"
    statement = CONFIDENTIAL_IN if plan.confidential_included else CONFIDENTIAL_OUT
    yield f'<p class="confidentiality">{statement}</p>\n'
    yield "<nav>\n<h3>Contents</h3>\n<ul>\n"
    for anchor, heading in SECTIONS:
        yield f'<li><a href="#{anchor}">{heading}</a></li>\n'
    yield "</ul>\n</nav>\n</header>\n"


def _section(anchor: str) -> str:
    heading = dict(SECTIONS)[anchor]
    return f'<section id="{anchor}">\n<h2>{heading}</h2>\n'


def _nothing(sentence: str) -> str:
    return f'<p class="empty">{sentence}</p>\n'


def _summary(plan: Plan, ticker: Ticker) -> Iterator[str]:
    summary = plan.summary
    yield _section("summary")
    yield from _table(
        [_Column("Figure"), _Column("Value", "num")], key_figure_rows(summary), ticker, css_class="narrow"
    )
    yield "<h3>Actions by status</h3>\n"
    yield from _table(
        [_Column("Status"), _Column("Actions", "num")], count_rows(summary.by_status), ticker, css_class="narrow"
    )
    yield f"<h3>{RAG_SPLIT_TITLE}</h3>\n"
    yield from _table(
        [_Column("RAG"), _Column("Actions", "num")],
        count_rows(summary.by_rag),
        ticker,
        classes=[_rag_class(row.label) for row in summary.by_rag],
        shaded_column=0,
        css_class="narrow",
    )
    yield "<h3>By theme</h3>\n"
    if summary.by_theme:
        columns = [_Column("Theme"), _Column("Needs", "num"), _Column("Actions", "num")]
        columns += [_Column("Budget", "num"), _Column("Spend", "num")]
        yield from _table(columns, theme_rows(summary), ticker)
    else:
        yield _nothing("There are no themes to show.")
    yield "<h3>Partner organisations</h3>\n"
    if not plan.organisations:
        yield _nothing("There are no organisations in this plan.")
    else:
        columns = [_Column("Organisation"), _Column("Short name"), _Column("Type")]
        if plan.confidential_included:
            columns += [_Column("Contact"), _Column("E-mail")]
        yield from _table(columns, organisation_rows(plan), ticker)
    yield "</section>\n"


def _needs(plan: Plan, ticker: Ticker) -> Iterator[str]:
    yield _section("needs")
    if plan.needs:
        columns = [
            _Column("Need"),
            _Column("Theme"),
            _Column("Organisations"),
            _Column("Priority"),
            _Column("Status"),
            _Column("Actions", "num"),
            _Column("Notes"),
        ]
        yield from _table(columns, [need_row(need) for need in plan.needs], ticker)
    else:
        yield _nothing("There are no needs in this plan.")
    yield "</section>\n"


def _actions(plan: Plan, ticker: Ticker) -> Iterator[str]:
    yield _section("actions")
    actions = plan.actions
    if actions:
        columns = [
            _Column("Action"),
            _Column("Theme"),
            _Column("Lead"),
            _Column("Owner"),
            _Column("Partners"),
            _Column("Needs addressed"),
            _Column("Start", "date"),
            _Column("Due", "date"),
            _Column("Status"),
            _Column("RAG"),
            _Column("Done", "num"),
            _Column("Budget", "num"),
            _Column("Spend", "num"),
            _Column("Latest progress"),
        ]
        classes = [_rag_class(action.rag.value if action.rag is not None else None) for action in actions]
        rows = [action_row(action, separate_lead=True) for action in actions]
        yield from _table(columns, rows, ticker, classes=classes, shaded_column=9)
    else:
        yield _nothing("There are no actions in this plan.")
    yield "</section>\n"


def _milestones(plan: Plan, ticker: Ticker) -> Iterator[str]:
    yield _section("milestones")
    milestones = plan.milestones
    if milestones:
        columns = [
            _Column("Action"),
            _Column("Milestone"),
            _Column("Due", "date"),
            _Column("Done", "date"),
            _Column("Progress"),
        ]
        classes = ["overdue" if milestone.overdue else None for milestone in milestones]
        rows = [milestone_row(milestone) for milestone in milestones]
        yield from _table(columns, rows, ticker, classes=classes, shaded_column=4)
    else:
        yield _nothing("There are no milestones in this plan.")
    yield "</section>\n"


def _indicators(plan: Plan, ticker: Ticker) -> Iterator[str]:
    yield _section("indicators")
    if plan.indicators:
        columns = [
            _Column("Indicator"),
            _Column("Unit"),
            _Column("Direction"),
            _Column("Baseline", "num"),
            _Column("Baseline date", "date"),
            _Column("Target", "num"),
            _Column("Target date", "date"),
            _Column("Latest", "num"),
            _Column("Latest date", "date"),
            _Column("To target", "num"),
            _Column("Evidences"),
        ]
        yield from _table(columns, [indicator_row(row) for row in plan.indicators], ticker)
    else:
        yield _nothing("There are no indicators in this plan.")
    yield "</section>\n"


def _sign_off(plan: Plan) -> Iterator[str]:
    yield _section("sign-off")
    lines = plan.sign_off
    if lines:
        yield f'<p class="confidentiality">{_escape(lines[0])}</p>\n'
    if len(lines) > 1:
        yield '<table class="sign-off">\n<tbody>\n'
        for label in lines[1:]:
            yield f'<tr><th scope="row">{_escape(label)}</th><td></td></tr>\n'
        yield "</tbody>\n</table>\n"
    yield "</section>\n"


def render_html(
    plan: Plan,
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    """Write ``plan`` to ``target`` as one standalone HTML page (UTF-8), atomically; a ``cancelled()`` that
    returns True raises ``ExportCancelled`` and leaves ``target`` as it was."""
    check_cancelled(cancelled)
    rows = table_rows(plan)
    ticker = Ticker(progress, cancelled, rows + 1)
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8", newline="\n") as stream:
        for piece in _page(plan, ticker):
            stream.write(piece)
        check_cancelled(cancelled)
    if progress is not None:
        progress(ticker.total, ticker.total)
