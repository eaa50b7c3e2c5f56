"""Find support on a hand-built workspace: which offers are listed for a need, in what order and why, and which
offers would serve several partners' needs at once (duplication avoided)."""

from __future__ import annotations

import uuid

import pytest

from locality.domain.errors import NotFoundError
from locality.domain.support_fit import ThemeFit
from locality.domain.vocabulary import NeedStatus, VocabularyKind
from locality.services.needs import NeedDraft
from locality.services.registry import Services
from locality.services.support_matching import NeedCalling, duplication_sentence
from tests.support_directory_builder import DirectoryBuilder, Partnership


@pytest.fixture
def partnership(services: Services) -> Partnership:
    return Partnership(services)


def test_exact_theme_comes_first_and_offers_fitting_nothing_or_inactive_are_absent(partnership: Partnership) -> None:
    found = partnership.services.support_matching.find_support(partnership.shared_need)

    assert [match.offer_id for match in found.matches] == [partnership.exact, partnership.parent]
    exact, parent = found.matches
    assert exact.theme_fit == ThemeFit.EXACT and parent.theme_fit == ThemeFit.NEAR
    assert exact.reasons == (
        "serves Community safety",
        "sub-regional — suits a need shared by 2 partners",
        "cost known",
    )
    assert parent.reasons == (
        "serves Service improvement, the theme Community safety falls under",
        "regional — suits a need shared by 2 partners",
        "used by 1 completed action here",
    )
    assert (exact.provider_name, exact.support_type_name, exact.delivery_level_name) == (
        "IDeA",
        "Peer challenge",
        "Sub-regional",
    )
    assert (exact.typical_cost_pence, exact.duration_days, exact.theme_names) == (1_200_000, 5, ("Community safety",))
    assert found.offer_count == 3  # the inactive offer and the retired provider's offer are not counted


def test_the_joint_action_would_be_led_by_who_raised_the_need_with_the_others_as_partners(
    partnership: Partnership,
) -> None:
    found = partnership.services.support_matching.find_support(partnership.shared_need)
    assert found.lead_organisation_id == partnership.council_a
    assert found.partner_ids == (partnership.police,)
    assert found.raised_by == "Council A"
    assert found.organisation_names == ("Council A", "Police")
    assert found.theme_name == "Community safety"


def test_a_need_led_by_an_organisation_is_led_by_it(partnership: Partnership) -> None:
    found = partnership.services.support_matching.find_support(partnership.housing_need)
    assert found.lead_organisation_id == partnership.health and found.partner_ids == ()


def test_an_offer_fitting_another_partners_need_says_commissioning_once_serves_both(partnership: Partnership) -> None:
    found = partnership.services.support_matching.find_support(partnership.shared_need)
    exact, parent = found.matches
    # The wardens need (Council B) ranks the same offer first; the lighting audit is Council A's own, the met need
    # calls on nothing, nor does the housing need, whose best offer only serves a theme beside its own.
    assert [other.need_id for other in exact.also_fits] == [partnership.other_partner_need]
    assert (
        exact.duplication_text == "Also fits 'Wardens on estates' raised by Council B: commissioning once serves both"
    )
    # An action commissioned from the diagnostic already addresses Health Trust's housing need.
    assert [(other.need_id, other.by_action) for other in parent.also_fits] == [(partnership.housing_need, True)]


def test_shared_offers_lists_offers_that_needs_of_two_or_more_organisations_call_on(partnership: Partnership) -> None:
    shared = partnership.services.support_matching.shared_offers()
    assert [offer.offer_id for offer in shared] == [partnership.exact]
    offer = shared[0]
    assert offer.organisation_count == 2  # Council A (two needs) and Council B
    assert {need.need_id for need in offer.needs} == {
        partnership.shared_need,
        partnership.other_partner_need,
        partnership.same_raiser_need,
    }
    assert partnership.met_need not in {need.need_id for need in offer.needs}


def test_a_deleted_need_is_a_plain_error(partnership: Partnership) -> None:
    partnership.services.needs.delete([partnership.shared_need])
    with pytest.raises(NotFoundError, match="no longer exists"):
        partnership.services.support_matching.find_support(partnership.shared_need)


def test_an_empty_directory_lists_nothing(services: Services) -> None:
    need = services.needs.create(NeedDraft("Anything")).id
    found = services.support_matching.find_support(need)
    assert found.matches == () and found.offer_count == 0
    assert services.support_matching.shared_offers() == []


def test_duplication_sentence_for_one_two_and_many_other_needs() -> None:
    def calling(title: str, by: str) -> NeedCalling:
        return NeedCalling(uuid.uuid4(), title, by, False)

    assert duplication_sentence([]) == ""
    two = [calling("X", "Y"), calling("Z", "W")]
    assert duplication_sentence(two) == (
        "Also fits 'X' raised by Y and 'Z' raised by W: commissioning once serves all three"
    )
    many = [*two, calling("Q", "R")]
    assert duplication_sentence(many) == (
        "Also fits 'X' raised by Y and 2 other partners’ needs: commissioning once serves all 4"
    )


