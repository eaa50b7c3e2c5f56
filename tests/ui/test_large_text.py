"""With the system's text made 150% larger, the app's text grows with it (the style sheet follows the system's
font), the window still fits a 1366×768 laptop on every page and tab, every dialog fits, and no button or
check box cuts its words short."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTabBar, QWidget

from locality.app import build_main_window
from locality.ui.main_window import MainWindow
from locality.ui.style import text_scale
from locality.ui.workers import background_work_pending
from tests.ui.test_accessibility import _dialogs, _every_tab
from tests.ui.test_small_screen import SCREEN_HEIGHT, SCREEN_WIDTH


@pytest.fixture
def large_text(qapp: QApplication) -> Iterator[float]:
    """The system's text 1.5 times its usual size, as a user who raised it would have it; put back afterwards."""
    normal = QFont(qapp.font())
    larger = QFont(normal)
    larger.setPointSizeF(normal.pointSizeF() * 1.5)
    qapp.setFont(larger)
    yield larger.pointSizeF()
    qapp.setFont(normal)


@pytest.fixture
def window(qtbot, large_text: float, demo_workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    built.services.context.today = lambda: date(2008, 6, 1)
    qtbot.addWidget(built)
    built.resize(SCREEN_WIDTH, SCREEN_HEIGHT)
    built.show()
    yield built
    built.close()


def settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Lets the dialogs' background loads finish here rather than slow the next test's (a needs-map test that
    times its first load then took the slow path)."""
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=60_000)


def cut_short(root: QWidget) -> list[str]:
    """Buttons, check boxes and tabs on show whose words are wider than the room they have."""
    found = []
    for button in root.findChildren(QAbstractButton):
        text = button.text().replace("&", "")
        if not button.isVisible() or not text:
            continue
        room = button.contentsRect().width()
        needed = button.fontMetrics().horizontalAdvance(text)
        if needed > room:
            found.append(f"{type(button).__name__} {text!r} needs {needed} px, has {room}")
    for bar in root.findChildren(QTabBar):
        for index in range(bar.count() if bar.isVisible() else 0):
            text = bar.tabText(index).replace("&", "")
            if bar.fontMetrics().horizontalAdvance(text) > bar.tabRect(index).width():
                found.append(f"tab {text!r}")
    return found


def test_the_text_grows_with_the_systems(qtbot, window: MainWindow, large_text: float) -> None:  # type: ignore[no-untyped-def]
    assert text_scale() > 1.3
    heading = window.findChild(QLabel, "pageHeading") or window.navigation
    assert heading.font().pointSizeF() >= large_text - 0.1  # the style sheet's sizes were scaled, not pinned
    assert window.navigation.font().pointSizeF() >= large_text - 0.1


def test_every_page_and_tab_fits_the_screen_and_cuts_no_button_short(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    problems: dict[str, list[str]] = {}
    for name in list(window.pages):
        page = window.show_page(name)
        QTest.qWait(150)
        for tab in _every_tab(page):
            where = f"{name} {tab}".strip()
            minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
            if minimum.width() > SCREEN_WIDTH or minimum.height() > SCREEN_HEIGHT:
                problems.setdefault(where, []).append(f"the window needs {minimum.width()}×{minimum.height()}")
            if window.width() > SCREEN_WIDTH:
                problems.setdefault(where, []).append(f"the window widened to {window.width()}")
            problems.setdefault(where, []).extend(cut_short(page))
            if not problems[where]:
                del problems[where]
    # The navigation shows every page's whole name.
    navigation = window.navigation
    for row in range(navigation.count()):
        item = navigation.item(row)
        needed = navigation.fontMetrics().horizontalAdvance(item.text()) + navigation.iconSize().width()
        if needed > navigation.visualItemRect(item).width():
            problems.setdefault("navigation", []).append(item.text())
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())


def test_every_dialog_fits_the_screen_and_cuts_no_button_short(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    problems: dict[str, list[str]] = {}
    for dialog in _dialogs(window):
        qtbot.addWidget(dialog)
        dialog.show()
        QTest.qWait(50)
        for tab in _every_tab(dialog):
            where = f"{type(dialog).__name__} {tab}".strip()
            needed = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
            if needed.width() > SCREEN_WIDTH or needed.height() > SCREEN_HEIGHT:
                problems.setdefault(where, []).append(f"needs {needed.width()}×{needed.height()}")
            problems.setdefault(where, []).extend(cut_short(dialog))
            if not problems[where]:
                del problems[where]
        dialog.close()
    settle(qtbot)
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())


def test_the_style_follows_a_text_size_changed_while_the_app_runs(
    qtbot, qapp: QApplication, demo_workspace_path: Path
) -> None:  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    qtbot.addWidget(built)
    built.show()
    heading = built.findChild(QLabel, "pageHeading")
    assert heading is not None
    before = heading.font().pointSizeF()
    normal = QFont(qapp.font())
    larger = QFont(normal)
    larger.setPointSizeF(normal.pointSizeF() * 1.5)
    qapp.setFont(larger)  # as the system's text size raised in its settings
    try:
        qtbot.waitUntil(lambda: heading.font().pointSizeF() > before * 1.2, timeout=5_000)
    finally:
        qapp.setFont(normal)
    qtbot.waitUntil(lambda: abs(heading.font().pointSizeF() - before) < 0.1, timeout=5_000)
    built.close()
