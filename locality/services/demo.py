"""The demonstration partnership: a realistic, deterministic Westshire Locality Partnership in three sizes.

Everything comes from one ``random.Random(seed)``: organisation and record UUIDs, titles, dates, money and
progress, so the same size, seed and ``today`` give byte-for-byte the same content. Timestamps are derived
from each record's own dates (a need's ``created_at`` is the day it was identified), never from the clock.

The setting (name, plan period, sizes, phrase tables) is in ``demo_setting.py``; the rows are composed stage by
stage, each in a module of its own (``demo_organisations``, ``demo_needs``, ``demo_actions`` with
``demo_funding``, ``demo_progress``, ``demo_indicators``, ``demo_workshops``, ``demo_support``) on the shared state of
``demo_state.py``, and put together in order by ``DemoComposer`` here.

Rows are composed as plain dicts and written by ``locality.store.bulk.bulk_insert`` in one transaction:
the large size (200 organisations, 5,000 needs, 20,000 actions, 100,000 progress updates, 50,000
measurements) would take minutes through the per-record services. A believable history of the main records
(``demo_history``: who created them and when, some edits, each action's latest report) is written to the change
log with them, through the change log's one writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.vocabulary import normalise_name
from locality.services.context import Changes, ServiceContext
from locality.services.demo_actions import ActionComposer
from locality.services.demo_history import compose_history
from locality.services.demo_indicators import IndicatorComposer
from locality.services.demo_needs import NeedComposer
from locality.services.demo_organisations import OrganisationComposer
from locality.services.demo_progress import ProgressComposer
from locality.services.demo_setting import (
    AREA,
    DEMO_SIZES,
    DEMO_TODAY,
    EARLIEST_TODAY,
    LARGE,
    MEDIUM,
    PARTNERSHIP_NAME,
    PLAN_END,
    PLAN_START,
    SMALL,
    DemoSize,
)
from locality.services.demo_state import (
    CancelledCallback,
    DemoCancelled,
    DemoVocabulary,
    ProgressCallback,
    Row,
    stamp_at,
)
from locality.services.demo_support import add_support_directory
from locality.services.demo_workshop_board import add_workshop_board
from locality.services.demo_workshops import WorkshopComposer
from locality.store.bulk import TablesNotEmptyError, bulk_insert
from locality.store.models import (
    ActionRecord,
    FundingSourceRecord,
    NeedRecord,
    OrganisationRecord,
    ThemeRecord,
    VocabularyTermRecord,
)


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
    support_providers: int = 0
    support_offers: int = 0

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
            ("support providers", self.support_providers),
            ("support offers", self.support_offers),
        ]

    @property
    def total_rows(self) -> int:
        return sum(count for _, count in self.counts())


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
        vocabulary = DemoVocabulary(
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
    builder = DemoComposer(chosen, seed, as_at, vocabulary, progress, cancelled)
    rows = builder.build()
    add_workshop_board(rows, seed)
    add_support_directory(rows, seed, vocabulary)
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
            stamp=stamp_at(as_at, 17),
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
        support_providers=len(rows["support_provider"]),
        support_offers=len(rows["support_offer"]),
    )


class DemoComposer(
    OrganisationComposer, WorkshopComposer, NeedComposer, ActionComposer, ProgressComposer, IndicatorComposer
):
    """Composes the whole partnership, stage by stage, in the order that the seed's choices are drawn."""

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
