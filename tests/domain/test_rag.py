from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from locality.domain.errors import ValidationError
from locality.domain.rag import (
    DEFAULT_THRESHOLDS,
    MilestoneDates,
    RagAssessment,
    RagInput,
    RagThresholds,
    assess_rag,
    count_overdue_milestones,
    describe_rule,
    expected_percent,
)
from locality.domain.vocabulary import ActionStatus, Rag

# A 100-day action: on day N of it, N% is expected.
START = date(2008, 1, 1)
DUE = date(2008, 4, 10)
DAY_50 = date(2008, 2, 20)
DUE_TEXT = "due 10/04/2008"

IN_PROGRESS = ActionStatus.IN_PROGRESS


def action(
    percent: int = 0,
    *,
    status: ActionStatus = IN_PROGRESS,
    start: date | None = START,
    due: date | None = DUE,
    completed_on: date | None = None,
    milestones: tuple[MilestoneDates, ...] = (),
    override: Rag | None = None,
    override_reason: str = "",
) -> RagInput:
    return RagInput(status, start, due, completed_on, percent, milestones, override, override_reason)


def ms(due: date | None, done_on: date | None = None) -> MilestoneDates:
    return MilestoneDates(due, done_on)


LATE_1 = ms(date(2008, 2, 1))
LATE_2 = ms(date(2008, 2, 10))

