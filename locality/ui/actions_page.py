"""The actions page: joint capacity-building actions with their leads, partners, needs, milestones and progress."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.values import format_date, parse_optional_date
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, ActionStatus, Rag
from locality.services.actions import ActionSummary
from locality.services.context import Changes
from locality.ui.action_dialog import LogProgressDialog, open_action
from locality.ui.bulk_edit import BulkEditDialog
from locality.ui.edit_dialog import run_dialog
from locality.ui.empty_state import NextStep, import_step, page_step
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.grid import CellEditDelegate, FrozenColumnTableView, columns_menu
from locality.ui.list_page import ListPage
from locality.ui.pickers import organisation_choices, theme_choices, theme_with_subthemes
from locality.ui.rag import RAG_BACKGROUND, RAG_FOREGROUND, rag_text
from locality.ui.saved_views import SavedViewBar, SavedViews
from locality.ui.table_model import Column, money_column
from locality.ui.undo import push_deleted, save_with_undo

# The actions list's columns edited in place, by title, and the action field each one saves.
CELL_FIELDS = {"Title": "title", "Status": "status", "Done": "percent_complete", "Due": "due_on"}
# Those a double-click edits; a double-click on any other cell (the title included) opens the action.
DOUBLE_CLICK_EDITS = frozenset({"Status", "Done", "Due"})


class ActionsPage(ListPage[ActionSummary]):
    title = "Actions"
    table_class = FrozenColumnTableView
    unfiltered_matches_all = True
    noun = "action"
    changes = Entity.ACTION
    row_entity = Entity.ACTION
    plural = "actions"

    def empty_sentence(self) -> str:
        return (
            "No actions yet. Agree a joint capacity-building action for the needs partners share: who leads, "
            "which partners contribute what, its dates and budget. The needs map's Gaps tab lists the shared "
            "needs that have no action."
        )

    def empty_steps(self) -> list[NextStep]:
        return [
            *super().empty_steps(),
            import_step(self.env, self, "actions"),
            page_step(self.env, "Open the &needs map", "needsMapPage"),
        ]

    watches = frozenset(
        {
            Entity.ACTION,
            Entity.ACTION_PARTNER,
            Entity.ACTION_NEED,
            Entity.MILESTONE,
            Entity.PROGRESS_UPDATE,
            Entity.SPEND,
            Entity.ORGANISATION,
            Entity.WORKSPACE_META,
        }
    )

    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__(env, parent)
        self._themes = env.services.vocabulary.themes()
        self.add_filter("theme", "Themes", lambda: theme_choices(env))
        self.add_filter("status", "Statuses", [(status.value, status) for status in ActionStatus])
        self.add_filter("organisation", "Organisations", lambda: organisation_choices(env))
        self.add_filter("rag", "RAG ratings", [(rag.value, rag) for rag in Rag])
        self.add_filter(
            "timing",
            "Timings",
            [("Open only", "open"), ("Overdue", "overdue"), ("With no need", "no_need")],
        )
        self._theme_ids: set[uuid.UUID] | None = None
        self._organisation_actions: set[uuid.UUID] | None = None
        self.log_button = QPushButton("&Log progress…")
        self.log_button.clicked.connect(self.log_progress_on_selected)
        self.bulk_button = QPushButton("C&hange selected…")
        self.bulk_button.setObjectName("bulkEditButton")
        self.bulk_button.setToolTip("Set the status, lead organisation, theme or due date of every selected action")
        self.bulk_button.clicked.connect(self.change_selected)
        self.footer.insertWidget(1, self.log_button)
        self.footer.insertWidget(2, self.bulk_button)
        self._saving_cell = False
        self._set_up_grid()
        self._update_buttons()

    # ------------------------------------------------------------------ spreadsheet habits

    def _set_up_grid(self) -> None:
        """Cells edited in place, columns chosen from the header, saved views, and the context menu."""
        self.model.save_cell = self.save_cell
        self.table.setItemDelegate(CellEditDelegate(self.model, self.table))
        if isinstance(self.table, FrozenColumnTableView):
            self.table.frozen.setItemDelegate(CellEditDelegate(self.model, self.table.frozen))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setToolTip(
            "F2 edits the title, status, % done or due date in place; double-click status, % or due to edit it, "
            "anywhere else to open the action"
        )
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.columns_menu().exec(header.mapToGlobal(pos)))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)

        bar = QHBoxLayout()
        self.views = SavedViewBar(self, SavedViews(self.env.settings, self._views_key()))
        bar.addWidget(self.views)
        bar.addStretch(1)
        self.columns_button = QPushButton("C&olumns…")
        self.columns_button.setObjectName("columnsButton")
        self.columns_button.setToolTip("Choose which columns show (or right-click a column heading)")
        self.columns_button.clicked.connect(
            lambda: self.columns_menu().exec(self.columns_button.mapToGlobal(QPoint(0, self.columns_button.height())))
        )
        bar.addWidget(self.columns_button)
        self.page_layout.insertLayout(self.page_layout.indexOf(self.table_area), bar)

    def _views_key(self) -> str:
        workspace = self.services.workspace.details().workspace_id
        return f"views/{workspace}/actions"

    def columns_menu(self) -> QMenu:
        titles = [column.title for column in self.model.columns]
        return columns_menu(self.table, titles, self.save_table_state, self)

    def _restore_header(self) -> None:
        super()._restore_header()
        self.table.setColumnHidden(0, False)  # the title always shows: it is the frozen column
        if isinstance(self.table, FrozenColumnTableView):
            self.table.sync_frozen()

    def apply_filters(self) -> None:
        super().apply_filters()
        if hasattr(self, "views"):
            self.views.filters_changed()

    def _row_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        count = len(self.selected_rows())
        menu.addAction("&Open…", self.edit_selected).setEnabled(count == 1)
        menu.addAction("C&hange selected…", self.change_selected).setEnabled(count >= 1)
        menu.addAction("&Log progress…", self.log_progress_on_selected).setEnabled(count == 1)
        menu.addSeparator()
        menu.addMenu(self.columns_menu())
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def on_double_click(self, index: QModelIndex) -> None:
        """Status, % done and due date are edited where they are (a spreadsheet habit); a double-click anywhere
        else, the title included, opens the action as before. F2 edits the title too."""
        if index.isValid() and self.model.columns[index.column()].title in DOUBLE_CLICK_EDITS:
            self.table.edit(index)
            return
        self.edit_selected()

    def change_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        run_dialog(BulkEditDialog(self.env, [row.id for row in rows], [row.title for row in rows], self))

    def save_cell(self, row: ActionSummary, column: int, value: Any) -> bool:
        """Saves a cell edited in place through the same service, checks and undo step as the action's dialog;
        a refused value is explained (once the editor has closed) and the cell keeps its old value."""
        name = CELL_FIELDS[self.model.columns[column].title]
        self._saving_cell = True
        try:
            if name == "due_on":
                value = parse_optional_date(str(value), "due_on")
            elif name == "status":
                value = ActionStatus(value)
            current = self.services.actions.get(row.id)
            draft = replace(current.as_draft(), **{name: value})
            save_with_undo(
                self.env.undo_stack,
                current,
                draft,
                create=self.services.actions.create,
                update=self.services.actions.update,
                delete=self.services.actions.delete,
                restore=self.services.actions.restore,
                describe=lambda verb, action: f"{verb} action {action.title}",
                parent=self,
            )
        except Exception as error:
            refused = (
                ValidationError(f"“{row.title}” was not changed. {error}")
                if isinstance(error, ValidationError)
                else error
            )
            QTimer.singleShot(0, lambda: show_error(self, refused, "Not saved"))
            return False
        finally:
            self._saving_cell = False
        return True

    def on_changes(self, changes: Changes) -> None:
        # A value saved from a cell editor: the rows are reloaded once the editor has closed, not while it is
        # handing its value over (reloading the model then would delete the editor under it).
        if self._saving_cell:
            QTimer.singleShot(0, lambda: super(ActionsPage, self).on_changes(changes))
            return
        super().on_changes(changes)

    def columns(self) -> Sequence[Column[ActionSummary]]:
        def rag_background(row: ActionSummary) -> QColor | None:
            return RAG_BACKGROUND.get(row.rag) if row.rag else None

        def rag_foreground(row: ActionSummary) -> QColor | None:
            return RAG_FOREGROUND.get(row.rag) if row.rag else None

        return [
            Column("Title", lambda a: a.title, width=300, tooltip=lambda a: a.title, editor="text"),
            Column("Lead", lambda a: a.lead_organisation_name, width=180),
            Column("Owner", lambda a: a.owner_name, width=140, tooltip=lambda a: a.owner_name),
            Column("Partners", lambda a: a.partner_names, width=200, tooltip=lambda a: a.partner_names),
            Column(
                "Status",
                lambda a: a.status.value,
                width=95,
                editor="choice",
                choices=[(status.value, status) for status in ActionStatus],
                edit_value=lambda a: a.status,
            ),
            Column(
                "RAG",
                lambda a: rag_text(a.rag),
                sort_key=lambda a: {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}.get(a.rag, 3) if a.rag else 3,
                tooltip=lambda a: a.rag_reason,
                background=rag_background,
                foreground=rag_foreground,
                width=70,
            ),
            Column(
                "Done",
                lambda a: f"{a.percent_complete}%",
                sort_key=lambda a: a.percent_complete,
                align_right=True,
                width=55,
                editor="percent",
                edit_value=lambda a: a.percent_complete,
            ),
            Column("Start", lambda a: format_date(a.start_on), sort_key=lambda a: a.start_on, width=85),
            Column("Due", lambda a: format_date(a.due_on), sort_key=lambda a: a.due_on, width=85, editor="date"),
            money_column("Budget", lambda a: a.budget_pence, width=95),
            money_column("Spent", lambda a: a.spend_pence, width=95),
            Column("Needs", lambda a: f"{a.need_count}", sort_key=lambda a: a.need_count, align_right=True, width=55),
        ]

    def expected_rows(self) -> int:
        return self.services.workspace.count(Entity.ACTION)

    def load_rows(self) -> list[ActionSummary]:
        return self.services.actions.list()

    def load_rows_by_id(self, ids: frozenset[uuid.UUID]) -> list[ActionSummary]:
        return self.services.actions.summaries(ids)

    def prepare_filters(self) -> None:
        self._theme_ids = self.looked_up("theme", lambda theme: theme_with_subthemes(self._themes, theme))
        self._organisation_actions = self.looked_up(
            "organisation",
            lambda organisation: {a.id for a in self.services.actions.list(organisation_id=organisation)},
        )

    def search_text(self, row: ActionSummary) -> str:
        return f"{row.title} {row.lead_organisation_name} {row.owner_name} {row.partner_names}".casefold()

    def matches(self, row: ActionSummary) -> bool:
        if self._theme_ids is not None and row.theme_id not in self._theme_ids:
            return False
        status = self.filter_value("status")
        if status is not None and row.status != status:
            return False
        rag = self.filter_value("rag")
        if rag is not None and row.rag != rag:
            return False
        if self._organisation_actions is not None and row.id not in self._organisation_actions:
            return False
        timing = self.filter_value("timing")
        if timing == "overdue":
            today: date = self.services.context.today()
            return row.due_on is not None and row.due_on < today and row.status not in CLOSED_ACTION_STATUSES
        if timing == "no_need":
            return row.need_count == 0
        if timing == "open":
            return row.status not in CLOSED_ACTION_STATUSES
        return True

    def open_editor(self, row: ActionSummary | None) -> None:
        saved = open_action(self.env, row.id if row is not None else None, self)
        if saved is not None:
            self.select_where(lambda a: a.id == saved.id)

    def log_progress_on_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        try:
            action = self.services.actions.get(rows[0].id)
        except Exception as error:
            show_error(self, error)
            return
        run_dialog(LogProgressDialog(self.env, action, self))

    def _update_buttons(self) -> None:
        super()._update_buttons()
        rights = self.services.rights
        if hasattr(self, "log_button"):
            rows = self.selected_rows()
            may_log = len(rows) == 1 and rights.may_change_action_id(rows[0].id)
            self.log_button.setEnabled(may_log)
            self.log_button.setToolTip(rights.reason if len(rows) == 1 and not may_log else "")
        if hasattr(self, "bulk_button"):
            self.bulk_button.setEnabled(bool(self.table.selectionModel().selectedRows()) and not rights.limited)
            if rights.limited:
                self.bulk_button.setToolTip(rights.reason)

    def delete_rows(self, rows: list[ActionSummary]) -> None:
        actions = self.services.actions
        ids = [row.id for row in rows]
        deleted = actions.delete(ids)
        text = f"delete action {rows[0].title}" if len(rows) == 1 else f"delete {len(rows)} actions"
        push_deleted(self.env.undo_stack, text, ids, deleted, actions.delete, actions.restore, self)
