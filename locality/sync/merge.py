"""Merging another copy of this workspace into it: what would change (``plan_merge``) and doing it
(``apply_merge``).

Records are matched by id, never by name. For each field, the change logs since the two copies last met say who
changed it: one side only → that side's value; both sides, to different values → a ``Conflict`` for the user
to decide. Deletions travel as tombstones, progress updates, measurements, votes, spend and history entries are
appended, and this workspace learns what the other copy knew, so merging the same copy again changes nothing.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from locality.domain.entities import Entity
from locality.domain.errors import LocalityError, WorkspaceError
from locality.domain.text import plural
from locality.domain.values import format_date
from locality.services.context import User
from locality.services.history import entity_label
from locality.services.plan import Cancelled, ExportCancelled, Progress
from locality.store.engine import is_url
from locality.store.inspection import inspect_workspace_file
from locality.store.models import MODEL_OF
from locality.store.unit_of_work import UnitOfWork
from locality.store.upgrade import backup_workspace_file, upgrade_workspace_file
from locality.store.workspace import Workspace, open_workspace
from locality.sync.engine import Computed, Side, compute, show_conflicts, write

log = logging.getLogger("locality.sync")


class MergeRefused(LocalityError):
    """The other file cannot be merged into this workspace; nothing was written. One plain sentence."""


@dataclass(frozen=True)
class Conflict:
    """One field changed on both sides, to different values, since the two copies last met."""

    key: str  # "entity:record id:field", what ``apply_merge``'s decisions are keyed by
    entity: Entity
    record_id: uuid.UUID
    record_label: str  # "Need: Shared data protocol"
    field: str
    field_label: str
    mine: str  # both values as a user reads them (dd/mm/yyyy, £, names for ids)
    theirs: str
    mine_by: str
    mine_at: datetime
    theirs_by: str
    theirs_at: datetime


@dataclass
class MergePlan:
    """What merging ``source_name`` into this workspace adds, changes, deletes and appends, and its conflicts."""

    source_name: str
    added: dict[Entity, int] = field(default_factory=dict)
    changed: dict[Entity, int] = field(default_factory=dict)
    deleted: dict[Entity, int] = field(default_factory=dict)
    appended: dict[Entity, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    history_entries: int = 0  # the other copy's change-log entries this workspace has not seen

    @property
    def is_empty(self) -> bool:
        return not (
            any(self.added.values())
            or any(self.changed.values())
            or any(self.deleted.values())
            or any(self.appended.values())
            or self.conflicts
            or self.history_entries
        )

    def lines(self) -> list[str]:
        """What a dry run prints: one line per non-zero count and one per conflict."""
        lines = self._counted()
        if self.history_entries:
            lines.append(f"{plural(self.history_entries, 'history entry', 'history entries')} appended")
        for conflict in self.conflicts:
            lines.append(
                f'Conflict: {conflict.record_label}, {conflict.field_label}: here "{conflict.mine}" '
                f"({conflict.mine_by or 'unknown'}, {format_date(conflict.mine_at.date())}), "
                f'in {self.source_name} "{conflict.theirs}" '
                f"({conflict.theirs_by or 'unknown'}, {format_date(conflict.theirs_at.date())})"
            )
        return lines or [f"Nothing to merge: {self.source_name} holds nothing this workspace has not seen."]

    def summary(self, decided: int) -> str:
        """ "14 needs added, 3 actions updated, 2 conflicts decided"."""
        parts = self._counted()
        if decided:
            parts.append(f"{plural(decided, 'conflict')} decided")
        if not parts:
            return "Nothing changed" if not self.history_entries else "Nothing changed; the history was brought in"
        return ", ".join(parts)

    def _counted(self) -> list[str]:
        """ "14 needs added", "3 actions updated"...: each non-zero count, kinds of record in the schema's order."""
        return [
            f"{_counted(entity, count)} {verb}"
            for counts, verb in (
                (self.added, "added"),
                (self.changed, "updated"),
                (self.deleted, "deleted"),
                (self.appended, "appended"),
            )
            for entity, count in sorted(counts.items(), key=lambda item: _ORDER[item[0]])
            if count
        ]


