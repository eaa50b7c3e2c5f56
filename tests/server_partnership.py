"""A partnership on the test server with a coordinator's and a partner's account (the police), for the tests of
who may change what (tests/store/test_server_accounts.py, tests/ui/test_partner_account_window.py). The test
role needs CREATEROLE, which ``.ci/run`` gives it; the roles made are dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from locality.services.actions import ActionDraft, PartnerDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.store import server_accounts
from locality.store.engine import server_engine
from tests.postgres_server import SERVER, no_server, server_schema


@dataclass(frozen=True)
class Partnership:
    owner_url: str
    coordinator_url: str
    partner_url: str
    partner_role: str
    police_id: uuid.UUID
    council_id: uuid.UUID
    police_action: uuid.UUID  # led by the police
    shared_action: uuid.UUID  # led by the council, the police a partner
    council_action: uuid.UUID  # the council's alone


def as_role(url: str, role: str, password: str) -> str:
    return make_url(url).set(username=role, password=password).render_as_string(hide_password=False)


def _require_createrole(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            may = connection.execute(text("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar()
    finally:
        engine.dispose()
    if not may:
        no_server("the test role may not create roles (ALTER ROLE ... CREATEROLE, as .ci/run does)")


def _drop_roles(*roles: str) -> None:
    engine = create_engine(SERVER)
    try:
        with engine.begin() as connection:
            for role in roles:
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    finally:
        engine.dispose()


@contextmanager
def partnership_on_server() -> Iterator[Partnership]:
    suffix = uuid.uuid4().hex[:8]
    coordinator, partner = f"coordinator_{suffix}", f"police_{suffix}"
    try:
        with server_schema() as url:
            _require_createrole(url)
            services = Services.open(url)
            try:
                police = services.organisations.create(OrganisationDraft(name="Thames Valley Police")).id
                council = services.organisations.create(OrganisationDraft(name="Northfield Council")).id
                police_action = services.actions.create(
                    ActionDraft(title="Safer streets patrols", lead_organisation_id=police)
                ).id
                shared_action = services.actions.create(
                    ActionDraft(
                        title="Youth club nights",
                        lead_organisation_id=council,
                        partners=(PartnerDraft(organisation_id=police),),
                    )
                ).id
                council_action = services.actions.create(
                    ActionDraft(title="Library opening hours", lead_organisation_id=council)
                ).id
            finally:
                services.close()
            engine = server_engine(url)
            try:
                server_accounts.add_coordinator(engine, coordinator)
                server_accounts.add_partner(engine, partner, "thames valley police")
                with engine.begin() as connection:
                    for role in (coordinator, partner):
                        # Only for the test: an administrator uses psql's \password, never a command line.
                        connection.execute(text(f"ALTER ROLE \"{role}\" PASSWORD 'secret-{suffix}'"))
            finally:
                engine.dispose()
            yield Partnership(
                owner_url=url,
                coordinator_url=as_role(url, coordinator, f"secret-{suffix}"),
                partner_url=as_role(url, partner, f"secret-{suffix}"),
                partner_role=partner,
                police_id=police,
                council_id=council,
                police_action=police_action,
                shared_action=shared_action,
                council_action=council_action,
            )
    finally:
        _drop_roles(coordinator, partner)
