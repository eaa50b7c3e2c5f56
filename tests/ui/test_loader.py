"""The one background loader the pages share: superseded results dropped, reloads coalesced, hidden pages stale."""

from __future__ import annotations

import gc
import threading

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from locality.ui.loader import BackgroundLoader


class _Page(QWidget):
    """A page whose refresh counts itself, and which tells its loader when it is shown, as pages do."""

    def __init__(self) -> None:
        super().__init__()
        self.refreshes = 0
        self.loader = BackgroundLoader(self, self.refresh)

    def refresh(self) -> None:
        self.refreshes += 1

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.loader.shown()


def _gated(value: str, gate: threading.Event, ran: list[str]):  # type: ignore[no-untyped-def]
    def work() -> str:
        gate.wait(5)
        ran.append(value)
        return value

    return work


def test_a_superseded_result_is_dropped(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _Page()
    qtbot.addWidget(page)
    gate = threading.Event()
    ran: list[str] = []
    shown: list[str] = []
    page.loader.start(_gated("old", gate, ran), shown.append, lambda error: None)
    page.loader.start(_gated("new", threading.Event(), ran), shown.append, lambda error: None)
    assert page.loader.busy
    gate.set()
    qtbot.waitUntil(lambda: not page.loader.busy, timeout=10_000)
    assert shown == ["new"]  # "old" answered a question nobody asks any more
    assert ran == ["old", "new"]


def test_a_result_arriving_after_a_load_on_the_gui_thread_is_dropped(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _Page()
    qtbot.addWidget(page)
    gate = threading.Event()
    shown: list[str] = []
    page.loader.start(_gated("slow", gate, []), shown.append, lambda error: None)
    page.loader.run_now(lambda: "quick", shown.append, lambda error: None)
    gate.set()
    qtbot.waitUntil(lambda: not page.loader.busy, timeout=10_000)
    assert shown == ["quick"]


def test_reloads_asked_for_while_busy_run_once_more(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _Page()
    qtbot.addWidget(page)
    gate = threading.Event()
    ran: list[str] = []
    shown: list[str] = []
    page.loader.start(_gated("first", gate, ran), shown.append, lambda error: None)
    for name in ("second", "third", "fourth"):
        page.loader.start(_gated(name, threading.Event(), ran), shown.append, lambda error: None)
    gate.set()
    qtbot.waitUntil(lambda: not page.loader.busy, timeout=10_000)
    assert ran == ["first", "fourth"]  # the burst cost one more load, the latest
    assert shown == ["fourth"]
    assert page.loader.last_seconds > 0


def test_a_failure_reaches_the_page(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _Page()
    qtbot.addWidget(page)
    errors: list[BaseException] = []

    def broken() -> str:
        raise ValueError("no")

    page.loader.start(broken, lambda result: None, errors.append)
    qtbot.waitUntil(lambda: not page.loader.busy, timeout=10_000)
    assert [str(error) for error in errors] == ["no"]


def test_a_hidden_page_reloads_when_next_shown(qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _Page()
    qtbot.addWidget(page)
    page.show()
    assert page.refreshes == 1  # stale until first shown
    page.loader.refresh_when_shown()
    assert page.refreshes == 2  # on screen: at once
    page.hide()
    page.loader.refresh_when_shown()
    page.loader.refresh_when_shown()
    assert page.refreshes == 2 and page.loader.stale
    page.show()
    assert page.refreshes == 3 and not page.loader.stale
    page.hide()
    page.show()
    assert page.refreshes == 3  # nothing changed meanwhile


def test_a_result_once_shown_is_left_out_of_full_collections(qtbot) -> None:  # type: ignore[no-untyped-def]
    # A full collection walking 20,000 loaded rows froze the GUI thread for up to 2.5 s (bench_gui_pauses).
    page = _Page()
    qtbot.addWidget(page)
    shown: list[list[list[int]]] = []
    before = gc.get_freeze_count()
    page.loader.start(lambda: [[number] for number in range(5_000)], shown.append, lambda error: None)
    qtbot.waitUntil(lambda: not page.loader.busy, timeout=10_000)
    assert len(shown[0]) == 5_000
    assert gc.get_freeze_count() >= before + 5_000  # the rows shown are exempt; still freed once dropped
