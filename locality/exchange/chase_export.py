"""What needs chasing, sent on: a CSV of the chase list, e-mail drafts (.eml files, which Outlook, Thunderbird and
Apple Mail open as a draft ready to send), and a mailto: link for one lead.

Drafts go to each action's named owner when the owner has an e-mail address — one draft per owner — and to the
lead organisation's general contact for its other actions; the result says which drafts went to whom.

The CSV is UTF-8 with a byte-order mark, every text cell neutralised so no title can become a formula, and
contact names and e-mail addresses (personal data) are left out unless asked for. Every file is written
atomically.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import quote

from locality.domain.errors import LocalityError
from locality.domain.text import plural
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
    "Owner",  # the action's named owner, after the others so that readers by position keep working
)
# Personal data, only when asked for; "Contact is" says whether the contact is the action's owner.
CONTACT_COLUMNS = ("Contact name", "Contact e-mail", "Contact is")

# Mail programs on Windows refuse mailto: links much longer than about 2,000 characters.
MAILTO_LIMIT = 1900

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- hostile names and addresses


def one_line(text: str) -> str:
    """``text`` fit for one line of a header, a file name or a sentence: control characters (CR, LF, NUL, tab,
    the Unicode line and paragraph separators) become spaces, invisible format characters go, and runs of space
    become one."""
    kept: list[str] = []
    for character in text:
        category = unicodedata.category(character)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cf", "Cs", "Co", "Cn"):
            kept.append(character)
    return " ".join("".join(kept).split())


_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}")


def single_address(text: str) -> str | None:
    """The one e-mail address ``text`` holds (``jo@example.org`` or ``"Jo" <jo@example.org>``), or None when it
    holds none, more than one (``a@example.org, b@example.org``), or anything a mail program could read as a
    further recipient or header."""
    text = text.strip()
    if not text or len(text) > 320 or one_line(text) != text:
        return None  # empty, absurdly long, or with control characters that could start a new header
    pairs = getaddresses([text])
    if len(pairs) != 1:
        return None
    addr_spec = pairs[0][1].strip()
    if addr_spec.count("@") != 1:
        return None
    local, _, domain = addr_spec.partition("@")
    if not _LOCAL_PART.fullmatch(local) or not _DOMAIN.fullmatch(domain) or len(local) > 64:
        return None
    try:
        address = Address(addr_spec=addr_spec)
    except (ValueError, IndexError, MessageError):
        return None
    if not address.username or not address.domain or address.addr_spec != addr_spec:
        return None
    return addr_spec


# --------------------------------------------------------------------------- CSV


def chase_cells(item: ChaseItem, *, include_contacts: bool) -> list[str]:
    cells = [
        item.kind.value,
        neutralise(item.action_title),
        neutralise(item.milestone_title),
        neutralise(item.lead_organisation_name),
    ]
    if include_contacts:
        cells += [neutralise(item.contact_name), neutralise(item.contact_email), item.contact_source]
    cells += [
        format_date(item.due_on),
        str(item.days_overdue),
        str(item.days_until_due),
        str(item.percent_complete),
        item.rag.value if item.rag is not None else "Not rated",
        neutralise(item.rag_reason),
        neutralise(item.owner_name),
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


def _timing(item: ChaseItem) -> str:
    return f"due {format_date(item.due_on)}, {item.timing}"


def action_count(items: Sequence[ChaseItem]) -> int:
    return len({item.action_id for item in items})


def email_subject(items: Sequence[ChaseItem], partnership: str) -> str:
    partnership = one_line(partnership)
    return f"Progress update needed: {plural(action_count(items), 'action')} for {partnership or 'the partnership'}"


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
        lines.append(f"- {one_line(first.action_title)}: {when} ({first.percent_complete}% complete)")
        for item in group:
            if item.kind.is_milestone:
                lines.append(f"    Milestone \u201c{one_line(item.milestone_title)}\u201d: {_timing(item)}")
    return lines


def email_body(
    items: Sequence[ChaseItem],
    *,
    partnership: str,
    sender: User,
    due_within_days: int,
    limit: int | None = None,
) -> str:
    """The plain-text letter about ``items`` (all of actions one organisation leads, and all with the same contact):
    to the actions' owner when ``contact_is_owner``, else to the organisation's contact."""
    first = items[0]
    contact = one_line(first.contact_name)
    greeting = f"Dear {contact}," if contact else "Dear colleague,"
    partnership = one_line(partnership)
    count = action_count(items)
    overdue = any(item.overdue for item in items)
    what = "overdue, or due " + period_words(due_within_days) if overdue else "due " + period_words(due_within_days)
    these = "this action" if count == 1 else f"these {count} actions"
    owned = f", and you are named as {'its owner' if count == 1 else 'their owner'}" if first.contact_is_owner else ""
    lines = [
        greeting,
        "",
        f"I am preparing the progress report for {partnership or 'the partnership'}. "
        f"{one_line(first.lead_organisation_name) or 'Your organisation'} leads {these}{owned}; "
        f"{'it has' if count == 1 else 'they have'} work {what}:",
        "",
    ]
    action_lines = _action_lines(items)
    if limit is not None and len(action_lines) > limit:
        shown = action_lines[:limit]
        while shown and shown[-1].startswith("    "):
            shown.pop()
        hidden = sum(1 for line in action_lines[len(shown) :] if line.startswith("- "))
        action_lines = [*shown, f"- and {plural(hidden, 'more action')}"]
    lines += action_lines
    lines += [
        "",
        "Please could you let me know how each one stands: the percent complete, any milestones met and the "
        "date they were met, and a short note on progress or anything holding it up.",
        "",
        "Thank you,",
    ]
    signature = [one_line(part) for part in (sender.name, sender.organisation) if one_line(part)]
    lines += signature or ["The partnership coordinator"]
    return "\n".join(lines) + "\n"


class InvalidAddress(LocalityError):
    """A contact e-mail that is not exactly one address."""


def email_draft(items: Sequence[ChaseItem], *, partnership: str, sender: User, due_within_days: int) -> EmailMessage:
    """An unsent message to the items' contact — their owner, or the lead's contact (``X-Unsent: 1`` makes Outlook
    open it as a draft).

    Raises InvalidAddress when the contact e-mail is not exactly one address; names are put on one line, so no
    name can add a header or a recipient."""
    first = items[0]
    address = single_address(first.contact_email)
    if address is None:
        raise InvalidAddress(f"{one_line(first.lead_organisation_name)} has no valid e-mail address.")
    message = EmailMessage()
    message["To"] = Address(display_name=one_line(first.contact_name)[:200], addr_spec=address)
    recipients = message["To"].addresses
    if len(recipients) != 1 or recipients[0].addr_spec != address:  # belt and braces: one recipient, this one
        raise InvalidAddress(f"{one_line(first.lead_organisation_name)} has no valid e-mail address.")
    message["Subject"] = email_subject(items, partnership)
    message["X-Unsent"] = "1"
    message.set_content(email_body(items, partnership=partnership, sender=sender, due_within_days=due_within_days))
    return message


# --------------------------------------------------------------------------- e-mail drafts


@dataclass(frozen=True)
class DraftNotWritten:
    """A lead organisation whose draft could not be written, and why, in the user's terms."""

    organisation: str
    reason: str


