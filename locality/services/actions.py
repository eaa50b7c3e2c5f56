"""Actions: the joint capacity-building actions of the partnership — who leads, which partners contribute
what, which needs each addresses, its milestones, and its RAG rating derived from dates and progress."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from locality.domain.entities import Entity
from locality.domain.rag import RagAssessment
from locality.domain.vocabulary import (
    CLOSED_ACTION_STATUSES,
    ActionStatus,
    Rag,
    normalise_name,
    optional_enum,
)
from locality.services import records
from locality.services.action_rag import assess_action, is_overdue, rag_thresholds
from locality.services.action_validation import validated_action
from locality.services.action_writes import ACTION_FIELDS, ActionBatch, save_links
from locality.services.context import ServiceContext
from locality.services.vocabulary import theme_and_service_areas
from locality.store import action_queries
from locality.store.models import (
    ActionNeedRecord,
    ActionPartnerRecord,
    ActionRecord,
    FundingAllocationRecord,
    MilestoneRecord,
    NeedRecord,
    OrganisationRecord,
    SpendRecord,
    SupportOfferRecord,
    ThemeRecord,
    VocabularyTermRecord,
)
from locality.store.unit_of_work import UnitOfWork

ENTITY = Entity.ACTION
PARTNER_ENTITY = Entity.ACTION_PARTNER
NEED_ENTITY = Entity.ACTION_NEED
MILESTONE_ENTITY = Entity.MILESTONE
LABEL = "action"
ALL_ENTITIES = (ENTITY, PARTNER_ENTITY, NEED_ENTITY, MILESTONE_ENTITY)
# A deleted action takes its money with it (funding allocations and spend entries).
_MONEY_ENTITIES = (Entity.FUNDING_ALLOCATION, Entity.SPEND)

E = TypeVar("E", bound=StrEnum)


# --------------------------------------------------------------------------- values in


@dataclass(frozen=True)
class PartnerDraft:
    """A partner organisation's contribution to an action, as the user enters it."""

    organisation_id: uuid.UUID
    cash_pence: int = 0
    staff_days: float = 0
    in_kind: str = ""


@dataclass(frozen=True)
class MilestoneDraft:
    """A milestone as the user enters it; ``id`` is set for one saved before, None for a new one."""

    id: uuid.UUID | None = None
    title: str = ""
    due_on: date | None = None
    done_on: date | None = None


@dataclass(frozen=True)
class ActionDraft:
    """What the user enters for an action; ``partners``, ``need_ids`` and ``milestones`` are the whole sets
    it should have, as a form shows them."""

    title: str
    description: str = ""
    theme_id: uuid.UUID | None = None
    type_id: uuid.UUID | None = None
    delivery_level_id: uuid.UUID | None = None
    provider_id: uuid.UUID | None = None
    # The support directory's offer the action was commissioned from (None for most actions).
    offer_id: uuid.UUID | None = None
    lead_organisation_id: uuid.UUID | None = None
    # The named owner, a person at the lead organisation; an empty name means no owner.
    owner_name: str = ""
    owner_email: str = ""
    owner_phone: str = ""
    start_on: date | None = None
    due_on: date | None = None
    completed_on: date | None = None
    status: ActionStatus = ActionStatus.PROPOSED
    percent_complete: int = 0
    rag_override: Rag | None = None
    rag_override_reason: str = ""
    budget_pence: int | None = None
    notes: str = ""
    notes_confidential: bool = False
    partners: tuple[PartnerDraft, ...] = ()
    need_ids: tuple[uuid.UUID, ...] = ()
    milestones: tuple[MilestoneDraft, ...] = ()


# --------------------------------------------------------------------------- values out


@dataclass(frozen=True)
class ActionPartner:
    organisation_id: uuid.UUID
    organisation_name: str
    cash_pence: int
    staff_days: float
    in_kind: str

    def as_draft(self) -> PartnerDraft:
        return PartnerDraft(self.organisation_id, self.cash_pence, self.staff_days, self.in_kind)


@dataclass(frozen=True)
class ActionNeed:
    id: uuid.UUID
    title: str


