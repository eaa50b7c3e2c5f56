"""Noticing another program's writes to the open workspace: cheap when nothing changed, silent about this
program's own edits, and never missing someone else's — before, between or after this program's own."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from locality.services.context import ServiceContext, User
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.store.outside_changes import OutsideChanges, outside_write_seen
from locality.store.workspace import Workspace, open_workspace
from tests.postgres_server import server_schema


@pytest.fixture
def mine(workspace_path: Path) -> Iterator[Workspace]:
    opened = open_workspace(workspace_path)
    yield opened
    opened.close()


@pytest.fixture
def theirs(workspace_path: Path, mine: Workspace) -> Iterator[Workspace]:
    """The same file opened a second time, as a second running app would: engines and connections of its own."""
    opened = open_workspace(workspace_path)
    yield opened
    opened.close()


@pytest.fixture
def watch(mine: Workspace) -> Iterator[OutsideChanges]:
    watching = OutsideChanges(mine)
    yield watching
    watching.close()


def organisations_of(workspace: Workspace, user: str) -> OrganisationService:
    return OrganisationService(ServiceContext(workspace, User(user, "Test Org")))


def test_nothing_changed_and_this_programs_own_edits_are_not_outside_changes(
    mine: Workspace, watch: OutsideChanges
) -> None:
    assert not watch.check()
    organisations = organisations_of(mine, "Me")
    police = organisations.create(OrganisationDraft("Northshire Police"))
    organisations.update(police.id, OrganisationDraft("Northshire Constabulary"), police.version)
    assert not watch.check()
    assert not watch.check()


def test_another_programs_edit_is_seen_once(mine: Workspace, theirs: Workspace, watch: OutsideChanges) -> None:
    organisations_of(theirs, "Them").create(OrganisationDraft("Northshire Police"))
    assert watch.check()
    assert not watch.check()


@pytest.mark.parametrize("order", ["theirs first", "theirs between", "theirs last"])
def test_another_programs_edit_among_this_programs_own_is_seen(
    mine: Workspace, theirs: Workspace, watch: OutsideChanges, order: str
) -> None:
    me, them = organisations_of(mine, "Me"), organisations_of(theirs, "Them")
    if order == "theirs first":
        them.create(OrganisationDraft("Their one"))
    me.create(OrganisationDraft("My first"))
    if order == "theirs between":
        them.create(OrganisationDraft("Their one"))
    me.create(OrganisationDraft("My second"))
    if order == "theirs last":
        them.create(OrganisationDraft("Their one"))
    assert watch.check()
    assert not watch.check()


def test_a_write_that_logs_nothing_is_seen_on_a_file(
    workspace_path: Path, mine: Workspace, watch: OutsideChanges
) -> None:
    with sqlite3.connect(workspace_path) as connection:
        connection.execute("UPDATE vocabulary_term SET sort_order = sort_order + 1")
    assert watch.check()
    assert not watch.check()


def test_a_look_while_another_program_commits_gives_up_at_once_and_looks_again(
    workspace_path: Path, mine: Workspace, theirs: Workspace, watch: OutsideChanges
) -> None:
    organisations_of(theirs, "Them").create(OrganisationDraft("Their one"))
    holder = sqlite3.connect(workspace_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # the other program writing its pages: no reader may look
    try:
        started = time.monotonic()
        assert not watch.check()
        assert time.monotonic() - started < 0.5  # not the five seconds an edit would wait
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert watch.check()  # their change, seen at the next look
    # The pooled reading connections still wait for a writer as before.
    with mine.read_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_after_closing_the_workspace_records_no_more_own_edits(mine: Workspace) -> None:
    watching = OutsideChanges(mine)
    assert mine.own_writes is not None
    watching.close()
    assert mine.own_writes is None
    assert not watching.check()


def test_the_rule_for_stamps() -> None:
    assert not outside_write_seen((1,), [], (1,))
    assert outside_write_seen((1,), [], (2,))
    assert not outside_write_seen((1,), [((1,), (2,)), ((2,), (3,))], (3,))
    assert outside_write_seen((1,), [((2,), (3,))], (3,))  # something moved it from 1 to 2 before my edit
    assert outside_write_seen((1,), [((1,), (2,))], (4,))  # and after it
    # Read just before this program's last edit was recorded: still explained by this program alone.
    assert not outside_write_seen((1,), [((1,), (2,)), ((2,), (3,))], (2,))


def test_on_a_server_another_users_edit_is_seen_and_this_users_are_not() -> None:
    with server_schema() as url:
        mine_on_server = open_workspace(url, create_missing=True)
        theirs_on_server = open_workspace(url, create_missing=False)
        watching = OutsideChanges(mine_on_server)
        try:
            assert not watching.check()
            organisations_of(mine_on_server, "Me").create(OrganisationDraft("My one"))
            assert not watching.check()
            organisations_of(theirs_on_server, "Them").create(OrganisationDraft("Their one"))
            assert watching.check()
            assert not watching.check()
        finally:
            watching.close()
            theirs_on_server.close()
            mine_on_server.close()
