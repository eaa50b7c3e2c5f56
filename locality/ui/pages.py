"""The pages of the main window, in navigation order, each with the stable object name of DESIGN.md's window
contract. Later pages plug in here without the shell changing.

A page's module is imported only when the page is first built: the window opens on the dashboard, and importing
every page's code (with its charts, models and dialogs) would delay its figures for pages not yet visited.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from PySide6.QtWidgets import QWidget

from locality.ui.env import UiEnv
from locality.ui.needs_map_page import TabSpec


@dataclass(frozen=True)
class PageSpec:
    object_name: str
    title: str
    icon: str
    #: Builds the page with the window's ``UiEnv`` inside its parent (the window's page stack).
    build: Callable[[UiEnv, QWidget], QWidget]


def _widget_class(module: str, class_name: str) -> type:
    """``class_name`` of ``locality.ui.<module>``, the module imported now if it was not already."""
    widget_class: type = getattr(importlib.import_module(f"locality.ui.{module}"), class_name)
    return widget_class


def _built_by(module: str, class_name: str, *args: object) -> Callable[[UiEnv, QWidget], QWidget]:
    """Builds ``class_name`` of ``locality.ui.<module>`` with ``env`` (and ``args``) inside ``parent``, importing
    the module only then. (A page built on its own would be a window of its own until put in its place, and
    what it set up meanwhile, focus among it, would belong to that window.)"""

    def build(env: UiEnv, parent: QWidget) -> QWidget:
        return cast(QWidget, _widget_class(module, class_name)(env, *args, parent=parent))

    return build


def _tab(module: str, class_name: str) -> Callable[[UiEnv], QWidget]:
    """A needs-map tab, built when first shown: the tabs' Qt graphics and rapidfuzz cost a tenth of a second
    that starting the app need not pay."""

    def build(env: UiEnv) -> QWidget:
        return cast(QWidget, _widget_class(f"needs_map.{module}", class_name)(env))

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
    PageSpec("dashboardPage", "Dashboard", "dashboard.svg", _built_by("dashboard_page", "DashboardPage")),
    PageSpec(
        "organisationsPage", "Organisations", "organisations.svg", _built_by("organisations_page", "OrganisationsPage")
    ),
    PageSpec("needsPage", "Needs", "needs.svg", _built_by("needs_page", "NeedsPage")),
    PageSpec("actionsPage", "Actions", "actions.svg", _built_by("actions_page", "ActionsPage")),
    PageSpec("needsMapPage", "Needs map", "needs-map.svg", _built_by("needs_map_page", "NeedsMapPage", NEEDS_MAP_TABS)),
    PageSpec("timelinePage", "Timeline", "timeline.svg", _built_by("timeline_page", "TimelinePage")),
    PageSpec("indicatorsPage", "Indicators", "indicators.svg", _built_by("indicators_page", "IndicatorsPage")),
    PageSpec("fundingPage", "Funding", "funding.svg", _built_by("funding_page", "FundingPage")),
    PageSpec("workshopPage", "Workshops", "workshop.svg", _built_by("workshops", "WorkshopsPage")),
    PageSpec("supportPage", "Support directory", "support.svg", _built_by("support", "SupportPage")),
    PageSpec("historyPage", "History", "history.svg", _built_by("history_page", "HistoryPage")),
)