@dataclass(frozen=True)
class Milestone:
    id: uuid.UUID
    title: str
    due_on: date | None
    done_on: date | None
    overdue: bool  # due before today, not done by today, and its action neither completed nor cancelled

    def as_draft(self) -> MilestoneDraft:
        return MilestoneDraft(self.id, self.title, self.due_on, self.done_on)


@dataclass(frozen=True)
class ProgressNote:
    """The newest progress update that says something in words."""

    reported_on: date
    author: str
    author_organisation: str
    note: str
    confidential: bool


@dataclass(frozen=True)
class Action:
    id: uuid.UUID
    version: int
    title: str
    description: str
    theme_id: uuid.UUID | None
    theme_name: str
    type_id: uuid.UUID | None
    type_name: str
    delivery_level_id: uuid.UUID | None
    delivery_level_name: str
    provider_id: uuid.UUID | None
    provider_name: str
    offer_id: uuid.UUID | None
    offer_title: str  # "" when the action was commissioned from no offer
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    owner_name: str  # "" when the action has no named owner
    owner_email: str
    owner_phone: str
    start_on: date | None
    due_on: date | None
    completed_on: date | None
    status: ActionStatus
    percent_complete: int
    rag_override: Rag | None
    rag_override_reason: str
    budget_pence: int | None
    notes: str
    notes_confidential: bool
    partners: tuple[ActionPartner, ...]
    needs: tuple[ActionNeed, ...]
    milestones: tuple[Milestone, ...]
    rag: RagAssessment
    spend_pence: int
    latest_progress: ProgressNote | None
    created_at: datetime
    updated_at: datetime

    @property
    def partner_names(self) -> str:
        return "; ".join(partner.organisation_name for partner in self.partners)

    @property
    def need_ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(need.id for need in self.needs)

    @property
    def latest_progress_note(self) -> str:
        return self.latest_progress.note if self.latest_progress else ""

    def as_draft(self) -> ActionDraft:
        return ActionDraft(
            title=self.title,
            description=self.description,
            theme_id=self.theme_id,
            type_id=self.type_id,
            delivery_level_id=self.delivery_level_id,
            provider_id=self.provider_id,
            offer_id=self.offer_id,
            lead_organisation_id=self.lead_organisation_id,
            owner_name=self.owner_name,
            owner_email=self.owner_email,
            owner_phone=self.owner_phone,
            start_on=self.start_on,
            due_on=self.due_on,
            completed_on=self.completed_on,
            status=self.status,
            percent_complete=self.percent_complete,
            rag_override=self.rag_override,
            rag_override_reason=self.rag_override_reason,
            budget_pence=self.budget_pence,
            notes=self.notes,
            notes_confidential=self.notes_confidential,
            partners=tuple(partner.as_draft() for partner in self.partners),
            need_ids=self.need_ids,
            milestones=tuple(milestone.as_draft() for milestone in self.milestones),
        )


@dataclass(frozen=True, slots=True)
class ActionSummary:
    """One row of the actions list: lighter than ``Action``, built for thousands at once."""

    id: uuid.UUID
    version: int
    title: str
    theme_id: uuid.UUID | None
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    owner_name: str  # "" when it has no named owner
    partner_names: str
    status: ActionStatus
    percent_complete: int
    start_on: date | None
    due_on: date | None
    rag: Rag | None
    rag_reason: str
    budget_pence: int | None
    spend_pence: int
    need_count: int


