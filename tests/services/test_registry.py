"""The services of an open workspace are each made once, when first asked for, whichever threads ask."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from locality.services import vocabulary
from locality.services.context import User
from locality.services.registry import Services


def test_a_service_is_made_when_first_asked_for_and_then_kept(workspace_path: Path) -> None:
    services = Services.open(workspace_path, User("Coordinator"))
    try:
        assert "timeline" not in vars(services)  # nothing made (or imported for it) before it is needed
        timeline = services.timeline
        assert services.timeline is timeline
        # A service made from others is made with the very ones the workspace's other callers get.
        assert services.board_report is services.board_report
        assert services.dashboard is services.dashboard
    finally:
        services.close()


def test_two_threads_asking_at_once_get_the_one_service(workspace_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    original = vocabulary.VocabularyService.__init__

    def slowly(self: vocabulary.VocabularyService, context: object) -> None:
        made.append(self)
        time.sleep(0.2)  # long enough for the other thread to ask meanwhile
        original(self, context)  # type: ignore[arg-type]

    monkeypatch.setattr(vocabulary.VocabularyService, "__init__", slowly)
    services = Services.open(workspace_path, User("Coordinator"))
    try:
        got: list[object] = []
        threads = [threading.Thread(target=lambda: got.append(services.vocabulary)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(made) == 1 and got == [made[0], made[0]]
    finally:
        services.close()
