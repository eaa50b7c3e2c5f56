"""What the timeline says: the hover text of a bar and of a milestone, the summary line, and the dates a period
stands for. No Qt widgets here, so these are tested without a window."""

from __future__ import annotations

import html
from datetime import date, timedelta

from locality.domain.text import plural
from locality.domain.values import format_date
from locality.services.timeline import Timeline, TimelineAction, TimelineGrouping, TimelineMilestone
from locality.ui.rag import rag_text

#: The periods the timeline can be narrowed to, for a board looking ahead or over its year.
PERIODS = {"next3": "Next three months", "year": "This financial year", "plan": "The plan period"}


def describe_action(action: TimelineAction) -> str:
    """The hover text of a bar (rich text)."""
    title = html.escape(action.title)
    lines = [f"<b>{title}</b>"]
    lines.append(f"Lead: {html.escape(action.lead_organisation_name) or 'no lead organisation'}")
    if action.theme_name:
        lines.append(f"Theme: {html.escape(action.theme_name)}")
    dates = [
        f"Start {format_date(action.start_on)}" if action.start_on else "No start date",
        f"due {format_date(action.due_on)}" if action.due_on else "no due date",
    ]
    if action.completed_on:
        dates.append(f"completed on {format_date(action.completed_on)}")
    lines.append(", ".join(dates))
    if action.start_estimated:
        lines.append(f"<i>Drawn from {format_date(action.bar_start)}, as it has no start date</i>")
    if action.end_estimated:
        lines.append(f"<i>Drawn to {format_date(action.bar_end)}, as it has no due date</i>")
    lines.append(f"{action.status.value}, {action.percent_complete}% complete")
    lines.append(f"RAG: <b>{rag_text(action.rag)}</b> — {html.escape(action.rag_reason)}")
    if action.milestones:
        done = sum(1 for m in action.milestones if m.done)
        overdue = action.overdue_milestones
        text = f"Milestones: {len(action.milestones)} ({done} done"
        text += f", {overdue} overdue)" if overdue else ")"
        lines.append(text)
    return "<br>".join(lines)


def describe_milestone(milestone: TimelineMilestone, action: TimelineAction) -> str:
    lines = [f"<b>Milestone: {html.escape(milestone.title)}</b>", f"Due {format_date(milestone.due_on)}"]
    if milestone.done_on is not None:
        lines.append(f"Done on {format_date(milestone.done_on)}")
    elif milestone.overdue:
        lines.append("<span style='color:#c62828'><b>Overdue</b></span>: not done yet")
    else:
        lines.append("Not done yet")
    lines.append(f"Action: {html.escape(action.title)}")
    return "<br>".join(lines)


def summary_text(timeline: Timeline) -> str:
    """How many actions in how many groups, and how many were left out for want of dates."""
    groups = len(timeline.groups)
    noun = "theme" if timeline.grouping == TimelineGrouping.THEME else "lead organisation"
    count = timeline.action_count
    summary = f"{plural(count, 'action')} in {plural(groups, noun)}"
    if timeline.grouping == TimelineGrouping.THEME and any(g.key is None for g in timeline.groups):
        summary += " (one of them “No theme”)"
    parts = [summary] if count else []
    if timeline.undated_text:
        parts.append(timeline.undated_text + " (give them a start or due date on the Actions page)")
    return " · ".join(parts)


def period_dates(
    key: str | None, today: date, plan: tuple[date | None, date | None] = (None, None)
) -> tuple[date | None, date | None]:
    """The dates a ``PERIODS`` choice stands for on ``today`` (None, None for all dates); ``plan`` is the
    workspace's plan period."""
    if key == "next3":
        return today, today + timedelta(days=91)
    if key == "year":  # the financial year, 1 April to 31 March, that today falls in
        first = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
        return first, date(first.year + 1, 3, 31)
    if key == "plan":
        return plan
    return None, None
