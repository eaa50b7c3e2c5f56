"""What works: the completed actions grouped by action type, provider, support offer or theme, and for each group
how many finished on time, what they cost against their budgets, and how far the indicators that evidence them
moved from baseline toward target — each figure with the number of actions behind it, its spread (median and range, not
only a total) and a plain warning when there are too few actions to trust it.

An indicator evidences an action when it is linked to the action, or to a need the action addresses. Its
movement is how far its latest value (the running total for a cumulative indicator) has come from its baseline
toward its target: 0 at the baseline, 1 at the target, above 1 past it and below 0 when it moved the wrong way;
which way is better follows the indicator. It shows what happened alongside the actions, not that they caused it.

Every figure can be drilled into: ``WhatWorksRow.actions_behind`` names the actions it was worked out from.
"""

from __future__ import annotations

import statistics
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cached_property

from locality.domain.text import plural
from locality.domain.values import format_date, format_money_whole
from locality.domain.vocabulary import Direction, TargetKind
from locality.services.context import ServiceContext
from locality.services.dashboard import FigureItem
from locality.services.indicators import actual_value
from locality.store import indicator_queries, what_works_queries
from locality.store.what_works_queries import CompletedActionRow

#: Fewer completed actions than this behind a figure, and the figure carries a warning.
TOO_FEW = 5
ALL_COMPLETED = "All completed actions"


class Grouping(Enum):
    ACTION_TYPE = "Action type"
    PROVIDER = "Provider"
    OFFER = "Support offer"
    THEME = "Theme"

    @property
    def missing(self) -> str:
        """The group of the actions recorded without one."""
        return {
            Grouping.ACTION_TYPE: "No action type",
            Grouping.PROVIDER: "No provider",
            Grouping.OFFER: "No support offer",
            Grouping.THEME: "No theme",
        }[self]


class Figure(Enum):
    """A figure of a row of the table, which can be drilled into."""

    ACTIONS = "Completed actions"
    ON_TIME = "Finished on time"
    COST = "Cost against budget"
    MOVEMENT = "Indicator movement"


@dataclass(frozen=True)
class Spread:
    """Median and range of some values, and how many there were."""

    median: float
    low: float
    high: float
    count: int


def spread(values: Sequence[float]) -> Spread | None:
    if not values:
        return None
    return Spread(statistics.median(values), min(values), max(values), len(values))


def too_few(count: int) -> str:
    """The warning for a figure resting on ``count`` actions, or "" when there are enough."""
    if count >= TOO_FEW:
        return ""
    return f"Only {plural(count, 'action')}: too few to trust"


def movement_fraction(
    direction: Direction, target_kind: TargetKind, baseline: float | None, target: float | None, actual: float | None
) -> float | None:
    """How far ``actual`` has come from ``baseline`` toward ``target`` (0 at the baseline, 1 at the target), not
    cut to 0–1: past the target is above 1, the wrong way below 0. None when a value is missing or the target is
    no move in the better direction. A running total starts from nothing unless a baseline says otherwise."""
    if baseline is None and target_kind == TargetKind.CUMULATIVE:
        baseline = 0.0
    if baseline is None or target is None or actual is None:
        return None
    distance = target - baseline
    better = distance > 0 if direction == Direction.HIGHER_IS_BETTER else distance < 0
    if not better:
        return None
    return (actual - baseline) / distance


@dataclass(frozen=True, slots=True)
class EvidenceAction:
    """A completed action as the evidence sees it."""

    id: uuid.UUID
    title: str
    type_name: str
    provider_name: str
    theme_name: str
    #: "Offer title (provider)" for an action commissioned from the support directory, else "".
    offer_name: str
    due_on: date | None
    completed_on: date | None
    budget_pence: int | None
    spend_pence: int
    #: The measured indicators that evidence it.
    indicator_ids: tuple[uuid.UUID, ...]

    @property
    def on_time(self) -> bool | None:
        """Finished on or before its due date; None without both dates."""
        if self.due_on is None or self.completed_on is None:
            return None
        return self.completed_on <= self.due_on

    @property
    def cost_ratio(self) -> float | None:
        """Spend as a share of budget; None without a budget above nothing."""
        if not self.budget_pence:
            return None
        return self.spend_pence / self.budget_pence


