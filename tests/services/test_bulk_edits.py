"""Changing one field of many actions at once: one transaction, all or nothing, the same checks as a single
edit, a change-log entry for each action, and a revert that puts every action's own previous value back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from locality.domain.errors import StaleRecordError, ValidationError
from locality.domain.vocabulary import ActionStatus
from locality.services.actions import ActionDraft, ActionService
from locality.services.bulk_edits import BulkEditService, BulkField
from locality.services.context import ServiceContext
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.store.models import ChangeLogRecord
from locality.store.workspace import Workspace


@pytest.fixture
def actions(ctx: ServiceContext) -> ActionService:
    return ActionService(ctx)


@pytest.fixture
def bulk(ctx: ServiceContext) -> BulkEditService:
    return BulkEditService(ctx)


def updates_logged(workspace: Workspace, field: str) -> list[tuple[str, str | None, str | None]]:
    with workspace.reading() as unit:
        rows = unit.session.scalars(
            select(ChangeLogRecord).where(ChangeLogRecord.operation == "update", ChangeLogRecord.field == field)
        )
        return [(str(row.record_id), row.old_value, row.new_value) for row in rows]


def test_status_of_three_actions_changes_together_and_reverts_to_each_ones_own(
    actions: ActionService, bulk: BulkEditService, workspace: Workspace
) -> None:
    first = actions.create(ActionDraft(title="Scrutiny training", status=ActionStatus.PLANNED))
    second = actions.create(ActionDraft(title="Shared CCTV", status=ActionStatus.IN_PROGRESS, percent_complete=40))
    third = actions.create(ActionDraft(title="Youth forum", status=ActionStatus.PROPOSED))
    ids = [first.id, second.id, third.id]

    change = bulk.set_field(ids, BulkField.STATUS, ActionStatus.COMPLETED)

    assert change.count == 3
    for action_id in ids:
        done = actions.get(action_id)
        assert done.status == ActionStatus.COMPLETED
        assert done.percent_complete == 100  # as completing one action in its dialog does
        assert done.completed_on == date(2008, 6, 1)
    logged = updates_logged(workspace, "status")
    assert sorted(logged) == sorted(
        [
            (str(first.id), '"Planned"', '"Completed"'),
            (str(second.id), '"In progress"', '"Completed"'),
            (str(third.id), '"Proposed"', '"Completed"'),
        ]
    )

    bulk.revert(change)
    statuses = [actions.get(i).status for i in ids]
    assert statuses == [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.PROPOSED]
    assert actions.get(second.id).percent_complete == 40
    assert actions.get(first.id).completed_on is None


def test_a_due_date_before_one_actions_start_changes_nothing_and_names_it(
    actions: ActionService, bulk: BulkEditService, workspace: Workspace
) -> None:
    early = actions.create(ActionDraft(title="Peer challenge", start_on=date(2008, 4, 1), due_on=date(2008, 9, 1)))
    late = actions.create(ActionDraft(title="Member development", start_on=date(2009, 1, 5), due_on=date(2009, 3, 1)))
    before = len(updates_logged(workspace, "due_on"))

    with pytest.raises(ValidationError) as refused:
        bulk.set_field([early.id, late.id], BulkField.DUE, date(2008, 12, 31))

    message = str(refused.value)
    assert message.startswith("Nothing was changed")
    assert "“Member development”" in message and "05/01/2009" in message
    assert "Peer challenge" not in message
    assert actions.get(early.id).due_on == date(2008, 9, 1)  # the good one is not changed either
    assert actions.get(late.id).due_on == date(2009, 3, 1)
    assert len(updates_logged(workspace, "due_on")) == before


def test_lead_of_many_actions_changes_and_a_deleted_organisation_is_refused(
    ctx: ServiceContext, actions: ActionService, bulk: BulkEditService
) -> None:
    organisations = OrganisationService(ctx)
    police = organisations.create(OrganisationDraft(name="Westshire Constabulary"))
    gone = organisations.create(OrganisationDraft(name="Old Trust"))
    organisations.delete([gone.id])
    ids = [actions.create(ActionDraft(title=f"Action {n}")).id for n in range(4)]

    bulk.set_field(ids, BulkField.LEAD, police.id)
    assert {actions.get(i).lead_organisation_name for i in ids} == {"Westshire Constabulary"}

    with pytest.raises(ValidationError, match="Old Trust has been deleted"):
        bulk.set_field(ids, BulkField.LEAD, gone.id)
    assert {actions.get(i).lead_organisation_name for i in ids} == {"Westshire Constabulary"}


def test_undo_is_refused_when_someone_else_changed_one_of_the_fields_since(
    actions: ActionService, bulk: BulkEditService
) -> None:
    one = actions.create(ActionDraft(title="One", status=ActionStatus.PLANNED))
    two = actions.create(ActionDraft(title="Two", status=ActionStatus.PLANNED))
    change = bulk.set_field([one.id, two.id], BulkField.STATUS, ActionStatus.ON_HOLD)
    current = actions.get(two.id)
    actions.update(two.id, replace(current.as_draft(), status=ActionStatus.CANCELLED), current.version)

    with pytest.raises(StaleRecordError, match="“Two”"):
        bulk.revert(change)
    assert actions.get(one.id).status == ActionStatus.ON_HOLD  # all or nothing
