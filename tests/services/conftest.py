"""Fixtures the service tests share: a workspace opened directly (no Services registry), a context on it for
"Test User" of "Test Org" on 01/06/2008, and the change notifications it sends. A test module that needs another
user or its own workspace defines its own ``workspace`` or ``ctx``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from locality.services.context import Changes, ServiceContext, User
from locality.store.workspace import Workspace, open_workspace

TODAY = date(2008, 6, 1)


@pytest.fixture
def workspace(workspace_path: Path) -> Iterator[Workspace]:
    opened = open_workspace(workspace_path)
    yield opened
    opened.close()


@pytest.fixture
def ctx(workspace: Workspace) -> ServiceContext:
    return ServiceContext(workspace, User("Test User", "Test Org"), today=lambda: TODAY)


@pytest.fixture
def heard(ctx: ServiceContext) -> list[Changes]:
    received: list[Changes] = []
    ctx.subscribe(received.append)
    return received
