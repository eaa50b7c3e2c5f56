"""Who may change what on a shared server, enforced by the server: a coordinator's account changes everything, a
partner's account only the progress, milestones and spend of its organisation's actions. Runs against the test
server (tests/postgres_server.py); the test role needs CREATEROLE, which ``.ci/run`` gives it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from locality import cli
from locality.domain.entities import Entity
from locality.domain.errors import WorkspaceError
from locality.domain.vocabulary import ActionStatus
from locality.services.actions import MilestoneDraft
from locality.services.funding import SpendDraft
from locality.services.needs import NeedDraft
from locality.services.organisations import OrganisationDraft
from locality.services.progress import ProgressDraft
from locality.services.registry import Services
from locality.store import server_accounts
from locality.store.error_sentences import describe_database_error
from locality.store.migrate import alembic_config
from locality.store.workspace import open_workspace
from tests.server_partnership import Partnership, partnership_on_server

REFUSED = "Your account on the server may not make that change, so it was not saved."


@pytest.fixture
def partnership() -> Iterator[Partnership]:
    with partnership_on_server() as made:
        yield made


def test_a_partner_logs_progress_milestones_and_spend_on_its_own_actions(partnership: Partnership) -> None:
    services = Services.open(partnership.partner_url, create_missing=False)
    try:
        services.progress.log(
            ProgressDraft(action_id=partnership.police_action, percent_complete=40, status=ActionStatus.IN_PROGRESS)
        )
        services.progress.log(ProgressDraft(action_id=partnership.shared_action, percent_complete=10))
        services.funding.create_spend(
            SpendDraft(action_id=partnership.shared_action, spent_on=date(2026, 1, 5), amount_pence=12_500)
        )
        action = services.actions.get(partnership.police_action)
        services.actions.update(
            action.id,
            replace(action.as_draft(), milestones=(MilestoneDraft(title="First patrol"),)),
            action.version,
        )
        assert services.actions.get(partnership.police_action).percent_complete == 40
        assert [m.title for m in services.actions.get(partnership.police_action).milestones] == ["First patrol"]
        assert len(services.funding.spends(partnership.shared_action)) == 1
    finally:
        services.close()


def test_the_server_refuses_a_partners_raw_changes_outside_its_actions(partnership: Partnership) -> None:
    """Another client connecting as the partner gets round nothing: these are the server's refusals."""
    engine = create_engine(partnership.partner_url)
    other = str(partnership.council_action)
    refusals = [
        # progress on another organisation's action
        "INSERT INTO progress_update (id, action_id, reported_on, author, author_organisation, note, confidential, "
        f"created_at, updated_at, version) VALUES ('{uuid.uuid4()}', '{other}', '2026-01-01', '', '', '', false, "
        "now(), now(), 1)",
        f"UPDATE action SET percent_complete = 90 WHERE id = '{other}'",
        # a field of its own action that progress does not move
        f"UPDATE action SET title = 'Renamed' WHERE id = '{partnership.police_action}'",
        # a progress update moved onto another organisation's action
        f"UPDATE progress_update SET action_id = '{other}'",
        "UPDATE need SET title = 'Changed'",
        "INSERT INTO organisation (id, name) VALUES (gen_random_uuid(), 'Not allowed')",
        "DELETE FROM organisation",
        "UPDATE workspace_meta SET partnership_name = 'Taken over'",
    ]
    try:
        for statement in refusals:
            with engine.connect() as connection, pytest.raises(ProgrammingError) as raised:
                connection.execute(text(statement))
            assert raised.value.orig is not None and raised.value.orig.sqlstate == "42501", statement
            assert describe_database_error(raised.value) == REFUSED
        with engine.begin() as connection:
            # Deleting another organisation's milestone or spend finds nothing to delete.
            assert connection.execute(text(f"DELETE FROM spend WHERE action_id = '{other}'")).rowcount == 0
            # Its own: allowed.
            moved = connection.execute(
                text(f"UPDATE action SET percent_complete = 55 WHERE id = '{partnership.police_action}'")
            )
            assert moved.rowcount == 1
            # Reading the whole plan is allowed.
            assert connection.execute(text("SELECT count(*) FROM action")).scalar_one() == 3
    finally:
        engine.dispose()


def test_the_app_shows_the_servers_refusal_as_one_sentence(partnership: Partnership) -> None:
    services = Services.open(partnership.partner_url, create_missing=False)
    try:
        with pytest.raises(WorkspaceError) as raised:
            services.progress.log(ProgressDraft(action_id=partnership.council_action, percent_complete=50))
        assert str(raised.value) == REFUSED
        with pytest.raises(WorkspaceError, match="may not make that change"):
            services.needs.create(NeedDraft(title="Loneliness among older people"))
        assert services.actions.get(partnership.council_action).percent_complete == 0
    finally:
        services.close()


def test_the_coordinator_changes_everything(partnership: Partnership) -> None:
    services = Services.open(partnership.coordinator_url, create_missing=False)
    try:
        services.needs.create(NeedDraft(title="Loneliness among older people"))
        services.organisations.create(OrganisationDraft(name="Northfield Food Bank"))
        services.progress.log(ProgressDraft(action_id=partnership.council_action, percent_complete=50))
        action = services.actions.get(partnership.council_action)
        services.actions.update(action.id, replace(action.as_draft(), title="Libraries"), action.version)
        assert services.actions.get(partnership.council_action).title == "Libraries"
    finally:
        services.close()


