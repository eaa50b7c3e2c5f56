"""File › Workspace settings: the partnership's name, area, plan period and owner organisation, and the numbers
the RAG rule uses, with the rule itself spelt out in words as the numbers change. Saved together, undoable."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from locality.domain.errors import ValidationError
from locality.domain.rag import RagThresholds, describe_rule
from locality.services.workspace_info import WorkspaceDetails
from locality.ui.checklist import checked_values, checklist
from locality.ui.edit_dialog import EditDialog, run_dialog
from locality.ui.env import UiEnv
from locality.ui.forms import DateField, find_data
from locality.ui.undo import push_done

THRESHOLD_FIELDS = (
    "due_soon_days",
    "amber_shortfall",
    "red_shortfall",
    "amber_overdue_milestones",
    "red_overdue_milestones",
)


def _spin(maximum: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setSuffix(suffix)
    return spin


class WorkspaceSettingsDialog(EditDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None) -> None:
        super().__init__("Workspace settings", parent)
        self.env = env
        self.setMinimumWidth(900)
        # Room for the themes in use above the RAG rule spelt out in full (a word-wrapped label does not ask for
        # its height), and still within a 1366×768 laptop's screen.
        self.setMinimumHeight(640)
        self.details: WorkspaceDetails = env.services.workspace.details()

        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name.setPlaceholderText("For example: Anytown Locality Partnership")
        self.form.add_field("partnership_name", "&Partnership name:", self.name)
        self.area = QLineEdit()
        self.area.setMaxLength(200)
        self.area.setPlaceholderText("For example: Anytown and district")
        self.form.add_field("area", "&Area:", self.area)
        self.plan_start = DateField()
        self.form.add_field("plan_start", "Plan &starts:", self.plan_start)
        self.plan_end = DateField()
        self.form.add_field("plan_end", "Plan &ends:", self.plan_end)
        self.owner = QComboBox()
        self.owner.addItem("(no owner organisation)", None)
        for organisation_id, name in env.services.organisations.names():
            self.owner.addItem(name, organisation_id)
        self.form.add_field("owner_organisation_id", "&Owner organisation:", self.owner)
        # The themes the partnership works on (chosen first in the set-up): the others stay, out of the pickers.
        self.themes = checklist(
            [
                (("    " if theme.parent_id else "") + theme.name, theme.id)
                for theme in env.services.vocabulary.themes()
            ],
            "Themes in use",
            max_height=130,
        )
        self.themes.setObjectName("themesInUse")
        self.themes.setToolTip(
            "Themes not ticked are left out of the lists a need's or an action's theme is chosen from"
        )
        self.form.add_field("themes", "T&hemes in use:", self.themes)

        group = QGroupBox("RAG rating: the numbers the rule uses")
        group_layout = QHBoxLayout(group)
        self.rag_form = self.add_form()
        left = QVBoxLayout()
        left.addLayout(self.rag_form)
        left.addStretch(1)
        group_layout.addLayout(left)
        self.spins: dict[str, QSpinBox] = {
            "due_soon_days": _spin(365, " days"),
            "amber_shortfall": _spin(100, " points"),
            "red_shortfall": _spin(100, " points"),
            "amber_overdue_milestones": _spin(99, ""),
            "red_overdue_milestones": _spin(99, ""),
        }
        labels = {
            "due_soon_days": "&Due soon within:",
            "amber_shortfall": "Amber when &behind by:",
            "red_shortfall": "&Red when behind by:",
            "amber_overdue_milestones": "Overdue milestones for A&mber:",
            "red_overdue_milestones": "Overdue m&ilestones for Red:",
        }
        tips = {
            "due_soon_days": "An action due within this many days that is not finished is Amber",
            "amber_shortfall": "Percentage points behind the percent complete expected by now",
            "red_shortfall": "Percentage points behind the percent complete expected by now",
            "amber_overdue_milestones": "How many overdue milestones make an action Amber",
            "red_overdue_milestones": "How many overdue milestones make an action Red",
        }
        for name in THRESHOLD_FIELDS:
            spin = self.spins[name]
            spin.setObjectName(f"{name}Spin")
            spin.setToolTip(tips[name])
            self.rag_form.add_field(name, labels[name], spin)
            spin.valueChanged.connect(lambda _value: self.describe())
        self.rule = QLabel()
        self.rule.setObjectName("ragRuleDescription")
        self.rule.setWordWrap(True)
        self.rule.setMinimumWidth(420)
        self.rule.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rule.setStyleSheet("color: #263238; background: #f3f5f7; padding: 8px; border-radius: 3px;")
        group_layout.addWidget(self.rule, 1)
        self.outer.addWidget(group)
        self.finish_layout()
        self.load(self.details)

    # ------------------------------------------------------------------ values

    def thresholds(self) -> RagThresholds:
        return RagThresholds(**{name: self.spins[name].value() for name in THRESHOLD_FIELDS})

    def describe(self) -> None:
        """Spells out the rule with the numbers as they now stand (or what is wrong with them)."""
        days = self.spins["due_soon_days"]
        days.setSuffix(" day" if days.value() == 1 else " days")
        thresholds = self.thresholds()
        try:
            thresholds.validate()
        except ValidationError as error:
            self.rule.setText(f"These numbers cannot be used yet: {error}\n\n{describe_rule(thresholds)}")
            return
        self.rule.setText(describe_rule(thresholds))

    def load(self, record: Any) -> None:
        details: WorkspaceDetails = record
        self.details = details
        self.name.setText(details.partnership_name)
        self.area.setText(details.area)
        self.plan_start.set_value(details.plan_start)
        self.plan_end.set_value(details.plan_end)
        index = find_data(self.owner, details.owner_organisation_id)
        if index < 0 and details.owner_organisation_id is not None:
            # An owner deleted since: kept as it is unless the user picks another.
            self.owner.addItem("(an organisation since deleted)", details.owner_organisation_id)
            index = self.owner.count() - 1
        self.owner.setCurrentIndex(max(0, index))
        in_use = self.env.services.set_up.themes_in_use()
        for number in range(self.themes.count()):
            item = self.themes.item(number)
            ticked = item.data(Qt.ItemDataRole.UserRole) in in_use
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        for name in THRESHOLD_FIELDS:
            self.spins[name].blockSignals(True)
            self.spins[name].setValue(getattr(details.rag_thresholds, name))
            self.spins[name].blockSignals(False)
        self.describe()

    def _owner_id(self) -> uuid.UUID | None:
        value = self.owner.currentData()
        return value if isinstance(value, uuid.UUID) else None

    # ------------------------------------------------------------------ saving

    def save(self) -> WorkspaceDetails:
        before = self.details
        start, end = self.plan_start.value(), self.plan_end.value()
        fields: dict[str, Any] = {
            "partnership_name": self.name.text().strip(),
            "area": self.area.text().strip(),
            "plan_start": start,
            "plan_end": end,
            "owner_organisation_id": self._owner_id(),
        }
        thresholds = self.thresholds()
        services = self.env.services
        themes_before = services.set_up.themes_in_use()
        themes = frozenset(value for value in checked_values(self.themes) if isinstance(value, uuid.UUID))
        # Everything is checked before anything is written, so that a bad value saves nothing at all.
        errors: dict[str, str] = {}
        try:
            thresholds.validate()
        except ValidationError as error:
            errors.update(error.field_errors)
        if start is not None and end is not None and end < start:
            errors["plan_end"] = "The plan cannot end before it starts"
        if errors:
            raise ValidationError(errors)
        old_fields = {
            "partnership_name": before.partnership_name,
            "area": before.area,
            "plan_start": before.plan_start,
            "plan_end": before.plan_end,
            "owner_organisation_id": before.owner_organisation_id,
        }
        if fields == old_fields and thresholds == before.rag_thresholds and themes == themes_before:
            return before
        workspace = self.env.services.workspace
        state = {"version": before.version}

        def apply(values: dict[str, Any], rule: RagThresholds, in_use: frozenset[uuid.UUID]) -> WorkspaceDetails:
            with services.batch():  # all or nothing, and one notification
                result = apply_details(values, rule)
                if in_use != services.set_up.themes_in_use():
                    services.vocabulary.set_themes_in_use(in_use)
            return result

        def apply_details(values: dict[str, Any], rule: RagThresholds) -> WorkspaceDetails:
            current = workspace.details()
            result = current
            if any(getattr(current, name) != value for name, value in values.items()):
                result = workspace.update_details(**values, expected_version=state["version"])
            elif current.version != state["version"]:
                # Someone else changed the workspace's details since: leave their change alone.
                result = workspace.update_details(
                    **{name: getattr(current, name) for name in values}, expected_version=state["version"]
                )
            if rule != result.rag_thresholds:
                result = workspace.set_rag_thresholds(rule)
            state["version"] = result.version
            return result

        saved = apply(fields, thresholds, themes)
        push_done(
            self.env.undo_stack,
            "Change workspace settings",
            redo=lambda: apply(fields, thresholds, themes),
            undo=lambda: apply(old_fields, before.rag_thresholds, themes_before),
            parent_widget=self.parentWidget(),
        )
        return saved


def edit_workspace_settings(env: UiEnv, parent: QWidget | None = None) -> WorkspaceDetails | None:
    """Opens the dialog; returns the details saved, or None if the user cancelled."""
    saved: WorkspaceDetails | None = run_dialog(WorkspaceSettingsDialog(env, parent))
    return saved
