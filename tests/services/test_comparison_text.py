"""The board comparison in words, without a window: the groups and the summary the dashboard's tab shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from locality.domain.vocabulary import ActionStatus
from locality.services.comparison_text import comparison_text
from locality.services.registry import Services


def test_what_moved_reads_as_the_board_hears_it(demo_services: Services) -> None:
    services = demo_services
    snapshot = services.snapshots.take("June board", date(2008, 6, 5))
    assert comparison_text(services.dashboard.compare_with(snapshot.id)).summary == (
        "Since “June board” (board meeting on 05/06/2008): nothing has moved."
    )
    open_actions = [
        a for a in services.actions.list() if a.status not in (ActionStatus.COMPLETED, ActionStatus.CANCELLED)
    ]
    dated = [a for a in open_actions if a.due_on is not None and a.start_on is not None]
    later, earlier = dated[0], dated[1]
    done = dated[2]
    for summary, change in (
        (later, lambda draft: replace(draft, due_on=draft.due_on + timedelta(days=30))),
        (earlier, lambda draft: replace(draft, due_on=max(draft.due_on - timedelta(days=7), draft.start_on))),
        (
            done,
            lambda draft: replace(
                draft, status=ActionStatus.COMPLETED, percent_complete=100, completed_on=draft.start_on
            ),
        ),
    ):
        action = services.actions.get(summary.id)
        services.actions.update(summary.id, change(action.as_draft()), action.version)

    text = comparison_text(services.dashboard.compare_with(snapshot.id))
    groups = {group.key: group for group in text.groups}
    assert groups["slipped"].heading == "1 action slipped (due later than reported)"
    assert groups["slipped"].rows[0].text == f"{later.title} — 30 days later"
    assert groups["broughtForward"].heading == "1 action brought forward (due earlier than reported)"
    assert groups["broughtForward"].rows[0].text == f"{earlier.title} — 7 days earlier"
    assert groups["completed"].heading == "1 completed"
    assert groups["completed"].rows[0].action_id == done.id
    assert text.summary.startswith("Since “June board” (board meeting on 05/06/2008): ")
    for heading in ("1 action slipped", "1 action brought forward", "1 completed"):
        assert heading in text.summary
