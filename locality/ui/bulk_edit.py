"""Changing the status, lead organisation, theme or due date of many selected actions at once, as one step that
Edit › Undo reverses for every one of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QStackedWidget, QWidget

from locality.domain.errors import ValidationError
from locality.domain.text import noun_for
from locality.domain.vocabulary import ActionStatus
from locality.services.bulk_edits import BulkChange, BulkEditService, BulkField
from locality.ui.edit_dialog import EditDialog
from locality.ui.env import UiEnv
from locality.ui.forms import DateField, choice_combo
from locality.ui.pickers import organisation_choices, theme_choices
from locality.ui.undo import push_done

# Actions carry a theme of their own (as needs do), shown on the actions list's theme filter: that is the theme
# changed here; the themes of the needs an action addresses are left alone.
FIELD_CHOICES = [
    ("Status", BulkField.STATUS),
    ("Lead organisation", BulkField.LEAD),
    ("Theme", BulkField.THEME),
    ("Due date", BulkField.DUE),
]


SHOWN_TITLES = 4


def _short(title: str, limit: int = 70) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


class BulkEditDialog(EditDialog):
    """ "Change 3 selected actions": which field, and its new value."""

    def __init__(
        self, env: UiEnv, action_ids: Sequence[uuid.UUID], titles: Sequence[str], parent: QWidget | None = None
    ) -> None:
        count = len(action_ids)
        super().__init__(f"Change {count} selected {noun_for(count, 'action')}", parent)
        self.env = env
        self.action_ids = list(action_ids)
        lines = [f"• {_short(title)}" for title in titles[:SHOWN_TITLES]]
        if count > SHOWN_TITLES:
            lines.append(f"…and {count - SHOWN_TITLES} more")
        summary = QLabel(
            f"The field you choose is set to the same value on {'this action' if count == 1 else f'all {count}'}:\n"
            + "\n".join(lines)
            + "\nEdit › Undo puts back each action's own value."
        )
        summary.setObjectName("bulkSummary")
        summary.setWordWrap(True)
        self.outer.insertWidget(0, summary)
        self.field = self.form.add_field("field", "&Change:", choice_combo(FIELD_CHOICES))
        self.status = choice_combo([(status.value, status) for status in ActionStatus])
        self.status.setAccessibleName("New status")
        self.lead = choice_combo(organisation_choices(env), "(no lead organisation)")
        self.lead.setAccessibleName("New lead organisation")
        self.theme = choice_combo(theme_choices(env, in_use_only=True), "(no theme)")
        self.theme.setAccessibleName("New theme")
        self.due = DateField()
        self.due.setAccessibleName("New due date")
        self.editors: dict[BulkField, QWidget] = {
            BulkField.STATUS: self.status,
            BulkField.LEAD: self.lead,
            BulkField.THEME: self.theme,
            BulkField.DUE: self.due,
        }
        self.stack = QStackedWidget()
        for editor in self.editors.values():
            self.stack.addWidget(editor)
        self.form.add_field("value", "&To:", self.stack)
        self.field.currentIndexChanged.connect(lambda _index: self._show_editor())
        self._show_editor()
        self.finish_layout()
        self.field.setFocus()

    def chosen_field(self) -> BulkField:
        return BulkField(self.field.currentData())

    def _show_editor(self) -> None:
        self.stack.setCurrentWidget(self.editors[self.chosen_field()])

    def choose(self, field: BulkField) -> None:
        for number in range(self.field.count()):
            if self.field.itemData(number) == field:
                self.field.setCurrentIndex(number)

    def value(self) -> object:
        editor = self.editors[self.chosen_field()]
        if isinstance(editor, DateField):
            return editor.value()
        assert isinstance(editor, QComboBox)
        return editor.currentData()

    def save(self) -> BulkChange:
        try:
            return change_with_undo(self.env, self.action_ids, self.chosen_field(), self.value(), self.parentWidget())
        except ValidationError as error:
            raise ValidationError({"value": str(error)}) from None


def change_with_undo(
    env: UiEnv, action_ids: Sequence[uuid.UUID], field: BulkField, value: object, parent: QWidget | None
) -> BulkChange:
    """Makes the change and puts it on the undo stack as one step; undo and redo each revert the last step."""
    bulk: BulkEditService = env.services.bulk_edits
    change = bulk.set_field(action_ids, field, value)
    if not change.count:
        return change  # every one already had that value: nothing to undo
    state = {"change": change}

    def swap() -> None:
        state["change"] = bulk.revert(state["change"])

    count = len(action_ids)
    push_done(
        env.undo_stack,
        f"change the {field.label} of {count} {noun_for(count, 'action')}",
        redo=swap,
        undo=swap,
        parent_widget=parent,
    )
    return change