@dataclass(frozen=True)
class DeletedActions:
    """What a delete removed, so that it can be undone."""

    ids: tuple[uuid.UUID, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- reading


def to_action(unit: UnitOfWork, record: ActionRecord, today: date) -> Action:
    def term(term_id: uuid.UUID | None) -> str:
        if term_id is None:
            return ""
        row = unit.get(VocabularyTermRecord, term_id, include_deleted=True)
        return row.name if row else ""

    theme = unit.get(ThemeRecord, record.theme_id, include_deleted=True) if record.theme_id else None
    lead = (
        unit.get(OrganisationRecord, record.lead_organisation_id, include_deleted=True)
        if record.lead_organisation_id
        else None
    )
    offer = unit.get(SupportOfferRecord, record.offer_id, include_deleted=True) if record.offer_id else None
    milestone_rows = unit.list(MilestoneRecord, {"action_id": record.id}, order_by=("sort_order", "created_at"))
    closed = ActionStatus(record.status) in CLOSED_ACTION_STATUSES  # a finished action's milestones aren't chased
    milestones = tuple(
        Milestone(row.id, row.title, row.due_on, row.done_on, not closed and is_overdue(row.due_on, row.done_on, today))
        for row in milestone_rows
    )
    rag = assess_action(record, ((row.due_on, row.done_on) for row in milestone_rows), today, rag_thresholds(unit))
    progress = action_queries.latest_progress(unit, record.id)
    return Action(
        id=record.id,
        version=record.version,
        title=record.title,
        description=record.description,
        theme_id=record.theme_id,
        theme_name=theme.name if theme else "",
        type_id=record.type_id,
        type_name=term(record.type_id),
        delivery_level_id=record.delivery_level_id,
        delivery_level_name=term(record.delivery_level_id),
        provider_id=record.provider_id,
        provider_name=term(record.provider_id),
        offer_id=record.offer_id,
        offer_title=offer.title if offer else "",
        lead_organisation_id=record.lead_organisation_id,
        lead_organisation_name=lead.name if lead else "",
        owner_name=record.owner_name,
        owner_email=record.owner_email,
        owner_phone=record.owner_phone,
        start_on=record.start_on,
        due_on=record.due_on,
        completed_on=record.completed_on,
        status=ActionStatus(record.status),
        percent_complete=record.percent_complete,
        rag_override=optional_enum(Rag, record.rag_override),
        rag_override_reason=record.rag_override_reason,
        budget_pence=record.budget_pence,
        notes=record.notes,
        notes_confidential=record.notes_confidential,
        partners=tuple(
            ActionPartner(row.organisation_id, row.organisation_name, row.cash_pence, row.staff_days, row.in_kind)
            for row in action_queries.partner_rows(unit, [record.id])
        ),
        needs=tuple(ActionNeed(need_id, title) for need_id, title in action_queries.need_links(unit, record.id)),
        milestones=milestones,
        rag=rag,
        spend_pence=action_queries.spend_total(unit, record.id),
        latest_progress=(
            ProgressNote(
                progress.reported_on,
                progress.author,
                progress.author_organisation,
                progress.note,
                progress.confidential,
            )
            if progress
            else None
        ),
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


# --------------------------------------------------------------------------- the service


def _enum_values(enum_type: type[E], value: E | Collection[E] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({enum_type(value).value})
    return frozenset(enum_type(item).value for item in value)


@dataclass(frozen=True)
class _ListCache:
    """Every live action's list row, as of one state of the workspace and one day (RAG depends on both)."""

    stamp: tuple[object, ...]
    entries: tuple[tuple[str, ActionSummary], ...]


def _summaries(
    unit: UnitOfWork, rows: Sequence[action_queries.ActionRow], action_ids: action_queries.ActionIds, today: date
) -> builtins.list[tuple[str, ActionSummary]]:
    """The list rows of ``rows``, each with its key; a constant number of queries however many there are."""
    if not rows:
        return []
    thresholds = rag_thresholds(unit)
    partners = action_queries.partner_names(unit, action_ids)
    milestones = action_queries.milestone_dates(unit, action_ids)
    spend = action_queries.spend_totals(unit, action_ids)
    needs = action_queries.need_counts(unit, action_ids)
    summaries: builtins.list[tuple[str, ActionSummary]] = []
    for row in rows:
        assessment = assess_action(row, milestones.get(row.key, ()), today, thresholds)
        summary = ActionSummary(
            id=row.id,
            version=row.version,
            title=row.title,
            theme_id=row.theme_id,
            lead_organisation_id=row.lead_organisation_id,
            lead_organisation_name=row.lead_organisation_name,
            owner_name=row.owner_name,
            partner_names="; ".join(partners.get(row.key, ())),
            status=ActionStatus(row.status),
            percent_complete=row.percent_complete,
            start_on=row.start_on,
            due_on=row.due_on,
            rag=assessment.rag,
            rag_reason=assessment.reason,
            budget_pence=row.budget_pence,
            spend_pence=spend.get(row.key, 0),
            need_count=needs.get(row.key, 0),
        )
        summaries.append((row.key, summary))
    return summaries


class ActionService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context
        # The list of every action, kept while the workspace is unchanged: filtering as the user types then
        # costs one query for the matching ids instead of reading and rating 20,000 actions again. Whether it
        # is unchanged is asked of the workspace itself (``UnitOfWork.data_stamp``), so edits made through
        # other services, other windows or other users of a shared server are seen at once.
        self._cache: _ListCache | None = None

    def list(
        self,
        *,
        status: ActionStatus | Collection[ActionStatus] | None = None,
        lead_organisation_id: uuid.UUID | None = None,
        organisation_id: uuid.UUID | None = None,
        theme_id: uuid.UUID | None = None,
        rag: Rag | Collection[Rag] | None = None,
        overdue_only: bool = False,
        search: str = "",
    ) -> builtins.list[ActionSummary]:
        """Live actions in title order, filtered: ``organisation_id`` keeps those it leads or is a partner in;
        ``theme_id`` includes the service areas beneath a theme; ``overdue_only`` keeps those past their due
        date and neither completed nor cancelled; ``search`` matches the title, description or the name of
        the lead or a partner, ignoring case; ``rag`` keeps those rated so now."""
        today = self._context.today()
        wanted_rags = _enum_values(Rag, rag)
        with self._context.read() as unit:
            # Read first: anything written while the rows below are read changes it, so it is never too new.
            stamp = (today, unit.data_stamp())
            theme_ids = theme_and_service_areas(unit, theme_id)
            scope = action_queries.ActionFilter(
                statuses=_enum_values(ActionStatus, status),
                lead_organisation_id=lead_organisation_id,
                organisation_id=organisation_id,
                theme_ids=theme_ids,
                overdue_on=today if overdue_only else None,
                search=search,
            )
            everything = scope == action_queries.ActionFilter()
            cache = self._cache if self._cache is not None and self._cache.stamp == stamp else None
            keys: set[str] | None = None
            if cache is None:
                rows = action_queries.action_rows(unit, scope)
                if not everything and len(rows) <= action_queries.NAMED_IDS_LIMIT:
                    # A few actions: rate just these, asking for their partners, milestones... by id.
                    entries: Sequence[tuple[str, ActionSummary]] = _summaries(
                        unit, rows, [row.id for row in rows], today
                    )
                else:
                    # Many: list every action once, and answer the next filters from that list.
                    all_rows = rows if everything else action_queries.action_rows(unit, action_queries.ActionFilter())
                    cache = self._cache = _ListCache(stamp, tuple(_summaries(unit, all_rows, None, today)))
                    keys = None if everything else {row.key for row in rows}
            elif not everything:
                keys = action_queries.action_keys(unit, scope)
            if cache is not None:
                entries = cache.entries if keys is None else [entry for entry in cache.entries if entry[0] in keys]
        return [
            summary
            for _key, summary in entries
            if wanted_rags is None or (summary.rag is not None and summary.rag.value in wanted_rags)
        ]

    def summaries(self, action_ids: Collection[uuid.UUID]) -> builtins.list[ActionSummary]:
        """The list rows of these live actions, in title order (deleted ones are left out): what a list reads
        again after an edit of a few actions, instead of every action."""
        today = self._context.today()
        with self._context.read() as unit:
            rows = action_queries.action_rows(unit, builtins.list(action_ids))
            return [summary for _key, summary in _summaries(unit, rows, [row.id for row in rows], today)]

    def get(self, action_id: uuid.UUID) -> Action:
        with self._context.read() as unit:
            return to_action(unit, records.require(unit, ActionRecord, action_id, LABEL), self._context.today())

    def find(self, title: str) -> Action | None:
        """The action with this title, ignoring case and spaces (the oldest, if two share it)."""
        wanted = normalise_name(title)
        with self._context.read() as unit:
            for action_id, action_title in action_queries.action_titles(unit):
                if normalise_name(action_title) == wanted:
                    record = records.require(unit, ActionRecord, action_id, LABEL)
                    return to_action(unit, record, self._context.today())
            return None

    def create(self, draft: ActionDraft) -> Action:
        today = self._context.today()
        with self._context.edit(*ALL_ENTITIES) as unit:
            valid = validated_action(unit, draft, None, today)
            record = records.create(unit, ActionRecord(**valid.values), ACTION_FIELDS)
            unit.flush()  # the action row first: its links refer to it
            save_links(unit, record.id, valid)
            unit.flush()
            return to_action(unit, record, today)

    @contextmanager
    def creating_many(self, batch: records.Batch | None = None) -> Iterator[ActionBatch]:
        """Many ``create`` calls' worth of actions in one transaction, for an import: ``create`` each draft on
        the ``ActionBatch`` yielded. Its rows are written when the block ends — or, when a ``batch`` shared
        with other services' batches is given, when its owner calls ``batch.write()``. Nothing is written if
        the block raises."""
        today = self._context.today()
        with self._context.edit(*ALL_ENTITIES) as unit, records.batch_on(unit, batch) as shared:
            yield ActionBatch(shared, today)

    def update(self, action_id: uuid.UUID, draft: ActionDraft, expected_version: int | None) -> Action:
        """Saves the action's fields and replaces its partners, needs and milestones with the draft's."""
        today = self._context.today()
        with self._context.edit(*ALL_ENTITIES, edited=(ENTITY, (action_id,))) as unit:
            record = records.require(unit, ActionRecord, action_id, LABEL)
            records.check_version(record, expected_version, LABEL, lambda: to_action(unit, record, today))
            valid = validated_action(unit, draft, record, today)
            fields_changed = records.update(unit, record, valid.values)
            if save_links(unit, record.id, valid) and not fields_changed:
                # A change of links is a change of the action: an editor opened before it must not undo it.
                unit.touch(record)
            unit.flush()
            return to_action(unit, record, today)

    def delete(self, action_ids: Iterable[uuid.UUID]) -> DeletedActions:
        """Deletes actions with their partner links, need links, milestones, funding allocations and spend (all
        at the same instant, so that ``restore`` brings back exactly these)."""
        with self._context.edit(*ALL_ENTITIES, *_MONEY_ENTITIES) as unit:
            wanted = builtins.list(dict.fromkeys(action_ids))
            targets = [records.require(unit, ActionRecord, action_id, LABEL) for action_id in wanted]
            for record in targets:
                at = records.tombstone(unit, [record])
                where = {"action_id": record.id}
                records.tombstone(unit, unit.list(ActionPartnerRecord, where), at)
                records.tombstone(unit, unit.list(ActionNeedRecord, where), at)
                records.tombstone(unit, unit.list(MilestoneRecord, where), at)
                records.tombstone(unit, unit.list(FundingAllocationRecord, where), at)
                records.tombstone(unit, unit.list(SpendRecord, where), at)
            return DeletedActions(tuple(record.id for record in targets))

    def restore(self, deleted: DeletedActions) -> None:
        """Undoes a delete: the actions come back with the links and milestones deleted with them, except links
        to organisations or needs deleted since. Its allocations and spend deleted with it come back too."""
        with self._context.edit(*ALL_ENTITIES, *_MONEY_ENTITIES) as unit:
            for action_id in deleted.ids:
                record = unit.get(ActionRecord, action_id, include_deleted=True)
                if record is None or record.deleted_at is None:
                    continue
                at = record.deleted_at
                where = {"action_id": action_id}
                records.restore_dependants(
                    unit, ActionPartnerRecord, where, at, other_end=(OrganisationRecord, "organisation_id")
                )
                records.restore_dependants(unit, ActionNeedRecord, where, at, other_end=(NeedRecord, "need_id"))
                records.restore_dependants(unit, MilestoneRecord, where, at)
                records.restore_dependants(unit, FundingAllocationRecord, where, at)
                records.restore_dependants(unit, SpendRecord, where, at)
                if (
                    record.lead_organisation_id is not None
                    and unit.get(OrganisationRecord, record.lead_organisation_id) is None
                ):
                    # Its lead was deleted since; the action comes back without one rather than not at all.
                    records.update(unit, record, {"lead_organisation_id": None})
                records.restore(unit, [record])
