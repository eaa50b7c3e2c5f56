"""Everything fits a 1366×768 council laptop: the main window never asks for more room than the screen has,
whatever page or tab has been opened, and no dialog is larger than the screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from locality.app import build_main_window
from locality.ui.action_dialog import ActionDialog, LogProgressDialog
from locality.ui.chase_dialog import ChaseDialog
from locality.ui.dashboard.snapshots import RecordSnapshotDialog
from locality.ui.export_dialog import ExportDialog
from locality.ui.import_dialog import ImportDialog
from locality.ui.indicators.dialog import IndicatorDialog
from locality.ui.merge_dialog import MergeDialog
from locality.ui.need_dialog import NeedDialog
from locality.ui.organisations_page import OrganisationDialog
from locality.ui.workshop_copy_dialog import WorkshopCopyDialog
from locality.ui.workspace_settings_dialog import WorkspaceSettingsDialog

# A 1366×768 screen less a taskbar and the window's own title bar and frame.
SCREEN_WIDTH, SCREEN_HEIGHT = 1366 - 16, 768 - 40 - 32


@pytest.fixture
def window(qtbot, demo_workspace_path: Path):  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    built.services.context.today = lambda: date(2008, 6, 1)
    qtbot.addWidget(built)
    built.resize(SCREEN_WIDTH, SCREEN_HEIGHT)
    built.show()
    yield built
    built.close()


def _visit_every_tab(widget: QWidget) -> None:
    for tabs in widget.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            QTest.qWait(150)  # lets a tab built on first showing, and its background load, finish


def test_the_window_fits_the_screen_after_every_page_and_tab(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    for name in list(window.pages):
        page = window.show_page(name)
        QTest.qWait(150)
        _visit_every_tab(page)
        minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert minimum.width() <= SCREEN_WIDTH, f"after {name} the window needs {minimum.width()} px across"
        assert minimum.height() <= SCREEN_HEIGHT, f"after {name} the window needs {minimum.height()} px down"
        assert window.width() == SCREEN_WIDTH, f"{name} widened the window to {window.width()} px"


def test_every_page_fits_beside_the_navigation(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    room = SCREEN_WIDTH - window.navigation.minimumWidth() - 24
    for name in list(window.pages):
        page = window.show_page(name)
        _visit_every_tab(page)
        assert page.minimumSizeHint().width() <= room, f"{name} needs {page.minimumSizeHint().width()} px"


def test_every_dialog_fits_the_screen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    services = window.services
    action = services.actions.get(services.actions.list()[0].id)
    need = services.needs.get(services.needs.list()[0].id)
    organisation = services.organisations.get(services.organisations.list()[0].id)
    dialogs = [
        OrganisationDialog(window.env, organisation, window),
        NeedDialog(window.env, need, window),
        ActionDialog(window.env, action, window),
        LogProgressDialog(window.env, action, window),
        IndicatorDialog(window.env, None, window),
        RecordSnapshotDialog(date(2008, 6, 1), window),
        WorkspaceSettingsDialog(window.env, window),
        ExportDialog(window.env, window),
        ImportDialog(window.env, window),
        ChaseDialog(window.env, window),
        WorkshopCopyDialog(window.env, window),
        MergeDialog(window.env, window),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        _visit_every_tab(dialog)
        QApplication.processEvents()
        needed = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
        title = dialog.windowTitle()
        assert needed.width() <= SCREEN_WIDTH and needed.height() <= SCREEN_HEIGHT, f"{title} needs {needed}"
        assert dialog.width() <= SCREEN_WIDTH and dialog.height() <= SCREEN_HEIGHT, f"{title} opens at {dialog.size()}"
        dialog.hide()
