"""The chase list sent on: CSV, e-mail drafts (.eml) and mailto: links, each read back the way a program would."""

from __future__ import annotations

import csv
import uuid
from dataclasses import replace
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from locality.domain.values import format_date
from locality.domain.vocabulary import ActionStatus
from locality.exchange.chase_export import (
    addressee,
    draft_file_name,
    mailto_url,
    single_address,
    write_chase_csv,
    write_email_drafts,
)
from locality.files import FileWriteError
from locality.services.actions import ActionDraft, MilestoneDraft
from locality.services.chase import ChaseItem, ChaseList
from locality.services.context import User
from locality.services.demo import DEMO_TODAY
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services

TODAY = DEMO_TODAY
SENDER = User("Jo Coordinator", "Westshire County Council")


@pytest.fixture
def demo_services(demo_services: Services) -> Services:
    demo_services.context.today = lambda: TODAY
    return demo_services


@pytest.fixture
def chase(demo_services: Services) -> ChaseList:
    # One lead without a contact e-mail, and a title a spreadsheet would take for a formula.
    quiet = demo_services.organisations.create(OrganisationDraft(name="Quiet Partners Forum", contact_name="Sam"))
    demo_services.actions.create(
        ActionDraft(
            title='=HYPERLINK("http://evil")',
            lead_organisation_id=quiet.id,
            status=ActionStatus.IN_PROGRESS,
            due_on=TODAY - timedelta(days=3),
        )
    )
    return demo_services.chase.chase_list()


def test_csv_reads_back_with_one_row_per_item(chase: ChaseList, tmp_path: Path) -> None:
    target = tmp_path / "chase.csv"
    assert write_chase_csv(chase, target) == len(chase.items)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Kind", "Action", "Milestone", "Lead organisation"]
    assert "Contact e-mail" not in header  # personal data stays out unless asked for
    assert len(body) == len(chase.items)
    column = {name: number for number, name in enumerate(header)}
    for row, item in zip(body, chase.items, strict=True):
        assert row[column["Kind"]] == item.kind.value
        assert row[column["Due"]] == format_date(item.due_on)
        assert row[column["Days overdue"]] == str(item.days_overdue)
        assert row[column["Percent complete"]] == str(item.percent_complete)
    titles = [row[column["Action"]] for row in body]
    assert '\'=HYPERLINK("http://evil")' in titles
    assert not any(title.startswith("=") for title in titles)


def test_csv_with_contacts(chase: ChaseList, tmp_path: Path) -> None:
    target = tmp_path / "chase.csv"
    write_chase_csv(chase, target, include_contacts=True)
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = chase.items[0]
    assert rows[0]["Contact e-mail"] == first.contact_email
    assert rows[0]["Contact name"] == first.contact_name


def reachable_recipients(chase: ChaseList) -> list[tuple[str, tuple[ChaseItem, ...]]]:
    """Each draft the chase list should give, in order: (lead organisation's name, the items it is about), for
    every owner and organisation contact with an e-mail address."""
    return [(name, group) for oid, name in chase.leads() for group in chase.recipients(oid) if group[0].contact_email]


def draft_path(folder: Path, name: str, item: ChaseItem) -> Path:
    return folder / draft_file_name(f"{name} - {item.contact_name}" if item.contact_is_owner else name)


