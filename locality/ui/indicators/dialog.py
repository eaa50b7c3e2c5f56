"""The dialog that adds or changes an indicator: name, unit, direction, baseline, target and what it
evidences."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.vocabulary import Direction, TargetKind
from locality.services.indicators import Indicator, IndicatorDraft
from locality.ui.edit_dialog import EditDialog
from locality.ui.env import UiEnv
from locality.ui.forms import ChoiceCombo, DateField, choice_combo, select_data
from locality.ui.indicators.wording import format_value, parse_value
from locality.ui.style import scaled
from locality.ui.undo import save_with_undo


class IndicatorDialog(EditDialog):
    """New or edit indicator: name, unit, direction, baseline, target and what it evidences."""

    def __init__(self, env: UiEnv, indicator: Indicator | None, parent: QWidget | None = None) -> None:
        super().__init__("Edit indicator" if indicator else "New indicator", parent)
        self.is_new = indicator is None
        self.env = env
        self.indicator = indicator
        indicators = env.services.indicators
        self.name = self.form.add_field("name", "&Name:", QLineEdit())
        self.description = self.form.add_field("description", "&Description:", QPlainTextEdit())
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(scaled(60))
        self.unit = self.form.add_field("unit", "&Unit:", QLineEdit())
        self.unit.setPlaceholderText("for example %, incidents, days")
        self.direction = self.form.add_field(
            "direction", "Di&rection:", choice_combo([(d.value, d) for d in Direction], None)
        )
        self.target_kind = self.form.add_field(
            "target_kind",
            "Target &kind:",
            choice_combo(
                [
                    ("Periodic (the latest value counts)", TargetKind.PERIODIC),
                    ("Cumulative (the running total counts)", TargetKind.CUMULATIVE),
                ],
                None,
            ),
        )
        self.baseline_value = self.form.add_field("baseline_value", "&Baseline value:", QLineEdit())
        self.baseline_on = self.form.add_field("baseline_on", "Baseline d&ate:", DateField())
        self.target_value = self.form.add_field("target_value", "&Target value:", QLineEdit())
        self.target_on = self.form.add_field("target_on", "Target dat&e:", DateField())
        # Thousands of needs and tens of thousands of actions: the lists are read on a worker thread once the
        # dialog is up (or at once when the user reaches the field first), and searched by typing.
        self.need = self.form.add_field(
            "need_id",
            "E&vidences need:",
            ChoiceCombo("(no need)", load=lambda: [(t, i) for i, t in indicators.need_choices()]),
        )
        self.action = self.form.add_field(
            "action_id",
            "Evidences a&ction:",
            ChoiceCombo("(no action)", load=lambda: [(t, i) for i, t in indicators.action_choices()]),
        )
        if indicator is not None:
            self.add_history(env, Entity.INDICATOR, indicator.id)
        self.finish_layout()
        if indicator is not None:
            self.load(indicator)
        self.name.setFocus()
        self.need.start_loading()
        self.action.start_loading()

    def load(self, record: Any) -> None:
        indicator: Indicator = record
        self.indicator = indicator
        self.name.setText(indicator.name)
        self.description.setPlainText(indicator.description)
        self.unit.setText(indicator.unit)
        select_data(self.direction, indicator.direction)
        select_data(self.target_kind, indicator.target_kind)
        self.baseline_value.setText(format_value(indicator.baseline_value))
        self.baseline_on.set_value(indicator.baseline_on)
        self.target_value.setText(format_value(indicator.target_value))
        self.target_on.set_value(indicator.target_on)
        self.need.select(indicator.need_id, indicator.need_title)
        self.action.select(indicator.action_id, indicator.action_title)

    def draft(self) -> IndicatorDraft:
        errors: dict[str, str] = {}
        values: dict[str, float | None] = {}
        for name, edit, label in (
            ("baseline_value", self.baseline_value, "The baseline"),
            ("target_value", self.target_value, "The target"),
        ):
            try:
                values[name] = parse_value(edit.text(), name, label)
            except ValidationError as error:
                errors.update(error.field_errors)
        if errors:
            raise ValidationError(errors)
        return IndicatorDraft(
            name=self.name.text(),
            description=self.description.toPlainText(),
            unit=self.unit.text(),
            direction=Direction(self.direction.currentData()),
            target_kind=TargetKind(self.target_kind.currentData()),
            baseline_value=values["baseline_value"],
            baseline_on=self.baseline_on.value(),
            target_value=values["target_value"],
            target_on=self.target_on.value(),
            need_id=self.need.value(),  # type: ignore[arg-type]
            action_id=self.action.value(),  # type: ignore[arg-type]
        )

    def save(self) -> Indicator:
        indicators = self.env.services.indicators
        return save_with_undo(
            self.env.undo_stack,
            self.indicator,
            self.draft(),
            create=indicators.create,
            update=indicators.update,
            delete=indicators.delete,
            restore=indicators.restore,
            describe=lambda verb, indicator: f"{verb} indicator {indicator.name}",
            parent=self.parentWidget(),
        )
