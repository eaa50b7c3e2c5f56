"""The merge itself, table by table over every tracked model: what the other copy adds, which fields each side
changed, the conflicts, and writing the result into this workspace's open transaction.

Only records the other copy touched since the two last met (its change-log entries this workspace has not seen),
and records only it holds, are read in full: the rest are the same on both sides, or changed here only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from locality.domain.entities import Entity
from locality.domain.vocabulary import normalise_name
from locality.services.history import entity_label, field_label, shown_value
from locality.store import merge_rows
from locality.store.change_log import copy_entries, plain_value
from locality.store.history_queries import display_names
from locality.store.models import MODEL_OF, TrackedMixin, utc_now
from locality.store.unit_of_work import Row, UnitOfWork
from locality.sync.knowledge import CREATED, TOMBSTONE, Knowledge, Touch, Touches, read_knowledge, touches

Side = Literal["mine", "theirs"]

#: Records that are only ever added to (a log, a tally): new ones are "appended", not "added".
APPEND_ONLY = frozenset({Entity.PROGRESS_UPDATE, Entity.MEASUREMENT, Entity.SPEND, Entity.WORKSHOP_VOTE})

_NAME_COLUMNS = ("title", "name", "partnership_name")

#: Records people find by name: one made on the other copy with the name of one here is a conflict to decide
#: (the same organisation entered twice, or two that happen to share a name), never a silent duplicate. The
#: columns that say "the same name" (a vocabulary term's within its kind).
NAMED_ONCE: dict[Entity, tuple[str, ...]] = {
    Entity.ORGANISATION: ("name",),
    Entity.VOCABULARY_TERM: ("kind", "name"),
    Entity.THEME: ("name",),
    Entity.FUNDING_SOURCE: ("name",),
    Entity.SUPPORT_PROVIDER: ("name",),
}

#: The field a same-name conflict is keyed and shown by.
SAME_NAME = "same name"

Decide = Callable[[str], Side]


@dataclass
class FieldConflict:
    """A field both sides changed to different values, with what a person needs to decide."""

    entity: Entity
    record_id: uuid.UUID  # this workspace's record
    field: str
    mine: Any
    theirs: Any
    mine_touch: Touch
    theirs_touch: Touch
    record_name: str
    #: For a record made on the other copy with the name of one here (``field`` is ``SAME_NAME``): its id.
    same_name_as: uuid.UUID | None = None

    @property
    def key(self) -> str:
        if self.same_name_as is not None:
            return f"{self.entity.value}:{self.same_name_as}:{SAME_NAME}"
        return f"{self.entity.value}:{self.record_id}:{self.field}"


@dataclass
class Computed:
    """Everything a merge would do, before anything is written."""

    knowledge: Knowledge
    new_rows: dict[type[TrackedMixin], list[Row]] = field(default_factory=dict)
    taken: dict[Entity, dict[uuid.UUID, Row]] = field(default_factory=dict)  # fields taken from the other copy
    old_versions: dict[Entity, dict[uuid.UUID, tuple[int, int]]] = field(default_factory=dict)
    conflicts: list[FieldConflict] = field(default_factory=list)
    added: dict[Entity, int] = field(default_factory=dict)
    changed: dict[Entity, int] = field(default_factory=dict)
    deleted: dict[Entity, int] = field(default_factory=dict)
    appended: dict[Entity, int] = field(default_factory=dict)
    #: Records of the other copy that are one of ours by name, as decided: their id → ours. They are kept as
    #: tombstones (so a later merge knows them) and what refers to them refers to ours instead.
    renamed: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    #: Those of ``renamed`` that are the same record as one of ours by a natural key the schema keeps unique (the
    #: same provider added on two copies): not kept, since a tombstone would hold the key twice.
    twinned: set[uuid.UUID] = field(default_factory=set)
    #: References moved to our record (entity, record, column, the other copy's id, ours): logged as changes made
    #: here, so the other copy, brought up to date, follows.
    moved: list[tuple[Entity, uuid.UUID, str, uuid.UUID, uuid.UUID]] = field(default_factory=list)
    #: The other copy's records kept here only as tombstones (one of ours by name, or a link made the same by it).
    kept_as_tombstones: list[tuple[Entity, uuid.UUID]] = field(default_factory=list)
    #: The other copy's rows whose references were pointed at ours, by entity and id: column → the id it held.
    rewritten: dict[Entity, dict[uuid.UUID, dict[str, uuid.UUID]]] = field(default_factory=dict)

    @property
    def changes_data(self) -> bool:
        return bool(self.new_rows or self.taken or self.conflicts)


def _count(counts: dict[Entity, int], entity: Entity) -> None:
    counts[entity] = counts.get(entity, 0) + 1


def _name_of(row: Row) -> str:
    return next((str(row[name]) for name in _NAME_COLUMNS if row.get(name)), "")


def compute(
    target: UnitOfWork, source: UnitOfWork, step: Callable[[], None], decide: Decide = lambda key: "mine"
) -> Computed:
    """What merging ``source`` into ``target`` does (reads only). ``step`` is called after each table (progress,
    and Cancel); ``decide`` says which side a same-name conflict takes (how the rest follow depends on it)."""
    knowledge = read_knowledge(target, source)
    computed = Computed(knowledge)
    theirs = touches(knowledge.source_entries)
    mine = touches(knowledge.target_entries)
    step()
    for entity, model in MODEL_OF.items():
        _compute_model(target, source, entity, model, theirs, mine, computed, decide)
        step()
    _move_references(computed)
    computed.conflicts.sort(
        key=lambda conflict: (conflict.entity.value, conflict.record_name, str(conflict.record_id), conflict.field)
    )
    return computed


def _compute_model(
    target: UnitOfWork,
    source: UnitOfWork,
    entity: Entity,
    model: type[TrackedMixin],
    theirs: Touches,
    mine: Touches,
    computed: Computed,
    decide: Decide,
) -> None:
    new_ids = merge_rows.ids_only_in(source, target, model)
    touched = {record_id for (name, record_id) in theirs if name == entity} - new_ids
    source_rows = merge_rows.rows_by_id(source, model, new_ids | touched)
    if computed.renamed:
        for record_id, row in source_rows.items():
            moved = _refer_to_ours(row, model, computed.renamed)
            if moved:
                computed.rewritten.setdefault(entity, {})[record_id] = moved
    same_name = _named_here(target, entity, model) if new_ids and entity in NAMED_ONCE else {}
    if same_name:
        # A record of ours the other copy deletes (one it merged into another of the same name) is no longer a name
        # taken here.
        leaving = {record_id for record_id in touched if (source_rows.get(record_id) or {}).get(TOMBSTONE)}
        same_name = {key: ours for key, ours in same_name.items() if ours[0] not in leaving}
    # Records the other copy changed that both hold (source id → target id; a copy cut down to some themes may
    # lack some its log names).
    pairs: dict[uuid.UUID, uuid.UUID] = {record_id: record_id for record_id in touched if record_id in source_rows}
    new_rows: list[Row] = []
    keys = merge_rows.natural_keys(model)
    existing = {columns: merge_rows.ids_by_natural_key(target, model, columns) for columns in keys} if new_ids else {}
    for record_id in sorted(new_ids):
        row = source_rows[record_id]
        # The same link made separately on both copies (two ids, one need–organisation pair): one record, whose
        # fields are compared as if both sides had just made it.
        twin = next(
            (
                existing[columns][key]
                for columns in keys
                if (key := tuple(row[c] for c in columns)) in existing[columns]
            ),
            None,
        )
        if twin is not None:
            pairs[record_id] = twin
            # What refers to theirs (an offer to its provider, an action to its offer) refers to ours: the record
            # itself is not carried over, and each merge finds it the same again.
            computed.renamed[record_id] = twin
            computed.twinned.add(record_id)
            original = computed.rewritten.get(entity, {}).get(record_id)
            if original and not computed.twinned.intersection(original.values()):
                # A twin only once it points at our record of the same name: kept as it was, as a tombstone, so
                # that a later merge knows it (its own pair is no longer the same).
                new_rows.append({**row, **original, "deleted_at": utc_now()})
                computed.kept_as_tombstones.append((entity, record_id))
            continue
        ours = same_name.get(_name_key(entity, row)) if same_name and row["deleted_at"] is None else None
        if ours is not None:
            conflict = FieldConflict(
                entity,
                ours[0],
                SAME_NAME,
                ours[1],
                row["name"],
                _touch(mine, entity, ours[0], None),
                _touch(theirs, entity, record_id, row),
                ours[1],
                same_name_as=record_id,
            )
            computed.conflicts.append(conflict)
            if decide(conflict.key) == "mine":
                # One record, ours: theirs is kept as a tombstone, and what refers to it refers to ours.
                computed.renamed[record_id] = ours[0]
                new_rows.append({**row, "deleted_at": utc_now()})
                computed.kept_as_tombstones.append((entity, record_id))
                continue
        new_rows.append(row)
        for columns in keys:
            existing[columns][tuple(row[c] for c in columns)] = record_id
        if row["deleted_at"] is None:
            _count(computed.appended if entity in APPEND_ONLY else computed.added, entity)
    if new_rows:
        computed.new_rows[model] = new_rows
    if not pairs:
        return
    target_rows = merge_rows.rows_by_id(target, model, set(pairs.values()))
    merged = merge_rows.merged_columns(model)
    for source_id, target_id in pairs.items():
        source_row, target_row = source_rows[source_id], target_rows[target_id]
        their_fields = theirs.get((entity, source_id), {})
        my_fields = mine.get((entity, target_id), {})
        taken: Row = {}
        for name in merged:
            their_value, my_value = source_row[name], target_row[name]
            if their_value == my_value:
                continue
            their_touch = their_fields.get(name) or their_fields.get(CREATED)
            if their_touch is None:
                continue  # changed here only (or by nobody the logs know): this workspace's value stands
            my_touch = my_fields.get(name) or my_fields.get(CREATED)
            if my_touch is None:
                taken[name] = their_value
                continue
            computed.conflicts.append(
                FieldConflict(
                    entity, target_id, name, my_value, their_value, my_touch, their_touch, _name_of(target_row)
                )
            )
        if taken:
            computed.taken.setdefault(entity, {})[target_id] = taken
            computed.old_versions.setdefault(entity, {})[target_id] = (target_row["version"], source_row["version"])
            if TOMBSTONE in taken and taken[TOMBSTONE] is not None and target_row[TOMBSTONE] is None:
                _count(computed.deleted, entity)
            else:
                _count(computed.changed, entity)


def _name_key(entity: Entity, row: Row) -> tuple[str, ...]:
    return tuple(normalise_name(str(row[name] or "")) for name in NAMED_ONCE[entity])


def _named_here(
    target: UnitOfWork, entity: Entity, model: type[TrackedMixin]
) -> dict[tuple[str, ...], tuple[uuid.UUID, str]]:
    """This workspace's live records of ``entity`` by their name (``NAMED_ONCE``): id and name as written."""
    columns = NAMED_ONCE[entity]
    found: dict[tuple[str, ...], tuple[uuid.UUID, str]] = {}
    for record_id, *values in merge_rows.live_values(target, model, columns):
        key = tuple(normalise_name(str(value or "")) for value in values)
        found.setdefault(key, (record_id, str(values[-1])))
    return found


