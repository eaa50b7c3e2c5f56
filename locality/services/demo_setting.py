"""The demonstration partnership's setting: its name, area and plan period, the three sizes, and the phrase tables
(data, in ``resources/demo/phrases.json``) that its organisations, needs, actions and workshops are composed from.

The vocabulary comes from the LGA's 2007 paper "Towards a national improvement strategy" and the commentary on
it (DESIGN.md, ``seeds/``): the improvement themes and service areas, the funding streams it names (capacity-
building fund, RSG top-slice, pump-priming grant, performance reward grant), peer challenge, scrutiny, shared
services and the locality approach to improvement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from locality.domain.vocabulary import Direction
from locality.paths import resource

PARTNERSHIP_NAME = "Westshire Locality Partnership"


AREA = "Westshire"


PLAN_START = date(2008, 4, 1)


PLAN_END = date(2011, 3, 31)


# The demo's "today" when none is given: half-way through the plan period, so that there is history behind it
# and work ahead of it. Not the clock: the same seed must give the same partnership on any day.
DEMO_TODAY = date(2009, 10, 1)


# A "today" is kept within the plan period, and at least two months into it so that there is history to show.
EARLIEST_TODAY = PLAN_START + timedelta(days=61)


@dataclass(frozen=True)
class DemoSize:
    """How much a demo size generates. Progress updates and measurements are exact totals."""

    name: str
    organisations: int
    needs: int
    actions: int
    progress_updates: int
    indicators: int
    measurements: int
    workshops: int


SMALL = DemoSize("small", organisations=12, needs=40, actions=60, progress_updates=240, indicators=10,
                 measurements=150, workshops=2)  # fmt: skip


MEDIUM = DemoSize("medium", organisations=50, needs=500, actions=2_000, progress_updates=10_000, indicators=250,
                  measurements=5_000, workshops=3)  # fmt: skip


LARGE = DemoSize("large", organisations=200, needs=5_000, actions=20_000, progress_updates=100_000,
                 indicators=2_500, measurements=50_000, workshops=6)  # fmt: skip


DEMO_SIZES: dict[str, DemoSize] = {size.name: size for size in (SMALL, MEDIUM, LARGE)}


def _tuples(value: Any) -> Any:
    """JSON has only lists; the tables were tuples when they were written here, and stay so."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    if isinstance(value, dict):
        return {key: _tuples(item) for key, item in value.items()}
    return value


# The phrase tables are data (resources/demo/phrases.json), read once when the demo module is first imported.
_PHRASES: dict[str, Any] = _tuples(json.loads(resource("demo", "phrases.json").read_text(encoding="utf-8")))

# (name, short name, type, sector, e-mail domain, notes). The first twelve make the small partnership.
CORE_ORGANISATIONS: tuple[tuple[str, str, str, str, str, str], ...] = _PHRASES["core_organisations"]

# Generated partners for the bigger sizes: (name, short name, type, sector, domain suffix), "{town}" filled in.
ORGANISATION_TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = _PHRASES["organisation_templates"]

# (area as the need records it, places within it)
DISTRICTS: tuple[tuple[str, tuple[str, ...]], ...] = _PHRASES["districts"]
COUNTY_WIDE = "County-wide"
TOWNS: tuple[str, ...] = tuple(place.removesuffix(" city centre") for _, places in DISTRICTS for place in places)

# Improvement needs by theme, in the seeds' words where they have them.
NEED_PHRASES: dict[str, tuple[str, ...]] = _PHRASES["need_phrases"]

# One sentence per theme for need descriptions, close to the seeds' own words.
THEME_SENTENCES: dict[str, tuple[str, ...]] = _PHRASES["theme_sentences"]

# Short noun phrases that action titles are built around.
THEME_TOPICS: dict[str, tuple[str, ...]] = _PHRASES["theme_topics"]

SHARED_SERVICES: tuple[str, ...] = _PHRASES["shared_services"]

# Action type -> (title templates, one-sentence description, support providers in order of likelihood)
ACTION_TYPES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = _PHRASES["action_types"]

# Action types most used for each theme (the rest remain possible).
THEME_ACTION_TYPES: dict[str, tuple[str, ...]] = _PHRASES["theme_action_types"]

# Organisation types most concerned by each theme.
THEME_ORGANISATION_TYPES: dict[str, tuple[str, ...]] = _PHRASES["theme_organisation_types"]

# How often needs fall under each theme (the service areas share "Service improvement"'s weight).
THEME_WEIGHTS: dict[str, int] = _PHRASES["theme_weights"]

MILESTONES: dict[str, tuple[str, ...]] = _PHRASES["milestones"]

IN_KIND: tuple[str, ...] = _PHRASES["in_kind"]

PROGRESS_NOTES: dict[str, tuple[str, ...]] = _PHRASES["progress_notes"]

CONFIDENTIAL_NOTES: tuple[str, ...] = _PHRASES["confidential_notes"]
OPEN_NOTES: tuple[str, ...] = _PHRASES["open_notes"]

RAG_OVERRIDE_REASONS: tuple[str, ...] = _PHRASES["rag_override_reasons"]

SPEND_NOTES: tuple[str, ...] = _PHRASES["spend_notes"]

FUNDING_WEIGHTS: dict[str, int] = _PHRASES["funding_weights"]

NEED_SOURCE_WEIGHTS: dict[str, int] = _PHRASES["need_source_weights"]

SOURCE_PHRASES: dict[str, str] = _PHRASES["source_phrases"]

# How a need title is qualified when the same need is recorded again: "Preventing homelessness (CPA 2009)".
SOURCE_LABELS: dict[str, str] = _PHRASES["source_labels"]

DELIVERY_LEVEL_WEIGHTS: dict[str, int] = _PHRASES["delivery_level_weights"]


@dataclass(frozen=True)
class IndicatorBase:
    name: str
    unit: str
    direction: Direction
    theme: str
    baseline: tuple[float, float]  # range of baseline values (cumulative: the target total's range)
    change: tuple[float, float]  # range of the improvement aimed for by the plan's end
    decimals: int = 1
    cumulative: bool = False
    percent: bool = False


INDICATOR_BASES: tuple[IndicatorBase, ...] = tuple(
    IndicatorBase(**{**row, "direction": Direction(row["direction"])}) for row in _PHRASES["indicator_bases"]
)

# (title, venue, themes in focus, when in the period up to "today" as a fraction)
WORKSHOPS: tuple[tuple[str, str, tuple[str, ...], float], ...] = _PHRASES["workshops"]

FIRST_NAMES: tuple[str, ...] = _PHRASES["first_names"]
SURNAMES: tuple[str, ...] = _PHRASES["surnames"]
FACILITATORS: tuple[str, ...] = _PHRASES["facilitators"]
