"""The dashboard's figures agree with what the lists and the other services say, worked out here independently."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from locality.domain.vocabulary import ActionStatus, Direction, NeedStatus, Rag
from locality.services.actions import ActionDraft
from locality.services.context import User
from locality.services.dashboard import DashboardFigures, indicator_on_track
from locality.services.funding import SpendDraft
from locality.services.indicators import IndicatorDraft
from locality.services.registry import Services
from tests.conftest import TODAY

OPEN = {ActionStatus.PROPOSED, ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD}


def _on_track_here(services: Services, indicator_id: uuid.UUID, today: date) -> bool | None:
    """The indicators' track rule (TRACK_RULE) written out again from the indicator's own values."""
    indicator = services.indicators.get(indicator_id)
    percent = indicator.percent_to_target
    target_passed = indicator.target_on is not None and today > indicator.target_on
    if indicator.target_value is None:
        return None
    if percent is None:
        return False if indicator.actual_value is None and target_passed else None
    if percent >= 100:
        return True
    if target_passed:
        return False
    start, end = indicator.baseline_on, indicator.target_on
    if start is None or end is None or end <= start or today <= start:
        return True
    time_gone = 100 * (today - start).days // (end - start).days
    return percent + 10 >= time_gone


@pytest.fixture(params=[TODAY, date(2009, 3, 1)], ids=["two months in", "eleven months in"])
def demo_on_a_day(request: pytest.FixtureRequest, demo_workspace_path: Path) -> Iterator[Services]:
    """The small demo as seen on the test's usual day, and later in the plan, when more has gone wrong."""
    day: date = request.param
    opened = Services.open(demo_workspace_path, User("Test User", "Test Org"), today=lambda: day)
    yield opened
    opened.close()


def test_figures_equal_the_lists_on_the_demo(demo_on_a_day: Services) -> None:
    services = demo_on_a_day
    TODAY = services.context.today()  # noqa: N806 - the day these figures are for
    figures = services.dashboard.figures()
    actions = services.actions.list()
    details = services.workspace.details()
    assert figures.partnership_name == details.partnership_name
    assert figures.plan_period == details.plan_period
    assert figures.computed_on == TODAY

    assert figures.actions_total == len(actions) == 60
    for status in ActionStatus:
        assert figures.status_count(status) == sum(1 for a in actions if a.status == status)
    open_actions = [a for a in actions if a.status in OPEN]
    assert figures.open_actions == len(open_actions)
    for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, None):
        assert figures.rag_count(rag) == sum(1 for a in open_actions if a.rag == rag)

    assert figures.overdue_actions == sum(1 for a in open_actions if a.due_on is not None and a.due_on < TODAY)
    assert figures.overdue_actions == len(services.actions.list(overdue_only=True))
    horizon = services.workspace.details().rag_thresholds.due_soon_days
    assert figures.due_soon_days == horizon
    soon = [a for a in open_actions if a.due_on is not None and TODAY <= a.due_on <= TODAY + timedelta(days=horizon)]
    assert {item.action_id for item in figures.due_soon} == {a.id for a in soon}
    soon.sort(key=lambda a: (a.due_on, a.title.casefold()))  # earliest first, as the tile's list shows them
    assert [(item.action_id, item.title) for item in figures.due_soon] == [(a.id, a.title) for a in soon]
    assert [item.detail for item in figures.due_soon] == [
        f"due {a.due_on:%d/%m/%Y}, {a.percent_complete}% complete" for a in soon
    ]

    late_milestones = [
        (action.id, milestone.title)
        for summary in open_actions
        for action in [services.actions.get(summary.id)]
        for milestone in action.milestones
        if milestone.overdue
    ]
    assert sorted((i.action_id, i.detail.split(" — ")[0]) for i in figures.overdue_milestones) == sorted(
        late_milestones
    )
    if TODAY.year == 2009:  # by then the demo has plenty to chase
        assert late_milestones and figures.rag_count(Rag.RED) and figures.overdue_actions

    needs = services.needs.list()
    assert figures.needs_total == len(needs)
    open_statuses = {NeedStatus.IDENTIFIED, NeedStatus.AGREED, NeedStatus.BEING_ADDRESSED}
    shared_unaddressed = [
        n for n in needs if n.organisation_count >= 2 and n.action_count == 0 and n.status in open_statuses
    ]
    assert figures.shared_needs_unaddressed == len(shared_unaddressed)
    assert figures.actions_without_need == sum(1 for a in actions if a.need_count == 0)

    totals = services.funding.totals_by_source()
    assert figures.budget_pence == sum(a.budget_pence or 0 for a in actions)
    assert figures.allocated_pence == sum(t.allocated_pence for t in totals)
    assert figures.spent_pence == sum(t.spent_pence for t in totals)
    # Per funding source, summed again from the allocation and spend entries themselves.
    allocated_by_source: dict[object, int] = defaultdict(int)
    spent_by_source: dict[object, int] = defaultdict(int)
    for allocation in services.funding.allocations():
        allocated_by_source[allocation.funding_source_id] += allocation.amount_pence
    for spend in services.funding.spends():
        spent_by_source[spend.funding_source_id] += spend.amount_pence
    assert figures.by_source
    for source in figures.by_source:
        assert (source.allocated_pence, source.spent_pence) == (
            allocated_by_source[source.source_id],
            spent_by_source[source.source_id],
        )
    assert sum(source.spent_pence for source in figures.by_source) == figures.spent_pence
    overspent = {a.id for a in actions if a.budget_pence is not None and a.spend_pence > a.budget_pence}
    assert {item.action_id for item in figures.overspent} == overspent
    most_over_first = sorted(
        (a for a in actions if a.id in overspent), key=lambda a: (a.budget_pence or 0) - a.spend_pence
    )
    assert [item.action_id for item in figures.overspent] == [a.id for a in most_over_first]

    indicators = services.indicators.list()
    tracks = [_on_track_here(services, indicator.id, TODAY) for indicator in indicators]
    assert figures.indicators_total == len(indicators) == 10
    assert figures.indicators_on_track == tracks.count(True)
    assert figures.indicators_off_track == tracks.count(False)
    assert figures.indicators_not_assessed == tracks.count(None)


