"""How an action is rated Red, Amber or Green from what is stored: the workspace's thresholds, the rule's input
from an action's columns, and the one ``assess_action`` every list, export, report and snapshot uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from locality.domain.rag import MilestoneDates, RagAssessment, RagInput, RagThresholds, assess_rag
from locality.domain.vocabulary import ActionStatus, Rag, optional_enum
from locality.store.unit_of_work import UnitOfWork

# Looked up rather than made by ``ActionStatus(value)``, which costs several times as much, 20,000 times an export.
_STATUSES = {status.value: status for status in ActionStatus}


def rag_thresholds(unit: UnitOfWork) -> RagThresholds:
    """The workspace's own RAG thresholds."""
    meta = unit.meta()
    return RagThresholds(
        due_soon_days=meta.rag_due_soon_days,
        amber_shortfall=meta.rag_amber_shortfall,
        red_shortfall=meta.rag_red_shortfall,
        amber_overdue_milestones=meta.rag_amber_overdue_milestones,
        red_overdue_milestones=meta.rag_red_overdue_milestones,
    )


def rag_input(
    status: str,
    start_on: date | None,
    due_on: date | None,
    completed_on: date | None,
    percent_complete: int,
    milestones: Iterable[tuple[date | None, date | None]],
    rag_override: str | None,
    rag_override_reason: str,
) -> RagInput:
    """What the RAG rule looks at, from an action's stored values."""
    return RagInput(
        status=_STATUSES.get(status) or ActionStatus(status),
        start=start_on,
        due=due_on,
        completed_on=completed_on,
        percent_complete=percent_complete,
        milestones=tuple(map(MilestoneDates._make, milestones)),
        override=optional_enum(Rag, rag_override),
        override_reason=rag_override_reason,
    )


class RagRow(Protocol):
    """An action's stored values that the RAG rule reads: a record, or a row of any bulk query."""

    @property
    def status(self) -> str: ...
    @property
    def start_on(self) -> date | None: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def completed_on(self) -> date | None: ...
    @property
    def percent_complete(self) -> int: ...
    @property
    def rag_override(self) -> str | None: ...
    @property
    def rag_override_reason(self) -> str: ...


def assess_action(
    row: RagRow,
    milestones: Iterable[tuple[date | None, date | None]],
    today: date,
    thresholds: RagThresholds,
) -> RagAssessment:
    """An action's RAG rating as at ``today``, from its stored values and the (due, done on) of its live
    milestones: the one way every list, export and report rates an action."""
    return assess_rag(
        rag_input(
            row.status,
            row.start_on,
            row.due_on,
            row.completed_on,
            row.percent_complete,
            milestones,
            row.rag_override,
            row.rag_override_reason,
        ),
        today,
        thresholds,
    )


def is_overdue(due_on: date | None, done_on: date | None, today: date) -> bool:
    return due_on is not None and due_on < today and (done_on is None or done_on > today)