def _touch(touched: Touches, entity: Entity, record_id: uuid.UUID, row: Row | None) -> Touch:
    fields = touched.get((entity, record_id), {})
    known = fields.get(CREATED) or max(fields.values(), key=lambda touch: touch.at, default=None)
    if known is not None:
        return known
    return Touch(row["created_at"] if row is not None else utc_now(), "")


def _refer_to_ours(row: Row, model: type[TrackedMixin], renamed: Mapping[uuid.UUID, uuid.UUID]) -> dict[str, uuid.UUID]:
    """Points the row's references to records of the other copy that are ours by name at ours; returns each
    column moved with the id it held."""
    moved: dict[str, uuid.UUID] = {}
    for column in merge_rows.references(model):
        value = row.get(column)
        if isinstance(value, uuid.UUID) and value in renamed:
            moved[column] = value
            row[column] = renamed[value]
    return moved


def _move_references(computed: Computed) -> None:
    """References to records merged into ours by name, in the rows carried over and the fields taken, point at
    ours (also those read before the record they refer to was decided about: a sub-theme before its theme); each
    one is remembered, to be logged as a change made here."""
    if not computed.renamed:
        return
    kept_as_they_were = set(computed.kept_as_tombstones)
    for model, rows in computed.new_rows.items():
        entity = Entity(str(model.__tablename__))  # type: ignore[attr-defined]
        earlier = computed.rewritten.get(entity, {})
        for row in rows:
            if (entity, row["id"]) in kept_as_they_were:
                continue
            moved = {**earlier.get(row["id"], {}), **_refer_to_ours(row, model, computed.renamed)}
            computed.moved.extend((entity, row["id"], column, old, row[column]) for column, old in moved.items())
    for entity, taken in computed.taken.items():
        model = MODEL_OF[entity]
        earlier = computed.rewritten.get(entity, {})
        for record_id, values in taken.items():
            moved = {**earlier.get(record_id, {}), **_refer_to_ours(values, model, computed.renamed)}
            computed.moved.extend(
                (entity, record_id, column, old, values[column]) for column, old in moved.items() if column in values
            )