@dataclass(frozen=True)
class IndicatorMove:
    indicator_id: uuid.UUID
    name: str
    unit: str
    direction: Direction
    baseline: float | None
    target: float | None
    actual: float
    fraction: float
    #: The completed actions it evidences.
    action_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class Evidence:
    """Everything the what-works figures are worked out from, read once."""

    produced_on: date
    actions: tuple[EvidenceAction, ...]
    moves: dict[uuid.UUID, IndicatorMove]

    def action(self, action_id: uuid.UUID) -> EvidenceAction:
        return self._by_id[action_id]

    @cached_property
    def _by_id(self) -> dict[uuid.UUID, EvidenceAction]:
        return {action.id: action for action in self.actions}


@dataclass(frozen=True)
class WhatWorksRow:
    name: str
    action_ids: tuple[uuid.UUID, ...]
    #: Those with a due date and a completion date, and of them those completed on or before the due date.
    dated_ids: tuple[uuid.UUID, ...]
    on_time_ids: tuple[uuid.UUID, ...]
    #: Those with a budget, and their spend as a share of it (median and range).
    budgeted_ids: tuple[uuid.UUID, ...]
    cost_ratio: Spread | None
    budget_pence: int  # the budgets of the budgeted actions
    budgeted_spend_pence: int  # the spend of the budgeted actions
    spend_pence: int  # the spend of every action in the group
    #: The measured indicators evidencing the group's actions, each once, and their movement (median and range).
    moves: tuple[IndicatorMove, ...]
    movement: Spread | None
    movement_ids: tuple[uuid.UUID, ...]  # the actions with at least one measured indicator

    @property
    def count(self) -> int:
        return len(self.action_ids)

    @property
    def on_time_share(self) -> float | None:
        return len(self.on_time_ids) / len(self.dated_ids) if self.dated_ids else None

    @property
    def warning(self) -> str:
        return too_few(self.count)

    @property
    def caveat(self) -> str:
        """Why not to lean on the row: too few actions in it, or (when it has enough) a figure resting on too few;
        "" when every figure has enough behind it."""
        if self.warning:
            return self.warning
        thin = [
            f"{label} rests on only {plural(count, 'action')}"
            for figure, label in ((Figure.ON_TIME, "On time"), (Figure.COST, "Cost"), (Figure.MOVEMENT, "Movement"))
            if 0 < (count := self.figure_count(figure)) < TOO_FEW
        ]
        return "; ".join(thin)

    def figure_count(self, figure: Figure) -> int:
        """How many actions the figure rests on."""
        return len(self.actions_behind(figure))

    def figure_warning(self, figure: Figure) -> str:
        return too_few(self.figure_count(figure))

    def actions_behind(self, figure: Figure) -> tuple[uuid.UUID, ...]:
        """The actions a figure was worked out from (for "finished on time", those with both dates)."""
        return {
            Figure.ACTIONS: self.action_ids,
            Figure.ON_TIME: self.dated_ids,
            Figure.COST: self.budgeted_ids,
            Figure.MOVEMENT: self.movement_ids,
        }[figure]


@dataclass(frozen=True)
class WhatWorks:
    grouping: Grouping
    produced_on: date
    rows: tuple[WhatWorksRow, ...]  # the most actions first, then the actions without a group
    total: WhatWorksRow  # all completed actions together
    evidence: Evidence


def _name_in(grouping: Grouping) -> Callable[[EvidenceAction], str]:
    if grouping is Grouping.ACTION_TYPE:
        return lambda action: action.type_name or grouping.missing
    if grouping is Grouping.PROVIDER:
        return lambda action: action.provider_name or grouping.missing
    if grouping is Grouping.OFFER:
        return lambda action: action.offer_name or grouping.missing
    return lambda action: action.theme_name or grouping.missing