def test_email_drafts_one_per_owner_and_lead_contact_with_an_address(chase: ChaseList, tmp_path: Path) -> None:
    result = write_email_drafts(chase, tmp_path, partnership="Westshire Locality Partnership", sender=SENDER)
    leads = chase.leads()
    expected = reachable_recipients(chase)
    assert any(group[0].contact_is_owner for _name, group in expected)  # the demo names owners
    assert any(not group[0].contact_is_owner for _name, group in expected)
    assert len(result.written) == len(expected) == len(list(tmp_path.glob("*.eml")))
    assert sorted(result.written) == sorted(draft_path(tmp_path, name, group[0]) for name, group in expected)
    assert "Quiet Partners Forum" in result.without_email
    with_contact = {name for oid, name in leads if any(not item.contact_is_owner for item in chase.for_lead(oid))}
    with_email = {name for name, group in expected if not group[0].contact_is_owner}
    assert set(result.without_email) == with_contact - with_email
    assert f"Wrote {len(expected)} e-mail drafts to {tmp_path}" in result.message
    assert "no contact e-mail: " in result.message and "Quiet Partners Forum" in result.message
    assert "To the actions' owners: " in result.message

    name, items = next((name, group) for name, group in expected if not group[0].contact_is_owner)
    path = draft_path(tmp_path, name, items[0])
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == items[0].contact_email
    assert message["To"].addresses[0].display_name == items[0].contact_name
    actions = {item.action_id for item in items}
    noun = "action" if len(actions) == 1 else "actions"
    assert message["Subject"] == f"Progress update needed: {len(actions)} {noun} for Westshire Locality Partnership"
    body = message.get_content().splitlines()
    assert body[0] == f"Dear {items[0].contact_name},"
    for item in items:
        if item.kind.is_milestone:
            line = f"    Milestone \u201c{item.milestone_title}\u201d: due {format_date(item.due_on)}, {item.timing}"
        else:
            due = f"due {format_date(item.due_on)}, {item.timing}"
            line = f"- {item.action_title}: {due} ({item.percent_complete}% complete)"
        assert line in body
    assert body[-2:] == ["Jo Coordinator", "Westshire County Council"]


def test_overdue_wording_in_a_draft(chase: ChaseList, tmp_path: Path) -> None:
    overdue = next(item for item in chase.items if item.overdue and item.contact_email)
    result = write_email_drafts(chase, tmp_path, partnership="P", sender=SENDER)
    path = draft_path(tmp_path, overdue.lead_organisation_name, overdue)
    assert path in result.written
    text = BytesParser(policy=policy.default).parsebytes(path.read_bytes()).get_content()
    days = overdue.days_overdue
    assert f"due {format_date(overdue.due_on)}, {days} day{'' if days == 1 else 's'} overdue" in text


def test_same_file_name_twice_gets_a_number(demo_services: Services, tmp_path: Path) -> None:
    for name in ("Twin: Trust", "Twin? Trust"):
        org = demo_services.organisations.create(OrganisationDraft(name=name, contact_email="t@example.org"))
        demo_services.actions.create(
            ActionDraft(title=f"For {name}", lead_organisation_id=org.id, due_on=TODAY, status=ActionStatus.PLANNED)
        )
    result = write_email_drafts(demo_services.chase.chase_list(), tmp_path, partnership="P", sender=SENDER)
    names = {path.name for path in result.written}
    assert {"Progress update - Twin Trust.eml", "Progress update - Twin Trust (2).eml"} <= names