# --------------------------------------------------------------------------- showing a conflict


@dataclass(frozen=True)
class ShownConflict:
    key: str
    record_label: str
    field_label: str
    mine: str
    theirs: str


def show_conflicts(target: UnitOfWork, source: UnitOfWork, conflicts: list[FieldConflict]) -> list[ShownConflict]:
    """Each conflict as a person reads it: the record by kind and name, both values with names for ids, dates
    as dd/mm/yyyy and money in pounds."""
    references: set[uuid.UUID] = set()
    for conflict in conflicts:
        for value in (conflict.mine, conflict.theirs):
            if isinstance(value, uuid.UUID):
                references.add(value)
    names = display_names(target, references)
    missing = references - set(names)
    if missing:
        names.update(display_names(source, missing))
    shown: list[ShownConflict] = []
    for conflict in conflicts:
        kind = entity_label(conflict.entity)
        label = f"{kind}: {conflict.record_name}" if conflict.record_name else kind
        if conflict.same_name_as is not None:
            mine = f'one record: the copy\'s "{conflict.theirs}" merged into "{conflict.mine}"'
            theirs = f'two records: the copy\'s "{conflict.theirs}" added beside "{conflict.mine}"'
            field_text = f"{SAME_NAME} as one here"
        elif conflict.field == TOMBSTONE:
            mine = "deleted" if conflict.mine is not None else "kept"
            theirs = "deleted" if conflict.theirs is not None else "kept"
            field_text = "deleted"
        else:
            mine = shown_value(conflict.field, plain_value(conflict.mine), names)
            theirs = shown_value(conflict.field, plain_value(conflict.theirs), names)
            field_text = field_label(conflict.field)
        shown.append(ShownConflict(conflict.key, label, field_text, mine, theirs))
    return shown


