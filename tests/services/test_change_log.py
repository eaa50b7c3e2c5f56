"""The change log the service layer writes (who changed what, when, on which replica) and change notification."""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from locality.domain.errors import StaleRecordError, ValidationError
from locality.domain.vocabulary import VocabularyKind, seeded_id
from locality.services.actions import ActionDraft
from locality.services.context import Changes, ServiceContext, User
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.registry import Services
from locality.store.models import ChangeLogRecord

POLICE = seeded_id(VocabularyKind.ORGANISATION_TYPE, "Police")
PUBLIC = seeded_id(VocabularyKind.SECTOR, "Public")


@dataclass(frozen=True)
class Row:
    replica_id: uuid.UUID
    seq: int
    changed_at: datetime
    author: str
    author_organisation: str
    entity: str
    record_id: uuid.UUID
    operation: str
    field: str | None
    old_value: str | None
    new_value: str | None


def change_log(services: Services) -> list[Row]:
    with services.context.workspace.reading() as unit:
        return [
            Row(
                row.replica_id,
                row.seq,
                row.changed_at,
                row.author,
                row.author_organisation,
                row.entity,
                row.record_id,
                row.operation,
                row.field,
                row.old_value,
                row.new_value,
            )
            for row in unit.list(ChangeLogRecord, order_by=("seq",))
        ]


def decoded(text: str | None) -> object:
    return None if text is None else json.loads(text)


@pytest.fixture
def heard(services: Services) -> list[Changes]:
    received: list[Changes] = []
    services.context.subscribe(received.append)
    return received


# --------------------------------------------------------------------------- what is written


def test_a_create_writes_one_create_row_with_the_values(services: Services) -> None:
    created = services.organisations.create(
        OrganisationDraft(
            name=" Sussex Police ",
            short_name="SP",
            type_id=POLICE,
            contact_name="Jo Bloggs",
            contact_email="jo@sussex.police.uk",
            notes="Café notes",
        )
    )

    rows = change_log(services)
    assert len(rows) == 1
    row = rows[0]
    assert (row.entity, row.record_id, row.operation, row.field, row.old_value) == (
        "organisation",
        created.id,
        "create",
        None,
        None,
    )
    assert decoded(row.new_value) == {
        "name": "Sussex Police",
        "short_name": "SP",
        "type_id": str(POLICE),
        "sector_id": None,
        "contact_name": "Jo Bloggs",
        "contact_email": "jo@sussex.police.uk",
        "notes": "Café notes",
        "active": True,
    }
    assert row.new_value is not None and "Café" in row.new_value  # kept readable, not escaped


def test_an_update_writes_one_row_per_changed_field_with_old_and_new_values(services: Services) -> None:
    created = services.organisations.create(
        OrganisationDraft("Sussex Police", short_name="SP", type_id=POLICE, sector_id=PUBLIC, notes="Same")
    )

    updated = services.organisations.update(
        created.id,
        OrganisationDraft(
            "Sussex Police", short_name="SxP", type_id=POLICE, sector_id=None, notes="Same", active=False
        ),
        created.version,
    )

    rows = change_log(services)[1:]
    assert {(row.entity, row.record_id, row.operation) for row in rows} == {("organisation", created.id, "update")}
    changes = {row.field: (decoded(row.old_value), decoded(row.new_value)) for row in rows}
    assert changes == {
        "short_name": ("SP", "SxP"),
        "sector_id": (str(PUBLIC), None),
        "active": (True, False),
    }
    assert len(rows) == 3
    assert updated.version == created.version + 1  # one edit, one new version, however many fields


def test_dates_are_logged_in_iso_form(services: Services) -> None:
    opened = services.workspace.details()

    services.workspace.update_details(
        partnership_name="Haringey Strategic Partnership",
        area="",
        plan_start=date(2008, 4, 1),
        plan_end=None,
        owner_organisation_id=None,
        expected_version=opened.version,
    )

    changes = {row.field: (row.old_value, row.new_value) for row in change_log(services)}
    assert changes == {
        "partnership_name": ('""', '"Haringey Strategic Partnership"'),
        "plan_start": (None, '"2008-04-01"'),
    }


def test_an_update_that_changes_nothing_writes_nothing_and_keeps_the_version(
    services: Services, heard: list[Changes]
) -> None:
    created = services.organisations.create(OrganisationDraft("Sussex Police", short_name="SP", notes="Notes"))
    rows = change_log(services)

    same = services.organisations.update(
        created.id, OrganisationDraft("  Sussex Police ", short_name=" SP", notes="Notes "), created.version
    )

    assert change_log(services) == rows
    assert same.version == created.version
    assert same.updated_at == created.updated_at
    assert services.organisations.get(created.id) == created


