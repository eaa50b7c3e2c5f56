"""The RAG rule as SQL (store/rag_queries.py) rates every open action exactly as the Python rule (domain/rag.py,
through the actions list) does: action by action, on many days, with the workspace's own and with tuned
thresholds, on hand-made edge cases, on a file and on a PostgreSQL server."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from locality import cli
from locality.domain.rag import RagThresholds
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, ActionStatus, Rag
from locality.services.action_rag import rag_thresholds
from locality.services.actions import ActionDraft, MilestoneDraft
from locality.services.context import User
from locality.services.registry import Services
from locality.store import rag_queries
from tests.postgres_server import server_schema

#: Days from before the demo plan starts to well after it ends, so that every rule decides some action.
DAYS = [date(2007, 11, 1) + timedelta(days=61 * step) for step in range(18)]

TUNED = RagThresholds(
    due_soon_days=0, amber_shortfall=0, red_shortfall=40, amber_overdue_milestones=0, red_overdue_milestones=3
)


def _python_ratings(services: Services) -> dict[uuid.UUID, Rag | None]:
    return {action.id: action.rag for action in services.actions.list() if action.status not in CLOSED_ACTION_STATUSES}


def _sql_ratings(services: Services) -> tuple[dict[uuid.UUID, Rag], dict[Rag, int]]:
    today = services.context.today()
    with services.context.read() as unit:
        thresholds = rag_thresholds(unit)
        return (
            rag_queries.open_action_ratings(unit, today, thresholds),
            rag_queries.open_rag_counts(unit, today, thresholds),
        )


def _assert_same_on_every_day(services: Services) -> None:
    for day in DAYS:
        services.context.today = lambda day=day: day  # type: ignore[method-assign]
        expected = _python_ratings(services)
        ratings, counts = _sql_ratings(services)
        differing = {key: (expected[key], ratings.get(key)) for key in expected if expected[key] != ratings.get(key)}
        assert not differing, f"on {day}: (Python, SQL) differ for {len(differing)} actions: {differing}"
        assert ratings.keys() == expected.keys()
        assert counts == {rag: count for rag, count in Counter(ratings.values()).items()}


@pytest.mark.parametrize("thresholds", [None, TUNED], ids=["own thresholds", "tuned thresholds"])
def test_sql_rates_every_open_demo_action_as_python_on_every_day(
    demo_services: Services, thresholds: RagThresholds | None
) -> None:
    if thresholds is not None:
        demo_services.workspace.set_rag_thresholds(thresholds)
    _assert_same_on_every_day(demo_services)
    # The days cover every rating, so each branch of the SQL has been compared.
    seen = set()
    for day in DAYS[::3]:
        demo_services.context.today = lambda day=day: day  # type: ignore[method-assign]
        seen |= set(_sql_ratings(demo_services)[1])
    assert seen == {Rag.RED, Rag.AMBER, Rag.GREEN}


def test_sql_rates_the_edge_cases_as_python(services: Services) -> None:
    today = services.context.today()
    day = timedelta(days=1)

    def add(title: str, **values: object) -> None:
        services.actions.create(ActionDraft(title=title, **values))  # type: ignore[arg-type]

    add("On hold, past due", status=ActionStatus.ON_HOLD, due_on=today - day)
    add("On hold, due today", status=ActionStatus.ON_HOLD, due_on=today)
    add("Past due", status=ActionStatus.IN_PROGRESS, due_on=today - day)
    add("Due today, done", status=ActionStatus.IN_PROGRESS, due_on=today, percent_complete=100)
    add("Due today, not done", status=ActionStatus.IN_PROGRESS, due_on=today, percent_complete=99)
    add("Starts and ends today", status=ActionStatus.PLANNED, start_on=today, due_on=today, percent_complete=50)
    add("Starts tomorrow", status=ActionStatus.PLANNED, start_on=today + day, due_on=today + 100 * day)
    add("In progress, no due date", status=ActionStatus.IN_PROGRESS)
    add("Proposed, no due date", status=ActionStatus.PROPOSED)
    add(
        "Set by hand",
        status=ActionStatus.IN_PROGRESS,
        due_on=today - day,
        rag_override=Rag.GREEN,
        rag_override_reason="Agreed",
    )
    add("Cancelled", status=ActionStatus.CANCELLED, due_on=today - day)
    add("Completed", status=ActionStatus.COMPLETED, due_on=today - day, completed_on=today - day)
    for behind in range(0, 40, 3):  # around the shortfall thresholds, rounding half up on the way
        add(
            f"Behind by about {behind}",
            status=ActionStatus.IN_PROGRESS,
            start_on=today - 37 * day,
            due_on=today + 63 * day,
            percent_complete=max(0, 37 - behind),
        )
    milestones = [
        MilestoneDraft(title="Late", due_on=today - 3 * day),
        MilestoneDraft(title="Done late", due_on=today - 3 * day, done_on=today - day),
        MilestoneDraft(title="Done after today", due_on=today - 3 * day, done_on=today + day),
        MilestoneDraft(title="Due today", due_on=today),
    ]
    for count in range(len(milestones) + 1):
        add(
            f"{count} milestones",
            status=ActionStatus.PLANNED,
            due_on=today + 200 * day,
            milestones=tuple(milestones[:count]),
        )
    for thresholds in (RagThresholds(), TUNED, RagThresholds(due_soon_days=30, red_overdue_milestones=1)):
        services.workspace.set_rag_thresholds(thresholds)
        expected = _python_ratings(services)
        ratings, _counts = _sql_ratings(services)
        assert ratings == expected
        assert len(ratings) == 12 + 5 + len(range(0, 40, 3)) - 2  # all but the cancelled and the completed


@pytest.fixture(scope="module")
def demo_on_server() -> Iterator[str]:
    with server_schema() as url:
        assert cli.main(["demo", "--db", url, "--size", "small", "--seed", "1"]) == 0
        yield url


def test_sql_rates_as_python_on_a_server(demo_on_server: str, tmp_path: Path) -> None:
    services = Services.open(demo_on_server, User("Test User", "Test Org"))
    try:
        _assert_same_on_every_day(services)
    finally:
        services.close()
