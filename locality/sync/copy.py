"""A copy of the workspace to take out to a workshop: its own replica id, the change log, and the knowledge that
it and this workspace have met, so merging it back brings exactly what was done with it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from locality.domain.errors import WorkspaceError
from locality.files import FileWriteError, atomic_path
from locality.services.context import ServiceContext
from locality.services.plan import Cancelled, ExportCancelled, Progress
from locality.store import merge_rows, partial_copy
from locality.store.models import ActionRecord, NeedRecord
from locality.store.workspace import Workspace, open_workspace

_STEPS = 4


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
    """Writes a copy for a laptop at ``destination`` (built aside, then moved into place; a workspace already
    there is refused, never replaced). The copy is a replica of its own that has met this workspace: merging it
    back untouched changes nothing. With ``theme_ids``: only those themes' needs (and their sub-themes') and the
    actions of those themes or linked to those needs; everything else they refer to is kept."""
    destination = Path(destination).expanduser()

    def step(done: int) -> None:
        if cancelled is not None and cancelled():
            raise ExportCancelled("Saving the copy was cancelled; nothing was written.")
        if progress is not None:
            progress(done, _STEPS)

    with ExitStack() as stack:
        if isinstance(context_or_db, ServiceContext):
            source = context_or_db.workspace
        else:
            source = open_workspace(context_or_db, create_missing=False, read_only=True)
            stack.callback(source.close)
        if source.path is None:
            raise WorkspaceError("A workspace on a server cannot be copied from here; ask its administrator.")
        if source.path.resolve() == destination.resolve():
            raise WorkspaceError("Choose another file name: a copy cannot replace the workspace itself.")
        step(0)
        try:
            with atomic_path(destination) as temporary:
                source.copy_into(temporary)
                step(1)
                # Opened as the file it will be, the copy takes a replica id of its own and remembers that it
                # already holds every change of this workspace so far.
                copy = open_workspace(temporary, create_missing=False, opened_as=destination)
                try:
                    summary = _cut_down(copy, destination, theme_ids, step)
                finally:
                    copy.close()
                if theme_ids is not None:
                    partial_copy.vacuum_file(temporary)
                step(_STEPS)
        except FileWriteError as error:
            raise WorkspaceError(str(error)) from error
    return summary


def _cut_down(
    copy: Workspace, destination: Path, theme_ids: Sequence[uuid.UUID] | None, step: Callable[[int], None]
) -> CopySummary:
    with copy.transaction() as unit:
        if theme_ids is not None:
            themes = partial_copy.themes_with_descendants(unit, theme_ids)
            needs, actions = partial_copy.records_of_themes(unit, themes)
            step(2)
            partial_copy.remove_with_dependants(unit, "action", merge_rows.record_ids(unit, ActionRecord) - actions)
            partial_copy.remove_with_dependants(unit, "need", merge_rows.record_ids(unit, NeedRecord) - needs)
        step(3)
        return CopySummary(destination, unit.count(NeedRecord), unit.count(ActionRecord))


__all__ = ["CopySummary", "save_workshop_copy"]