@dataclass(frozen=True)
class EmailDrafts:
    """What ``write_email_drafts`` did: every draft written, and every lead left out and why."""

    written: tuple[Path, ...]
    without_email: tuple[str, ...]  # lead organisations skipped for having no contact e-mail, by name
    without_lead: int  # actions with something to chase but no lead organisation
    invalid_email: tuple[str, ...] = ()  # lead organisations whose contact e-mail is not one valid address
    not_written: tuple[DraftNotWritten, ...] = ()  # drafts that failed to be written (a full disk, say)
    written_for: tuple[str, ...] = ()  # whom each written draft is to (``addressee``), in the same order
    # Drafts written to an action's owner, as "Owner name (Organisation)", in the order written; the others went
    # to the lead organisation's general contact.
    to_owners: tuple[str, ...] = ()

    @property
    def to_organisation_contacts(self) -> int:
        return len(self.written) - len(self.to_owners)

    @property
    def complete(self) -> bool:
        """True when every lead with a valid address got its draft."""
        return not self.not_written

    @property
    def message(self) -> str:
        folder = self.written[0].parent if self.written else None
        if self.not_written:
            total = len(self.written) + len(self.not_written)
            if self.written:
                names = "; ".join(self.written_for or tuple(path.name for path in self.written))
                text = f"Wrote {len(self.written)} of {plural(total, 'e-mail draft')} to {folder}: {names}."
            else:
                text = f"No e-mail drafts were written ({total} tried)."
            failures = "; ".join(f"{failure.organisation} ({failure.reason})" for failure in self.not_written)
            text += f" Not written: {failures}"
            text += "" if text.endswith(".") else "."
        elif self.written:
            text = f"Wrote {plural(len(self.written), 'e-mail draft')} to {folder}."
        else:
            text = "No e-mail drafts were written."
        if self.to_owners:
            text += f" To the actions' owners: {', '.join(self.to_owners)}."
            if self.to_organisation_contacts:
                count = self.to_organisation_contacts
                text += (
                    f" {plural(count, 'draft')} went to the lead organisation's general contact, for actions "
                    "with no owner's e-mail."
                )
        if self.without_email:
            names = ", ".join(self.without_email)
            count = len(self.without_email)
            text += f" {plural(count, 'organisation')} {'has' if count == 1 else 'have'} no contact e-mail: {names}."
        if self.invalid_email:
            names = ", ".join(self.invalid_email)
            count = len(self.invalid_email)
            text += (
                f" {plural(count, 'organisation')} {'has' if count == 1 else 'have'} no valid e-mail address "
                f"(it must be one address, like name@example.org): {names}."
            )
        if self.without_lead:
            count = self.without_lead
            text += f" {plural(count, 'action')} {'has' if count == 1 else 'have'} no lead organisation."
        return text


