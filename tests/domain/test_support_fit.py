"""The rule that ranks support offers for a need, on hand-built themes, needs and offers."""

from __future__ import annotations

import uuid

from locality.domain.support_fit import (
    NeedToMatch,
    OfferToMatch,
    ThemeFit,
    ThemeTree,
    best_fit,
    level_reason,
    offer_fit,
    ranked_fits,
    theme_fit,
    wording_reason,
)

SERVICE = uuid.uuid4()
SAFETY = uuid.uuid4()
HOUSING = uuid.uuid4()
LEADERSHIP = uuid.uuid4()
TREE = ThemeTree(
    names={SERVICE: "Service improvement", SAFETY: "Community safety", HOUSING: "Housing", LEADERSHIP: "Leadership"},
    parents={SERVICE: None, SAFETY: SERVICE, HOUSING: SERVICE, LEADERSHIP: None},
)


def need(theme: uuid.UUID | None = SAFETY, organisations: int = 1, title: str = "Safer streets") -> NeedToMatch:
    return NeedToMatch(uuid.uuid4(), title, "", theme, organisations)


def offer(
    title: str,
    themes: set[uuid.UUID],
    *,
    level: str = "National",
    support_type: str = "Consultancy",
    cost: int | None = None,
    uses: int = 0,
    active: bool = True,
    provider: str = "IDeA",
) -> OfferToMatch:
    return OfferToMatch(uuid.uuid4(), title, provider, support_type, level, frozenset(themes), cost, uses, active)


def test_theme_fit_exact_near_and_none() -> None:
    assert theme_fit(TREE, SAFETY, [SAFETY]) == (ThemeFit.EXACT, "serves Community safety")
    fit, phrase = theme_fit(TREE, SAFETY, [SERVICE])
    assert fit == ThemeFit.NEAR and phrase == "serves Service improvement, the theme Community safety falls under"
    fit, phrase = theme_fit(TREE, SAFETY, [HOUSING])
    assert fit == ThemeFit.NEAR and "beside Community safety" in phrase
    fit, phrase = theme_fit(TREE, SERVICE, [HOUSING])
    assert fit == ThemeFit.NEAR and phrase == "serves Housing, part of Service improvement"
    assert theme_fit(TREE, SAFETY, [LEADERSHIP])[0] == ThemeFit.NONE
    assert theme_fit(TREE, None, [SAFETY])[0] == ThemeFit.NONE


def test_exact_theme_beats_parent_theme_whatever_else_fits() -> None:
    exact = offer("Exact", {SAFETY})
    # Everything else fits the parent-theme offer, and still it comes second.
    parent = offer("Parent", {SERVICE}, level="Local", support_type="Training", cost=100, uses=3)
    fits = ranked_fits(TREE, need(title="Training for wardens"), [parent, exact])
    assert [fit.offer_id for fit in fits] == [exact.id, parent.id]
    assert fits[1].points > fits[0].points


def test_offers_fitting_nothing_and_inactive_offers_are_not_listed() -> None:
    elsewhere = offer("Leadership academy", {LEADERSHIP}, level="Local", cost=1)
    no_themes = offer("Anything", set())
    retired = offer("Retired", {SAFETY}, active=False)
    kept = offer("Kept", {SAFETY})
    fits = ranked_fits(TREE, need(), [elsewhere, no_themes, retired, kept])
    assert [fit.offer_id for fit in fits] == [kept.id]


def test_level_rule_one_organisation_prefers_local_and_sub_regional() -> None:
    assert level_reason("Local", 1) == "local — suits a need of one organisation"
    assert level_reason("Sub-regional", 1)
    assert level_reason("Regional", 1) == ""
    assert level_reason("National", 1) == ""
    local = offer("Local one", {SAFETY}, level="Local")
    regional = offer("Regional one", {SAFETY}, level="Regional")
    fits = ranked_fits(TREE, need(organisations=1), [regional, local])
    assert [fit.offer_id for fit in fits] == [local.id, regional.id]


def test_level_rule_shared_need_prefers_sub_regional_and_regional() -> None:
    assert level_reason("Regional", 3) == "regional — suits a need shared by 3 partners"
    assert level_reason("Sub-regional", 2)
    assert level_reason("Local", 2) == ""
    local = offer("Local one", {SAFETY}, level="Local")
    regional = offer("Regional one", {SAFETY}, level="Regional")
    fits = ranked_fits(TREE, need(organisations=3), [local, regional])
    assert [fit.offer_id for fit in fits] == [regional.id, local.id]
    assert "regional — suits a need shared by 3 partners" in fits[0].reasons


def test_wording_track_record_and_cost_add_points_with_reasons() -> None:
    assert wording_reason("Peer challenge", "A peer review of scrutiny") == (
        'peer challenge — the need speaks of "peer"'
    )
    assert wording_reason("Training", "Councillors' skills in scrutiny") == 'training — the need speaks of "skills"'
    assert wording_reason("Shared service design", "Shared services for payroll") == (
        'shared service design — the need speaks of "shared services"'
    )
    assert wording_reason("Funding", "Safer streets") == ""
    assert wording_reason("Something new", "training") == ""  # a kind added by a user has no words
    plain = offer("Plain", {SAFETY})
    proven = offer("Proven", {SAFETY}, uses=2, cost=450_000)
    fits = ranked_fits(TREE, need(), [plain, proven])
    assert fits[0].offer_id == proven.id
    assert fits[0].reasons == ("serves Community safety", "used by 2 completed actions here", "cost known")
    one_use = offer_fit(TREE, need(), offer("Once", {SAFETY}, uses=1, cost=0))
    assert one_use is not None and one_use.reasons[-2:] == ("used by 1 completed action here", "free of charge")


def test_a_need_without_a_theme_lists_offers_its_wording_asks_for() -> None:
    training = offer("Course", {LEADERSHIP}, support_type="Training")
    consultancy = offer("Advice", {LEADERSHIP}, support_type="Consultancy")
    fits = ranked_fits(TREE, need(theme=None, title="Skills for scrutiny"), [training, consultancy])
    assert [fit.offer_id for fit in fits] == [training.id]


def test_ties_go_to_the_cheaper_offer_then_provider_then_title_and_the_best_is_the_first() -> None:
    b = offer("B", {SAFETY}, provider="LGA", cost=500)
    a = offer("A", {SAFETY}, provider="LGA", cost=500)
    z = offer("Z", {SAFETY}, provider="IDeA", cost=500)
    cheaper = offer("Cheaper", {SAFETY}, provider="Zeta", cost=100)
    unknown = offer("Unknown cost", {SAFETY}, provider="Alpha", level="Local")  # the level's points make up for it
    fits = ranked_fits(TREE, need(), [b, a, z, cheaper, unknown])
    assert [fit.offer_id for fit in fits] == [unknown.id, cheaper.id, z.id, a.id, b.id]
    assert best_fit(fits) is fits[0]
    assert best_fit([]) is None
