"""Who may change what in a workspace on a PostgreSQL server, enforced by the server itself.

A coordinator's account may change everything. A partner's account may read the whole plan and change only the
progress, milestones and spend of the actions its organisation leads or partners in (and, as logging progress
does, those actions' percent complete, status and completion date). The server enforces it with table and column
privileges and row-level security, so another client connecting as that account cannot get round it.

No table keeps the accounts: each account is its own row-level-security policies, named after its role, and a
partner's organisation is written into its policies (and, as the record of it, into the comment on its policy on
``action``). So the rules live in one place, the database, and ``list_accounts`` reads them back from there.
Run by the workspace's owner (the account that created it) or a superuser: only a table's owner may turn on
row-level security and create policies on it, and only a role with CREATEROLE may create a login.

Passwords are never handled here: a new role gets LOGIN without one, and the administrator sets it with psql's
``\\password ROLE``.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Table, text
from sqlalchemy.exc import DBAPIError

from locality.domain.errors import WorkspaceError
from locality.store.database_errors import DatabaseErrorKind, error_kind
from locality.store.error_sentences import describe_database_error
from locality.store.models import (
    ActionRecord,
    ChangeLogRecord,
    MilestoneRecord,
    ProgressUpdateRecord,
    SpendRecord,
    WorkspaceMetaRecord,
)

log = logging.getLogger("locality.store")

COORDINATOR = "coordinator"
PARTNER = "partner"

#: The records a partner adds, edits and deletes on its own actions.
PARTNER_TABLES: tuple[Table, ...] = (
    ProgressUpdateRecord.__table__,  # type: ignore[assignment]
    MilestoneRecord.__table__,
    SpendRecord.__table__,
)
_ACTION: Table = ActionRecord.__table__  # type: ignore[assignment]
#: The action's fields logging progress moves on, and the stamps every change to a record moves.
PARTNER_ACTION_COLUMNS = ("percent_complete", "status", "completed_on", "updated_at", "version")
#: Tables under row-level security: the ones a partner may change some rows of.
_GUARDED: tuple[Table, ...] = (_ACTION, *PARTNER_TABLES)
#: Columns of a partner's records it may not change: moving a record to another action would get round the rule.
_FIXED_COLUMNS = frozenset({"id", "action_id", "created_at"})

_READ_POLICY = "everyone reads"
# Policy names are at most 63 bytes: "partner " + role + " update".
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
_ORGANISATION_NOTE = re.compile(r"organisation ([0-9a-f-]{36})")


@dataclass(frozen=True)
class Account:
    role: str
    kind: str  # COORDINATOR or PARTNER
    organisation_id: uuid.UUID | None = None
    organisation_name: str = ""

    def describe(self) -> str:
        if self.kind == COORDINATOR:
            return f"{self.role}: coordinator (may change everything)"
        return (
            f"{self.role}: partner for {self.organisation_name or 'an organisation since deleted'} (may change the "
            "progress, milestones and spend of its actions)"
        )


# --------------------------------------------------------------------------- setting accounts up


def add_coordinator(engine: Engine, role: str) -> Account:
    """Creates ``role`` (LOGIN, no password) if it does not exist and lets it change everything."""
    with _administering(engine) as connection:
        return _set_up_coordinator(connection, role)


def add_partner(engine: Engine, role: str, organisation: str) -> Account:
    """Creates ``role`` (LOGIN, no password) if it does not exist and lets it read the plan and change only the
    progress, milestones and spend of the actions ``organisation`` leads or partners in."""
    with _administering(engine) as connection:
        organisation_id, organisation_name = _organisation(connection, organisation)
        _set_up_partner(connection, role, organisation_id)
    return Account(role, PARTNER, organisation_id, organisation_name)


def refresh_accounts(connection: Connection) -> list[Account]:
    """Sets every account up again, on ``connection``'s transaction: after an upgrade has added tables, so that
    the accounts can read them too (``open_workspace`` does it after upgrading a server's workspace)."""
    accounts = _accounts(connection)
    for account in accounts:
        if account.kind == COORDINATOR:
            _set_up_coordinator(connection, account.role)
        elif account.organisation_id is not None:
            _set_up_partner(connection, account.role, account.organisation_id)
    return accounts


def refresh(engine: Engine) -> list[Account]:
    """``refresh_accounts`` in a transaction of its own."""
    with _administering(engine) as connection:
        return refresh_accounts(connection)


def _set_up_coordinator(connection: Connection, role: str) -> Account:
    _prepare(connection, role)
    schema = _schema(connection)
    _drop_policies(connection, role)
    _execute(connection, f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {_q(role)}")
    _execute(connection, f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {_q(role)}")
    # The schema's revision is the administrator's to move (locality upgrade), not an account's.
    _execute(connection, f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {_q(role)}")
    for table in _GUARDED:
        _execute(
            connection,
            f"CREATE POLICY {_q(_policy(COORDINATOR, role))} ON {table.name} FOR ALL TO {_q(role)} "
            "USING (true) WITH CHECK (true)",
        )
    return Account(role, COORDINATOR)


def _set_up_partner(connection: Connection, role: str, organisation_id: uuid.UUID) -> None:
    _prepare(connection, role)
    schema = _schema(connection)
    _drop_policies(connection, role)
    quoted = _q(role)
    _execute(connection, f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {quoted}")
    _execute(connection, f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {quoted}")
    # Every edit takes its turn on the metadata row (SELECT ... FOR UPDATE needs an UPDATE right) and numbers
    # its change-log entries from its counter.
    _execute(connection, f"GRANT UPDATE (last_change_seq) ON {WorkspaceMetaRecord.__tablename__} TO {quoted}")
    _execute(connection, f"GRANT INSERT ON {ChangeLogRecord.__tablename__} TO {quoted}")
    _execute(connection, f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}")
    _execute(connection, f"GRANT UPDATE ({', '.join(PARTNER_ACTION_COLUMNS)}) ON action TO {quoted}")
    theirs = _organisation_actions(organisation_id)
    _execute(
        connection,
        f"CREATE POLICY {_q(_policy(PARTNER, role, 'update'))} ON action FOR UPDATE TO {quoted} "
        f"USING (true) WITH CHECK (id IN ({theirs}))",
    )
    _execute(
        connection,
        f"COMMENT ON POLICY {_q(_policy(PARTNER, role, 'update'))} ON action IS "
        f"'Locality partner account for organisation {organisation_id}'",
    )
    for table in PARTNER_TABLES:
        changeable = ", ".join(column.name for column in table.columns if column.name not in _FIXED_COLUMNS)
        _execute(connection, f"GRANT INSERT, DELETE, UPDATE ({changeable}) ON {table.name} TO {quoted}")
        mine = f"action_id IN ({theirs})"
        _execute(
            connection,
            f"CREATE POLICY {_q(_policy(PARTNER, role, 'insert'))} ON {table.name} FOR INSERT TO {quoted} "
            f"WITH CHECK ({mine})",
        )
        # An edit of another organisation's record is refused with an error (WITH CHECK), not skipped
        # silently as a USING condition would; the record's action cannot be changed, so this is as strict.
        _execute(
            connection,
            f"CREATE POLICY {_q(_policy(PARTNER, role, 'update'))} ON {table.name} FOR UPDATE TO {quoted} "
            f"USING (true) WITH CHECK ({mine})",
        )
        _execute(
            connection,
            f"CREATE POLICY {_q(_policy(PARTNER, role, 'delete'))} ON {table.name} FOR DELETE TO {quoted} "
            f"USING ({mine})",
        )


def remove_account(engine: Engine, role: str) -> None:
    """Takes away every right ``role`` has on this workspace; the login itself stays (DROP ROLE removes it)."""
    with _administering(engine) as connection:
        _check_role_name(role)
        if not _role_exists(connection, role):
            raise WorkspaceError(f"There is no account called {role} on this server.")
        schema = _schema(connection)
        _drop_policies(connection, role)
        _execute(connection, f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {_q(role)}")
        _execute(connection, f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {_q(role)}")
        _execute(connection, f"REVOKE USAGE ON SCHEMA {schema} FROM {_q(role)}")


def list_accounts(engine: Engine) -> list[Account]:
    """The accounts set up on this workspace, coordinators first, each in name order."""
    with _administering(engine) as connection:
        return _accounts(connection)


def _accounts(connection: Connection) -> list[Account]:
    rows = connection.execute(
        text(
            "SELECT p.polname, r.rolname, obj_description(p.oid, 'pg_policy') "
            "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
            "JOIN pg_roles r ON r.oid = ANY (p.polroles) "
            "WHERE c.relname = 'action' AND c.relnamespace = current_schema()::regnamespace "
            "AND (p.polname LIKE 'coordinator %' OR p.polname LIKE 'partner % update')"
        )
    ).all()
    accounts = []
    for name, role, note in rows:
        if name.startswith(COORDINATOR):
            accounts.append(Account(role, COORDINATOR))
            continue
        found = _ORGANISATION_NOTE.search(note or "")
        organisation_id = uuid.UUID(found.group(1)) if found else None
        accounts.append(Account(role, PARTNER, organisation_id, _organisation_name(connection, organisation_id)))
    return sorted(accounts, key=lambda account: (account.kind != COORDINATOR, account.role))


# --------------------------------------------------------------------------- what the connected account may do


@dataclass(frozen=True)
class ConnectedAccount:
    """What the account a workspace was opened with may change. ``limited`` False: everything."""

    role: str
    limited: bool = False
    organisation_id: uuid.UUID | None = None
    organisation_name: str = ""


def connected_account(connection: Connection) -> ConnectedAccount:
    """Reads, from the server, what the connected account may change: a partner account (a role this module set
    up as one, or a member of one) is limited to its organisation's actions; any other account that may add a
    need is taken to change everything; one that may not is limited to nothing (reading only)."""
    role = connection.execute(text("SELECT current_user")).scalar_one()
    if connection.execute(
        text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).scalar_one():
        return ConnectedAccount(role)
    partner = connection.execute(
        text(
            "SELECT obj_description(p.oid, 'pg_policy') FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
            "WHERE c.relname = 'action' AND c.relnamespace = current_schema()::regnamespace "
            "AND p.polname LIKE 'partner % update' "
            "AND EXISTS (SELECT 1 FROM unnest(p.polroles) AS r(oid) WHERE pg_has_role(current_user, r.oid, 'MEMBER')) "
            "LIMIT 1"
        )
    ).scalar_one_or_none()
    if partner is not None:
        found = _ORGANISATION_NOTE.search(partner)
        organisation_id = uuid.UUID(found.group(1)) if found else None
        return ConnectedAccount(role, True, organisation_id, _organisation_name(connection, organisation_id))
    may_add = connection.execute(text("SELECT has_table_privilege('need', 'INSERT')")).scalar_one()
    return ConnectedAccount(role, limited=not may_add)


def read_connected_account(engine: Engine) -> ConnectedAccount:
    """``connected_account`` for a workspace's engine; a workspace file's account may change everything. If the
    server cannot say, the account is taken to change everything: the server still refuses what it may not."""
    if engine.dialect.name != "postgresql":
        return ConnectedAccount("")
    try:
        with engine.connect() as connection:
            return connected_account(connection)
    except DBAPIError:
        log.warning("the server could not say what this account may change", exc_info=True)
        return ConnectedAccount("")


# --------------------------------------------------------------------------- helpers


class _administering:
    """A transaction on the server for setting accounts up, whose failures are told in a sentence."""

    def __init__(self, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise WorkspaceError(
                "Accounts are for a workspace on a PostgreSQL server; a workspace file is protected by who may "
                "open the file."
            )
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> Connection:
        try:
            self._connection = self._engine.connect()
            self._connection.begin()
        except DBAPIError as error:
            raise WorkspaceError(describe_database_error(error)) from error
        exists = self._connection.execute(text("SELECT to_regclass('workspace_meta') IS NOT NULL")).scalar_one()
        if not exists:
            self._connection.close()
            raise WorkspaceError("That database is not a Locality workspace yet; create it first (locality demo).")
        return self._connection

    def __exit__(self, kind: object, error: BaseException | None, _traceback: object) -> None:
        assert self._connection is not None
        try:
            if error is None:
                self._connection.commit()
            else:
                self._connection.rollback()
        finally:
            self._connection.close()
        if isinstance(error, DBAPIError):
            if error_kind(error) is DatabaseErrorKind.NOT_ALLOWED:
                raise WorkspaceError(
                    "Your account on the server may not set up accounts: run this as the workspace's owner (the "
                    "account that created it) or as the server's administrator, with the right to create roles."
                ) from error
            raise WorkspaceError(describe_database_error(error)) from error


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _execute(connection: Connection, statement: str) -> None:
    connection.execute(text(statement))


def _policy(kind: str, role: str, command: str = "") -> str:
    return f"{kind} {role} {command}".strip()


def _schema(connection: Connection) -> str:
    return _q(connection.execute(text("SELECT current_schema()")).scalar_one())


def _check_role_name(role: str) -> None:
    if not _ROLE_NAME.fullmatch(role):
        raise WorkspaceError(
            f"{role!r} cannot be an account name: use up to 40 lower-case letters, digits and underscores, "
            "starting with a letter (for example police_partner)."
        )


def _role_exists(connection: Connection, role: str) -> bool:
    return bool(connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first())


def _prepare(connection: Connection, role: str) -> None:
    """The role as a login (created without a password if missing), its old policies gone, row-level security
    on and everyone's reading policy in place."""
    _check_role_name(role)
    owner = connection.execute(
        text("SELECT tableowner FROM pg_tables WHERE tablename = 'action' AND schemaname = current_schema()")
    ).scalar_one()
    if role == owner:
        raise WorkspaceError(
            f"{role} owns the workspace and may change everything already; give each person an account of their own."
        )
    if not _role_exists(connection, role):
        _execute(connection, f"CREATE ROLE {_q(role)} LOGIN")
    _execute(connection, f"GRANT USAGE ON SCHEMA {_schema(connection)} TO {_q(role)}")
    for table in _GUARDED:
        _execute(connection, f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY")
        present = connection.execute(
            text(
                "SELECT 1 FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relname = :t "
                "AND c.relnamespace = current_schema()::regnamespace AND p.polname = :p"
            ),
            {"t": table.name, "p": _READ_POLICY},
        ).first()
        if not present:
            _execute(connection, f"CREATE POLICY {_q(_READ_POLICY)} ON {table.name} FOR SELECT USING (true)")


def _drop_policies(connection: Connection, role: str) -> None:
    """Every policy this module made for ``role``, so that setting an account up again starts afresh."""
    for table in _GUARDED:
        names = connection.execute(
            text(
                "SELECT p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relname = :t "
                "AND c.relnamespace = current_schema()::regnamespace AND p.polname = ANY (:names)"
            ),
            {
                "t": table.name,
                "names": [_policy(COORDINATOR, role)]
                + [_policy(PARTNER, role, command) for command in ("insert", "update", "delete")],
            },
        ).scalars()
        for name in list(names):
            _execute(connection, f"DROP POLICY {_q(name)} ON {table.name}")


def _organisation_actions(organisation_id: uuid.UUID) -> str:
    """SQL for the ids of the actions an organisation leads or (still) partners in."""
    literal = f"'{organisation_id}'::uuid"  # a UUID's text cannot carry a quote
    return (
        f"SELECT a.id FROM action a WHERE a.lead_organisation_id = {literal} "
        f"UNION SELECT p.action_id FROM action_partner p WHERE p.organisation_id = {literal} "
        "AND p.deleted_at IS NULL"
    )


def _organisation(connection: Connection, name: str) -> tuple[uuid.UUID, str]:
    rows = connection.execute(
        text("SELECT id, name FROM organisation WHERE deleted_at IS NULL AND lower(name) = lower(:n)"),
        {"n": name.strip()},
    ).all()
    if not rows:
        raise WorkspaceError(
            f"There is no organisation called {name.strip()!r} in this workspace; add it first, or check the name."
        )
    return uuid.UUID(str(rows[0][0])), rows[0][1]


def _organisation_name(connection: Connection, organisation_id: uuid.UUID | None) -> str:
    if organisation_id is None:
        return ""
    name = connection.execute(
        text("SELECT name FROM organisation WHERE id = :i"), {"i": organisation_id}
    ).scalar_one_or_none()
    return name or ""
