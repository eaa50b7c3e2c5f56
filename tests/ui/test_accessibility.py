"""A screen reader's basics: every control the keyboard can reach has a name (its own, its label's, its text),
read as a screen reader reads it, on every page and tab and in every dialog the menus open; and Tab moves
through the action dialog in the order its fields are laid out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from locality.app import build_main_window
from locality.ui.action_dialog import ActionDialog, LogProgressDialog
from locality.ui.board_report_dialog import BoardReportDialog
from locality.ui.bulk_edit import BulkEditDialog
from locality.ui.chase_dialog import ChaseDialog
from locality.ui.crash import CrashDialog
from locality.ui.dashboard.snapshots import RecordSnapshotDialog
from locality.ui.evidence.paper_dialog import EvidencePaperDialog
from locality.ui.export_dialog import ExportDialog
from locality.ui.funding.dialogs import AllocationDialog, SpendDialog
from locality.ui.import_dialog import ImportDialog
from locality.ui.indicators.dialog import IndicatorDialog
from locality.ui.main_window import MainWindow, UserDialog
from locality.ui.merge_dialog import MergeDialog
from locality.ui.need_dialog import NeedDialog
from locality.ui.needs_map.similar import MergeNeedsDialog
from locality.ui.organisations_page import OrganisationDialog
from locality.ui.pages import PAGES
from locality.ui.workshop_copy_dialog import WorkshopCopyDialog
from locality.ui.workshops.workshop_list import WorkshopDialog
from locality.ui.workspace_settings_dialog import WorkspaceSettingsDialog


@pytest.fixture
def window(qtbot, demo_workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    built.services.context.today = lambda: date(2008, 6, 1)
    qtbot.addWidget(built)
    built.resize(1350, 696)
    built.show()
    yield built
    built.close()


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader reads: the widget's own, else its label's (a QLabel buddy, which Qt reports as
    the widget's label relation), else its text or title. A combo box's "name" on Linux is its current value,
    which says nothing of what is being chosen, so a combo box needs a name or a label of its own."""
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return ""
    for label, _relation in interface.relations(QAccessible.RelationFlag.Label):
        if label.text(QAccessible.Text.Name).strip():
            return label.text(QAccessible.Text.Name).strip()
    if isinstance(widget, QComboBox):
        return ""
    return interface.text(QAccessible.Text.Name).strip()


def _inner_editor(widget: QWidget) -> bool:
    """The line edit inside a spin box or an editable combo box: when it has focus Qt tells the screen reader
    that the spin box or combo box has it, and that is the control checked."""
    return isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QAbstractSpinBox | QComboBox)


def unnamed_controls(root: QWidget) -> list[str]:
    """Every visible control under ``root`` that the keyboard can reach and a screen reader could not name."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus or _inner_editor(widget):
            continue
        if not accessible_name(widget):
            parent = widget.parentWidget()
            found.append(
                f"{type(widget).__name__} {widget.objectName()!r} in {type(parent).__name__ if parent else None}"
            )
    return found


def _every_tab(root: QWidget) -> Iterator[str]:
    """Shows each tab under ``root`` in turn (each built and loaded on first showing), naming where it is."""
    yield ""
    for tabs in root.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            QTest.qWait(120)
            yield tabs.tabText(index).replace("&", "")


def test_every_control_on_every_page_and_tab_has_a_name(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    missing: dict[str, list[str]] = {}
    missing.update({"main window": unnamed_controls(window)} if unnamed_controls(window) else {})
    for spec in PAGES:
        page = window.show_page(spec.object_name)
        QTest.qWait(150)
        for tab in _every_tab(page):
            unnamed = unnamed_controls(page)
            if unnamed:
                missing[f"{spec.title} {tab}".strip()] = unnamed
    assert not missing, missing


def _dialogs(window: MainWindow) -> list[QDialog]:
    env = window.env
    services = window.services
    assert services is not None
    actions = services.actions.list()
    action = services.actions.get(actions[0].id)
    needs = services.needs.list()
    need = services.needs.get(needs[0].id)
    organisation = services.organisations.get(services.organisations.list()[0].id)
    return [
        OrganisationDialog(env, organisation, window),
        OrganisationDialog(env, None, window),
        NeedDialog(env, need, window),
        NeedDialog(env, None, window),
        ActionDialog(env, action, window),
        ActionDialog(env, None, window),
        LogProgressDialog(env, action, window),
        BulkEditDialog(env, [row.id for row in actions[:2]], [row.title for row in actions[:2]], window),
        IndicatorDialog(env, None, window),
        AllocationDialog(env, action.id, action.title, None, window),
        SpendDialog(env, action.id, action.title, None, window),
        RecordSnapshotDialog(date(2008, 6, 1), window),
        WorkspaceSettingsDialog(env, window),
        UserDialog(services.context.user, window, ["Police"]),
        ExportDialog(env, window),
        BoardReportDialog(env, window),
        EvidencePaperDialog(env, window),
        ImportDialog(env, window),
        ChaseDialog(env, window),
        WorkshopCopyDialog(env, window),
        WorkshopDialog(env, None, window),
        MergeDialog(env, window),
        MergeNeedsDialog(env, needs[0].id, needs[1].id, window),
        CrashDialog("Traceback (most recent call last):\nRuntimeError: a bug", Path("locality.log"), window),
    ]


def test_every_control_in_every_dialog_has_a_name(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    missing: dict[str, list[str]] = {}
    for dialog in _dialogs(window):
        qtbot.addWidget(dialog)
        dialog.show()
        QTest.qWait(50)
        for tab in _every_tab(dialog):
            unnamed = unnamed_controls(dialog)
            if unnamed:
                missing[f"{type(dialog).__name__} {tab}".strip()] = unnamed
        dialog.hide()
    assert not missing, missing


def test_tab_moves_through_the_action_dialog_from_top_to_bottom(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    assert services is not None
    dialog = ActionDialog(window.env, services.actions.get(services.actions.list()[0].id), window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    dialog.title_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.title_edit)
    details = dialog.tabs.currentWidget()
    visited: list[QWidget] = []
    while True:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        if focused is None or not details.isAncestorOf(focused) or focused in visited:
            break
        visited.append(focused)
    assert len(visited) >= 8, [accessible_name(widget) for widget in visited]

    def place(widget: QWidget) -> tuple[int, int]:
        # A field's own row: a widget's top to the nearest few pixels (fields on a row differ in height).
        point = widget.mapTo(dialog, QPoint(0, widget.height() // 2))
        return point.y(), point.x()

    places = [place(dialog.title_edit), *(place(widget) for widget in visited)]
    names = [accessible_name(dialog.title_edit), *(accessible_name(widget) for widget in visited)]
    for (before, before_name), (after, after_name) in zip(
        zip(places, names, strict=True), zip(places[1:], names[1:], strict=True), strict=False
    ):
        same_row = abs(after[0] - before[0]) <= 8
        assert (same_row and after[1] > before[1]) or after[0] > before[0] + 8, (
            f"Tab goes from {before_name!r} at {before} back to {after_name!r} at {after}"
        )
