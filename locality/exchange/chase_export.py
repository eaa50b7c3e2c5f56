"""What needs chasing, sent on: a CSV of the chase list, e-mail drafts (one .eml file per lead organisation,
which Outlook, Thunderbird and Apple Mail open as a draft ready to send), and a mailto: link for one lead.

The CSV is UTF-8 with a byte-order mark, every text cell neutralised so no title can become a formula, and
contact names and e-mail addresses (personal data) are left out unless asked for. Every file is written
atomically.
"""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr
from pathlib import Path
from urllib.parse import quote

from locality.domain.values import format_date
from locality.exchange.safe_text import neutralise
from locality.files import atomic_path, atomic_write_bytes
from locality.services.chase import ChaseItem, ChaseList, period_words
from locality.services.context import User

COLUMNS = (
    "Kind",
    "Action",
    "Milestone",
    "Lead organisation",
    "Due",
    "Days overdue",
    "Days until due",
    "Percent complete",
    "RAG",
    "RAG reason",
)
CONTACT_COLUMNS = ("Contact name", "Contact e-mail")

# Mail programs on Windows refuse mailto: links much longer than about 2,000 characters.
MAILTO_LIMIT = 1900


# --------------------------------------------------------------------------- CSV


def chase_cells(item: ChaseItem, *, include_contacts: bool) -> list[str]:
    cells = [
        item.kind.value,
        neutralise(item.action_title),
        neutralise(item.milestone_title),
        neutralise(item.lead_organisation_name),
    ]
    if include_contacts:
        cells += [neutralise(item.contact_name), neutralise(item.contact_email)]
    cells += [
        format_date(item.due_on),
        str(item.days_overdue),
        str(item.days_until_due),
        str(item.percent_complete),
        item.rag.value if item.rag is not None else "Not rated",
        neutralise(item.rag_reason),
    ]
    return cells


def write_chase_csv(chase: ChaseList, target: Path | str, *, include_contacts: bool = False) -> int:
    """Writes the chase list to ``target`` as CSV; returns the number of rows written."""
    header = list(COLUMNS)
    if include_contacts:
        header[4:4] = CONTACT_COLUMNS
    with atomic_path(Path(target)) as temporary, open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(chase_cells(item, include_contacts=include_contacts) for item in chase.items)
    return len(chase.items)


# --------------------------------------------------------------------------- e-mail text


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _timing(item: ChaseItem) -> str:
    return f"due {format_date(item.due_on)}, {item.timing}"


def action_count(items: Sequence[ChaseItem]) -> int:
    return len({item.action_id for item in items})


def email_subject(items: Sequence[ChaseItem], partnership: str) -> str:
    return f"Progress update needed: {_plural(action_count(items), 'action')} for {partnership or 'the partnership'}"


def _action_lines(items: Sequence[ChaseItem]) -> list[str]:
    """Each action once, with what is due on it: its own due date and its milestones beneath."""
    lines: list[str] = []
    grouped: dict[uuid.UUID, list[ChaseItem]] = {}
    for item in items:
        grouped.setdefault(item.action_id, []).append(item)
    for group in grouped.values():
        first = group[0]
        own = next((item for item in group if not item.kind.is_milestone), None)
        if own is not None:
            when = _timing(own)
        elif first.action_due_on is not None:
            when = f"due {format_date(first.action_due_on)}"
        else:
            when = "no due date set"
        lines.append(f"- {first.action_title}: {when} ({first.percent_complete}% complete)")
        for item in group:
            if item.kind.is_milestone:
                lines.append(f"    Milestone \u201c{item.milestone_title}\u201d: {_timing(item)}")
    return lines


def email_body(
    items: Sequence[ChaseItem],
    *,
    partnership: str,
    sender: User,
    due_within_days: int,
    limit: int | None = None,
) -> str:
    """The plain-text letter to one lead organisation about ``items`` (all of actions it leads)."""
    first = items[0]
    greeting = f"Dear {first.contact_name}," if first.contact_name else "Dear colleague,"
    count = action_count(items)
    overdue = any(item.overdue for item in items)
    what = "overdue, or due " + period_words(due_within_days) if overdue else "due " + period_words(due_within_days)
    lines = [
        greeting,
        "",
        f"I am preparing the progress report for {partnership or 'the partnership'}. "
        f"{first.lead_organisation_name} leads {'this action' if count == 1 else f'these {count} actions'}, "
        f"which {'has' if count == 1 else 'have'} work {what}:",
        "",
    ]
    action_lines = _action_lines(items)
    if limit is not None and len(action_lines) > limit:
        shown = action_lines[:limit]
        while shown and shown[-1].startswith("    "):
            shown.pop()
        hidden = sum(1 for line in action_lines[len(shown) :] if line.startswith("- "))
        action_lines = [*shown, f"- and {_plural(hidden, 'more action')}"]
    lines += action_lines
    lines += [
        "",
        "Please could you let me know how each one stands: the percent complete, any milestones met and the "
        "date they were met, and a short note on progress or anything holding it up.",
        "",
        "Thank you,",
    ]
    signature = [part for part in (sender.name, sender.organisation) if part.strip()]
    lines += signature or ["The partnership coordinator"]
    return "\n".join(lines) + "\n"


