"""Similar needs: needs raised by different organisations that look like the same need, and merging two needs
into one shared need (and undoing that).

Similarity is worked out locally with rapidfuzz (``need_similarity.py``). Each title is normalised (lower case,
punctuation and common little words such as "the", "of", "in" dropped, the remaining words sorted), and two
titles are compared with an edit-distance ratio of those forms (rapidfuzz's token sort ratio, 0-100). When both
needs have a description, the start of it counts for 15% of the score, the title for 85%.

A pair is suggested only when the two needs' sets of organisations differ: two needs linked to exactly the same
organisations (one organisation's own two needs, say) are that partnership's own choice to keep apart, whereas
the same need raised by two organisations is what a merge turns into one shared need.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from locality.domain.entities import Entity
from locality.domain.errors import StaleRecordError, ValidationError
from locality.domain.text import plural
from locality.domain.vocabulary import NeedRole, Priority
from locality.services import records
from locality.services.context import ServiceContext
from locality.services.need_similarity import CancelledCallback, ProgressCallback, find_pairs
from locality.store import similarity_queries
from locality.store.models import (
    ActionNeedRecord,
    IndicatorRecord,
    NeedOrganisationRecord,
    NeedRecord,
    OrganisationRecord,
    WorkshopNoteRecord,
    WorkshopVoteRecord,
)
from locality.store.unit_of_work import UnitOfWork

DEFAULT_MIN_SCORE = 80
DEFAULT_LIMIT = 200


# Stronger roles and severities win when two needs linked to the same organisation are merged.
_ROLE_STRENGTH = {NeedRole.SHARES.value: 0, NeedRole.RAISED_BY.value: 1, NeedRole.LEAD.value: 2}
_SEVERITY_STRENGTH = {None: 0, Priority.LOW.value: 1, Priority.MEDIUM.value: 2, Priority.HIGH.value: 3}

ENTITIES = (
    Entity.NEED,
    Entity.NEED_ORGANISATION,
    Entity.ACTION_NEED,
    Entity.WORKSHOP_VOTE,
    Entity.WORKSHOP_NOTE,
    Entity.INDICATOR,
)
LABEL = "need"


# --------------------------------------------------------------------------- values out


@dataclass(frozen=True)
class SimilarNeed:
    """One side of a suggested pair."""

    id: uuid.UUID
    version: int
    title: str
    theme_name: str
    organisation_names: tuple[str, ...]

    @property
    def organisations_text(self) -> str:
        return "; ".join(self.organisation_names) if self.organisation_names else "No organisation"


@dataclass(frozen=True)
class SimilarPair:
    """Two needs that look like the same need; ``score`` 0-100."""

    score: int
    first: SimilarNeed
    second: SimilarNeed

    @property
    def key(self) -> frozenset[uuid.UUID]:
        return frozenset({self.first.id, self.second.id})

    @property
    def theme_text(self) -> str:
        a, b = self.first.theme_name, self.second.theme_name
        if a == b:
            return a or "No theme"
        return f"{a or 'No theme'} / {b or 'No theme'}"


@dataclass(frozen=True)
class SimilarityResult:
    """The most similar pairs (at most ``limit``, best first) and how many pairs reached the minimum score."""

    pairs: tuple[SimilarPair, ...]
    pairs_found: int
    needs_compared: int
    min_score: int


@dataclass(frozen=True)
class MergeSide:
    """A need as the merge dialog shows it."""

    id: uuid.UUID
    version: int
    title: str
    description: str
    theme_name: str
    status: str
    priority: str
    organisations: tuple[str, ...]  # "Name (role, severity)"
    action_count: int
    dots: int
    indicator_count: int


@dataclass(frozen=True)
class MergePreview:
    """What merging ``merge`` into ``keep`` would do."""

    keep: MergeSide
    merge: MergeSide
    links_moving: int  # organisations of the merged need new to the kept one
    links_combined: int  # organisations linked to both: the stronger role and higher severity are kept
    actions_moving: int  # actions addressing the merged need and not yet the kept one
    dots_moving: int
    indicators_moving: int

    @property
    def summary(self) -> str:
        parts = [
            plural(self.links_moving, "organisation link"),
            plural(self.actions_moving, "action"),
            plural(self.dots_moving, "workshop dot"),
        ]
        if self.indicators_moving:
            parts.append(plural(self.indicators_moving, "indicator"))
        listed = ", ".join(parts[:-1]) + " and " + parts[-1]
        moving = self.links_moving + self.actions_moving + self.dots_moving + self.indicators_moving
        verb = "moves" if moving == 1 else "move"
        text = f"{listed} {verb} to “{self.keep.title}”."
        if self.links_combined:
            text += (
                f" {plural(self.links_combined, 'organisation')} linked to both keep the stronger role and the "
                "higher severity."
            )
        text += (
            f" “{self.merge.title}” is then deleted, and its description and notes are added to the kept need's notes."
        )
        return text


@dataclass(frozen=True)
class LinkBefore:
    """A kept need's organisation link as it was before a merge changed (or revived) it."""

    record_id: uuid.UUID
    role: str
    severity: str | None
    was_deleted: bool


