"""The demo partnership: sizes, realism, determinism, refusal, cancelling, integrity, and the bulk writer."""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from locality.domain.errors import ValidationError
from locality.domain.vocabulary import (
    SEEDED_FUNDING_SOURCES,
    ActionStatus,
    NeedRole,
    Priority,
    Rag,
    seeded_id,
)
from locality.services.context import Changes, ServiceContext, User
from locality.services.demo import (
    DEMO_TODAY,
    EARLIEST_TODAY,
    LARGE,
    MEDIUM,
    PARTNERSHIP_NAME,
    PLAN_END,
    PLAN_START,
    SMALL,
    DemoCancelled,
    DemoSummary,
    generate_demo,
)
from locality.services.history import HistoryService
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.progress import ProgressService
from locality.services.workspace_info import WorkspaceInfoService
from locality.store.bulk import BulkInsertCancelled, bulk_insert, table_order
from locality.store.models import (
    ActionNeedRecord,
    ActionPartnerRecord,
    ActionRecord,
    ChangeLogRecord,
    FundingAllocationRecord,
    IndicatorRecord,
    MeasurementRecord,
    MilestoneRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
    ProgressUpdateRecord,
    SpendRecord,
    SupportOfferThemeRecord,
    ThemeRecord,
    WorkshopActionRecord,
    WorkshopNoteRecord,
    WorkshopParticipantRecord,
    WorkshopRecord,
    WorkshopVoteRecord,
)
from locality.store.unit_of_work import UnitOfWork
from locality.store.workspace import open_workspace

TEST_TODAY = date(2008, 6, 1)

MakeContext = Callable[..., ServiceContext]


@pytest.fixture
def make_context(tmp_path: Path, template_workspace: Path) -> Iterator[MakeContext]:
    """Opens fresh workspaces (copies of the migrated template) and closes them all at teardown."""
    opened: list[ServiceContext] = []

    def make(name: str = "w") -> ServiceContext:
        path = tmp_path / f"{name}.locality"
        shutil.copyfile(template_workspace, path)
        workspace = open_workspace(path)
        context = ServiceContext(workspace, User("Test User", "Test Org"), today=lambda: TEST_TODAY)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.workspace.close()


@pytest.fixture
def demo(make_context: MakeContext) -> tuple[ServiceContext, DemoSummary]:
    context = make_context("demo")
    return context, generate_demo(context, size="small", seed=1)


def plain(record: Any) -> Any:
    """A record's column values, readable after its session has closed."""
    return SimpleNamespace(**{column.key: getattr(record, column.key) for column in record.__table__.columns})


def listed(unit: UnitOfWork, model: type[Any], order_by: tuple[str, ...] = ()) -> list[Any]:
    return [plain(record) for record in unit.list(model, order_by=order_by)]


def counts_of(context: ServiceContext) -> dict[str, int]:
    return dict(WorkspaceInfoService(context).counts())


# --------------------------------------------------------------------------- sizes


