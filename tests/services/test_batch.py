"""Many service calls as one transaction (``ServiceContext.batch``): all or nothing, the same validation as single
calls, one change notification when it commits and none when it fails."""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import event

from locality.domain.errors import DuplicateError, ValidationError
from locality.services.context import Changes
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.store.models import ChangeLogRecord


def _heard(services: Services) -> list[Changes]:
    received: list[Changes] = []
    services.context.subscribe(received.append)
    return received


def _names(services: Services) -> list[str]:
    return sorted(organisation.name for organisation in services.organisations.list())


def _change_log_size(services: Services) -> int:
    with services.context.workspace.reading() as unit:
        return len(unit.list(ChangeLogRecord))


def test_a_batch_whose_last_create_fails_writes_nothing_and_tells_nobody(services: Services) -> None:
    heard = _heard(services)
    before = _change_log_size(services)
    with pytest.raises(DuplicateError), services.batch():
        services.organisations.create(OrganisationDraft(name="Northshire County Council"))
        services.organisations.create(OrganisationDraft(name="Northshire Police"))
        services.organisations.create(OrganisationDraft(name="northshire police "))  # the same name: refused
    assert _names(services) == []
    assert _change_log_size(services) == before
    assert heard == []


def test_a_batch_refuses_what_a_single_call_refuses(services: Services) -> None:
    with pytest.raises(ValidationError), services.batch():
        services.organisations.create(OrganisationDraft(name="Northshire Police"))
        services.organisations.create(OrganisationDraft(name="   "))
    assert _names(services) == []


def test_a_successful_batch_notifies_once_naming_every_entity_it_touched(services: Services) -> None:
    heard = _heard(services)
    with services.batch():
        police = services.organisations.create(OrganisationDraft(name="Northshire Police"))
        # Reads inside the batch see what it has written so far, though nothing is committed yet.
        assert _names(services) == ["Northshire Police"]
        services.needs.create(NeedDraft(title="Youth diversion", organisations=(NeedLinkDraft(police.id),)))
        assert heard == []
    assert len(heard) == 1
    assert heard[0].touches("organisation") and heard[0].touches("need") and heard[0].touches("need_organisation")
    assert [need.title for need in services.needs.list()] == ["Youth diversion"]


def test_a_batch_is_one_transaction(services: Services) -> None:
    commits: list[object] = []
    event.listen(services.context.workspace.engine, "commit", commits.append)
    with services.batch():
        for number in range(5):
            services.organisations.create(OrganisationDraft(name=f"Partner {number}"))
    assert len(commits) == 1
    assert len(_names(services)) == 5


def test_a_batch_inside_a_batch_joins_it(services: Services) -> None:
    heard = _heard(services)
    with pytest.raises(DuplicateError), services.batch():
        with services.batch():
            services.organisations.create(OrganisationDraft(name="Northshire Police"))
        assert heard == []  # the inner batch ending commits nothing and tells nobody
        services.organisations.create(OrganisationDraft(name="Northshire Police"))
    assert _names(services) == []
    assert heard == []


def test_a_call_that_fails_inside_a_batch_spoils_it_even_if_the_caller_carries_on(services: Services) -> None:
    """A failed call may have written part of its change: the batch cannot commit after it."""
    heard = _heard(services)
    with pytest.raises(DuplicateError), services.batch():
        services.organisations.create(OrganisationDraft(name="Northshire Police"))
        with contextlib.suppress(DuplicateError):
            services.organisations.create(OrganisationDraft(name="Northshire Police"))
        services.organisations.create(OrganisationDraft(name="Northshire Fire and Rescue"))
    assert _names(services) == []
    assert heard == []


def test_a_batch_on_one_thread_does_not_capture_calls_made_on_another(services: Services) -> None:
    """An import runs in the background while the window keeps reading: the window's reads are not the batch's."""
    seen_elsewhere: list[list[str]] = []
    with services.batch():
        services.organisations.create(OrganisationDraft(name="Northshire Police"))
        reader = threading.Thread(target=lambda: seen_elsewhere.append(_names(services)))
        reader.start()
        reader.join()
    assert seen_elsewhere == [[]]  # the other thread read the committed workspace, not the open batch
    assert _names(services) == ["Northshire Police"]
