"""What works: every figure of the table checked against the same figure worked out here in plain Python from the
services' own lists (actions, spend, indicators and their measurements) on the demo workspace, not through the
what-works queries; the too-few warning; the actions behind each figure; and the movement rule."""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass

import pytest

from locality.domain.vocabulary import ActionStatus, Direction, TargetKind
from locality.services.registry import Services
from locality.services.what_works import (
    ALL_COMPLETED,
    Figure,
    Grouping,
    WhatWorksRow,
    movement_fraction,
    too_few,
)


@dataclass
class Expected:
    ids: set[uuid.UUID]
    dated: set[uuid.UUID]
    on_time: set[uuid.UUID]
    budgeted: set[uuid.UUID]
    ratios: list[float]
    budget: int
    budgeted_spend: int
    spend: int
    moves: dict[uuid.UUID, float]
    moved_ids: set[uuid.UUID]


def _offer_names(services: Services) -> dict[uuid.UUID, str]:
    """Each offer of the support directory as the evidence should name it: "title (provider)"."""
    return {offer.id: f"{offer.title} ({offer.provider_name})" for offer in services.support.offers()}


def _independent(
    services: Services, grouping: Grouping, offer_names: dict[uuid.UUID, str] | None = None
) -> dict[str, Expected]:
    """The what-works figures from the lists the rest of the app shows."""
    completed = [
        services.actions.get(summary.id)
        for summary in services.actions.list()
        if summary.status == ActionStatus.COMPLETED
    ]
    spend: dict[uuid.UUID, int] = defaultdict(int)
    for line in services.funding.spends():
        spend[line.action_id] += line.amount_pence
    fractions: dict[uuid.UUID, float] = {}
    for indicator in services.indicators.list():
        values = [m.value for m in services.indicators.measurements(indicator.id)]  # oldest first
        if not values:
            continue
        actual = sum(values) if indicator.target_kind == TargetKind.CUMULATIVE else values[-1]
        baseline = indicator.baseline_value
        if baseline is None and indicator.target_kind == TargetKind.CUMULATIVE:
            baseline = 0.0
        if baseline is None or indicator.target_value is None:
            continue
        sign = 1 if indicator.direction == Direction.HIGHER_IS_BETTER else -1
        if sign * (indicator.target_value - baseline) <= 0:
            continue
        fractions[indicator.id] = (actual - baseline) / (indicator.target_value - baseline)
    by_id = {indicator.id: indicator for indicator in services.indicators.list()}

    def evidencing(action_id: uuid.UUID, need_ids: tuple[uuid.UUID, ...]) -> set[uuid.UUID]:
        return {
            indicator_id
            for indicator_id in fractions
            if by_id[indicator_id].action_id == action_id or by_id[indicator_id].need_id in need_ids
        }

    name_of = {
        Grouping.ACTION_TYPE: lambda a: a.type_name or "No action type",
        Grouping.PROVIDER: lambda a: a.provider_name or "No provider",
        Grouping.OFFER: lambda a: (offer_names or {}).get(a.offer_id, "No support offer"),
        Grouping.THEME: lambda a: a.theme_name or "No theme",
    }[grouping]
    expected: dict[str, Expected] = {}
    for action in completed:
        for name in (name_of(action), ALL_COMPLETED):
            group = expected.setdefault(name, Expected(set(), set(), set(), set(), [], 0, 0, 0, {}, set()))
            group.ids.add(action.id)
            group.spend += spend[action.id]
            if action.due_on is not None and action.completed_on is not None:
                group.dated.add(action.id)
                if action.completed_on <= action.due_on:
                    group.on_time.add(action.id)
            if action.budget_pence:
                group.budgeted.add(action.id)
                group.ratios.append(spend[action.id] / action.budget_pence)
                group.budget += action.budget_pence
                group.budgeted_spend += spend[action.id]
            indicators = evidencing(action.id, action.need_ids)
            if indicators:
                group.moved_ids.add(action.id)
            group.moves.update({indicator_id: fractions[indicator_id] for indicator_id in indicators})
    return expected


def _check(row: WhatWorksRow, want: Expected) -> None:
    assert set(row.action_ids) == want.ids and row.count == len(want.ids)
    assert set(row.dated_ids) == want.dated
    assert set(row.on_time_ids) == want.on_time
    assert set(row.budgeted_ids) == want.budgeted
    assert row.spend_pence == want.spend
    assert row.budget_pence == want.budget
    assert row.budgeted_spend_pence == want.budgeted_spend
    if want.ratios:
        assert row.cost_ratio is not None
        assert row.cost_ratio.count == len(want.ratios)
        assert row.cost_ratio.median == pytest.approx(statistics.median(want.ratios))
        assert (row.cost_ratio.low, row.cost_ratio.high) == pytest.approx((min(want.ratios), max(want.ratios)))
    else:
        assert row.cost_ratio is None
    assert {move.indicator_id: move.fraction for move in row.moves} == pytest.approx(want.moves)
    if want.moves:
        values = list(want.moves.values())
        assert row.movement is not None
        assert row.movement.median == pytest.approx(statistics.median(values))
        assert (row.movement.low, row.movement.high) == pytest.approx((min(values), max(values)))
    else:
        assert row.movement is None
    assert set(row.movement_ids) == want.moved_ids
    assert row.warning == (
        f"Only {len(want.ids)} action{'s' if len(want.ids) != 1 else ''}: too few to trust" if len(want.ids) < 5 else ""
    )