def test_small_demo_has_the_stated_numbers(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, summary = demo
    counts = counts_of(context)
    assert counts["organisations"] == summary.organisations == SMALL.organisations == 12
    assert counts["needs"] == summary.needs == 40
    assert counts["actions"] == summary.actions == 60
    assert counts["progress updates"] == summary.progress_updates == SMALL.progress_updates
    assert counts["measurements"] == summary.measurements == SMALL.measurements
    assert counts["indicators"] == summary.indicators
    assert counts["workshops"] == summary.workshops == 2
    # The summary reports exactly what is in the workspace.
    for label, count in summary.counts():
        assert counts[label] == count, label
    assert summary.size == "small" and summary.seed == 1 and summary.today == DEMO_TODAY


def test_large_size_is_defined_with_the_exact_budget_figures() -> None:
    assert (LARGE.organisations, LARGE.needs, LARGE.actions) == (200, 5_000, 20_000)
    assert (LARGE.progress_updates, LARGE.measurements) == (100_000, 50_000)
    assert (MEDIUM.organisations, MEDIUM.needs, MEDIUM.actions) == (50, 500, 2_000)


def test_medium_demo_has_the_stated_numbers_and_intact_references(make_context: MakeContext) -> None:
    context = make_context("medium")
    summary = generate_demo(context, size="medium", seed=3)
    counts = counts_of(context)
    assert counts["organisations"] == 50
    assert counts["needs"] == 500
    assert counts["actions"] == 2_000
    assert counts["progress updates"] == MEDIUM.progress_updates
    assert counts["measurements"] == MEDIUM.measurements
    assert summary.total_rows > 25_000
    assert context.workspace.integrity_problems() == []
    with context.read() as unit:
        names = [row.name for row in listed(unit, OrganisationRecord)]
        titles = [row.title for row in listed(unit, ActionRecord)]
    assert len(set(names)) == len(names)
    assert len(set(titles)) == len(titles)


def test_an_unknown_size_is_refused_with_the_choices(make_context: MakeContext) -> None:
    context = make_context()
    with pytest.raises(ValidationError) as raised:
        generate_demo(context, size="huge")
    assert raised.value.field_errors == {"size": '"huge" is not a demo size; choose small, medium or large'}
    assert counts_of(context)["organisations"] == 0


def test_a_seed_that_is_not_a_whole_number_is_refused(make_context: MakeContext) -> None:
    context = make_context()
    with pytest.raises(ValidationError) as raised:
        generate_demo(context, seed="7")  # type: ignore[arg-type]
    assert raised.value.field_errors == {"seed": "The seed must be a whole number"}


# --------------------------------------------------------------------------- what the partnership looks like


def test_the_workspace_details_name_the_partnership_and_its_owner(
    demo: tuple[ServiceContext, DemoSummary],
) -> None:
    context, _ = demo
    details = WorkspaceInfoService(context).details()
    assert details.partnership_name == PARTNERSHIP_NAME == "Westshire Locality Partnership"
    assert details.area == "Westshire"
    assert (details.plan_start, details.plan_end) == (date(2008, 4, 1), date(2011, 3, 31))
    assert details.plan_period == "01/04/2008 to 31/03/2011"
    with context.read() as unit:
        owner = unit.get(OrganisationRecord, details.owner_organisation_id)  # type: ignore[arg-type]
        assert owner is not None and owner.name == "Westshire County Council"
        names = {row.name for row in listed(unit, OrganisationRecord)}
    assert {"Westshire Constabulary", "Westshire Fire and Rescue Service", "Westshire Primary Care Trust",
            "Westshire Council for Voluntary Service", "Westshire Chamber of Commerce",
            "Westbridge College"} <= names  # fmt: skip


def test_organisations_carry_their_seeded_type_and_sector(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, _ = demo
    with context.read() as unit:
        police = plain(unit.find_by_name(OrganisationRecord, "Westshire Constabulary")[0])
        cvs = plain(unit.find_by_name(OrganisationRecord, "Westshire Council for Voluntary Service")[0])
    assert police.type_id == seeded_id("organisation_type", "Police")
    assert police.sector_id == seeded_id("sector", "Public")
    assert cvs.sector_id == seeded_id("sector", "Third sector")
    assert police.contact_email.endswith("@westshire.pnn.police.uk")


def test_every_seeded_theme_and_service_area_has_needs(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, _ = demo
    with context.read() as unit:
        themes = {row.id: row.name for row in listed(unit, ThemeRecord)}
        used = {row.theme_id for row in listed(unit, NeedRecord)}
    assert len(themes) == 13
    assert set(themes) <= used, sorted(themes[theme] for theme in set(themes) - used)


def test_titles_read_like_improvement_needs_and_actions(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, _ = demo
    with context.read() as unit:
        needs = [row.title for row in listed(unit, NeedRecord)]
        actions = [row.title for row in listed(unit, ActionRecord)]
    assert len(set(needs)) == len(needs) and len(set(actions)) == len(actions)
    assert all(title[0].isupper() and "{" not in title for title in needs + actions)


def test_shared_needs_link_two_to_five_organisations_with_roles_and_severities(
    demo: tuple[ServiceContext, DemoSummary],
) -> None:
    context, _ = demo
    with context.read() as unit:
        links = listed(unit, NeedOrganisationRecord)
    by_need: dict[uuid.UUID, list[NeedOrganisationRecord]] = defaultdict(list)
    for link in links:
        by_need[link.need_id].append(link)
    shared = [group for group in by_need.values() if len(group) >= 2]
    assert len(shared) >= 5
    assert max(len(group) for group in by_need.values()) <= 5
    assert {link.role for link in links} == {role.value for role in NeedRole}
    assert {link.severity for link in links} - {None} <= {priority.value for priority in Priority}
    # Every need was raised by exactly one organisation, and has at most one lead.
    for group in by_need.values():
        roles = Counter(link.role for link in group)
        assert roles[NeedRole.RAISED_BY.value] == 1
        assert roles[NeedRole.LEAD.value] <= 1


def test_some_needs_have_no_action_and_some_actions_address_no_need(
    demo: tuple[ServiceContext, DemoSummary],
) -> None:
    context, _ = demo
    with context.read() as unit:
        links = listed(unit, ActionNeedRecord)
        needs = {row.id for row in listed(unit, NeedRecord)}
        actions = {row.id for row in listed(unit, ActionRecord)}
    assert needs - {link.need_id for link in links}
    assert actions - {link.action_id for link in links}


def test_joint_actions_have_a_lead_and_partners_contributing_cash_days_and_kind(
    demo: tuple[ServiceContext, DemoSummary],
) -> None:
    context, _ = demo
    with context.read() as unit:
        actions = {row.id: row for row in listed(unit, ActionRecord)}
        partners = listed(unit, ActionPartnerRecord)
    assert all(action.lead_organisation_id is not None for action in actions.values())
    assert len({partner.action_id for partner in partners}) >= 20
    assert all(partner.organisation_id != actions[partner.action_id].lead_organisation_id for partner in partners)
    assert any(partner.cash_pence > 0 for partner in partners)
    assert all(partner.cash_pence % 100 == 0 for partner in partners)
    assert any(partner.staff_days > 0 for partner in partners)
    assert any(partner.in_kind for partner in partners)


def test_statuses_dates_and_budgets_are_realistic(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, summary = demo
    with context.read() as unit:
        actions = listed(unit, ActionRecord)
        needs = listed(unit, NeedRecord)
    assert len({action.status for action in actions}) >= 4
    assert len({need.status for need in needs}) >= 3
    for action in actions:
        assert action.start_on is not None and action.due_on is not None
        assert PLAN_START <= action.start_on < action.due_on <= PLAN_END
        if action.status == ActionStatus.COMPLETED.value:
            assert action.percent_complete == 100
            assert action.completed_on is not None and action.start_on <= action.completed_on <= summary.today
        else:
            assert action.completed_on is None
        if action.budget_pence is not None:
            assert action.budget_pence % 100 == 0
            assert 5_000_00 <= action.budget_pence <= 250_000_00
    assert all(PLAN_START <= need.identified_on <= summary.today for need in needs if need.identified_on)


def test_milestones_include_some_done_and_some_overdue(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, summary = demo
    with context.read() as unit:
        milestones = listed(unit, MilestoneRecord)
    assert any(row.done_on is not None for row in milestones)
    overdue = [row for row in milestones if row.done_on is None and row.due_on and row.due_on < summary.today]
    assert overdue
    assert all(row.done_on <= summary.today for row in milestones if row.done_on)


def test_progress_histories_run_over_time_and_end_at_the_action_s_state(
    demo: tuple[ServiceContext, DemoSummary],
) -> None:
    context, summary = demo
    with context.read() as unit:
        actions = {row.id: row for row in listed(unit, ActionRecord)}
        updates = listed(unit, ProgressUpdateRecord, order_by=("reported_on", "created_at"))
    history: dict[uuid.UUID, list[ProgressUpdateRecord]] = defaultdict(list)
    for update in updates:
        history[update.action_id].append(update)
    assert any(len(entries) >= 3 for entries in history.values())
    assert {update.rag for update in updates} >= {Rag.GREEN.value, Rag.AMBER.value}
    for action_id, entries in history.items():
        action = actions[action_id]
        assert all(action.start_on <= entry.reported_on <= summary.today for entry in entries)
        percents = [entry.percent_complete or 0 for entry in entries]
        assert percents == sorted(percents) or entries[-1].status in ("On hold", "Cancelled")
        assert entries[-1].percent_complete == action.percent_complete
        assert entries[-1].status == action.status
        assert all(entry.author_organisation for entry in entries)
    # Actions that have not started have no history.
    assert all(actions[action_id].status not in ("Proposed", "Planned") for action_id in history)


def test_funding_comes_from_the_seeded_sources_and_adds_up_to_the_budget(
    demo: tuple[ServiceContext, DemoSummary],
) -> None:
    context, _ = demo
    with context.read() as unit:
        actions = {row.id: row for row in listed(unit, ActionRecord)}
        allocations = listed(unit, FundingAllocationRecord)
        spend = listed(unit, SpendRecord)
    seeded = {seeded_id("funding_source", name) for name in SEEDED_FUNDING_SOURCES}
    assert allocations and spend
    assert {row.funding_source_id for row in allocations} <= seeded
    assert seeded_id("funding_source", "Capacity-building fund") in {row.funding_source_id for row in allocations}
    totals: Counter[uuid.UUID] = Counter()
    for row in allocations:
        totals[row.action_id] += row.amount_pence
    for action_id, total in totals.items():
        assert total == actions[action_id].budget_pence
    for row in spend:
        assert row.amount_pence > 0 and row.amount_pence % 100 == 0
        assert row.spent_on >= actions[row.action_id].start_on


def test_indicators_have_baselines_targets_and_measurements(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, summary = demo
    with context.read() as unit:
        indicators = listed(unit, IndicatorRecord)
        measurements = listed(unit, MeasurementRecord)
    assert all(row.baseline_value is not None and row.target_value is not None for row in indicators)
    assert any(row.need_id for row in indicators) and any(row.action_id for row in indicators)
    assert {row.indicator_id for row in measurements} == {row.id for row in indicators}
    assert all(PLAN_START < row.measured_on <= summary.today for row in measurements)


def test_workshops_have_participants_and_dot_votes_on_needs_raised_by_then(
    demo: tuple[ServiceContext, DemoSummary],
) -> None:
    context, summary = demo
    with context.read() as unit:
        workshops = {row.id: row for row in listed(unit, WorkshopRecord)}
        participants = listed(unit, WorkshopParticipantRecord)
        votes = listed(unit, WorkshopVoteRecord)
        needs = {row.id: row for row in listed(unit, NeedRecord)}
    assert len(workshops) == 2
    assert all(PLAN_START <= row.held_on <= summary.today for row in workshops.values())
    assert {row.workshop_id for row in participants} == set(workshops)
    assert votes and all(vote.dots >= 1 for vote in votes)
    for vote in votes:
        assert needs[vote.need_id].identified_on <= workshops[vote.workshop_id].held_on


def test_foreign_keys_are_intact(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, _ = demo
    assert context.workspace.integrity_problems() == []


def test_the_demo_writes_a_believable_history(demo: tuple[ServiceContext, DemoSummary]) -> None:
    """Creations by named people on dates across the plan period, some edits and progress reports, numbered
    1..N on this replica with no gap or repeat, as the History page reads them."""
    context, summary = demo
    with context.read() as unit:
        rows = listed(unit, ChangeLogRecord, order_by=("seq",))
        meta = unit.meta()
        replica_id, last_seq = meta.replica_id, meta.last_change_seq
        contacts = {row.contact_name for row in unit.list(OrganisationRecord) if row.contact_name}
        owners = {row.owner_name for row in unit.list(ActionRecord) if row.owner_name}
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert last_seq == len(rows) and {row.replica_id for row in rows} == {replica_id}

    kinds = Counter((row.entity, row.operation) for row in rows)
    assert kinds[("organisation", "create")] == summary.organisations
    assert kinds[("need", "create")] == summary.needs
    assert kinds[("action", "create")] == summary.actions
    assert kinds[("need", "update")] > 0 and kinds[("action", "update")] > 0
    assert 0 < kinds[("progress_update", "create")] <= summary.progress_updates

    authors = {row.author for row in rows}
    assert len(authors) >= 5 and "" not in authors
    assert authors <= contacts | owners | {row.author for row in rows if row.entity == "progress_update"}
    days = sorted(row.changed_at.date() for row in rows)
    assert days[0] < PLAN_START <= days[-1] <= summary.today
    assert len({(day.year, day.month) for day in days}) >= 12  # spread over the period, not all "now"
    assert [row.changed_at for row in rows] == sorted(row.changed_at for row in rows)

    # A report is followed at once by what it moved on, so that retracting it can put the action back.
    for index, row in enumerate(rows):
        if row.entity == "progress_update":
            following = rows[index + 1] if index + 1 < len(rows) else None
            if following is not None and following.changed_at == row.changed_at:
                assert following.entity == "action" and following.operation == "update"

    entries = HistoryService(context).entries(limit=None)
    assert len(entries) == len(rows)
    sentences = {entry.summary.split(" ")[0] for entry in entries}
    assert {"Created", "Changed"} <= sentences
    assert any(entry.summary.startswith("Created need") and entry.record_name for entry in entries)
    assert any(entry.field == "status" and entry.old_value == "Identified" for entry in entries)


def test_retracting_a_logged_demo_report_puts_its_action_back(demo: tuple[ServiceContext, DemoSummary]) -> None:
    """The demo logs a report as the progress service does, so that a retraction finds what it moved on."""
    context, _ = demo
    with context.read() as unit:
        rows = listed(unit, ChangeLogRecord, order_by=("seq",))
    pairs = [
        (report, moved)
        for report, moved in zip(rows, rows[1:], strict=False)
        if report.entity == "progress_update"
        and moved.entity == "action"
        and moved.field == "percent_complete"
        and moved.changed_at == report.changed_at
    ]
    assert pairs
    report, moved = pairs[-1]
    retracted = ProgressService(context).retract(report.record_id)
    assert ("percent_complete", json.loads(moved.old_value), json.loads(moved.new_value)) in retracted.reverted
    with context.read() as unit:
        action = unit.get(ActionRecord, moved.record_id)
        assert action is not None and action.percent_complete == json.loads(moved.old_value)


def test_the_demo_history_is_the_same_for_a_seed(make_context: MakeContext) -> None:
    first, second = make_context("first"), make_context("second")
    generate_demo(first, seed=5)
    generate_demo(second, seed=5)

    def history(context: ServiceContext) -> list[tuple[object, ...]]:
        with context.read() as unit:
            return [
                (row.seq, row.changed_at, row.author, row.entity, row.record_id, row.field, row.new_value)
                for row in unit.list(ChangeLogRecord, order_by=("seq",))
            ]

    assert history(first) == history(second)


def test_a_service_edit_after_the_demo_numbers_on(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, _ = demo
    with context.read() as unit:
        before = unit.meta().last_change_seq
    OrganisationService(context).create(OrganisationDraft(name="Westshire Credit Union"))
    with context.read() as unit:
        latest = listed(unit, ChangeLogRecord, order_by=("-seq",))[0]
        assert latest.seq == before + 1 == unit.meta().last_change_seq
        assert latest.author == "Test User"


# --------------------------------------------------------------------------- today


def test_today_places_the_demo_in_the_plan_period(make_context: MakeContext) -> None:
    context = make_context()
    today = date(2010, 6, 30)
    summary = generate_demo(context, today=today)
    assert summary.today == today
    with context.read() as unit:
        assert max(row.reported_on for row in listed(unit, ProgressUpdateRecord)) <= today
        assert max(row.measured_on for row in listed(unit, MeasurementRecord)) <= today


def test_a_today_outside_the_plan_period_is_brought_within_it(make_context: MakeContext) -> None:
    early = generate_demo(make_context("early"), today=date(2001, 1, 1))
    late = generate_demo(make_context("late"), today=date(2030, 1, 1))
    assert early.today == EARLIEST_TODAY
    assert late.today == PLAN_END
    assert early.progress_updates == late.progress_updates == SMALL.progress_updates


# --------------------------------------------------------------------------- determinism


def snapshot(context: ServiceContext) -> dict[str, list[tuple[object, ...]]]:
    """The generated content that must not vary between two runs with the same seed."""
    wanted: dict[str, tuple[type[Any], tuple[str, ...]]] = {
        "organisations": (OrganisationRecord, ("id", "name", "contact_email", "created_at")),
        "needs": (NeedRecord, ("id", "title", "status", "identified_on", "created_at")),
        "actions": (ActionRecord, ("id", "title", "budget_pence", "status", "due_on", "updated_at")),
        "updates": (ProgressUpdateRecord, ("id", "reported_on", "percent_complete", "rag", "note")),
        "measurements": (MeasurementRecord, ("id", "measured_on", "value")),
        "votes": (WorkshopVoteRecord, ("id", "need_id", "dots")),
    }
    with context.read() as unit:
        return {
            key: [tuple(getattr(row, name) for name in names) for row in listed(unit, model, order_by=("id",))]
            for key, (model, names) in wanted.items()
        }


def test_the_same_seed_gives_identical_content(make_context: MakeContext) -> None:
    first, second = make_context("first"), make_context("second")
    generate_demo(first, seed=42)
    generate_demo(second, seed=42)
    assert snapshot(first) == snapshot(second)
    assert WorkspaceInfoService(first).details().owner_organisation_id == (
        WorkspaceInfoService(second).details().owner_organisation_id
    )


def test_a_different_seed_gives_different_content(make_context: MakeContext) -> None:
    first, second = make_context("first"), make_context("second")
    generate_demo(first, seed=1)
    generate_demo(second, seed=2)
    one, two = snapshot(first), snapshot(second)
    assert {row[0] for row in one["actions"]}.isdisjoint(row[0] for row in two["actions"])
    assert sorted(str(row[1]) for row in one["actions"]) != sorted(str(row[1]) for row in two["actions"])
    assert Counter(row[2] for row in one["actions"]) != Counter(row[2] for row in two["actions"])


# --------------------------------------------------------------------------- refusal and cancelling


def test_a_workspace_that_already_has_data_is_refused_and_left_unchanged(make_context: MakeContext) -> None:
    context = make_context()
    OrganisationService(context).create(OrganisationDraft(name="Westshire County Council"))
    path = context.workspace.path
    assert path is not None
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(ValidationError) as raised:
        generate_demo(context)
    message = str(raised.value)
    assert "already has data" in message and "use a new file" in message
    assert raised.value.field_errors == {
        "workspace": "This workspace already has data (organisations); use a new file for the demo partnership"
    }
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    counts = counts_of(context)
    assert (counts["organisations"], counts["needs"], counts["actions"]) == (1, 0, 0)


def test_generating_twice_into_the_same_workspace_is_refused(demo: tuple[ServiceContext, DemoSummary]) -> None:
    context, _ = demo
    before = counts_of(context)
    with pytest.raises(ValidationError, match="already has data \\(organisations, needs, actions\\)"):
        generate_demo(context, seed=2)
    assert counts_of(context) == before


def cancel_after(calls: int) -> Callable[[], bool]:
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > calls

    return cancelled


@pytest.mark.parametrize("calls", [0, 3, 14, 30], ids=["at-once", "composing", "writing", "late-writing"])
def test_cancelling_leaves_nothing_written(make_context: MakeContext, calls: int) -> None:
    context = make_context()
    before = WorkspaceInfoService(context).details()
    with pytest.raises(DemoCancelled, match="nothing was written"):
        generate_demo(context, size="medium", cancelled=cancel_after(calls))
    assert all(count == 0 for label, count in counts_of(context).items() if label not in ("themes", "funding sources"))
    assert WorkspaceInfoService(context).details() == before
    assert context.workspace.integrity_problems() == []
    # And the workspace can still take the demo afterwards.
    assert generate_demo(context).organisations == 12


def test_progress_is_reported_while_composing_and_writing(make_context: MakeContext) -> None:
    context = make_context()
    reports: list[tuple[int, int, str]] = []
    summary = generate_demo(context, progress=lambda done, total, stage: reports.append((done, total, stage)))
    stages = [stage for _, _, stage in reports]
    assert stages[0].startswith("Composing")
    assert "Writing actions" in stages and "Writing progress updates" in stages
    assert all(0 <= done <= total for done, total, _ in reports)
    writing = [(done, total) for done, total, stage in reports if stage.startswith("Writing")]
    # The summary does not count the workshop board's notes and agreed-action links (demo_workshop_board), nor the
    # themes each support offer serves (demo_support).
    with context.read() as unit:
        board_rows = unit.count(WorkshopNoteRecord) + unit.count(WorkshopActionRecord)
        offer_themes = unit.count(SupportOfferThemeRecord)
    assert board_rows > 0 and offer_themes > 0
    board_rows += offer_themes
    assert writing[-1] == (summary.total_rows + board_rows, summary.total_rows + board_rows)
    assert [done for done, _ in writing] == sorted(done for done, _ in writing)


def test_listeners_hear_of_the_demo_once_written(make_context: MakeContext) -> None:
    context = make_context()
    heard: list[Changes] = []
    context.subscribe(heard.append)
    generate_demo(context)
    assert len(heard) == 1
    assert heard[0].touches("organisation") and heard[0].touches("action") and heard[0].touches("workspace_meta")


# --------------------------------------------------------------------------- the bulk writer


def test_bulk_insert_writes_in_foreign_key_order_and_fills_the_tracked_columns(make_context: MakeContext) -> None:
    context = make_context()
    org_id, need_id, link_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    written = bulk_insert(
        context.workspace,
        {
            # children first on purpose: the writer puts parents first
            "need_organisation": [{"id": link_id, "need_id": need_id, "organisation_id": org_id, "role": "Lead"}],
            "need": [{"id": need_id, "title": "Preventing homelessness"}],
            "organisation": [{"id": org_id, "name": "Wexcombe Homes"}],
        },
    )
    assert written == {"organisation": 1, "need": 1, "need_organisation": 1}
    with context.read() as unit:
        link = plain(unit.get(NeedOrganisationRecord, link_id))
        need = plain(unit.get(NeedRecord, need_id))
    assert link is not None and link.version == 1 and link.deleted_at is None and link.created_at is not None
    assert need is not None and need.status == "Identified" and need.notes == ""
    assert context.workspace.integrity_problems() == []


def test_bulk_insert_fills_columns_that_only_some_rows_give(make_context: MakeContext) -> None:
    context = make_context()
    rows = [
        {"id": uuid.uuid4(), "name": "Westshire CVS", "notes": "Third sector voice"},
        {"id": uuid.uuid4(), "name": "Westshire Chamber of Commerce"},
    ]
    bulk_insert(context.workspace, {"organisation": rows})
    with context.read() as unit:
        notes = {row.name: row.notes for row in listed(unit, OrganisationRecord)}
    assert notes == {"Westshire CVS": "Third sector voice", "Westshire Chamber of Commerce": ""}


def test_bulk_insert_cancelled_between_chunks_rolls_everything_back(make_context: MakeContext) -> None:
    context = make_context()
    rows = [{"id": uuid.uuid4(), "name": f"Parish council {n}"} for n in range(10)]
    with pytest.raises(BulkInsertCancelled):
        bulk_insert(context.workspace, {"organisation": rows}, cancelled=cancel_after(3), chunk_size=2)
    assert counts_of(context)["organisations"] == 0


def test_bulk_insert_refuses_unknown_tables_and_columns(make_context: MakeContext) -> None:
    context = make_context()
    with pytest.raises(ValueError, match="unknown table"):
        bulk_insert(context.workspace, {"minutes": [{"id": uuid.uuid4()}]})
    with pytest.raises(ValueError, match="no column"):
        bulk_insert(context.workspace, {"organisation": [{"id": uuid.uuid4(), "name": "X", "colour": "red"}]})
    assert counts_of(context)["organisations"] == 0


def test_table_order_puts_parents_before_children() -> None:
    names = [table.name for table in table_order(["progress_update", "action", "organisation"])]
    assert names.index("organisation") < names.index("action") < names.index("progress_update")


def test_the_demo_can_be_moved_to_run_through_the_current_year(workspace_path) -> None:  # type: ignore[no-untyped-def]
    from collections import Counter

    from locality.domain.vocabulary import Rag
    from locality.services.registry import Services

    now = date(2026, 11, 23)
    services = Services.open(workspace_path, today=lambda: now)
    try:
        summary = generate_demo(services.context, size="small", seed=3, move_to_year_of=now)
        details = services.workspace.details()
        assert (details.plan_start, details.plan_end) == (date(2025, 4, 1), date(2028, 3, 31))
        assert summary.today.year == 2026
        actions = services.actions.list()
        assert all(a.start_on is None or a.start_on.year >= 2024 for a in actions)
        ratings = Counter(a.rag for a in actions if a.rag is not None)
        assert ratings[Rag.GREEN] + ratings[Rag.AMBER] > ratings[Rag.RED], ratings
        assert not any("2009" in need.title for need in services.needs.list())
    finally:
        services.close()


def test_saving_a_demo_action_logs_only_what_was_changed(demo_services) -> None:  # type: ignore[no-untyped-def]
    """The demo numbers an action's milestones as the app does: a first edit of a demo action's notes changes its
    notes, not the order of its milestones (which the history would then list as changed)."""
    services = demo_services
    action = next(a for a in services.actions.list() if len(services.actions.get(a.id).milestones) >= 2)
    record = services.actions.get(action.id)
    with services.context.read() as unit:
        before = unit.session.scalar(select(func.max(ChangeLogRecord.id)))
    draft = record.as_draft()
    services.actions.update(record.id, draft.__class__(**{**draft.__dict__, "notes": "Checked."}), record.version)
    with services.context.read() as unit:
        logged = unit.session.execute(
            select(ChangeLogRecord.entity, ChangeLogRecord.field).where(ChangeLogRecord.id > before)
        ).all()
    assert {entity for entity, _field in logged} == {"action"}
    assert "notes" in {field for _entity, field in logged}
    assert [m.title for m in services.actions.get(record.id).milestones] == [m.title for m in record.milestones]
