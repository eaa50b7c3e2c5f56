"""Plans built directly from the plan dataclasses, with awkward text, shared by the renderer tests."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.plan import (
    CountRow,
    Plan,
    PlanAction,
    PlanIndicator,
    PlanMilestone,
    PlanNeed,
    PlanOrganisation,
    PlanSummary,
    ThemeRow,
)

SCRIPT = "<script>alert(1)</script>"
LONG_TITLE = "Joint review of " + " ".join(f"service{n}" for n in range(120))
SECTIONS = ("Summary", "Needs addressed", "Actions", "Milestones", "Indicators", "Sign-off")

# --------------------------------------------------------------------------- a plan with awkward text


def make_action(title: str, number: int = 0, **fields: Any) -> PlanAction:
    values: dict[str, Any] = {
        "id": uuid.UUID(int=number + 1),
        "title": title,
        "theme": "Community safety",
        "lead": "Ørsted & Sons",
        "partners": ("Westshire Constabulary", "=SUM(A1)"),
        "needs": ("Reduce anti-social behaviour",),
        "start_on": date(2008, 4, 1),
        "due_on": date(2009, 3, 31),
        "status": ActionStatus.IN_PROGRESS,
        "rag": Rag.RED,
        "rag_reason": "Overdue: due 31/03/2009, 40% complete",
        "percent_complete": 40,
        "budget_pence": 1_234_567,
        "spend_pence": 50_000,
        "latest_note": "Waiting for data\nfrom the partners.",
        "latest_note_on": date(2008, 11, 5),
        "milestones": (),
    }
    values.update(fields)
    return PlanAction(**values)


def sample_plan(**fields: Any) -> Plan:
    """A small plan holding markup, an ampersand, a formula, a very long title and a multi-line note."""
    first = make_action(
        SCRIPT,
        milestones=(
            PlanMilestone(SCRIPT, "Scope agreed with partners", date(2008, 6, 30), date(2008, 7, 2), False),
            PlanMilestone(SCRIPT, "Peer team on site", date(2008, 9, 30), None, True),
        ),
    )
    second = make_action(
        LONG_TITLE, 1, rag=Rag.GREEN, rag_reason="On track", budget_pence=None, lead="", latest_note=""
    )
    third = make_action("Shared training =SUM(A1)", 2, rag=None, rag_reason="", status=ActionStatus.PROPOSED)
    values: dict[str, Any] = {
        "partnership": "Westshire & District Partnership",
        "area": "Westshire",
        "period": "01/04/2008 to 31/03/2011",
        "generated_on": date(2008, 6, 1),
        "filters": ("Organisation: Ørsted & Sons", "Status: In progress"),
        "confidential_included": False,
        "summary": PlanSummary(
            by_status=tuple(
                CountRow(status.value, 1 if status == ActionStatus.IN_PROGRESS else 0) for status in ActionStatus
            ),
            by_rag=(CountRow("Red", 1), CountRow("Amber", 0), CountRow("Green", 1), CountRow("Not rated", 1)),
            by_theme=(ThemeRow("Community safety", 1, 3, 2_469_134, 150_000),),
            budget_pence=2_469_134,
            spend_pence=150_000,
            needs_total=2,
            shared_needs=1,
            actions_total=3,
        ),
        "organisations": (
            PlanOrganisation("Ørsted & Sons", "Ø&S", "Business", "", ""),
            PlanOrganisation("Westshire Constabulary", "WC", "Police", "", ""),
        ),
        "needs": (
            PlanNeed(
                uuid.UUID(int=90),
                "Reduce anti-social behaviour",
                "Community safety",
                ("Ørsted & Sons", "Westshire Constabulary"),
                "High",
                "Agreed",
                1,
                "Raised at the workshop",
            ),
            PlanNeed(uuid.UUID(int=91), "=SUM(A1)", "", (), "", "Identified", 0, ""),
        ),
        "actions": (first, second, third),
        "indicators": (
            PlanIndicator(
                "Reported incidents",
                "incidents",
                "Lower is better",
                1200.0,
                date(2008, 4, 1),
                900.0,
                date(2011, 3, 31),
                1050.5,
                date(2009, 3, 31),
                50,
                "Reduce anti-social behaviour",
            ),
        ),
    }
    values.update(fields)
    return Plan(**values)


def empty_plan() -> Plan:
    plan = sample_plan()
    return replace(
        plan,
        summary=replace(plan.summary, by_theme=(), actions_total=0, needs_total=0, shared_needs=0),
        organisations=(),
        needs=(),
        actions=(),
        indicators=(),
    )


def many_actions(count: int) -> tuple[PlanAction, ...]:
    return tuple(make_action(f"Action number {n}", n) for n in range(count))


def action(title: str, **changes: object) -> PlanAction:
    """One fully filled action (with a done and an overdue milestone), any field changed by ``changes``."""
    values: dict[str, object] = dict(
        id=uuid.uuid4(),
        title=title,
        theme="Community safety",
        lead="Westshire Constabulary",
        partners=("Westshire County Council", "Wexcombe Homes"),
        needs=("Anti-social behaviour",),
        start_on=date(2008, 4, 1),
        due_on=date(2009, 3, 31),
        status=ActionStatus.IN_PROGRESS,
        rag=Rag.AMBER,
        rag_reason="Behind schedule: due 31/03/2009, 20% complete (45% expected)",
        percent_complete=20,
        budget_pence=1_250_000,
        spend_pence=312_550,
        latest_note="Met the residents' group",
        latest_note_on=date(2008, 9, 12),
        milestones=(
            PlanMilestone(title, "Kick-off", date(2008, 5, 1), date(2008, 5, 2), False),
            PlanMilestone(title, "Survey", date(2008, 8, 1), None, True),
        ),
    )
    values.update(changes)
    return PlanAction(**values)  # type: ignore[arg-type]
