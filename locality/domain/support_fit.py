"""How well a support offer fits a need: the rule behind "Find support", in plain Python.

An offer is **listed** for a need only when it serves the need's theme:
- **exactly** — the offer serves the need's own theme; or
- **nearly** — the offer serves the theme above the need's service area ("Service improvement" for a need about
  "Housing"), a service area beside it under the same theme, or a service area beneath the need's own top-level
  theme.
A need with no theme has no theme to serve: an offer is listed for it only when its kind of support is what the
need's wording asks for (below). Inactive offers, and the offers of inactive providers, are never listed.

Listed offers are ordered first by theme (exact before near), then by points for what else fits:
- **delivery level** (2 points): a need of one organisation is best met close to it, so Local and Sub-regional
  offers suit it; a need shared by two or more organisations is best met across them, so Sub-regional and
  Regional offers suit it. National offers suit neither in particular and earn no points.
- **kind of support** (1 point): the need's title or description uses a word that asks for it ("review" for peer
  challenge, "skills" for training, "shared service" for shared service design...).
- **track record** (1 point, 2 for two or more): completed actions in this workspace were commissioned from it.
- **cost known** (1 point): its typical cost is given ("free of charge" when nothing), so a budget can be set.
Ties go to the cheaper offer (a known cost before an unknown one: value for money), then to the provider's and
the offer's name, so the order never depends on the order of reading.
Each point earned comes with a short phrase saying why the offer fits.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from locality.domain.text import plural
from locality.domain.vocabulary import normalise_name

LOCAL = "Local"
SUB_REGIONAL = "Sub-regional"
REGIONAL = "Regional"
NATIONAL = "National"

#: The delivery levels that suit a need of one organisation, and a need shared by two or more.
SINGLE_ORGANISATION_LEVELS = frozenset({normalise_name(LOCAL), normalise_name(SUB_REGIONAL)})
SHARED_NEED_LEVELS = frozenset({normalise_name(SUB_REGIONAL), normalise_name(REGIONAL)})

LEVEL_POINTS = 2
WORDING_POINTS = 1
COST_POINTS = 1
TRACK_RECORD_POINTS = {1: 1, 2: 2}  # completed actions → points (two or more count as two)

#: Words in a need's title or description that ask for a kind of support (a word matches when it starts with
#: one of these; phrases of two words match as a phrase). Kinds added by users have no words and earn no point.
SUPPORT_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "peer challenge": ("peer", "challenge", "review", "self-assessment", "inspection"),
    "mentoring": ("mentor", "coach", "shadowing", "leader", "manager", "succession"),
    "training": ("training", "train", "skill", "learning", "course", "equip", "induction"),
    "consultancy": ("advice", "consultan", "diagnostic", "expert", "evidence", "analysis", "appraisal", "insight"),
    "funding": ("funding", "fund", "grant", "investment", "pump-prim", "money"),
    "shared service design": ("shared service", "sharing service", "joint service", "procure", "back-office", "merg"),
}

RULE_SUMMARY = (
    "Offers are listed when they serve the need's theme (its own theme first, then the theme above it or a "
    "service area beside it), then ordered by delivery level (local or sub-regional for one organisation's need, "
    "sub-regional or regional for a shared need), kind of support asked for in the need's wording, completed "
    "actions here that used them, and whether their cost is known."
)


class ThemeFit(IntEnum):
    NONE = 0
    NEAR = 1
    EXACT = 2


@dataclass(frozen=True)
class ThemeTree:
    """Every theme's name and parent: what is needed to say how two themes are related."""

    names: Mapping[uuid.UUID, str]
    parents: Mapping[uuid.UUID, uuid.UUID | None]

    def parent(self, theme_id: uuid.UUID) -> uuid.UUID | None:
        return self.parents.get(theme_id)

    def name(self, theme_id: uuid.UUID) -> str:
        return self.names.get(theme_id, "")


@dataclass(frozen=True)
class NeedToMatch:
    """What of a need the rule reads."""

    id: uuid.UUID
    title: str
    description: str
    theme_id: uuid.UUID | None
    organisation_count: int


