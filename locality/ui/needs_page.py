"""The needs page: improvement needs, the theme they fall under and the organisations that share them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.values import format_date
from locality.domain.vocabulary import OPEN_NEED_STATUSES, NeedRole, NeedStatus, Priority, VocabularyKind
from locality.services.needs import Need, NeedDraft, NeedLinkDraft, NeedSummary
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.forms import DateField, select_data
from locality.ui.link_table import LinkColumn, LinkTable
from locality.ui.list_page import ListPage
from locality.ui.pickers import organisation_choices, theme_choices, theme_with_subthemes
from locality.ui.table_model import Column
from locality.ui.undo import push_deleted, save_with_undo

SHARED_BACKGROUND = QColor("#e0f2f1")


class NeedDialog(EditDialog):
    def __init__(self, env: UiEnv, need: Need | None, parent: QWidget | None = None) -> None:
        super().__init__("Edit need" if need else "New need", parent)
        self.is_new = need is None
        self.env = env
        self.need = need
        self.setMinimumWidth(720)
        self.title_edit = self.form.add_field("title", "&Title:", QLineEdit())
        self.description = self.form.add_field("description", "&Description:", QPlainTextEdit())
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        self.theme = self.form.add_field("theme_id", "T&heme:", QComboBox())
        self.theme.addItem("(no theme)", None)
        for text, value in theme_choices(env):
            self.theme.addItem(text, value)
        self.area = self.form.add_field("area", "&Area:", QLineEdit())
        self.area.setPlaceholderText("for example North Westshire, or the whole county")
        self.source = self.form.add_field("source_id", "&Source:", QComboBox())
        self.source.addItem("(not set)", None)
        for term in env.services.vocabulary.terms(VocabularyKind.NEED_SOURCE):
            self.source.addItem(term.name, term.id)
        self.priority = self.form.add_field("priority", "&Priority:", QComboBox())
        self.priority.addItem("(not set)", None)
        for priority in Priority:
            self.priority.addItem(priority.value, priority)
        self.score = self.form.add_field("score", "Sc&ore (0–100):", QSpinBox())
        self.score.setRange(-1, 100)
        self.score.setSpecialValueText("(no score)")
        self.score.setValue(-1)
        self.status = self.form.add_field("status", "Stat&us:", QComboBox())
        for status in NeedStatus:
            self.status.addItem(status.value, status)
        self.identified_on = self.form.add_field("identified_on", "&Identified on:", DateField())
        self.organisations = LinkTable(
            [
                LinkColumn("organisation_id", "Organisation", choices=organisation_choices(env), width=250),
                LinkColumn("role", "Role", choices=[(role.value, role) for role in NeedRole], width=110),
                LinkColumn(
                    "severity",
                    "Severity for them",
                    choices=[("(not set)", None)] + [(p.value, p) for p in Priority],
                    width=150,
                ),
            ],
            "organisation",
        )
        self.form.add_field("organisations", "Or&ganisations:", self.organisations)
        self.notes = self.form.add_field("notes", "&Notes:", QPlainTextEdit())
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.confidential = self.form.add_field(
            "notes_confidential", "", QCheckBox("Notes are &confidential (left out of exports)")
        )
        self.actions_list = QListWidget()
        self.actions_list.setAccessibleName("Actions addressing this need")
        self.actions_list.setFixedHeight(70)
        self.form.addRow(QLabel("Actions addressing it:"), self.actions_list)
        self.finish_layout()
        if need is not None:
            self.load(need)
        else:
            self.identified_on.set_value(env.services.context.today())
            self.actions_list.addItem("(none yet: save the need, then link it from an action)")

    def load(self, need: Need) -> None:
        self.need = need
        self.title_edit.setText(need.title)
        self.description.setPlainText(need.description)
        select_data(self.theme, need.theme_id)
        self.area.setText(need.area)
        select_data(self.source, need.source_id)
        select_data(self.priority, need.priority)
        self.score.setValue(need.score if need.score is not None else -1)
        select_data(self.status, need.status)
        self.identified_on.set_value(need.identified_on)
        self.organisations.set_rows(
            [
                {"organisation_id": link.organisation_id, "role": link.role, "severity": link.severity}
                for link in need.links
            ]
        )
        self.notes.setPlainText(need.notes)
        self.confidential.setChecked(need.notes_confidential)
        self.actions_list.clear()
        titles = [self.env.services.actions.get(action_id).title for action_id in need.action_ids[:50]]
        for title in titles:
            self.actions_list.addItem(title)
        if not titles:
            self.actions_list.addItem("(no action addresses this need yet)")

    def draft(self) -> NeedDraft:
        links = []
        for row in self.organisations.rows():
            if row["organisation_id"] is None:
                raise ValidationError({"organisations": "Choose an organisation on every row, or remove the row"})
            links.append(NeedLinkDraft(row["organisation_id"], row["role"], row["severity"]))
        return NeedDraft(
            title=self.title_edit.text(),
            description=self.description.toPlainText(),
            theme_id=self.theme.currentData(),
            area=self.area.text(),
            source_id=self.source.currentData(),
            priority=self.priority.currentData(),
            score=self.score.value() if self.score.value() >= 0 else None,
            status=self.status.currentData(),
            identified_on=self.identified_on.value(),
            notes=self.notes.toPlainText(),
            notes_confidential=self.confidential.isChecked(),
            organisations=tuple(links),
        )

    def save(self) -> Need:
        needs = self.env.services.needs
        return save_with_undo(
            self.env.undo_stack,
            self.need,
            self.draft(),
            create=needs.create,
            update=needs.update,
            delete=needs.delete,
            restore=needs.restore,
            describe=lambda verb, need: f"{verb} need {need.title}",
            parent=self.parentWidget(),
        )


def open_need(env: UiEnv, need_id: uuid.UUID | None, parent: QWidget | None) -> Need | None:
    """Opens the need's dialog (a new need when ``need_id`` is None) from any page; returns what was saved, or
    None if the user cancelled or the need could not be read (the user has been told why)."""
    try:
        current = env.services.needs.get(need_id) if need_id is not None else None
    except Exception as error:  # e.g. deleted by someone else a moment ago
        show_error(parent, error)
        return None
    return run_dialog(NeedDialog(env, current, parent))


class NeedsPage(ListPage[NeedSummary]):
    title = "Needs"
    unfiltered_matches_all = True
    noun = "need"
    plural = "needs"
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

    def delete_rows(self, rows: list[NeedSummary]) -> None:
        needs = self.services.needs
        ids = [row.id for row in rows]
        deleted = needs.delete(ids)
        text = f"delete need {rows[0].title}" if len(rows) == 1 else f"delete {len(rows)} needs"
        push_deleted(self.env.undo_stack, text, ids, deleted, needs.delete, needs.restore, self)


def _priority_rank(row: NeedSummary) -> int | None:
    order = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
    return order.get(row.priority) if row.priority else None
