"""File › Workspace settings: details and RAG thresholds saved together, checked first, and undoable."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog

from locality.domain.rag import RagThresholds
from locality.domain.vocabulary import Rag
from locality.services.demo import DEMO_TODAY
from locality.services.registry import Services
from locality.ui.env import UiEnv
from locality.ui.forms import find_data
from locality.ui.settings import AppSettings
from locality.ui.workspace_settings_dialog import WorkspaceSettingsDialog


@pytest.fixture
def env(demo_services: Services) -> UiEnv:
    demo_services.context.today = lambda: DEMO_TODAY
    return UiEnv(demo_services, QUndoStack(), AppSettings())


def open_dialog(qtbot: Any, env: UiEnv) -> WorkspaceSettingsDialog:
    dialog = WorkspaceSettingsDialog(env)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def green_on_track_action(services: Services) -> tuple[Any, int]:
    """An action rated Green "On track", and how many days until it is due."""
    for action in services.actions.list():
        if action.rag == Rag.GREEN and action.rag_reason.startswith("On track") and action.due_on is not None:
            return action, (action.due_on - DEMO_TODAY).days
    raise AssertionError("the demo has no action on track")


def test_shows_the_current_settings(qtbot: Any, env: UiEnv) -> None:
    details = env.services.workspace.details()
    dialog = open_dialog(qtbot, env)
    assert dialog.name.text() == details.partnership_name
    assert dialog.plan_start.value() == details.plan_start
    assert dialog.thresholds() == details.rag_thresholds
    assert dialog.owner.currentData() == details.owner_organisation_id
    assert "An action past its due date is Red." in dialog.rule.text()


def test_the_rule_description_follows_the_numbers(qtbot: Any, env: UiEnv) -> None:
    dialog = open_dialog(qtbot, env)
    dialog.spins["red_overdue_milestones"].setValue(3)
    assert "Red if 3 or more milestones are overdue" in dialog.rule.text()
    dialog.spins["due_soon_days"].setValue(30)
    assert "due within the next 30 days" in dialog.rule.text()
    dialog.spins["amber_shortfall"].setValue(40)  # more than the Red shortfall of 25
    assert dialog.rule.text().startswith("These numbers cannot be used yet:")


def test_saving_thresholds_changes_an_actions_rag_and_undo_restores_them(qtbot: Any, env: UiEnv) -> None:
    services = env.services
    action, days_left = green_on_track_action(services)
    before = services.workspace.details().rag_thresholds
    dialog = open_dialog(qtbot, env)
    dialog.spins["due_soon_days"].setValue(days_left)
    dialog.try_save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.workspace.details().rag_thresholds == RagThresholds(
        due_soon_days=days_left,
        amber_shortfall=before.amber_shortfall,
        red_shortfall=before.red_shortfall,
        amber_overdue_milestones=before.amber_overdue_milestones,
        red_overdue_milestones=before.red_overdue_milestones,
    )
    assert services.actions.get(action.id).rag.rag == Rag.AMBER
    assert env.undo_stack.count() == 1
    env.undo_stack.undo()
    assert services.workspace.details().rag_thresholds == before
    assert services.actions.get(action.id).rag.rag == Rag.GREEN
    env.undo_stack.redo()
    assert services.workspace.details().rag_thresholds.due_soon_days == days_left


def test_invalid_thresholds_show_an_error_beside_the_field_and_save_nothing(qtbot: Any, env: UiEnv) -> None:
    services = env.services
    before = services.workspace.details()
    dialog = open_dialog(qtbot, env)
    dialog.name.setText("A new name that must not be saved")
    dialog.spins["amber_shortfall"].setValue(30)  # more than the Red shortfall of 25
    dialog.try_save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "cannot be more than the Red shortfall" in dialog.error_text("amber_shortfall")
    assert dialog.error_text("partnership_name") == ""
    assert services.workspace.details() == before
    assert env.undo_stack.count() == 0


def test_plan_ending_before_it_starts_is_refused(qtbot: Any, env: UiEnv) -> None:
    dialog = open_dialog(qtbot, env)
    dialog.plan_start.set_value(date(2010, 1, 1))
    dialog.plan_end.set_value(date(2009, 1, 1))
    dialog.try_save()
    assert "cannot end before it starts" in dialog.error_text("plan_end")
    assert env.services.workspace.details().plan_start != date(2010, 1, 1)


def test_details_and_thresholds_saved_in_one_go_and_undone_together(qtbot: Any, env: UiEnv) -> None:
    services = env.services
    before = services.workspace.details()
    other = next(oid for oid, _name in services.organisations.names() if oid != before.owner_organisation_id)
    dialog = open_dialog(qtbot, env)
    dialog.name.setText("  Eastshire Partnership ")
    dialog.area.setText("Eastshire")
    dialog.plan_end.set_value(date(2012, 3, 31))
    dialog.owner.setCurrentIndex(find_data(dialog.owner, other))
    dialog.spins["red_shortfall"].setValue(30)
    dialog.try_save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    after = services.workspace.details()
    assert (after.partnership_name, after.area, after.plan_end, after.owner_organisation_id) == (
        "Eastshire Partnership",
        "Eastshire",
        date(2012, 3, 31),
        other,
    )
    assert after.rag_thresholds.red_shortfall == 30
    assert env.undo_stack.count() == 1
    env.undo_stack.undo()
    restored = services.workspace.details()
    assert (restored.partnership_name, restored.area, restored.plan_end, restored.owner_organisation_id) == (
        before.partnership_name,
        before.area,
        before.plan_end,
        before.owner_organisation_id,
    )
    assert restored.rag_thresholds == before.rag_thresholds


def test_saving_without_changes_pushes_nothing(qtbot: Any, env: UiEnv) -> None:
    dialog = open_dialog(qtbot, env)
    dialog.try_save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert env.undo_stack.count() == 0


def test_themes_taken_out_of_use_can_be_brought_back_and_the_change_undone(qtbot: Any, env: UiEnv) -> None:
    services = env.services
    housing = next(theme.id for theme in services.vocabulary.themes() if theme.name == "Housing")
    services.vocabulary.set_themes_in_use({theme.id for theme in services.vocabulary.themes()} - {housing})
    dialog = open_dialog(qtbot, env)
    ticked = {
        dialog.themes.item(number).data(Qt.ItemDataRole.UserRole)
        for number in range(dialog.themes.count())
        if dialog.themes.item(number).checkState() == Qt.CheckState.Checked
    }
    assert housing not in ticked and len(ticked) == dialog.themes.count() - 1
    row = next(
        n for n in range(dialog.themes.count()) if dialog.themes.item(n).data(Qt.ItemDataRole.UserRole) == housing
    )
    dialog.themes.item(row).setCheckState(Qt.CheckState.Checked)
    dialog.try_save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert all(theme.active for theme in services.vocabulary.themes())
    env.undo_stack.undo()
    assert [theme.name for theme in services.vocabulary.themes() if not theme.active] == ["Housing"]