# Not allowed in a file name on Windows (and "/" nowhere); control characters are dealt with by one_line.
_UNSAFE = re.compile(r'[<>:"/\\|?*]+')
# Names Windows reserves for devices, with or without an extension.
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?")
FILE_NAME_BYTES = 150  # of the organisation's part, in UTF-8: the whole name stays well under 255


def safe_file_stem(name: str, fallback: str) -> str:
    """``name`` as part of a file name Windows, macOS and Linux all accept: one line, no path separators or
    characters Windows refuses, not a device name, not empty, and not too long."""
    cleaned = _UNSAFE.sub(" ", one_line(name))
    cleaned = " ".join(cleaned.split()).strip(" .")
    cleaned = cleaned.encode("utf-8")[:FILE_NAME_BYTES].decode("utf-8", "ignore").strip(" .")
    if not cleaned or _RESERVED.fullmatch(cleaned):
        return fallback if not cleaned else f"{cleaned} ({fallback})"
    return cleaned


def draft_file_name(organisation_name: str) -> str:
    """A file name Windows, macOS and Linux all accept."""
    return f"Progress update - {safe_file_stem(organisation_name, 'Organisation')}.eml"


def _reason(error: BaseException) -> str:
    if isinstance(error, LocalityError):
        return str(error).rstrip(".")
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return "the message could not be put together"


