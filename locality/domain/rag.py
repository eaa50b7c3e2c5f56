"""The RAG rule: an action's Red / Amber / Green rating, derived from its dates, milestones and progress.

A rating set by hand overrides the rule. ``assess_rag`` applies the rule and says why in words a coordinator
reads; ``describe_rule`` states the rule itself, with the thresholds in force, for the app to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from locality.domain.errors import ValidationError
from locality.domain.text import noun_for
from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus, Rag


@dataclass(frozen=True)
class RagThresholds:
    """The numbers the rule uses; a workspace may tune them."""

    due_soon_days: int = 14
    # percentage points behind the percent expected from the time elapsed between start and due
    amber_shortfall: int = 10
    red_shortfall: int = 25
    amber_overdue_milestones: int = 1
    red_overdue_milestones: int = 2

    def validate(self) -> RagThresholds:
        """Return self, or raise ``ValidationError`` naming each bad threshold."""
        errors: dict[str, str] = {}
        labels = {
            "due_soon_days": "Days counted as due soon",
            "amber_shortfall": "The Amber shortfall",
            "red_shortfall": "The Red shortfall",
            "amber_overdue_milestones": "Overdue milestones for Amber",
            "red_overdue_milestones": "Overdue milestones for Red",
        }
        for name, label in labels.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                errors[name] = f"{label} must be a whole number."
            elif value < 0:
                errors[name] = f"{label} cannot be negative."
            elif name.endswith("shortfall") and value > 100:
                errors[name] = f"{label} cannot be more than 100 percentage points."
        if (
            "amber_shortfall" not in errors
            and "red_shortfall" not in errors
            and self.amber_shortfall > self.red_shortfall
        ):
            errors["amber_shortfall"] = "The Amber shortfall cannot be more than the Red shortfall."
        if (
            "amber_overdue_milestones" not in errors
            and "red_overdue_milestones" not in errors
            and self.amber_overdue_milestones > self.red_overdue_milestones
        ):
            errors["amber_overdue_milestones"] = (
                "Overdue milestones for Amber cannot be more than overdue milestones for Red."
            )
        if errors:
            raise ValidationError(errors)
        return self


DEFAULT_THRESHOLDS = RagThresholds()


class MilestoneDates(NamedTuple):
    # A named pair rather than a dataclass: an export rates 20,000 actions with 47,000 milestones between them.
    due: date | None
    done_on: date | None


class RagInput(NamedTuple):
    """An action's values the rule reads (a named tuple, as ``MilestoneDates``: made for every action rated)."""

    status: ActionStatus
    start: date | None
    due: date | None
    completed_on: date | None
    percent_complete: int
    milestones: tuple[MilestoneDates, ...] = ()
    override: Rag | None = None
    override_reason: str = ""


class RagAssessment(NamedTuple):
    rag: Rag | None  # None: not rated
    reason: str
    derived: bool  # False when set by hand
    expected_percent: int | None = None
    overdue_milestones: int = 0


def expected_percent(start: date | None, due: date | None, today: date) -> int | None:
    """Percent complete expected by ``today`` if work runs evenly from ``start`` (0%) to ``due`` (100%).

    None unless both dates are known and the start has come. Rounded to the nearest whole percent.
    """
    if start is None or due is None or start > today:
        return None
    span = (due - start).days
    if span <= 0:
        return 100
    elapsed = (today - start).days
    percent = (200 * elapsed + span) // (2 * span)  # round half up, in integers
    return max(0, min(100, percent))


def count_overdue_milestones(milestones: tuple[MilestoneDates, ...], today: date) -> int:
    """Milestones due before ``today`` and not done by ``today``; one done late is done, not overdue."""
    return sum(
        1 for m in milestones if m.due is not None and m.due < today and (m.done_on is None or m.done_on > today)
    )


_NO_DUE_DATE = "No due date set"


def _milestones_text(count: int) -> str:
    return f"{count} {noun_for(count, 'milestone')} overdue"


def _facts(item: RagInput, today: date, expected: int | None, overdue: int, headline: str) -> str:
    """The facts behind a rating, leaving out what the headline already says."""
    parts: list[str] = []
    if item.start is not None and item.start > today:
        parts.append(f"starts {format_date(item.start)}")
    if item.due is not None:
        parts.append(f"due {format_date(item.due)}")
    elif headline != _NO_DUE_DATE:
        parts.append(_NO_DUE_DATE.lower())
    percent = f"{item.percent_complete}% complete"
    if expected is not None and item.due is not None and today <= item.due:  # once overdue, 100% goes unsaid
        percent += f" ({expected}% expected)"
    parts.append(percent)
    if overdue and headline != _milestones_text(overdue):
        parts.append(_milestones_text(overdue))
    return ", ".join(parts)


