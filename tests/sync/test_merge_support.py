"""The support directory travels in a merge like every other record: providers, offers, the themes an offer
serves and the offer an action was commissioned from; a deletion travels as a tombstone, and the same provider
added on two laptops becomes one."""

from __future__ import annotations

import dataclasses

from locality.domain.entities import Entity
from locality.domain.support import OfferDraft, ProviderDraft
from locality.domain.vocabulary import VocabularyKind, seeded_id
from locality.sync.merge import apply_merge, plan_merge
from tests.sync.conftest import LAPTOP_A, LAPTOP_B, Office, data_of, laptop_copy, opened

DIRECTORY_TABLES = ("support_provider", "support_offer", "support_offer_theme", "action", "vocabulary_term")


def test_a_directory_made_on_a_laptop_is_merged_whole_and_both_ways_end_equal(office: Office) -> None:
    laptop = laptop_copy(office, "laptop.locality")
    with opened(laptop, LAPTOP_A) as services:
        provider = services.support.create_provider(
            ProviderDraft("IDeA", kind_id=seeded_id(VocabularyKind.PROVIDER, "IDeA"), contact_email="a@idea.gov.uk")
        )
        offer = services.support.create_offer(
            OfferDraft(
                provider.id,
                "Corporate peer challenge",
                support_type_id=seeded_id(VocabularyKind.SUPPORT_TYPE, "Peer challenge"),
                theme_ids=tuple(office.themes),
                typical_cost_pence=500_000,
                url="https://www.idea.gov.uk/peer",
            )
        )
        action = services.actions.get(office.actions[0])
        services.actions.update(
            action.id,
            dataclasses.replace(action.as_draft(), offer_id=offer.id, provider_id=offer.provider_kind_id),
            action.version,
        )

    plan = plan_merge(str(office.path), laptop)
    assert (plan.added[Entity.SUPPORT_PROVIDER], plan.added[Entity.SUPPORT_OFFER]) == (1, 1)
    assert plan.added[Entity.SUPPORT_OFFER_THEME] == 2
    apply_merge(str(office.path), laptop)

    with opened(office.path) as services:
        [merged] = services.support.offers()
        assert (merged.id, merged.provider_name, len(merged.theme_ids)) == (offer.id, "IDeA", 2)
        assert services.actions.get(office.actions[0]).offer_id == offer.id
    apply_merge(str(laptop), office.path)
    office_data, laptop_data = data_of(office.path), data_of(laptop)
    assert {table: office_data[table] for table in DIRECTORY_TABLES} == {
        table: laptop_data[table] for table in DIRECTORY_TABLES
    }


def test_an_offer_deleted_on_a_laptop_is_deleted_in_the_office(office: Office) -> None:
    with opened(office.path) as services:
        provider = services.support.create_provider(ProviderDraft("Voluntary Action Westshire"))
        offer = services.support.create_offer(OfferDraft(provider.id, "Community engagement training"))
    laptop = laptop_copy(office, "laptop.locality")
    with opened(laptop, LAPTOP_A) as services:
        services.support.delete_offers([offer.id])

    assert plan_merge(str(office.path), laptop).deleted.get(Entity.SUPPORT_OFFER) == 1
    apply_merge(str(office.path), laptop)

    with opened(office.path) as services:
        assert services.support.offers() == []
        assert [p.name for p in services.support.providers()] == ["Voluntary Action Westshire"]


def test_the_same_provider_and_offer_added_on_two_laptops_become_one(office: Office) -> None:
    """Two ids for one provider (and one offer of it): references to the other copy's records, an offer's
    provider and the themes an offer serves, come to ours."""
    first = laptop_copy(office, "first.locality")
    second = laptop_copy(office, "second.locality")
    for path, user, titles in ((first, LAPTOP_A, ("Mentoring",)), (second, LAPTOP_B, ("Mentoring", "Training"))):
        with opened(path, user) as services:
            provider = services.support.create_provider(ProviderDraft("Northshire County Council"))
            for title in titles:
                services.support.create_offer(OfferDraft(provider.id, title, theme_ids=(office.themes[0],)))

    apply_merge(str(office.path), first)
    apply_merge(str(office.path), second)

    with opened(office.path) as services:
        providers = services.support.providers()
        assert [(p.name, p.offer_count) for p in providers] == [("Northshire County Council", 2)]
        offers = services.support.offers()
        assert [(offer.title, offer.theme_ids) for offer in offers] == [
            ("Mentoring", (office.themes[0],)),
            ("Training", (office.themes[0],)),
        ]
    assert plan_merge(str(office.path), second).is_empty