def test_a_delete_and_a_restore_write_rows_for_the_record_and_its_links(services: Services) -> None:
    police = services.organisations.create(OrganisationDraft("Sussex Police"))
    need = services.needs.create(NeedDraft("Weak scrutiny", organisations=(NeedLinkDraft(police.id),)))
    link_id = change_log(services)[-1].record_id
    before = len(change_log(services))

    deleted = services.organisations.delete([police.id])
    after_delete = change_log(services)[before:]
    services.organisations.restore(deleted)
    after_restore = change_log(services)[before + len(after_delete) :]

    assert [(row.entity, row.record_id, row.operation, row.field) for row in after_delete] == [
        ("organisation", police.id, "delete", None),
        ("need_organisation", link_id, "delete", None),
    ]
    assert [(row.entity, row.record_id, row.operation, row.field) for row in after_restore] == [
        ("need_organisation", link_id, "restore", None),
        ("organisation", police.id, "restore", None),
    ]
    assert all(row.old_value is None and row.new_value is None for row in after_delete + after_restore)
    assert services.needs.get(need.id).links[0].organisation_id == police.id


def test_every_row_names_the_user_and_their_organisation(services: Services) -> None:
    created = services.organisations.create(OrganisationDraft("Sussex Police"))
    services.organisations.update(created.id, OrganisationDraft("Sussex Police", notes="n"), None)
    services.vocabulary.add_term(VocabularyKind.PROVIDER, "Local university")
    services.organisations.restore(services.organisations.delete([created.id]))

    rows = change_log(services)
    assert len(rows) == 5
    assert {(row.author, row.author_organisation) for row in rows} == {("Test User", "Test Org")}


def test_another_user_on_the_same_workspace_is_named_on_their_rows(services: Services) -> None:
    services.organisations.create(OrganisationDraft("Sussex Police"))
    colleague = OrganisationService(ServiceContext(services.context.workspace, User("Sam Smith", "Sussex Police")))

    colleague.create(OrganisationDraft("Brighton Council"))

    assert [(row.author, row.author_organisation) for row in change_log(services)] == [
        ("Test User", "Test Org"),
        ("Sam Smith", "Sussex Police"),
    ]


def test_seq_rises_by_one_per_row_for_this_workspaces_replica(services: Services) -> None:
    police = services.organisations.create(OrganisationDraft("Sussex Police", type_id=POLICE))
    council = services.organisations.create(OrganisationDraft("Brighton Council"))
    services.organisations.update(police.id, OrganisationDraft("Sussex Police", short_name="SP", notes="x"), None)
    services.organisations.delete([council.id])

    rows = change_log(services)
    # two creates, three fields changed (short name, notes, type cleared), one delete
    assert [row.seq for row in rows] == [1, 2, 3, 4, 5, 6]
    assert {row.replica_id for row in rows} == {services.workspace.details().replica_id}


def test_failed_edits_leave_no_gap_in_the_sequence(services: Services) -> None:
    services.organisations.create(OrganisationDraft("Sussex Police"))
    with pytest.raises(ValidationError):
        services.organisations.create(OrganisationDraft("Brighton Council", contact_email="broken"))
    services.organisations.create(OrganisationDraft("Brighton Council"))

    assert [row.seq for row in change_log(services)] == [1, 2]


def test_the_sequence_continues_when_the_workspace_is_opened_again(services: Services, workspace_path: Path) -> None:
    services.organisations.create(OrganisationDraft("Sussex Police"))
    replica = services.workspace.details().replica_id
    services.close()

    again = Services.open(workspace_path, User("Test User", "Test Org"))
    try:
        again.organisations.create(OrganisationDraft("Brighton Council"))
        rows = change_log(again)
        assert [(row.replica_id, row.seq) for row in rows] == [(replica, 1), (replica, 2)]
    finally:
        again.close()


def test_a_copy_opened_elsewhere_numbers_its_changes_under_a_new_replica(
    services: Services, workspace_path: Path, tmp_path: Path
) -> None:
    services.organisations.create(OrganisationDraft("Sussex Police"))
    original = services.workspace.details().replica_id
    copied_path = tmp_path / "copied-by-hand.locality"
    shutil.copyfile(workspace_path, copied_path)

    copy = Services.open(copied_path, User("Laptop user", "Test Org"))
    try:
        copy.organisations.create(OrganisationDraft("Brighton Council"))
        rows = change_log(copy)
        new_replica = copy.workspace.details().replica_id
        assert new_replica != original
        assert [(row.replica_id, row.seq) for row in rows] == [(original, 1), (new_replica, 1)]
    finally:
        copy.close()