def test_a_joint_action_started_from_an_offer_is_prefilled_and_saves_with_the_offer(partnership: Partnership) -> None:
    services = partnership.services
    found = services.support_matching.find_support(partnership.shared_need)
    exact = found.matches[0]
    start = services.support_matching.joint_action(found, exact)
    draft = start.draft
    kinds = {term.name: term.id for term in services.vocabulary.terms(VocabularyKind.PROVIDER)}
    types = {term.name: term.id for term in services.vocabulary.terms(VocabularyKind.ACTION_TYPE)}
    levels = {term.name: term.id for term in services.vocabulary.terms(VocabularyKind.DELIVERY_LEVEL)}
    assert draft.title == "Safer communities peer challenge — Safer streets at night"
    assert start.offer_label == "Safer communities peer challenge (IDeA)"
    assert draft.offer_id == partnership.exact
    assert draft.provider_id == kinds["IDeA"]
    assert draft.type_id == types["Peer challenge or review"]
    assert draft.delivery_level_id == levels["Sub-regional"]
    assert draft.budget_pence == 1_200_000
    assert draft.lead_organisation_id == partnership.council_a
    assert [partner.organisation_id for partner in draft.partners] == [partnership.police]
    assert draft.need_ids == (partnership.shared_need,)
    assert "commissioning once serves both" in draft.description

    saved = services.actions.create(draft)
    assert (saved.offer_id, saved.offer_title) == (partnership.exact, "Safer communities peer challenge")
    assert saved.need_ids == (partnership.shared_need,) and saved.lead_organisation_id == partnership.council_a
    # Seen from Council B's wardens need, both of Council A's needs call on the offer: the street lighting audit
    # by its ranking, and the need the new action addresses by that action too.
    again = services.support_matching.find_support(partnership.other_partner_need).matches[0]
    assert again.offer_id == partnership.exact
    assert {(other.need_id, other.by_action) for other in again.also_fits} == {
        (partnership.shared_need, True),
        (partnership.same_raiser_need, False),
    }


def test_funding_sets_no_action_type(services: Services) -> None:
    build = DirectoryBuilder(services)
    provider = build.provider("Fund", "Other")
    build.offer(provider, "Pump-priming grant", ["Housing"], support_type="Funding")
    need = services.needs.create(NeedDraft("Empty homes", theme_id=build.themes["Housing"])).id
    found = services.support_matching.find_support(need)
    start = services.support_matching.joint_action(found, found.matches[0])
    assert start.draft.type_id is None and start.draft.budget_pence is None
    assert start.draft.lead_organisation_id is None and start.draft.partners == ()


def test_on_the_demo_every_listed_offer_serves_the_need_theme_or_one_beside_it_and_none_is_missed(
    demo_services: Services,
) -> None:
    """Checked against the theme rule worked out here from the support and vocabulary services' own lists."""
    themes = {theme.id: theme for theme in demo_services.vocabulary.themes()}
    offers = [o for o in demo_services.support.offers() if o.active and o.provider_active]
    assert offers, "the demo ships a directory"

    def related(need_theme: uuid.UUID, offer_themes: tuple[uuid.UUID, ...]) -> bool:
        parent = themes[need_theme].parent_id
        family = {need_theme, *(t for t in themes if themes[t].parent_id == need_theme)}
        if parent is not None:
            family |= {parent, *(t for t in themes if themes[t].parent_id == parent)}
        return bool(family & set(offer_themes))

    gaps = demo_services.analysis.gaps().shared_unaddressed
    assert gaps
    for line in gaps:
        assert line.theme_id is not None
        found = demo_services.support_matching.find_support(line.id)
        expected = {offer.id for offer in offers if related(line.theme_id, offer.theme_ids)}
        assert {match.offer_id for match in found.matches} == expected
        exact = [match.theme_fit == ThemeFit.EXACT for match in found.matches]
        assert exact == sorted(exact, reverse=True), "offers serving the need's own theme come first"
        for match in found.matches:
            assert match.reasons and match.reasons[0].startswith("serves ")
            assert match.why == "; ".join(match.reasons)


def test_on_the_demo_each_shared_offer_serves_open_needs_of_two_or_more_raising_organisations(
    demo_services: Services,
) -> None:
    shared = demo_services.support_matching.shared_offers()
    assert shared, "the demo has partners whose needs call on the same offer"
    counts = [offer.organisation_count for offer in shared]
    assert counts == sorted(counts, reverse=True)
    for offer in shared:
        raisers = {need.raised_by for need in offer.needs}
        assert len(raisers) == offer.organisation_count >= 2
        for calling in offer.needs:
            need = demo_services.needs.get(calling.need_id)
            assert need.status in {NeedStatus.IDENTIFIED, NeedStatus.AGREED, NeedStatus.BEING_ADDRESSED}
            if not calling.by_action:
                # Ranked first for the need, and serving its own theme.
                best = demo_services.support_matching.find_support(calling.need_id).matches[0]
                assert best.offer_id == offer.offer_id and best.theme_fit == ThemeFit.EXACT
