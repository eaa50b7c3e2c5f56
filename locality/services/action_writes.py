"""Writing an action's records: the fields it stores, its links to partners, needs and milestones (replaced to
match a checked draft), and many new actions at once in one transaction (``ActionBatch``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from locality.services import records
from locality.services.action_validation import ValidAction, ValidMilestone, ValidPartner, validated_action
from locality.store.models import ActionNeedRecord, ActionPartnerRecord, ActionRecord, MilestoneRecord
from locality.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from locality.services.actions import ActionDraft


ACTION_FIELDS = (
    "title",
    "description",
    "theme_id",
    "type_id",
    "delivery_level_id",
    "provider_id",
    "offer_id",
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
PARTNER_FIELDS = ("action_id", "organisation_id", "cash_pence", "staff_days", "in_kind")
NEED_FIELDS = ("action_id", "need_id")
MILESTONE_FIELDS = ("action_id", "title", "due_on", "done_on", "sort_order")


def _replace_partners(unit: UnitOfWork, action_id: uuid.UUID, partners: Iterable[ValidPartner]) -> bool:
    """Gives the action exactly ``partners``; True if any link changed."""
    wanted = [
        (
            partner.organisation_id,
            {"cash_pence": partner.cash_pence, "staff_days": partner.staff_days, "in_kind": partner.in_kind},
        )
        for partner in partners
    ]
    return records.replace_links(
        unit, ActionPartnerRecord, {"action_id": action_id}, "organisation_id", wanted, PARTNER_FIELDS
    )


def _replace_needs(unit: UnitOfWork, action_id: uuid.UUID, need_ids: Iterable[uuid.UUID]) -> bool:
    wanted: list[tuple[uuid.UUID, dict[str, object]]] = [(need_id, {}) for need_id in need_ids]
    return records.replace_links(unit, ActionNeedRecord, {"action_id": action_id}, "need_id", wanted, NEED_FIELDS)


def _replace_milestones(unit: UnitOfWork, action_id: uuid.UUID, milestones: Iterable[ValidMilestone]) -> bool:
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
            records.create(unit, created, MILESTONE_FIELDS)
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


def save_links(unit: UnitOfWork, action_id: uuid.UUID, valid: ValidAction) -> bool:
    changed = _replace_partners(unit, action_id, valid.partners)
    changed = _replace_needs(unit, action_id, valid.need_ids) or changed
    return _replace_milestones(unit, action_id, valid.milestones) or changed


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
        valid = validated_action(self._known, draft, None, self._today)
        row = self._rows.create(ActionRecord, valid.values, ACTION_FIELDS)
        action_id: uuid.UUID = row["id"]
        # The links a new action gets from ``save_links``, in the same order.
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
                PARTNER_FIELDS,
            )
        for need_id in valid.need_ids:
            self._rows.create(ActionNeedRecord, {"action_id": action_id, "need_id": need_id}, NEED_FIELDS)
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
                MILESTONE_FIELDS,
            )
        # Later drafts of the batch (a funding allocation, say) may name it.
        self._known.add_row(ActionRecord, row)
        return action_id
