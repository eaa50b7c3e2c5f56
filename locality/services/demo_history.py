"""The demo partnership's history: who set up what and when, written to the change log with the generated rows.

Composed from the rows the demo generates, after they are made, with a random generator of its own, so that it
never changes the partnership a seed makes. It tells a story the History page can show and a merge could read:

- the coordinator (the owner organisation's contact) sets up the partner organisations before the plan starts;
- each need is recorded on the day it was identified by the contact of the organisation that raised it, as
  "Identified", and later moved on by the coordinator to the status it has now;
- each action is created when it was agreed, by its owner (or the coordinator), as planned; a few have their due
  date moved later;
- each action's latest progress report is logged by its author, followed at once by the changes it made to the
  action (percent complete, status, completion date), as the progress service logs a report;
- indicators and workshops are set up by the coordinator.

Entries carry the times of the records they describe (``created_at``), so they spread over the plan period.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from locality.domain.entities import Entity
from locality.domain.vocabulary import ActionStatus, NeedRole, NeedStatus
from locality.store.change_log import Change

Row = dict[str, Any]

# Columns every record has that a creation entry leaves out: the record's bookkeeping, not its values.
_BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "version", "deleted_at"})
# What an action is before any report moves it on.
_NOT_STARTED = {"status": ActionStatus.PLANNED.value, "percent_complete": 0, "completed_on": None}
# The action's fields a progress report moves on, in the order the progress service logs them.
_APPLIED = ("percent_complete", "status", "completed_on")
# A share of the actions under way whose due date was moved later after they were agreed.
_SLIPPED_SHARE = 0.06


def _values(row: Mapping[str, Any], **changed: Any) -> dict[str, Any]:
    values = {name: value for name, value in row.items() if name not in _BOOKKEEPING}
    values.update(changed)
    return values


def _on(day: date, hour: int, minute: int, tzinfo: Any) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo)


class _History:
    def __init__(self, rows: Mapping[str, Sequence[Row]], owner_id: uuid.UUID | None, today: date, seed: int):
        self.rows = rows
        self.today = today
        self.rng = random.Random(f"history {seed}")
        self.changes: list[Change] = []
        self.orgs = {row["id"]: row for row in rows["organisation"]}
        owner = self.orgs.get(owner_id) if owner_id is not None else None
        if owner is None and rows["organisation"]:
            owner = rows["organisation"][0]
        coordinator = (owner or {}).get("contact_name") or "Partnership coordinator"
        self.coordinator = (coordinator, (owner or {}).get("name", ""))

    def contact_of(self, org_id: uuid.UUID | None) -> tuple[str, str]:
        org = self.orgs.get(org_id) if org_id is not None else None
        if org is None or not org["contact_name"]:
            return self.coordinator
        return org["contact_name"], org["name"]

    def add(self, entity: Entity, row: Row, operation: str, at: datetime, author: tuple[str, str], **more: Any) -> None:
        self.changes.append(
            Change(entity, row["id"], operation, at=at, author=author[0], author_organisation=author[1], **more)
        )

    def create(self, entity: Entity, row: Row, author: tuple[str, str], **changed: Any) -> None:
        self.add(entity, row, "create", row["created_at"], author, new=_values(row, **changed))

    def edit(
        self, entity: Entity, row: Row, field: str, old: Any, new: Any, at: datetime, author: tuple[str, str]
    ) -> None:
        if old != new:
            self.add(entity, row, "update", at, author, field=field, old=old, new=new)

    def later_day(self, after: datetime, least: int, most: int) -> date | None:
        """A day some weeks after ``after`` and before today, or None when there is no such day."""
        first = after.date() + timedelta(days=least)
        last = min(after.date() + timedelta(days=most), self.today - timedelta(days=1))
        if last < first:
            return None
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    # ------------------------------------------------------------------ by table

    def organisations(self) -> None:
        for row in self.rows["organisation"]:
            self.create(Entity.ORGANISATION, row, self.coordinator)

    def needs(self) -> None:
        raised_by: dict[uuid.UUID, uuid.UUID] = {}
        for link in self.rows["need_organisation"]:
            if link["role"] in (NeedRole.RAISED_BY.value, NeedRole.LEAD.value):
                raised_by.setdefault(link["need_id"], link["organisation_id"])
        for row in self.rows["need"]:
            created = row["created_at"]
            self.create(Entity.NEED, row, self.contact_of(raised_by.get(row["id"])), status=NeedStatus.IDENTIFIED.value)
            day = self.later_day(created, 7, 120)
            if day is not None:
                at = _on(day, 10, self.rng.randint(0, 59), created.tzinfo)
                self.edit(Entity.NEED, row, "status", NeedStatus.IDENTIFIED.value, row["status"], at, self.coordinator)

    def actions(self) -> None:
        reports: dict[uuid.UUID, list[Row]] = {}
        for report in self.rows["progress_update"]:
            reports.setdefault(report["action_id"], []).append(report)
        for row in self.rows["action"]:
            created = row["created_at"]
            author = (row["owner_name"], self.orgs[row["lead_organisation_id"]]["name"])
            if not row["owner_name"]:
                author = self.coordinator
            own = reports.get(row["id"], [])
            first: dict[str, Any] = dict(_NOT_STARTED) if own else {}
            slipped = (
                row["status"] == ActionStatus.IN_PROGRESS.value
                and row["due_on"] is not None
                and self.rng.random() < _SLIPPED_SHARE
            )
            if slipped:
                first["due_on"] = row["due_on"] - timedelta(days=7 * self.rng.randint(4, 12))
            self.create(Entity.ACTION, row, author, **first)
            if slipped:
                day = self.later_day(created, 30, 240)
                if day is not None:
                    at = _on(day, 15, self.rng.randint(0, 59), created.tzinfo)
                    self.edit(Entity.ACTION, row, "due_on", first["due_on"], row["due_on"], at, self.coordinator)
            if own:
                self.latest_report(row, own)

    def latest_report(self, action: Row, reports: Sequence[Row]) -> None:
        """The action's latest report and, straight after it, what it moved on (as ``ProgressService.log``)."""
        latest = max(reports, key=lambda report: report["created_at"])
        before = [report for report in reports if report["created_at"] < latest["created_at"]]
        previous = dict(_NOT_STARTED)
        if before:
            last = max(before, key=lambda report: report["created_at"])
            previous.update(percent_complete=last["percent_complete"], status=last["status"])
        author = (latest["author"], latest["author_organisation"])
        self.create(Entity.PROGRESS_UPDATE, latest, author)
        for field in _APPLIED:
            self.edit(Entity.ACTION, action, field, previous[field], action[field], latest["created_at"], author)

    def evidence(self) -> None:
        for row in self.rows["indicator"]:
            self.create(Entity.INDICATOR, row, self.coordinator)
        for row in self.rows["workshop"]:
            self.create(Entity.WORKSHOP, row, self.coordinator)


def compose_history(
    rows: Mapping[str, Sequence[Row]], owner_id: uuid.UUID | None, today: date, seed: int
) -> list[Change]:
    """The change-log entries of the demo's history, oldest first (a report and what it moved on together)."""
    history = _History(rows, owner_id, today, seed)
    history.organisations()
    history.needs()
    history.actions()
    history.evidence()
    # A stable sort: entries made at the same moment (a report and its changes) keep their order.
    return sorted(history.changes, key=_made_at)


def _made_at(change: Change) -> datetime:
    assert change.at is not None  # every entry here carries its record's time
    return change.at


__all__ = ["compose_history"]
