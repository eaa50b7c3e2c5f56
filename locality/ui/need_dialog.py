"""The need dialog, and opening a need from any page."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.vocabulary import NeedRole, NeedStatus, Priority, VocabularyKind
from locality.services.needs import Need, NeedDraft, NeedLinkDraft
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.errors import show_error
from locality.ui.find_support import find_support
from locality.ui.forms import DateField, select_data
from locality.ui.link_table import LinkColumn, LinkTable
from locality.ui.pickers import organisation_choices, theme_choices
from locality.ui.style import scaled
from locality.ui.undo import save_with_undo


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
        self.description.setFixedHeight(scaled(54))
        self.theme = self.form.add_field("theme_id", "T&heme:", QComboBox())
        self.theme.addItem("(no theme)", None)
        for text, value in theme_choices(env, need.theme_id if need else None, in_use_only=True):
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
        self.notes.setFixedHeight(scaled(48))
        self.confidential = self.form.add_field(
            "notes_confidential", "", QCheckBox("Notes are &confidential (left out of exports)")
        )
        self.actions_list = QListWidget()
        self.actions_list.setAccessibleName("Actions addressing this need")
        self.actions_list.setFixedHeight(scaled(54))  # low enough, with the History tab, for a 768-pixel screen
        # Find support sits beside the actions: the offers that fit the need, and a joint action from one.
        self.find_support_button = QPushButton("&Find support…")
        self.find_support_button.setObjectName("needFindSupportButton")
        self.find_support_button.clicked.connect(self.find_support)
        self.find_support_button.setEnabled(need is not None)
        self.find_support_button.setToolTip(
            "The support directory's offers that fit this need as saved"
            if need is not None
            else "Save the need first, then find the support that fits it"
        )
        actions_box = QWidget()
        actions_row = QHBoxLayout(actions_box)
        actions_row.setContentsMargins(0, 0, 0, 0)
        actions_row.addWidget(self.actions_list, 1)
        button_column = QVBoxLayout()
        button_column.addWidget(self.find_support_button)
        button_column.addStretch(1)
        actions_row.addLayout(button_column)
        self.form.addRow(QLabel("Actions addressing it:"), actions_box)
        if need is not None:
            self.add_history(env, Entity.NEED, need.id)
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
        self._show_actions(need.action_ids)

    def _show_actions(self, action_ids: tuple[uuid.UUID, ...]) -> None:
        self.actions_list.clear()
        titles = [self.env.services.actions.get(action_id).title for action_id in action_ids[:50]]
        for title in titles:
            self.actions_list.addItem(title)
        if not titles:
            self.actions_list.addItem("(no action addresses this need yet)")

    def find_support(self) -> None:
        """The Find support dialog for the need as saved; a joint action saved from it is listed here."""
        if self.need is None:
            return
        if find_support(self.env, self.need.id, self):
            self._show_actions(self.env.services.needs.get(self.need.id).action_ids)

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
