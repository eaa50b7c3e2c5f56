"""The pages of the main window, in navigation order, each with the stable object name of DESIGN.md's window
contract. Later pages plug in here without the shell changing."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from PySide6.QtWidgets import QWidget

from locality.ui.actions_page import ActionsPage
from locality.ui.dashboard_page import DashboardPage
from locality.ui.env import UiEnv
from locality.ui.funding_page import FundingPage
from locality.ui.history_page import HistoryPage
from locality.ui.indicators_page import IndicatorsPage
from locality.ui.needs_map_page import NeedsMapPage, TabSpec
from locality.ui.needs_page import NeedsPage
from locality.ui.organisations_page import OrganisationsPage
from locality.ui.support import SupportPage
from locality.ui.timeline_page import TimelinePage
from locality.ui.workshops import WorkshopsPage


@dataclass(frozen=True)
class PageSpec:
    object_name: str
    title: str
    icon: str
    build: Callable[[UiEnv], QWidget]


def _tab(module: str, class_name: str) -> Callable[[UiEnv], QWidget]:
    """Builds a needs-map tab, importing its module only then: the tabs' Qt graphics and rapidfuzz cost a
    tenth of a second that starting the app need not pay."""

    def build(env: UiEnv) -> QWidget:
        tab_class = getattr(importlib.import_module(f"locality.ui.needs_map.{module}"), class_name)
        return cast(QWidget, tab_class(env))

    return build


NEEDS_MAP_TABS: tuple[TabSpec, ...] = (
    TabSpec("matrixTab", "Matrix", _tab("matrix", "MatrixTab")),
    TabSpec("gapsTab", "Gaps", _tab("gaps", "GapsTab")),
    TabSpec("heatMapTab", "Heat map", _tab("heat_map", "HeatMapTab")),
    TabSpec("networkTab", "Network", _tab("network", "NetworkTab")),
    TabSpec("similarNeedsTab", "Similar needs", _tab("similar", "SimilarNeedsTab")),
    TabSpec("rankingTab", "Ranking", _tab("ranking", "RankingTab")),
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
    PageSpec("workshopPage", "Workshops", "workshop.svg", WorkshopsPage),
    PageSpec("supportPage", "Support directory", "support.svg", SupportPage),
    PageSpec("historyPage", "History", "history.svg", HistoryPage),
)
