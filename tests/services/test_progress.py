"""Progress updates: logging them moves the action on, the history, retracting and reinstating exactly."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from locality.domain.errors import NotFoundError, ValidationError
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.actions import Action, ActionDraft, ActionService
from locality.services.context import Changes, ServiceContext, User
from locality.services.progress import ProgressDraft, ProgressService, ProgressUpdate, RetractedProgress
from locality.store.models import ChangeLogRecord, ProgressUpdateRecord
from locality.store.workspace import Workspace, open_workspace

TODAY = date(2008, 6, 1)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def progress_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress-template") / "template.locality"
    open_workspace(path).close()
    return path


@pytest.fixture
def workspace(tmp_path: Path, progress_template: Path) -> Iterator[Workspace]:
    path = tmp_path / "w.locality"
    shutil.copyfile(progress_template, path)
    opened = open_workspace(path)
    yield opened
    opened.close()


@pytest.fixture
def ctx(workspace: Workspace) -> ServiceContext:
    return ServiceContext(workspace, User("Pat Officer", "Shire Constabulary"), today=lambda: TODAY)


@pytest.fixture
def progress(ctx: ServiceContext) -> ProgressService:
    return ProgressService(ctx)


@pytest.fixture
def actions(ctx: ServiceContext) -> ActionService:
    return ActionService(ctx)


@pytest.fixture
def action(actions: ActionService) -> Action:
    return actions.create(
        ActionDraft(
            "Neighbourhood policing training",
            start_on=date(2008, 1, 1),
            due_on=date(2008, 12, 31),
            status=ActionStatus.PLANNED,
            percent_complete=10,
        )
    )


def logged(workspace: Workspace) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """(entity, operation, field, old, new) of every change-log row, oldest first."""
    with workspace.reading() as unit:
        rows = unit.session.execute(
            select(
                ChangeLogRecord.entity,
                ChangeLogRecord.operation,
                ChangeLogRecord.field,
                ChangeLogRecord.old_value,
                ChangeLogRecord.new_value,
            ).order_by(ChangeLogRecord.seq)
        ).all()
        return [tuple(row) for row in rows]  # type: ignore[misc]


def update_rows(workspace: Workspace) -> int:
    with workspace.reading() as unit:
        return int(unit.session.scalar(select(func.count()).select_from(ProgressUpdateRecord)) or 0)


# --------------------------------------------------------------------------- logging


def test_log_records_the_update_and_moves_the_action_on(
    progress: ProgressService, actions: ActionService, action: Action, workspace: Workspace, heard: list[Changes]
) -> None:
    before = len(logged(workspace))
    heard.clear()
    update = progress.log(
        ProgressDraft(
            action.id,
            reported_on=date(2008, 5, 30),
            percent_complete=45,
            status=ActionStatus.IN_PROGRESS,
            note="  First cohort trained  ",
            confidential=True,
        )
    )
    assert isinstance(update, ProgressUpdate)
    assert update.action_id == action.id and update.action_title == "Neighbourhood policing training"
    assert update.reported_on == date(2008, 5, 30)
    assert (update.author, update.author_organisation) == ("Pat Officer", "Shire Constabulary")
    assert (update.percent_complete, update.status, update.rag) == (45, ActionStatus.IN_PROGRESS, None)
    assert update.note == "First cohort trained" and update.confidential is True

    moved = actions.get(action.id)
    assert moved.percent_complete == 45
    assert moved.status is ActionStatus.IN_PROGRESS
    assert moved.version == action.version + 1
    assert moved.latest_progress is not None
    assert moved.latest_progress.note == "First cohort trained"
    assert moved.latest_progress.author == "Pat Officer"

    new = logged(workspace)[before:]
    assert new[0][:2] == ("progress_update", "create")
    assert ("action", "update", "percent_complete", "10", "45") in new
    assert ("action", "update", "status", '"Planned"', '"In progress"') in new
    assert heard and heard[-1].touches("progress_update") and heard[-1].touches("action")


def test_the_date_defaults_to_today(progress: ProgressService, action: Action) -> None:
    assert progress.log(ProgressDraft(action.id, note="Venue booked")).reported_on == TODAY


def test_a_note_alone_leaves_the_action_as_it_was(
    progress: ProgressService, actions: ActionService, action: Action
) -> None:
    progress.log(ProgressDraft(action.id, note="Venue booked"))
    same = actions.get(action.id)
    assert same.version == action.version
    assert (same.percent_complete, same.status) == (10, ActionStatus.PLANNED)
    assert same.latest_progress_note == "Venue booked"


def test_a_rag_given_is_kept_on_the_update_only(
    progress: ProgressService, actions: ActionService, action: Action
) -> None:
    update = progress.log(ProgressDraft(action.id, rag=Rag.RED))
    assert update.rag is Rag.RED
    after = actions.get(action.id)
    assert after.rag_override is None
    assert after.rag == action.rag
    assert after.version == action.version


def test_completing_makes_the_action_100_percent_done_on_the_reported_day(
    progress: ProgressService, actions: ActionService, action: Action
) -> None:
    progress.log(ProgressDraft(action.id, reported_on=date(2008, 5, 20), status=ActionStatus.COMPLETED))
    done = actions.get(action.id)
    assert (done.status, done.percent_complete, done.completed_on) == (ActionStatus.COMPLETED, 100, date(2008, 5, 20))
    assert done.rag.rag is Rag.GREEN


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"action_id": uuid.uuid4()}, "action_id", "Choose an action from the list"),
        ({"percent_complete": 101}, "percent_complete", "Percent complete must be between 0 and 100."),
        ({"percent_complete": -5}, "percent_complete", "Percent complete must be between 0 and 100."),
        ({"note": "   "}, "note", "Say what changed: a note, percent, status or RAG"),
        ({"reported_on": date(2008, 6, 2)}, "reported_on", "The date cannot be in the future"),
    ],
)
def test_each_bad_update_is_refused_and_nothing_is_written(
    progress: ProgressService,
    actions: ActionService,
    action: Action,
    workspace: Workspace,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    before = len(logged(workspace))
    draft = replace(ProgressDraft(action.id, note="Something"), **changes)
    with pytest.raises(ValidationError) as caught:
        progress.log(draft)
    assert set(caught.value.field_errors) == {field}
    assert caught.value.field_errors[field].startswith(message)
    assert len(logged(workspace)) == before
    assert update_rows(workspace) == 0
    assert actions.get(action.id).version == action.version


def test_every_problem_is_reported_at_once(progress: ProgressService) -> None:
    with pytest.raises(ValidationError) as caught:
        progress.log(ProgressDraft(uuid.uuid4(), reported_on=date(2009, 1, 1), percent_complete=200))
    assert set(caught.value.field_errors) == {"action_id", "reported_on", "percent_complete"}


def test_a_deleted_action_takes_no_updates(progress: ProgressService, actions: ActionService, action: Action) -> None:
    actions.delete([action.id])
    with pytest.raises(ValidationError) as caught:
        progress.log(ProgressDraft(action.id, note="Too late"))
    assert "action_id" in caught.value.field_errors
    with pytest.raises(NotFoundError):
        progress.history(action.id)


def test_an_action_cannot_be_completed_before_it_starts(progress: ProgressService, actions: ActionService) -> None:
    future = actions.create(ActionDraft("Later work", start_on=date(2008, 9, 1)))
    with pytest.raises(ValidationError) as caught:
        progress.log(ProgressDraft(future.id, status=ActionStatus.COMPLETED))
    assert caught.value.field_errors["reported_on"].startswith("The action cannot be completed before it starts")


# --------------------------------------------------------------------------- history


def test_history_is_newest_first(progress: ProgressService, action: Action) -> None:
    first = progress.log(ProgressDraft(action.id, reported_on=date(2008, 4, 1), note="Planning"))
    third = progress.log(ProgressDraft(action.id, reported_on=date(2008, 5, 15), note="Half way"))
    second = progress.log(ProgressDraft(action.id, reported_on=date(2008, 5, 1), note="Started"))
    same_day = progress.log(ProgressDraft(action.id, reported_on=date(2008, 5, 15), note="Correction"))
    assert [update.id for update in progress.history(action.id)] == [same_day.id, third.id, second.id, first.id]
    assert progress.get(second.id) == second


def test_history_of_an_unknown_action(progress: ProgressService) -> None:
    with pytest.raises(NotFoundError):
        progress.history(uuid.uuid4())


# --------------------------------------------------------------------------- retract and reinstate


def test_retract_puts_the_action_back_exactly_and_reinstate_undoes_it(
    progress: ProgressService, actions: ActionService, action: Action, workspace: Workspace
) -> None:
    update = progress.log(
        ProgressDraft(action.id, reported_on=date(2008, 5, 20), status=ActionStatus.COMPLETED, note="All done")
    )
    retracted = progress.retract(update.id)
    assert isinstance(retracted, RetractedProgress)
    back = actions.get(action.id)
    assert (back.status, back.percent_complete, back.completed_on) == (ActionStatus.PLANNED, 10, None)
    assert back.latest_progress is None
    assert progress.history(action.id) == []
    assert ("progress_update", "delete", None, None, None) in logged(workspace)
    with pytest.raises(NotFoundError):
        progress.get(update.id)

    progress.reinstate(retracted)
    again = actions.get(action.id)
    assert (again.status, again.percent_complete, again.completed_on) == (
        ActionStatus.COMPLETED,
        100,
        date(2008, 5, 20),
    )
    assert [item.id for item in progress.history(action.id)] == [update.id]
    assert again.latest_progress_note == "All done"
    progress.reinstate(retracted)  # a second time changes nothing
    assert actions.get(action.id).version == again.version


def test_retracting_an_older_update_keeps_what_a_later_one_set(
    progress: ProgressService, actions: ActionService, action: Action
) -> None:
    older = progress.log(ProgressDraft(action.id, percent_complete=30, status=ActionStatus.IN_PROGRESS))
    progress.log(ProgressDraft(action.id, percent_complete=60, note="Second cohort"))
    progress.retract(older.id)
    now = actions.get(action.id)
    assert now.percent_complete == 60  # set again later
    assert now.status is ActionStatus.PLANNED  # only the retracted update had set it


def test_retracting_after_a_hand_edit_keeps_the_edit(
    progress: ProgressService, actions: ActionService, action: Action
) -> None:
    update = progress.log(ProgressDraft(action.id, percent_complete=30))
    current = actions.get(action.id)
    actions.update(action.id, replace(current.as_draft(), percent_complete=35), current.version)
    retracted = progress.retract(update.id)
    assert retracted.reverted == ()
    assert actions.get(action.id).percent_complete == 35


def test_retracting_a_note_changes_only_the_log(
    progress: ProgressService, actions: ActionService, action: Action
) -> None:
    update = progress.log(ProgressDraft(action.id, note="Venue booked"))
    progress.retract(update.id)
    assert actions.get(action.id).version == action.version
    assert actions.get(action.id).latest_progress is None


def test_retracting_twice_or_an_unknown_update_says_so(progress: ProgressService, action: Action) -> None:
    update = progress.log(ProgressDraft(action.id, note="Venue booked"))
    progress.retract(update.id)
    with pytest.raises(NotFoundError):
        progress.retract(update.id)
    with pytest.raises(NotFoundError):
        progress.retract(uuid.uuid4())


def test_reinstating_on_a_deleted_action_is_refused(
    progress: ProgressService, actions: ActionService, action: Action
) -> None:
    update = progress.log(ProgressDraft(action.id, percent_complete=50))
    retracted = progress.retract(update.id)
    actions.delete([action.id])
    with pytest.raises(NotFoundError):
        progress.reinstate(retracted)


def test_an_update_moves_the_action_list_on(progress: ProgressService, actions: ActionService, action: Action) -> None:
    assert actions.list()[0].percent_complete == 10
    progress.log(ProgressDraft(action.id, percent_complete=80))
    assert actions.list()[0].percent_complete == 80
