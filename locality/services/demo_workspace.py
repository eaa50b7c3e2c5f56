"""The demo partnership as a workspace file of its own, made for the welcome's "Explore the demo partnership".

Built aside and put in place only when complete (``Services.new_workspace``), so a cancelled or failed build
leaves nothing behind; a demo made before is opened again rather than made twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from locality.services.context import User
from locality.services.demo import generate_demo
from locality.services.registry import Services


def make_demo_workspace(
    path: Path,
    user: User | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    today: Callable[[], date] = date.today,
) -> Path:
    """Makes the small demo partnership at ``path`` unless a workspace is there already; returns ``path``.

    Its plan is moved to run through the current year, as the command line's ``demo`` does, so that its RAG
    ratings mean something today. Raises ``DemoCancelled`` (nothing written) when ``cancelled()`` answers True.
    """
    if path.exists():
        return path

    def report(done: int, total: int, _stage: str) -> None:
        if progress is not None:
            progress(done, total)

    with Services.new_workspace(path, user) as services:
        generate_demo(services.context, size="small", progress=report, cancelled=cancelled, move_to_year_of=today())
    return path