def figures_of(name: str, actions: Sequence[EvidenceAction], moves: dict[uuid.UUID, IndicatorMove]) -> WhatWorksRow:
    """One row of the table: the figures of ``actions``."""
    dated = [action for action in actions if action.on_time is not None]
    budgeted = [action for action in actions if action.cost_ratio is not None]
    group_moves: dict[uuid.UUID, IndicatorMove] = {}
    for action in actions:
        for indicator_id in action.indicator_ids:
            group_moves[indicator_id] = moves[indicator_id]
    ordered_moves = sorted(group_moves.values(), key=lambda move: (move.name.casefold(), move.indicator_id))
    return WhatWorksRow(
        name=name,
        action_ids=tuple(action.id for action in actions),
        dated_ids=tuple(action.id for action in dated),
        on_time_ids=tuple(action.id for action in dated if action.on_time),
        budgeted_ids=tuple(action.id for action in budgeted),
        cost_ratio=spread([action.cost_ratio for action in budgeted if action.cost_ratio is not None]),
        budget_pence=sum(action.budget_pence or 0 for action in budgeted),
        budgeted_spend_pence=sum(action.spend_pence for action in budgeted),
        spend_pence=sum(action.spend_pence for action in actions),
        moves=tuple(ordered_moves),
        movement=spread([move.fraction for move in ordered_moves]),
        movement_ids=tuple(action.id for action in actions if action.indicator_ids),
    )


def group(evidence: Evidence, grouping: Grouping) -> WhatWorks:
    """The what-works table of ``evidence`` grouped by ``grouping``."""
    name_of = _name_in(grouping)
    groups: dict[str, list[EvidenceAction]] = {}
    for action in evidence.actions:
        groups.setdefault(name_of(action), []).append(action)
    rows = [figures_of(name, actions, evidence.moves) for name, actions in groups.items()]
    # The most actions first; those recorded without a type, provider, offer or theme last, as they are no group.
    rows.sort(key=lambda row: (row.name == grouping.missing, -row.count, row.name.casefold()))
    total = figures_of(ALL_COMPLETED, evidence.actions, evidence.moves)
    return WhatWorks(grouping, evidence.produced_on, tuple(rows), total, evidence)


# --------------------------------------------------------------------------- in words (the tab and the paper)


def percent(value: float) -> str:
    return f"{value * 100:,.0f}%"


def spread_text(value: Spread) -> str:
    """ "96% (range 86% to 110%)"; one value alone, "96%"."""
    if value.count == 1 or value.low == value.high:
        return percent(value.median)
    return f"{percent(value.median)} (range {percent(value.low)} to {percent(value.high)})"


def on_time_text(row: WhatWorksRow) -> str:
    share = row.on_time_share
    if share is None:
        return "No due dates"
    return f"{len(row.on_time_ids):,} of {len(row.dated_ids):,} ({percent(share)})"


def cost_text(row: WhatWorksRow) -> str:
    if row.cost_ratio is None:
        return "No budgets"
    return f"{spread_text(row.cost_ratio)}; {plural(row.cost_ratio.count, 'action')}"


def movement_text(row: WhatWorksRow) -> str:
    if row.movement is None:
        return "No measured indicator"
    return (
        f"{spread_text(row.movement)}; {plural(row.movement.count, 'indicator')}, "
        f"{plural(len(row.movement_ids), 'action')}"
    )


def row_cells(row: WhatWorksRow) -> tuple[str, ...]:
    """A row of the what-works table in words: name, completed, on time, spend of budget, movement, trust."""
    return (
        row.name,
        f"{row.count:,}",
        on_time_text(row),
        cost_text(row),
        movement_text(row),
        row.caveat or "Enough to compare",
    )


def _days(count: int) -> str:
    return plural(count, "day")


