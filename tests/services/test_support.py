"""The support directory's service: providers and offers added, edited, deleted and restored, and every refusal
in one plain sentence with nothing written."""

from __future__ import annotations

from dataclasses import replace

import pytest

from locality.domain.errors import DuplicateError, StaleRecordError, ValidationError
from locality.domain.support import OfferDraft, ProviderDraft, is_web_address, web_address
from locality.domain.vocabulary import VocabularyKind, seeded_id
from locality.services.actions import ActionDraft
from locality.services.registry import Services
from locality.store.models import ChangeLogRecord

IDEA = seeded_id(VocabularyKind.PROVIDER, "IDeA")
PEER_COUNCILS = seeded_id(VocabularyKind.PROVIDER, "Peer councils")
PEER_CHALLENGE = seeded_id(VocabularyKind.SUPPORT_TYPE, "Peer challenge")
MENTORING = seeded_id(VocabularyKind.SUPPORT_TYPE, "Mentoring")
REGIONAL = seeded_id(VocabularyKind.DELIVERY_LEVEL, "Regional")
LOCAL = seeded_id(VocabularyKind.DELIVERY_LEVEL, "Local")
HOUSING = seeded_id("theme", "Housing")
LEADERSHIP = seeded_id("theme", "Leadership and governance")


def log_size(services: Services) -> int:
    with services.context.workspace.reading() as unit:
        return len(unit.list(ChangeLogRecord))


def idea(services: Services, **fields: object) -> ProviderDraft:
    values: dict[str, object] = {
        "name": "Improvement and Development Agency",
        "kind_id": IDEA,
        "region": "England",
        "website": "https://www.idea.gov.uk",
        "contact_name": "Sam Jones",
        "contact_email": "sam.jones@idea.gov.uk",
    }
    values.update(fields)
    return ProviderDraft(**values)  # type: ignore[arg-type]


def test_a_provider_and_its_offer_are_added_and_read_back(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    offer = services.support.create_offer(
        OfferDraft(
            provider.id,
            "Corporate peer challenge",
            support_type_id=PEER_CHALLENGE,
            delivery_level_id=REGIONAL,
            theme_ids=(HOUSING, LEADERSHIP),
            typical_cost_pence=1_250_000,
            duration_days=5,
            eligibility="Any council in England",
            url="www.idea.gov.uk/peer",
        )
    )

    [listed] = services.support.providers()
    assert (listed.name, listed.kind_name, listed.region, listed.offer_count) == (
        "Improvement and Development Agency",
        "IDeA",
        "England",
        1,
    )
    [read] = services.support.offers()
    assert read == offer
    assert (read.provider_name, read.provider_kind_id, read.support_type_name, read.delivery_level_name) == (
        "Improvement and Development Agency",
        IDEA,
        "Peer challenge",
        "Regional",
    )
    # Themes in the order the theme list shows them, sub-themes under their parent's name.
    assert read.theme_names == ("Leadership and governance", "Service improvement: Housing")
    assert (read.typical_cost_pence, read.duration_days) == (1_250_000, 5)
    assert read.url == "https://www.idea.gov.uk/peer"  # typed without its scheme: taken as https
    assert services.support.find_offer("improvement and development  agency", "CORPORATE peer challenge") == read


def test_provider_refusals_say_what_is_wrong_and_write_nothing(services: Services) -> None:
    services.support.create_provider(idea(services))
    before = log_size(services)

    with pytest.raises(DuplicateError, match="already a provider called"):
        services.support.create_provider(ProviderDraft(" improvement and development agency "))
    with pytest.raises(ValidationError) as bad:
        services.support.create_provider(
            ProviderDraft("", kind_id=MENTORING, website="javascript:alert(1)", contact_email="not an address")
        )
    assert set(bad.value.field_errors) == {"name", "kind_id", "website", "contact_email"}
    assert "http:// or https://" in bad.value.field_errors["website"]
    assert log_size(services) == before


@pytest.mark.parametrize(
    "address",
    ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "ftp://example.org", "https://", "http://a b"],
)
def test_an_offer_address_that_is_not_a_web_page_is_refused(services: Services, address: str) -> None:
    provider = services.support.create_provider(idea(services))

    with pytest.raises(ValidationError) as refused:
        services.support.create_offer(OfferDraft(provider.id, "Mentoring", url=address))
    assert set(refused.value.field_errors) == {"url"}
    assert not is_web_address(address)
    assert services.support.offers() == []


def test_web_addresses_accepted_are_kept_as_given() -> None:
    assert web_address("https://www.local.gov.uk/peer-challenge?x=1", "url") == (
        "https://www.local.gov.uk/peer-challenge?x=1"
    )
    assert web_address("  ", "url") == ""
    assert is_web_address("http://www.idea.gov.uk")