def test_figures_follow_edits_and_leave_deleted_records_out(demo_services: Services) -> None:
    services = demo_services
    before = services.dashboard.figures()
    assert services.dashboard.figures() is before  # unchanged workspace: the same answer, not worked out again
    late = services.actions.create(ActionDraft(title="Late action", status=ActionStatus.PLANNED, due_on=TODAY))
    late = services.actions.update(late.id, replace(late.as_draft(), due_on=TODAY - timedelta(days=1)), late.version)
    assert late.rag.rag == Rag.RED
    assert services.dashboard.figures().rag_count(Rag.RED) == before.rag_count(Rag.RED) + 1
    gone = next(a for a in services.actions.list() if a.status in OPEN and a.rag == Rag.GREEN)
    services.actions.delete([gone.id, late.id])
    after = services.dashboard.figures()
    assert after.actions_total == before.actions_total - 1
    assert after.rag_count(Rag.RED) == before.rag_count(Rag.RED)
    assert after.rag_count(Rag.GREEN) == before.rag_count(Rag.GREEN) - 1
    created = services.actions.create(ActionDraft(title="Joint scrutiny training", due_on=TODAY - timedelta(days=3)))
    again = services.dashboard.figures()
    assert again.actions_total == before.actions_total
    assert again.overdue_actions == after.overdue_actions + 1
    assert again.actions_without_need == after.actions_without_need + 1
    action = services.actions.get(created.id)
    services.actions.update(
        created.id, replace(action.as_draft(), budget_pence=1_000, status=ActionStatus.COMPLETED), action.version
    )
    services.funding.create_spend(SpendDraft(action_id=created.id, spent_on=TODAY, amount_pence=1_500))
    last = services.dashboard.figures()
    assert created.id in {item.action_id for item in last.overspent}
    assert last.spent_pence == again.spent_pence + 1_500
    assert last.overdue_actions == after.overdue_actions  # completed: no longer overdue


def test_an_empty_workspace_has_nothing_to_show(services: Services) -> None:
    figures: DashboardFigures = services.dashboard.figures()
    assert figures.actions_total == 0
    assert all(count == 0 for _status, count in figures.by_status)
    assert all(count == 0 for _rag, count in figures.rag_split)
    assert (figures.budget_pence, figures.allocated_pence, figures.spent_pence) == (0, 0, 0)
    assert figures.overdue_milestones == figures.due_soon == figures.overspent == ()
    assert figures.indicators_total == figures.shared_needs_unaddressed == 0


def test_spend_since_a_snapshot(demo_services: Services) -> None:
    services = demo_services
    snapshot = services.snapshots.take("June board", TODAY)
    action = services.actions.list()[0]
    services.funding.create_spend(SpendDraft(action_id=action.id, spent_on=TODAY, amount_pence=25_000))
    result = services.dashboard.compare_with(snapshot.id)
    spend = result.spend
    assert spend.spent_now_pence - spend.spent_then_pence == 25_000
    assert spend.budget_now_pence == spend.budget_then_pence
    assert [(rise.action_id, rise.after_pence - rise.before_pence) for rise in spend.rises] == [(action.id, 25_000)]
    assert result.changes.snapshot.id == snapshot.id


def _indicator(services: Services, **values: object) -> uuid.UUID:
    defaults: dict[str, object] = {
        "name": "Residents who feel they can influence decisions",
        "baseline_value": 20.0,
        "baseline_on": date(2008, 1, 1),
        "target_value": 40.0,
        "target_on": date(2008, 12, 31),
    }
    defaults.update(values)
    return services.indicators.create(IndicatorDraft(**defaults)).id  # type: ignore[arg-type]


def test_indicator_on_track_rule(services: Services) -> None:
    # 01/06/2008 is 152 of 365 days into the period: 42% of the way expected.
    behind = _indicator(services)
    services.indicators.add_measurement(behind, date(2008, 5, 1), 25.0)  # 25% of the way
    ahead = _indicator(services)
    services.indicators.add_measurement(ahead, date(2008, 5, 1), 30.0)  # 50% of the way
    lower = _indicator(services, direction=Direction.LOWER_IS_BETTER, baseline_value=100.0, target_value=50.0)
    services.indicators.add_measurement(lower, date(2008, 5, 1), 70.0)  # 60% of the way down
    met_without_dates = _indicator(services, baseline_on=None, target_on=None)
    services.indicators.add_measurement(met_without_dates, date(2008, 5, 1), 41.0)
    unmeasured = _indicator(services)

    def track(indicator_id: uuid.UUID) -> bool | None:
        return indicator_on_track(services.indicators.get(indicator_id))

    assert track(behind) is False
    assert track(ahead) is True
    assert track(lower) is True
    assert track(met_without_dates) is True
    assert track(unmeasured) is None
    figures = services.dashboard.figures()
    assert (figures.indicators_on_track, figures.indicators_off_track, figures.indicators_not_assessed) == (3, 1, 1)
