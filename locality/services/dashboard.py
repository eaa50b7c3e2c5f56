"""The dashboard: the partnership's figures at a glance, and what has moved since a board snapshot.

The figures count what the actions and needs pages list (so a figure and the list it opens always agree), but the
database does the counting: the RAG split is the RAG rule as one SQL expression (``store/rag_queries.py``) counted
with GROUP BY, and the other action figures are sums and counts in SQL, so 20,000 actions are never read into
Python to be rated at every start. Indicators and funding come from their services. The result is kept while the
workspace and the day are unchanged, so asking again costs one small query.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

from locality.domain.values import format_date, format_money
from locality.domain.vocabulary import OPEN_NEED_STATUSES, ActionStatus, Rag
from locality.services.action_rag import rag_thresholds
from locality.services.context import ServiceContext
from locality.services.funding import FundingService, SourceTotals
from locality.services.indicators import TRACK_RULE, Indicator, IndicatorService, on_track
from locality.services.snapshots import SnapshotComparison, SnapshotService
from locality.services.workspace_info import plan_period_text
from locality.store import dashboard_queries, funding_summary_queries, need_queries, rag_queries, snapshot_queries
from locality.store.models import NeedRecord

RAG_ORDER: tuple[Rag | None, ...] = (Rag.RED, Rag.AMBER, Rag.GREEN, None)

#: How "on track" is decided for an indicator, in the words the dashboard shows (one rule with the indicators page).
INDICATOR_RULE = TRACK_RULE


#: What the RAG split counts, as the dashboard's chart and every plan export title it.
RAG_SPLIT_TITLE = "Open actions by RAG"
STATUS_CHART_TITLE = "Actions by status"
SPEND_CHART_TITLE = "Spend by funding source"

#: The dashboard's figures in the words of its tiles, by tile; the board paper prints them in the same words.
FIGURE_CAPTIONS = {
    "actions": "Actions in the plan",
    "red": "Open actions rated Red",
    "overdue": "Overdue actions",
    "overdueMilestones": "Overdue milestones",
    "dueSoon": "Due soon",
    "sharedUnaddressed": "Shared needs with no action",
    "noNeed": "Actions addressing no need",
    "indicators": "Indicators on track",
    "budget": "Total budget",
    "allocated": "Allocated from funding sources",
    "spent": "Spent",
    "overspent": "Overspent actions",
}


@dataclass(frozen=True, slots=True)
class FigureItem:
    """One action behind a figure, with what puts it there in words."""

    action_id: uuid.UUID
    title: str
    detail: str


@dataclass(frozen=True)
class SourceSpend:
    """Money allocated from one funding source and spent against it (``source_id`` None: spend charged to no
    source)."""

    source_id: uuid.UUID | None
    name: str
    allocated_pence: int
    spent_pence: int


@dataclass(frozen=True)
class DashboardFigures:
    partnership_name: str
    area: str
    plan_start: date | None
    plan_end: date | None
    computed_on: date
    actions_total: int
    #: Every status in the vocabulary's order, with how many live actions have it (zeros included).
    by_status: tuple[tuple[ActionStatus, int], ...]
    #: Open actions (neither completed nor cancelled) by RAG: Red, Amber, Green, then None (not rated). The plan's
    #: exports count the same, under the same title (RAG_SPLIT_TITLE), so a board paper has one "Green" number.
    rag_split: tuple[tuple[Rag | None, int], ...]
    open_actions: int
    #: Past their due date and neither completed nor cancelled (as the actions page's "Overdue" filter).
    overdue_actions: int
    overdue_milestones: tuple[FigureItem, ...]
    #: How many days ahead "due soon" looks: the workspace's RAG setting, as the chase list uses.
    due_soon_days: int
    #: Open actions due between today and ``due_soon_days`` days from today, earliest first.
    due_soon: tuple[FigureItem, ...]
    needs_total: int
    shared_needs_unaddressed: int
    actions_without_need: int
    budget_pence: int
    allocated_pence: int
    spent_pence: int
    #: Actions whose spend is more than their budget.
    overspent: tuple[FigureItem, ...]
    #: What each funding source gave and what was spent against it, in the sources' order.
    by_source: tuple[SourceSpend, ...]
    indicators_total: int
    indicators_on_track: int
    indicators_off_track: int
    indicators_not_assessed: int

    def status_count(self, status: ActionStatus) -> int:
        return dict(self.by_status).get(status, 0)

    def rag_count(self, rag: Rag | None) -> int:
        return dict(self.rag_split).get(rag, 0)

    @property
    def plan_period(self) -> str:
        return plan_period_text(self.plan_start, self.plan_end)


@dataclass(frozen=True)
class SpendRise:
    action_id: uuid.UUID
    title: str
    before_pence: int
    after_pence: int


@dataclass(frozen=True)
class SpendComparison:
    """Budgets and spend over live actions now, against what a board snapshot recorded."""

    budget_then_pence: int
    spent_then_pence: int
    budget_now_pence: int
    spent_now_pence: int
    #: Actions that have spent more since the snapshot (new actions count from nothing), most first.
    rises: tuple[SpendRise, ...]


@dataclass(frozen=True)
class BoardComparison:
    changes: SnapshotComparison
    spend: SpendComparison


def figure_values(figures: DashboardFigures) -> tuple[tuple[str, str], ...]:
    """The dashboard's figures as (caption, value) in its tiles' order, money in full pounds and pence."""
    assessed = figures.indicators_on_track + figures.indicators_off_track
    indicators = f"{figures.indicators_on_track:,} of {assessed:,}"
    if figures.indicators_not_assessed:
        indicators += f" ({figures.indicators_not_assessed:,} cannot be assessed)"
    values = {
        "actions": f"{figures.actions_total:,}",
        "red": f"{figures.rag_count(Rag.RED):,}",
        "overdue": f"{figures.overdue_actions:,}",
        "overdueMilestones": f"{len(figures.overdue_milestones):,}",
        "dueSoon": f"{len(figures.due_soon):,} in the next {figures.due_soon_days} days",
        "sharedUnaddressed": f"{figures.shared_needs_unaddressed:,}",
        "noNeed": f"{figures.actions_without_need:,}",
        "indicators": indicators,
        "budget": format_money(figures.budget_pence),
        "allocated": format_money(figures.allocated_pence),
        "spent": format_money(figures.spent_pence),
        "overspent": f"{len(figures.overspent):,}",
    }
    return tuple((FIGURE_CAPTIONS[key], value) for key, value in values.items())


def indicator_on_track(indicator: Indicator) -> bool | None:
    """Whether ``indicator`` is on track by the indicators' own rule (``TRACK_RULE``); None when it cannot be
    assessed (no target or no measurement yet)."""
    return on_track(indicator.percent_to_target, indicator.off_track)


#: Threads that count some of the dashboard's figures while the caller counts the rest (``figures``).
_alongside = ThreadPoolExecutor(max_workers=2, thread_name_prefix="locality-figures")


class DashboardService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        self._indicators = IndicatorService(context)
        self._snapshots = SnapshotService(context)
        self._funding = FundingService(context)
        # One working-out at a time: a second caller (the dashboard asking while the figures started as the
        # workspace opened are still being counted) waits and takes that result instead of counting alongside.
        self._working = threading.Lock()
        self._cache: tuple[tuple[object, ...], DashboardFigures] | None = None

    def figures(self) -> DashboardFigures:
        """The dashboard's figures as of today (worked out again only when the workspace has changed)."""
        with self._working:
            return self._figures()

    def _figures(self) -> DashboardFigures:
        today = self._context.today()
        with self._context.read() as unit:
            # Read first: anything written while the figures are worked out changes it, so it is never too new.
            stamp = (today, unit.data_stamp())
            meta = unit.meta()
            name, area, plan_start, plan_end = meta.partnership_name, meta.area, meta.plan_start, meta.plan_end
            # "Due soon" means what the RAG rule and the chase list mean by it: the workspace's own setting.
            due_soon_days = meta.rag_due_soon_days
        if self._cache is not None and self._cache[0] == stamp:
            return self._cache[1]
        # The indicators' and the money's figures are counted alongside the actions' (each on its own connection):
        # the database does most of the work, and lets go of Python's lock while it does, so on a large workspace
        # the three together take about as long as the longest of them.
        indicators_counted = _alongside.submit(self._indicators.track_counts)
        money_counted = _alongside.submit(self._money_figures)
        soon_limit = today + timedelta(days=due_soon_days)
        with self._context.read() as unit:
            # Counted and added up by the database: no action is read into Python but those a figure lists.
            statuses = dashboard_queries.status_totals(unit)
            rag_counts = rag_queries.open_rag_counts(unit, today, rag_thresholds(unit))
            overdue = dashboard_queries.overdue_action_count(unit, today)
            due_soon = dashboard_queries.open_actions_due_between(unit, today, soon_limit)
            without_need = dashboard_queries.actions_without_need_count(unit)
            milestones = dashboard_queries.overdue_milestones(unit, today)
            needs_total = unit.count(NeedRecord)
            # What the needs page's "shared" and "no action" filters list, less met and closed needs (no gap).
            shared_unaddressed = need_queries.need_count(
                unit,
                need_queries.NeedFilter(
                    statuses=frozenset(status.value for status in OPEN_NEED_STATUSES),
                    shared_only=True,
                    unaddressed_only=True,
                ),
            )
        indicators = indicators_counted.result()
        sources, overspent = money_counted.result()

        rags: dict[Rag | None, int] = {rag: rag_counts.get(rag, 0) if rag is not None else 0 for rag in RAG_ORDER}
        due_soon.sort(key=lambda row: (row.due_on, row.title.casefold()))
        overspent.sort(key=lambda row: row.budget_pence - row.spent_pence)
        result = DashboardFigures(
            partnership_name=name,
            area=area,
            plan_start=plan_start,
            plan_end=plan_end,
            computed_on=today,
            actions_total=sum(totals.count for totals in statuses.values()),
            by_status=tuple((status, statuses[status].count if status in statuses else 0) for status in ActionStatus),
            rag_split=tuple(rags.items()),
            open_actions=sum(rags.values()),
            overdue_actions=overdue,
            overdue_milestones=tuple(
                FigureItem(row.action_id, row.action_title, f"{row.milestone_title} — due {format_date(row.due_on)}")
                for row in milestones
            ),
            due_soon_days=due_soon_days,
            due_soon=tuple(
                FigureItem(row.action_id, row.title, f"due {format_date(row.due_on)}, {row.percent_complete}% complete")
                for row in due_soon
            ),
            needs_total=needs_total,
            shared_needs_unaddressed=shared_unaddressed,
            actions_without_need=without_need,
            budget_pence=sum(totals.budget_pence for totals in statuses.values()),
            # Every pound allocated or spent on a live action is under one source (or "no source"): the same
            # totals the funding page shows, without adding the 60,000 entries up twice.
            allocated_pence=sum(source.allocated_pence for source in sources),
            spent_pence=sum(source.spent_pence for source in sources),
            overspent=tuple(
                FigureItem(
                    row.action_id,
                    row.title,
                    f"spent {format_money(row.spent_pence)} of a {format_money(row.budget_pence)} budget "
                    f"({format_money(row.spent_pence - row.budget_pence)} over)",
                )
                for row in overspent
            ),
            by_source=tuple(
                SourceSpend(
                    source.funding_source_id, source.funding_source_name, source.allocated_pence, source.spent_pence
                )
                for source in sources
                if source.allocated_pence or source.spent_pence
            ),
            indicators_total=indicators.total,
            indicators_on_track=indicators.on_track,
            indicators_off_track=indicators.off_track,
            indicators_not_assessed=indicators.not_assessed,
        )
        self._cache = (stamp, result)
        return result

    def _money_figures(self) -> tuple[list[SourceTotals], list[dashboard_queries.OverspentRow]]:
        sources = self._funding.totals_by_source()
        with self._context.read() as unit:
            return sources, dashboard_queries.overspent_actions(unit)

    def spend_since(self, snapshot_id: uuid.UUID) -> SpendComparison:
        """Budgets and spend now against what the snapshot recorded, with the actions that spent more since."""
        with self._context.read() as unit:
            then = dashboard_queries.snapshot_money(unit, snapshot_id)
            spend_then = dashboard_queries.snapshot_spend_by_action(unit, snapshot_id)
            positions = snapshot_queries.action_positions(unit)
            spend_now = funding_summary_queries.spend_totals_by_action(unit)
        rises = [
            SpendRise(p.id, p.title, spend_then.get(p.id, 0), spend_now.get(p.id, 0))
            for p in positions
            if spend_now.get(p.id, 0) > spend_then.get(p.id, 0)
        ]
        rises.sort(key=lambda rise: (rise.before_pence - rise.after_pence, rise.title.casefold()))
        return SpendComparison(
            budget_then_pence=then.budget_pence,
            spent_then_pence=then.spent_pence,
            budget_now_pence=sum(p.budget_pence or 0 for p in positions),
            spent_now_pence=sum(spend_now.values()),
            rises=tuple(rises),
        )

    def compare_with(self, snapshot_id: uuid.UUID) -> BoardComparison:
        """What has moved since a board snapshot: the snapshot service's comparison, and spend."""
        return BoardComparison(self._snapshots.compare(snapshot_id), self.spend_since(snapshot_id))