CASES = [
    # (id, item, today, rag, words in the reason)
    # a) set by hand wins over everything
    (
        "override red",
        action(90, override=Rag.RED, override_reason=" Partner pulled out "),
        DAY_50,
        Rag.RED,
        ["Set by hand: Partner pulled out"],
    ),
    (
        "override without reason",
        action(0, override=Rag.GREEN),
        date(2008, 5, 1),
        Rag.GREEN,
        ["Set by hand: no reason given"],
    ),
    (
        "override beats cancelled",
        action(status=ActionStatus.CANCELLED, override=Rag.AMBER, override_reason="x"),
        DAY_50,
        Rag.AMBER,
        ["Set by hand: x"],
    ),
    # b) closed
    (
        "cancelled",
        action(10, status=ActionStatus.CANCELLED),
        date(2008, 6, 1),
        None,
        ["Cancelled: not rated"],
    ),
    (
        "completed with date",
        action(100, status=ActionStatus.COMPLETED, completed_on=date(2008, 3, 12)),
        date(2008, 6, 1),
        Rag.GREEN,
        ["Completed on 12/03/2008"],
    ),
    (
        "completed without date, overdue milestones",
        action(80, status=ActionStatus.COMPLETED, milestones=(LATE_1, LATE_2)),
        date(2008, 6, 1),
        Rag.GREEN,
        ["Completed"],
    ),
    # c) on hold: Amber until the due date, then as overdue as any other action
    (
        "on hold",
        action(40, status=ActionStatus.ON_HOLD),
        DAY_50,
        Rag.AMBER,
        ["On hold: ", DUE_TEXT, "40% complete (50% expected)"],
    ),
    (
        "on hold, on its due date",
        action(40, status=ActionStatus.ON_HOLD),
        date(2008, 4, 10),
        Rag.AMBER,
        ["On hold: ", DUE_TEXT],
    ),
    (
        "on hold and overdue",
        action(40, status=ActionStatus.ON_HOLD, milestones=(LATE_1,)),
        date(2008, 5, 1),
        Rag.RED,
        ["Overdue and on hold: ", DUE_TEXT, "40% complete", "1 milestone overdue"],
    ),
    (
        "on hold 473 days past its due date",
        action(40, status=ActionStatus.ON_HOLD),
        date(2009, 7, 27),
        Rag.RED,
        ["Overdue and on hold: ", DUE_TEXT],
    ),
    (
        "on hold, no dates",
        action(40, status=ActionStatus.ON_HOLD, start=None, due=None),
        DAY_50,
        Rag.AMBER,
        ["On hold: no due date set, 40% complete"],
    ),
    # d) past the due date
    ("due yesterday", action(99), date(2008, 4, 11), Rag.RED, ["Overdue: due 10/04/2008, 99% complete"]),
    ("due yesterday, 100% but not closed", action(100), date(2008, 4, 11), Rag.RED, ["Overdue: "]),
    (
        "overdue with milestones",
        action(40, milestones=(LATE_1, LATE_2)),
        date(2008, 5, 1),
        Rag.RED,
        ["Overdue: due 10/04/2008, 40% complete, 2 milestones overdue"],
    ),
    (
        "overdue, planned, no start",
        action(0, status=ActionStatus.PLANNED, start=None),
        date(2008, 4, 11),
        Rag.RED,
        ["Overdue: due 10/04/2008, 0% complete"],
    ),
    # due today is not overdue: the time rule and due-soon rule decide
    (
        "due today, finished",
        action(100),
        DUE,
        Rag.GREEN,
        ["On track: due 10/04/2008, 100% complete (100% expected)"],
    ),
    ("due today, 95%", action(95), DUE, Rag.AMBER, ["Due soon: ", DUE_TEXT, "95% complete"]),
    ("due today, 80%", action(80), DUE, Rag.AMBER, ["Behind schedule: ", "80% complete (100% expected)"]),
    ("due today, 75%", action(75), DUE, Rag.RED, ["Behind schedule: ", "75% complete (100% expected)"]),
    # e) overdue milestones
    (
        "one milestone overdue",
        action(50, milestones=(LATE_1,)),
        DAY_50,
        Rag.AMBER,
        ["1 milestone overdue: ", DUE_TEXT, "50% complete"],
    ),
    (
        "two milestones overdue",
        action(50, milestones=(LATE_1, LATE_2)),
        DAY_50,
        Rag.RED,
        ["2 milestones overdue: ", DUE_TEXT],
    ),
    (
        "milestone done late",
        action(50, milestones=(ms(date(2008, 2, 1), date(2008, 2, 15)),)),
        DAY_50,
        Rag.GREEN,
        ["On track: ", "50% complete (50% expected)"],
    ),
    (
        "milestone done after today counts as not done",
        action(50, milestones=(ms(date(2008, 2, 1), date(2008, 3, 1)),)),
        DAY_50,
        Rag.AMBER,
        ["1 milestone overdue"],
    ),
    (
        "milestone due today is not overdue",
        action(50, milestones=(ms(DAY_50),)),
        DAY_50,
        Rag.GREEN,
        ["On track"],
    ),
    (
        "milestone without a due date is ignored",
        action(50, milestones=(ms(None),)),
        DAY_50,
        Rag.GREEN,
        ["On track"],
    ),
    # f) behind the time elapsed, at and either side of the thresholds (50% expected on day 50)
    (
        "shortfall 25 is red",
        action(25),
        DAY_50,
        Rag.RED,
        ["Behind schedule: ", DUE_TEXT, "25% complete (50% expected)"],
    ),
    (
        "shortfall 24 is amber",
        action(26),
        DAY_50,
        Rag.AMBER,
        ["Behind schedule: ", "26% complete (50% expected)"],
    ),
    (
        "shortfall 10 is amber",
        action(40),
        DAY_50,
        Rag.AMBER,
        ["Behind schedule: ", "40% complete (50% expected)"],
    ),
    (
        "shortfall 9 is green",
        action(41),
        DAY_50,
        Rag.GREEN,
        ["On track: ", DUE_TEXT, "41% complete (50% expected)"],
    ),
    ("ahead of time is green", action(90), DAY_50, Rag.GREEN, ["On track: ", "90% complete (50% expected)"]),
    (
        "start day, nothing expected yet",
        action(0),
        START,
        Rag.GREEN,
        ["On track: ", "0% complete (0% expected)"],
    ),
    # start after today: nothing is expected yet
    (
        "start after today",
        action(0, start=date(2008, 5, 1), due=date(2008, 6, 30)),
        date(2008, 4, 1),
        Rag.GREEN,
        ["On track: starts 01/05/2008, due 30/06/2008, 0% complete"],
    ),
    (
        "start after today, due soon",
        action(0, start=date(2008, 4, 5)),
        date(2008, 4, 1),
        Rag.AMBER,
        ["Due soon: starts 05/04/2008, due 10/04/2008, 0% complete"],
    ),
    # g) due soon
    (
        "due tomorrow, 95%",
        action(95),
        date(2008, 4, 9),
        Rag.AMBER,
        ["Due soon: ", DUE_TEXT, "95% complete (99% expected)"],
    ),
    ("due tomorrow, finished", action(100), date(2008, 4, 9), Rag.GREEN, ["On track: "]),
    (
        "due in 14 days",
        action(90),
        date(2008, 3, 27),
        Rag.AMBER,
        ["Due soon: ", DUE_TEXT, "90% complete (86% expected)"],
    ),
    (
        "due in 15 days",
        action(90),
        date(2008, 3, 26),
        Rag.GREEN,
        ["On track: ", DUE_TEXT, "90% complete (85% expected)"],
    ),
    (
        "due soon, no start",
        action(95, start=None),
        date(2008, 4, 9),
        Rag.AMBER,
        ["Due soon: due 10/04/2008, 95% complete"],
    ),
    # h) no due date
    (
        "no dates, in progress",
        action(40, start=None, due=None),
        DAY_50,
        Rag.AMBER,
        ["No due date set: 40% complete"],
    ),
    ("start only, in progress", action(40, due=None), DAY_50, Rag.AMBER, ["No due date set: 40% complete"]),
    (
        "no dates, planned",
        action(0, status=ActionStatus.PLANNED, start=None, due=None),
        DAY_50,
        Rag.GREEN,
        ["Planned: no due date set, 0% complete"],
    ),
    (
        "no dates, proposed",
        action(0, status=ActionStatus.PROPOSED, start=None, due=None),
        DAY_50,
        Rag.GREEN,
        ["Proposed: no due date set"],
    ),
    (
        "no due date, milestone overdue",
        action(40, due=None, milestones=(LATE_1,)),
        DAY_50,
        Rag.AMBER,
        ["1 milestone overdue: no due date set, 40% complete"],
    ),
    # i) on track
    (
        "due only, far off",
        action(10, start=None),
        DAY_50,
        Rag.GREEN,
        ["On track: due 10/04/2008, 10% complete"],
    ),
]