@dataclass(frozen=True)
class OfferToMatch:
    """What of an offer the rule reads. ``completed_uses`` counts the completed live actions commissioned from it."""

    id: uuid.UUID
    title: str
    provider_name: str
    support_type_name: str
    delivery_level_name: str
    theme_ids: frozenset[uuid.UUID]
    typical_cost_pence: int | None
    completed_uses: int = 0
    active: bool = True


@dataclass(frozen=True)
class OfferFit:
    """How an offer fits a need, and why, in phrases fit to show."""

    offer_id: uuid.UUID
    theme_fit: ThemeFit
    points: int
    reasons: tuple[str, ...]
    sort_name: tuple[str, str]
    cost_pence: int | None = None

    @property
    def sort_key(self) -> tuple[int, int, bool, int, str, str]:
        """Best first when sorted ascending."""
        cost = self.cost_pence
        return (-int(self.theme_fit), -self.points, cost is None, cost or 0, *self.sort_name)


def theme_fit(tree: ThemeTree, need_theme: uuid.UUID | None, offer_themes: Iterable[uuid.UUID]) -> tuple[ThemeFit, str]:
    """How closely an offer serving ``offer_themes`` serves a need of ``need_theme``, with the phrase saying so."""
    if need_theme is None:
        return ThemeFit.NONE, ""
    themes = set(offer_themes)
    need_name = tree.name(need_theme)
    if need_theme in themes:
        return ThemeFit.EXACT, f"serves {need_name}"
    parent = tree.parent(need_theme)
    if parent is not None and parent in themes:
        return ThemeFit.NEAR, f"serves {tree.name(parent)}, the theme {need_name} falls under"
    beneath = [theme for theme in themes if tree.parent(theme) == need_theme]
    beside = [theme for theme in themes if parent is not None and tree.parent(theme) == parent]
    by_name = lambda theme: normalise_name(tree.name(theme))  # noqa: E731
    if beneath:
        return ThemeFit.NEAR, f"serves {tree.name(min(beneath, key=by_name))}, part of {need_name}"
    if beside and parent is not None:
        theme = min(beside, key=by_name)
        return ThemeFit.NEAR, f"serves {tree.name(theme)}, beside {need_name} under {tree.name(parent)}"
    return ThemeFit.NONE, ""


def level_reason(level_name: str, organisation_count: int) -> str:
    """The phrase saying an offer's delivery level suits a need of ``organisation_count`` organisations; "" if it
    does not suit it in particular."""
    level = normalise_name(level_name)
    if not level:
        return ""
    if organisation_count >= 2 and level in SHARED_NEED_LEVELS:
        return f"{level_name.lower()} — suits a need shared by {organisation_count} partners"
    if organisation_count <= 1 and level in SINGLE_ORGANISATION_LEVELS:
        return f"{level_name.lower()} — suits a need of one organisation"
    return ""


def wording_reason(support_type_name: str, need_text: str) -> str:
    """The phrase saying the need's wording asks for this kind of support; "" if it does not."""
    return _Wording(need_text).reason(support_type_name)


@functools.cache
def _asking_for(support_type_name: str) -> re.Pattern[str] | None:
    """A pattern finding, in a need's normalised wording, the first word or phrase that asks for this kind of
    support (a word starting with one of its stems); None for a kind with no words."""
    stems = SUPPORT_TYPE_WORDS.get(normalise_name(support_type_name))
    if not stems:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(stem) for stem in stems) + r")[\w']*")


class _Wording:
    """A need's words, read once, asked about each kind of support in turn (each kind's answer kept)."""

    def __init__(self, need_text: str) -> None:
        self._text = normalise_name(need_text)
        self._reasons: dict[str, str] = {}

    def reason(self, support_type_name: str) -> str:
        found = self._reasons.get(support_type_name)
        if found is None:
            pattern = _asking_for(support_type_name)
            match = pattern.search(self._text) if pattern is not None else None
            found = f'{support_type_name.lower()} — the need speaks of "{match.group(0)}"' if match else ""
            self._reasons[support_type_name] = found
        return found


