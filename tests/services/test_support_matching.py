"""Find support on a hand-built workspace: which offers are listed for a need, in what order and why, and which
offers would serve several partners' needs at once (duplication avoided)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from locality.domain.errors import NotFoundError
from locality.domain.support_fit import ThemeFit
from locality.domain.vocabulary import ActionStatus, NeedRole, NeedStatus, VocabularyKind
from locality.services.actions import ActionDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.services.support_matching import NeedCalling, duplication_sentence
from tests.support_directory_builder import DirectoryBuilder


class Partnership:
    """Four partners, five needs and a small directory (see each test for what it relies on)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        build = DirectoryBuilder(services)
        organisations = services.organisations
        self.council_a = organisations.create(OrganisationDraft("Council A")).id
        self.council_b = organisations.create(OrganisationDraft("Council B")).id
        self.police = organisations.create(OrganisationDraft("Police")).id
        self.health = organisations.create(OrganisationDraft("Health Trust")).id
        safety = build.themes["Community safety"]
        housing = build.themes["Housing"]

        def need(title: str, theme: uuid.UUID, *links: tuple[uuid.UUID, NeedRole], status: NeedStatus) -> uuid.UUID:
            draft = NeedDraft(
                title, theme_id=theme, status=status, organisations=tuple(NeedLinkDraft(o, r) for o, r in links)
            )
            return services.needs.create(draft).id

        identified = NeedStatus.IDENTIFIED
        self.shared_need = need(
            "Safer streets at night",
            safety,
            (self.council_a, NeedRole.RAISED_BY),
            (self.police, NeedRole.SHARES),
            status=identified,
        )
        self.other_partner_need = need(
            "Wardens on estates", safety, (self.council_b, NeedRole.RAISED_BY), status=identified
        )
        self.same_raiser_need = need(
            "Street lighting audit", safety, (self.council_a, NeedRole.RAISED_BY), status=identified
        )
        self.met_need = need("Old safety need", safety, (self.health, NeedRole.RAISED_BY), status=NeedStatus.MET)
        self.housing_need = need("Empty homes", housing, (self.health, NeedRole.LEAD), status=identified)

        idea = build.provider("IDeA")
        rip = build.provider("South West RIEP", "Regional improvement partnership")
        retired = build.provider("Closed agency", "Other", active=False)
        self.exact = build.offer(
            idea,
            "Safer communities peer challenge",
            ["Community safety"],
            level="Sub-regional",
            support_type="Peer challenge",
            cost_pence=1_200_000,
            duration_days=5,
        )
        self.parent = build.offer(rip, "Service improvement diagnostic", ["Service improvement"], level="Regional")
        self.elsewhere = build.offer(rip, "Leadership academy", ["Leadership and governance"], level="Sub-regional")
        self.inactive = build.offer(idea, "Old safety toolkit", ["Community safety"], active=False)
        self.retired_provider = build.offer(retired, "Safety advice", ["Community safety"])
        # A completed action bought the diagnostic (a track record), and an open one addresses the housing need.
        actions = services.actions
        actions.create(
            ActionDraft(
                "Diagnostic of children's services",
                offer_id=self.parent,
                status=ActionStatus.COMPLETED,
                percent_complete=100,
                start_on=date(2007, 1, 1),
                completed_on=date(2008, 1, 31),
            )
        )
        actions.create(ActionDraft("Empty homes diagnostic", offer_id=self.parent, need_ids=(self.housing_need,)))


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
