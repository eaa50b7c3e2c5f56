"""The window on a shared server: the status bar and the recent list never show or keep the password. Runs against
the test server (tests/postgres_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from locality.app import build_main_window
from locality.ui.workers import background_work_pending
from tests.postgres_server import server_schema


@pytest.fixture
def server_url() -> Iterator[str]:
    with server_schema() as url:
        yield url


def test_the_window_on_a_server_shows_the_address_with_its_password_masked(qtbot: QtBot, server_url: str) -> None:
    in_address = f":{make_url(server_url).password}@"
    window = build_main_window(server_url)
    qtbot.addWidget(window)
    window.show()
    status = window._status.text()
    assert "postgresql+psycopg://" in status and ":***@" in status
    assert in_address not in status
    recent = window.settings.recent_workspaces()
    assert recent and recent[0].startswith("postgresql+psycopg://")
    assert all(in_address not in item for item in recent)
    # Every page's background load finished before the window and its schema go, so none fails afterwards.
    qtbot.waitUntil(lambda: not background_work_pending(), timeout=60_000)
    window.close()
