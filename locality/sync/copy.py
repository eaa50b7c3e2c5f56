"""A copy of the workspace to take out to a workshop: its own replica id, the change log, and the knowledge that
it and this workspace have met, so merging it back brings exactly what was done with it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from locality.services.context import ServiceContext
from locality.services.plan import Cancelled, Progress


@dataclass(frozen=True)
class CopySummary:
    path: Path
    needs: int
    actions: int


def save_workshop_copy(
    context_or_db: ServiceContext | str,
    destination: Path,
    theme_ids: Sequence[uuid.UUID] | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> CopySummary:
    """Writes a copy for a laptop at ``destination`` (built aside, then moved into place). With ``theme_ids``:
    only those themes' needs (and their sub-themes') and the actions linked to them, with what they refer to."""
    raise NotImplementedError


__all__ = ["CopySummary", "save_workshop_copy"]