@pytest.mark.parametrize(
    ("item", "today", "rag", "words"),
    [pytest.param(item, today, rag, words, id=name) for name, item, today, rag, words in CASES],
)
def test_assess_rag(item: RagInput, today: date, rag: Rag | None, words: list[str]) -> None:
    result = assess_rag(item, today)
    assert result.rag == rag, result.reason
    for word in words:
        assert word in result.reason
    assert result.derived is (item.override is None)


def test_reason_uses_plural_and_singular_milestones() -> None:
    three = action(50, milestones=(LATE_1, LATE_2, ms(date(2008, 2, 15))))
    assert assess_rag(three, DAY_50).reason.startswith("3 milestones overdue: ")
    assert "1 milestones" not in assess_rag(action(50, milestones=(LATE_1,)), DAY_50).reason


def test_overdue_reason_leaves_out_the_expected_percent() -> None:
    assert "expected" not in assess_rag(action(40), date(2008, 5, 1)).reason


def test_assessment_carries_the_facts() -> None:
    result = assess_rag(action(30, milestones=(LATE_1,)), DAY_50)
    assert result == RagAssessment(
        Rag.AMBER, "1 milestone overdue: due 10/04/2008, 30% complete (50% expected)", True, 50, 1
    )
    overridden = assess_rag(action(30, override=Rag.GREEN, override_reason="agreed"), DAY_50)
    assert overridden.derived is False
    assert overridden.expected_percent == 50


@pytest.mark.parametrize(
    ("thresholds", "item", "today", "rag"),
    [
        pytest.param(
            RagThresholds(due_soon_days=0), action(95), date(2008, 4, 9), Rag.GREEN, id="due-soon 0, tomorrow"
        ),
        pytest.param(RagThresholds(due_soon_days=0), action(95), DUE, Rag.AMBER, id="due-soon 0, today"),
        pytest.param(RagThresholds(due_soon_days=30), action(90), date(2008, 3, 11), Rag.AMBER, id="due-soon 30"),
        pytest.param(RagThresholds(red_shortfall=40), action(25), DAY_50, Rag.AMBER, id="red shortfall 40"),
        pytest.param(RagThresholds(amber_shortfall=5), action(45), DAY_50, Rag.AMBER, id="amber shortfall 5"),
        pytest.param(RagThresholds(amber_shortfall=0), action(50), DAY_50, Rag.GREEN, id="amber shortfall 0, level"),
        pytest.param(RagThresholds(amber_shortfall=0), action(49), DAY_50, Rag.AMBER, id="amber shortfall 0, behind"),
        pytest.param(
            RagThresholds(red_overdue_milestones=1),
            action(50, milestones=(LATE_1,)),
            DAY_50,
            Rag.RED,
            id="red at 1 milestone",
        ),
        pytest.param(
            RagThresholds(amber_overdue_milestones=2, red_overdue_milestones=3),
            action(50, milestones=(LATE_1,)),
            DAY_50,
            Rag.GREEN,
            id="amber at 2 milestones, 1 overdue",
        ),
        pytest.param(
            RagThresholds(amber_overdue_milestones=0),
            action(50),
            DAY_50,
            Rag.GREEN,
            id="amber milestones 0, none overdue",
        ),
    ],
)
def test_assess_rag_with_other_thresholds(thresholds: RagThresholds, item: RagInput, today: date, rag: Rag) -> None:
    assert assess_rag(item, today, thresholds.validate()).rag == rag


