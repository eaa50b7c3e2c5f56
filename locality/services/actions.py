"""Actions: the joint capacity-building actions of the partnership — who leads, which partners contribute
what, which needs each addresses, its milestones, and its RAG rating derived from dates and progress."""

from __future__ import annotations

import builtins
import math
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.rag import RagAssessment
from locality.domain.values import (
    MAX_PENCE,
    format_date,
    require_text,
    strip_invisible,
    validate_email,
    validate_percent,
)
from locality.domain.vocabulary import (
    CLOSED_ACTION_STATUSES,
    ActionStatus,
    Rag,
    VocabularyKind,
    choice,
    normalise_name,
    optional_enum,
)
from locality.services import records
from locality.services.action_rag import assess_action, is_overdue, rag_thresholds
from locality.services.context import ServiceContext
from locality.services.vocabulary import check_term, check_theme, theme_and_service_areas
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


@dataclass(frozen=True)
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


_FIELDS = (
    "title",
    "description",
    "theme_id",
    "type_id",
    "delivery_level_id",
    "provider_id",
    "lead_organisation_id",
    "owner_name",
    "owner_email",
    "owner_phone",
    "start_on",
    "due_on",
    "completed_on",
    "status",
    "percent_complete",
    "rag_override",
    "rag_override_reason",
    "budget_pence",
    "notes",
    "notes_confidential",
)
_PARTNER_FIELDS = ("action_id", "organisation_id", "cash_pence", "staff_days", "in_kind")
_NEED_FIELDS = ("action_id", "need_id")
_MILESTONE_FIELDS = ("action_id", "title", "due_on", "done_on", "sort_order")


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


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _ValidPartner:
    organisation_id: uuid.UUID
    cash_pence: int
    staff_days: float
    in_kind: str


@dataclass(frozen=True)
class _ValidMilestone:
    id: uuid.UUID | None
    title: str
    due_on: date | None
    done_on: date | None


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validated_partners(
    lookup: records.Lookup, partners: Iterable[PartnerDraft], errors: dict[str, str]
) -> builtins.list[_ValidPartner]:
    drafts = builtins.list(partners)
    wanted = builtins.list({draft.organisation_id for draft in drafts})
    found = {row.id: row for row in lookup.by_ids(OrganisationRecord, wanted)}
    problems: builtins.list[str] = []
    valid: builtins.list[_ValidPartner] = []
    seen: set[uuid.UUID] = set()

    def problem(message: str) -> None:
        if message not in problems:
            problems.append(message)

    for draft in drafts:
        organisation = found.get(draft.organisation_id)
        if organisation is None:
            problem("One of the partners chosen does not exist; choose partners from the list")
            continue
        if organisation.deleted_at is not None:
            problem(f"{organisation.name} has been deleted; choose another partner")
            continue
        if draft.organisation_id in seen:
            problem(f"{organisation.name} is listed more than once; list each partner only once")
            continue
        seen.add(draft.organisation_id)
        ok = True
        if not _is_whole(draft.cash_pence) or not 0 <= draft.cash_pence <= MAX_PENCE:
            ok = False
            if _is_whole(draft.cash_pence) and draft.cash_pence < 0:
                problem(f"{organisation.name}'s cash contribution cannot be negative")
            else:
                problem(f"{organisation.name}'s cash contribution must be an amount in pounds and pence")
        staff_days = draft.staff_days
        if isinstance(staff_days, bool) or not isinstance(staff_days, (int, float)) or not math.isfinite(staff_days):
            ok = False
            problem(f"{organisation.name}'s staff days must be a number")
        elif staff_days < 0:
            ok = False
            problem(f"{organisation.name}'s staff days cannot be negative")
        if ok:
            valid.append(
                _ValidPartner(draft.organisation_id, draft.cash_pence, float(staff_days), (draft.in_kind or "").strip())
            )
    if problems:
        errors["partners"] = "; ".join(problems)
    return valid


def _validated_needs(
    lookup: records.Lookup, need_ids: Iterable[uuid.UUID], errors: dict[str, str]
) -> builtins.list[uuid.UUID]:
    wanted = builtins.list(dict.fromkeys(need_ids))
    if not wanted:
        return []
    found = {row.id: row for row in lookup.by_ids(NeedRecord, wanted)}
    problems: builtins.list[str] = []
    for need_id in wanted:
        need = found.get(need_id)
        if need is None:
            message = "One of the needs chosen does not exist; choose needs from the list"
        elif need.deleted_at is not None:
            message = f'The need "{need.title}" has been deleted; choose another need'
        else:
            continue
        if message not in problems:
            problems.append(message)
    if problems:
        errors["need_ids"] = "; ".join(problems)
    return wanted


