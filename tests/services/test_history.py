"""The change history: every change the services log, newest first, in sentences people read."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.services.context import ServiceContext, User
from locality.services.funding import AllocationDraft, FundingService
from locality.services.history import ENTITY_LABELS, HistoryService, entity_label, field_label
from locality.services.indicators import IndicatorDraft, IndicatorService
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.workshops import WorkshopDraft, WorkshopService
from locality.store.models import ActionRecord, NeedRecord
from locality.store.workspace import Workspace

TODAY = date(2008, 6, 1)
CAPACITY_FUND_NAME = "Capacity-building fund"


@pytest.fixture
def ctx(workspace: Workspace) -> ServiceContext:
    return ServiceContext(workspace, User("Jo Bloggs", "Northshire CC"), today=lambda: TODAY)


@pytest.fixture
def history(ctx: ServiceContext) -> HistoryService:
    return HistoryService(ctx)


def add_action(workspace: Workspace, title: str, status: str = "Planned") -> uuid.UUID:
    """An action as the actions service would have made it, with its creation and a status change logged."""
    with workspace.transaction(author="Jo Bloggs", author_organisation="Northshire CC") as unit:
        record = ActionRecord(id=uuid.uuid4(), title=title, status=status)
        unit.add(record)
        unit.log("action", record.id, "create", None, None, {"title": title, "status": status})
        unit.log("action", record.id, "update", "status", status, "In progress")
        record.status = "In progress"
        return record.id


def test_entries_are_newest_first_with_author_and_sentences(ctx: ServiceContext, history: HistoryService) -> None:
    organisations = OrganisationService(ctx)
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.update(police.id, OrganisationDraft("Northshire Constabulary", notes="Lead for safety"), 1)
    deleted = organisations.delete([police.id])
    organisations.restore(deleted)

    entries = history.entries(entity="organisation")
    assert [entry.summary for entry in entries] == [
        'Restored organisation "Northshire Constabulary"',
        'Deleted organisation "Northshire Constabulary"',
        'Changed notes from "(blank)" to "Lead for safety"',
        'Changed name from "Northshire Police" to "Northshire Constabulary"',
        'Created organisation "Northshire Constabulary"',
    ]
    newest = entries[0]
    assert (newest.author, newest.author_organisation) == ("Jo Bloggs", "Northshire CC")
    assert (newest.entity, newest.entity_label, newest.record_id) == ("organisation", "Organisation", police.id)
    assert newest.operation == "restore"
    assert newest.changed_at.tzinfo is not None
    changes = {entry.field: (entry.old_value, entry.new_value) for entry in entries if entry.operation == "update"}
    assert changes == {
        "name": ("Northshire Police", "Northshire Constabulary"),
        "notes": ("", "Lead for safety"),
    }
    assert [entry.changed_at for entry in entries] == sorted((entry.changed_at for entry in entries), reverse=True)


def test_status_change_reads_as_a_sentence(workspace: Workspace, history: HistoryService) -> None:
    action_id = add_action(workspace, "Joint patrols")
    [change, created] = history.record_history(action_id)
    assert change.summary == 'Changed status from "Planned" to "In progress"'
    assert (change.field, change.field_label) == ("status", "status")
    assert (change.old_value, change.new_value) == ("Planned", "In progress")
    assert change.entity_label == "Action"
    assert created.summary == 'Created action "Joint patrols"'
    assert created.new_value == {"title": "Joint patrols", "status": "Planned"}


def test_values_are_shown_as_people_read_them(
    ctx: ServiceContext, workspace: Workspace, history: HistoryService
) -> None:
    with workspace.transaction() as unit:
        need = NeedRecord(id=uuid.uuid4(), title="Reduce repeat burglary")
        unit.add(need)
    action_id = add_action(workspace, "Target hardening")
    indicators = IndicatorService(ctx)
    indicator = indicators.create(IndicatorDraft("Burglaries", baseline_on=date(2007, 4, 1)))
    indicators.update(
        indicator.id,
        IndicatorDraft("Burglaries", baseline_on=date(2008, 4, 1), need_id=need.id, target_value=120.0),
        indicator.version,
    )
    summaries = {entry.field: entry.summary for entry in history.record_history(indicator.id) if entry.field}
    assert summaries == {
        "baseline_on": 'Changed baseline date from "01/04/2007" to "01/04/2008"',
        "need_id": 'Changed need from "(blank)" to "Reduce repeat burglary"',
        "target_value": 'Changed target value from "(blank)" to "120"',
    }

    funding = FundingService(ctx)
    source = next(s for s in funding.totals_by_source() if s.funding_source_name == CAPACITY_FUND_NAME)
    assert source.funding_source_id is not None
    allocation = funding.create_allocation(AllocationDraft(action_id, source.funding_source_id, 150_000))
    funding.update_allocation(
        allocation.id, AllocationDraft(action_id, source.funding_source_id, 1_234_567), allocation.version
    )
    [change, created] = history.record_history(allocation.id)
    assert change.summary == 'Changed amount from "£1,500.00" to "£12,345.67"'
    assert created.summary == "Created funding allocation"
    assert created.entity_label == "Funding allocation"


def test_deleted_records_keep_their_name_in_the_history(ctx: ServiceContext, history: HistoryService) -> None:
    workshops = WorkshopService(ctx)
    workshop = workshops.create(WorkshopDraft("Community safety priorities"))
    workshops.delete(workshop.id)
    assert history.entries(record_id=workshop.id)[0].summary == 'Deleted workshop "Community safety priorities"'
    assert history.entries(record_id=workshop.id)[0].record_name == "Community safety priorities"


def test_paging_filters_and_count(ctx: ServiceContext, history: HistoryService) -> None:
    organisations = OrganisationService(ctx)
    for number in range(5):
        organisations.create(OrganisationDraft(f"Partner {number}"))
    WorkshopService(ctx).create(WorkshopDraft("Workshop"))

    assert history.count() == 6
    assert history.count(entity="organisation") == 5
    everything = history.entries()
    assert len(everything) == 6
    assert everything[0].entity == "workshop"
    first_page = history.entries(entity="organisation", limit=2)
    second_page = history.entries(entity="organisation", limit=2, offset=2)
    last_page = history.entries(entity="organisation", limit=2, offset=4)
    names = [entry.record_name for entry in [*first_page, *second_page, *last_page]]
    assert names == ["Partner 4", "Partner 3", "Partner 2", "Partner 1", "Partner 0"]
    assert history.entries(entity="need") == []
    assert history.entries(record_id=uuid.uuid4()) == []


def test_labels() -> None:
    assert entity_label("need_organisation") == "Need–organisation link"
    assert entity_label("something_new") == "Something new"
    assert field_label("lead_organisation_id") == "lead organisation"
    assert field_label("budget_pence") == "budget"
    assert field_label("short_name") == "short name"


def test_an_entity_named_as_text_is_checked(ctx: ServiceContext, history: HistoryService) -> None:
    OrganisationService(ctx).create(OrganisationDraft("Northshire Police"))

    assert [entry.entity for entry in history.entries(entity="organisation")] == ["organisation"]
    assert history.count(entity="organisation") == 1
    # A slip such as "vocabulary" (no table) is refused, not answered with an empty history.
    with pytest.raises(ValidationError) as caught:
        history.entries(entity="vocabulary")
    assert '"vocabulary" is not a kind of record' in str(caught.value)
    with pytest.raises(ValidationError):
        history.count(entity="organisations")


def test_every_entity_has_a_label() -> None:
    assert set(ENTITY_LABELS) == {entity.value for entity in Entity}
