"""What needs chasing: open actions and milestones that are overdue or due soon, each with who leads the action
and how to reach them, most overdue first — the coordinator's list for asking partners for progress.

Whom to ask is the action's named owner when the owner has an e-mail address, and otherwise the lead
organisation's general contact; each item says which (``contact_is_owner``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from locality.domain.errors import ValidationError
from locality.domain.text import plural
from locality.domain.vocabulary import Rag
from locality.services.action_rag import assess_action, rag_thresholds
from locality.services.context import ServiceContext
from locality.store import chase_queries

MAX_DAYS_AHEAD = 366


class ChaseKind(StrEnum):
    OVERDUE_ACTION = "Overdue action"
    ACTION_DUE_SOON = "Action due soon"
    OVERDUE_MILESTONE = "Overdue milestone"
    MILESTONE_DUE_SOON = "Milestone due soon"

    @property
    def is_overdue(self) -> bool:
        return self in (ChaseKind.OVERDUE_ACTION, ChaseKind.OVERDUE_MILESTONE)

    @property
    def is_milestone(self) -> bool:
        return self in (ChaseKind.OVERDUE_MILESTONE, ChaseKind.MILESTONE_DUE_SOON)


@dataclass(frozen=True)
class ChaseItem:
    """One thing to chase: an action, or one of its milestones (``milestone_title`` then set)."""

    kind: ChaseKind
    action_id: uuid.UUID
    action_title: str
    milestone_id: uuid.UUID | None
    milestone_title: str
    due_on: date  # the milestone's due date for a milestone, the action's otherwise
    days_overdue: int  # days past the due date; 0 when not overdue
    days_until_due: int  # days until the due date; 0 when overdue or due today
    action_due_on: date | None
    percent_complete: int
    rag: Rag | None
    rag_reason: str
    lead_organisation_id: uuid.UUID | None
    lead_organisation_name: str
    # Whom to ask: the action's owner when they have an e-mail address, else the lead organisation's contact.
    contact_name: str
    contact_email: str
    contact_is_owner: bool = False
    owner_name: str = ""  # the action's named owner, "" for none (with or without an e-mail)
    owner_email: str = ""
    owner_phone: str = ""

    @property
    def contact_source(self) -> str:
        """Which contact ``contact_name``/``contact_email`` are, in words."""
        return "Action owner" if self.contact_is_owner else "Organisation contact"

    @property
    def overdue(self) -> bool:
        return self.kind.is_overdue

    @property
    def timing(self) -> str:
        """How overdue, or how soon due, in words: "3 days overdue", "due today", "due in 5 days"."""
        if self.days_overdue:
            return f"{plural(self.days_overdue, 'day')} overdue"
        if self.days_until_due == 0:
            return "due today"
        if self.days_until_due == 1:
            return "due tomorrow"
        return f"due in {self.days_until_due} days"


def _and(parts: list[str]) -> str:
    return " and ".join(parts)


def period_words(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "by tomorrow"
    return f"in the next {days} days"


@dataclass(frozen=True)
class ChaseSummary:
    overdue_actions: int
    overdue_milestones: int
    due_soon_actions: int
    due_soon_milestones: int
    due_within_days: int

    @property
    def overdue(self) -> int:
        return self.overdue_actions + self.overdue_milestones

    @property
    def due_soon(self) -> int:
        return self.due_soon_actions + self.due_soon_milestones

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon

    @property
    def sentence(self) -> str:
        """For a banner: "5 actions and 3 milestones are overdue; 7 more are due in the next 14 days"."""
        when = period_words(self.due_within_days)
        overdue = [
            plural(number, noun)
            for number, noun in ((self.overdue_actions, "action"), (self.overdue_milestones, "milestone"))
            if number
        ]
        soon = [
            plural(number, noun)
            for number, noun in ((self.due_soon_actions, "action"), (self.due_soon_milestones, "milestone"))
            if number
        ]
        if not overdue and not soon:
            return f"Nothing is overdue, and nothing is due {when}."
        if not overdue:
            verb = "is" if self.due_soon == 1 else "are"
            return f"Nothing is overdue; {_and(soon)} {verb} due {when}."
        verb = "is" if self.overdue == 1 else "are"
        text = f"{_and(overdue)} {verb} overdue"
        if self.due_soon:
            more_verb = "is" if self.due_soon == 1 else "are"
            text += f"; {self.due_soon} more {more_verb} due {when}"
        return text + "."


@dataclass(frozen=True)
class ChaseList:
    items: tuple[ChaseItem, ...]
    today: date
    due_within_days: int
    organisation_id: uuid.UUID | None
    include_partners: bool

    @property
    def summary(self) -> ChaseSummary:
        counts = {kind: 0 for kind in ChaseKind}
        for item in self.items:
            counts[item.kind] += 1
        return ChaseSummary(
            overdue_actions=counts[ChaseKind.OVERDUE_ACTION],
            overdue_milestones=counts[ChaseKind.OVERDUE_MILESTONE],
            due_soon_actions=counts[ChaseKind.ACTION_DUE_SOON],
            due_soon_milestones=counts[ChaseKind.MILESTONE_DUE_SOON],
            due_within_days=self.due_within_days,
        )

    def for_lead(self, organisation_id: uuid.UUID | None) -> tuple[ChaseItem, ...]:
        """The items of actions that ``organisation_id`` leads (None: actions with no lead)."""
        return tuple(item for item in self.items if item.lead_organisation_id == organisation_id)

    def for_contact(self, organisation_id: uuid.UUID | None, contact_email: str) -> tuple[ChaseItem, ...]:
        """The items of actions ``organisation_id`` leads whose contact (owner or organisation) is ``contact_email``."""
        wanted = contact_email.strip().casefold()
        return tuple(item for item in self.for_lead(organisation_id) if item.contact_email.strip().casefold() == wanted)

    def recipients(self, organisation_id: uuid.UUID | None) -> list[tuple[ChaseItem, ...]]:
        """The items of actions ``organisation_id`` leads, one group per person to write to: each owner with an
        e-mail address, then the organisation's contact for the rest (the group's first item says who)."""
        groups: dict[tuple[bool, str], list[ChaseItem]] = {}
        for item in self.for_lead(organisation_id):
            key = (item.contact_is_owner, item.contact_email.strip().casefold() if item.contact_is_owner else "")
            groups.setdefault(key, []).append(item)
        ordered = sorted(groups.items(), key=lambda pair: (not pair[0][0], pair[1][0].contact_name.casefold()))
        return [tuple(items) for _key, items in ordered]

    def leads(self) -> list[tuple[uuid.UUID, str]]:
        """Each lead organisation with something to chase, once, A to Z."""
        found = {item.lead_organisation_id: item.lead_organisation_name for item in self.items}
        return sorted(
            ((oid, name) for oid, name in found.items() if oid is not None), key=lambda pair: pair[1].casefold()
        )


def _days(due_on: date, today: date) -> tuple[int, int]:
    late = (today - due_on).days
    return (late, 0) if late > 0 else (0, -late)


def _check_days(due_within_days: int | None) -> None:
    if due_within_days is not None and (
        isinstance(due_within_days, bool)
        or not isinstance(due_within_days, int)
        or not 0 <= due_within_days <= MAX_DAYS_AHEAD
    ):
        raise ValidationError({"due_within_days": f"Choose a number of days from 0 to {MAX_DAYS_AHEAD}"})


class ChaseService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def default_days(self) -> int:
        """The workspace's "due soon" days (its RAG threshold): what "due soon" means unless asked otherwise."""
        with self._context.read() as unit:
            return rag_thresholds(unit).due_soon_days

    def chase_list(
        self,
        organisation_id: uuid.UUID | None = None,
        due_within_days: int | None = None,
        *,
        include_partners: bool = False,
    ) -> ChaseList:
        """Open actions and their milestones that are overdue or due within ``due_within_days`` (the workspace's
        "due soon" days when None), most overdue first. ``organisation_id`` keeps the actions it leads, and with
        ``include_partners`` those it is a partner in too."""
        _check_days(due_within_days)
        today = self._context.today()
        with self._context.read() as unit:
            thresholds = rag_thresholds(unit)
            days = thresholds.due_soon_days if due_within_days is None else due_within_days
            rows = chase_queries.chase_rows(
                unit,
                today,
                today + timedelta(days=days),
                organisation_id=organisation_id,
                include_partners=include_partners,
            )
        items: list[ChaseItem] = []
        by_key: dict[str, tuple[chase_queries.ChaseActionRow, Rag | None, str]] = {}
        for row in rows.actions:
            assessment = assess_action(row, rows.milestone_dates.get(row.key, ()), today, thresholds)
            by_key[row.key] = (row, assessment.rag, assessment.reason)
            if row.due_on is not None and row.due_on <= today + timedelta(days=days):
                late, _until = _days(row.due_on, today)
                kind = ChaseKind.OVERDUE_ACTION if late else ChaseKind.ACTION_DUE_SOON
                items.append(self._item(kind, row, assessment.rag, assessment.reason, None, "", row.due_on, today))
        for milestone in rows.milestones:
            found = by_key.get(milestone.action_key)
            if found is None:
                continue
            row, rag, reason = found
            late, _until = _days(milestone.due_on, today)
            kind = ChaseKind.OVERDUE_MILESTONE if late else ChaseKind.MILESTONE_DUE_SOON
            items.append(self._item(kind, row, rag, reason, milestone.id, milestone.title, milestone.due_on, today))
        items.sort(
            key=lambda item: (
                item.due_on,
                item.action_title.casefold(),
                item.kind.is_milestone,
                item.milestone_title.casefold(),
                str(item.action_id),
            )
        )
        return ChaseList(tuple(items), today, days, organisation_id, include_partners)

    def summary(self, due_within_days: int | None = None) -> ChaseSummary:
        """How many actions and milestones are overdue and due soon, across the whole partnership: what
        ``chase_list(None, due_within_days).summary`` says, counted by the database (the banner on every start)."""
        _check_days(due_within_days)
        today = self._context.today()
        with self._context.read() as unit:
            days = rag_thresholds(unit).due_soon_days if due_within_days is None else due_within_days
            counts = chase_queries.chase_counts(unit, today, today + timedelta(days=days))
        return ChaseSummary(
            overdue_actions=counts.overdue_actions,
            overdue_milestones=counts.overdue_milestones,
            due_soon_actions=counts.due_soon_actions,
            due_soon_milestones=counts.due_soon_milestones,
            due_within_days=days,
        )

    @staticmethod
    def _item(
        kind: ChaseKind,
        row: chase_queries.ChaseActionRow,
        rag: Rag | None,
        reason: str,
        milestone_id: uuid.UUID | None,
        milestone_title: str,
        due_on: date,
        today: date,
    ) -> ChaseItem:
        late, until = _days(due_on, today)
        # The owner is asked when there is an address to write to; else the organisation's general contact.
        owner_reachable = bool(row.owner_name and row.owner_email)
        return ChaseItem(
            kind=kind,
            action_id=row.id,
            action_title=row.title,
            milestone_id=milestone_id,
            milestone_title=milestone_title,
            due_on=due_on,
            days_overdue=late,
            days_until_due=until,
            action_due_on=row.due_on,
            percent_complete=row.percent_complete,
            rag=rag,
            rag_reason=reason,
            lead_organisation_id=row.lead_organisation_id,
            lead_organisation_name=row.lead_organisation_name,
            contact_name=row.owner_name if owner_reachable else row.contact_name,
            contact_email=row.owner_email if owner_reachable else row.contact_email,
            contact_is_owner=owner_reachable,
            owner_name=row.owner_name,
            owner_email=row.owner_email,
            owner_phone=row.owner_phone,
        )
