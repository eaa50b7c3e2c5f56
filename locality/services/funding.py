"""Funding: money allocated to actions from funding sources, money spent on them, and what partners put in."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.values import MAX_PENCE, format_money
from locality.domain.vocabulary import ActionStatus
from locality.services import records
from locality.services.context import ServiceContext
from locality.store import funding_queries, funding_summary_queries, snapshot_queries
from locality.store.models import (
    ActionRecord,
    FundingAllocationRecord,
    FundingSourceRecord,
    SpendRecord,
)
from locality.store.unit_of_work import UnitOfWork

ALLOCATION_ENTITY = Entity.FUNDING_ALLOCATION
SPEND_ENTITY = Entity.SPEND
ALLOCATION_LABEL = "allocation"
SPEND_LABEL = "spend entry"
NO_SOURCE = "No funding source"


@dataclass(frozen=True)
class AllocationDraft:
    """Money from a funding source set aside for an action."""

    action_id: uuid.UUID
    funding_source_id: uuid.UUID
    amount_pence: int
    note: str = ""


@dataclass(frozen=True)
class SpendDraft:
    """Money spent on an action, charged to a funding source when known."""

    action_id: uuid.UUID
    spent_on: date | None
    amount_pence: int
    funding_source_id: uuid.UUID | None = None
    note: str = ""


@dataclass(frozen=True)
class Allocation:
    id: uuid.UUID
    version: int
    action_id: uuid.UUID
    action_title: str
    funding_source_id: uuid.UUID
    funding_source_name: str
    amount_pence: int
    note: str
    created_at: datetime
    updated_at: datetime

    def as_draft(self) -> AllocationDraft:
        return AllocationDraft(self.action_id, self.funding_source_id, self.amount_pence, self.note)


@dataclass(frozen=True)
class Spend:
    id: uuid.UUID
    version: int
    action_id: uuid.UUID
    action_title: str
    funding_source_id: uuid.UUID | None
    funding_source_name: str
    spent_on: date
    amount_pence: int
    note: str
    created_at: datetime
    updated_at: datetime

    def as_draft(self) -> SpendDraft:
        return SpendDraft(self.action_id, self.spent_on, self.amount_pence, self.funding_source_id, self.note)


@dataclass(frozen=True)
class ActionFunding:
    """An action's money: its budget, what is allocated to it, what it has spent and what is left."""

    action_id: uuid.UUID
    action_title: str
    budget_pence: int | None
    allocated_pence: int
    spent_pence: int
    # The budget less spend; without a budget, the allocations less spend.
    remaining_pence: int
    overspent: bool
    allocations: tuple[Allocation, ...]
    spends: tuple[Spend, ...]

    @property
    def unallocated_pence(self) -> int | None:
        """How much of the budget no funding source has yet been found for (None without a budget)."""
        return None if self.budget_pence is None else self.budget_pence - self.allocated_pence


@dataclass(frozen=True)
class SourceTotals:
    funding_source_id: uuid.UUID | None  # None: spend not charged to any source
    funding_source_name: str
    allocated_pence: int
    spent_pence: int

    @property
    def remaining_pence(self) -> int:
        return self.allocated_pence - self.spent_pence


@dataclass(frozen=True, slots=True)
class InKindContribution:
    action_id: uuid.UUID
    action_title: str
    description: str


@dataclass(frozen=True)
class PartnerContribution:
    """What one organisation puts into the live actions it is a partner in."""

    organisation_id: uuid.UUID
    organisation_name: str
    actions_count: int
    cash_pence: int
    staff_days: float
    in_kind: tuple[InKindContribution, ...]


@dataclass(frozen=True)
class DeletedFunding:
    """Allocations and spend entries a delete removed, so that it can be undone."""

    allocation_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    spend_ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One live action's spend against its budget, as the "Spend against budget" table shows it."""

    action_id: uuid.UUID
    action_title: str
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    status: ActionStatus
    budget_pence: int | None
    allocated_pence: int
    spent_pence: int
    # The budget less spend; without a budget, the allocations less spend (as ``ActionFunding``).
    remaining_pence: int
    # Spend as a whole percent of the budget (of the allocations without one); None when there is neither.
    percent_spent: int | None
    overspent: bool