@dataclass(frozen=True)
class VoteBefore:
    record_id: uuid.UUID
    dots: int


@dataclass(frozen=True)
class MergedNeeds:
    """What a merge changed, so that ``unmerge`` can put every record back."""

    keep_id: uuid.UUID
    merge_id: uuid.UUID
    keep_title: str
    merge_title: str
    keep_version: int  # the kept need's version just after the merge
    notes_before: str
    notes_confidential_before: bool
    moved_links: tuple[uuid.UUID, ...] = ()
    removed_links: tuple[uuid.UUID, ...] = ()
    changed_links: tuple[LinkBefore, ...] = ()
    moved_actions: tuple[uuid.UUID, ...] = ()
    removed_actions: tuple[uuid.UUID, ...] = ()
    revived_actions: tuple[uuid.UUID, ...] = ()
    moved_votes: tuple[uuid.UUID, ...] = ()
    removed_votes: tuple[uuid.UUID, ...] = ()
    changed_votes: tuple[VoteBefore, ...] = ()
    moved_indicators: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    moved_notes: tuple[uuid.UUID, ...] = field(default_factory=tuple)  # workshop notes that pointed at it


@dataclass(frozen=True)
class UnmergedNeeds:
    """The two needs' versions once a merge has been undone (a redo checks them)."""

    keep_id: uuid.UUID
    keep_version: int
    merge_id: uuid.UUID
    merge_version: int


# --------------------------------------------------------------------------- merging helpers


def _live_need(unit: UnitOfWork, need_id: uuid.UUID, errors: dict[str, str], key: str) -> NeedRecord | None:
    record = unit.get(NeedRecord, need_id, include_deleted=True)
    if record is None:
        errors[key] = "That need no longer exists; choose another"
        return None
    if record.deleted_at is not None:
        errors[key] = f"“{record.title}” has been deleted, so it cannot be merged"
        return None
    return record


def _stronger_role(a: str, b: str) -> str:
    return a if _ROLE_STRENGTH.get(a, 0) >= _ROLE_STRENGTH.get(b, 0) else b


def _higher_severity(a: str | None, b: str | None) -> str | None:
    return a if _SEVERITY_STRENGTH.get(a, 0) >= _SEVERITY_STRENGTH.get(b, 0) else b


def _live_org_links(unit: UnitOfWork, need_id: uuid.UUID) -> builtins.list[NeedOrganisationRecord]:
    links = unit.list(NeedOrganisationRecord, {"need_id": need_id}, order_by=("created_at",))
    organisations = {link.organisation_id for link in links}
    live = {row.id for row in unit.list(OrganisationRecord, {"id": builtins.list(organisations)})} if links else set()
    return [link for link in links if link.organisation_id in live]


_Record = TypeVar("_Record", NeedOrganisationRecord, ActionNeedRecord, WorkshopVoteRecord)


def _by_id(unit: UnitOfWork, model: type[_Record], ids: builtins.list[uuid.UUID]) -> dict[uuid.UUID, _Record]:
    """The records of ``model`` with these ids, deleted ones included (an unmerge brings some back)."""
    return {row.id: row for row in unit.list(model, {"id": ids}, include_deleted=True)}


