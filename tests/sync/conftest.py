"""Fixtures for merging: an office workspace with a small partnership, copies of it for laptops, and a way to
read every record of a workspace as plain values to compare two of them."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from locality.services.actions import ActionDraft
from locality.services.context import User
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.sync.copy import save_workshop_copy

TODAY = date(2008, 6, 1)
OFFICE = User("Olive Office", "Council")
LAPTOP_A = User("Adam Laptop", "Health Trust")
LAPTOP_B = User("Bea Laptop", "Housing")

# Bookkeeping a merge sets itself: two workspaces holding the same records may differ in these.
_BOOKKEEPING = {"updated_at", "version"}
_NOT_DATA = {"change_log", "replica_sync_state", "alembic_version"}


@dataclass
class Office:
    path: Path
    organisations: list[uuid.UUID]
    themes: list[uuid.UUID]
    needs: list[uuid.UUID]
    actions: list[uuid.UUID]


@contextmanager
def opened(path: Path, user: User = OFFICE) -> Iterator[Services]:
    services = Services.open(path, user, create_missing=False, today=lambda: TODAY)
    try:
        yield services
    finally:
        services.close()


def build_office(path: Path) -> Office:
    with opened(path) as services:
        organisations = [
            services.organisations.create(OrganisationDraft(name)).id
            for name in ("Council", "Health Trust", "Housing", "Police")
        ]
        themes = [services.vocabulary.add_theme(name).id for name in ("Data sharing", "Workforce")]
        needs = []
        for index, title in enumerate(("Shared data protocol", "Joint training", "Common referral form")):
            need = services.needs.create(
                NeedDraft(
                    title,
                    theme_id=themes[index % 2],
                    organisations=(NeedLinkDraft(organisations[index]),),
                )
            )
            needs.append(need.id)
        actions = [
            services.actions.create(
                ActionDraft(title, theme_id=themes[0], lead_organisation_id=organisations[0], need_ids=(needs[0],))
            ).id
            for title in ("Draft the protocol", "Train the leads")
        ]
    return Office(path, organisations, themes, needs, actions)


@pytest.fixture(scope="session")
def office_template(tmp_path_factory: pytest.TempPathFactory, template_workspace: Path) -> tuple[Path, Office]:
    folder = tmp_path_factory.mktemp("office")
    path = folder / "office.locality"
    path.write_bytes(template_workspace.read_bytes())
    return path, build_office(path)


@pytest.fixture
def office(tmp_path: Path, office_template: tuple[Path, Office]) -> Office:
    """The office workspace, at a path of this test's own (opened there once, so it has its own replica)."""
    template_path, template = office_template
    path = tmp_path / "office.locality"
    path.write_bytes(template_path.read_bytes())
    with opened(path):
        pass
    return Office(path, template.organisations, template.themes, template.needs, template.actions)


def laptop_copy(office: Office, name: str) -> Path:
    destination = office.path.with_name(name)
    save_workshop_copy(str(office.path), destination)
    return destination


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_of(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Every record of every table (tombstoned ones included) by table and id, without the bookkeeping a merge
    sets itself: two workspaces with the same data compare equal."""
    with closing(sqlite3.connect(path)) as connection:
        connection.row_factory = sqlite3.Row
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            if row[0] not in _NOT_DATA and not row[0].startswith("sqlite_")
        ]
        data: dict[str, dict[str, dict[str, Any]]] = {}
        for table in tables:
            rows = {}
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # table names from the schema
                values = {key: row[key] for key in row.keys() if key not in _BOOKKEEPING}  # noqa: SIM118 - a Row iterates values
                if table == "workspace_meta":
                    for key in ("replica_id", "replica_path", "last_change_seq"):
                        values.pop(key, None)
                rows[_id_text(row["id"])] = values
            data[table] = rows
        return data


def change_log_keys(path: Path) -> set[tuple[str, int]]:
    with closing(sqlite3.connect(path)) as connection:
        return {(str(row[0]), int(row[1])) for row in connection.execute("SELECT replica_id, seq FROM change_log")}


def _id_text(value: Any) -> str:
    """An id as ``str(uuid)`` spells it (SQLite holds UUIDs as 32 hex digits)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)
