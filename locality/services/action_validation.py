"""Checking an action's draft: every field's error at once, and the record values and links (partners, needs,
milestones) it asks for. Used by the action service, its batch, and the bulk edits of many actions."""

from __future__ import annotations

import builtins
import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from locality.domain.errors import ValidationError
from locality.domain.values import (
    MAX_PENCE,
    format_date,
    require_text,
    strip_invisible,
    validate_email,
    validate_percent,
)
from locality.domain.vocabulary import ActionStatus, Rag, VocabularyKind, choice
from locality.services import records
from locality.services.vocabulary import check_term, check_theme
from locality.store.models import (
    ActionRecord,
    MilestoneRecord,
    NeedRecord,
    OrganisationRecord,
    SupportOfferRecord,
)

if TYPE_CHECKING:
    from locality.services.actions import ActionDraft, MilestoneDraft, PartnerDraft


@dataclass(frozen=True)
class ValidPartner:
    organisation_id: uuid.UUID
    cash_pence: int
    staff_days: float
    in_kind: str


@dataclass(frozen=True)
class ValidMilestone:
    id: uuid.UUID | None
    title: str
    due_on: date | None
    done_on: date | None


def is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validated_partners(
    lookup: records.Lookup, partners: Iterable[PartnerDraft], errors: dict[str, str]
) -> builtins.list[ValidPartner]:
    drafts = builtins.list(partners)
    wanted = builtins.list({draft.organisation_id for draft in drafts})
    found = {row.id: row for row in lookup.by_ids(OrganisationRecord, wanted)}
    problems: builtins.list[str] = []
    valid: builtins.list[ValidPartner] = []
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
        if not is_whole(draft.cash_pence) or not 0 <= draft.cash_pence <= MAX_PENCE:
            ok = False
            if is_whole(draft.cash_pence) and draft.cash_pence < 0:
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
                ValidPartner(draft.organisation_id, draft.cash_pence, float(staff_days), (draft.in_kind or "").strip())
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
) -> builtins.list[ValidMilestone]:
    problems: builtins.list[str] = []
    valid: builtins.list[ValidMilestone] = []
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
        valid.append(ValidMilestone(milestone_id, title, draft.due_on, draft.done_on))
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


def _check_offer(lookup: records.Lookup, offer_id: uuid.UUID | None, errors: dict[str, str]) -> None:
    if offer_id is None:
        return
    offer = lookup.get(SupportOfferRecord, offer_id, include_deleted=True)
    if offer is None:
        errors["offer_id"] = "Choose a support offer from the directory"
    elif offer.deleted_at is not None:
        errors["offer_id"] = f"The offer {offer.title} has been deleted from the directory; choose another"


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
class ValidAction:
    values: dict[str, object]
    partners: builtins.list[ValidPartner]
    need_ids: builtins.list[uuid.UUID]
    milestones: builtins.list[ValidMilestone]


def validated_action(
    lookup: records.Lookup, draft: ActionDraft, current: ActionRecord | None, today: date
) -> ValidAction:
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
    if current is None or draft.offer_id != current.offer_id:
        _check_offer(lookup, draft.offer_id, errors)
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
        if not is_whole(budget) or budget > MAX_PENCE:
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
        offer_id=draft.offer_id,
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
    return ValidAction(values, partners, need_ids, milestones)