def test_changed_at_is_utc_and_recent(services: Services) -> None:
    before = datetime.now(UTC)
    created = services.organisations.create(OrganisationDraft("Sussex Police"))
    services.organisations.update(created.id, OrganisationDraft("Sussex Police", notes="n"), None)
    after = datetime.now(UTC)

    rows = change_log(services)
    assert len(rows) == 2
    for row in rows:
        assert row.changed_at.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= row.changed_at <= after + timedelta(seconds=1)
    assert rows[0].changed_at <= rows[1].changed_at


# --------------------------------------------------------------------------- nothing written when refused


def test_a_failed_validation_writes_no_row(services: Services) -> None:
    created = services.organisations.create(OrganisationDraft("Sussex Police"))
    rows = change_log(services)

    with pytest.raises(ValidationError):
        services.organisations.create(OrganisationDraft("", contact_email="broken"))
    with pytest.raises(ValidationError):
        services.organisations.create(OrganisationDraft("sussex police"))
    with pytest.raises(ValidationError):
        services.organisations.update(created.id, OrganisationDraft("Sussex Police", type_id=PUBLIC), None)
    with pytest.raises(ValidationError):
        services.vocabulary.add_term(VocabularyKind.SECTOR, "public")
    with pytest.raises(ValidationError):
        services.workspace.update_details(
            partnership_name="Name written before the check",
            area="",
            plan_start=date(2009, 1, 1),
            plan_end=date(2008, 1, 1),
            owner_organisation_id=None,
            expected_version=None,
        )

    assert change_log(services) == rows


def test_a_stale_update_and_a_refused_delete_write_no_row(services: Services) -> None:
    police = services.organisations.create(OrganisationDraft("Sussex Police"))
    services.actions.create(ActionDraft("Peer review", lead_organisation_id=police.id))
    services.organisations.update(police.id, OrganisationDraft("Sussex Police", notes="first"), police.version)
    rows = change_log(services)

    with pytest.raises(StaleRecordError):
        services.organisations.update(police.id, OrganisationDraft("Sussex Police", notes="second"), police.version)
    with pytest.raises(ValidationError):
        services.organisations.delete([police.id])

    assert change_log(services) == rows


# --------------------------------------------------------------------------- change notification


def test_listeners_hear_which_entity_changed_after_a_successful_edit(services: Services, heard: list[Changes]) -> None:
    seen_at_notification: list[list[str]] = []
    services.context.subscribe(lambda _: seen_at_notification.append([n for _, n in services.organisations.names()]))

    services.organisations.create(OrganisationDraft("Sussex Police"))

    assert heard == [Changes(frozenset({"organisation"}))]
    assert heard[0].touches("organisation", "need")
    assert not heard[0].touches("action")
    # The edit is committed before listeners hear of it, so a view refreshing then shows it.
    assert seen_at_notification == [["Sussex Police"]]


def test_listeners_hear_of_each_edit_once(services: Services, heard: list[Changes]) -> None:
    created = services.organisations.create(OrganisationDraft("Sussex Police"))
    services.organisations.update(created.id, OrganisationDraft("Sussex Police", notes="n"), created.version)
    services.organisations.restore(services.organisations.delete([created.id]))
    services.vocabulary.add_term(VocabularyKind.PROVIDER, "Local university")

    linked = frozenset({"organisation", "need_organisation", "action_partner"})
    assert heard == [
        Changes(frozenset({"organisation"})),
        Changes(frozenset({"organisation"})),
        Changes(linked),
        Changes(linked),
        Changes(frozenset({"vocabulary_term"})),
    ]


def test_listeners_hear_nothing_when_the_edit_failed(services: Services, heard: list[Changes]) -> None:
    police = services.organisations.create(OrganisationDraft("Sussex Police"))
    services.actions.create(ActionDraft("Peer review", lead_organisation_id=police.id))
    heard.clear()

    with pytest.raises(ValidationError):
        services.organisations.create(OrganisationDraft(""))
    with pytest.raises(StaleRecordError):
        services.organisations.update(police.id, OrganisationDraft("Sussex Police", notes="x"), police.version + 5)
    with pytest.raises(ValidationError):
        services.organisations.delete([police.id])
    with pytest.raises(ValidationError):
        services.vocabulary.add_theme("Housing")

    assert heard == []


def test_an_unsubscribed_listener_hears_nothing_more(services: Services) -> None:
    received: list[Changes] = []
    services.context.subscribe(received.append)
    services.organisations.create(OrganisationDraft("Sussex Police"))

    services.context.unsubscribe(received.append)
    services.context.unsubscribe(received.append)  # a second time is harmless
    services.organisations.create(OrganisationDraft("Brighton Council"))

    assert len(received) == 1
