"""Putting an old value back from the history: through the record's own service (checked, version-checked and
logged), undoable, and refused in one sentence when the record is gone or the value no longer fits."""

from __future__ import annotations

from datetime import date

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import NotFoundError, StaleRecordError, ValidationError
from locality.domain.vocabulary import NeedStatus
from locality.services.actions import ActionDraft, ActionService
from locality.services.context import ServiceContext
from locality.services.history import HistoryEntry, HistoryService
from locality.services.needs import NeedDraft, NeedService
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.vocabulary import VocabularyService


@pytest.fixture
def history(ctx: ServiceContext) -> HistoryService:
    return HistoryService(ctx)


def change_of(history: HistoryService, record_id: object, field: str) -> HistoryEntry:
    return next(entry for entry in history.record_history(record_id) if entry.field == field)  # type: ignore[arg-type]


def test_a_name_is_put_back_logged_and_can_be_undone_and_redone(ctx: ServiceContext, history: HistoryService) -> None:
    organisations = OrganisationService(ctx)
    police = organisations.create(OrganisationDraft("Northshire Police", notes="Lead for safety"))
    renamed = organisations.update(police.id, OrganisationDraft("Northshire Constabulary", notes="Lead for safety"), 1)

    put = history.put_back(change_of(history, police.id, "name").id)

    assert organisations.get(police.id).name == "Northshire Police"
    assert organisations.get(police.id).notes == "Lead for safety"  # the other fields are left as they are
    assert put.version == renamed.version + 1
    assert put.description == "put back the name of Northshire Police"
    assert (put.before.name, put.after.name) == ("Northshire Constabulary", "Northshire Police")
    newest = history.record_history(police.id)[0]
    assert newest.summary == 'Changed name from "Northshire Constabulary" to "Northshire Police"'
    assert (newest.author, newest.author_organisation) == ("Test User", "Test Org")

    # Undo and redo, as the undo stack does them: the record's own update at the version the last step left.
    update = history.updater(Entity.ORGANISATION)
    undone = update(police.id, put.before, put.version)
    assert undone.name == "Northshire Constabulary"
    redone = update(police.id, put.after, undone.version)
    assert redone.name == "Northshire Police"


def test_an_enum_and_a_reference_are_put_back(ctx: ServiceContext, history: HistoryService) -> None:
    needs = NeedService(ctx)
    [first_theme, second_theme] = VocabularyService(ctx).themes()[:2]
    need = needs.create(NeedDraft("Reduce repeat burglary", theme_id=first_theme.id))
    needs.update(
        need.id, NeedDraft("Reduce repeat burglary", theme_id=second_theme.id, status=NeedStatus.AGREED), need.version
    )

    history.put_back(change_of(history, need.id, "status").id)
    history.put_back(change_of(history, need.id, "theme_id").id)

    again = needs.get(need.id)
    assert (again.status, again.theme_id) == (NeedStatus.IDENTIFIED, first_theme.id)


def test_refused_when_the_record_was_deleted(ctx: ServiceContext, history: HistoryService) -> None:
    organisations = OrganisationService(ctx)
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), 1)
    organisations.delete([police.id])

    with pytest.raises(NotFoundError) as refused:
        history.put_back(change_of(history, police.id, "name").id)
    assert str(refused.value) == "This organisation has been deleted, so its old value cannot be put back."


def test_refused_when_the_old_value_is_no_longer_valid(ctx: ServiceContext, history: HistoryService) -> None:
    actions = ActionService(ctx)
    action = actions.create(ActionDraft("Joint patrols", start_on=date(2008, 4, 1), due_on=date(2008, 5, 1)))
    moved = actions.update(
        action.id, ActionDraft("Joint patrols", start_on=date(2008, 4, 1), due_on=date(2008, 9, 1)), action.version
    )
    actions.update(
        action.id, ActionDraft("Joint patrols", start_on=date(2008, 7, 1), due_on=date(2008, 9, 1)), moved.version
    )
    entries_before = len(history.record_history(action.id))

    with pytest.raises(ValidationError) as refused:
        history.put_back(change_of(history, action.id, "due_on").id)
    assert str(refused.value) == ("The old due date cannot be put back: the due date cannot be before the start date.")
    assert actions.get(action.id).due_on == date(2008, 9, 1)
    assert len(history.record_history(action.id)) == entries_before  # nothing written


def test_refused_when_the_name_is_taken_again_or_the_value_is_already_there(
    ctx: ServiceContext, history: HistoryService
) -> None:
    organisations = OrganisationService(ctx)
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), 1)
    organisations.create(OrganisationDraft("Northshire Police"))  # someone gave the old name to another one

    with pytest.raises(ValidationError) as taken:
        history.put_back(change_of(history, police.id, "name").id)
    assert str(taken.value).startswith("The old name cannot be put back: ")
    assert organisations.get(police.id).name == "Northshire Constabulary"

    notes = organisations.create(OrganisationDraft("Fire and rescue", notes="old"))
    organisations.update(notes.id, OrganisationDraft("Fire and rescue", notes="new"), 1)
    organisations.update(notes.id, OrganisationDraft("Fire and rescue", notes="old"), 2)
    older = history.record_history(notes.id)[-2]  # the change from "old" to "new"
    with pytest.raises(ValidationError) as same:
        history.put_back(older.id)
    assert str(same.value) == "That is the value now, so there is nothing to put back."


def test_refused_for_an_entry_that_is_not_a_field_change(ctx: ServiceContext, history: HistoryService) -> None:
    police = OrganisationService(ctx).create(OrganisationDraft("Northshire Police"))
    [created] = history.record_history(police.id)
    with pytest.raises(ValidationError) as refused:
        history.put_back(created.id)
    assert "Only a change to one field" in str(refused.value)
    with pytest.raises(NotFoundError):
        history.put_back(10_000_000)


def test_undoing_a_put_back_does_not_overwrite_a_later_edit(ctx: ServiceContext, history: HistoryService) -> None:
    organisations = OrganisationService(ctx)
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), 1)
    put = history.put_back(change_of(history, police.id, "name").id)
    organisations.update(police.id, OrganisationDraft("Northshire Police Service"), put.version)  # someone else

    with pytest.raises(StaleRecordError):
        history.updater(Entity.ORGANISATION)(police.id, put.before, put.version)
    assert organisations.get(police.id).name == "Northshire Police Service"
