"""The History page's questions of the change log: by person, organisation, kind of record and dates, a page at a
time however long the history, and merges named by the copy they came from."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from locality.domain.entities import Entity
from locality.domain.values import format_date_time
from locality.services.actions import ActionDraft, ActionService
from locality.services.context import ServiceContext, User
from locality.services.history import MERGE, HistoryFilter, HistoryService
from locality.services.needs import NeedDraft, NeedService
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.progress import ProgressDraft, ProgressService
from locality.store.workspace import Workspace

TODAY = date(2008, 6, 1)


def local(day: date, hour: int = 12) -> datetime:
    """Noon (or ``hour``) of ``day`` in this computer's time zone, as the change log keeps it (UTC)."""
    return datetime.combine(day, time(hour)).astimezone().astimezone(UTC)


def log_change(
    workspace: Workspace, author: str, organisation: str, entity: Entity, at: datetime, field: str = "notes"
) -> uuid.UUID:
    record_id = uuid.uuid4()
    with workspace.transaction(author=author, author_organisation=organisation) as unit:
        unit.log(entity, record_id, "update", field, "before", "after", at=at)
    return record_id


@pytest.fixture
def history(ctx: ServiceContext) -> HistoryService:
    return HistoryService(ctx)


@pytest.fixture
def spread(workspace: Workspace) -> dict[str, uuid.UUID]:
    """Four changes by three people of two organisations, on four days."""
    return {
        "jo": log_change(workspace, "Jo Bloggs", "Northshire CC", Entity.NEED, local(date(2008, 1, 10))),
        "sam": log_change(workspace, "Sam Patel", "Northshire Police", Entity.ACTION, local(date(2008, 2, 10))),
        "ann": log_change(workspace, "Ann Lee", "Northshire CC", Entity.ACTION, local(date(2008, 3, 10), 0)),
        "jo2": log_change(workspace, "Jo Bloggs", "Northshire CC", Entity.ORGANISATION, local(date(2008, 4, 10))),
    }


def ids(entries: list) -> list[uuid.UUID]:  # type: ignore[type-arg]
    return [entry.record_id for entry in entries]


def test_filters_by_person_organisation_kind_and_dates(history: HistoryService, spread: dict[str, uuid.UUID]) -> None:
    def found(**wanted: object) -> list[uuid.UUID]:
        filters = HistoryFilter(**wanted)  # type: ignore[arg-type]
        entries = history.entries(filters=filters)
        assert history.count(filters=filters) == len(entries)
        return ids(entries)

    assert found() == [spread["jo2"], spread["ann"], spread["sam"], spread["jo"]]
    assert found(author="Jo Bloggs") == [spread["jo2"], spread["jo"]]
    assert found(organisation="Northshire CC") == [spread["jo2"], spread["ann"], spread["jo"]]
    assert found(organisation="Northshire Police") == [spread["sam"]]
    assert found(entity=Entity.ACTION) == [spread["ann"], spread["sam"]]
    assert found(author="Jo Bloggs", entity=Entity.NEED) == [spread["jo"]]
    # Dates are days on this computer's calendar, both ends included (a change at midnight counts on its day).
    assert found(since=date(2008, 2, 10)) == [spread["jo2"], spread["ann"], spread["sam"]]
    assert found(until=date(2008, 3, 10)) == [spread["ann"], spread["sam"], spread["jo"]]
    assert found(since=date(2008, 3, 10), until=date(2008, 3, 10)) == [spread["ann"]]
    assert found(since=date(2008, 3, 11), until=date(2008, 4, 9)) == []
    assert found(record_id=spread["sam"]) == [spread["sam"]]


def test_authors_and_kinds_for_the_filter_pickers(history: HistoryService, spread: dict[str, uuid.UUID]) -> None:
    assert history.authors() == [
        ("Ann Lee", "Northshire CC"),
        ("Jo Bloggs", "Northshire CC"),
        ("Sam Patel", "Northshire Police"),
    ]
    assert history.kinds() == [("Action", Entity.ACTION), ("Need", Entity.NEED), ("Organisation", Entity.ORGANISATION)]


def test_pages_follow_on_from_the_last_entry_shown(workspace: Workspace, history: HistoryService) -> None:
    # Several entries share an instant (one edit logs many fields at once): paging must neither skip nor repeat.
    at = local(date(2008, 5, 1))
    with workspace.transaction(author="Jo Bloggs") as unit:
        for number in range(7):
            unit.log(Entity.NEED, uuid.uuid4(), "update", f"field_{number}", 1, 2, at=at)
    for number in range(6):
        log_change(workspace, "Jo Bloggs", "", Entity.NEED, local(date(2008, 5, 2 + number)))
    everything = history.entries(limit=None)
    assert len(everything) == 13

    paged: list = []  # type: ignore[type-arg]
    page = history.entries(limit=4)
    while page:
        paged.extend(page)
        page = history.entries(limit=4, older_than=page[-1])
    assert [entry.id for entry in paged] == [entry.id for entry in everything]
    assert [entry.id for entry in history.entries(limit=4, offset=8)] == [entry.id for entry in everything[8:12]]


def test_a_merge_entry_names_the_copy_it_came_from(workspace: Workspace, history: HistoryService) -> None:
    with workspace.transaction(author="Jo Bloggs", author_organisation="Northshire CC") as unit:
        unit.log(Entity.WORKSPACE_META, uuid.uuid4(), MERGE, None, None, {"copy": "Hall workshop.locality", "added": 3})
    [entry] = history.entries()
    assert entry.operation == "merge"
    assert entry.summary == "Merged from Hall workshop.locality"
    assert not entry.can_put_back


def test_only_field_changes_of_edited_records_can_be_put_back(ctx: ServiceContext, history: HistoryService) -> None:
    organisation = OrganisationService(ctx).create(OrganisationDraft("Northshire Police"))
    OrganisationService(ctx).update(organisation.id, OrganisationDraft("Northshire Constabulary"), 1)
    need = NeedService(ctx).create(NeedDraft("Reduce repeat burglary"))
    entries = {(entry.entity, entry.operation): entry for entry in history.entries()}
    assert entries[(Entity.ORGANISATION, "update")].can_put_back
    assert not entries[(Entity.ORGANISATION, "create")].can_put_back
    assert not entries[(Entity.NEED, "create")].can_put_back
    assert need.title == "Reduce repeat burglary"


def test_when_reads_as_day_and_time() -> None:
    moment = datetime(2008, 3, 9, 14, 5, tzinfo=UTC)
    local_moment = moment.astimezone()
    assert format_date_time(moment) == local_moment.strftime("%d/%m/%Y %H:%M")
    assert format_date_time(None) == ""


@pytest.fixture
def ctx(workspace: Workspace) -> ServiceContext:
    return ServiceContext(workspace, User("Jo Bloggs", "Northshire CC"), today=lambda: TODAY)


def test_a_record_with_no_name_is_shown_by_the_one_it_belongs_to(ctx: ServiceContext, history: HistoryService) -> None:
    action = ActionService(ctx).create(ActionDraft("Joint patrols"))
    ProgressService(ctx).log(ProgressDraft(action.id, percent_complete=40))
    progress = next(entry for entry in history.entries() if entry.entity == Entity.PROGRESS_UPDATE)
    assert progress.record_name == "Joint patrols"
    assert progress.summary == "Created progress update"
