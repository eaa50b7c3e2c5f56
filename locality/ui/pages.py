"""The pages of the main window, in navigation order, each with the stable object name of DESIGN.md's window
contract. Later pages plug in here without the shell changing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from locality.ui.actions_page import ActionsPage
from locality.ui.dashboard_page import DashboardPage
from locality.ui.env import UiEnv
from locality.ui.funding_page import FundingPage
from locality.ui.indicators_page import IndicatorsPage
from locality.ui.needs_map.gaps import GapsTab
from locality.ui.needs_map.heat_map import HeatMapTab
from locality.ui.needs_map.matrix import MatrixTab
from locality.ui.needs_map.network import NetworkTab
from locality.ui.needs_map.ranking import RankingTab
from locality.ui.needs_map.similar import SimilarNeedsTab
from locality.ui.needs_map_page import NeedsMapPage, TabSpec
from locality.ui.needs_page import NeedsPage
from locality.ui.organisations_page import OrganisationsPage
from locality.ui.page import Page
from locality.ui.timeline_page import TimelinePage


class PlannedPage(Page):
    """A page whose tools arrive in a later release: says what it will hold, so it is never a blank pane."""

    def __init__(self, env: UiEnv, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.title = title
        layout = QFormLayout(self)
        heading = QLabel(title)
        heading.setObjectName("pageHeading")
        text = QLabel(purpose)
        text.setWordWrap(True)
        layout.addRow(heading)
        layout.addRow(text)


@dataclass(frozen=True)
class PageSpec:
    object_name: str
    title: str
    icon: str
    build: Callable[[UiEnv], QWidget]


def _planned(title: str, purpose: str) -> Callable[[UiEnv], QWidget]:
    return lambda env: PlannedPage(env, title, purpose)


NEEDS_MAP_TABS: tuple[TabSpec, ...] = (
    TabSpec("matrixTab", "Matrix", MatrixTab),
    TabSpec("gapsTab", "Gaps", GapsTab),
    TabSpec("heatMapTab", "Heat map", HeatMapTab),
    TabSpec("networkTab", "Network", NetworkTab),
    TabSpec("similarNeedsTab", "Similar needs", SimilarNeedsTab),
    TabSpec("rankingTab", "Ranking", RankingTab),
)

PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboardPage", "Dashboard", "dashboard.svg", DashboardPage),
    PageSpec("organisationsPage", "Organisations", "organisations.svg", OrganisationsPage),
    PageSpec("needsPage", "Needs", "needs.svg", NeedsPage),
    PageSpec("actionsPage", "Actions", "actions.svg", ActionsPage),
    PageSpec("needsMapPage", "Needs map", "needs-map.svg", lambda env: NeedsMapPage(env, NEEDS_MAP_TABS)),
    PageSpec("timelinePage", "Timeline", "timeline.svg", TimelinePage),
    PageSpec("indicatorsPage", "Indicators", "indicators.svg", IndicatorsPage),
    PageSpec("fundingPage", "Funding", "funding.svg", FundingPage),
    PageSpec(
        "workshopPage",
        "Workshops",
        "workshop.svg",
        _planned("Workshops", "Capture needs in a workshop and prioritise them by dot-voting."),
    ),
    PageSpec(
        "historyPage",
        "History",
        "history.svg",
        _planned("History", "Every change: who made it, when, and what it was before."),
    ),
)
