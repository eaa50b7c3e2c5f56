"""What each of two copies knows of the other's changes, read from their change logs.

Every copy numbers its own change-log entries (its replica id and a sequence number) and a merge copies the other
copy's entries in, so a copy's log holds, for every replica it has heard from, that replica's entries up to some
number. An entry in one copy's log numbered beyond what the other holds of that replica is a change the other has
not seen: the fields those entries name are the ones each side changed since the two last met.

A file copied by hand outside the app, and opened again from the same path, shares its replica id with the
original: both number new entries from where the copy was taken. Those numbers no longer say the same change, so
the point where the two logs part is found, and the other copy's entries after it are taken as a replica of their
own (``Knowledge.alias``), named from that point so a later merge of the same copy names them the same way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from locality.domain.entities import Entity
from locality.store import merge_rows
from locality.store.unit_of_work import Row, UnitOfWork

#: The key under which a record's creation is kept among its touched fields: every field is that side's.
CREATED = "*"
#: The field a deletion or a restore touches.
TOMBSTONE = "deleted_at"


@dataclass(frozen=True)
class Replica:
    """One copy as its change log describes it."""

    replica_id: uuid.UUID
    last_seq: int  # the last number it gave one of its own entries
    heads: Mapping[uuid.UUID, int]  # per replica, the highest number its log holds
    merged: Mapping[uuid.UUID, int]  # replica_sync_state

    def knows(self, replica_id: uuid.UUID) -> int:
        """The last of ``replica_id``'s entries this copy holds (all before it too)."""
        own = self.last_seq if replica_id == self.replica_id else 0
        return max(own, self.heads.get(replica_id, 0), self.merged.get(replica_id, 0))

    def replicas(self) -> set[uuid.UUID]:
        return {self.replica_id, *self.heads, *self.merged}


def read_replica(unit: UnitOfWork) -> Replica:
    meta = unit.meta()
    return Replica(
        meta.replica_id, int(meta.last_change_seq), merge_rows.log_heads(unit), merge_rows.merged_replicas(unit)
    )


@dataclass(frozen=True)
class Touch:
    """The latest entry that changed a field: who and when (for a conflict's two sides)."""

    at: datetime
    author: str


#: Per record (entity, id), per field (``CREATED`` for a creation), the latest change.
Touches = dict[tuple[str, uuid.UUID], dict[str, Touch]]


@dataclass
class Knowledge:
    """What the target (this workspace) and the source (the other copy) have each not seen of the other."""

    target: Replica
    source: Replica
    #: The source's own entries numbered after the point where a hand-made copy parted from this workspace, taken
    #: as this replica's; None when the two never shared a replica id.
    alias: uuid.UUID | None = None
    parted_at: int = 0
    #: Our own entries after that point, as the other copy names them if it has merged them before (it took them
    #: as a replica of their own, as ``alias`` does here): known to it up to what it holds of that name.
    mirror: uuid.UUID | None = None
    source_entries: list[Row] = field(default_factory=list)  # the source's entries the target has not seen
    target_entries: list[Row] = field(default_factory=list)  # the target's entries the source has not seen

    def source_knows(self, replica_id: uuid.UUID) -> int:
        if self.alias is not None and replica_id == self.target.replica_id:
            mirrored = self.source.knows(self.mirror) if self.mirror is not None else 0
            return max(self.parted_at, mirrored)
        return self.source.knows(replica_id)

    def learned(self) -> dict[uuid.UUID, int]:
        """Per replica, what the target holds once it has taken the source's entries (``replica_sync_state``)."""
        learned: dict[uuid.UUID, int] = {}
        for replica_id in self.source.replicas() - {self.mirror}:
            if replica_id == self.target.replica_id:
                if self.alias is not None:
                    learned[self.alias] = self.source.knows(replica_id)
                continue
            learned[replica_id] = self.source.knows(replica_id)
        return learned


def _same_entry(first: Row | None, second: Row | None) -> bool:
    if first is None or second is None:
        return False
    keys = ("changed_at", "entity", "record_id", "operation", "field", "new_value")
    return all(first[key] == second[key] for key in keys)