def test_offer_refusals_cover_every_field_at_once(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    services.support.create_offer(OfferDraft(provider.id, "Mentoring"))

    with pytest.raises(DuplicateError, match="already has an offer called"):
        services.support.create_offer(OfferDraft(provider.id, " MENTORING "))
    with pytest.raises(ValidationError) as bad:
        services.support.create_offer(
            OfferDraft(
                provider.id,
                "",
                support_type_id=IDEA,
                delivery_level_id=MENTORING,
                typical_cost_pence=-5,
                duration_days=0,
                theme_ids=(IDEA,),
            )
        )
    assert set(bad.value.field_errors) == {
        "title",
        "support_type_id",
        "delivery_level_id",
        "typical_cost_pence",
        "duration_days",
        "theme_ids",
    }
    assert bad.value.field_errors["typical_cost_pence"] == "The typical cost cannot be negative"


def test_the_same_title_may_be_offered_by_two_providers(services: Services) -> None:
    first = services.support.create_provider(idea(services))
    second = services.support.create_provider(ProviderDraft("Barset Borough Council", kind_id=PEER_COUNCILS))

    services.support.create_offer(OfferDraft(first.id, "Mentoring"))
    services.support.create_offer(OfferDraft(second.id, "Mentoring"))

    assert [(offer.provider_name, offer.title) for offer in services.support.offers()] == [
        ("Barset Borough Council", "Mentoring"),
        ("Improvement and Development Agency", "Mentoring"),
    ]


def test_an_edit_changes_the_offer_and_its_themes_and_a_stale_edit_is_refused(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    offer = services.support.create_offer(OfferDraft(provider.id, "Mentoring", theme_ids=(HOUSING,)))

    edited = services.support.update_offer(
        offer.id, replace(offer.as_draft(), title="Mentoring for leaders", theme_ids=(LEADERSHIP,)), offer.version
    )

    assert (edited.title, edited.theme_names) == ("Mentoring for leaders", ("Leadership and governance",))
    assert edited.version > offer.version
    with pytest.raises(StaleRecordError):
        services.support.update_offer(offer.id, offer.as_draft(), offer.version)


def test_deleting_a_provider_takes_its_offers_and_undo_brings_them_back(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    offer = services.support.create_offer(OfferDraft(provider.id, "Mentoring", theme_ids=(HOUSING,)))
    action = services.actions.create(ActionDraft("Mentoring for the housing lead", offer_id=offer.id))

    deleted = services.support.delete_providers([provider.id])

    assert services.support.providers() == [] and services.support.offers() == []
    # The action keeps naming the offer it was commissioned from.
    assert services.actions.get(action.id).offer_title == "Mentoring"
    services.support.restore(deleted)
    assert [replace(back, version=offer.version) for back in services.support.offers()] == [offer]


def test_a_deleted_offer_cannot_be_chosen_for_a_new_action(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    offer = services.support.create_offer(OfferDraft(provider.id, "Mentoring"))
    services.support.delete_offers([offer.id])

    with pytest.raises(ValidationError, match="has been deleted from the directory"):
        services.actions.create(ActionDraft("Mentoring", offer_id=offer.id))


def test_a_name_a_deleted_provider_had_can_be_used_again(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    services.support.delete_providers([provider.id])

    again = services.support.create_provider(idea(services, region="East Midlands"))
    other = services.support.create_provider(ProviderDraft("Other body"))
    services.support.delete_providers([other.id])
    renamed = services.support.update_provider(again.id, replace(again.as_draft(), name="Other body"), again.version)

    assert (again.name, again.region) == ("Improvement and Development Agency", "East Midlands")
    assert [row.name for row in services.support.providers()] == ["Other body"] == [renamed.name]


def test_an_offer_title_a_deleted_offer_had_can_be_used_again(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    offer = services.support.create_offer(OfferDraft(provider.id, "Mentoring", theme_ids=(HOUSING,)))
    services.support.delete_offers([offer.id])

    again = services.support.create_offer(OfferDraft(provider.id, "Mentoring", duration_days=3))

    assert (again.duration_days, again.theme_names) == (3, ())
    assert [row.title for row in services.support.offers()] == ["Mentoring"]


def test_an_offer_deleted_before_another_took_its_title_comes_back_under_a_name_that_says_so(
    services: Services,
) -> None:
    provider = services.support.create_provider(idea(services))
    offer = services.support.create_offer(OfferDraft(provider.id, "Mentoring"))
    deleted = services.support.delete_offers([offer.id])
    renamed = services.support.create_offer(OfferDraft(provider.id, "Coaching"))
    services.support.update_offer(renamed.id, replace(renamed.as_draft(), title="Mentoring"), renamed.version)

    services.support.restore(deleted)

    titles = sorted(row.title for row in services.support.offers())
    assert titles == ["Mentoring", f"Mentoring (deleted {str(offer.id)[:8]})"]


def test_an_inactive_providers_offers_are_left_out_when_only_active_ones_are_asked_for(services: Services) -> None:
    provider = services.support.create_provider(idea(services, active=False))
    services.support.create_offer(OfferDraft(provider.id, "Mentoring"))

    assert services.support.offers(include_inactive=False) == []
    assert len(services.support.offers()) == 1


def test_an_action_records_the_offer_it_was_commissioned_from(services: Services) -> None:
    provider = services.support.create_provider(idea(services))
    offer = services.support.create_offer(OfferDraft(provider.id, "Mentoring"))

    action = services.actions.create(ActionDraft("Mentoring", offer_id=offer.id, provider_id=offer.provider_kind_id))

    assert (action.offer_id, action.offer_title, action.provider_name) == (offer.id, "Mentoring", "IDeA")
    assert action.as_draft().offer_id == offer.id
