"""The timeline service, checked against what the actions service lists and reads for the same workspace."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

import pytest

from locality.domain.errors import ValidationError
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.actions import ActionDraft, MilestoneDraft
from locality.services.registry import Services
from locality.services.timeline import NO_LEAD, NO_THEME, Timeline, TimelineAction, TimelineGrouping

TODAY = date(2008, 6, 1)


def _ids(timeline: Timeline) -> set[uuid.UUID]:
    return {action.id for group in timeline.groups for action in group.actions}


def _by_id(timeline: Timeline) -> dict[uuid.UUID, TimelineAction]:
    return {action.id: action for group in timeline.groups for action in group.actions}


def test_grouped_by_theme_as_the_actions_list_files_them(demo_services: Services) -> None:
    listed = demo_services.actions.list()
    themes = demo_services.vocabulary.themes()
    expected: dict[uuid.UUID | None, set[uuid.UUID]] = defaultdict(set)
    for summary in listed:
        expected[summary.theme_id].add(summary.id)

    timeline = demo_services.timeline.timeline()

    assert timeline.grouping is TimelineGrouping.THEME
    assert timeline.undated_count == 0 and timeline.undated_text == ""
    assert timeline.action_count == len(listed) == 60
    assert {group.key: {a.id for a in group.actions} for group in timeline.groups} == expected
    names = {theme.id: theme.full_name for theme in themes}
    for group in timeline.groups:
        assert group.title == (names[group.key] if group.key is not None else NO_THEME)
        # Bars within a group run from the earliest start.
        starts = [action.bar_start for action in group.actions]
        assert starts == sorted(starts)
    # Groups follow the themes' own order.
    order = [theme.id for theme in themes]
    keys = [group.key for group in timeline.groups if group.key is not None]
    assert keys == sorted(keys, key=order.index)
    assert "Service improvement: " in " ".join(group.title for group in timeline.groups)


def test_grouped_by_lead_organisation_a_to_z(demo_services: Services) -> None:
    listed = demo_services.actions.list()
    expected: dict[uuid.UUID | None, set[uuid.UUID]] = defaultdict(set)
    names: dict[uuid.UUID | None, str] = {}
    for summary in listed:
        expected[summary.lead_organisation_id].add(summary.id)
        names[summary.lead_organisation_id] = summary.lead_organisation_name or NO_LEAD

    timeline = demo_services.timeline.timeline("lead")

    assert timeline.grouping is TimelineGrouping.LEAD
    assert {group.key: {a.id for a in group.actions} for group in timeline.groups} == expected
    titles = [group.title for group in timeline.groups]
    assert titles == [names[group.key] for group in timeline.groups]
    named = [group.title for group in timeline.groups if group.key is not None]
    assert named == sorted(named, key=str.casefold)
    if None in expected:
        assert titles[-1] == NO_LEAD


def test_each_bar_carries_the_list_rows_rating_dates_and_lead(demo_services: Services) -> None:
    listed = {summary.id: summary for summary in demo_services.actions.list()}
    bars = _by_id(demo_services.timeline.timeline())
    assert bars.keys() == listed.keys()
    for action_id, bar in bars.items():
        summary = listed[action_id]
        assert (bar.title, bar.status, bar.percent_complete) == (
            summary.title,
            summary.status,
            summary.percent_complete,
        )
        assert (bar.rag, bar.rag_reason) == (summary.rag, summary.rag_reason)
        assert bar.lead_organisation_name == summary.lead_organisation_name
        assert (bar.start_on, bar.due_on) == (summary.start_on, summary.due_on)
        if summary.start_on and summary.due_on:
            assert (bar.bar_start, bar.bar_end) == (summary.start_on, summary.due_on)
            assert not bar.start_estimated and not bar.end_estimated
    assert {bar.rag for bar in bars.values()} >= {Rag.GREEN, None}


def test_milestones_match_the_actions_own(demo_services: Services) -> None:
    bars = _by_id(demo_services.timeline.timeline())
    with_milestones = [bar for bar in bars.values() if bar.milestones]
    assert len(with_milestones) >= 10
    for bar in with_milestones:
        action = demo_services.actions.get(bar.id)
        assert [(m.id, m.title, m.due_on, m.done_on, m.overdue) for m in bar.milestones] == [
            (m.id, m.title, m.due_on, m.done_on, m.overdue) for m in action.milestones
        ]
        assert bar.completed_on == action.completed_on
    total = sum(len(bar.milestones) for bar in bars.values())
    counts = dict(demo_services.workspace.counts())
    assert total == counts["milestones"]


@pytest.mark.parametrize("kind", ["theme", "organisation", "status", "rag"])
def test_filters_keep_what_the_actions_list_keeps(demo_services: Services, kind: str) -> None:
    listed = demo_services.actions.list()
    if kind == "theme":
        parent = next(t for t in demo_services.vocabulary.themes() if t.name == "Service improvement")
        kwargs: dict[str, object] = {"theme_id": parent.id}
    elif kind == "organisation":
        busiest = max(
            {s.lead_organisation_id for s in listed if s.lead_organisation_id},
            key=lambda org: sum(1 for s in listed if s.lead_organisation_id == org),
        )
        kwargs = {"organisation_id": busiest}
    elif kind == "status":
        kwargs = {"status": ActionStatus.IN_PROGRESS}
    else:
        kwargs = {"rag": [Rag.AMBER, Rag.RED]}
    expected = {summary.id for summary in demo_services.actions.list(**kwargs)}  # type: ignore[arg-type]

    found = _ids(demo_services.timeline.timeline(**kwargs))  # type: ignore[arg-type]

    assert found == expected
    assert 0 < len(found) < len(listed)
    if kind == "theme":  # service areas beneath the theme are included
        assert len({bar.theme_id for bar in _by_id(demo_services.timeline.timeline(**kwargs)).values()}) > 1  # type: ignore[arg-type]


def test_completed_and_cancelled_can_be_left_out(demo_services: Services) -> None:
    listed = demo_services.actions.list()
    open_ids = {s.id for s in listed if s.status not in (ActionStatus.COMPLETED, ActionStatus.CANCELLED)}
    not_cancelled = {s.id for s in listed if s.status is not ActionStatus.CANCELLED}
    timelines = demo_services.timeline
    assert _ids(timelines.timeline(include_completed=False, include_cancelled=False)) == open_ids
    assert _ids(timelines.timeline(include_cancelled=False)) == not_cancelled
    assert len(open_ids) < len(not_cancelled) < len(listed)


def test_a_period_keeps_bars_that_overlap_it(demo_services: Services) -> None:
    start, end = date(2009, 1, 1), date(2009, 3, 31)
    bars = _by_id(demo_services.timeline.timeline())
    expected = {i for i, bar in bars.items() if bar.bar_start <= end and bar.bar_end >= start}
    assert 0 < len(expected) < len(bars)
    assert _ids(demo_services.timeline.timeline(period_start=start, period_end=end)) == expected
    after = {i for i, bar in bars.items() if bar.bar_end >= start}
    assert _ids(demo_services.timeline.timeline(period_start=start)) == after


def test_actions_without_dates_are_counted_and_partial_dates_placed_sensibly(services: Services) -> None:
    actions = services.actions
    actions.create(ActionDraft("No dates at all"))
    actions.create(ActionDraft("Nor this one", status=ActionStatus.PLANNED))
    due_only = actions.create(ActionDraft("Due only", due_on=date(2008, 9, 30)))
    start_only = actions.create(
        ActionDraft("Started, no due date", start_on=date(2008, 3, 1), status=ActionStatus.IN_PROGRESS)
    )
    planned_start_only = actions.create(ActionDraft("Starts later, no due date", start_on=date(2008, 8, 1)))
    done = actions.create(
        ActionDraft("Done, no due date", status=ActionStatus.COMPLETED, completed_on=date(2008, 4, 4))
    )

    timeline = services.timeline.timeline()

    assert timeline.undated_count == 2
    assert timeline.undated_text == "2 actions have no dates and are not shown"
    bars = _by_id(timeline)
    assert set(bars) == {due_only.id, start_only.id, planned_start_only.id, done.id}
    # No start: drawn from when it was recorded, unless that is after it is due (then from the due date).
    created = due_only.created_at.date()
    expected_start = created if created <= date(2008, 9, 30) else date(2008, 9, 30)
    assert (bars[due_only.id].bar_start, bars[due_only.id].bar_end) == (expected_start, date(2008, 9, 30))
    assert bars[due_only.id].start_estimated and not bars[due_only.id].end_estimated
    # No due date: an open action runs to today; a closed one ends when it was completed.
    assert (bars[start_only.id].bar_start, bars[start_only.id].bar_end) == (date(2008, 3, 1), TODAY)
    assert bars[start_only.id].end_estimated
    assert bars[planned_start_only.id].bar_end == date(2008, 8, 1)
    assert bars[done.id].bar_end == date(2008, 4, 4) and not bars[done.id].end_estimated
    assert timeline.first_date == min(bar.bar_start for bar in bars.values())
    # Filters apply to the count too.
    assert services.timeline.timeline(status=ActionStatus.PLANNED).undated_count == 1
    one = services.timeline.timeline(status=ActionStatus.PLANNED).undated_text
    assert one == "1 action has no dates and is not shown"


def test_an_empty_workspace_has_an_empty_timeline(services: Services) -> None:
    timeline = services.timeline.timeline()
    assert timeline.groups == () and timeline.undated_count == 0
    assert timeline.first_date is None and timeline.today == TODAY


def test_edits_and_deletions_show_at_once(demo_services: Services) -> None:
    timeline = demo_services.timeline.timeline()
    first = timeline.groups[0].actions[0]
    action = demo_services.actions.get(first.id)
    new_due = (action.due_on or TODAY) + timedelta(days=40)
    milestone = MilestoneDraft(title="Board sign-off", due_on=date(2008, 5, 1))
    demo_services.actions.update(
        action.id,
        replace(action.as_draft(), due_on=new_due, milestones=(*action.as_draft().milestones, milestone)),
        action.version,
    )
    changed = _by_id(demo_services.timeline.timeline())[action.id]
    assert changed.due_on == new_due and changed.bar_end == new_due
    assert [m for m in changed.milestones if m.title == "Board sign-off"][0].overdue
    assert changed.rag == demo_services.actions.get(action.id).rag.rag

    demo_services.actions.delete([action.id])
    assert action.id not in _ids(demo_services.timeline.timeline())


def test_bad_requests_are_refused_in_plain_words(demo_services: Services) -> None:
    with pytest.raises(ValidationError) as grouping:
        demo_services.timeline.timeline("partner")
    assert "theme or by lead organisation" in str(grouping.value)
    with pytest.raises(ValidationError) as period:
        demo_services.timeline.timeline(period_start=date(2009, 1, 1), period_end=date(2008, 1, 1))
    assert "cannot be before its start" in str(period.value)
    with pytest.raises(ValidationError):
        demo_services.timeline.timeline(rag="Purple")  # type: ignore[arg-type]