def test_nothing_to_chase_writes_nothing(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    result = write_email_drafts(services.chase.chase_list(), folder, partnership="P", sender=SENDER)
    assert result.written == () and result.message == "No e-mail drafts were written."
    assert list(folder.iterdir()) == []


def test_mailto_url_decodes_to_the_same_message(chase: ChaseList) -> None:
    oid, _name = next((oid, name) for oid, name in chase.leads() if chase.recipients(oid)[0][0].contact_email)
    items = chase.recipients(oid)[0]  # with no contact given, the link goes to the lead's first recipient
    url = mailto_url(chase, oid, partnership="Westshire & Friends", sender=SENDER)
    assert url is not None
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == items[0].contact_email
    query = parse_qs(parts.query)
    assert query["subject"] == [
        f"Progress update needed: {len({i.action_id for i in items})} "
        f"action{'' if len({i.action_id for i in items}) == 1 else 's'} for Westshire & Friends"
    ]
    body = query["body"][0]
    assert "\r\n" in body
    assert items[0].action_title in body
    assert body.rstrip().endswith("Westshire County Council")


def test_mailto_url_without_an_address_or_items(chase: ChaseList) -> None:
    quiet = next(oid for oid, name in chase.leads() if name == "Quiet Partners Forum")
    assert mailto_url(chase, quiet, partnership="P", sender=SENDER) is None


def test_a_long_mailto_url_is_shortened(demo_services: Services) -> None:
    org = demo_services.organisations.create(OrganisationDraft(name="Busy Trust", contact_email="busy@example.org"))
    for number in range(40):
        demo_services.actions.create(
            ActionDraft(
                title=f"A rather long action title number {number} about joint commissioning",
                lead_organisation_id=org.id,
                due_on=TODAY - timedelta(days=number + 1),
                status=ActionStatus.IN_PROGRESS,
                milestones=(MilestoneDraft(title="Something agreed", due_on=TODAY - timedelta(days=1)),),
            )
        )
    chase = demo_services.chase.chase_list(org.id)
    url = mailto_url(chase, org.id, partnership="P", sender=SENDER)
    assert url is not None and len(url) <= 1900
    body = parse_qs(urlsplit(url).query)["body"][0]
    assert "more actions" in body


def test_the_same_list_for_one_organisation(chase: ChaseList, demo_services: Services, tmp_path: Path) -> None:
    oid, name = chase.leads()[0]
    one = demo_services.chase.chase_list(oid)
    result = write_email_drafts(replace(one), tmp_path, partnership="P", sender=SENDER)
    assert len(result.written) + len(result.without_email) == len(one.recipients(oid))


# --------------------------------------------------------------------------- hostile names and addresses

HOSTILE_NAMES = (
    "Evil\r\nBcc: evil@x.org\r\nTrust",
    "Nul\x00Partners",
    "Line\u2028Separator\u2029Forum",
    "x" * 300,
    "?!*<>|:.",
    "../../etc/passwd",
    "CON",
    "\u202etxt.exe",
)
HOSTILE_ADDRESSES = (
    "victim@example.org,evil",
    "a@b.org, evil@x.org",
    '"x" <a@b.org>, c@d.org',
    "a@b.org\r\nBcc: evil@x.org",
    "a@b.org\x00",
    "no address at all",
)
WINDOWS_FORBIDDEN = set('\\/:*?"<>|')
ALLOWED_HEADERS = {"to", "subject", "x-unsent", "content-type", "content-transfer-encoding", "mime-version"}


def hostile_chase(chase: ChaseList) -> tuple[ChaseList, dict[str, str], list[str]]:
    """The demo's chase list plus one lead for each hostile name (with a good address and a hostile contact
    name) and each hostile address; returns it, the good leads' addresses by organisation name, and the names of
    the leads whose address is hostile."""
    template = next(item for item in chase.items if item.contact_email)
    items = list(chase.items)
    good: dict[str, str] = {}
    bad: list[str] = []
    for number, name in enumerate(HOSTILE_NAMES):
        address = f"contact{number}@example.org"
        good[name] = address
        items.append(
            replace(
                template,
                action_id=uuid.uuid4(),
                action_title=f"Title\r\nwith\x00 controls {number}",
                lead_organisation_id=uuid.uuid4(),
                lead_organisation_name=name,
                contact_name=name,
                contact_email=address,
                contact_is_owner=False,
            )
        )
    for number, address in enumerate(HOSTILE_ADDRESSES):
        name = f"Bad Address Trust {number}"
        bad.append(name)
        items.append(
            replace(
                template,
                action_id=uuid.uuid4(),
                lead_organisation_id=uuid.uuid4(),
                lead_organisation_name=name,
                contact_email=address,
                contact_is_owner=False,
            )
        )
    return replace(chase, items=tuple(items)), good, bad


def test_hostile_names_and_addresses_in_e_mail_drafts(chase: ChaseList, tmp_path: Path) -> None:
    hostile, good, bad = hostile_chase(chase)
    folder = tmp_path / "drafts"
    folder.mkdir()
    result = write_email_drafts(hostile, folder, partnership="West\r\nshire\x00", sender=SENDER)

    assert result.complete and result.not_written == ()
    assert sorted(result.invalid_email) == sorted(bad)
    assert "no valid e-mail address" in result.message and all(name in result.message for name in bad)
    on_disk = sorted(folder.iterdir())
    assert sorted(result.written) == on_disk  # written where asked and nowhere else
    assert not list(tmp_path.parent.glob("*passwd*"))
    reachable = [name for name, _group in reachable_recipients(hostile) if name not in bad]
    assert len(result.written) == len(reachable)  # every owner and lead with a valid address has its draft
    for path in result.written:
        assert path.parent == folder
        name = path.name
        assert name.endswith(".eml") and len(name.encode()) <= 200
        assert not WINDOWS_FORBIDDEN & set(name)
        assert all(ord(character) >= 32 and character not in "\u2028\u2029\u202e" for character in name)
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert {key.lower() for key in message} <= ALLOWED_HEADERS, message.keys()
        recipients = message["To"].addresses
        assert len(recipients) == 1
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    addresses = {
        BytesParser(policy=policy.default).parsebytes(path.read_bytes())["To"].addresses[0].addr_spec
        for path in result.written
    }
    assert set(good.values()) <= addresses
    assert not {"evil@x.org", "evil", "c@d.org"} & addresses


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "Progress update - etc passwd.eml"),
        ("?!*<>|:.", "Progress update - !.eml"),
        ("...", "Progress update - Organisation.eml"),
        ("", "Progress update - Organisation.eml"),
        ("A\r\nB\x00C\u2028D", "Progress update - A B C D.eml"),
        ("CON", "Progress update - CON (Organisation).eml"),
        ("nul.txt", "Progress update - nul.txt (Organisation).eml"),
    ],
)
def test_draft_file_names_are_safe_everywhere(name: str, expected: str) -> None:
    assert draft_file_name(name) == expected


