"""The board's exception report: the dashboard's own figures, what moved since the latest board snapshot, overdue
work by lead organisation, red actions' latest notes (confidential ones left out), the RAG trend, and lists cut
short with how many were left out."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, ActionStatus, Rag
from locality.services import board_report as board_report_module
from locality.services.board_report import NO_LEAD, BoardReport
from locality.services.context import User
from locality.services.dashboard import figure_values
from locality.services.progress import ProgressDraft
from locality.services.registry import Services

LATER = date(2009, 3, 1)  # eleven months into the small demo's plan: plenty is overdue and red


@pytest.fixture
def demo(demo_workspace_path: Path) -> Iterator[Services]:
    opened = Services.open(demo_workspace_path, User("Test User", "Test Org"), today=lambda: LATER)
    yield opened
    opened.close()


def _edit(services: Services, action_id: uuid.UUID, **changes: object) -> None:
    action = services.actions.get(action_id)
    services.actions.update(action_id, replace(action.as_draft(), **changes), action.version)


def _lines(report: BoardReport, key: str) -> list[str]:
    for moved in report.moved:
        if moved.key == key:
            return [line.title for line in moved.lines.items]
    return []


def test_the_figures_are_the_dashboards(demo: Services) -> None:
    report = demo.board_report.build()
    figures = demo.dashboard.figures()

    assert report.figures == figures
    assert report.key_figures == figure_values(figures)
    assert dict(report.key_figures)["Open actions rated Red"] == f"{figures.rag_count(Rag.RED):,}"
    assert dict(report.key_figures)["Overdue actions"] == f"{figures.overdue_actions:,}"
    assert report.overdue_actions == figures.overdue_actions
    assert report.overdue_milestones == len(figures.overdue_milestones)
    assert report.red_notes.total == figures.rag_count(Rag.RED)
    # Without a snapshot, the trend is today's split alone, and nothing is said to have moved.
    assert report.snapshot is None and report.moved == ()
    assert [point.label for point in report.trend] == ["Today"]
    assert report.trend[-1].counts == figures.rag_split


def test_overdue_work_is_grouped_by_lead_organisation(demo: Services) -> None:
    report = demo.board_report.build()
    actions = demo.actions.list()
    expected = Counter(
        action.lead_organisation_name or NO_LEAD
        for action in actions
        if action.status not in CLOSED_ACTION_STATUSES and action.due_on is not None and action.due_on < LATER
    )
    groups = report.overdue_by_lead
    listed = {group.lead: group.actions.total for group in groups.items}
    listed.update({lead: count for lead, count, _milestones in report.other_leads})
    assert {lead: count for lead, count in listed.items() if count} == dict(expected)
    assert sum(group.milestones.total for group in groups.items) + sum(m for _l, _a, m in report.other_leads) == (
        report.overdue_milestones
    )
    # The organisations with most overdue work come first; each lists its longest overdue action first.
    sizes = [group.actions.total + group.milestones.total for group in groups.items]
    assert sizes == sorted(sizes, reverse=True)
    for group in groups.items:
        assert len(group.actions.items) <= board_report_module.OVERDUE_ACTIONS_SHOWN
        assert group.actions.more == group.actions.total - len(group.actions.items)


def test_what_moved_since_the_latest_snapshot(demo: Services) -> None:
    demo.snapshots.take("Older board", LATER - timedelta(days=120))
    demo.snapshots.take("Winter board", LATER - timedelta(days=30))
    actions = {action.title: action for action in demo.actions.list()}
    open_green = [a for a in actions.values() if a.rag == Rag.GREEN and a.status not in CLOSED_ACTION_STATUSES]
    with_due = [a for a in open_green if a.due_on is not None and a.due_on > LATER + timedelta(days=60)]
    turned_red, brought_forward, pushed_back = with_due[0], with_due[1], with_due[2]
    completed = next(a for a in actions.values() if a.status == ActionStatus.IN_PROGRESS)

    _edit(demo, turned_red.id, rag_override=Rag.RED, rag_override_reason="The partner has withdrawn")
    _edit(demo, brought_forward.id, due_on=brought_forward.due_on - timedelta(days=14))  # type: ignore[operator]
    _edit(demo, pushed_back.id, due_on=pushed_back.due_on + timedelta(days=45))  # type: ignore[operator]
    _edit(demo, completed.id, status=ActionStatus.COMPLETED, percent_complete=100, completed_on=LATER)

    report = demo.board_report.build()
    assert report.snapshot is not None and report.snapshot.title == "Winter board"
    assert turned_red.title in _lines(report, "new_reds")
    assert _lines(report, "brought_forward") == [brought_forward.title]
    assert _lines(report, "slipped") == [pushed_back.title]
    assert completed.title in _lines(report, "completed")
    slipped = next(moved for moved in report.moved if moved.key == "slipped").lines.items[0]
    assert "45 days later" in slipped.detail
    new_red = next(line for moved in report.moved if moved.key == "new_reds" for line in moved.lines.items)
    assert "The partner has withdrawn" in new_red.detail
    # The trend: each snapshot in meeting order, then today.
    assert [point.title for point in report.trend] == ["Older board", "Winter board", "Today"]
    assert report.trend[-1].count(Rag.RED) == demo.dashboard.figures().rag_count(Rag.RED)


def test_a_snapshots_split_counts_open_actions(demo: Services) -> None:
    demo.snapshots.take("Board", LATER)
    report = demo.board_report.build()
    figures = demo.dashboard.figures()
    # Taken today, the snapshot's split is today's: completed and cancelled actions are not counted.
    assert report.trend[0].counts == figures.rag_split == report.trend[-1].counts


def test_long_lists_are_cut_short_and_say_how_many_more(demo: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(board_report_module, "RED_NOTES_SHOWN", 0)
    monkeypatch.setattr(board_report_module, "LEADS_SHOWN", 1)
    monkeypatch.setattr(board_report_module, "OTHER_LEADS_NAMED", 2)
    report = demo.board_report.build()
    reds = demo.dashboard.figures().rag_count(Rag.RED)
    assert reds >= 1
    assert report.red_notes.items == () and report.red_notes.more == reds
    assert len(report.overdue_by_lead.items) == 1
    assert len(report.other_leads) == min(2, report.overdue_by_lead.more)


def test_a_red_actions_confidential_note_is_left_out_unless_asked_for(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(board_report_module, "RED_NOTES_SHOWN", 10_000)  # every red action listed
    open_actions = [a for a in demo.actions.list() if a.status not in CLOSED_ACTION_STATUSES]
    # One whose history ends by today (the demo's may run past it): a note logged today is then its latest.
    red = next(a for a in open_actions if all(u.reported_on <= LATER for u in demo.progress.history(a.id)))
    _edit(demo, red.id, rag_override=Rag.RED, rag_override_reason="Stalled")
    newest = LATER
    demo.progress.log(ProgressDraft(red.id, newest, note="The chief executive is leaving", confidential=True))

    left_out = next(n for n in demo.board_report.build().red_notes.items if n.title == red.title)
    assert left_out.note == board_report_module.CONFIDENTIAL_NOTE and left_out.note_on is None
    shown = next(n for n in demo.board_report.build(include_confidential=True).red_notes.items if n.title == red.title)
    assert shown.note == "The chief executive is leaving" and shown.note_on == newest