@pytest.mark.parametrize("grouping", list(Grouping))
def test_every_figure_matches_one_worked_out_from_the_lists(demo_services: Services, grouping: Grouping) -> None:
    table = demo_services.what_works.what_works(grouping)
    expected = _independent(demo_services, grouping, _offer_names(demo_services))
    if grouping is Grouping.OFFER:  # the demo commissions actions from its support directory's offers
        assert sum(row.count for row in table.rows if row.name != "No support offer") >= 3

    assert {row.name for row in table.rows} == set(expected) - {ALL_COMPLETED}
    for row in table.rows:
        _check(row, expected[row.name])
    _check(table.total, expected[ALL_COMPLETED])
    # The demo has enough behind the figures to show something of each kind.
    assert table.total.count >= 10 and table.total.on_time_ids and table.total.moves and table.total.cost_ratio
    # The most actions first, and the actions recorded without a group last.
    grouped = [row.count for row in table.rows if row.name != grouping.missing]
    assert grouped == sorted(grouped, reverse=True)
    assert grouping.missing not in [row.name for row in table.rows[:-1]]


def test_deleted_spend_and_links_stop_counting(demo_services: Services) -> None:
    total = demo_services.what_works.what_works(Grouping.ACTION_TYPE).total
    spent = [line for line in demo_services.funding.spends() if line.action_id in set(total.budgeted_ids)]
    demo_services.funding.delete_spend(spent[0].id)
    moved = total.moves[0]
    demo_services.indicators.delete(moved.indicator_id)

    table = demo_services.what_works.what_works(Grouping.ACTION_TYPE)
    assert table.total.spend_pence == total.spend_pence - spent[0].amount_pence
    assert moved.indicator_id not in {move.indicator_id for move in table.total.moves}
    expected = _independent(demo_services, Grouping.ACTION_TYPE)
    for row in (*table.rows, table.total):
        _check(row, expected[row.name])


def test_the_actions_behind_each_figure(demo_services: Services) -> None:
    table = demo_services.what_works.what_works(Grouping.PROVIDER)
    row = table.rows[0]
    assert row.actions_behind(Figure.ACTIONS) == row.action_ids
    assert row.actions_behind(Figure.ON_TIME) == row.dated_ids
    assert row.actions_behind(Figure.COST) == row.budgeted_ids
    assert row.actions_behind(Figure.MOVEMENT) == row.movement_ids
    assert row.figure_count(Figure.COST) == len(row.budgeted_ids)
    for action_id in row.action_ids:
        action = table.evidence.action(action_id)
        assert (action.provider_name or Grouping.PROVIDER.missing) == row.name
        assert demo_services.actions.get(action_id).status == ActionStatus.COMPLETED


def test_too_few_to_trust() -> None:
    assert too_few(0) == "Only 0 actions: too few to trust"
    assert too_few(1) == "Only 1 action: too few to trust"
    assert too_few(3) == "Only 3 actions: too few to trust"
    assert too_few(4) == "Only 4 actions: too few to trust"
    assert too_few(5) == ""
    assert too_few(200) == ""


def test_a_figure_resting_on_too_few_says_so_even_when_the_row_has_enough(demo_services: Services) -> None:
    total = demo_services.what_works.what_works(Grouping.THEME).total
    assert total.count >= 5 and total.warning == ""
    assert 0 < len(total.movement_ids) < 5  # the demo measures few of the indicators its completed actions have
    assert f"Movement rests on only {len(total.movement_ids)} action" in total.caveat
    small = demo_services.what_works.what_works(Grouping.THEME).rows[-1]
    assert small.caveat == small.warning != ""


def test_a_blank_workspace_has_nothing_to_show(services: Services) -> None:
    table = services.what_works.what_works(Grouping.THEME)
    assert table.rows == ()
    assert table.total.count == 0 and table.total.movement is None and table.total.cost_ratio is None
    assert table.total.on_time_share is None
    assert table.total.warning == "Only 0 actions: too few to trust"


@pytest.mark.parametrize(
    ("direction", "kind", "baseline", "target", "actual", "fraction"),
    [
        (Direction.HIGHER_IS_BETTER, TargetKind.PERIODIC, 50, 70, 60, 0.5),
        (Direction.HIGHER_IS_BETTER, TargetKind.PERIODIC, 50, 70, 80, 1.5),  # past the target
        (Direction.HIGHER_IS_BETTER, TargetKind.PERIODIC, 50, 70, 45, -0.25),  # the wrong way
        (Direction.LOWER_IS_BETTER, TargetKind.PERIODIC, 10, 5, 7.5, 0.5),
        (Direction.LOWER_IS_BETTER, TargetKind.PERIODIC, 10, 5, 12, -0.4),
        (Direction.LOWER_IS_BETTER, TargetKind.PERIODIC, 10, 15, 12, None),  # the target is no improvement
        (Direction.HIGHER_IS_BETTER, TargetKind.PERIODIC, 50, 50, 60, None),
        (Direction.HIGHER_IS_BETTER, TargetKind.CUMULATIVE, None, 200, 50, 0.25),  # a running total from nothing
        (Direction.HIGHER_IS_BETTER, TargetKind.PERIODIC, None, 200, 50, None),
        (Direction.HIGHER_IS_BETTER, TargetKind.PERIODIC, 50, 70, None, None),
    ],
)
def test_movement_from_baseline_toward_target(
    direction: Direction,
    kind: TargetKind,
    baseline: float | None,
    target: float | None,
    actual: float | None,
    fraction: float | None,
) -> None:
    assert movement_fraction(direction, kind, baseline, target, actual) == (
        None if fraction is None else pytest.approx(fraction)
    )
