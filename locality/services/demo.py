"""The demonstration partnership: a realistic, deterministic Westshire Locality Partnership in three sizes.

Everything comes from one ``random.Random(seed)``: organisation and record UUIDs, titles, dates, money and
progress, so the same size, seed and ``today`` give byte-for-byte the same content. Timestamps are derived
from each record's own dates (a need's ``created_at`` is the day it was identified), never from the clock.

The vocabulary comes from the LGA's 2007 paper "Towards a national improvement strategy" and the commentary on
it (DESIGN.md, ``seeds/``): the improvement themes and service areas, the funding streams it names (capacity-
building fund, RSG top-slice, pump-priming grant, performance reward grant), peer challenge, scrutiny, shared
services and the locality approach to improvement.

Rows are composed here as plain dicts and written by ``locality.store.bulk.bulk_insert`` in one transaction:
the large size (200 organisations, 5,000 needs, 20,000 actions, 100,000 progress updates, 50,000
measurements) would take minutes through the per-record services. A believable history of the main records
(``demo_history``: who created them and when, some edits, each action's latest report) is written to the change
log with them, through the change log's one writer.
"""

from __future__ import annotations

import json
import math
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.rag import MilestoneDates, RagInput, assess_rag, expected_percent
from locality.domain.vocabulary import (
    ActionStatus,
    Direction,
    NeedRole,
    NeedStatus,
    Priority,
    Rag,
    TargetKind,
    VocabularyKind,
    normalise_name,
)
from locality.paths import resource
from locality.services.context import Changes, ServiceContext
from locality.services.demo_history import compose_history
from locality.services.demo_workshop_board import add_workshop_board
from locality.store.bulk import BulkInsertCancelled, TablesNotEmptyError, bulk_insert
from locality.store.models import (
    ActionRecord,
    FundingSourceRecord,
    NeedRecord,
    OrganisationRecord,
    ThemeRecord,
    VocabularyTermRecord,
)

Row = dict[str, Any]
ProgressCallback = Callable[[int, int, str], None]
CancelledCallback = Callable[[], bool]

# Raised when ``cancelled()`` answers True, while composing or while writing; nothing has been written.
DemoCancelled = BulkInsertCancelled

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


@dataclass(frozen=True)
class DemoSummary:
    """What a demo generation wrote, entity by entity."""

    size: str
    seed: int
    today: date
    partnership_name: str
    organisations: int
    needs: int
    need_links: int
    actions: int
    action_partners: int
    action_needs: int
    milestones: int
    progress_updates: int
    indicators: int
    measurements: int
    funding_allocations: int
    spend_entries: int
    workshops: int
    workshop_participants: int
    workshop_votes: int

    def counts(self) -> list[tuple[str, int]]:
        """(label, count) pairs in the order ``locality check`` prints them."""
        return [
            ("organisations", self.organisations),
            ("needs", self.needs),
            ("need–organisation links", self.need_links),
            ("actions", self.actions),
            ("action partners", self.action_partners),
            ("action–need links", self.action_needs),
            ("milestones", self.milestones),
            ("progress updates", self.progress_updates),
            ("indicators", self.indicators),
            ("measurements", self.measurements),
            ("funding allocations", self.funding_allocations),
            ("spend entries", self.spend_entries),
            ("workshops", self.workshops),
            ("workshop participants", self.workshop_participants),
            ("workshop votes", self.workshop_votes),
        ]

    @property
    def total_rows(self) -> int:
        return sum(count for _, count in self.counts())


# =========================================================================== phrase lists (from the seeds)


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


_HIGHER = Direction.HIGHER_IS_BETTER
_LOWER = Direction.LOWER_IS_BETTER

INDICATOR_BASES: tuple[IndicatorBase, ...] = tuple(
    IndicatorBase(**{**row, "direction": Direction(row["direction"])}) for row in _PHRASES["indicator_bases"]
)

# (title, venue, themes in focus, when in the period up to "today" as a fraction)
WORKSHOPS: tuple[tuple[str, str, tuple[str, ...], float], ...] = _PHRASES["workshops"]

FIRST_NAMES: tuple[str, ...] = _PHRASES["first_names"]
SURNAMES: tuple[str, ...] = _PHRASES["surnames"]
FACILITATORS: tuple[str, ...] = _PHRASES["facilitators"]


# =========================================================================== the service


def demo_size(size: str) -> DemoSize:
    found = DEMO_SIZES.get(normalise_name(size or ""))
    if found is None:
        raise ValidationError({"size": f'"{size}" is not a demo size; choose small, medium or large'})
    return found


def demo_today(today: date | None) -> date:
    """The date the demo is generated as at: ``today`` kept within the plan period, or the fixed demo date."""
    if today is None:
        return DEMO_TODAY
    return min(max(today, EARLIEST_TODAY), PLAN_END)


_YEAR_IN_TEXT = re.compile(r"\b(200[5-9]|201[0-3])\b")


def _moved_value(value: Any, years: int) -> Any:
    """``value`` moved by whole ``years``: dates and timestamps (29 February becomes 28 February), and the
    years named in text such as "(CPA 2009)"."""
    if not years:
        return value
    if isinstance(value, (date, datetime)):
        try:
            return value.replace(year=value.year + years)
        except ValueError:  # 29 February in a year without one
            return value.replace(year=value.year + years, day=28)
    if isinstance(value, str) and _YEAR_IN_TEXT.search(value):
        return _YEAR_IN_TEXT.sub(lambda match: str(int(match.group(1)) + years), value)
    return value


def _moved(row: dict[str, Any], years: int) -> dict[str, Any]:
    return {key: _moved_value(value, years) for key, value in row.items()}