@dataclass(frozen=True)
class BudgetTotals:
    actions: int
    budget_pence: int
    allocated_pence: int
    spent_pence: int
    remaining_pence: int
    overspent: int


@dataclass(frozen=True)
class LedgerEntry:
    """What one partner puts into one live action."""

    action_id: uuid.UUID
    action_title: str
    cash_pence: int
    staff_days: float
    in_kind: str


def budget_line(row: funding_queries.BudgetRow) -> BudgetLine:
    available = row.budget_pence if row.budget_pence is not None else row.allocated_pence
    percent = math.floor(100 * row.spent_pence / available + 0.5) if available > 0 else None
    return BudgetLine(
        action_id=row.action_id,
        action_title=row.title,
        lead_organisation_id=row.lead_organisation_id,
        lead_organisation_name=row.lead_organisation_name,
        status=ActionStatus(row.status),
        budget_pence=row.budget_pence,
        allocated_pence=row.allocated_pence,
        spent_pence=row.spent_pence,
        remaining_pence=available - row.spent_pence,
        percent_spent=percent,
        overspent=row.spent_pence > available,
    )


def budget_totals(lines: Sequence[BudgetLine]) -> BudgetTotals:
    """The sums of ``lines`` (a totals row)."""
    return BudgetTotals(
        actions=len(lines),
        budget_pence=sum(line.budget_pence or 0 for line in lines),
        allocated_pence=sum(line.allocated_pence for line in lines),
        spent_pence=sum(line.spent_pence for line in lines),
        remaining_pence=sum(line.remaining_pence for line in lines),
        overspent=sum(1 for line in lines if line.overspent),
    )


_ALLOCATION_FIELDS = ("action_id", "funding_source_id", "amount_pence", "note")
_SPEND_FIELDS = ("action_id", "funding_source_id", "spent_on", "amount_pence", "note")


# --------------------------------------------------------------------------- helpers


def _source_names(unit: UnitOfWork) -> dict[uuid.UUID, str]:
    return {row.id: row.name for row in unit.list(FundingSourceRecord, include_deleted=True)}


def _title(unit: UnitOfWork, action_id: uuid.UUID) -> str:
    action = unit.get(ActionRecord, action_id, include_deleted=True)
    return action.title if action else ""


