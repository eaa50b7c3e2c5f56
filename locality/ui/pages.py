"""The pages of the main window, in navigation order, each with the stable object name of DESIGN.md's window
contract. Later pages plug in here without the shell changing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from locality.ui.actions_page import ActionsPage
from locality.ui.env import UiEnv
from locality.ui.needs_page import NeedsPage
from locality.ui.organisations_page import OrganisationsPage
from locality.ui.page import Page


class DashboardPage(Page):
    title = "Dashboard"

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        layout = QVBoxLayout(self)
        self._heading = QLabel()
        self._heading.setObjectName("pageHeading")
        self._heading.setWordWrap(True)
        self._details = QLabel()
        self._details.setWordWrap(True)
        layout.addWidget(self._heading)
        layout.addWidget(self._details)
        self._figures = QGridLayout()
        self._figures.setHorizontalSpacing(24)
        box = QFrame()
        box.setLayout(self._figures)
        layout.addWidget(box)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        details = self.services.workspace.details()
        self._heading.setText(details.partnership_name or "New partnership")
        parts = [part for part in (details.area, details.plan_period and f"Plan period {details.plan_period}") if part]
        self._details.setText(" · ".join(parts) or "Add your partners, needs and actions to get started.")
        while self._figures.count():
            item = self._figures.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        shown = {
            "organisations",
            "needs",
            "actions",
            "milestones",
            "progress updates",
            "indicators",
            "workshops",
        }
        counts = [(label, count) for label, count in self.services.workspace.counts() if label in shown]
        for index, (label, count) in enumerate(counts):
            figure = QLabel(f"<span style='font-size:20pt'>{count:,}</span><br>{label.capitalize()}")
            figure.setAccessibleName(f"{count} {label}")
            figure.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._figures.addWidget(figure, index // 4, index % 4)


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


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboardPage", "Dashboard", "dashboard.svg", DashboardPage),
    PageSpec("organisationsPage", "Organisations", "organisations.svg", OrganisationsPage),
    PageSpec("needsPage", "Needs", "needs.svg", NeedsPage),
    PageSpec("actionsPage", "Actions", "actions.svg", ActionsPage),
    PageSpec(
        "needsMapPage",
        "Needs map",
        "needs-map.svg",
        _planned("Needs map", "Which needs are shared across organisations, and which have no joint action."),
    ),
    PageSpec(
        "timelinePage",
        "Timeline",
        "timeline.svg",
        _planned("Timeline", "Actions and milestones over the plan period."),
    ),
    PageSpec(
        "indicatorsPage",
        "Indicators",
        "indicators.svg",
        _planned("Indicators", "The evidence base: baselines, targets and measurements."),
    ),
    PageSpec(
        "fundingPage",
        "Funding",
        "funding.svg",
        _planned("Funding", "Budgets, allocations by funding source, and spend against budget."),
    ),
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