def test_a_long_name_gives_a_file_name_within_limits() -> None:
    for name in ("x" * 300, "\u00e9" * 300, "\U0001f600" * 300):
        file_name = draft_file_name(name)
        assert len(file_name.encode("utf-8")) < 200 and file_name.endswith(".eml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jo@example.org", "jo@example.org"),
        ("  jo@example.org ", "jo@example.org"),
        ('"Jo" <jo@example.org>', "jo@example.org"),
        ("victim@example.org,evil", None),
        ("a@b.org, evil@x.org", None),
        ('"x" <a@b.org>, c@d.org', None),
        ("a@b.org\r\nBcc: evil@x.org", None),
        ("a@b.org\x00", None),
        ("a@b", None),
        ("@b.org", None),
        ("a@", None),
        ("a b@c.org", None),
        ("", None),
    ],
)
def test_single_address(text: str, expected: str | None) -> None:
    assert single_address(text) == expected


def test_a_draft_that_cannot_be_written_is_named_with_those_that_were(
    chase: ChaseList, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import locality.exchange.chase_export as chase_export

    real_write = chase_export.atomic_write_bytes
    calls: list[Path] = []

    def write(target: Path, data: bytes) -> None:
        calls.append(target)
        if len(calls) == 2:  # the second draft meets a full disk
            raise FileWriteError(f"There is not enough free disk space to write {target.name}; free some space.")
        real_write(target, data)

    monkeypatch.setattr(chase_export, "atomic_write_bytes", write)
    result = write_email_drafts(chase, tmp_path, partnership="P", sender=SENDER)
    reachable = [addressee(group, name) for name, group in reachable_recipients(chase)]
    assert len(reachable) >= 3
    assert not result.complete
    assert [failure.organisation for failure in result.not_written] == [reachable[1]]
    assert "not enough free disk space" in result.not_written[0].reason
    assert list(result.written_for) == [reachable[0], *reachable[2:]]
    assert sorted(tmp_path.glob("*.eml")) == sorted(result.written)
    total = len(reachable)
    assert result.message.startswith(f"Wrote {total - 1} of {total} e-mail drafts to {tmp_path}: ")
    assert all(name in result.message for name in reachable)
    assert f"Not written: {reachable[1]} (There is not enough free disk space" in result.message


def test_mailto_url_cannot_be_injected(chase: ChaseList) -> None:
    hostile, good, bad = hostile_chase(chase)
    leads = dict((name, oid) for oid, name in hostile.leads())
    for name in bad:
        assert mailto_url(hostile, leads[name], partnership="P", sender=SENDER) is None
    for name, address in good.items():
        url = mailto_url(hostile, leads[name], partnership="P\r\nBcc: evil@x.org", sender=SENDER)
        assert url is not None
        parts = urlsplit(url)
        assert unquote(parts.path) == address
        assert set(parse_qs(parts.query)) == {"subject", "body"}
        assert "\r" not in parse_qs(parts.query)["subject"][0] and "\n" not in parse_qs(parts.query)["subject"][0]
        assert not any(character in url for character in "\r\n\x00 ,")


def test_drafts_go_to_each_action_owner_and_the_rest_to_the_organisation_contact(
    demo_services: Services, tmp_path: Path
) -> None:
    lead = demo_services.organisations.create(
        OrganisationDraft(name="Edge Case Trust", contact_name="Pat Edge", contact_email="pat@edge.org.uk")
    )
    overdue = TODAY - timedelta(days=4)
    for title, owner, email in (
        ("Volunteer drivers scheme", "Janet Hughes", "janet.hughes@edge.org.uk"),
        ("Befriending pilot", "Janet Hughes", "janet.hughes@edge.org.uk"),
        ("Lunch club audit", "Ravi Patel", ""),  # an owner with no e-mail: the organisation's contact is asked
        ("Warm homes advice", "", ""),
    ):
        demo_services.actions.create(
            ActionDraft(
                title,
                lead_organisation_id=lead.id,
                status=ActionStatus.IN_PROGRESS,
                due_on=overdue,
                owner_name=owner,
                owner_email=email,
            )
        )
    chase = demo_services.chase.chase_list(lead.id)

    result = write_email_drafts(chase, tmp_path, partnership="Westshire Locality Partnership", sender=SENDER)

    assert len(result.written) == 2
    assert "To the actions' owners: Janet Hughes (Edge Case Trust)." in result.message
    assert "1 draft went to the lead organisation's general contact" in result.message
    to_owner = BytesParser(policy=policy.default).parsebytes(
        (tmp_path / "Progress update - Edge Case Trust - Janet Hughes.eml").read_bytes()
    )
    assert to_owner["To"].addresses[0].addr_spec == "janet.hughes@edge.org.uk"
    body = to_owner.get_content()
    assert body.startswith("Dear Janet Hughes,")
    assert "you are named as their owner" in body
    assert "Volunteer drivers scheme" in body and "Befriending pilot" in body and "Lunch club audit" not in body
    to_organisation = BytesParser(policy=policy.default).parsebytes(
        (tmp_path / "Progress update - Edge Case Trust.eml").read_bytes()
    )
    assert to_organisation["To"].addresses[0].addr_spec == "pat@edge.org.uk"
    body = to_organisation.get_content()
    assert body.startswith("Dear Pat Edge,") and "named as" not in body
    assert "Lunch club audit" in body and "Warm homes advice" in body and "Befriending pilot" not in body

    owner_link = mailto_url(chase, lead.id, partnership="P", sender=SENDER, contact_email="janet.hughes@edge.org.uk")
    assert owner_link is not None and unquote(urlsplit(owner_link).path) == "janet.hughes@edge.org.uk"
    contact_link = mailto_url(chase, lead.id, partnership="P", sender=SENDER, contact_email="pat@edge.org.uk")
    assert contact_link is not None and "Warm homes advice" in unquote(urlsplit(contact_link).query)


def test_the_chase_csv_names_owners_and_says_which_contact_is_whose(demo_services: Services, tmp_path: Path) -> None:
    lead = demo_services.organisations.create(
        OrganisationDraft(name="Edge Case Trust", contact_name="Pat Edge", contact_email="pat@edge.org.uk")
    )
    demo_services.actions.create(
        ActionDraft(
            "Volunteer drivers scheme",
            lead_organisation_id=lead.id,
            status=ActionStatus.IN_PROGRESS,
            due_on=TODAY - timedelta(days=4),
            owner_name="Janet Hughes",
            owner_email="janet.hughes@edge.org.uk",
        )
    )
    chase = demo_services.chase.chase_list(lead.id)
    shared, full = tmp_path / "shared.csv", tmp_path / "full.csv"
    write_chase_csv(chase, shared)
    write_chase_csv(chase, full, include_contacts=True)
    with open(shared, encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["Owner"] == "Janet Hughes" and "janet.hughes@edge.org.uk" not in shared.read_text("utf-8-sig")
    with open(full, encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["Contact e-mail"], row["Contact is"]) == ("janet.hughes@edge.org.uk", "Action owner")
