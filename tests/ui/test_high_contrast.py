"""View › High contrast: white and yellow on black, remembered for next time; hints and errors follow it, and
what keeps a pale colour of its own (RAG cells, the needs matrix) keeps dark text on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from locality.app import build_main_window
from locality.ui.actions_page import ActionsPage
from locality.ui.main_window import MainWindow
from locality.ui.needs_map.matrix import MatrixTab
from locality.ui.needs_map_page import NeedsMapPage
from locality.ui.style import apply_style, high_contrast, set_tone


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio between two colours (4.5 is enough for text)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture
def window(qtbot, demo_workspace_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    built = build_main_window(str(demo_workspace_path))
    built.services.context.today = lambda: date(2009, 6, 1)
    qtbot.addWidget(built)
    built.resize(1350, 696)
    built.show()
    yield built
    built.close()
    apply_style(contrast=False)  # the next test starts as the app does


def test_high_contrast_is_switched_on_from_the_view_menu_and_remembered(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert not high_contrast() and not window.high_contrast_action.isChecked()
    window.high_contrast_action.trigger()
    assert high_contrast() and window.settings.high_contrast()
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.Window) == QColor("#000000")
    assert palette.color(QPalette.ColorRole.WindowText) == QColor("#ffffff")
    assert (
        contrast_ratio(palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.HighlightedText))
        >= 7
    )

    # A new window (the app started again) opens in high contrast.
    services = window.services
    assert services is not None
    again = build_main_window(services.context.workspace.reopen_as)
    qtbot.addWidget(again)
    assert again.high_contrast_action.isChecked() and high_contrast()
    again.close()

    window.high_contrast_action.trigger()
    assert not high_contrast() and not window.settings.high_contrast()
    assert QApplication.palette().color(QPalette.ColorRole.Window) != QColor("#000000")


def test_hints_and_errors_take_their_colour_from_the_theme(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    hint, error = QLabel("A hint", window), QLabel("An error", window)
    set_tone(hint, "muted")
    set_tone(error, "error")
    hint.show()
    error.show()
    normal_hint = hint.palette().color(QPalette.ColorRole.WindowText)
    assert normal_hint == QColor("#546e7a")
    window.set_high_contrast(True)
    background = QApplication.palette().color(QPalette.ColorRole.Window)
    for label in (hint, error):
        label.ensurePolished()
        assert contrast_ratio(label.palette().color(QPalette.ColorRole.WindowText), background) >= 7, label.text()


def test_pale_cells_keep_dark_text_in_high_contrast(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.set_high_contrast(True)
    actions = window.show_page("actionsPage")
    assert isinstance(actions, ActionsPage)
    qtbot.waitUntil(lambda: not actions.loading and actions.model.rowCount() > 0, timeout=10_000)
    needs_map = window.show_page("needsMapPage")
    assert isinstance(needs_map, NeedsMapPage)
    qtbot.waitUntil(lambda: needs_map.findChild(MatrixTab) is not None, timeout=10_000)
    matrix = needs_map.findChild(MatrixTab)
    assert matrix is not None
    qtbot.waitUntil(lambda: not matrix.loading and matrix.model.rowCount() > 0, timeout=10_000)
    text = QApplication.palette().color(QPalette.ColorRole.Text)
    checked = 0
    for model in (actions.model, matrix.model):
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                background = model.data(index, Qt.ItemDataRole.BackgroundRole)
                if background is None:
                    continue
                foreground = model.data(index, Qt.ItemDataRole.ForegroundRole)
                colour = foreground.color() if foreground is not None else text
                ratio = contrast_ratio(colour, background.color())
                assert ratio >= 4.5, f"{model.data(index)!r}: {colour.name()} on {background.color().name()}"
                checked += 1
    assert checked > 50
