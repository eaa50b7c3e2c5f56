"""The needs page: improvement needs, the theme they fall under and the organisations that share them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QPushButton,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.values import format_date
from locality.domain.vocabulary import OPEN_NEED_STATUSES, NeedStatus, Priority
from locality.services.needs import NeedSummary
from locality.ui.empty_state import NextStep, import_step, page_step
from locality.ui.env import UiEnv
from locality.ui.find_support import find_support
from locality.ui.list_page import ListPage
from locality.ui.need_dialog import open_need
from locality.ui.pickers import organisation_choices, theme_choices, theme_with_subthemes
from locality.ui.table_model import Column
from locality.ui.undo import push_deleted

SHARED_BACKGROUND = QColor("#e0f2f1")


class NeedsPage(ListPage[NeedSummary]):
    title = "Needs"
    unfiltered_matches_all = True
    noun = "need"
    changes = Entity.NEED
    plural = "needs"
    row_entity = Entity.NEED

    def empty_sentence(self) -> str:
        return (
            "No needs recorded yet. Record each improvement need, the theme it falls under and the organisations "
            "that share it — a need two or more partners share is a shared need — or import them from a "
            "spreadsheet."
        )

    def empty_steps(self) -> list[NextStep]:
        steps = [*super().empty_steps(), import_step(self.env, self, "needs")]
        if not self.services.workspace.count(Entity.ORGANISATION):
            steps.append(page_step(self.env, "Add the &organisations first", "organisationsPage"))
        return steps

    watches = frozenset(
        {Entity.NEED, Entity.NEED_ORGANISATION, Entity.ACTION_NEED, Entity.ACTION, Entity.ORGANISATION, Entity.THEME}
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self._themes = env.services.vocabulary.themes()
        self.add_filter("theme", "Themes", lambda: theme_choices(env))
        self.add_filter("status", "Statuses", [(status.value, status) for status in NeedStatus])
        self.add_filter("priority", "Priorities", [(priority.value, priority) for priority in Priority])
        self.add_filter("organisation", "Organisations", lambda: organisation_choices(env))
        self.add_filter(
            "gap",
            "Needs",
            [
                ("Shared needs", "shared"),
                ("With no action yet", "unaddressed"),
                ("Shared, open, no action", "shared_unaddressed"),
            ],
        )
        self._theme_ids: set[uuid.UUID] | None = None
        self._organisation_needs: set[uuid.UUID] | None = None
        self.find_support_button = QPushButton("Find su&pport…")
        self.find_support_button.setObjectName("findSupportButton")
        self.find_support_button.setToolTip("The support directory's offers that fit the selected need, and why")
        self.find_support_button.clicked.connect(self.find_support_for_selected)
        self.footer.insertWidget(1, self.find_support_button)
        self._update_buttons()

    def columns(self) -> Sequence[Column[NeedSummary]]:
        shared = lambda n: SHARED_BACKGROUND if n.is_shared else None  # noqa: E731
        return [
            Column("Title", lambda n: n.title, width=330, tooltip=lambda n: n.title),
            Column("Theme", lambda n: n.theme_name, width=170, tooltip=lambda n: n.theme_full_name),
            Column("Organisations", lambda n: n.organisation_names, width=220, tooltip=lambda n: n.organisation_names),
            Column(
                "Shared by",
                lambda n: f"{n.organisation_count}",
                sort_key=lambda n: n.organisation_count,
                align_right=True,
                background=shared,
                width=80,
            ),
            Column("Priority", lambda n: n.priority.value if n.priority else "", sort_key=_priority_rank, width=80),
            Column("Status", lambda n: n.status.value, width=125),
            Column(
                "Actions", lambda n: f"{n.action_count}", sort_key=lambda n: n.action_count, align_right=True, width=70
            ),
            Column(
                "Identified",
                lambda n: format_date(n.identified_on),
                sort_key=lambda n: n.identified_on,
                width=95,
            ),
        ]

    def expected_rows(self) -> int:
        return self.services.workspace.count(Entity.NEED)

    def load_rows(self) -> list[NeedSummary]:
        return self.services.needs.list()

    def load_rows_by_id(self, ids: frozenset[uuid.UUID]) -> list[NeedSummary]:
        return self.services.needs.list(ids=ids)

    def prepare_filters(self) -> None:
        self._theme_ids = self.looked_up("theme", lambda theme: theme_with_subthemes(self._themes, theme))
        self._organisation_needs = self.looked_up(
            "organisation", lambda chosen: {n.id for n in self.services.needs.list(organisation_id=chosen)}
        )

    def search_text(self, row: NeedSummary) -> str:
        return f"{row.title} {row.organisation_names}".casefold()

    def matches(self, row: NeedSummary) -> bool:
        if self._theme_ids is not None and row.theme_id not in self._theme_ids:
            return False
        status = self.filter_value("status")
        if status is not None and row.status != status:
            return False
        priority = self.filter_value("priority")
        if priority is not None and row.priority != priority:
            return False
        if self._organisation_needs is not None and row.id not in self._organisation_needs:
            return False
        gap = self.filter_value("gap")
        if gap in ("shared", "shared_unaddressed") and not row.is_shared:
            return False
        if gap == "shared_unaddressed" and row.status not in OPEN_NEED_STATUSES:
            return False  # a met or closed need is no gap
        return not (gap in ("unaddressed", "shared_unaddressed") and row.action_count > 0)

    def open_editor(self, row: NeedSummary | None) -> None:
        saved = open_need(self.env, row.id if row is not None else None, self)
        if saved is not None:
            self.select_where(lambda n: n.id == saved.id)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if hasattr(self, "find_support_button"):  # the base class calls this before the button exists
            self.find_support_button.setEnabled(len(self.selected_rows()) == 1)

    def find_support_for_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) == 1:
            find_support(self.env, rows[0].id, self)

    def delete_rows(self, rows: list[NeedSummary]) -> None:
        needs = self.services.needs
        ids = [row.id for row in rows]
        deleted = needs.delete(ids)
        text = f"delete need {rows[0].title}" if len(rows) == 1 else f"delete {len(rows)} needs"
        push_deleted(self.env.undo_stack, text, ids, deleted, needs.delete, needs.restore, self)


def _priority_rank(row: NeedSummary) -> int | None:
    order = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
    return order.get(row.priority) if row.priority else None
