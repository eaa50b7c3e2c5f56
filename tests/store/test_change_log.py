"""The change log's one writer: one encoding the History page decodes, numbers taken atomically and in order,
the data stamp moved by every write, and the workspace_meta object kept in step."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from locality.domain.vocabulary import ActionStatus, Priority
from locality.services.context import ServiceContext, User
from locality.services.history import HistoryService
from locality.store.change_log import Change, ChangeLog, encode_value, take_numbers
from locality.store.models import ChangeLogRecord
from locality.store.workspace import Workspace, open_workspace

ACTION_ID = uuid.UUID("3f0c5c2e-9a43-4d0b-8a59-0d8b7f1e2a11")
LEAD_ID = uuid.UUID("8b9e1a54-3c2d-4e6f-9a0b-1c2d3e4f5a6b")


@pytest.fixture
def workspace(workspace_path: Path) -> Iterator[Workspace]:
    opened = open_workspace(workspace_path)
    yield opened
    opened.close()


def logged(workspace: Workspace) -> list[tuple[int, str, str | None, str | None]]:
    with workspace.reading() as unit:
        return [
            (row.seq, row.operation, row.field, row.new_value) for row in unit.list(ChangeLogRecord, order_by=("seq",))
        ]


# --------------------------------------------------------------------------- encoding


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2008, 4, 1), '"2008-04-01"'),
        (datetime(2008, 4, 1, 9, 30, tzinfo=UTC), '"2008-04-01T09:30:00+00:00"'),
        (ACTION_ID, f'"{ACTION_ID}"'),
        (ActionStatus.IN_PROGRESS, '"In progress"'),
        (Priority.HIGH, '"High"'),
        (1_250_000, "1250000"),
        (2.5, "2.5"),
        (True, "true"),
        ("Café £5", '"Café £5"'),
        ({"lead_organisation_id": LEAD_ID, "due_on": date(2009, 3, 31)}, None),
        (None, None),
    ],
)
def test_values_keep_the_forms_already_in_change_logs(value: object, text: str | None) -> None:
    if isinstance(value, dict):
        assert encode_value(value) == f'{{"lead_organisation_id": "{LEAD_ID}", "due_on": "2009-03-31"}}'
    else:
        assert encode_value(value) == text


def test_a_value_with_no_agreed_form_is_refused_not_guessed() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        encode_value(Decimal("12.50"))
    with pytest.raises(TypeError, match="object"):
        encode_value({"x": object()})


def test_what_is_written_reads_back_through_the_history(workspace: Workspace) -> None:
    values = {
        "title": "Peer challenge – Westshire",
        "lead_organisation_id": LEAD_ID,
        "status": ActionStatus.PLANNED,
        "budget_pence": 1_250_000,
        "due_on": date(2009, 3, 31),
        "percent_complete": 0,
        "notes_confidential": False,
    }
    with workspace.transaction(author="Jo Bloggs", author_organisation="Northshire CC") as unit:
        unit.log("action", ACTION_ID, "create", None, None, values)
        unit.log("action", ACTION_ID, "update", "due_on", date(2009, 3, 31), date(2009, 6, 30))
        unit.log("action", ACTION_ID, "update", "budget_pence", 1_250_000, 1_500_050)
        unit.log("action", ACTION_ID, "update", "status", ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
    context = ServiceContext(workspace, User("Reader"))
    entries = HistoryService(context).record_history(ACTION_ID)

    by_field = {entry.field: entry for entry in entries}
    created = by_field[None]
    assert created.author == "Jo Bloggs" and created.author_organisation == "Northshire CC"
    assert created.new_value == {
        "title": "Peer challenge – Westshire",
        "lead_organisation_id": str(LEAD_ID),
        "status": "Planned",
        "budget_pence": 1_250_000,
        "due_on": "2009-03-31",
        "percent_complete": 0,
        "notes_confidential": False,
    }
    assert created.summary == 'Created action "Peer challenge – Westshire"'
    assert (by_field["due_on"].old_value, by_field["due_on"].new_value) == ("2009-03-31", "2009-06-30")
    assert by_field["due_on"].summary == 'Changed due date from "31/03/2009" to "30/06/2009"'
    assert by_field["budget_pence"].summary == 'Changed budget from "£12,500.00" to "£15,000.50"'
    assert by_field["status"].summary == 'Changed status from "Planned" to "In progress"'


# --------------------------------------------------------------------------- numbering


def test_entries_are_numbered_in_the_order_made_however_they_are_written(workspace: Workspace) -> None:
    at = datetime(2008, 5, 1, 12, tzinfo=UTC)
    with workspace.transaction(author="Jo") as unit:
        unit.log("action", ACTION_ID, "update", "title", "A", "B")
        unit.insert_rows({})  # a batch writes what waits so far
        unit.changes.add_batch("board_snapshot_item", ACTION_ID, "delete", "snapshot_id", [LEAD_ID], at=at)
        unit.changes.extend([Change("action", ACTION_ID, "update", "title", "B", "C", at=at, author="Sam")])
        unit.log("action", ACTION_ID, "update", "title", "C", "D")
    assert [(seq, field, new) for seq, _op, field, new in logged(workspace)] == [
        (1, "title", '"B"'),
        (2, "snapshot_id", f'["{LEAD_ID}"]'),
        (3, "title", '"C"'),
        (4, "title", '"D"'),
    ]
    with workspace.reading() as unit:
        assert unit.meta().last_change_seq == 4
        authors = [row.author for row in unit.list(ChangeLogRecord, order_by=("seq",))]
    assert authors == ["Jo", "Jo", "Sam", "Jo"]


def test_the_metadata_object_is_kept_in_step_within_the_transaction(workspace: Workspace) -> None:
    with workspace.transaction() as unit:
        meta = unit.meta()
        before = meta.last_change_seq
        unit.log("action", ACTION_ID, "delete")
        unit.write_changes()
        assert meta.last_change_seq == before + 1
        meta.partnership_name = "Westshire"  # flushing the row must not write an old number back
    with workspace.reading() as unit:
        assert unit.meta().last_change_seq == before + 1
        assert unit.meta().partnership_name == "Westshire"


def test_a_rolled_back_edit_takes_no_numbers(workspace: Workspace) -> None:
    with pytest.raises(RuntimeError), workspace.transaction() as unit:
        unit.log("action", ACTION_ID, "delete")
        unit.write_changes()
        raise RuntimeError("the edit failed")
    with workspace.transaction() as unit:
        unit.log("action", ACTION_ID, "restore")
    assert [(seq, op) for seq, op, _f, _n in logged(workspace)] == [(1, "restore")]


def test_numbers_are_taken_by_one_atomic_update(workspace: Workspace) -> None:
    with workspace.engine.begin() as connection:
        _meta_id, replica_id, last = take_numbers(connection, 5)
        assert last == 5
        assert take_numbers(connection, 1)[2] == 6
        with pytest.raises(ValueError):
            take_numbers(connection, 0)
    with workspace.reading() as unit:
        assert (unit.meta().replica_id, unit.meta().last_change_seq) == (replica_id, 6)


def test_a_writer_on_a_plain_connection_numbers_on_from_the_counter(workspace: Workspace) -> None:
    with workspace.transaction() as unit:
        unit.log("action", ACTION_ID, "create", None, None, {"title": "A"})
    with workspace.engine.begin() as connection:
        log = ChangeLog(lambda: connection, author="Bulk")
        assert log.write() is None  # nothing waiting, nothing taken
        log.extend(Change("action", ACTION_ID, "update", "title", str(n), str(n + 1)) for n in range(3))
        assert log.pending == 3
        assert log.write() == 4
    assert [seq for seq, *_ in logged(workspace)] == [1, 2, 3, 4]


# --------------------------------------------------------------------------- the data stamp


def test_every_write_moves_the_data_stamp_and_reading_does_not(workspace: Workspace) -> None:
    def stamp() -> tuple[object, ...]:
        with workspace.reading() as unit:
            return unit.data_stamp()

    first = stamp()
    assert stamp() == first
    with workspace.transaction() as unit:
        unit.log("action", ACTION_ID, "delete")
    second = stamp()
    assert second != first
    with workspace.engine.begin() as connection:
        log = ChangeLog(lambda: connection)
        log.add("action", ACTION_ID, "restore")
        log.write()
    assert stamp() not in (first, second)
    with workspace.transaction():
        pass  # an edit that changed nothing
    assert stamp() == stamp()