def _parting_point(
    target: UnitOfWork, source: UnitOfWork, replica_id: uuid.UUID, target_last: int, source_last: int
) -> int:
    """The last number under which both logs hold the same entry of ``replica_id`` (they agree up to it and differ
    after): found by halving, a few reads on each side."""
    high = min(target_last, source_last)
    if _same_entry(
        merge_rows.log_entry_at(target, replica_id, high), merge_rows.log_entry_at(source, replica_id, high)
    ):
        return high
    low = 0  # agree up to low, differ at high
    while high - low > 1:
        middle = (low + high) // 2
        if _same_entry(
            merge_rows.log_entry_at(target, replica_id, middle), merge_rows.log_entry_at(source, replica_id, middle)
        ):
            low = middle
        else:
            high = middle
    return low


def _branch_name(replica_id: uuid.UUID, parted: int, first: Row | None) -> uuid.UUID:
    """The replica id a copy's entries after the parting point are taken under: the same whenever the same two
    copies are merged, and different for the two branches (named from each one's first entry after it)."""
    stamp = first["changed_at"].isoformat() if first is not None else ""
    return uuid.uuid5(replica_id, f"parted-at:{parted}:{stamp}")


def read_knowledge(target: UnitOfWork, source: UnitOfWork) -> Knowledge:
    """Each side's entries the other has not seen."""
    knowledge = Knowledge(read_replica(target), read_replica(source))
    mine = knowledge.target.replica_id
    # What the source's log itself holds of our numbers (its sync state may only say so).
    other = knowledge.source
    source_holds_mine = max(other.heads.get(mine, 0), other.last_seq if other.replica_id == mine else 0)
    if source_holds_mine:
        parted = _parting_point(target, source, mine, knowledge.target.last_seq, source_holds_mine)
        if parted < source_holds_mine:
            # A copy made by hand: its entries after ``parted`` are its own changes, under our replica id.
            first = merge_rows.log_entry_at(source, mine, parted + 1)
            knowledge.alias = _branch_name(mine, parted, first)
            knowledge.mirror = _branch_name(mine, parted, merge_rows.log_entry_at(target, mine, parted + 1))
            knowledge.parted_at = parted
    for replica_id in sorted(knowledge.source.replicas(), key=str):
        if replica_id == knowledge.mirror:
            continue  # our own changes, which it took under another name
        if replica_id == mine:
            if knowledge.alias is None:
                continue
            after = max(knowledge.parted_at, knowledge.target.knows(knowledge.alias))
            entries = merge_rows.log_entries_after(source, replica_id, after)
            knowledge.source_entries.extend({**entry, "replica_id": knowledge.alias} for entry in entries)
        else:
            knowledge.source_entries.extend(
                merge_rows.log_entries_after(source, replica_id, knowledge.target.knows(replica_id))
            )
    for replica_id in sorted(knowledge.target.replicas(), key=str):
        if replica_id == knowledge.alias:
            continue  # the source's own changes, kept here under another name
        knowledge.target_entries.extend(
            merge_rows.log_entries_after(target, replica_id, knowledge.source_knows(replica_id))
        )
    return knowledge


def touches(entries: Iterable[Row]) -> Touches:
    """The fields each entry changed, per record: an update its field, a creation every field, a deletion or a
    restore the tombstone; a batch entry (many records of one parent, ``ChangeLog.add_batch``) each record."""
    found: Touches = {}

    def touch(entity: str, record_id: uuid.UUID, name: str, entry: Row) -> None:
        fields = found.setdefault((entity, record_id), {})
        seen = Touch(entry["changed_at"], entry["author"])
        if name not in fields or fields[name].at <= seen.at:
            fields[name] = seen

    for entry in entries:
        operation, entity = entry["operation"], entry["entity"]
        if operation == "update" and entry["field"]:
            touch(entity, entry["record_id"], entry["field"], entry)
        elif operation in ("create", "delete", "restore"):
            name = CREATED if operation == "create" else TOMBSTONE
            if entry["field"]:  # a batch: the parent's id is the entry's; the records are in its new value
                for record_id in _batch_ids(entry["new_value"]):
                    touch(entity, record_id, name, entry)
            else:
                touch(entity, entry["record_id"], name, entry)
    return found


def _batch_ids(new_value: str | None) -> list[uuid.UUID]:
    try:
        records: Any = json.loads(new_value or "[]")
    except ValueError:
        return []
    ids: list[uuid.UUID] = []
    for record in records if isinstance(records, list) else []:
        value = record.get("id") if isinstance(record, dict) else record
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return ids


def entity_or_none(text: str) -> Entity | None:
    try:
        return Entity(text)
    except ValueError:
        return None


__all__ = ["CREATED", "TOMBSTONE", "Knowledge", "Replica", "Touch", "Touches", "read_knowledge", "touches"]