def email_draft(items: Sequence[ChaseItem], *, partnership: str, sender: User, due_within_days: int) -> EmailMessage:
    """An unsent message to the lead's contact (``X-Unsent: 1`` makes Outlook open it as a draft)."""
    first = items[0]
    message = EmailMessage()
    try:
        message["To"] = Address(display_name=first.contact_name, addr_spec=first.contact_email.strip())
    except (ValueError, IndexError):  # an address the e-mail package cannot parse: kept as typed
        message["To"] = formataddr((first.contact_name, first.contact_email.strip()))
    message["Subject"] = email_subject(items, partnership)
    message["X-Unsent"] = "1"
    message.set_content(email_body(items, partnership=partnership, sender=sender, due_within_days=due_within_days))
    return message


# --------------------------------------------------------------------------- e-mail drafts


@dataclass(frozen=True)
class EmailDrafts:
    """What ``write_email_drafts`` did."""

    written: tuple[Path, ...]
    without_email: tuple[str, ...]  # lead organisations skipped, by name
    without_lead: int  # actions with something to chase but no lead organisation

    @property
    def message(self) -> str:
        if self.written:
            folder = self.written[0].parent
            text = f"Wrote {_plural(len(self.written), 'e-mail draft')} to {folder}."
        else:
            text = "No e-mail drafts were written."
        if self.without_email:
            names = ", ".join(self.without_email)
            count = len(self.without_email)
            text += f" {_plural(count, 'organisation')} {'has' if count == 1 else 'have'} no contact e-mail: {names}."
        if self.without_lead:
            count = self.without_lead
            text += f" {_plural(count, 'action')} {'has' if count == 1 else 'have'} no lead organisation."
        return text


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def draft_file_name(organisation_name: str) -> str:
    """A file name Windows, macOS and Linux all accept."""
    cleaned = _UNSAFE.sub(" ", organisation_name)
    cleaned = " ".join(cleaned.split()).strip(" .")[:120].strip(" .") or "Organisation"
    return f"Progress update - {cleaned}.eml"


def write_email_drafts(chase: ChaseList, folder: Path | str, *, partnership: str, sender: User) -> EmailDrafts:
    """One .eml draft per lead organisation with something to chase, written into ``folder``; leads with no
    contact e-mail are skipped and named in the result."""
    folder = Path(folder)
    written: list[Path] = []
    without_email: list[str] = []
    used: set[str] = set()
    for organisation_id, name in chase.leads():
        items = chase.for_lead(organisation_id)
        if not items[0].contact_email.strip():
            without_email.append(name)
            continue
        file_name = draft_file_name(name)
        stem, number = file_name[: -len(".eml")], 2
        while file_name.casefold() in used:
            file_name = f"{stem} ({number}).eml"
            number += 1
        used.add(file_name.casefold())
        message = email_draft(items, partnership=partnership, sender=sender, due_within_days=chase.due_within_days)
        target = folder / file_name
        atomic_write_bytes(target, message.as_bytes(policy=SMTP))
        written.append(target)
    without_lead = action_count(chase.for_lead(None))
    return EmailDrafts(tuple(written), tuple(without_email), without_lead)


def mailto_url(chase: ChaseList, organisation_id: uuid.UUID, *, partnership: str, sender: User) -> str | None:
    """A mailto: link opening a new message to the lead's contact about what it has to chase; None when the
    organisation has nothing to chase or no contact e-mail."""
    items = chase.for_lead(organisation_id)
    if not items or not items[0].contact_email.strip():
        return None
    recipient = items[0].contact_email.strip()
    subject = email_subject(items, partnership)
    limit: int | None = None
    while True:
        body = email_body(
            items,
            partnership=partnership,
            sender=sender,
            due_within_days=chase.due_within_days,
            limit=limit,
        )
        url = (
            f"mailto:{quote(recipient, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(body.replace(chr(10), chr(13) + chr(10)), safe='')}"
        )
        lines = body.count("\n")
        if len(url) <= MAILTO_LIMIT or (limit is not None and limit <= 1) or lines <= 1:
            return url
        limit = max(1, (limit if limit is not None else len(_action_lines(items))) * 2 // 3)