def figure_detail(evidence: Evidence, action_id: uuid.UUID, figure: Figure) -> str:
    """Why an action is behind a figure, in words: its dates, its spend against budget, its indicators."""
    action = evidence.action(action_id)
    if figure is Figure.ON_TIME and action.due_on is not None and action.completed_on is not None:
        late = (action.completed_on - action.due_on).days
        verdict = "on time" if late <= 0 else f"{_days(late)} late"
        return f"Due {format_date(action.due_on)}, completed {format_date(action.completed_on)}: {verdict}"
    if figure is Figure.COST and action.cost_ratio is not None:
        return (
            f"Spent {format_money_whole(action.spend_pence)} of a {format_money_whole(action.budget_pence)} budget "
            f"({percent(action.cost_ratio)})"
        )
    if figure is Figure.MOVEMENT and action.indicator_ids:
        moves = sorted((evidence.moves[i] for i in action.indicator_ids), key=lambda move: move.name.casefold())
        return "; ".join(f"{move.name}: {percent(move.fraction)} of the way to target" for move in moves)
    parts = [f"Completed {format_date(action.completed_on)}" if action.completed_on else "Completed"]
    parts += [name for name in (action.type_name, action.provider_name) if name]
    return " · ".join(parts)


def figure_items(evidence: Evidence, row: WhatWorksRow, figure: Figure) -> list[FigureItem]:
    """The actions behind a figure of ``row``, by title, each with why it is there."""
    items = [
        FigureItem(action_id, evidence.action(action_id).title, figure_detail(evidence, action_id, figure))
        for action_id in row.actions_behind(figure)
    ]
    return sorted(items, key=lambda item: (item.title.casefold(), item.action_id))


class WhatWorksService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def evidence(self) -> Evidence:
        """The completed actions and the movement of the measured indicators that evidence them."""
        with self._context.read() as unit:
            rows = what_works_queries.completed_actions(unit)
            links = what_works_queries.linked_indicators(unit)
            indicator_ids = sorted({link.indicator_id for link in links})
            terms = what_works_queries.indicator_terms(unit, indicator_ids)
            summaries = indicator_queries.measurement_summaries(unit, indicator_ids)
        linked: dict[uuid.UUID, list[uuid.UUID]] = {}
        for link in links:
            linked.setdefault(link.indicator_id, []).append(link.action_id)
        moves: dict[uuid.UUID, IndicatorMove] = {}
        for term in terms:
            summary = summaries.get(term.id)
            kind = TargetKind(term.target_kind)
            direction = Direction(term.direction)
            actual = None if summary is None else actual_value(kind, summary.total, summary.latest_value)
            fraction = movement_fraction(direction, kind, term.baseline_value, term.target_value, actual)
            if fraction is None or actual is None:
                continue
            baseline = 0.0 if term.baseline_value is None and kind == TargetKind.CUMULATIVE else term.baseline_value
            moves[term.id] = IndicatorMove(
                term.id,
                term.name,
                term.unit,
                direction,
                baseline,
                term.target_value,
                actual,
                fraction,
                tuple(linked.get(term.id, ())),
            )
        evidenced: dict[uuid.UUID, list[uuid.UUID]] = {}
        for link in links:
            if link.indicator_id in moves:
                evidenced.setdefault(link.action_id, []).append(link.indicator_id)
        actions = tuple(_evidence_action(row, evidenced.get(row.id, [])) for row in rows)
        return Evidence(self._context.today(), actions, moves)

    def what_works(self, grouping: Grouping) -> WhatWorks:
        return group(self.evidence(), grouping)


def offer_name(title: str | None, provider: str | None) -> str:
    """An offer as the evidence names it: its title, and its provider in brackets (two providers may offer
    courses of the same title)."""
    return f"{title or 'Unnamed offer'} ({provider})" if provider else title or "Unnamed offer"


def _evidence_action(row: CompletedActionRow, indicator_ids: list[uuid.UUID]) -> EvidenceAction:
    return EvidenceAction(
        id=row.id,
        title=row.title,
        type_name=row.type_name or "",
        provider_name=row.provider_name or "",
        theme_name=row.theme_name or "",
        offer_name=offer_name(row.offer_title, row.offer_provider_name) if row.offer_id is not None else "",
        due_on=row.due_on,
        completed_on=row.completed_on,
        budget_pence=row.budget_pence,
        spend_pence=row.spend_pence,
        indicator_ids=tuple(indicator_ids),
    )
