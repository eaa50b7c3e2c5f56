"""The shared state and helpers of composing the demonstration partnership (see ``demo.py``).

Everything comes from one ``random.Random(seed)``: organisation and record UUIDs, titles, dates, money and
progress, so the same size, seed and ``today`` give byte-for-byte the same content. The stages draw from it in a
fixed order (``DemoComposer.build``), so moving code between them must not change that order.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from locality.domain.rag import MilestoneDates
from locality.domain.vocabulary import ActionStatus, VocabularyKind, normalise_name
from locality.services.demo_setting import (
    COUNTY_WIDE,
    DISTRICTS,
    FIRST_NAMES,
    SURNAMES,
    THEME_ORGANISATION_TYPES,
    THEME_WEIGHTS,
    DemoSize,
)
from locality.store.bulk import BulkInsertCancelled

Row = dict[str, Any]


ProgressCallback = Callable[[int, int, str], None]


CancelledCallback = Callable[[], bool]


# Raised when ``cancelled()`` answers True, while composing or while writing; nothing has been written.
DemoCancelled = BulkInsertCancelled


@dataclass(frozen=True)
class DemoVocabulary:
    """The workspace's own themes, terms and funding sources (seeded ones may have been renamed or retired)."""

    themes: dict[str, tuple[uuid.UUID, uuid.UUID | None]]
    terms: dict[tuple[str, str], uuid.UUID]
    funding_sources: dict[str, uuid.UUID]

    def term(self, kind: VocabularyKind, name: str) -> uuid.UUID | None:
        return self.terms.get((kind.value, normalise_name(name)))

    def funding_source(self, name: str) -> uuid.UUID | None:
        return self.funding_sources.get(normalise_name(name))


@dataclass(slots=True)
class ComposedOrg:
    id: uuid.UUID
    name: str
    short: str
    type_name: str
    contact: str
    core: bool
    domain: str = ""  # its e-mail domain
    # The officers who own its actions, (name, e-mail, telephone), made when it first leads one.
    owners: list[tuple[str, str, str]] | None = None


@dataclass(slots=True)
class ComposedNeed:
    id: uuid.UUID
    theme: str
    area: str
    identified_on: date
    priority: str | None
    organisations: list[uuid.UUID]
    lead: uuid.UUID
    addressable: bool
    row: Row
    action_statuses: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ComposedAction:
    id: uuid.UUID
    row: Row
    lead: ComposedOrg
    start: date
    due: date
    status: ActionStatus
    percent: int
    end: date  # the last day anything happened: completed, stopped, or today
    completed_on: date | None
    milestones: tuple[MilestoneDates, ...]
    milestone_titles: tuple[str, ...]


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def stamp_at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def day_between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def round_to(value: float, step: int) -> int:
    return int(step * round(value / step))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def allocate(total: int, weights: Sequence[float], rng: random.Random) -> list[int]:
    """``total`` split into whole shares in proportion to ``weights``, each at least 1 while total allows."""
    count = len(weights)
    if count == 0:
        return []
    if total <= count:
        shares = [1] * total + [0] * (count - total)
        rng.shuffle(shares)
        return shares
    rest = total - count
    weight_sum = float(sum(weights)) or 1.0
    exact = [rest * weight / weight_sum for weight in weights]
    shares = [1 + int(value) for value in exact]
    left = total - sum(shares)
    if left:
        order = sorted(range(count), key=lambda index: (exact[index] - int(exact[index]), -index), reverse=True)
        for index in order[:left]:
            shares[index] += 1
    return shares


class UniqueTitles:
    """Keeps generated titles distinct: a title already taken is qualified (``take``'s ``qualified``), and
    failing that numbered with ``suffix`` ("X (2)", "X – phase 2")."""

    def __init__(self, suffix: Callable[[int], str]) -> None:
        self._counts: dict[str, int] = {}
        self._taken: set[str] = set()
        self._suffix = suffix

    def take(self, title: str, qualified: str | None = None) -> str:
        if title not in self._taken:
            self._taken.add(title)
            return title
        if qualified is not None and qualified not in self._taken:
            self._taken.add(qualified)
            return qualified
        count = self._counts.get(title, 1) + 1
        candidate = title if count == 1 else title + self._suffix(count)
        while candidate in self._taken:
            count += 1
            candidate = title + self._suffix(count)
        self._counts[title] = count
        self._taken.add(candidate)
        return candidate