def generate_demo(
    context: ServiceContext,
    size: str = "small",
    seed: int = 1,
    today: date | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelledCallback | None = None,
    move_to_year_of: date | None = None,
) -> DemoSummary:
    """Fills an empty workspace with the Westshire Locality Partnership and returns what was written.

    ``move_to_year_of`` moves the whole calendar (dates, timestamps, and years named in titles) by whole years so
    that the demo's "today" falls in that date's year: the command line passes the real date, so that a new
    user sees a plan that is under way now rather than one that ended in 2011.

    Refuses (``ValidationError``) a workspace that already has organisations, needs or actions, and an unknown
    size. ``today`` places the demo in the plan period (01/04/2008 to 31/03/2011): progress, spend and
    measurements stop there, and milestones before it are done or overdue; when None, 01/10/2009 is used. A
    ``today`` outside the period is brought within it (no earlier than 31/05/2008).

    ``progress(done, total, stage)`` reports composing and then writing; ``cancelled()`` is asked throughout,
    and when it answers True ``DemoCancelled`` is raised with nothing written.
    """
    chosen = demo_size(size)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError({"seed": "The seed must be a whole number"})
    as_at = demo_today(today)
    with context.read() as unit:
        existing = [
            label
            for model, label in (
                (OrganisationRecord, "organisations"),
                (NeedRecord, "needs"),
                (ActionRecord, "actions"),
            )
            if unit.count(model)
        ]
        if existing:
            raise ValidationError(
                {
                    "workspace": f"This workspace already has data ({', '.join(existing)}); "
                    "use a new file for the demo partnership"
                }
            )
        vocabulary = _Vocabulary(
            themes={
                row.name: (row.id, row.parent_id) for row in unit.list(ThemeRecord, order_by=("sort_order", "name"))
            },
            terms={
                (row.kind, normalise_name(row.name)): row.id
                for row in unit.list(VocabularyTermRecord, order_by=("sort_order", "name"))
            },
            funding_sources={
                normalise_name(row.name): row.id
                for row in unit.list(FundingSourceRecord, order_by=("sort_order", "name"))
            },
        )
    builder = _Builder(chosen, seed, as_at, vocabulary, progress, cancelled)
    rows = builder.build()
    add_workshop_board(rows, seed)
    years = move_to_year_of.year - as_at.year if move_to_year_of is not None else 0
    if years:
        rows = {table: [_moved(row, years) for row in table_rows] for table, table_rows in rows.items()}
    as_at = _moved_value(as_at, years)
    history = compose_history(rows, builder.owner_id, as_at, seed)
    try:
        bulk_insert(
            context.workspace,
            rows,
            progress,
            cancelled,
            stamp=_at(as_at, 17),
            meta={
                "partnership_name": PARTNERSHIP_NAME,
                "area": AREA,
                "plan_start": _moved_value(PLAN_START, years),
                "plan_end": _moved_value(PLAN_END, years),
                "owner_organisation_id": builder.owner_id,
            },
            # Checked again under the write lock: another program may have filled it since the look above.
            only_into_empty=(OrganisationRecord.__tablename__, NeedRecord.__tablename__, ActionRecord.__tablename__),
            changes=history,
        )
    except TablesNotEmptyError:
        raise ValidationError(
            {"workspace": "Another program has just filled this workspace; use a new file for the demo partnership"}
        ) from None
    context.notify(Changes(frozenset({*map(Entity, rows), Entity.WORKSPACE_META})))
    return DemoSummary(
        size=chosen.name,
        seed=seed,
        today=as_at,
        partnership_name=PARTNERSHIP_NAME,
        organisations=len(rows["organisation"]),
        needs=len(rows["need"]),
        need_links=len(rows["need_organisation"]),
        actions=len(rows["action"]),
        action_partners=len(rows["action_partner"]),
        action_needs=len(rows["action_need"]),
        milestones=len(rows["milestone"]),
        progress_updates=len(rows["progress_update"]),
        indicators=len(rows["indicator"]),
        measurements=len(rows["measurement"]),
        funding_allocations=len(rows["funding_allocation"]),
        spend_entries=len(rows["spend"]),
        workshops=len(rows["workshop"]),
        workshop_participants=len(rows["workshop_participant"]),
        workshop_votes=len(rows["workshop_vote"]),
    )


# =========================================================================== composing the rows


@dataclass(frozen=True)
class _Vocabulary:
    """The workspace's own themes, terms and funding sources (seeded ones may have been renamed or retired)."""

    themes: dict[str, tuple[uuid.UUID, uuid.UUID | None]]
    terms: dict[tuple[str, str], uuid.UUID]
    funding_sources: dict[str, uuid.UUID]

    def term(self, kind: VocabularyKind, name: str) -> uuid.UUID | None:
        return self.terms.get((kind.value, normalise_name(name)))

    def funding_source(self, name: str) -> uuid.UUID | None:
        return self.funding_sources.get(normalise_name(name))


@dataclass(slots=True)
class _Org:
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
class _Need:
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
class _Action:
    id: uuid.UUID
    row: Row
    lead: _Org
    start: date
    due: date
    status: ActionStatus
    percent: int
    end: date  # the last day anything happened: completed, stopped, or today
    completed_on: date | None
    milestones: tuple[MilestoneDates, ...]
    milestone_titles: tuple[str, ...]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _round_to(value: float, step: int) -> int:
    return int(step * round(value / step))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _allocate(total: int, weights: Sequence[float], rng: random.Random) -> list[int]:
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


class _UniqueTitles:
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