_ORDER = {entity: index for index, entity in enumerate(Entity)}


#: Kinds whose History label does not take a plain "s": "2 actions agreed at a workshop", not "…workshops".
_NOUNS: dict[Entity, tuple[str, str]] = {
    Entity.WORKSHOP_ACTION: ("action agreed at a workshop", "actions agreed at a workshop"),
    Entity.SPEND: ("spend entry", "spend entries"),
    Entity.WORKSPACE_META: ("change to the workspace details", "changes to the workspace details"),
}


def _counted(entity: Entity, count: int) -> str:
    """ "14 needs", "1 need–organisation link": the kind of record as the History page names it, in the plural."""
    if entity in _NOUNS:
        return plural(count, *_NOUNS[entity])
    one = entity_label(entity)
    one = one if one.isupper() else one[0].lower() + one[1:]
    return plural(count, one)


@dataclass(frozen=True)
class MergeResult:
    summary: str  # "14 needs added, 3 actions updated, 2 conflicts decided"
    plan: MergePlan
    decided: list[tuple[Conflict, str]]  # each conflict and the side taken ("mine" or "theirs")
    backup_path: Path | None


def plan_merge(
    target_db: str,
    source_path: Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> MergePlan:
    """What merging ``source_path`` into ``target_db`` would do; reads only (writes nothing to either)."""
    with (
        _opened_source(target_db, Path(source_path)) as source,
        _opened_target(target_db, read_only=True) as target,
        target.reading() as mine,
        source.reading() as theirs,
    ):
        _refuse_another_partnership(mine, theirs, Path(source_path))
        steps = _Steps(progress, cancelled)
        computed = compute(mine, theirs, steps.step)
        plan = _plan_of(mine, theirs, computed, Path(source_path))
        steps.step()
        return plan


def apply_merge(
    target_db: str,
    source_path: Path,
    decisions: Mapping[str, Side] | None = None,
    prefer: Side = "mine",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    user: User | None = None,
) -> MergeResult:
    """Merges ``source_path`` into ``target_db``: backs the target up, then one transaction (Cancel rolls
    everything back). Conflicts not in ``decisions`` (keyed by ``Conflict.key``) take ``prefer``. ``user``:
    who merges, as the change log names them."""
    source_path = Path(source_path)
    decisions = dict(decisions or {})
    who = user or User()
    with _opened_source(target_db, source_path) as source, _opened_target(target_db, read_only=False) as target:
        with target.reading() as mine, source.reading() as theirs:
            _refuse_another_partnership(mine, theirs, source_path)
        backup = backup_workspace_file(target.path, "merge") if target.path is not None else None
        steps = _Steps(progress, cancelled)
        with (
            target.transaction(author=who.name, author_organisation=who.organisation) as mine,
            source.reading() as theirs,
        ):
            computed = compute(mine, theirs, steps.step, decide=lambda key: decisions.get(key, prefer))
            plan = _plan_of(mine, theirs, computed, source_path)
            sides = {conflict.key: decisions.get(conflict.key, prefer) for conflict in plan.conflicts}
            decided: list[tuple[Conflict, str]] = [(conflict, sides[conflict.key]) for conflict in plan.conflicts]
            summary = plan.summary(len(decided))
            entry = (
                {"copy": plan.source_name, "replica": str(computed.knowledge.source.replica_id), "summary": summary}
                if computed.changes_data
                else None
            )
            write(mine, computed, sides, source_path=str(source_path.resolve()), merge_entry=entry)
            steps.step()
    log.info("merged %s into %s: %s", source_path, target.location, summary)
    return MergeResult(summary=summary, plan=plan, decided=decided, backup_path=backup)


class _Steps:
    """Progress through the merge's steps (one a table), with a check for Cancel at each."""

    TOTAL = len(MODEL_OF) + 2

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self._done = 0

    def step(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled("The merge was cancelled; nothing was written.")
        self._done = min(self._done + 1, self.TOTAL)
        if self._progress is not None:
            self._progress(self._done, self.TOTAL)


def _plan_of(mine: UnitOfWork, theirs: UnitOfWork, computed: Computed, source_path: Path) -> MergePlan:
    shown = {conflict.key: conflict for conflict in show_conflicts(mine, theirs, computed.conflicts)}
    conflicts = [
        Conflict(
            key=conflict.key,
            entity=conflict.entity,
            record_id=conflict.record_id,
            record_label=shown[conflict.key].record_label,
            field=conflict.field,
            field_label=shown[conflict.key].field_label,
            mine=shown[conflict.key].mine,
            theirs=shown[conflict.key].theirs,
            mine_by=conflict.mine_touch.author,
            mine_at=conflict.mine_touch.at,
            theirs_by=conflict.theirs_touch.author,
            theirs_at=conflict.theirs_touch.at,
        )
        for conflict in computed.conflicts
    ]
    return MergePlan(
        source_name=source_path.name,
        added=computed.added,
        changed=computed.changed,
        deleted=computed.deleted,
        appended=computed.appended,
        conflicts=conflicts,
        # Another copy's own merge entries are brought in too, but are not news: merging back and forth would
        # otherwise never come to rest, each merge bringing the other's note of the last.
        history_entries=sum(entry["operation"] != "merge" for entry in computed.knowledge.source_entries),
    )


# --------------------------------------------------------------------------- the two files


def _refuse_another_partnership(mine: UnitOfWork, theirs: UnitOfWork, source_path: Path) -> None:
    my_meta, their_meta = mine.meta(), theirs.meta()
    if my_meta.id != their_meta.id:
        named = f" ({their_meta.partnership_name})" if their_meta.partnership_name else ""
        raise MergeRefused(
            f"{source_path.name} is a workspace of another partnership{named}, not a copy of this one, "
            "so it cannot be merged into it."
        )


def _same_file(target_db: str, source_path: Path) -> bool:
    if is_url(target_db):
        return False
    target = Path(target_db.removeprefix("sqlite:///")).expanduser()
    try:
        return os.path.realpath(target) == os.path.realpath(source_path) or os.path.samefile(target, source_path)
    except OSError:
        return False


@contextmanager
def _opened_source(target_db: str, source_path: Path) -> Iterator[Workspace]:
    """The other copy, open read-only, after the checks that refuse it. A copy saved by an older version is
    upgraded in a temporary copy, never where it is."""
    source_path = source_path.expanduser()
    if not source_path.exists():
        raise MergeRefused(f"There is no workspace at {source_path}.")
    if _same_file(target_db, source_path):
        raise MergeRefused(f"{source_path.name} is this workspace itself; choose a copy of it to merge.")
    with ExitStack() as stack:
        try:
            source = open_workspace(source_path, create_missing=False, read_only=True)
        except WorkspaceError as error:
            # Perhaps saved by an older version: brought up to date in a temporary copy, never where it is.
            try:
                behind = inspect_workspace_file(source_path).state.is_behind
            except WorkspaceError:
                behind = False
            if not behind:
                raise MergeRefused(str(error)) from error
            source = _upgraded_aside(stack, source_path)
        stack.callback(source.close)
        yield source


def _upgraded_aside(stack: ExitStack, source_path: Path) -> Workspace:
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="locality-merge-")))
    upgraded = folder / source_path.name
    shutil.copyfile(source_path, upgraded)
    try:
        upgrade_workspace_file(upgraded)
        return open_workspace(upgraded, create_missing=False, read_only=True)
    except WorkspaceError as error:
        raise MergeRefused(f"{source_path.name} could not be brought up to date to merge it: {error}") from error


@contextmanager
def _opened_target(target_db: str, *, read_only: bool) -> Iterator[Workspace]:
    target = open_workspace(target_db, create_missing=False, read_only=read_only)
    try:
        if not read_only and target.read_only:
            raise MergeRefused(
                target.read_only_reason or "This workspace is read-only, so nothing can be merged into it."
            )
        yield target
    finally:
        target.close()


__all__ = ["Conflict", "MergePlan", "MergeRefused", "MergeResult", "Side", "apply_merge", "plan_merge"]