class DemoState:
    """What composing the partnership has made so far, the one random generator every choice comes from, and
    the helpers every stage uses. Each stage is a subclass in a module of its own (``demo_organisations`` …);
    ``demo.DemoComposer`` puts them together."""

    def __init__(
        self,
        size: DemoSize,
        seed: int,
        today: date,
        vocabulary: DemoVocabulary,
        progress: ProgressCallback | None,
        cancelled: CancelledCallback | None,
    ) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.today = today
        self.vocabulary = vocabulary
        self._progress = progress
        self._cancelled = cancelled
        self.rows: dict[str, list[Row]] = {
            name: []
            for name in (
                "organisation",
                "need",
                "need_organisation",
                "action",
                "action_partner",
                "action_need",
                "milestone",
                "progress_update",
                "indicator",
                "measurement",
                "funding_allocation",
                "spend",
                "workshop",
                "workshop_participant",
                "workshop_vote",
            )
        }
        self.orgs: list[ComposedOrg] = []
        self.org_by_id: dict[uuid.UUID, ComposedOrg] = {}
        self.needs: list[ComposedNeed] = []
        self.actions: list[ComposedAction] = []
        self.workshop_dates: list[date] = []
        self.owner_id: uuid.UUID | None = None
        # Action owners come from a generator of their own, so that naming them leaves every other choice, and
        # so the rest of the partnership, as a seed has always made it.
        self.owner_rng = random.Random(f"action owners {seed}")
        self._people: set[str] | None = None
        # themes present in this workspace, with their seeded weights
        self.themes = [name for name in THEME_WEIGHTS if name in vocabulary.themes]
        self._theme_cum = self._cumulative([THEME_WEIGHTS[name] for name in self.themes])
        self._org_cum: dict[str, list[float]] = {}
        self.areas = [COUNTY_WIDE] + [district for district, _ in DISTRICTS]
        self.areas += [place for _, places in DISTRICTS for place in places]
        self._area_cum = self._cumulative([25.0] + [40.0 / len(DISTRICTS)] * len(DISTRICTS)
                                          + [35.0 / (len(self.areas) - 1 - len(DISTRICTS))]
                                          * (len(self.areas) - 1 - len(DISTRICTS)))  # fmt: skip

    @staticmethod
    def _cumulative(weights: Sequence[float]) -> list[float]:
        total = 0.0
        result = []
        for weight in weights:
            total += weight
            result.append(total)
        return result

    def _step(self, done: int, stage: str) -> None:
        if self._cancelled is not None and self._cancelled():
            raise DemoCancelled()
        if self._progress is not None:
            self._progress(done, 8, stage)

    def _pick_weighted(self, population: Sequence[Any], weights: dict[str, int]) -> Any:
        return self.rng.choices(population, weights=[weights.get(name, 1) for name in population])[0]

    def _person(self) -> tuple[str, str, str]:
        first = self.rng.choice(FIRST_NAMES)
        last = self.rng.choice(SURNAMES)
        return first, last, f"{first} {last}"

    def _org_weights(self, theme: str) -> list[float]:
        cum = self._org_cum.get(theme)
        if cum is None:
            preferred = set(THEME_ORGANISATION_TYPES.get(theme, ()))
            weights = [(4.0 if org.type_name in preferred else 1.0) * (3.0 if org.core else 1.0) for org in self.orgs]
            cum = self._org_cum[theme] = self._cumulative(weights)
        return cum

    def _pick_orgs(self, theme: str, count: int, exclude: Sequence[uuid.UUID] = ()) -> list[ComposedOrg]:
        count = min(count, len(self.orgs) - len(exclude))
        chosen: list[ComposedOrg] = []
        seen = set(exclude)
        cum = self._org_weights(theme)
        while len(chosen) < count:
            org = self.rng.choices(self.orgs, cum_weights=cum)[0]
            if org.id not in seen:
                seen.add(org.id)
                chosen.append(org)
        return chosen
