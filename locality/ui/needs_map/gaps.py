"""The needs map's Gaps tab: shared needs that no joint action addresses, and actions that address no need.

Also home to what the analysis tabs share: loading off the GUI thread, and the columns of a list of needs (the
list itself, with the sentence shown when it is empty, is ``ui.tables.RowList``).
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.values import format_date
from locality.domain.vocabulary import NeedRole, Priority
from locality.services.need_analysis import (
    NEEDLESS_ACTIONS_DEFINITION,
    SHARED_NEED_DEFINITION,
    SHARED_UNADDRESSED_DEFINITION,
    Gaps,
    NeedlessAction,
    NeedLine,
)
from locality.ui.action_dialog import open_action
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.find_support import find_support
from locality.ui.loader import BackgroundLoader
from locality.ui.need_dialog import open_need
from locality.ui.table_model import Column
from locality.ui.tables import RowList, section_heading

_PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


# --------------------------------------------------------------------------- shared by the analysis tabs


class AnalysisTab(QWidget):
    """A needs-map tab whose figures are worked out off the GUI thread: ``load`` runs on a worker and
    ``show_result`` shows what it returned. A refresh asked for while one is running supersedes it (the one rule
    of ``BackgroundLoader``)."""

    title = ""
    watches: frozenset[Entity] = frozenset()

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env = env
        self.services = env.services
        self.loader = BackgroundLoader(self, self.refresh)
        self.loader.stale = False  # loaded as it is built; the needs map page reloads it when stale

    @property
    def loading(self) -> bool:
        return self.loader.busy

    def load(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_result(self, result: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def show_loading(self) -> None:
        """Says the figures are being worked out (the old ones stay until the new arrive)."""

    def refresh(self) -> None:
        self.show_loading()
        self.loader.start(self.load, self.show_result, self.show_failure)

    def show_failure(self, error: BaseException) -> None:
        show_error(self, error, self.title)


def need_columns(with_theme: bool = True) -> list[Column[NeedLine]]:
    columns: list[Column[NeedLine]] = [Column("Need", lambda n: n.title, width=320, tooltip=lambda n: n.title)]
    if with_theme:
        columns.append(
            Column("Theme", lambda n: n.theme_name or "(no theme)", width=170, tooltip=lambda n: n.theme_full_name)
        )
    columns += [
        Column(
            "Organisations",
            lambda n: n.organisations_text,
            sort_key=lambda n: (-n.organisation_count, n.organisations_text.casefold()),
            width=260,
            tooltip=lambda n: n.organisations_text,
        ),
        Column(
            "Priority",
            lambda n: n.priority.value if n.priority else "(not set)",
            sort_key=lambda n: _PRIORITY_ORDER.get(n.priority, 3) if n.priority else 3,
            width=80,
        ),
        Column("Status", lambda n: n.status.value, width=120),
    ]
    return columns


# --------------------------------------------------------------------------- the Gaps tab


class GapsTab(AnalysisTab):
    title = "Gaps"
    watches = frozenset(
        {Entity.NEED, Entity.NEED_ORGANISATION, Entity.ACTION, Entity.ACTION_NEED, Entity.ORGANISATION, Entity.THEME}
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self.gaps: Gaps | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{SHARED_NEED_DEFINITION} {SHARED_UNADDRESSED_DEFINITION} {NEEDLESS_ACTIONS_DEFINITION} "
            "Plan a joint action for a shared need, or link an action to the needs it serves."
        )
        intro.setWordWrap(True)
        intro.setObjectName("gapsIntro")
        layout.addWidget(intro)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        # Shared needs with no joint action.
        needs_box = QWidget()
        needs_layout = QVBoxLayout(needs_box)
        needs_layout.setContentsMargins(0, 4, 0, 0)
        self.needs_heading = section_heading("sharedUnaddressedHeading")
        needs_layout.addWidget(self.needs_heading)
        self.needs = RowList(need_columns(), "sharedUnaddressedTable", "Shared needs with no joint action")
        self.needs.on_activated(lambda need: self._open_need(need.id))
        needs_layout.addWidget(self.needs, 1)
        needs_buttons = QHBoxLayout()
        self.plan_button = QPushButton("&Plan a joint action…")
        self.plan_button.setToolTip("Start a new action with the selected need already ticked")
        self.plan_button.clicked.connect(self.plan_joint_action)
        self.find_support_button = QPushButton("Find &support…")
        self.find_support_button.setObjectName("gapsFindSupportButton")
        self.find_support_button.setToolTip(
            "The support directory's offers that fit the selected need, and a joint action commissioned from one"
        )
        self.find_support_button.clicked.connect(self.find_support_for_selected)
        self.open_need_button = QPushButton("Open &need…")
        self.open_need_button.clicked.connect(lambda: self._open_selected_need())
        self.show_needs_button = QPushButton("Show in Needs &list")
        self.show_needs_button.setToolTip("Open the Needs page showing shared needs with no action yet")
        self.show_needs_button.clicked.connect(self.show_in_needs_list)
        needs_buttons.addWidget(self.plan_button)
        needs_buttons.addWidget(self.find_support_button)
        needs_buttons.addWidget(self.open_need_button)
        needs_buttons.addStretch(1)
        needs_buttons.addWidget(self.show_needs_button)
        needs_layout.addLayout(needs_buttons)
        splitter.addWidget(needs_box)

        # Actions that address no need.
        actions_box = QWidget()
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.setContentsMargins(0, 4, 0, 0)
        self.actions_heading = section_heading("needlessActionsHeading")
        actions_layout.addWidget(self.actions_heading)
        self.needless_actions: RowList[NeedlessAction] = RowList(
            [
                Column("Action", lambda a: a.title, width=320, tooltip=lambda a: a.title),
                Column("Lead", lambda a: a.lead_organisation_name or "(no lead)", width=220),
                Column("Status", lambda a: a.status.value, width=100),
                Column("Due", lambda a: format_date(a.due_on), sort_key=lambda a: a.due_on, width=90),
            ],
            "needlessActionsTable",
            "Actions that address no need",
        )
        self.needless_actions.on_activated(lambda action: self._open_action(action.id))
        actions_layout.addWidget(self.needless_actions, 1)
        actions_buttons = QHBoxLayout()
        self.open_action_button = QPushButton("Open &action…")
        self.open_action_button.setToolTip("Open the action to tick the needs it addresses")
        self.open_action_button.clicked.connect(lambda: self._open_selected_action())
        self.show_actions_button = QPushButton("Show in Actions l&ist")
        self.show_actions_button.setToolTip("Open the Actions page showing actions with no need")
        self.show_actions_button.clicked.connect(self.show_in_actions_list)
        actions_buttons.addWidget(self.open_action_button)
        actions_buttons.addStretch(1)
        actions_buttons.addWidget(self.show_actions_button)
        actions_layout.addLayout(actions_buttons)
        splitter.addWidget(actions_box)
        splitter.setSizes([400, 300])

        can_open_pages = env.show_page is not None
        for button in (self.show_needs_button, self.show_actions_button):
            button.setEnabled(can_open_pages)
        self.needs.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.needless_actions.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.needs.model.modelReset.connect(self._update_buttons)
        self.needless_actions.model.modelReset.connect(self._update_buttons)
        self._set_headings(None)
        self._update_buttons()
        self.refresh()

    # ------------------------------------------------------------------ loading

    def load(self) -> Gaps:
        return self.services.analysis.gaps()

    def show_loading(self) -> None:
        if self.gaps is None:
            self.needs.say("Finding shared needs that no action addresses…")
            self.needless_actions.say("Finding actions that address no need…")

    def show_result(self, result: Gaps) -> None:
        self.gaps = result
        self._set_headings(result)
        self.needs.set_rows(
            result.shared_unaddressed,
            "Every shared need has at least one action addressing it. Shared needs without one would be listed "
            "here; link needs to organisations on the Needs page to find more shared needs.",
        )
        self.needless_actions.set_rows(
            result.needless_actions,
            "Every action addresses at least one need. An action not linked to any need would be listed here; "
            "tick the needs an action serves on its Needs tab.",
        )
        self._update_buttons()

    def _set_headings(self, gaps: Gaps | None) -> None:
        needs = "…" if gaps is None else f"{gaps.shared_unaddressed_count:,}"
        actions = "…" if gaps is None else f"{gaps.needless_actions_count:,}"
        self.needs_heading.setText(f"Shared needs with no joint action ({needs})")
        self.actions_heading.setText(f"Actions that address no need ({actions})")

    def _update_buttons(self) -> None:
        has_need = self.needs.selected() is not None
        self.plan_button.setEnabled(has_need)
        self.find_support_button.setEnabled(has_need)
        self.open_need_button.setEnabled(has_need)
        self.open_action_button.setEnabled(self.needless_actions.selected() is not None)

    # ------------------------------------------------------------------ commands

    def plan_joint_action(self) -> None:
        need = self.needs.selected()
        if need is None:
            return
        # The need's organisations make the joint action: the one leading on the need (or else the first) leads
        # it, the others are its partners.
        try:
            links = self.services.needs.get(need.id).links
        except Exception as error:  # deleted by someone else a moment ago
            show_error(self, error)
            return
        leads = [link.organisation_id for link in links if link.role == NeedRole.LEAD]
        lead = leads[0] if leads else (links[0].organisation_id if links else None)
        partners = [link.organisation_id for link in links if link.organisation_id != lead]
        saved = open_action(
            self.env,
            None,
            self,
            need_ids=[need.id],
            lead_organisation_id=lead,
            partner_ids=partners,
            theme_id=need.theme_id,
        )
        if saved is not None:
            self.refresh()

    def find_support_for_selected(self) -> None:
        need = self.needs.selected()
        if need is not None and find_support(self.env, need.id, self):
            self.refresh()  # a joint action now addresses the need: it is no longer a gap

    def _open_selected_need(self) -> None:
        need = self.needs.selected()
        if need is not None:
            self._open_need(need.id)

    def _open_selected_action(self) -> None:
        action = self.needless_actions.selected()
        if action is not None:
            self._open_action(action.id)

    def _open_need(self, need_id: uuid.UUID) -> None:
        if open_need(self.env, need_id, self) is not None:
            self.refresh()

    def _open_action(self, action_id: uuid.UUID) -> None:
        if open_action(self.env, action_id, self) is not None:
            self.refresh()

    def show_in_needs_list(self) -> None:
        page = self.env.open_page("needsPage")
        if page is not None and hasattr(page, "set_filter"):
            page.set_filter("gap", "shared_unaddressed")

    def show_in_actions_list(self) -> None:
        page = self.env.open_page("actionsPage")
        if page is not None and hasattr(page, "set_filter"):
            page.set_filter("timing", "no_need")