def _allocation(
    unit: UnitOfWork, record: FundingAllocationRecord, sources: dict[uuid.UUID, str], title: str | None = None
) -> Allocation:
    return Allocation(
        id=record.id,
        version=record.version,
        action_id=record.action_id,
        action_title=title if title is not None else _title(unit, record.action_id),
        funding_source_id=record.funding_source_id,
        funding_source_name=sources.get(record.funding_source_id, ""),
        amount_pence=record.amount_pence,
        note=record.note,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _spend(unit: UnitOfWork, record: SpendRecord, sources: dict[uuid.UUID, str], title: str | None = None) -> Spend:
    return Spend(
        id=record.id,
        version=record.version,
        action_id=record.action_id,
        action_title=title if title is not None else _title(unit, record.action_id),
        funding_source_id=record.funding_source_id,
        funding_source_name=sources.get(record.funding_source_id, "") if record.funding_source_id else "",
        spent_on=record.spent_on,
        amount_pence=record.amount_pence,
        note=record.note,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _check_amount(amount: object, errors: dict[str, str]) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        errors["amount_pence"] = "Amount must be a sum of money in pounds and pence"
    elif amount <= 0:
        errors["amount_pence"] = f"Amount must be more than {format_money(0)}"
    elif amount > MAX_PENCE:
        errors["amount_pence"] = "Amount is too large to store"


def _check_action(unit: records.Lookup, action_id: uuid.UUID | None, errors: dict[str, str]) -> None:
    if action_id is None or unit.get(ActionRecord, action_id) is None:
        errors["action_id"] = "Choose an action from the list"


def _check_source(unit: records.Lookup, source_id: uuid.UUID | None, errors: dict[str, str], *, required: bool) -> None:
    if source_id is None:
        if required:
            errors["funding_source_id"] = "Choose a funding source from the list"
        return
    if unit.get(FundingSourceRecord, source_id) is None:
        errors["funding_source_id"] = "Choose a funding source from the list"


def _validated_allocation(unit: records.Lookup, draft: AllocationDraft) -> dict[str, object]:
    errors: dict[str, str] = {}
    _check_action(unit, draft.action_id, errors)
    _check_source(unit, draft.funding_source_id, errors, required=True)
    _check_amount(draft.amount_pence, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "action_id": draft.action_id,
        "funding_source_id": draft.funding_source_id,
        "amount_pence": draft.amount_pence,
        "note": (draft.note or "").strip(),
    }


def _validated_spend(unit: UnitOfWork, draft: SpendDraft) -> dict[str, object]:
    errors: dict[str, str] = {}
    _check_action(unit, draft.action_id, errors)
    _check_source(unit, draft.funding_source_id, errors, required=False)
    if draft.spent_on is None:
        errors["spent_on"] = "Enter the date the money was spent"
    _check_amount(draft.amount_pence, errors)
    if errors:
        raise ValidationError(errors)
    return {
        "action_id": draft.action_id,
        "funding_source_id": draft.funding_source_id,
        "spent_on": draft.spent_on,
        "amount_pence": draft.amount_pence,
        "note": (draft.note or "").strip(),
    }


def _ids(ids: uuid.UUID | Sequence[uuid.UUID]) -> list[uuid.UUID]:
    return [ids] if isinstance(ids, uuid.UUID) else list(ids)


class AllocationBatch:
    """Creates many funding allocations in one transaction (an import): each draft checked exactly as
    ``FundingService.create_allocation`` checks it, against ``batch.known``, and kept as a row of
    ``batch.rows`` with the same change-log entry. Get one from ``FundingService.creating_allocations``."""

    def __init__(self, batch: records.Batch) -> None:
        self._batch = batch

    def create(self, draft: AllocationDraft) -> uuid.UUID:
        """The new allocation's id; ``ValidationError`` (and nothing kept) when the draft is wrong."""
        values = _validated_allocation(self._batch.known, draft)
        row = self._batch.rows.create(FundingAllocationRecord, values, _ALLOCATION_FIELDS)
        allocation_id: uuid.UUID = row["id"]
        return allocation_id


# --------------------------------------------------------------------------- the service


class FundingService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    # ------------------------------------------------------------------ allocations

    def allocations(self, action_id: uuid.UUID | None = None) -> list[Allocation]:
        """Live allocations, of one action or of every live action."""
        with self._context.read() as unit:
            sources = _source_names(unit)
            where = {"action_id": action_id} if action_id else None
            rows = unit.list(FundingAllocationRecord, where, order_by=("created_at",))
            titles = snapshot_queries.live_action_titles(unit, action_id)
            return [_allocation(unit, row, sources, titles[row.action_id]) for row in rows if row.action_id in titles]

    def get_allocation(self, allocation_id: uuid.UUID) -> Allocation:
        with self._context.read() as unit:
            record = records.require(unit, FundingAllocationRecord, allocation_id, ALLOCATION_LABEL)
            return _allocation(unit, record, _source_names(unit))

    def create_allocation(self, draft: AllocationDraft) -> Allocation:
        with self._context.edit(ALLOCATION_ENTITY) as unit:
            values = _validated_allocation(unit, draft)
            record = records.create(unit, FundingAllocationRecord(**values), _ALLOCATION_FIELDS)
            return _allocation(unit, record, _source_names(unit))

    @contextmanager
    def creating_allocations(self, batch: records.Batch | None = None) -> Iterator[AllocationBatch]:
        """Many ``create_allocation`` calls' worth in one transaction, written when the block ends — or, when
        a ``batch`` shared with other services' batches is given (the actions the allocations are for, say),
        when its owner calls ``batch.write()``. Nothing is written if the block raises."""
        with self._context.edit(ALLOCATION_ENTITY) as unit, records.batch_on(unit, batch) as shared:
            yield AllocationBatch(shared)

    def update_allocation(
        self, allocation_id: uuid.UUID, draft: AllocationDraft, expected_version: int | None
    ) -> Allocation:
        with self._context.edit(ALLOCATION_ENTITY) as unit:
            record = records.require(unit, FundingAllocationRecord, allocation_id, ALLOCATION_LABEL)
            sources = _source_names(unit)
            records.check_version(
                record, expected_version, ALLOCATION_LABEL, lambda: _allocation(unit, record, sources)
            )
            records.update(unit, record, _validated_allocation(unit, draft))
            return _allocation(unit, record, sources)

    def delete_allocation(self, allocation_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedFunding:
        with self._context.edit(ALLOCATION_ENTITY) as unit:
            targets = [
                records.require(unit, FundingAllocationRecord, aid, ALLOCATION_LABEL) for aid in _ids(allocation_ids)
            ]
            records.tombstone(unit, targets)
            return DeletedFunding(allocation_ids=tuple(record.id for record in targets))

    # ------------------------------------------------------------------ spend

    def spends(self, action_id: uuid.UUID | None = None) -> list[Spend]:
        """Live spend entries, oldest first, of one action or of every live action."""
        with self._context.read() as unit:
            sources = _source_names(unit)
            where = {"action_id": action_id} if action_id else None
            rows = unit.list(SpendRecord, where, order_by=("spent_on", "created_at"))
            titles = snapshot_queries.live_action_titles(unit, action_id)
            return [_spend(unit, row, sources, titles[row.action_id]) for row in rows if row.action_id in titles]

    def get_spend(self, spend_id: uuid.UUID) -> Spend:
        with self._context.read() as unit:
            record = records.require(unit, SpendRecord, spend_id, SPEND_LABEL)
            return _spend(unit, record, _source_names(unit))

    def create_spend(self, draft: SpendDraft) -> Spend:
        with self._context.edit(SPEND_ENTITY) as unit:
            values = _validated_spend(unit, draft)
            record = records.create(unit, SpendRecord(**values), _SPEND_FIELDS)
            return _spend(unit, record, _source_names(unit))

    def update_spend(self, spend_id: uuid.UUID, draft: SpendDraft, expected_version: int | None) -> Spend:
        with self._context.edit(SPEND_ENTITY) as unit:
            record = records.require(unit, SpendRecord, spend_id, SPEND_LABEL)
            sources = _source_names(unit)
            records.check_version(record, expected_version, SPEND_LABEL, lambda: _spend(unit, record, sources))
            records.update(unit, record, _validated_spend(unit, draft))
            return _spend(unit, record, sources)

    def delete_spend(self, spend_ids: uuid.UUID | Sequence[uuid.UUID]) -> DeletedFunding:
        with self._context.edit(SPEND_ENTITY) as unit:
            targets = [records.require(unit, SpendRecord, sid, SPEND_LABEL) for sid in _ids(spend_ids)]
            records.tombstone(unit, targets)
            return DeletedFunding(spend_ids=tuple(record.id for record in targets))

    def restore(self, deleted: DeletedFunding) -> None:
        """Undoes a delete of allocations or spend entries; refused for money of an action deleted since (it
        comes back when that action's delete is undone)."""
        with self._context.edit(ALLOCATION_ENTITY, SPEND_ENTITY) as unit:
            found: list[FundingAllocationRecord | SpendRecord] = []
            for allocation_id in deleted.allocation_ids:
                allocation = unit.get(FundingAllocationRecord, allocation_id, include_deleted=True)
                if allocation is not None:
                    found.append(allocation)
            for spend_id in deleted.spend_ids:
                spend = unit.get(SpendRecord, spend_id, include_deleted=True)
                if spend is not None:
                    found.append(spend)
            if any(unit.get(ActionRecord, record.action_id) is None for record in found):
                raise NotFoundError("The action this money belongs to has been deleted; restore the action first.")
            records.restore(unit, found)

    # ------------------------------------------------------------------ summaries

    def action_funding(self, action_id: uuid.UUID) -> ActionFunding:
        with self._context.read() as unit:
            action = unit.get(ActionRecord, action_id)
            if action is None:
                raise NotFoundError("That action no longer exists; it may have been deleted by someone else.")
            sources = _source_names(unit)
            allocations = tuple(
                _allocation(unit, row, sources, action.title)
                for row in unit.list(FundingAllocationRecord, {"action_id": action_id}, order_by=("created_at",))
            )
            spends = tuple(
                _spend(unit, row, sources, action.title)
                for row in unit.list(SpendRecord, {"action_id": action_id}, order_by=("spent_on", "created_at"))
            )
            allocated = sum(item.amount_pence for item in allocations)
            spent = sum(item.amount_pence for item in spends)
            available = action.budget_pence if action.budget_pence is not None else allocated
            return ActionFunding(
                action_id=action.id,
                action_title=action.title,
                budget_pence=action.budget_pence,
                allocated_pence=allocated,
                spent_pence=spent,
                remaining_pence=available - spent,
                overspent=spent > available,
                allocations=allocations,
                spends=spends,
            )

    def totals_by_source(self) -> list[SourceTotals]:
        """Allocated and spent per funding source over live actions, in the sources' order; spend charged to
        no source comes last when there is any."""
        with self._context.read() as unit:
            allocated = funding_summary_queries.allocation_totals_by_source(unit)
            spent = funding_summary_queries.spend_totals_by_source(unit)
            live = unit.list(FundingSourceRecord, order_by=("sort_order", "name"))
            listed = {row.id for row in live}
            # A retired source still shows while money is recorded against it.
            retired = [
                row
                for row in unit.list(FundingSourceRecord, include_deleted=True, order_by=("sort_order", "name"))
                if row.id not in listed and (allocated.get(row.id) or spent.get(row.id))
            ]
            result = [
                SourceTotals(row.id, row.name, allocated.get(row.id, 0), spent.get(row.id, 0))
                for row in [*live, *retired]
            ]
            if spent.get(None):
                result.append(SourceTotals(None, NO_SOURCE, 0, spent[None]))
            return result

    def partner_contributions(self, organisation_id: uuid.UUID | None = None) -> list[PartnerContribution]:
        """Per organisation (by name), its cash, staff days and in-kind help across the live actions it is a
        partner in; one organisation only when ``organisation_id`` is given."""
        with self._context.read() as unit:
            rows = funding_summary_queries.contribution_rows(unit, organisation_id)
        grouped: dict[uuid.UUID, list[funding_summary_queries.ContributionRow]] = {}
        for row in rows:
            grouped.setdefault(row.organisation_id, []).append(row)
        return [
            PartnerContribution(
                organisation_id=org_id,
                organisation_name=items[0].organisation_name,
                actions_count=len(items),
                cash_pence=sum(item.cash_pence for item in items),
                staff_days=sum(item.staff_days for item in items),
                in_kind=tuple(
                    InKindContribution(item.action_id, item.action_title, item.in_kind.strip())
                    for item in items
                    if item.in_kind.strip()
                ),
            )
            for org_id, items in grouped.items()
        ]

    def spend_against_budget(
        self,
        *,
        overspent_only: bool = False,
        funding_source_id: uuid.UUID | None = None,
        lead_organisation_id: uuid.UUID | None = None,
    ) -> list[BudgetLine]:
        """Every live action's budget, allocations, spend and what remains, in title order: one bulk query
        (two with ``funding_source_id``, which keeps actions with an allocation from or spend charged to it)."""
        with self._context.read() as unit:
            rows = funding_queries.budget_rows(unit)
            funded = funding_queries.actions_funded_by(unit, funding_source_id) if funding_source_id else None
        lines = [budget_line(row) for row in rows]
        return [
            line
            for line in lines
            if (not overspent_only or line.overspent)
            and (funded is None or line.action_id in funded)
            and (lead_organisation_id is None or line.lead_organisation_id == lead_organisation_id)
        ]

    def budget_line(self, action_id: uuid.UUID) -> BudgetLine:
        """One live action's spend against budget."""
        with self._context.read() as unit:
            rows = funding_queries.budget_rows(unit, action_id)
        if not rows:
            raise NotFoundError("That action no longer exists; it may have been deleted by someone else.")
        return budget_line(rows[0])

    def actions_funded_by(self, funding_source_id: uuid.UUID | None) -> set[uuid.UUID]:
        """Ids of the live actions with an allocation from, or spend charged to, the source (None: spend charged
        to no source)."""
        with self._context.read() as unit:
            return funding_queries.actions_funded_by(unit, funding_source_id)

    def partner_ledger(self, organisation_id: uuid.UUID) -> list[LedgerEntry]:
        """What one organisation puts into each live action it is a partner in, by action title."""
        with self._context.read() as unit:
            rows = funding_summary_queries.contribution_rows(unit, organisation_id)
        return [
            LedgerEntry(row.action_id, row.action_title, row.cash_pence, row.staff_days, row.in_kind.strip())
            for row in rows
        ]
