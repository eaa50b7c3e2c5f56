"""Exporting the joint action plan: build the plan once, then hand it to the renderer of the format asked for.

Each format lives in ``locality.exchange.render_<format>`` with a function ``render_<format>(plan, target, *,
progress=None, cancelled=None)``; it is imported only when asked for, so a missing optional library (a PDF
toolkit, say) affects only that format.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from locality.domain.errors import LocalityError, ValidationError
from locality.services.plan import Cancelled, Plan, PlanFilters, Progress, bulk_work, check_cancelled
from locality.services.plan_building import build_plan

if TYPE_CHECKING:
    from locality.services.registry import Services

FORMATS = ("pdf", "docx", "xlsx", "csv", "html")
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "csv": "CSV", "html": "HTML"}

Renderer = Callable[..., None]

# Share of the progress bar given to building the plan; writing the file takes the rest.
_BUILD_SHARE = 30


def renderer(format: str) -> Renderer:
    """The ``render_<format>`` function of a format; a clear error for an unknown or unavailable one."""
    chosen = format.strip().lower().lstrip(".")
    if chosen not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise ValidationError({"format": f'"{format.strip()}" is not an export format; use one of: {allowed}'})
    module_name = f"locality.exchange.render_{chosen}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        raise LocalityError(
            f"Export to {FORMAT_LABELS[chosen]} is not available in this installation ({error.name} is missing)."
        ) from error
    return cast(Renderer, getattr(module, f"render_{chosen}"))


def export_plan(
    services: Services,
    format: str,
    target: Path | str,
    filters: PlanFilters,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Plan:
    """Builds the joint action plan for ``filters`` and writes it to ``target`` in ``format``; returns the plan.

    ``progress(done, total)`` runs from 0 to 100 over building and writing. The file is written atomically:
    on an error, or when ``cancelled()`` returns True (``ExportCancelled``), an existing target is left as it
    was and nothing else is left behind.
    """
    render = renderer(format)
    target = Path(target).expanduser()

    def building(done: int, total: int) -> None:
        if progress is not None:
            progress(done * _BUILD_SHARE // max(total, 1), 100)

    def writing(done: int, total: int) -> None:
        if progress is not None:
            progress(_BUILD_SHARE + done * (100 - _BUILD_SHARE) // max(total, 1), 100)

    with bulk_work():
        plan = build_plan(services, filters, today=today, progress=building, cancelled=cancelled)
        check_cancelled(cancelled)
        render(plan, target, progress=writing, cancelled=cancelled)
    if progress is not None:
        progress(100, 100)
    return plan