def _validated_milestones(
    lookup: records.Lookup,
    milestones: Iterable[MilestoneDraft],
    action_id: uuid.UUID | None,
    errors: dict[str, str],
) -> builtins.list[_ValidMilestone]:
    problems: builtins.list[str] = []
    valid: builtins.list[_ValidMilestone] = []
    seen: set[uuid.UUID] = set()

    def problem(message: str) -> None:
        if message not in problems:
            problems.append(message)

    for draft in milestones:
        title = (draft.title or "").strip()
        if not title:
            problem("Every milestone needs a title")
            continue
        if len(title) > 300:
            problem(f"A milestone's title must be 300 characters or fewer; one has {len(title)}")
            continue
        milestone_id = draft.id
        if milestone_id is not None:
            existing = lookup.get(MilestoneRecord, milestone_id, include_deleted=True)
            if milestone_id in seen:
                problem(f'The milestone "{title}" is listed more than once')
                continue
            if existing is not None and existing.action_id != action_id:
                problem(f'The milestone "{title}" belongs to another action')
                continue
            seen.add(milestone_id)
        valid.append(_ValidMilestone(milestone_id, title, draft.due_on, draft.done_on))
    if problems:
        errors["milestones"] = "; ".join(problems)
    return valid


def _check_organisation(
    lookup: records.Lookup, organisation_id: uuid.UUID | None, field_name: str, errors: dict[str, str]
) -> None:
    if organisation_id is None:
        return
    organisation = lookup.get(OrganisationRecord, organisation_id, include_deleted=True)
    if organisation is None:
        errors[field_name] = "Choose a lead organisation from the list"
    elif organisation.deleted_at is not None:
        errors[field_name] = f"{organisation.name} has been deleted; choose another lead organisation"


def _validated_owner(draft: ActionDraft, errors: dict[str, str]) -> dict[str, str]:
    """The owner's name, e-mail and telephone as stored: trimmed, the e-mail checked as an organisation's contact
    e-mail is; an empty name means no owner, so an e-mail or telephone without a name is refused."""
    name = strip_invisible(draft.owner_name or "")
    email = ""
    phone = strip_invisible(draft.owner_phone or "")
    if len(name) > 200:
        errors["owner_name"] = f"The owner's name must be 200 characters or fewer; it has {len(name)}."
    try:
        email = validate_email(draft.owner_email, "owner_email") or ""
    except ValidationError as error:
        errors["owner_email"] = "The owner's e-mail: " + error.field_errors["owner_email"]
    else:
        if len(email) > 254:
            errors["owner_email"] = "The owner's e-mail is too long; keep it to 254 characters."
    if len(phone) > 40:
        errors["owner_phone"] = "The owner's telephone must be 40 characters or fewer."
    elif phone and not any(character.isdigit() for character in phone):
        errors["owner_phone"] = f'"{phone}" is not a telephone number; give its digits, like 01234 567890.'
    if not name and (email or phone) and "owner_name" not in errors:
        errors["owner_name"] = "Give the owner's name, or leave the owner's e-mail and telephone empty."
    return {"owner_name": name, "owner_email": email, "owner_phone": phone}


@dataclass(frozen=True)
class _Valid:
    values: dict[str, object]
    partners: builtins.list[_ValidPartner]
    need_ids: builtins.list[uuid.UUID]
    milestones: builtins.list[_ValidMilestone]


