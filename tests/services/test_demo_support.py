"""The demo's support directory: providers of every kind with believable offers, and demo actions commissioned
from offers that fit them (their provider kind the offer's provider's), the same for the same seed."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from locality.domain.support import is_web_address
from locality.domain.vocabulary import SEEDED_VOCABULARY, ActionStatus, VocabularyKind
from locality.services.context import ServiceContext, User
from locality.services.demo import generate_demo
from locality.services.registry import Services
from locality.store.models import ActionRecord
from locality.store.workspace import open_workspace


@pytest.fixture
def demo(tmp_path: Path, template_workspace: Path) -> Iterator[Services]:
    path = tmp_path / "demo.locality"
    shutil.copyfile(template_workspace, path)
    services = Services(ServiceContext(open_workspace(path), User("Test User", "Test Org")))
    generate_demo(services.context, size="medium", seed=5)
    yield services
    services.close()


def test_the_demo_directory_has_providers_of_every_kind_with_their_offers(demo: Services) -> None:
    providers = demo.support.providers()
    offers = demo.support.offers()

    assert 12 <= len(providers) <= 20 and 40 <= len(offers) <= 60
    assert {provider.kind_name for provider in providers} == set(SEEDED_VOCABULARY[VocabularyKind.PROVIDER])
    assert {offer.support_type_name for offer in offers} == set(SEEDED_VOCABULARY[VocabularyKind.SUPPORT_TYPE])
    assert all(provider.offer_count >= 2 for provider in providers)
    assert all(offer.theme_names and offer.delivery_level_name for offer in offers)
    assert all(is_web_address(offer.url) for offer in offers)
    assert all(is_web_address(provider.website) for provider in providers)
    assert all(offer.eligibility for offer in offers)
    assert any(offer.typical_cost_pence == 0 for offer in offers) and any(
        offer.duration_days is None for offer in offers
    )


def commissioned(services: Services) -> list[SimpleNamespace]:
    """The actions commissioned from an offer, as plain values readable once the session has closed."""
    columns = ("id", "offer_id", "provider_id", "theme_id", "status")
    with services.context.read() as unit:
        return [
            SimpleNamespace(**{name: getattr(row, name) for name in columns})
            for row in unit.list(ActionRecord, order_by=("created_at", "id"))
            if row.offer_id is not None
        ]


def test_demo_actions_commissioned_from_an_offer_fit_it(demo: Services) -> None:
    offers = {offer.id: offer for offer in demo.support.offers()}
    themes = {theme.id: theme for theme in demo.vocabulary.themes()}
    actions = commissioned(demo)

    assert len(actions) > 200  # of the medium demo's 2,000 actions
    for action in actions:
        offer = offers[action.offer_id]  # type: ignore[index]
        assert action.provider_id == offer.provider_kind_id
        # The offer serves the action's theme, or the theme its service area sits under.
        theme = themes[action.theme_id]  # type: ignore[index]
        assert theme.id in offer.theme_ids or theme.parent_id in offer.theme_ids
    # Enough finished work per offer for the evidence of what works to group.
    completed = Counter(action.offer_id for action in actions if action.status == ActionStatus.COMPLETED)
    assert sum(1 for count in completed.values() if count >= 3) >= 10


def test_the_same_seed_gives_the_same_directory(demo: Services, tmp_path: Path, template_workspace: Path) -> None:
    path = tmp_path / "again.locality"
    shutil.copyfile(template_workspace, path)
    again = Services(ServiceContext(open_workspace(path), User("Test User", "Test Org")))
    try:
        generate_demo(again.context, size="medium", seed=5)
        assert again.support.offers() == demo.support.offers()
        assert [(row.id, row.offer_id) for row in commissioned(again)] == [
            (row.id, row.offer_id) for row in commissioned(demo)
        ]
    finally:
        again.close()
