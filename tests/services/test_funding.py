"""Funding: allocations from funding sources, spend, each action's money, totals per source, partners' share."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from locality.domain.errors import NotFoundError, StaleRecordError, ValidationError
from locality.domain.vocabulary import seeded_id
from locality.services.context import Changes, ServiceContext
from locality.services.funding import (
    AllocationDraft,
    FundingService,
    InKindContribution,
    SourceTotals,
    SpendDraft,
    budget_totals,
)
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.store.models import (
    ActionPartnerRecord,
    ActionRecord,
    ChangeLogRecord,
    FundingAllocationRecord,
    SpendRecord,
    utc_now,
)
from locality.store.workspace import Workspace

TODAY = date(2008, 6, 1)
CAPACITY_FUND = seeded_id("funding_source", "Capacity-building fund")
RSG = seeded_id("funding_source", "RSG top-slice")


@pytest.fixture
def funding(ctx: ServiceContext) -> FundingService:
    return FundingService(ctx)


def add_action(workspace: Workspace, title: str = "Shared CCTV control room", budget: int | None = None) -> uuid.UUID:
    with workspace.transaction() as unit:
        record = ActionRecord(id=uuid.uuid4(), title=title, budget_pence=budget)
        unit.add(record)
        return record.id


def delete_action(workspace: Workspace, action_id: uuid.UUID) -> None:
    with workspace.transaction() as unit:
        record = unit.get(ActionRecord, action_id)
        assert record is not None
        record.deleted_at = utc_now()


@dataclass(frozen=True)
class Logged:
    entity: str
    operation: str
    field: str | None
    old_value: str | None
    new_value: str | None


def log_rows(workspace: Workspace, entity: str | None = None) -> list[Logged]:
    with workspace.reading() as unit:
        rows = [
            Logged(row.entity, row.operation, row.field, row.old_value, row.new_value)
            for row in unit.list(ChangeLogRecord, order_by=("seq",))
        ]
    return [row for row in rows if entity is None or row.entity == entity]


def count(workspace: Workspace, model: type) -> int:
    with workspace.reading() as unit:
        return unit.count(model)


# --------------------------------------------------------------------------- allocations


def test_allocation_is_saved_read_back_and_logged(
    funding: FundingService, workspace: Workspace, heard: list[Changes]
) -> None:
    action_id = add_action(workspace)
    created = funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, 1_250_000, "  Year one  "))
    assert created.amount_pence == 1_250_000
    assert created.note == "Year one"
    assert created.action_title == "Shared CCTV control room"
    assert created.funding_source_name == "Capacity-building fund"
    assert funding.get_allocation(created.id) == created
    assert funding.allocations(action_id) == [created]
    assert heard == [Changes(frozenset({"funding_allocation"}))]
    [row] = log_rows(workspace, "funding_allocation")
    assert row.operation == "create"
    assert '"amount_pence": 1250000' in (row.new_value or "")


def test_allocation_validation_reports_every_field_and_writes_nothing(
    funding: FundingService, workspace: Workspace
) -> None:
    before = len(log_rows(workspace))
    with pytest.raises(ValidationError) as caught:
        funding.create_allocation(AllocationDraft(uuid.uuid4(), uuid.uuid4(), 0))
    assert caught.value.field_errors == {
        "action_id": "Choose an action from the list",
        "funding_source_id": "Choose a funding source from the list",
        "amount_pence": "Amount must be more than £0.00",
    }
    assert "Amount must be more than £0.00." in str(caught.value)
    action_id = add_action(workspace)
    with pytest.raises(ValidationError) as caught:
        funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, -500))
    assert caught.value.field_errors == {"amount_pence": "Amount must be more than £0.00"}
    assert count(workspace, FundingAllocationRecord) == 0
    assert len(log_rows(workspace)) == before


def test_allocation_to_a_deleted_action_is_refused(funding: FundingService, workspace: Workspace) -> None:
    action_id = add_action(workspace)
    delete_action(workspace, action_id)
    with pytest.raises(ValidationError) as caught:
        funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, 100))
    assert caught.value.field_errors == {"action_id": "Choose an action from the list"}


def test_update_allocation_and_stale_conflict(funding: FundingService, workspace: Workspace) -> None:
    action_id = add_action(workspace)
    created = funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, 1000))
    changed = funding.update_allocation(created.id, AllocationDraft(action_id, RSG, 2000), created.version)
    assert (changed.funding_source_name, changed.amount_pence, changed.version) == ("RSG top-slice", 2000, 2)
    with pytest.raises(StaleRecordError) as caught:
        funding.update_allocation(created.id, AllocationDraft(action_id, RSG, 3000), created.version)
    assert caught.value.current.amount_pence == 2000
    assert funding.get_allocation(created.id).amount_pence == 2000
    updates = [(row.field, row.old_value, row.new_value) for row in log_rows(workspace, "funding_allocation")[1:]]
    assert ("amount_pence", "1000", "2000") in updates
    assert len(updates) == 2


def test_invalid_allocation_update_writes_nothing(funding: FundingService, workspace: Workspace) -> None:
    action_id = add_action(workspace)
    created = funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, 1000))
    with pytest.raises(ValidationError):
        funding.update_allocation(created.id, AllocationDraft(action_id, CAPACITY_FUND, 0), created.version)
    assert funding.get_allocation(created.id) == created


def test_delete_and_restore_allocation(funding: FundingService, workspace: Workspace, heard: list[Changes]) -> None:
    action_id = add_action(workspace)
    created = funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, 1000))
    deleted = funding.delete_allocation(created.id)
    assert funding.allocations(action_id) == []
    with pytest.raises(NotFoundError):
        funding.get_allocation(created.id)
    funding.restore(deleted)
    assert [a.id for a in funding.allocations(action_id)] == [created.id]
    assert [row.operation for row in log_rows(workspace, "funding_allocation")] == ["create", "delete", "restore"]
    assert heard[-1].touches("funding_allocation")


# --------------------------------------------------------------------------- spend


def test_spend_with_and_without_a_source(funding: FundingService, workspace: Workspace) -> None:
    action_id = add_action(workspace)
    charged = funding.create_spend(SpendDraft(action_id, date(2008, 5, 1), 40_000, CAPACITY_FUND, "Venue hire"))
    uncharged = funding.create_spend(SpendDraft(action_id, date(2008, 4, 1), 15_000))
    assert charged.funding_source_name == "Capacity-building fund"
    assert (uncharged.funding_source_id, uncharged.funding_source_name) == (None, "")
    assert [s.id for s in funding.spends(action_id)] == [uncharged.id, charged.id]  # oldest first
    assert funding.get_spend(charged.id) == charged


def test_spend_validation(funding: FundingService, workspace: Workspace) -> None:
    with pytest.raises(ValidationError) as caught:
        funding.create_spend(SpendDraft(uuid.uuid4(), None, -1, uuid.uuid4()))
    assert caught.value.field_errors == {
        "action_id": "Choose an action from the list",
        "funding_source_id": "Choose a funding source from the list",
        "spent_on": "Enter the date the money was spent",
        "amount_pence": "Amount must be more than £0.00",
    }
    assert count(workspace, SpendRecord) == 0
    assert log_rows(workspace, "spend") == []


def test_update_spend_stale_conflict_delete_and_restore(funding: FundingService, workspace: Workspace) -> None:
    action_id = add_action(workspace)
    created = funding.create_spend(SpendDraft(action_id, date(2008, 5, 1), 40_000))
    changed = funding.update_spend(created.id, SpendDraft(action_id, date(2008, 5, 2), 45_000), created.version)
    assert (changed.spent_on, changed.amount_pence) == (date(2008, 5, 2), 45_000)
    with pytest.raises(StaleRecordError):
        funding.update_spend(created.id, SpendDraft(action_id, date(2008, 5, 3), 1), created.version)
    deleted = funding.delete_spend([created.id])
    assert funding.spends(action_id) == []
    funding.restore(deleted)
    assert funding.get_spend(created.id).amount_pence == 45_000


# --------------------------------------------------------------------------- summaries


def test_action_funding_totals_remaining_and_overspend(funding: FundingService, workspace: Workspace) -> None:
    action_id = add_action(workspace, budget=100_000)
    funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, 60_000))
    funding.create_allocation(AllocationDraft(action_id, RSG, 20_000))
    funding.create_spend(SpendDraft(action_id, date(2008, 5, 1), 30_000, CAPACITY_FUND))
    money = funding.action_funding(action_id)
    assert money.budget_pence == 100_000
    assert money.allocated_pence == 80_000
    assert money.spent_pence == 30_000
    assert money.remaining_pence == 70_000
    assert money.unallocated_pence == 20_000
    assert not money.overspent
    assert len(money.allocations) == 2 and len(money.spends) == 1

    funding.create_spend(SpendDraft(action_id, date(2008, 5, 20), 80_000))
    money = funding.action_funding(action_id)
    assert money.remaining_pence == -10_000
    assert money.overspent


def test_action_funding_without_a_budget_measures_against_allocations(
    funding: FundingService, workspace: Workspace
) -> None:
    action_id = add_action(workspace)
    funding.create_allocation(AllocationDraft(action_id, CAPACITY_FUND, 5_000))
    funding.create_spend(SpendDraft(action_id, date(2008, 5, 1), 6_000))
    money = funding.action_funding(action_id)
    assert money.budget_pence is None and money.unallocated_pence is None
    assert money.remaining_pence == -1_000
    assert money.overspent


def test_action_funding_of_a_missing_action(funding: FundingService) -> None:
    with pytest.raises(NotFoundError):
        funding.action_funding(uuid.uuid4())


def test_totals_by_source_leave_out_deleted_actions(funding: FundingService, workspace: Workspace) -> None:
    live = add_action(workspace, "Leadership academy")
    gone = add_action(workspace, "Cancelled secondment")
    funding.create_allocation(AllocationDraft(live, CAPACITY_FUND, 10_000))
    funding.create_allocation(AllocationDraft(live, RSG, 3_000))
    funding.create_allocation(AllocationDraft(gone, CAPACITY_FUND, 99_000))
    funding.create_spend(SpendDraft(live, date(2008, 5, 1), 4_000, CAPACITY_FUND))
    funding.create_spend(SpendDraft(live, date(2008, 5, 2), 500))
    delete_action(workspace, gone)

    totals = funding.totals_by_source()
    by_name = {row.funding_source_name: row for row in totals}
    assert by_name["Capacity-building fund"] == SourceTotals(CAPACITY_FUND, "Capacity-building fund", 10_000, 4_000)
    assert by_name["Capacity-building fund"].remaining_pence == 6_000
    assert by_name["RSG top-slice"].allocated_pence == 3_000
    assert by_name["Other"].allocated_pence == 0
    assert totals[-1] == SourceTotals(None, "No funding source", 0, 500)
    assert totals[0].funding_source_name == "Capacity-building fund"  # in the sources' own order
    assert [a.action_title for a in funding.allocations()] == ["Leadership academy", "Leadership academy"]


def test_partner_contributions_are_summed_per_organisation(
    funding: FundingService, ctx: ServiceContext, workspace: Workspace
) -> None:
    organisations = OrganisationService(ctx)
    police = organisations.create(OrganisationDraft("Northshire Police")).id
    pct = organisations.create(OrganisationDraft("Northshire PCT")).id
    first = add_action(workspace, "Joint patrols")
    second = add_action(workspace, "Alcohol harm workshop")
    gone = add_action(workspace, "Deleted action")
    with workspace.transaction() as unit:
        unit.add(ActionPartnerRecord(action_id=first, organisation_id=police, cash_pence=500_000, staff_days=10.5))
        unit.add(
            ActionPartnerRecord(
                action_id=second, organisation_id=police, cash_pence=0, staff_days=2, in_kind="Meeting room"
            )
        )
        unit.add(ActionPartnerRecord(action_id=gone, organisation_id=police, cash_pence=999, staff_days=99))
        unit.add(ActionPartnerRecord(action_id=second, organisation_id=pct, cash_pence=20_000, staff_days=0))
    delete_action(workspace, gone)

    everyone = funding.partner_contributions()
    assert [c.organisation_name for c in everyone] == ["Northshire PCT", "Northshire Police"]
    police_share = everyone[1]
    assert police_share.organisation_id == police
    assert police_share.actions_count == 2
    assert police_share.cash_pence == 500_000
    assert police_share.staff_days == 12.5
    assert police_share.in_kind == (InKindContribution(second, "Alcohol harm workshop", "Meeting room"),)

    only_pct = funding.partner_contributions(pct)
    assert len(only_pct) == 1
    assert (only_pct[0].cash_pence, only_pct[0].in_kind) == (20_000, ())


# --------------------------------------------------------------------------- spend against budget (demo)


def _independent_lines(demo_services):  # type: ignore[no-untyped-def]
    """Each live action's (budget, allocated, spent), summed here from the services' own lists."""
    allocated: dict[uuid.UUID, int] = {}
    for allocation in demo_services.funding.allocations():
        allocated[allocation.action_id] = allocated.get(allocation.action_id, 0) + allocation.amount_pence
    spent: dict[uuid.UUID, int] = {}
    for spend in demo_services.funding.spends():
        spent[spend.action_id] = spent.get(spend.action_id, 0) + spend.amount_pence
    return {
        action.id: (action.budget_pence, allocated.get(action.id, 0), spent.get(action.id, 0))
        for action in demo_services.actions.list()
    }


def test_spend_against_budget_matches_sums_of_allocations_and_spend(demo_services) -> None:  # type: ignore[no-untyped-def]
    expected = _independent_lines(demo_services)
    lines = demo_services.funding.spend_against_budget()
    assert len(lines) == len(expected) == 60
    assert any(line.spent_pence for line in lines)
    for line in lines:
        budget, allocated, spent = expected[line.action_id]
        assert (line.budget_pence, line.allocated_pence, line.spent_pence) == (budget, allocated, spent)
        available = budget if budget is not None else allocated
        assert line.remaining_pence == available - spent
        assert line.overspent == (spent > available)
        if available:
            assert line.percent_spent == math.floor(100 * spent / available + 0.5)
    totals = budget_totals(lines)
    assert totals.spent_pence == sum(spend.amount_pence for spend in demo_services.funding.spends())
    assert totals.allocated_pence == sum(a.amount_pence for a in demo_services.funding.allocations())
    assert totals.overspent == sum(1 for line in lines if line.overspent)


def test_overspend_is_flagged_and_filters_keep_the_right_actions(demo_services) -> None:  # type: ignore[no-untyped-def]
    funding = demo_services.funding
    target = next(line for line in funding.spend_against_budget() if line.budget_pence and not line.overspent)
    funding.create_spend(SpendDraft(target.action_id, TODAY, target.remaining_pence + 100))
    line = funding.budget_line(target.action_id)
    assert line.overspent
    assert line.remaining_pence == -100
    overspent = funding.spend_against_budget(overspent_only=True)
    assert target.action_id in {item.action_id for item in overspent}
    assert all(item.spent_pence > (item.budget_pence or item.allocated_pence) for item in overspent)

    lead = target.lead_organisation_id
    assert lead is not None
    led = funding.spend_against_budget(lead_organisation_id=lead)
    assert {item.action_id for item in led} == {a.id for a in demo_services.actions.list(lead_organisation_id=lead)}

    by_source = funding.spend_against_budget(funding_source_id=CAPACITY_FUND)
    expected = {a.action_id for a in funding.allocations() if a.funding_source_id == CAPACITY_FUND} | {
        s.action_id for s in funding.spends() if s.funding_source_id == CAPACITY_FUND
    }
    assert {item.action_id for item in by_source} == expected
    assert expected


def test_partner_ledger_totals_match_the_action_partners(demo_services) -> None:  # type: ignore[no-untyped-def]
    funding = demo_services.funding
    summaries = funding.partner_contributions()
    assert summaries
    for summary in summaries:
        ledger = funding.partner_ledger(summary.organisation_id)
        assert len(ledger) == summary.actions_count
        assert sum(entry.cash_pence for entry in ledger) == summary.cash_pence
        assert sum(entry.staff_days for entry in ledger) == pytest.approx(summary.staff_days)
        independent_cash = 0
        for entry in ledger:
            action = demo_services.actions.get(entry.action_id)
            [partner] = [p for p in action.partners if p.organisation_id == summary.organisation_id]
            assert (partner.cash_pence, partner.in_kind) == (entry.cash_pence, entry.in_kind)
            independent_cash += partner.cash_pence
        assert independent_cash == summary.cash_pence


def test_deleting_an_action_takes_its_money_out_of_every_total_and_undo_brings_it_back(demo_services) -> None:  # type: ignore[no-untyped-def]
    funding, actions = demo_services.funding, demo_services.actions
    target = max(funding.spend_against_budget(), key=lambda line: line.spent_pence)
    assert target.spent_pence > 0 and target.allocated_pence > 0
    spent_before = sum(s.spent_pence for s in funding.totals_by_source())
    allocated_before = sum(s.allocated_pence for s in funding.totals_by_source())
    lines_before = budget_totals(funding.spend_against_budget())

    deleted = actions.delete([target.action_id])
    assert sum(s.spent_pence for s in funding.totals_by_source()) == spent_before - target.spent_pence
    assert sum(s.allocated_pence for s in funding.totals_by_source()) == allocated_before - target.allocated_pence
    after = budget_totals(funding.spend_against_budget())
    assert after.spent_pence == lines_before.spent_pence - target.spent_pence
    assert all(s.action_id != target.action_id for s in funding.spends())
    # The rows themselves are tombstoned, not merely hidden by a join.
    with demo_services.context.read() as unit:
        assert unit.count(SpendRecord, {"action_id": target.action_id}) == 0
        assert unit.count(FundingAllocationRecord, {"action_id": target.action_id}) == 0

    actions.restore(deleted)
    assert sum(s.spent_pence for s in funding.totals_by_source()) == spent_before
    assert sum(s.allocated_pence for s in funding.totals_by_source()) == allocated_before
    assert funding.budget_line(target.action_id) == target


def test_money_deleted_before_its_action_stays_deleted_when_the_action_comes_back(
    funding: FundingService, workspace: Workspace, ctx: ServiceContext
) -> None:
    from locality.services.actions import ActionService

    actions = ActionService(ctx)
    action_id = add_action(workspace, budget=10_000)
    early = funding.create_spend(SpendDraft(action_id, TODAY, 1_000))
    kept = funding.create_spend(SpendDraft(action_id, TODAY, 2_000))
    funding.delete_spend(early.id)
    deleted = actions.delete([action_id])
    actions.restore(deleted)
    assert [s.id for s in funding.spends(action_id)] == [kept.id]
    removed = funding.delete_spend(kept.id)
    actions.delete([action_id])
    with pytest.raises(NotFoundError):
        funding.restore(removed)
