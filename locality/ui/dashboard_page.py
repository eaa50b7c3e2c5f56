"""The dashboard: the partnership's figures at a glance, each opening the list behind it, with charts of RAG,
status and spend; board snapshots, to record what a board was told and see what has moved since; and what works,
the evidence of which kinds of support the completed actions show did best.

Figures are counted by the database on a worker thread (a fraction of a second for 20,000 actions) and shown when
ready, so the window never waits for them. The parts are in ``ui/dashboard/``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from locality.domain.entities import Entity
from locality.domain.values import format_date
from locality.services.dashboard import DashboardFigures
from locality.ui.chase_dialog import ChaseBanner
from locality.ui.dashboard.links import FigureLinks
from locality.ui.dashboard.overview import OverviewTab
from locality.ui.dashboard.snapshots import BoardSnapshotsTab
from locality.ui.empty_state import EmptyState, NextStep, import_step, page_step
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.evidence.what_works_tab import WhatWorksTab
from locality.ui.help_window import show_user_guide
from locality.ui.page import Page
from locality.ui.style import set_tone


class DashboardPage(Page):
    title = "Dashboard"
    watches: frozenset[Entity] = frozenset()  # any change may move a figure

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.figures: DashboardFigures | None = None

        outer = QVBoxLayout(self)
        # What needs chasing comes first: it is what a coordinator acts on when opening the workspace.
        self.chase_area = QVBoxLayout()
        self.chase_area.setObjectName("chaseArea")
        outer.addLayout(self.chase_area)
        self.chase_banner = ChaseBanner(env, self)
        self.chase_area.addWidget(self.chase_banner)

        heading_row = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.heading.setWordWrap(True)
        heading_row.addWidget(self.heading, 1)
        self.state_label = QLabel()
        self.state_label.setObjectName("dashboardState")
        set_tone(self.state_label, "muted")
        heading_row.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(heading_row)
        self.details = QLabel()
        self.details.setObjectName("dashboardDetails")
        self.details.setWordWrap(True)
        outer.addWidget(self.details)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        self.tabs.setAccessibleName("Dashboard views")
        self.links = FigureLinks(env, self)
        self.overview = OverviewTab(self.links)
        self.snapshots = BoardSnapshotsTab(env)
        self.tabs.addTab(self.overview, "&Overview")
        self.tabs.addTab(self.snapshots, "&Board snapshots")
        self.what_works = WhatWorksTab(env)
        self.tabs.addTab(self.what_works, "&What works")
        # A new partnership's dashboard would be all zeros: it says how to begin instead.
        self.empty_state = EmptyState(
            "This partnership has no organisations, needs or actions yet. Begin with the partner organisations, "
            "then record the improvement needs they share, then agree joint actions for them. The user guide "
            "(Help › User guide) walks through each step.",
            [
                page_step(env, "Add the partner &organisations", "organisationsPage"),
                import_step(env, self, "organisations", "&Import them from a spreadsheet…"),
                NextStep("Read the &user guide", lambda: show_user_guide(self)),
            ],
        )
        self.content = QStackedWidget()
        self.content.addWidget(self.tabs)
        self.content.addWidget(self.empty_state)
        outer.addWidget(self.content, 1)

        # The figures are worked out (off the GUI thread) from the moment the page is built: the window opens on
        # the dashboard, and the rest of it is built and shown while they are counted. The rest of the page (the
        # chase banner, the snapshots) is read when it is first shown.
        self.state_label.setText("Working out the figures…")
        self._count_figures()
        self._first_showing = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # later showings reload if a change came while the dashboard was hidden
        if self._first_showing:
            self._first_showing = False
            self.chase_banner.refresh()
            self.snapshots.refresh()

    # ------------------------------------------------------------------ figures

    def refresh(self) -> None:
        """Works the figures out again in the background; the snapshot list is read at once (it is short)."""
        if self.figures is None:
            self.state_label.setText("Working out the figures…")
        else:
            self.state_label.setText("Updating…")
        # The figures first: they are what the page is for, and the first to start is the first to finish.
        self._count_figures()
        self.chase_banner.refresh()
        self.snapshots.refresh()
        self.what_works.loader.refresh_when_shown()  # read when its tab is shown

    def _count_figures(self) -> None:
        self.loader.start(self.services.dashboard.figures, self.show_figures, self._figures_failed)

    @property
    def busy(self) -> bool:
        return self.loader.busy

    def _figures_failed(self, error: BaseException) -> None:
        self.state_label.setText("The figures could not be worked out.")
        show_error(self, error, "Dashboard")

    def show_figures(self, figures: DashboardFigures) -> None:
        if figures.computed_on != self.services.context.today():
            # Worked out for a day that is over (the figures started as the workspace opened, and midnight, or a
            # test's chosen date, came since): as of today instead.
            self._count_figures()
            return
        self.figures = figures
        self.heading.setText(figures.partnership_name or "New partnership")
        parts = [
            figures.area,
            f"Plan period {figures.plan_period}" if figures.plan_period else "",
            f"Figures as at {format_date(figures.computed_on)}",
        ]
        self.details.setText(" · ".join(part for part in parts if part))
        self.state_label.setText("")
        self.overview.show_figures(figures)
        empty = (
            figures.needs_total == 0
            and figures.actions_total == 0
            and self.services.workspace.count(Entity.ORGANISATION) == 0
        )
        self.content.setCurrentWidget(self.empty_state if empty else self.tabs)


__all__ = ["DashboardPage"]
