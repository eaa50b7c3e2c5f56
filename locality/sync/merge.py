"""Merging another copy of this workspace into it: what would change (``plan_merge``) and doing it
(``apply_merge``).

Records are matched by id, never by name. For each field, the change logs since the two copies last met say who
changed it: one side only → that side's value; both sides, to different values → a ``Conflict`` for the user
to decide. Deletions travel as tombstones, progress updates, measurements, votes, spend and history entries are
appended, and this workspace learns what the other copy knew, so merging the same copy again changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from locality.domain.entities import Entity
from locality.domain.errors import LocalityError
from locality.services.plan import Cancelled, Progress

Side = Literal["mine", "theirs"]


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
        raise NotImplementedError


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
    raise NotImplementedError


def apply_merge(
    target_db: str,
    source_path: Path,
    decisions: Mapping[str, Side] | None = None,
    prefer: Side = "mine",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> MergeResult:
    """Merges ``source_path`` into ``target_db``: backs the target up, then one transaction (Cancel rolls
    everything back). Conflicts not in ``decisions`` (keyed by ``Conflict.key``) take ``prefer``."""
    raise NotImplementedError


__all__ = ["Conflict", "MergePlan", "MergeRefused", "MergeResult", "Side", "apply_merge", "plan_merge"]