@pytest.mark.parametrize(
    ("start", "due", "today", "expected"),
    [
        (START, DUE, START, 0),
        (START, DUE, DAY_50, 50),
        (START, DUE, DUE, 100),
        (START, DUE, date(2008, 6, 1), 100),
        (START, DUE, date(2007, 12, 31), None),
        (None, DUE, DAY_50, None),
        (START, None, DAY_50, None),
        (START, START, START, 100),
        (START, date(2008, 1, 4), date(2008, 1, 2), 33),
        (START, date(2008, 1, 4), date(2008, 1, 3), 67),
        (START, date(2008, 7, 19), date(2008, 1, 2), 1),  # 0.5% rounds up
        (DUE, START, DUE, 100),  # due before start: treated as due at once
    ],
)
def test_expected_percent(start: date | None, due: date | None, today: date, expected: int | None) -> None:
    assert expected_percent(start, due, today) == expected


def test_count_overdue_milestones() -> None:
    milestones = (
        LATE_1,
        ms(date(2008, 2, 1), date(2008, 2, 1)),
        ms(date(2008, 2, 1), date(2008, 2, 19)),
        ms(date(2008, 2, 1), date(2008, 2, 21)),
        ms(DAY_50),
        ms(None),
    )
    assert count_overdue_milestones(milestones, DAY_50) == 2
    assert count_overdue_milestones((), DAY_50) == 0


@pytest.mark.parametrize(
    ("thresholds", "fields"),
    [
        (RagThresholds(due_soon_days=-1), {"due_soon_days"}),
        (RagThresholds(amber_shortfall=-1), {"amber_shortfall"}),
        (RagThresholds(amber_shortfall=30), {"amber_shortfall"}),
        (RagThresholds(red_shortfall=101, amber_shortfall=5), {"red_shortfall"}),
        (RagThresholds(amber_overdue_milestones=3), {"amber_overdue_milestones"}),
        (RagThresholds(red_overdue_milestones=-2), {"red_overdue_milestones"}),
        (RagThresholds(due_soon_days=-1, amber_shortfall=50), {"due_soon_days", "amber_shortfall"}),
        (RagThresholds(due_soon_days=1.5), {"due_soon_days"}),  # type: ignore[arg-type]
    ],
)
def test_thresholds_validate_rejects(thresholds: RagThresholds, fields: set[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        thresholds.validate()
    assert set(caught.value.field_errors) == fields


@pytest.mark.parametrize(
    "thresholds",
    [
        DEFAULT_THRESHOLDS,
        RagThresholds(0, 0, 0, 0, 0),
        RagThresholds(7, 20, 20, 2, 2),
        RagThresholds(60, 100, 100, 9, 9),
    ],
)
def test_thresholds_validate_accepts(thresholds: RagThresholds) -> None:
    assert thresholds.validate() is thresholds


def test_thresholds_are_frozen() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_THRESHOLDS.due_soon_days = 3  # type: ignore[misc]


def test_describe_rule_fills_in_the_default_thresholds() -> None:
    text = describe_rule(DEFAULT_THRESHOLDS)
    lines = text.splitlines()
    assert [line.split(".")[0] for line in lines[1:]] == [str(n) for n in range(1, 10)]
    assert "Red if 2 or more milestones are overdue" in text
    assert "Amber if any milestone is overdue" in text
    assert "Red if it is 25 or more percentage points behind" in text
    assert "Amber if 10 or more points behind" in text
    assert "due within the next 14 days" in text
    assert "set by hand" in text
    assert "first rule that applies decides" in text
    assert "on hold is Amber until its due date; once past its due date it is Red" in text


def test_describe_rule_follows_other_thresholds() -> None:
    text = describe_rule(
        replace(
            DEFAULT_THRESHOLDS,
            due_soon_days=1,
            amber_shortfall=30,
            red_shortfall=30,
            amber_overdue_milestones=3,
            red_overdue_milestones=3,
        )
    )
    assert "due within the next day" in text
    assert "Red if it is 30 or more percentage points behind." in text
    assert "Amber if 30" not in text
    assert "Red if 3 or more milestones are overdue (past their due date and not done)." in text
    assert "due today" in describe_rule(RagThresholds(due_soon_days=0))