@dataclass(frozen=True)
class _Fixed:
    """What an offer earns whatever the need: its track record and known cost, and its sort name."""

    points: int
    reasons: tuple[str, ...]
    sort_name: tuple[str, str]

    @classmethod
    def of(cls, offer: OfferToMatch) -> _Fixed:
        points = 0
        reasons: list[str] = []
        if offer.completed_uses > 0:
            points += TRACK_RECORD_POINTS[min(offer.completed_uses, 2)]
            reasons.append(f"used by {plural(offer.completed_uses, 'completed action')} here")
        if offer.typical_cost_pence is not None:
            points += COST_POINTS
            reasons.append("free of charge" if offer.typical_cost_pence == 0 else "cost known")
        return cls(points, tuple(reasons), (normalise_name(offer.provider_name), normalise_name(offer.title)))


class Matcher:
    """Ranks a directory's offers for one need after another: how each offer's themes stand to each need theme
    is worked out once (a workspace has a dozen themes and thousands of needs), as is what each offer earns
    whatever the need, and each need's words are read once."""

    def __init__(self, tree: ThemeTree, offers: Iterable[OfferToMatch]) -> None:
        self.tree = tree
        self.offers = [(offer, _Fixed.of(offer)) for offer in offers if offer.active]
        self._by_theme: dict[uuid.UUID, list[tuple[OfferToMatch, _Fixed]]] = {}
        for offer, fixed in self.offers:
            for theme in offer.theme_ids:
                self._by_theme.setdefault(theme, []).append((offer, fixed))
        self._themes: dict[tuple[uuid.UUID | None, frozenset[uuid.UUID]], tuple[ThemeFit, str]] = {}
        self._levels: dict[tuple[str, int], str] = {}

    def _theme_fit(self, need_theme: uuid.UUID | None, offer_themes: frozenset[uuid.UUID]) -> tuple[ThemeFit, str]:
        key = (need_theme, offer_themes)
        found = self._themes.get(key)
        if found is None:
            found = self._themes[key] = theme_fit(self.tree, need_theme, offer_themes)
        return found

    def _level(self, level_name: str, organisation_count: int) -> str:
        key = (level_name, organisation_count)
        found = self._levels.get(key)
        if found is None:
            found = self._levels[key] = level_reason(level_name, organisation_count)
        return found

    def fit(self, need: NeedToMatch, offer: OfferToMatch, fixed: _Fixed, wording: _Wording) -> OfferFit | None:
        fit, theme_phrase = self._theme_fit(need.theme_id, offer.theme_ids)
        if fit == ThemeFit.NONE and need.theme_id is not None:
            return None
        asked = wording.reason(offer.support_type_name)
        if fit == ThemeFit.NONE and not asked:
            return None
        reasons: list[str] = [theme_phrase] if theme_phrase else []
        points = fixed.points
        level = self._level(offer.delivery_level_name, need.organisation_count)
        if level:
            points += LEVEL_POINTS
            reasons.append(level)
        if asked:
            points += WORDING_POINTS
            reasons.append(asked)
        reasons.extend(fixed.reasons)
        return OfferFit(offer.id, fit, points, tuple(reasons), fixed.sort_name, offer.typical_cost_pence)

    def rank(self, need: NeedToMatch, *, own_theme_only: bool = False) -> list[OfferFit]:
        """The offers listed for ``need``, best first; with ``own_theme_only``, only those serving its own theme
        (which come first in the full list, in the same order)."""
        wording = _Wording(f"{need.title} {need.description}")
        if own_theme_only:
            offers = self._by_theme.get(need.theme_id, []) if need.theme_id is not None else []
        else:
            offers = self.offers
        fits = [fit for offer, fixed in offers if (fit := self.fit(need, offer, fixed, wording)) is not None]
        fits.sort(key=lambda fit: fit.sort_key)
        return fits


def offer_fit(tree: ThemeTree, need: NeedToMatch, offer: OfferToMatch) -> OfferFit | None:
    """How ``offer`` fits ``need``; None when it is not to be listed for it (see the module's rule)."""
    fits = Matcher(tree, [offer]).rank(need)
    return fits[0] if fits else None


def ranked_fits(tree: ThemeTree, need: NeedToMatch, offers: Iterable[OfferToMatch]) -> list[OfferFit]:
    """The offers listed for ``need``, best first."""
    return Matcher(tree, offers).rank(need)


def best_fit(fits: list[OfferFit]) -> OfferFit | None:
    """The offer ranked first in ``fits`` (already ranked), if any: the one a need calls on."""
    return fits[0] if fits else None