def _validated(lookup: records.Lookup, draft: ActionDraft, current: ActionRecord | None, today: date) -> _Valid:
    """The record values and links ``draft`` asks for; every field's error at once if any is wrong. The
    records it names are found through ``lookup``: the unit of work, or a batch's ``records.Known``."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    try:
        values["title"] = require_text(draft.title, "title", "Title", max_length=300)
    except ValidationError as error:
        errors.update(error.field_errors)
    # A theme or term retired since the action was saved may stay; only a new choice must be a live one.
    if current is None or draft.theme_id != current.theme_id:
        check_theme(lookup, draft.theme_id, "theme_id", errors)
    for kind, name in (
        (VocabularyKind.ACTION_TYPE, "type_id"),
        (VocabularyKind.DELIVERY_LEVEL, "delivery_level_id"),
        (VocabularyKind.PROVIDER, "provider_id"),
    ):
        if current is None or getattr(draft, name) != getattr(current, name):
            check_term(lookup, kind, getattr(draft, name), name, errors)
    _check_organisation(lookup, draft.lead_organisation_id, "lead_organisation_id", errors)
    owner = _validated_owner(draft, errors)

    status = choice(ActionStatus, draft.status, "status", "status", errors, optional=False)
    rag_override = choice(Rag, draft.rag_override, "rag_override", "RAG rating", errors, optional=True)
    reason = (draft.rag_override_reason or "").strip()
    if rag_override is not None and not reason:
        errors["rag_override_reason"] = "Give a reason for setting the RAG by hand"

    percent = draft.percent_complete
    try:
        validate_percent(percent)
    except ValidationError as error:
        errors.update(error.field_errors)
    completed_on = draft.completed_on
    if status == ActionStatus.COMPLETED:
        percent = 100
        completed_on = completed_on or today

    if draft.start_on is not None and draft.due_on is not None and draft.due_on < draft.start_on:
        errors["due_on"] = "The due date cannot be before the start date"
    if draft.start_on is not None and completed_on is not None and completed_on < draft.start_on:
        errors["completed_on"] = f"The completed date cannot be before the start date ({format_date(draft.start_on)})"

    budget = draft.budget_pence
    if budget is not None:
        if not _is_whole(budget) or budget > MAX_PENCE:
            errors["budget_pence"] = "The budget must be an amount in pounds and pence"
        elif budget < 0:
            errors["budget_pence"] = "The budget cannot be negative"

    partners = _validated_partners(lookup, draft.partners, errors)
    need_ids = _validated_needs(lookup, draft.need_ids, errors)
    milestones = _validated_milestones(lookup, draft.milestones, current.id if current else None, errors)
    if errors:
        raise ValidationError(errors)
    values.update(
        description=(draft.description or "").strip(),
        theme_id=draft.theme_id,
        type_id=draft.type_id,
        delivery_level_id=draft.delivery_level_id,
        provider_id=draft.provider_id,
        lead_organisation_id=draft.lead_organisation_id,
        **owner,
        start_on=draft.start_on,
        due_on=draft.due_on,
        completed_on=completed_on,
        status=(status or ActionStatus.PROPOSED).value,
        percent_complete=percent,
        rag_override=rag_override.value if rag_override else None,
        rag_override_reason=reason if rag_override else "",
        budget_pence=budget,
        notes=(draft.notes or "").strip(),
        notes_confidential=bool(draft.notes_confidential),
    )
    return _Valid(values, partners, need_ids, milestones)


# --------------------------------------------------------------------------- writing links


def _replace_partners(unit: UnitOfWork, action_id: uuid.UUID, partners: Iterable[_ValidPartner]) -> bool:
    """Gives the action exactly ``partners``; True if any link changed. (action, organisation) is unique, so a
    partner removed earlier is restored rather than created again."""
    existing = {
        row.organisation_id: row
        for row in unit.list(ActionPartnerRecord, {"action_id": action_id}, include_deleted=True)
    }
    changed = False
    kept: set[uuid.UUID] = set()
    for partner in partners:
        kept.add(partner.organisation_id)
        values = {"cash_pence": partner.cash_pence, "staff_days": partner.staff_days, "in_kind": partner.in_kind}
        row = existing.get(partner.organisation_id)
        if row is None:
            records.create(
                unit,
                ActionPartnerRecord(action_id=action_id, organisation_id=partner.organisation_id, **values),
                _PARTNER_FIELDS,
            )
            changed = True
            continue
        if row.deleted_at is not None:
            records.restore(unit, [row])
            changed = True
        if records.update(unit, row, values):
            changed = True
    removed = [row for oid, row in existing.items() if oid not in kept and row.deleted_at is None]
    if removed:
        records.tombstone(unit, removed)
        changed = True
    return changed


def _replace_needs(unit: UnitOfWork, action_id: uuid.UUID, need_ids: Iterable[uuid.UUID]) -> bool:
    existing = {row.need_id: row for row in unit.list(ActionNeedRecord, {"action_id": action_id}, include_deleted=True)}
    changed = False
    kept: set[uuid.UUID] = set()
    for need_id in need_ids:
        kept.add(need_id)
        row = existing.get(need_id)
        if row is None:
            records.create(unit, ActionNeedRecord(action_id=action_id, need_id=need_id), _NEED_FIELDS)
            changed = True
        elif row.deleted_at is not None:
            records.restore(unit, [row])
            changed = True
    removed = [row for need_id, row in existing.items() if need_id not in kept and row.deleted_at is None]
    if removed:
        records.tombstone(unit, removed)
        changed = True
    return changed


def _replace_milestones(unit: UnitOfWork, action_id: uuid.UUID, milestones: Iterable[_ValidMilestone]) -> bool:
    existing = {row.id: row for row in unit.list(MilestoneRecord, {"action_id": action_id}, include_deleted=True)}
    changed = False
    kept: set[uuid.UUID] = set()
    for order, milestone in enumerate(milestones):
        values = {
            "title": milestone.title,
            "due_on": milestone.due_on,
            "done_on": milestone.done_on,
            "sort_order": order,
        }
        row = existing.get(milestone.id) if milestone.id is not None else None
        if row is None:
            created = MilestoneRecord(action_id=action_id, **values)
            if milestone.id is not None:
                created.id = milestone.id
            records.create(unit, created, _MILESTONE_FIELDS)
            kept.add(created.id)
            changed = True
            continue
        kept.add(row.id)
        if row.deleted_at is not None:
            records.restore(unit, [row])
            changed = True
        if records.update(unit, row, values):
            changed = True
    removed = [row for mid, row in existing.items() if mid not in kept and row.deleted_at is None]
    if removed:
        records.tombstone(unit, removed)
        changed = True
    return changed


def _save_links(unit: UnitOfWork, action_id: uuid.UUID, valid: _Valid) -> bool:
    changed = _replace_partners(unit, action_id, valid.partners)
    changed = _replace_needs(unit, action_id, valid.need_ids) or changed
    return _replace_milestones(unit, action_id, valid.milestones) or changed


# --------------------------------------------------------------------------- many new actions at once


class ActionBatch:
    """Creates many actions in one transaction (an import of thousands): each draft is checked exactly as
    ``ActionService.create`` checks it, and becomes the same records with the same change-log entries, but
    the records it names are found in ``batch.known`` (read once) and its rows are written together when the
    batch is written, instead of a few queries and two flushes a draft. Get one from
    ``ActionService.creating_many``."""

    def __init__(self, batch: records.Batch, today: date) -> None:
        self._known = batch.known
        self._rows = batch.rows
        self._today = today

    def create(self, draft: ActionDraft) -> uuid.UUID:
        """The new action's id; ``ValidationError`` (and nothing kept) when the draft is wrong."""
        valid = _validated(self._known, draft, None, self._today)
        row = self._rows.create(ActionRecord, valid.values, _FIELDS)
        action_id: uuid.UUID = row["id"]
        # The links a new action gets from ``_save_links``, in the same order.
        for partner in valid.partners:
            self._rows.create(
                ActionPartnerRecord,
                {
                    "action_id": action_id,
                    "organisation_id": partner.organisation_id,
                    "cash_pence": partner.cash_pence,
                    "staff_days": partner.staff_days,
                    "in_kind": partner.in_kind,
                },
                _PARTNER_FIELDS,
            )
        for need_id in valid.need_ids:
            self._rows.create(ActionNeedRecord, {"action_id": action_id, "need_id": need_id}, _NEED_FIELDS)
        for order, milestone in enumerate(valid.milestones):
            self._rows.create(
                MilestoneRecord,
                {
                    "id": milestone.id,
                    "action_id": action_id,
                    "title": milestone.title,
                    "due_on": milestone.due_on,
                    "done_on": milestone.done_on,
                    "sort_order": order,
                },
                _MILESTONE_FIELDS,
            )
        # Later drafts of the batch (a funding allocation, say) may name it.
        self._known.add_row(ActionRecord, row)
        return action_id


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
            valid = _validated(unit, draft, None, today)
            record = records.create(unit, ActionRecord(**valid.values), _FIELDS)
            unit.flush()  # the action row first: its links refer to it
            _save_links(unit, record.id, valid)
            unit.flush()
            return to_action(unit, record, today)

    @contextmanager
    def creating_many(self, batch: records.Batch | None = None) -> Iterator[ActionBatch]:
        """Many ``create`` calls' worth of actions in one transaction, for an import: ``create`` each draft on
        the ``ActionBatch`` yielded. Its rows are written when the block ends — or, when a ``batch`` shared
        with other services' batches is given, when its owner calls ``batch.write()``. Nothing is written if
        the block raises."""
        today = self._context.today()
        with self._context.edit(*ALL_ENTITIES) as unit:
            shared = batch if batch is not None else records.Batch(unit)
            yield ActionBatch(shared, today)
            if batch is None:
                shared.write()

    def update(self, action_id: uuid.UUID, draft: ActionDraft, expected_version: int | None) -> Action:
        """Saves the action's fields and replaces its partners, needs and milestones with the draft's."""
        today = self._context.today()
        with self._context.edit(*ALL_ENTITIES) as unit:
            record = records.require(unit, ActionRecord, action_id, LABEL)
            records.check_version(record, expected_version, LABEL, lambda: to_action(unit, record, today))
            valid = _validated(unit, draft, record, today)
            fields_changed = records.update(unit, record, valid.values)
            if _save_links(unit, record.id, valid) and not fields_changed:
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