def write_email_drafts(chase: ChaseList, folder: Path | str, *, partnership: str, sender: User) -> EmailDrafts:
    """.eml drafts written into ``folder``: one per owner (with an e-mail address) of actions with something to
    chase, and one per lead organisation for its other actions, to its general contact.

    Leads with no contact e-mail, or one that is not exactly one valid address, are skipped and named in the
    result (their owners' drafts are still written). A draft that cannot be written (a full disk, a file name
    taken by a workspace) does not stop the others: the result names every draft written and every one not
    written, with the reason.
    """
    folder = Path(folder)
    written: list[Path] = []
    written_for: list[str] = []
    without_email: list[str] = []
    invalid_email: list[str] = []
    not_written: list[DraftNotWritten] = []
    to_owners: list[str] = []
    used: set[str] = set()
    for organisation_id, name in chase.leads():
        for items in chase.recipients(organisation_id):
            target = _write_draft(
                items, name, folder, used, partnership, sender, chase.due_within_days, without_email, invalid_email
            )
            if isinstance(target, DraftNotWritten):
                not_written.append(target)
            elif target is not None:
                written.append(target)
                written_for.append(addressee(items, name))
                if items[0].contact_is_owner:
                    to_owners.append(addressee(items, name))
    without_lead = action_count(chase.for_lead(None))
    return EmailDrafts(
        tuple(written),
        tuple(without_email),
        without_lead,
        invalid_email=tuple(invalid_email),
        not_written=tuple(not_written),
        written_for=tuple(written_for),
        to_owners=tuple(to_owners),
    )


def addressee(items: Sequence[ChaseItem], organisation_name: str) -> str:
    """Whom a draft about ``items`` goes to, for a message: "Owner Name (Organisation)" for an action owner, the
    organisation's name for its general contact."""
    shown = one_line(organisation_name) or "An organisation"
    first = items[0]
    return f"{one_line(first.contact_name) or first.contact_email} ({shown})" if first.contact_is_owner else shown


def _write_draft(
    items: Sequence[ChaseItem],
    name: str,
    folder: Path,
    used: set[str],
    partnership: str,
    sender: User,
    due_within_days: int,
    without_email: list[str],
    invalid_email: list[str],
) -> Path | DraftNotWritten | None:
    """Writes the draft about ``items`` (one contact's, at the lead organisation ``name``); None when there is no
    address to write to (the organisation, or owner, is added to ``without_email`` or ``invalid_email``)."""
    shown = one_line(name) or "An organisation"
    first = items[0]
    who = addressee(items, name)
    if not first.contact_email.strip():
        without_email.append(shown)
        return None
    if single_address(first.contact_email) is None:
        invalid_email.append(who)
        return None
    file_name = draft_file_name(f"{name} - {first.contact_name}" if first.contact_is_owner else name)
    stem, number = file_name[: -len(".eml")], 2
    while file_name.casefold() in used:
        file_name = f"{stem} ({number}).eml"
        number += 1
    used.add(file_name.casefold())
    target = folder / file_name
    try:
        message = email_draft(items, partnership=partnership, sender=sender, due_within_days=due_within_days)
        atomic_write_bytes(target, message.as_bytes(policy=SMTP))
    except InvalidAddress:
        invalid_email.append(who)
        return None
    except (LocalityError, OSError, ValueError, UnicodeError, MessageError) as error:
        log.warning("e-mail draft for %s not written", who, exc_info=True)
        return DraftNotWritten(who, _reason(error))
    return target


def mailto_url(
    chase: ChaseList,
    organisation_id: uuid.UUID,
    *,
    partnership: str,
    sender: User,
    contact_email: str | None = None,
) -> str | None:
    """A mailto: link opening a new message to one contact about what it has to chase among the actions the
    organisation leads: ``contact_email``'s (an action owner's or the organisation's contact), or when None the
    first of ``ChaseList.recipients``. None when there is nothing to chase or no valid e-mail address. The address
    is one validated address and every part is percent-encoded, so no name or address can add a recipient or a
    header to the link."""
    if contact_email is not None:
        items = chase.for_contact(organisation_id, contact_email)
    else:
        groups = chase.recipients(organisation_id)
        items = groups[0] if groups else ()
    if not items:
        return None
    recipient = single_address(items[0].contact_email)
    if recipient is None:  # none, or not exactly one address: nothing a mail program could be misled by
        return None
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