def _dots(unit: UnitOfWork, need_id: uuid.UUID) -> int:
    return sum(vote.dots for vote in unit.list(WorkshopVoteRecord, {"need_id": need_id}))


def _side(unit: UnitOfWork, record: NeedRecord, themes: dict[uuid.UUID, str]) -> MergeSide:
    links = _live_org_links(unit, record.id)
    names = {
        row.id: row.name for row in unit.list(OrganisationRecord, {"id": [link.organisation_id for link in links]})
    }
    organisations = tuple(
        sorted(
            f"{names[link.organisation_id]} ({link.role.lower()}"
            + (f", {link.severity.lower()} severity)" if link.severity else ")")
            for link in links
        )
    )
    return MergeSide(
        id=record.id,
        version=record.version,
        title=record.title,
        description=record.description,
        theme_name=themes.get(record.theme_id, "") if record.theme_id else "",
        status=record.status,
        priority=record.priority or "",
        organisations=organisations,
        action_count=len(unit.list(ActionNeedRecord, {"need_id": record.id})),
        dots=_dots(unit, record.id),
        indicator_count=len(unit.list(IndicatorRecord, {"need_id": record.id})),
    )


def _merged_notes(keep: NeedRecord, merge: NeedRecord) -> str:
    added = [f"Merged from: {merge.title}"]
    if merge.description.strip():
        added.append(merge.description.strip())
    if merge.notes.strip():
        added.append(merge.notes.strip())
    block = "\n".join(added)
    return f"{keep.notes.rstrip()}\n\n{block}" if keep.notes.strip() else block


def _ids(rows: Iterable[Any]) -> tuple[uuid.UUID, ...]:
    return tuple(row.id for row in rows)


# --------------------------------------------------------------------------- the service