# --------------------------------------------------------------------------- writing


def write(
    target: UnitOfWork,
    computed: Computed,
    sides: Mapping[str, Side],
    *,
    source_path: str,
    merge_entry: Mapping[str, Any] | None,
) -> list[FieldConflict]:
    """Writes the merge into ``target``'s transaction: the new records, the fields taken from the other copy (each
    changed record a new version), each conflict as ``sides`` decides it, the other copy's history and what this
    workspace now knows of it. Returns the conflicts decided for the other copy's value."""
    now = utc_now()
    merge_rows.defer_reference_checks(target)
    if computed.new_rows:
        merge_rows.insert_records(target, computed.new_rows)
    taken = {
        entity: {record_id: dict(values) for record_id, values in rows.items()}
        for entity, rows in computed.taken.items()
    }
    versions = {entity: dict(rows) for entity, rows in computed.old_versions.items()}
    theirs_taken: list[FieldConflict] = []
    for entity, record_id in computed.kept_as_tombstones:
        # The other copy's record, one of ours by name (or a link to it), is kept as a tombstone: a change made
        # here, so the other copy brought up to date keeps one record too.
        target.log(entity, record_id, "delete", at=now)
    for entity, record_id, column, old, new in computed.moved:
        target.log(entity, record_id, "update", column, old, new, at=now)
    for conflict in computed.conflicts:
        if conflict.same_name_as is not None or sides.get(conflict.key, "mine") != "theirs":
            continue  # a same-name conflict was decided as the merge was worked out
        theirs_taken.append(conflict)
        taken.setdefault(conflict.entity, {}).setdefault(conflict.record_id, {})[conflict.field] = conflict.theirs
        versions.setdefault(conflict.entity, {}).setdefault(conflict.record_id, (0, 0))
        # The decision is a change made here, after both: a later merge sees this workspace's value as the newer.
        if conflict.field == TOMBSTONE:
            target.log(conflict.entity, conflict.record_id, "delete" if conflict.theirs is not None else "restore")
        else:
            target.log(conflict.entity, conflict.record_id, "update", conflict.field, conflict.mine, conflict.theirs)
    for entity, rows in taken.items():
        model = MODEL_OF[entity]
        current = merge_rows.rows_by_id(
            target, model, [record_id for record_id, old in versions[entity].items() if old == (0, 0)]
        )
        for record_id, values in rows.items():
            mine_version, their_version = versions[entity][record_id]
            if record_id in current:
                mine_version = current[record_id]["version"]
            # Newer than either side's, so an edit opened before the merge is refused rather than lost.
            values["version"] = max(mine_version, their_version) + 1
            values["updated_at"] = now
        merge_rows.update_records(target, model, rows)
    knowledge = computed.knowledge
    copy_entries(target.session.connection(), knowledge.source_entries)
    for replica_id, last_seq in knowledge.learned().items():
        merge_rows.record_merged(target, replica_id, last_seq, source_path, now)
    if merge_entry is not None:
        target.log(Entity.WORKSPACE_META, target.meta().id, "merge", None, None, dict(merge_entry), at=now)
    return theirs_taken


__all__ = ["APPEND_ONLY", "Computed", "FieldConflict", "ShownConflict", "compute", "show_conflicts", "write"]
