"""The guided set-up of a new partnership: details, partners and themes written as one transaction, and undone."""

from __future__ import annotations

from datetime import date

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.services.context import Changes
from locality.services.organisations import OrganisationDraft
from locality.services.partnership_setup import PartnershipSetUp, typed_names
from locality.services.registry import Services


def themes_named(services: Services, *names: str) -> frozenset:  # type: ignore[type-arg]
    return frozenset(theme.id for theme in services.vocabulary.themes() if theme.name in names)


def eastvale(services: Services, *organisations: str) -> PartnershipSetUp:
    return PartnershipSetUp(
        "Eastvale Locality Partnership",
        "Eastvale district",
        date(2026, 4, 1),
        date(2029, 3, 31),
        organisations,
        themes_named(services, "Community engagement", "Housing"),
    )


def test_typed_names_are_trimmed_and_blank_lines_left_out() -> None:
    assert typed_names("  Eastvale  District Council \n\nEastvale Police\n   \n") == [
        "Eastvale District Council",
        "Eastvale Police",
    ]


def test_a_name_typed_twice_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match="“eastvale police” is typed twice"):
        typed_names("Eastvale Police\neastvale  police")


def test_the_set_up_writes_details_partners_and_themes_at_once(services: Services) -> None:
    heard: list[Changes] = []
    services.context.subscribe(heard.append)
    services.set_up.set_up(eastvale(services, "Eastvale District Council", "Eastvale Police"))
    details = services.workspace.details()
    assert (details.partnership_name, details.area) == ("Eastvale Locality Partnership", "Eastvale district")
    assert details.plan_period == "01/04/2026 to 31/03/2029"
    assert sorted(o.name for o in services.organisations.list()) == ["Eastvale District Council", "Eastvale Police"]
    in_use = {theme.name for theme in services.vocabulary.themes() if theme.active}
    assert in_use == {"Community engagement", "Housing", "Service improvement"}
    assert len(heard) == 1  # one transaction, one notification
    assert heard[0].touches(Entity.WORKSPACE_META) and heard[0].touches(Entity.ORGANISATION)


def test_an_organisation_imported_before_is_not_added_twice(services: Services) -> None:
    services.organisations.create(OrganisationDraft(name="Eastvale Police"))
    done = services.set_up.set_up(eastvale(services, "eastvale police", "Eastvale Health"))
    assert len(done.added) == 1
    assert sorted(o.name for o in services.organisations.list()) == ["Eastvale Health", "Eastvale Police"]


def test_a_bad_set_up_writes_nothing(services: Services) -> None:
    bad = PartnershipSetUp("Eastvale", "", date(2026, 4, 1), date(2025, 3, 31), ("Eastvale Police",), frozenset())
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.set_up.set_up(bad)
    assert services.organisations.list() == []
    assert services.workspace.details().partnership_name != "Eastvale"
    assert all(theme.active for theme in services.vocabulary.themes())


def test_a_set_up_undone_and_redone(services: Services) -> None:
    name_before = services.workspace.details().partnership_name
    set_up = eastvale(services, "Eastvale Police")
    done = services.set_up.set_up(set_up)
    deleted = services.set_up.undo(done)
    assert services.organisations.list() == []
    assert services.workspace.details().partnership_name == name_before
    assert all(theme.active for theme in services.vocabulary.themes())
    services.set_up.redo(set_up, deleted)
    assert [o.name for o in services.organisations.list()] == ["Eastvale Police"]
    assert services.workspace.details().partnership_name == "Eastvale Locality Partnership"