class SimilarNeedsService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def find_similar(
        self,
        min_score: int = DEFAULT_MIN_SCORE,
        limit: int = DEFAULT_LIMIT,
        *,
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
    ) -> SimilarityResult:
        """Pairs of live needs whose organisations differ and whose texts score ``min_score`` or more, best
        first, at most ``limit``. ``progress(done, total)`` counts needs compared; when ``cancelled()`` answers
        True, ``SimilarityCancelled`` is raised."""
        if isinstance(min_score, bool) or not isinstance(min_score, int) or not 0 <= min_score <= 100:
            raise ValidationError({"min_score": "The minimum score must be a whole number from 0 to 100"})
        if limit < 1:
            raise ValidationError({"limit": "Ask for at least one pair"})
        with self._context.read() as unit:
            texts = similarity_queries.need_texts(unit)
            links = similarity_queries.need_organisations(unit)
            themes = similarity_queries.theme_labels(unit)
        org_ids: dict[uuid.UUID, set[uuid.UUID]] = {}
        org_names: dict[uuid.UUID, builtins.list[str]] = {}
        for link in links:
            org_ids.setdefault(link.need_id, set()).add(link.organisation_id)
            org_names.setdefault(link.need_id, []).append(link.organisation_name)
        organisations = {need_id: frozenset(ids) for need_id, ids in org_ids.items()}
        found = find_pairs(texts, organisations, min_score, progress=progress, cancelled=cancelled)
        found.sort(key=lambda item: (-item[0], texts[item[1]].title.casefold(), texts[item[2]].title.casefold()))

        def side(number: int) -> SimilarNeed:
            row = texts[number]
            return SimilarNeed(
                id=row.id,
                version=row.version,
                title=row.title,
                theme_name=themes.get(row.theme_id, "") if row.theme_id else "",
                organisation_names=tuple(org_names.get(row.id, ())),
            )

        pairs = tuple(SimilarPair(score, side(i), side(j)) for score, i, j in found[:limit])
        return SimilarityResult(pairs, len(found), len(texts), min_score)

    def preview(self, keep_id: uuid.UUID, merge_id: uuid.UUID) -> MergePreview:
        """What ``merge(keep_id, merge_id, ...)`` would do, for the user to confirm."""
        with self._context.read() as unit:
            keep, merge = self._checked(unit, keep_id, merge_id)
            themes = similarity_queries.theme_labels(unit)
            keep_orgs = {link.organisation_id for link in _live_org_links(unit, keep_id)}
            merge_orgs = {link.organisation_id for link in _live_org_links(unit, merge_id)}
            keep_actions = {row.action_id for row in unit.list(ActionNeedRecord, {"need_id": keep_id})}
            merge_actions = {row.action_id for row in unit.list(ActionNeedRecord, {"need_id": merge_id})}
            return MergePreview(
                keep=_side(unit, keep, themes),
                merge=_side(unit, merge, themes),
                links_moving=len(merge_orgs - keep_orgs),
                links_combined=len(merge_orgs & keep_orgs),
                actions_moving=len(merge_actions - keep_actions),
                dots_moving=_dots(unit, merge_id),
                indicators_moving=len(unit.list(IndicatorRecord, {"need_id": merge_id})),
            )

    def merge(
        self,
        keep_id: uuid.UUID,
        merge_id: uuid.UUID,
        keep_version: int | None,
        merge_version: int | None,
    ) -> MergedNeeds:
        """Merges need ``merge_id`` into need ``keep_id`` in one edit: the kept need gets the other's
        organisation links (where both link one organisation, the stronger role — lead, then raised by, then
        shares — and the higher severity), its actions, workshop dots and indicators, and its description and
        notes in its notes; the merged need is deleted. ``unmerge`` undoes it."""
        with self._context.edit(*ENTITIES) as unit:
            keep, merge = self._checked(unit, keep_id, merge_id)
            for record, expected in ((keep, keep_version), (merge, merge_version)):
                if expected is not None and record.version != expected:
                    raise StaleRecordError(
                        f"“{record.title}” was changed by someone else after the needs were compared, so nothing "
                        "was merged; look at the two needs again before merging."
                    )
            notes_before, confidential_before = keep.notes, keep.notes_confidential
            moved_links, removed_links, changed_links = self._merge_links(unit, keep, merge)
            moved_actions, removed_actions, revived_actions = self._merge_actions(unit, keep, merge)
            moved_votes, removed_votes, changed_votes = self._merge_votes(unit, keep, merge)
            indicators = unit.list(IndicatorRecord, {"need_id": merge.id})
            for indicator in indicators:
                records.update(unit, indicator, {"need_id": keep.id})
            notes = unit.list(WorkshopNoteRecord, {"need_id": merge.id})
            for note in notes:
                records.update(unit, note, {"need_id": keep.id})
            changed = records.update(
                unit,
                keep,
                {
                    "notes": _merged_notes(keep, merge),
                    "notes_confidential": keep.notes_confidential or merge.notes_confidential,
                },
            )
            if not changed:
                unit.touch(keep)
            records.tombstone(unit, [merge])
            unit.flush()
            return MergedNeeds(
                keep_id=keep.id,
                merge_id=merge.id,
                keep_title=keep.title,
                merge_title=merge.title,
                keep_version=keep.version,
                notes_before=notes_before,
                notes_confidential_before=confidential_before,
                moved_links=moved_links,
                removed_links=removed_links,
                changed_links=changed_links,
                moved_actions=moved_actions,
                removed_actions=removed_actions,
                revived_actions=revived_actions,
                moved_votes=moved_votes,
                removed_votes=removed_votes,
                changed_votes=changed_votes,
                moved_indicators=_ids(indicators),
                moved_notes=_ids(notes),
            )

    def unmerge(self, merged: MergedNeeds) -> UnmergedNeeds:
        """Undoes a merge: the merged need comes back with its links, actions, dots and indicators, and the kept
        need is as it was. Refused if the kept need was edited since the merge."""
        with self._context.edit(*ENTITIES) as unit:
            keep = unit.get(NeedRecord, merged.keep_id)
            merge = unit.get(NeedRecord, merged.merge_id, include_deleted=True)
            if keep is None:
                raise ValidationError(f"“{merged.keep_title}” has been deleted since the merge, so it cannot be undone")
            if merge is None or merge.deleted_at is None:
                raise ValidationError(f"“{merged.merge_title}” is no longer merged, so there is nothing to undo")
            if keep.version != merged.keep_version:
                raise StaleRecordError(
                    f"“{keep.title}” was changed after the merge, so the merge was not undone; "
                    "split the needs by hand if they are not the same."
                )
            records.restore(unit, [merge])
            self._unmerge_links(unit, merged)
            self._unmerge_actions(unit, merged)
            self._unmerge_votes(unit, merged)
            for indicator in unit.list(IndicatorRecord, {"id": builtins.list(merged.moved_indicators)}):
                records.update(unit, indicator, {"need_id": merge.id})
            for note in unit.list(WorkshopNoteRecord, {"id": builtins.list(merged.moved_notes)}):
                records.update(unit, note, {"need_id": merge.id})
            records.update(
                unit, keep, {"notes": merged.notes_before, "notes_confidential": merged.notes_confidential_before}
            )
            unit.flush()
            return UnmergedNeeds(keep.id, keep.version, merge.id, merge.version)

    # ------------------------------------------------------------------ steps of a merge

    @staticmethod
    def _checked(unit: UnitOfWork, keep_id: uuid.UUID, merge_id: uuid.UUID) -> tuple[NeedRecord, NeedRecord]:
        if keep_id == merge_id:
            raise ValidationError({"merge_id": "A need cannot be merged with itself; choose two different needs"})
        errors: dict[str, str] = {}
        keep = _live_need(unit, keep_id, errors, "keep_id")
        merge = _live_need(unit, merge_id, errors, "merge_id")
        if errors or keep is None or merge is None:
            raise ValidationError(errors)
        return keep, merge

    @staticmethod
    def _merge_links(
        unit: UnitOfWork, keep: NeedRecord, merge: NeedRecord
    ) -> tuple[tuple[uuid.UUID, ...], tuple[uuid.UUID, ...], tuple[LinkBefore, ...]]:
        kept = {
            row.organisation_id: row
            for row in unit.list(NeedOrganisationRecord, {"need_id": keep.id}, include_deleted=True)
        }
        moved: builtins.list[uuid.UUID] = []
        removed: builtins.list[NeedOrganisationRecord] = []
        changed: builtins.list[LinkBefore] = []
        for link in _live_org_links(unit, merge.id):
            existing = kept.get(link.organisation_id)
            if existing is None:
                records.update(unit, link, {"need_id": keep.id})
                moved.append(link.id)
                continue
            before = LinkBefore(existing.id, existing.role, existing.severity, existing.deleted_at is not None)
            if existing.deleted_at is not None:
                # (need, organisation) is unique: the kept need's old link comes back with this one's values.
                records.restore(unit, [existing])
                values = {"role": link.role, "severity": link.severity}
            else:
                values = {
                    "role": _stronger_role(existing.role, link.role),
                    "severity": _higher_severity(existing.severity, link.severity),
                }
            if records.update(unit, existing, values) or before.was_deleted:
                changed.append(before)
            removed.append(link)
        # Links to organisations deleted since go with the need, as a delete would take them.
        stale = [row for row in unit.list(NeedOrganisationRecord, {"need_id": merge.id}) if row.id not in moved]
        removed.extend(row for row in stale if row not in removed)
        records.tombstone(unit, removed)
        return tuple(moved), _ids(removed), tuple(changed)

    @staticmethod
    def _merge_actions(
        unit: UnitOfWork, keep: NeedRecord, merge: NeedRecord
    ) -> tuple[tuple[uuid.UUID, ...], tuple[uuid.UUID, ...], tuple[uuid.UUID, ...]]:
        kept = {row.action_id: row for row in unit.list(ActionNeedRecord, {"need_id": keep.id}, include_deleted=True)}
        moved: builtins.list[uuid.UUID] = []
        removed: builtins.list[ActionNeedRecord] = []
        revived: builtins.list[uuid.UUID] = []
        for link in unit.list(ActionNeedRecord, {"need_id": merge.id}, order_by=("created_at",)):
            existing = kept.get(link.action_id)
            if existing is None:
                records.update(unit, link, {"need_id": keep.id})
                moved.append(link.id)
                continue
            if existing.deleted_at is not None:
                records.restore(unit, [existing])
                revived.append(existing.id)
            removed.append(link)
        records.tombstone(unit, removed)
        return tuple(moved), _ids(removed), tuple(revived)

    @staticmethod
    def _merge_votes(
        unit: UnitOfWork, keep: NeedRecord, merge: NeedRecord
    ) -> tuple[tuple[uuid.UUID, ...], tuple[uuid.UUID, ...], tuple[VoteBefore, ...]]:
        kept: dict[tuple[uuid.UUID, uuid.UUID | None], WorkshopVoteRecord] = {}
        for vote in unit.list(
            WorkshopVoteRecord, {"need_id": keep.id, "participant_id": None}, order_by=("created_at",)
        ):
            kept.setdefault((vote.workshop_id, vote.organisation_id), vote)
        moved: builtins.list[uuid.UUID] = []
        removed: builtins.list[WorkshopVoteRecord] = []
        changed: dict[uuid.UUID, VoteBefore] = {}
        for vote in unit.list(WorkshopVoteRecord, {"need_id": merge.id}, order_by=("created_at",)):
            # A participant's clicked dot is a row of its own, and stays one: it moves with its participant.
            existing = kept.get((vote.workshop_id, vote.organisation_id)) if vote.participant_id is None else None
            if existing is None:
                # The first vote moved becomes the kept need's vote for that workshop and organisation.
                records.update(unit, vote, {"need_id": keep.id})
                moved.append(vote.id)
                if vote.participant_id is None:
                    kept[(vote.workshop_id, vote.organisation_id)] = vote
                continue
            changed.setdefault(existing.id, VoteBefore(existing.id, existing.dots))
            records.update(unit, existing, {"dots": existing.dots + vote.dots})
            removed.append(vote)
        records.tombstone(unit, removed)
        return tuple(moved), _ids(removed), tuple(changed.values())

    # ------------------------------------------------------------------ steps of an unmerge

    @staticmethod
    def _unmerge_links(unit: UnitOfWork, merged: MergedNeeds) -> None:
        rows = _by_id(
            unit,
            NeedOrganisationRecord,
            [*merged.moved_links, *merged.removed_links, *(c.record_id for c in merged.changed_links)],
        )
        for before in merged.changed_links:
            row = rows.get(before.record_id)
            if row is None:
                continue
            records.update(unit, row, {"role": before.role, "severity": before.severity})
            if before.was_deleted:
                records.tombstone(unit, [row])
        for record_id in merged.moved_links:
            if record_id in rows:
                records.update(unit, rows[record_id], {"need_id": merged.merge_id})
        records.restore(unit, [rows[record_id] for record_id in merged.removed_links if record_id in rows])

    @staticmethod
    def _unmerge_actions(unit: UnitOfWork, merged: MergedNeeds) -> None:
        rows = _by_id(unit, ActionNeedRecord, [*merged.moved_actions, *merged.removed_actions, *merged.revived_actions])
        records.tombstone(unit, [rows[record_id] for record_id in merged.revived_actions if record_id in rows])
        for record_id in merged.moved_actions:
            if record_id in rows:
                records.update(unit, rows[record_id], {"need_id": merged.merge_id})
        records.restore(unit, [rows[record_id] for record_id in merged.removed_actions if record_id in rows])

    @staticmethod
    def _unmerge_votes(unit: UnitOfWork, merged: MergedNeeds) -> None:
        rows = _by_id(
            unit,
            WorkshopVoteRecord,
            [*merged.moved_votes, *merged.removed_votes, *(c.record_id for c in merged.changed_votes)],
        )
        for before in merged.changed_votes:
            if before.record_id in rows:
                records.update(unit, rows[before.record_id], {"dots": before.dots})
        for record_id in merged.moved_votes:
            if record_id in rows:
                records.update(unit, rows[record_id], {"need_id": merged.merge_id})
        records.restore(unit, [rows[record_id] for record_id in merged.removed_votes if record_id in rows])