def assess_rag(item: RagInput, today: date, thresholds: RagThresholds = DEFAULT_THRESHOLDS) -> RagAssessment:
    """Rate ``item`` as at ``today``; the first rule that applies decides (see ``describe_rule``)."""
    expected = expected_percent(item.start, item.due, today)
    overdue = count_overdue_milestones(item.milestones, today)

    def result(rag: Rag | None, reason: str, derived: bool = True) -> RagAssessment:
        return RagAssessment(rag, reason, derived, expected, overdue)

    def with_facts(rag: Rag, headline: str) -> RagAssessment:
        return result(rag, f"{headline}: {_facts(item, today, expected, overdue, headline)}")

    # a) set by hand
    if item.override is not None:
        reason = item.override_reason.strip() or "no reason given"
        return result(item.override, f"Set by hand: {reason}", derived=False)
    # b) closed
    if item.status == ActionStatus.CANCELLED:
        return result(None, "Cancelled: not rated")
    if item.status == ActionStatus.COMPLETED:
        if item.completed_on is not None:
            return result(Rag.GREEN, f"Completed on {format_date(item.completed_on)}")
        return result(Rag.GREEN, "Completed")
    # c) paused: Amber while there is time, but a pause does not stop the clock — past its due date an action
    # on hold is as overdue as any other (a board must not see one 473 days late as Amber)
    if item.status == ActionStatus.ON_HOLD:
        if item.due is not None and today > item.due:
            return with_facts(Rag.RED, "Overdue and on hold")
        return with_facts(Rag.AMBER, "On hold")
    # d) past its due date
    if item.due is not None and today > item.due:
        return with_facts(Rag.RED, "Overdue")
    # e) milestones overdue
    red_milestones = max(1, thresholds.red_overdue_milestones)
    amber_milestones = max(1, thresholds.amber_overdue_milestones)
    if overdue >= red_milestones:
        return with_facts(Rag.RED, _milestones_text(overdue))
    if overdue >= amber_milestones:
        return with_facts(Rag.AMBER, _milestones_text(overdue))
    # f) behind the time elapsed
    if expected is not None:
        shortfall = expected - item.percent_complete
        if shortfall >= max(1, thresholds.red_shortfall):
            return with_facts(Rag.RED, "Behind schedule")
        if shortfall >= max(1, thresholds.amber_shortfall):
            return with_facts(Rag.AMBER, "Behind schedule")
    # g) due soon and not finished
    if item.due is not None and (item.due - today).days <= thresholds.due_soon_days and item.percent_complete < 100:
        return with_facts(Rag.AMBER, "Due soon")
    # h) no plan
    if item.due is None:
        if item.status == ActionStatus.IN_PROGRESS:
            return with_facts(Rag.AMBER, _NO_DUE_DATE)
        return with_facts(Rag.GREEN, str(item.status))
    # i) on track
    return with_facts(Rag.GREEN, "On track")


def describe_rule(thresholds: RagThresholds = DEFAULT_THRESHOLDS) -> str:
    """The rule in plain British English, as a numbered list with the thresholds filled in."""
    red_m = max(1, thresholds.red_overdue_milestones)
    amber_m = max(1, thresholds.amber_overdue_milestones)
    red_s = max(1, thresholds.red_shortfall)
    amber_s = max(1, thresholds.amber_shortfall)
    days = thresholds.due_soon_days

    def milestones(count: int) -> str:
        return f"{count} or more milestones are" if count > 1 else "any milestone is"

    milestone_rule = f"An action is Red if {milestones(red_m)} overdue (past their due date and not done)"
    if amber_m < red_m:
        milestone_rule += f"; Amber if {milestones(amber_m)} overdue"
    shortfall_rule = f"Red if it is {red_s} or more percentage points behind"
    if amber_s < red_s:
        shortfall_rule += f"; Amber if {amber_s} or more points behind"
    if days <= 0:
        soon = "due today"
    elif days == 1:
        soon = "due within the next day"
    else:
        soon = f"due within the next {days} days"

    lines = [
        "An action's RAG rating is worked out from its dates, milestones and percent complete. "
        "The first rule that applies decides:",
        "1. A rating set by hand always wins, and the reason given is shown with it.",
        "2. Cancelled actions are not rated. Completed actions are Green.",
        "3. An action on hold is Amber until its due date; once past its due date it is Red, as overdue as any other.",
        "4. An action past its due date is Red.",
        f"5. {milestone_rule}.",
        "6. Once an action has started, its percent complete is compared with the percent expected by now, "
        "which rises evenly from 0% on the start date to 100% on the due date: "
        f"{shortfall_rule}.",
        f"7. An action {soon} that is not 100% complete is Amber.",
        "8. An action in progress with no due date is Amber.",
        "9. Anything else is Green.",
    ]
    return "\n".join(lines)