class _Builder:
    def __init__(
        self,
        size: DemoSize,
        seed: int,
        today: date,
        vocabulary: _Vocabulary,
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
        self.orgs: list[_Org] = []
        self.org_by_id: dict[uuid.UUID, _Org] = {}
        self.needs: list[_Need] = []
        self.actions: list[_Action] = []
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

    # ------------------------------------------------------------------ plumbing

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

    # ------------------------------------------------------------------ the whole partnership

    def build(self) -> dict[str, list[Row]]:
        self._step(0, "Composing organisations")
        self._organisations()
        self._workshop_dates()
        self._step(1, "Composing needs")
        self._needs()
        self._step(2, "Composing actions")
        self._actions()
        self._step(4, "Composing progress updates")
        self._progress_updates()
        self._need_statuses()
        self._step(6, "Composing indicators")
        self._indicators()
        self._step(7, "Composing workshops")
        self._workshops()
        self._step(8, "Composed the partnership")
        return self.rows

    # ------------------------------------------------------------------ organisations

    def _organisations(self) -> None:
        rng = self.rng
        wanted = self.size.organisations
        specs: list[tuple[str, str, str, str, str, str, bool]] = [(*spec, True) for spec in CORE_ORGANISATIONS[:wanted]]
        if len(specs) < wanted:
            taken = {spec[0] for spec in specs}
            combos = [(template, town) for template in ORGANISATION_TEMPLATES for town in TOWNS]
            rng.shuffle(combos)
            for (name_tpl, short_tpl, type_name, sector, suffix), town in combos:
                if len(specs) >= wanted:
                    break
                name = name_tpl.format(town=town)
                if name in taken:
                    continue
                taken.add(name)
                domain = f"{_slug(name)}.{suffix}"
                specs.append((name, short_tpl.format(town=town), type_name, sector, domain, "", False))
        plan_day = _at(PLAN_START - timedelta(days=30), 9)
        for index, (name, short, type_name, sector, domain, notes, core) in enumerate(specs):
            org_id = _uuid(rng)
            first, last, contact = self._person()
            has_contact = core or rng.random() < 0.85
            email = f"{first}.{last.replace(chr(39), '')}@{domain}".lower() if has_contact else ""
            created = plan_day + timedelta(minutes=index)
            self.rows["organisation"].append(
                {
                    "id": org_id,
                    "name": name,
                    "short_name": short,
                    "type_id": self.vocabulary.term(VocabularyKind.ORGANISATION_TYPE, type_name),
                    "sector_id": self.vocabulary.term(VocabularyKind.SECTOR, sector),
                    "contact_name": contact if has_contact else "",
                    "contact_email": email,
                    "notes": notes,
                    "active": True,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            org = _Org(org_id, name, short or name, type_name, contact if has_contact else "", core, domain)
            self.orgs.append(org)
            self.org_by_id[org_id] = org
        self.owner_id = self.orgs[0].id if self.orgs else None

    def _org_weights(self, theme: str) -> list[float]:
        cum = self._org_cum.get(theme)
        if cum is None:
            preferred = set(THEME_ORGANISATION_TYPES.get(theme, ()))
            weights = [(4.0 if org.type_name in preferred else 1.0) * (3.0 if org.core else 1.0) for org in self.orgs]
            cum = self._org_cum[theme] = self._cumulative(weights)
        return cum

    def _pick_orgs(self, theme: str, count: int, exclude: Sequence[uuid.UUID] = ()) -> list[_Org]:
        count = min(count, len(self.orgs) - len(exclude))
        chosen: list[_Org] = []
        seen = set(exclude)
        cum = self._org_weights(theme)
        while len(chosen) < count:
            org = self.rng.choices(self.orgs, cum_weights=cum)[0]
            if org.id not in seen:
                seen.add(org.id)
                chosen.append(org)
        return chosen

    # ------------------------------------------------------------------ needs

    def _workshop_dates(self) -> None:
        span = (self.today - PLAN_START).days
        for _, _, _, fraction in WORKSHOPS[: self.size.workshops]:
            self.workshop_dates.append(PLAN_START + timedelta(days=max(1, round(span * fraction))))

    def _needs(self) -> None:
        rng = self.rng
        vocabulary = self.vocabulary
        titles = _UniqueTitles(lambda n: f" ({n})")
        sources = list(NEED_SOURCE_WEIGHTS)
        source_weights = [NEED_SOURCE_WEIGHTS[name] for name in sources]
        span_to_today = (self.today - PLAN_START).days
        early = min(90, span_to_today)
        count = self.size.needs
        # Some needs stay unaddressed whatever happens: at least one, about one in seven.
        unaddressed = set(rng.sample(range(count), max(1, count // 7))) if count else set()
        by_priority = {Priority.HIGH.value: (55, 100), Priority.MEDIUM.value: (30, 75), Priority.LOW.value: (5, 45)}
        for index in range(count):
            # Every theme (and service area) appears: the first needs go round them in turn.
            if index < len(self.themes):
                theme = self.themes[index]
            else:
                theme = rng.choices(self.themes, cum_weights=self._theme_cum)[0]
            area = rng.choices(self.areas, cum_weights=self._area_cum)[0]
            base = rng.choice(NEED_PHRASES[theme])
            source = rng.choices(sources, weights=source_weights)[0]
            if source == "Workshop" and self.workshop_dates:
                identified = rng.choice(self.workshop_dates)
            elif rng.random() < 0.6:
                identified = PLAN_START + timedelta(days=rng.randint(0, early))
            else:
                identified = PLAN_START + timedelta(days=rng.randint(0, span_to_today))
            roll = rng.random()
            priority = (
                Priority.HIGH.value
                if roll < 0.3
                else Priority.MEDIUM.value
                if roll < 0.75
                else Priority.LOW.value
                if roll < 0.95
                else None
            )
            score = rng.randint(*by_priority[priority]) if priority and rng.random() < 0.6 else None
            # Links: about 45% raised by one organisation, the rest shared by two to five.
            link_count = rng.choices((1, 2, 3, 4, 5), weights=(45, 20, 17, 10, 8))[0]
            orgs = self._pick_orgs(theme, link_count)
            title = base if area == COUNTY_WIDE else f"{base} in {area}"
            title = titles.take(title, f"{title} ({SOURCE_LABELS[source] or orgs[0].short} {identified.year})")
            need_id = _uuid(rng)
            created = _at(identified, 10, rng.randint(0, 59))
            lead = orgs[0].id
            for position, org in enumerate(orgs):
                if position == 0:
                    role = NeedRole.RAISED_BY.value
                elif position == 1 and rng.random() < 0.7:
                    role = NeedRole.LEAD.value
                    lead = org.id
                else:
                    role = NeedRole.SHARES.value
                severity = self._severity(priority)
                self.rows["need_organisation"].append(
                    {
                        "id": _uuid(rng),
                        "need_id": need_id,
                        "organisation_id": org.id,
                        "role": role,
                        "severity": severity,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            notes, confidential = "", False
            if rng.random() < 0.2:
                confidential = rng.random() < 0.3
                notes = rng.choice(CONFIDENTIAL_NOTES if confidential else OPEN_NOTES)
            description = f"{rng.choice(THEME_SENTENCES[theme])} Raised by {orgs[0].name}{SOURCE_PHRASES[source]}."

            row: Row = {
                "id": need_id,
                "title": title,
                "description": description,
                "theme_id": vocabulary.themes[theme][0],
                "area": area,
                "source_id": vocabulary.term(VocabularyKind.NEED_SOURCE, source),
                "priority": priority,
                "score": score,
                "status": NeedStatus.IDENTIFIED.value,  # settled once the actions are known
                "identified_on": identified,
                "notes": notes,
                "notes_confidential": confidential,
                "created_at": created,
                "updated_at": created,
            }
            self.rows["need"].append(row)
            self.needs.append(
                _Need(
                    need_id,
                    theme,
                    area,
                    identified,
                    priority,
                    [org.id for org in orgs],
                    lead,
                    index not in unaddressed,
                    row,
                )  # fmt: skip
            )

    def _severity(self, priority: str | None) -> str | None:
        roll = self.rng.random()
        if roll < 0.1:
            return None
        if roll < 0.65 and priority:
            return priority
        return self.rng.choice((Priority.HIGH.value, Priority.MEDIUM.value, Priority.LOW.value))

    def _need_statuses(self) -> None:
        rng = self.rng
        finished = {ActionStatus.COMPLETED.value}
        moving = {ActionStatus.IN_PROGRESS.value, ActionStatus.ON_HOLD.value, ActionStatus.COMPLETED.value}
        for need in self.needs:
            statuses = need.action_statuses
            # judged on the actions that have started: later ones may follow up a need already met
            started = [status for status in statuses if status in moving]
            done = sum(1 for status in started if status in finished)
            if not statuses:
                roll = rng.random()
                status = NeedStatus.IDENTIFIED if roll < 0.55 else NeedStatus.AGREED
                if roll >= 0.95:
                    status = NeedStatus.CLOSED
            elif started and (done == len(started) or (done >= 0.6 * len(started) and rng.random() < 0.5)):
                status = NeedStatus.MET if rng.random() < 0.85 else NeedStatus.CLOSED
            elif started:
                status = NeedStatus.BEING_ADDRESSED
            else:
                status = NeedStatus.AGREED
            need.row["status"] = status.value

    # ------------------------------------------------------------------ actions

    def _actions(self) -> None:
        rng = self.rng
        count = self.size.actions
        titles = _UniqueTitles(lambda n: f" – phase {n}")
        addressable = [need for need in self.needs if need.addressable]
        # High-priority needs attract more actions than low-priority ones.
        priority_weight = {Priority.HIGH.value: 3.0, Priority.MEDIUM.value: 2.0}
        need_cum = self._cumulative([priority_weight.get(need.priority or "", 1.0) for need in addressable])
        by_theme: dict[str, list[_Need]] = {}
        for need in addressable:
            by_theme.setdefault(need.theme, []).append(need)
        # About one action in five addresses no recorded need; the second always does not.
        no_need = set(rng.sample(range(count), max(1, count // 5))) if count else set()
        if count > 1:
            no_need.discard(0)
            no_need.add(1)
        type_names = list(ACTION_TYPES)
        for index in range(count):
            if index % 500 == 0:
                self._step(2 + (2 * index) // max(count, 1), "Composing actions")
            primary: _Need | None = None
            if index not in no_need and addressable:
                primary = rng.choices(addressable, cum_weights=need_cum)[0]
                theme = primary.theme
                area = primary.area
            else:
                theme = rng.choices(self.themes, cum_weights=self._theme_cum)[0]
                area = rng.choices(self.areas, cum_weights=self._area_cum)[0]
            preferred = THEME_ACTION_TYPES.get(theme, ())
            type_name = rng.choice(preferred) if preferred and rng.random() < 0.7 else rng.choice(type_names)
            templates, type_sentence, providers = ACTION_TYPES[type_name]
            template = rng.choice(templates)
            base = template.format(topic=rng.choice(THEME_TOPICS[theme]), service=rng.choice(SHARED_SERVICES))
            lead = self._lead(primary, theme)
            title = base if area == COUNTY_WIDE else f"{base} – {area}"
            title = titles.take(title, f"{title} (led by {lead.short})")
            provider = providers[0] if rng.random() < 0.5 else rng.choice(providers)
            level = rng.choices(list(DELIVERY_LEVEL_WEIGHTS), weights=list(DELIVERY_LEVEL_WEIGHTS.values()))[0]

            start, due = self._dates(primary)
            action_id = _uuid(rng)
            status, percent, completed_on, end = self._state(start, due)
            milestones, milestone_titles = self._milestones(action_id, type_name, start, due, status, end,
                                                            completed_on)  # fmt: skip
            agreed = min(start, self.today) - timedelta(days=rng.randint(7, 45))
            created_day = max(PLAN_START - timedelta(days=14), agreed)
            created = _at(created_day, 11, rng.randint(0, 59))
            budget = self._budget(type_name)
            override, override_reason = None, ""
            if status == ActionStatus.IN_PROGRESS and rng.random() < 0.03:
                override = rng.choice((Rag.AMBER.value, Rag.RED.value))
                override_reason = rng.choice(RAG_OVERRIDE_REASONS)
            notes, confidential = "", False
            if rng.random() < 0.15:
                confidential = rng.random() < 0.3
                notes = rng.choice(CONFIDENTIAL_NOTES if confidential else OPEN_NOTES)
            row: Row = {
                "id": action_id,
                "title": title,
                "description": f"{type_sentence} Led by {lead.name}.",
                "theme_id": self.vocabulary.themes[theme][0],
                "type_id": self.vocabulary.term(VocabularyKind.ACTION_TYPE, type_name),
                "delivery_level_id": self.vocabulary.term(VocabularyKind.DELIVERY_LEVEL, level),
                "provider_id": self.vocabulary.term(VocabularyKind.PROVIDER, provider),
                "lead_organisation_id": lead.id,
                **self._owner(lead),
                "start_on": start,
                "due_on": due,
                "completed_on": completed_on,
                "status": status.value,
                "percent_complete": percent,
                "rag_override": override,
                "rag_override_reason": override_reason,
                "budget_pence": budget * 100 if budget is not None else None,
                "notes": notes,
                "notes_confidential": confidential,
                "created_at": created,
                "updated_at": created,
            }
            self.rows["action"].append(row)
            action = _Action(action_id, row, lead, start, due, status, percent, end, completed_on, milestones,
                             milestone_titles)  # fmt: skip
            self.actions.append(action)
            self._needs_of(action, primary, by_theme, created)
            self._partners(action, primary, theme, created, joint=index == 0 or rng.random() < 0.6)
            if budget is not None:
                self._funding(action, budget, created)
        self._ensure_milestone_variety()

    def _owner(self, lead: _Org) -> dict[str, str]:
        """A named owner at the lead organisation for most actions: one of the few officers who own its actions,
        most with an e-mail at its domain and a telephone (Ofcom's numbers for drama, 01632 960xxx)."""
        rng = self.owner_rng
        if rng.random() < 0.12:
            return {"owner_name": "", "owner_email": "", "owner_phone": ""}
        if lead.owners is None:
            lead.owners = []
            # Each officer is a different person from every other officer and every organisation's contact, so a
            # name never stands for two people (nor a contact's name reach an export as someone's owner).
            taken = self._people_named()
            for _number in range(rng.randint(1, 4)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                while f"{first} {last}" in taken and len(taken) < len(FIRST_NAMES) * len(SURNAMES):
                    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                taken.add(f"{first} {last}")
                email = f"{first}.{last.replace(chr(39), '')}@{lead.domain}".lower() if rng.random() < 0.9 else ""
                phone = f"01632 960{rng.randint(0, 999):03d}" if rng.random() < 0.8 else ""
                lead.owners.append((f"{first} {last}", email, phone))
        name, email, phone = rng.choice(lead.owners)
        return {"owner_name": name, "owner_email": email, "owner_phone": phone}

    def _people_named(self) -> set[str]:
        """The names of every organisation's contact and every action owner so far (kept up to date by _owner)."""
        if self._people is None:
            self._people = {org.contact for org in self.orgs if org.contact}
        return self._people

    def _lead(self, primary: _Need | None, theme: str) -> _Org:
        rng = self.rng
        if primary is not None and rng.random() < 0.75:
            wanted = primary.lead if rng.random() < 0.7 else rng.choice(primary.organisations)
            return self.org_by_id[wanted]
        return self._pick_orgs(theme, 1)[0]

    def _dates(self, primary: _Need | None) -> tuple[date, date]:
        """Start and due: about seven in ten start by today, none before the need they address was found."""
        rng = self.rng
        earliest = PLAN_START if primary is None else max(PLAN_START, primary.identified_on + timedelta(days=14))
        latest_start = PLAN_END - timedelta(days=60)
        past = earliest <= self.today and rng.random() < 0.7
        if past or self.today >= latest_start - timedelta(days=30):
            start = _between(rng, earliest, min(self.today, latest_start))
        else:
            start = _between(rng, max(earliest, self.today + timedelta(days=1)), latest_start)
        duration = rng.choice((90, 120, 180, 180, 270, 365, 365, 450, 540))
        due = min(PLAN_END, start + timedelta(days=duration + rng.randint(-20, 20)))
        if due <= start:
            due = start + timedelta(days=30)
        return start, due

    def _state(self, start: date, due: date) -> tuple[ActionStatus, int, date | None, date]:
        """Status, percent complete, completion date and the last day anything happened, as at today."""
        rng = self.rng
        today = self.today
        roll = rng.random()
        if start > today:
            status = ActionStatus.PLANNED if roll < 0.6 else ActionStatus.PROPOSED
            if roll >= 0.95:
                status = ActionStatus.CANCELLED
            return status, 0, None, today
        if due < today:
            choices = ((0.72, ActionStatus.COMPLETED), (0.86, ActionStatus.IN_PROGRESS), (0.92, ActionStatus.ON_HOLD),
                       (0.97, ActionStatus.CANCELLED), (1.0, ActionStatus.PLANNED))  # fmt: skip
        else:
            choices = ((0.04, ActionStatus.COMPLETED), (0.82, ActionStatus.IN_PROGRESS), (0.89, ActionStatus.ON_HOLD),
                       (0.92, ActionStatus.CANCELLED), (1.0, ActionStatus.PLANNED))  # fmt: skip
        status = next(value for limit, value in choices if roll < limit)
        if status == ActionStatus.COMPLETED and (today - start).days < 21:
            status = ActionStatus.IN_PROGRESS
        if status == ActionStatus.PLANNED:  # the start slipped
            return status, 0, None, today
        if status == ActionStatus.COMPLETED:
            first = min(max(start + timedelta(days=14), due - timedelta(days=45)), today)
            completed = _between(rng, first, min(due + timedelta(days=40), today))
            return status, 100, completed, completed
        if status in (ActionStatus.ON_HOLD, ActionStatus.CANCELLED):
            stopped = _between(rng, min(start + timedelta(days=1), today), today)
            expected = expected_percent(start, due, stopped) or 0
            share = rng.uniform(0.4, 1.0) if status == ActionStatus.ON_HOLD else rng.uniform(0.1, 0.7)
            return status, max(0, min(95, _round_to(expected * share, 5))), None, stopped
        # in progress
        if due < today:
            return status, _round_to(rng.randint(40, 95), 5), None, today
        expected = expected_percent(start, due, today) or 0
        roll = rng.random()
        if roll < 0.65:
            percent = expected + rng.randint(-8, 12)
        elif roll < 0.85:
            percent = expected - rng.randint(10, 24)
        else:
            percent = expected - rng.randint(25, 45)
        return status, max(5, min(95, _round_to(percent, 5))), None, today

    def _milestones(
        self,
        action_id: uuid.UUID,
        type_name: str,
        start: date,
        due: date,
        status: ActionStatus,
        end: date,
        completed_on: date | None,
    ) -> tuple[tuple[MilestoneDates, ...], tuple[str, ...]]:
        rng = self.rng
        count = rng.choices((0, 1, 2, 3, 4), weights=(10, 15, 25, 30, 20))[0]
        if count == 0:
            return (), ()
        names = MILESTONES[type_name]
        picked = sorted(rng.sample(range(len(names)), min(count, len(names))))
        span = (due - start).days
        started = status in (ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.ON_HOLD,
                             ActionStatus.CANCELLED)  # fmt: skip
        result: list[MilestoneDates] = []
        titles: list[str] = []
        for position, name_index in enumerate(picked, start=1):
            due_on = start + timedelta(days=round(span * position / len(picked)))
            done: date | None = None
            if started:
                if status == ActionStatus.COMPLETED and completed_on is not None:
                    if due_on <= completed_on:
                        done = min(max(start, due_on + timedelta(days=rng.randint(-14, 10))), completed_on)
                    else:
                        done = completed_on
                elif due_on <= end:
                    keep = 0.82 if status == ActionStatus.IN_PROGRESS else 0.7
                    if rng.random() < keep:
                        done = min(max(start, due_on + timedelta(days=rng.randint(-10, 21))), end)
                elif status == ActionStatus.IN_PROGRESS and rng.random() < 0.08:
                    done = _between(rng, start, end)
            created = _at(max(PLAN_START - timedelta(days=14), min(start, self.today)), 11, 30)
            self.rows["milestone"].append(
                {
                    "id": _uuid(rng),
                    "action_id": action_id,
                    "title": names[name_index],
                    "due_on": due_on,
                    "done_on": done,
                    "sort_order": position,
                    "created_at": created,
                    "updated_at": _at(done, 15) if done else created,
                }
            )
            result.append(MilestoneDates(due_on, done))
            titles.append(names[name_index])
        return tuple(result), tuple(titles)

    def _ensure_milestone_variety(self) -> None:
        """Every size shows at least one milestone done and one overdue."""
        rows = self.rows["milestone"]
        if not rows:
            return
        today = self.today
        if not any(row["done_on"] is not None for row in rows):
            row = min(rows, key=lambda r: r["due_on"])
            row["done_on"] = min(row["due_on"], today)
        if not any(row["done_on"] is None and row["due_on"] < today for row in rows):
            in_progress = {action.id for action in self.actions if action.status == ActionStatus.IN_PROGRESS}
            candidates = [row for row in rows if row["action_id"] in in_progress and row["due_on"] < today]
            if not candidates:
                # Early in the plan little is due yet: bring an under-way action's first milestone forward.
                starts = {a.id: a.start for a in self.actions if a.id in in_progress and a.start < today}
                firsts = [row for row in rows if row["action_id"] in starts and row["sort_order"] == 1]
                if firsts:
                    firsts[0]["due_on"] = _between(self.rng, starts[firsts[0]["action_id"]], today - timedelta(days=1))
                    candidates = firsts[:1]
            if candidates:
                candidates[0]["done_on"] = None
                candidates[0]["updated_at"] = candidates[0]["created_at"]
        # keep the actions' milestone dates (used for progress RAG) in step with the rows
        by_action: dict[uuid.UUID, list[MilestoneDates]] = {}
        for row in rows:
            by_action.setdefault(row["action_id"], []).append(MilestoneDates(row["due_on"], row["done_on"]))
        for action in self.actions:
            if action.milestones:
                action.milestones = tuple(by_action.get(action.id, ()))

    def _needs_of(
        self, action: _Action, primary: _Need | None, by_theme: dict[str, list[_Need]], created: datetime
    ) -> None:
        if primary is None:
            return
        rng = self.rng
        linked = [primary]
        if rng.random() < 0.4:
            pool = by_theme.get(primary.theme, [])
            for _ in range(rng.randint(1, 2)):
                other = rng.choice(pool)
                if all(other is not need for need in linked) and other.identified_on <= action.start:
                    linked.append(other)
        for need in linked:
            need.action_statuses.append(action.status.value)
            self.rows["action_need"].append(
                {
                    "id": _uuid(rng),
                    "action_id": action.id,
                    "need_id": need.id,
                    "created_at": created,
                    "updated_at": created,
                }  # fmt: skip
            )

    def _partners(self, action: _Action, primary: _Need | None, theme: str, created: datetime, joint: bool) -> None:
        rng = self.rng
        if not joint or len(self.orgs) < 2:
            return
        wanted = rng.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0]
        partners: list[_Org] = []
        if primary is not None:
            for org_id in primary.organisations:
                if org_id != action.lead.id and len(partners) < wanted:
                    partners.append(self.org_by_id[org_id])
        if len(partners) < wanted:
            partners += self._pick_orgs(theme, wanted - len(partners), [action.lead.id, *(p.id for p in partners)])
        for org in partners:
            cash = rng.randint(2, 100) * 250 if rng.random() < 0.4 else 0
            days = rng.randint(1, 60) / 2 if rng.random() < 0.75 else 0.0
            in_kind = rng.choice(IN_KIND) if rng.random() < 0.4 else ""
            if not cash and not days and not in_kind:
                days = rng.randint(1, 20) / 2
            self.rows["action_partner"].append(
                {
                    "id": _uuid(rng),
                    "action_id": action.id,
                    "organisation_id": org.id,
                    "cash_pence": cash * 100,
                    "staff_days": days,
                    "in_kind": in_kind,
                    "created_at": created,
                    "updated_at": created,
                }
            )

    def _budget(self, type_name: str) -> int | None:
        """A budget in whole pounds (£5,000 to £250,000, mostly at the lower end), or none for one in ten."""
        rng = self.rng
        if rng.random() < 0.1:
            return None
        pounds = math.exp(rng.uniform(math.log(5_000), math.log(250_000)))
        if type_name == "Shared service":
            pounds *= 1.6
        elif type_name in ("Community engagement event", "Toolkit or good-practice sharing"):
            pounds /= 3
        return max(5_000, min(250_000, _round_to(pounds, 500)))

    def _funding(self, action: _Action, budget: int, created: datetime) -> None:
        rng = self.rng
        names = [name for name in FUNDING_WEIGHTS if self.vocabulary.funding_source(name)]
        if not names:
            return
        count = min(len(names), rng.choices((1, 2, 3), weights=(50, 35, 15))[0])
        chosen: list[str] = []
        while len(chosen) < count:
            name = self._pick_weighted(names, FUNDING_WEIGHTS)
            if name not in chosen:
                chosen.append(name)
        amounts: list[int] = []
        left = budget
        for _ in range(count - 1):
            share = _round_to(left * rng.uniform(0.3, 0.7), 100)
            if share <= 0 or share >= left:
                break
            amounts.append(share)
            left -= share
        amounts.append(left)
        sources: list[tuple[uuid.UUID, int]] = []
        for name, amount in zip(chosen, amounts, strict=False):
            source_id = self.vocabulary.funding_source(name)
            assert source_id is not None
            sources.append((source_id, amount))
            self.rows["funding_allocation"].append(
                {
                    "id": _uuid(rng),
                    "action_id": action.id,
                    "funding_source_id": source_id,
                    "amount_pence": amount * 100,
                    "note": "Agreed at the partnership board" if rng.random() < 0.3 else "",
                    "created_at": created,
                    "updated_at": created,
                }
            )
        self._spend(action, budget, sources)

    def _spend(self, action: _Action, budget: int, sources: list[tuple[uuid.UUID, int]]) -> None:
        rng = self.rng
        status = action.status
        if status in (ActionStatus.PROPOSED, ActionStatus.PLANNED) or action.start > self.today:
            return
        if status == ActionStatus.COMPLETED:
            total = budget * rng.uniform(0.85, 1.12)  # some come in over budget
            count = rng.randint(2, 5)
        else:
            total = budget * action.percent / 100 * rng.uniform(0.6, 1.1)
            count = rng.randint(1, 4)
        total_pounds = int(total)
        if total_pounds < 100:
            return
        count = min(count, max(1, total_pounds // 100))
        shares = _allocate(total_pounds, [rng.uniform(0.5, 1.5) for _ in range(count)], rng)
        span = max(0, (action.end - action.start).days)
        for position, amount in enumerate(shares, start=1):
            spent_on = action.start + timedelta(days=round(span * position / count))
            source_id = rng.choices([source for source, _ in sources], weights=[share for _, share in sources])[0]
            stamp = _at(spent_on, 14)
            self.rows["spend"].append(
                {
                    "id": _uuid(rng),
                    "action_id": action.id,
                    "funding_source_id": source_id,
                    "spent_on": spent_on,
                    "amount_pence": amount * 100,
                    "note": rng.choice(SPEND_NOTES),
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )

    # ------------------------------------------------------------------ progress

    def _progress_updates(self) -> None:
        """Exactly the size's number of updates, spread over the actions under way in proportion to their time."""
        rng = self.rng
        reporting = {ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.ON_HOLD, ActionStatus.CANCELLED}
        eligible = [action for action in self.actions if action.status in reporting and action.start <= self.today]
        total = self.size.progress_updates
        if not eligible:
            return
        if len(eligible) > total:
            eligible = eligible[:total]
        weights = [max(1, (action.end - action.start).days) for action in eligible]
        counts = _allocate(total, weights, rng)
        for number, (action, count) in enumerate(zip(eligible, counts, strict=True)):
            if number % 2000 == 0:
                self._step(4 + (2 * number) // len(eligible), "Composing progress updates")
            if count:
                self._updates_for(action, count)

    def _updates_for(self, action: _Action, count: int) -> None:
        rng = self.rng
        start, end = action.start, action.end
        span = max(0, (end - start).days)
        final = action.status
        reach = action.percent
        author = action.lead.contact or "Partnership team"
        author_org = action.lead.name
        rows = self.rows["progress_update"]
        gap = span // count
        jitter = gap // 4
        previous = start
        for step in range(1, count + 1):
            last = step == count
            if last and final != ActionStatus.IN_PROGRESS:
                day = end
            elif last:  # the latest report on work still under way came in during the last fortnight or so
                day = end - timedelta(days=rng.randint(0, min(14, gap)))
            else:
                day = start + timedelta(days=round(span * step / count))
                if jitter:
                    day += timedelta(days=rng.randint(-jitter, jitter))
            day = min(max(day, previous), end)
            previous = day
            status = final if last else ActionStatus.IN_PROGRESS
            percent = reach if last else _round_to(reach * step / count, 5)
            if not last and final == ActionStatus.COMPLETED:
                percent = min(percent, 95)
            completed_on = action.completed_on if status == ActionStatus.COMPLETED else None
            assessment = assess_rag(RagInput(status, start, action.due, completed_on, percent, action.milestones), day)
            rag = assessment.rag.value if assessment.rag else None
            if status == ActionStatus.COMPLETED:
                note = rng.choice(PROGRESS_NOTES["Completed"])
            elif status in (ActionStatus.ON_HOLD, ActionStatus.CANCELLED):
                note = rng.choice(PROGRESS_NOTES[status.value])
            else:
                note = rng.choice(PROGRESS_NOTES[rag or "Green"])
            confidential = rng.random() < 0.04
            if confidential:
                note = f"{note} {rng.choice(CONFIDENTIAL_NOTES)}"
            stamp = _at(day, 16) + timedelta(minutes=step)  # same-day reports keep their order
            rows.append(
                {
                    "id": _uuid(rng),
                    "action_id": action.id,
                    "reported_on": day,
                    "author": author,
                    "author_organisation": author_org,
                    "percent_complete": percent,
                    "status": status.value,
                    "rag": rag,
                    "note": note,
                    "confidential": confidential,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        action.row["updated_at"] = max(action.row["created_at"], _at(previous, 16) + timedelta(minutes=count))

    # ------------------------------------------------------------------ evidence base

    def _indicators(self) -> None:
        rng = self.rng
        count = self.size.indicators
        if not count:
            return
        titles = _UniqueTitles(lambda n: f" ({n})")
        needs_by_theme: dict[str, list[_Need]] = {}
        for each in self.needs:
            needs_by_theme.setdefault(each.theme, []).append(each)
        actions_by_need: dict[uuid.UUID, list[uuid.UUID]] = {}
        for link in self.rows["action_need"]:
            actions_by_need.setdefault(link["need_id"], []).append(link["action_id"])
        theme_of_action = {row["id"]: row["theme_id"] for row in self.rows["action"]}
        actions_by_theme: dict[uuid.UUID, list[uuid.UUID]] = {}
        for linked_action, theme_id in theme_of_action.items():
            actions_by_theme.setdefault(theme_id, []).append(linked_action)
        bases = list(INDICATOR_BASES)
        rng.shuffle(bases)
        per_indicator = _allocate(self.size.measurements, [rng.uniform(0.6, 1.4) for _ in range(count)], rng)
        baseline_on = PLAN_START
        created = _at(baseline_on, 12)
        for index in range(count):
            base = bases[index % len(bases)]
            theme = base.theme if base.theme in self.vocabulary.themes else self.themes[0]
            need = rng.choice(needs_by_theme[theme]) if needs_by_theme.get(theme) and rng.random() < 0.75 else None
            action_id: uuid.UUID | None = None
            if rng.random() < 0.5:
                pool = actions_by_need.get(need.id, []) if need else []
                pool = pool or actions_by_theme.get(self.vocabulary.themes[theme][0], [])
                action_id = rng.choice(pool) if pool else None
            place = need.area if need else rng.choices(self.areas, cum_weights=self._area_cum)[0]
            name = titles.take(base.name if place == COUNTY_WIDE else f"{base.name} – {place}")
            indicator_id = _uuid(rng)
            if base.cumulative:
                baseline = 0.0
                target = float(_round_to(rng.uniform(*base.baseline), 10))
            else:
                baseline = round(rng.uniform(*base.baseline), base.decimals)
                change = rng.uniform(*base.change)
                target = baseline + change if base.direction == _HIGHER else baseline - change
                target = round(min(100.0, target) if base.percent else max(0.0, target), base.decimals)
            self.rows["indicator"].append(
                {
                    "id": indicator_id,
                    "name": name,
                    "description": f"Evidence of what the partners' actions achieve on {theme.lower()}.",
                    "unit": base.unit,
                    "direction": base.direction.value,
                    "target_kind": (TargetKind.CUMULATIVE if base.cumulative else TargetKind.PERIODIC).value,
                    "baseline_value": baseline,
                    "baseline_on": baseline_on,
                    "target_value": target,
                    "target_on": PLAN_END,
                    "need_id": need.id if need else None,
                    "action_id": action_id,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            self._measurements(indicator_id, base, baseline, target, per_indicator[index])

    def _measurements(self, indicator_id: uuid.UUID, base: IndicatorBase, baseline: float, target: float,
                      count: int) -> None:  # fmt: skip
        if not count:
            return
        rng = self.rng
        plan_days = (PLAN_END - PLAN_START).days
        span = (self.today - PLAN_START).days
        achievement = rng.uniform(0.2, 1.3)
        spread = abs(target - baseline) * 0.15
        rows = self.rows["measurement"]
        for step in range(1, count + 1):
            day = PLAN_START + timedelta(days=round(span * step / count))
            if base.cumulative:
                # a period's own contribution; the running total heads for the target
                value = target * achievement * (span / count) / plan_days * rng.uniform(0.5, 1.5)
            else:
                elapsed = (day - PLAN_START).days / plan_days
                value = baseline + (target - baseline) * achievement * elapsed + rng.gauss(0, spread)
            value = max(0.0, value)
            if base.percent:
                value = min(100.0, value)
            stamp = _at(day, 9)
            rows.append(
                {
                    "id": _uuid(rng),
                    "indicator_id": indicator_id,
                    "measured_on": day,
                    "value": round(value, base.decimals),
                    "note": "Provisional figure" if rng.random() < 0.05 else "",
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )

    # ------------------------------------------------------------------ workshops

    def _workshops(self) -> None:
        rng = self.rng
        for (title, venue, focus, _), held_on in zip(WORKSHOPS, self.workshop_dates, strict=False):
            workshop_id = _uuid(rng)
            stamp = _at(held_on, 17)
            facilitator = rng.choice(FACILITATORS)
            self.rows["workshop"].append(
                {
                    "id": workshop_id,
                    "title": title,
                    "held_on": held_on,
                    "venue": venue,
                    "facilitator": facilitator,
                    "notes": "Needs captured on the day and prioritised by dot-voting; five dots per organisation.",
                    "created_at": _at(held_on - timedelta(days=14), 9),
                    "updated_at": stamp,
                }
            )
            theme = focus[0] if focus[0] in self.vocabulary.themes else self.themes[0]
            people = rng.randint(8, 16)
            orgs = self._pick_orgs(theme, min(people, len(self.orgs)))
            names: set[str] = set()
            attendees: list[tuple[str, _Org]] = []
            for position in range(people):
                org = orgs[position % len(orgs)]
                name = org.contact if position < len(orgs) and org.contact else self._person()[2]
                while name in names:
                    name = self._person()[2]
                names.add(name)
                attendees.append((name, org))
            for name, org in attendees:
                self.rows["workshop_participant"].append(
                    {
                        "id": _uuid(rng),
                        "workshop_id": workshop_id,
                        "name": name,
                        "organisation_id": org.id,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }  # fmt: skip
                )
            candidates = [need for need in self.needs if need.identified_on <= held_on]
            focused = [need for need in candidates if need.theme in focus] or candidates
            if not focused:
                continue
            for org in orgs:
                own = [need for need in focused if org.id in need.organisations]
                dots: dict[uuid.UUID, int] = {}
                for _ in range(5):
                    pool = own if own and rng.random() < 0.5 else focused
                    chosen = rng.choice(pool)
                    dots[chosen.id] = dots.get(chosen.id, 0) + 1
                for need_id, number in dots.items():
                    self.rows["workshop_vote"].append(
                        {"id": _uuid(rng), "workshop_id": workshop_id, "need_id": need_id,
                         "organisation_id": org.id, "dots": number, "created_at": stamp, "updated_at": stamp}
                    )  # fmt: skip


__all__ = [
    "DEMO_SIZES",
    "DEMO_TODAY",
    "EARLIEST_TODAY",
    "LARGE",
    "MEDIUM",
    "PARTNERSHIP_NAME",
    "PLAN_END",
    "PLAN_START",
    "SMALL",
    "DemoCancelled",
    "DemoSize",
    "DemoSummary",
    "demo_size",
    "demo_today",
    "generate_demo",
]
