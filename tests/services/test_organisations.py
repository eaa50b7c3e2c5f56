"""Organisations: recording partners, validation, conflicts between two editors, delete and undo, usage counts."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from locality.domain.errors import DuplicateError, NotFoundError, StaleRecordError, ValidationError
from locality.domain.vocabulary import VocabularyKind, normalise_name, seeded_id
from locality.services.actions import ActionDraft, PartnerDraft
from locality.services.context import Changes
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import DeletedOrganisations, Organisation, OrganisationDraft
from locality.services.registry import Services
from locality.store.models import ChangeLogRecord

COUNTY_COUNCIL = seeded_id(VocabularyKind.ORGANISATION_TYPE, "County council")
POLICE = seeded_id(VocabularyKind.ORGANISATION_TYPE, "Police")
PUBLIC = seeded_id(VocabularyKind.SECTOR, "Public")
THIRD_SECTOR = seeded_id(VocabularyKind.SECTOR, "Third sector")


# --------------------------------------------------------------------------- helpers


def change_log_size(services: Services) -> int:
    with services.context.workspace.reading() as unit:
        return len(unit.list(ChangeLogRecord))


def organisation(services: Services, name: str, **fields: Any) -> Organisation:
    return services.organisations.create(OrganisationDraft(name=name, **fields))


def need_for(services: Services, title: str, *organisation_ids: uuid.UUID) -> uuid.UUID:
    links = tuple(NeedLinkDraft(organisation_id) for organisation_id in organisation_ids)
    return services.needs.create(NeedDraft(title=title, organisations=links)).id


def action_for(
    services: Services, title: str, lead: uuid.UUID | None = None, partners: tuple[uuid.UUID, ...] = ()
) -> uuid.UUID:
    draft = ActionDraft(
        title=title,
        lead_organisation_id=lead,
        partners=tuple(PartnerDraft(partner, cash_pence=50_000, staff_days=2) for partner in partners),
    )
    return services.actions.create(draft).id


def linked_organisations(services: Services, need_id: uuid.UUID) -> set[uuid.UUID]:
    return {link.organisation_id for link in services.needs.get(need_id).links}


def partner_organisations(services: Services, action_id: uuid.UUID) -> set[uuid.UUID]:
    return {partner.organisation_id for partner in services.actions.get(action_id).partners}


@pytest.fixture
def heard(services: Services) -> list[Changes]:
    received: list[Changes] = []
    services.context.subscribe(received.append)
    return received


# --------------------------------------------------------------------------- create and read back


def test_create_reads_back_every_field_with_type_and_sector_names(services: Services) -> None:
    before = datetime.now(UTC)
    created = services.organisations.create(
        OrganisationDraft(
            name="  Haringey Council ",
            short_name=" LBH ",
            type_id=COUNTY_COUNCIL,
            sector_id=PUBLIC,
            contact_name="  Jo Bloggs ",
            contact_email="  jo.bloggs@haringey.gov.uk ",
            notes="  Leads on community safety.  ",
            active=False,
        )
    )

    assert created.name == "Haringey Council"
    assert created.short_name == "LBH"
    assert created.display_name == "LBH"
    assert created.type_id == COUNTY_COUNCIL
    assert created.type_name == "County council"
    assert created.sector_id == PUBLIC
    assert created.sector_name == "Public"
    assert created.contact_name == "Jo Bloggs"
    assert created.contact_email == "jo.bloggs@haringey.gov.uk"
    assert created.notes == "Leads on community safety."
    assert created.active is False
    assert created.version == 1
    assert created.created_at == created.updated_at
    assert created.created_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= created.created_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert (created.needs_count, created.actions_led_count, created.partner_in_count) == (0, 0, 0)

    assert services.organisations.get(created.id) == created
    assert services.organisations.list() == [created]
    assert created.as_draft() == OrganisationDraft(
        name="Haringey Council",
        short_name="LBH",
        type_id=COUNTY_COUNCIL,
        sector_id=PUBLIC,
        contact_name="Jo Bloggs",
        contact_email="jo.bloggs@haringey.gov.uk",
        notes="Leads on community safety.",
        active=False,
    )


def test_create_with_only_a_name_leaves_the_rest_blank(services: Services) -> None:
    created = organisation(services, "Sussex Police")

    assert created.short_name == ""
    assert created.display_name == "Sussex Police"
    assert (created.type_id, created.type_name) == (None, "")
    assert (created.sector_id, created.sector_name) == (None, "")
    assert (created.contact_name, created.contact_email, created.notes) == ("", "", "")
    assert created.active is True


def test_a_term_the_user_added_can_be_chosen_as_type(services: Services) -> None:
    parish = services.vocabulary.add_term(VocabularyKind.ORGANISATION_TYPE, "Parish council")

    created = organisation(services, "Wivelsfield Parish Council", type_id=parish.id, sector_id=THIRD_SECTOR)

    assert (created.type_name, created.sector_name) == ("Parish council", "Third sector")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_empty_name_is_refused_and_nothing_is_written(services: Services, heard: list[Changes], name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, name)

    assert caught.value.field_errors == {"name": "Name cannot be empty."}
    assert str(caught.value) == "Name cannot be empty."
    assert services.organisations.list() == []
    assert change_log_size(services) == 0
    assert heard == []


def test_name_of_200_characters_is_accepted(services: Services) -> None:
    assert organisation(services, "N" * 200).name == "N" * 200


def test_name_longer_than_200_characters_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, "N" * 201)

    assert caught.value.field_errors == {"name": "Name must be 200 characters or fewer; it has 201."}
    assert services.organisations.list() == []
    assert change_log_size(services) == 0


@pytest.mark.parametrize("typed", ["haringey council", "  HARINGEY   Council  ", "Haringey Council"])
def test_duplicate_name_ignoring_case_and_spaces_is_refused(services: Services, typed: str) -> None:
    first = organisation(services, "Haringey Council")
    logged = change_log_size(services)

    with pytest.raises(DuplicateError) as caught:
        organisation(services, typed)

    assert isinstance(caught.value, ValidationError)
    assert caught.value.field_errors == {"name": 'There is already an organisation called "Haringey Council"'}
    assert services.organisations.list() == [first]
    assert change_log_size(services) == logged


def test_a_deleted_organisations_name_can_be_used_again(services: Services) -> None:
    old = organisation(services, "Haringey Council")
    services.organisations.delete([old.id])

    again = organisation(services, "Haringey Council")

    assert again.id != old.id
    assert [row.name for row in services.organisations.list()] == ["Haringey Council"]


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "jo@haringey", "jo@.gov.uk", "jo@haringey.", "jo@haringey..gov.uk", "jo bloggs@haringey.gov.uk"],
)
def test_bad_email_is_refused(services: Services, email: str) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", contact_email=email)

    assert set(caught.value.field_errors) == {"contact_email"}
    assert caught.value.field_errors["contact_email"] == (
        f'"{email}" is not an e-mail address; use a form like name@example.org.'
    )
    assert services.organisations.list() == []
    assert change_log_size(services) == 0


def test_blank_email_is_allowed(services: Services) -> None:
    assert organisation(services, "Haringey Council", contact_email="   ").contact_email == ""


def test_unknown_type_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", type_id=uuid.uuid4())

    assert set(caught.value.field_errors) == {"type_id"}
    assert caught.value.field_errors["type_id"].endswith("organisation type from the list")
    assert services.organisations.list() == []


def test_unknown_sector_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", sector_id=uuid.uuid4())

    assert caught.value.field_errors == {"sector_id": "Choose a sector from the list"}
    assert services.organisations.list() == []


def test_a_sector_given_as_type_and_a_type_given_as_sector_are_refused(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", type_id=PUBLIC, sector_id=POLICE)

    assert set(caught.value.field_errors) == {"type_id", "sector_id"}
    assert caught.value.field_errors["sector_id"] == "Choose a sector from the list"
    assert caught.value.field_errors["type_id"].endswith("organisation type from the list")


def test_a_term_of_another_kind_is_refused_as_type(services: Services) -> None:
    action_type = seeded_id(VocabularyKind.ACTION_TYPE, "Shared service")

    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", type_id=action_type)

    assert set(caught.value.field_errors) == {"type_id"}


def test_unknown_type_message_reads_as_english(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", type_id=uuid.uuid4())

    assert caught.value.field_errors == {"type_id": "Choose an organisation type from the list"}


def test_every_field_error_is_reported_together(services: Services, heard: list[Changes]) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, " ", contact_email="nobody", type_id=uuid.uuid4(), sector_id=POLICE)

    errors = caught.value.field_errors
    assert set(errors) == {"name", "contact_email", "type_id", "sector_id"}
    assert errors["name"] == "Name cannot be empty."
    assert not isinstance(caught.value, DuplicateError)
    message = str(caught.value)
    assert "Name cannot be empty." in message
    assert '"nobody" is not an e-mail address' in message
    assert "Choose a sector from the list." in message
    assert services.organisations.list() == []
    assert change_log_size(services) == 0
    assert heard == []


def test_a_duplicate_name_with_other_errors_reports_them_all(services: Services) -> None:
    organisation(services, "Haringey Council")

    with pytest.raises(ValidationError) as caught:
        organisation(services, "haringey council", contact_email="nobody")

    assert not isinstance(caught.value, DuplicateError)
    assert caught.value.field_errors["name"] == 'There is already an organisation called "Haringey Council"'
    assert "contact_email" in caught.value.field_errors
    assert len(services.organisations.list()) == 1


@pytest.mark.parametrize(("field", "length"), [("short_name", 61), ("contact_name", 201)])
def test_over_long_short_name_or_contact_name_is_refused(services: Services, field: str, length: int) -> None:
    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", **{field: "x" * length})

    assert set(caught.value.field_errors) == {field}
    assert services.organisations.list() == []
    assert change_log_size(services) == 0


def test_longest_allowed_short_name_contact_name_and_email_are_accepted(services: Services) -> None:
    email = "j" * (254 - len("@haringey.gov.uk")) + "@haringey.gov.uk"

    created = organisation(
        services, "Haringey Council", short_name="s" * 60, contact_name="c" * 200, contact_email=email
    )

    assert (len(created.short_name), len(created.contact_name), created.contact_email) == (60, 200, email)


def test_over_long_email_is_refused(services: Services) -> None:
    email = "j" * (255 - len("@haringey.gov.uk")) + "@haringey.gov.uk"

    with pytest.raises(ValidationError) as caught:
        organisation(services, "Haringey Council", contact_email=email)

    assert set(caught.value.field_errors) == {"contact_email"}
    assert services.organisations.list() == []


# --------------------------------------------------------------------------- update and conflicts


def test_update_with_the_right_version_saves_every_field(services: Services, heard: list[Changes]) -> None:
    created = organisation(services, "Haringey Council", type_id=COUNTY_COUNCIL, sector_id=PUBLIC)
    heard.clear()

    updated = services.organisations.update(
        created.id,
        OrganisationDraft(
            name="London Borough of Haringey",
            short_name="LBH",
            type_id=POLICE,
            sector_id=THIRD_SECTOR,
            contact_name="Sam Smith",
            contact_email="sam@haringey.gov.uk",
            notes="New notes",
            active=False,
        ),
        created.version,
    )

    assert updated.version == created.version + 1
    assert updated.updated_at >= created.updated_at
    assert updated.created_at == created.created_at
    assert (updated.name, updated.short_name) == ("London Borough of Haringey", "LBH")
    assert (updated.type_name, updated.sector_name) == ("Police", "Third sector")
    assert (updated.contact_name, updated.contact_email, updated.notes) == (
        "Sam Smith",
        "sam@haringey.gov.uk",
        "New notes",
    )
    assert updated.active is False
    assert services.organisations.get(created.id) == updated
    assert heard == [Changes(frozenset({"organisation"}))]


def test_renaming_to_its_own_name_in_another_case_is_not_a_duplicate(services: Services) -> None:
    created = organisation(services, "Haringey council")

    updated = services.organisations.update(created.id, OrganisationDraft(name="Haringey Council"), created.version)

    assert updated.name == "Haringey Council"


def test_renaming_to_another_organisations_name_is_refused(services: Services) -> None:
    organisation(services, "Haringey Council")
    police = organisation(services, "Met Police")
    logged = change_log_size(services)

    with pytest.raises(DuplicateError) as caught:
        services.organisations.update(police.id, OrganisationDraft(name=" HARINGEY council"), police.version)

    assert caught.value.field_errors == {"name": 'There is already an organisation called "Haringey Council"'}
    assert services.organisations.get(police.id) == police
    assert change_log_size(services) == logged


def test_update_with_invalid_values_changes_nothing(services: Services) -> None:
    created = organisation(services, "Haringey Council", contact_email="jo@haringey.gov.uk")
    logged = change_log_size(services)

    with pytest.raises(ValidationError):
        services.organisations.update(
            created.id, OrganisationDraft(name="", contact_email="broken"), expected_version=created.version
        )

    assert services.organisations.get(created.id) == created
    assert change_log_size(services) == logged


def test_stale_version_is_refused_showing_the_other_persons_values(services: Services) -> None:
    created = organisation(services, "Haringey Council", contact_name="Jo Bloggs")
    # Two people open the same organisation; the first saves.
    theirs = services.organisations.update(
        created.id, OrganisationDraft(name="Haringey Council", contact_name="Sam Smith", notes="theirs"), 1
    )
    logged = change_log_size(services)

    with pytest.raises(StaleRecordError) as caught:
        services.organisations.update(
            created.id, OrganisationDraft(name="Haringey LBC", contact_name="Alex Brown", notes="mine"), 1
        )

    assert "changed by someone else" in str(caught.value)
    current = caught.value.current
    assert isinstance(current, Organisation)
    assert current == theirs
    assert (current.contact_name, current.notes, current.version) == ("Sam Smith", "theirs", 2)
    assert services.organisations.get(created.id) == theirs
    assert change_log_size(services) == logged


def test_update_without_a_version_overwrites(services: Services) -> None:
    created = organisation(services, "Haringey Council")
    services.organisations.update(created.id, OrganisationDraft(name="Haringey Council", notes="first"), 1)

    updated = services.organisations.update(created.id, OrganisationDraft(name="Haringey Council", notes="last"), None)

    assert updated.notes == "last"
    assert updated.version == 3


def test_update_of_a_deleted_organisation_says_it_no_longer_exists(services: Services) -> None:
    created = organisation(services, "Haringey Council")
    services.organisations.delete([created.id])

    with pytest.raises(NotFoundError) as caught:
        services.organisations.update(created.id, OrganisationDraft(name="Haringey"), created.version)

    assert str(caught.value) == "That organisation no longer exists; it may have been deleted by someone else."


def test_get_of_an_unknown_organisation_says_it_no_longer_exists(services: Services) -> None:
    with pytest.raises(NotFoundError):
        services.organisations.get(uuid.uuid4())


# --------------------------------------------------------------------------- delete and restore


def test_delete_is_refused_while_it_leads_an_action(services: Services, heard: list[Changes]) -> None:
    lead = organisation(services, "Haringey Council")
    action_for(services, "Peer review of scrutiny", lead=lead.id)
    logged = change_log_size(services)
    heard.clear()

    with pytest.raises(ValidationError) as caught:
        services.organisations.delete([lead.id])

    assert str(caught.value) == (
        "Haringey Council leads 1 action; give it another lead organisation before deleting it."
    )
    assert services.organisations.get(lead.id).actions_led_count == 1
    assert change_log_size(services) == logged
    assert heard == []


def test_delete_refusal_counts_every_action_led(services: Services) -> None:
    lead = organisation(services, "Haringey Council")
    action_for(services, "Peer review", lead=lead.id)
    action_for(services, "Leadership academy", lead=lead.id)

    with pytest.raises(ValidationError) as caught:
        services.organisations.delete([lead.id])

    assert str(caught.value) == (
        "Haringey Council leads 2 actions; give them another lead organisation before deleting it."
    )


def test_delete_of_several_deletes_none_when_one_leads_an_action(services: Services) -> None:
    free = organisation(services, "Age Concern")
    lead = organisation(services, "Haringey Council")
    action_for(services, "Peer review", lead=lead.id)

    with pytest.raises(ValidationError):
        services.organisations.delete([free.id, lead.id])

    assert {row.name for row in services.organisations.list()} == {"Age Concern", "Haringey Council"}


def test_delete_is_allowed_once_the_action_it_led_is_deleted(services: Services) -> None:
    lead = organisation(services, "Haringey Council")
    action_id = action_for(services, "Peer review", lead=lead.id)
    services.actions.delete([action_id])

    deleted = services.organisations.delete([lead.id])

    assert deleted == DeletedOrganisations((lead.id,))
    assert services.organisations.list() == []


def test_delete_removes_the_organisation_with_its_need_links_and_partnerships(
    services: Services, heard: list[Changes]
) -> None:
    council = organisation(services, "Haringey Council")
    police = organisation(services, "Met Police")
    need_id = need_for(services, "Weak scrutiny", council.id, police.id)
    action_id = action_for(services, "Peer review", lead=police.id, partners=(council.id,))
    heard.clear()

    deleted = services.organisations.delete([council.id])

    assert deleted.ids == (council.id,)
    assert [row.name for row in services.organisations.list()] == ["Met Police"]
    assert services.organisations.names() == [(police.id, "Met Police")]
    with pytest.raises(NotFoundError):
        services.organisations.get(council.id)
    assert linked_organisations(services, need_id) == {police.id}
    assert partner_organisations(services, action_id) == set()
    assert services.actions.get(action_id).lead_organisation_id == police.id
    assert heard == [Changes(frozenset({"organisation", "need_organisation", "action_partner"}))]


def test_restore_brings_back_the_organisation_and_the_links_deleted_with_it(services: Services) -> None:
    council = organisation(services, "Haringey Council", contact_name="Jo Bloggs")
    police = organisation(services, "Met Police")
    need_id = need_for(services, "Weak scrutiny", council.id, police.id)
    action_id = action_for(services, "Peer review", lead=police.id, partners=(council.id,))
    deleted = services.organisations.delete([council.id])

    services.organisations.restore(deleted)

    back = services.organisations.get(council.id)
    assert (back.name, back.contact_name) == ("Haringey Council", "Jo Bloggs")
    assert linked_organisations(services, need_id) == {council.id, police.id}
    partners = services.actions.get(action_id).partners
    assert [(p.organisation_id, p.cash_pence, p.staff_days) for p in partners] == [(council.id, 50_000, 2)]
    assert (back.needs_count, back.actions_led_count, back.partner_in_count) == (1, 0, 1)


def test_restore_does_not_bring_back_links_removed_before_the_delete(services: Services) -> None:
    council = organisation(services, "Haringey Council")
    police = organisation(services, "Met Police")
    kept_need = need_for(services, "Weak scrutiny", council.id, police.id)
    unlinked_need = need_for(services, "Poor data sharing", council.id, police.id)
    kept_action = action_for(services, "Peer review", lead=police.id, partners=(council.id,))
    dropped_action = action_for(services, "Joint training", lead=police.id, partners=(council.id, police.id))
    # Removed by hand before the organisation was deleted:
    services.needs.unlink(unlinked_need, council.id)
    draft = services.actions.get(dropped_action).as_draft()
    services.actions.update(dropped_action, replace(draft, partners=(PartnerDraft(police.id),)), None)
    deleted = services.organisations.delete([council.id])

    services.organisations.restore(deleted)

    assert linked_organisations(services, kept_need) == {council.id, police.id}
    assert linked_organisations(services, unlinked_need) == {police.id}
    assert partner_organisations(services, kept_action) == {council.id}
    assert partner_organisations(services, dropped_action) == {police.id}
    back = services.organisations.get(council.id)
    assert (back.needs_count, back.partner_in_count) == (1, 1)


def test_restore_of_several_organisations_and_restoring_twice(services: Services) -> None:
    council = organisation(services, "Haringey Council")
    police = organisation(services, "Met Police")
    need_id = need_for(services, "Weak scrutiny", council.id, police.id)
    deleted = services.organisations.delete([council.id, police.id])
    assert services.organisations.list() == []
    assert linked_organisations(services, need_id) == set()

    services.organisations.restore(deleted)
    services.organisations.restore(deleted)  # undoing twice changes nothing more

    assert {row.name for row in services.organisations.list()} == {"Haringey Council", "Met Police"}
    assert linked_organisations(services, need_id) == {council.id, police.id}


def test_restore_writes_restore_rows_to_the_change_log(services: Services) -> None:
    council = organisation(services, "Haringey Council")
    need_for(services, "Weak scrutiny", council.id)
    deleted = services.organisations.delete([council.id])

    services.organisations.restore(deleted)

    with services.context.workspace.reading() as unit:
        rows = [(row.entity, row.operation) for row in unit.list(ChangeLogRecord, order_by=("seq",))]
    assert rows[-4:] == [
        ("organisation", "delete"),
        ("need_organisation", "delete"),
        ("need_organisation", "restore"),
        ("organisation", "restore"),
    ]


def test_restore_does_not_leave_two_organisations_with_the_same_name(services: Services) -> None:
    old = organisation(services, "Haringey Council")
    deleted = services.organisations.delete([old.id])
    organisation(services, "haringey council")

    with contextlib.suppress(ValidationError):  # refusing the undo with a clear sentence is fine too
        services.organisations.restore(deleted)

    names = [normalise_name(name) for _, name in services.organisations.names()]
    assert len(names) == len(set(names))


def test_restore_after_the_name_was_taken_is_refused_and_leaves_it_deleted(services: Services) -> None:
    police = organisation(services, "Met Police")
    old = organisation(services, "Haringey Council")
    need_id = need_for(services, "Weak scrutiny", old.id, police.id)
    deleted = services.organisations.delete([old.id])
    new = organisation(services, " HARINGEY council ")
    logged = change_log_size(services)

    with pytest.raises(DuplicateError) as caught:
        services.organisations.restore(deleted)

    assert set(caught.value.field_errors) == {"name"}
    assert "Haringey Council" in caught.value.field_errors["name"]
    assert services.organisations.names() == [(new.id, "HARINGEY council"), (police.id, "Met Police")]
    assert linked_organisations(services, need_id) == {police.id}
    assert change_log_size(services) == logged


# --------------------------------------------------------------------------- usage counts


def test_usage_counts_leave_out_deleted_needs_and_actions(services: Services) -> None:
    council = organisation(services, "Haringey Council")
    police = organisation(services, "Met Police")
    need_for(services, "Weak scrutiny", council.id, police.id)
    need_for(services, "Poor data sharing", council.id)
    gone_need = need_for(services, "Old need", council.id)
    action_for(services, "Peer review", lead=council.id, partners=(police.id,))
    action_for(services, "Leadership academy", lead=council.id)
    gone_led = action_for(services, "Cancelled review", lead=council.id)
    action_for(services, "Joint training", lead=police.id, partners=(council.id,))
    gone_partnered = action_for(services, "Old training", lead=police.id, partners=(council.id,))
    services.needs.delete([gone_need])
    services.actions.delete([gone_led, gone_partnered])

    got = services.organisations.get(council.id)
    assert (got.needs_count, got.actions_led_count, got.partner_in_count) == (2, 2, 1)
    other = services.organisations.get(police.id)
    assert (other.needs_count, other.actions_led_count, other.partner_in_count) == (1, 1, 1)
    listed = {row.id: row for row in services.organisations.list()}
    assert listed[council.id] == got
    assert listed[police.id] == other


def test_usage_counts_follow_a_need_link_removed(services: Services) -> None:
    council = organisation(services, "Haringey Council")
    need_id = need_for(services, "Weak scrutiny", council.id)
    assert services.organisations.get(council.id).needs_count == 1

    services.needs.unlink(need_id, council.id)

    assert services.organisations.get(council.id).needs_count == 0


# --------------------------------------------------------------------------- finding and listing


def test_find_by_name_or_short_name_ignoring_case_and_spaces(services: Services) -> None:
    council = organisation(services, "Haringey Council", short_name="LBH")
    organisation(services, "Met Police", short_name="MPS")

    assert services.organisations.find("Haringey Council") == council
    assert services.organisations.find("  haringey   COUNCIL ") == council
    assert services.organisations.find("lbh") == council
    assert services.organisations.find(" LBH ") == council
    assert services.organisations.find("Haringey") is None


def test_find_prefers_a_name_over_another_organisations_short_name(services: Services) -> None:
    organisation(services, "Police Authority", short_name="Police")
    police = organisation(services, "Police")

    found = services.organisations.find("police")
    assert found is not None
    assert found.id == police.id


def test_find_does_not_return_a_deleted_organisation(services: Services) -> None:
    council = organisation(services, "Haringey Council", short_name="LBH")
    services.organisations.delete([council.id])

    assert services.organisations.find("Haringey Council") is None
    assert services.organisations.find("LBH") is None


@pytest.mark.parametrize("blank", ["", "   "])
def test_find_of_a_blank_name_finds_nothing(services: Services, blank: str) -> None:
    organisation(services, "Haringey Council")

    assert services.organisations.find(blank) is None


def test_names_lists_live_organisations_a_to_z_including_inactive(services: Services) -> None:
    zeta = organisation(services, "Zeta Housing", active=False)
    alpha = organisation(services, "Alpha Council")
    gone = organisation(services, "Gone Trust")
    services.organisations.delete([gone.id])

    assert services.organisations.names() == [(alpha.id, "Alpha Council"), (zeta.id, "Zeta Housing")]


def test_list_can_leave_out_inactive_organisations(services: Services) -> None:
    organisation(services, "Zeta Housing", active=False)
    alpha = organisation(services, "Alpha Council")
    organisation(services, "Beta Trust")

    assert [row.name for row in services.organisations.list()] == ["Alpha Council", "Beta Trust", "Zeta Housing"]
    active = services.organisations.list(include_inactive=False)
    assert [row.name for row in active] == ["Alpha Council", "Beta Trust"]
    assert active[0] == alpha