def test_the_connected_account_says_what_it_may_change(partnership: Partnership) -> None:
    for url, limited, organisation in (
        (partnership.partner_url, True, "Thames Valley Police"),
        (partnership.coordinator_url, False, ""),
        (partnership.owner_url, False, ""),
    ):
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                account = server_accounts.connected_account(connection)
        finally:
            engine.dispose()
        assert (account.limited, account.organisation_name) == (limited, organisation)


def test_the_accounts_command_lists_and_removes_accounts(
    partnership: Partnership, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["accounts", "--db", partnership.owner_url, "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("coordinator_") and ": coordinator" in listed[0]
    assert listed[1] == (
        f"{partnership.partner_role}: partner for Thames Valley Police (may change the progress, milestones and "
        "spend of its actions)"
    )
    assert cli.main(["accounts", "--db", partnership.owner_url, "remove", partnership.partner_role]) == 0
    capsys.readouterr()
    engine = create_engine(partnership.partner_url)
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError):
            connection.execute(text("SELECT count(*) FROM action"))
    finally:
        engine.dispose()
    assert cli.main(["accounts", "--db", partnership.owner_url, "list"]) == 0
    assert partnership.partner_role not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (["add-partner", "fire_partner", "--organisation", "Fire Service"], "no organisation called 'Fire Service'"),
        (["add-coordinator", "Bad-Name"], "cannot be an account name"),
    ],
)
def test_the_accounts_command_refuses_bad_input_in_one_sentence(
    partnership: Partnership, arguments: list[str], sentence: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["accounts", "--db", partnership.owner_url, *arguments]) == 1
    error = capsys.readouterr().err.strip()
    assert sentence in error and "\n" not in error


def test_a_partner_cannot_set_up_accounts(partnership: Partnership, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["accounts", "--db", partnership.partner_url, "add-coordinator", "sneaky_role"]) == 1
    assert "may not set up accounts" in capsys.readouterr().err


def test_accounts_are_refused_for_a_workspace_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["accounts", "--db", "plan.locality", "list"]) == 1
    assert "PostgreSQL server" in capsys.readouterr().err


def test_the_apps_rights_say_what_a_partner_may_change_and_why(partnership: Partnership) -> None:
    services = Services.open(partnership.partner_url, create_missing=False)
    try:
        rights = services.rights
        assert rights.limited and rights.account == partnership.partner_role
        assert rights.reason == (
            f"Your account ({partnership.partner_role}) may change only the progress, milestones and spend of "
            "actions Thames Valley Police leads or partners in."
        )
        assert [rights.may_change(entity) for entity in (Entity.PROGRESS_UPDATE, Entity.NEED, Entity.ORGANISATION)] == [
            True,
            False,
            False,
        ]
        assert not rights.may_add(Entity.ACTION) and rights.may_add(Entity.SPEND)
        assert rights.may_change_action_id(partnership.police_action)
        assert rights.may_change_action_id(partnership.shared_action)
        assert not rights.may_change_action_id(partnership.council_action)
    finally:
        services.close()
    services = Services.open(partnership.coordinator_url, create_missing=False)
    try:
        assert not services.rights.limited and services.rights.reason == ""
        assert services.rights.may_change_action_id(partnership.council_action)
    finally:
        services.close()


def test_a_workspace_file_may_change_everything(tmp_path: Path) -> None:
    services = Services.open(tmp_path / "plan.locality")
    try:
        assert not services.rights.limited and services.rights.reason == ""
        assert services.rights.may_add(Entity.NEED) and services.rights.may_change_action_id(uuid.uuid4())
    finally:
        services.close()


def test_refreshing_lets_the_accounts_read_a_table_an_upgrade_added(
    partnership: Partnership, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = create_engine(partnership.owner_url)
    partner = create_engine(partnership.partner_url)
    try:
        with owner.begin() as connection:
            connection.execute(text("CREATE TABLE added_by_an_upgrade (id integer)"))
        with partner.connect() as connection, pytest.raises(ProgrammingError):
            connection.execute(text("SELECT count(*) FROM added_by_an_upgrade"))
        assert cli.main(["accounts", "--db", partnership.owner_url, "refresh"]) == 0
        assert capsys.readouterr().out.strip() == "Set up again: 2 accounts."
        with partner.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM added_by_an_upgrade")).scalar_one() == 0
        with owner.begin() as connection:
            connection.execute(text("DROP TABLE added_by_an_upgrade"))
    finally:
        owner.dispose()
        partner.dispose()


def test_the_accounts_keep_their_rights_when_the_workspace_is_upgraded(partnership: Partnership) -> None:
    """Opening a server's workspace that is behind the app upgrades it and sets its accounts up again."""
    owner = create_engine(partnership.owner_url)
    try:
        with owner.connect() as connection:
            command.downgrade(alembic_config(connection), "0001_initial")
            connection.commit()
    finally:
        owner.dispose()
    open_workspace(partnership.owner_url, create_missing=False).close()
    services = Services.open(partnership.partner_url, create_missing=False)
    try:
        services.progress.log(ProgressDraft(action_id=partnership.police_action, percent_complete=30))
        with pytest.raises(WorkspaceError, match="may not make that change"):
            services.progress.log(ProgressDraft(action_id=partnership.council_action, percent_complete=30))
    finally:
        services.close()
