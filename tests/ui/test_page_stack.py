"""The window builds each page when it is first wanted, so that opening a large workspace does not wait for pages
nobody has visited; a page built while the window is on screen must not take the focus from it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from locality.app import build_main_window
from locality.ui.pages import PAGES


def test_only_the_dashboard_is_built_when_the_window_opens(qtbot, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = build_main_window(str(workspace_path))
    qtbot.addWidget(window)
    assert [page.objectName() for page in window.pages.built()] == ["dashboardPage"]
    assert list(window.pages) == [spec.object_name for spec in PAGES]  # every page is still named, in order

    window.navigation.setCurrentRow(window.pages.index("fundingPage"))  # as a click in the navigation
    funding = window.stack.currentWidget()
    assert funding.objectName() == "fundingPage" and funding is window.pages["fundingPage"]
    assert [page.objectName() for page in window.pages.built()] == ["dashboardPage", "fundingPage"]


class _NewWindows(QObject):
    """Records every widget that is given a window of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.WinIdChange and watched.isWidgetType():
            self.names.append(f"{type(watched).__name__} {watched.objectName()}")
        return False


def test_pages_built_while_the_window_is_shown_open_no_window_and_keep_the_focus(qtbot, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = build_main_window(str(workspace_path))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    spy = _NewWindows()
    QApplication.instance().installEventFilter(spy)
    try:
        for spec in PAGES:
            window.show_page(spec.object_name)
            qtbot.wait(20)
    finally:
        QApplication.instance().removeEventFilter(spy)
    # A widget shown before it had a parent flashed up as a window of its own and took the focus: the next key
    # pressed (an in-place edit's Enter, say) then reached nothing.
    assert spy.names == []
    assert QApplication.activeWindow() is window
    assert len(window.pages.built()) == len(PAGES)
