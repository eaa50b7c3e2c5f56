"""What needs chasing, checked against an independent reading of the actions and their milestones."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest

from locality.domain.errors import ValidationError
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.actions import Action, ActionDraft, MilestoneDraft, PartnerDraft
from locality.services.chase import MAX_DAYS_AHEAD, ChaseKind, ChaseList, ChaseSummary
from locality.services.demo import DEMO_TODAY
from locality.services.registry import Services

# The small demo is generated as at 1 October 2009; the tests look at it on that day, when work is overdue.
TODAY = DEMO_TODAY


@pytest.fixture
def demo_services(demo_services: Services) -> Services:
    demo_services.context.today = lambda: TODAY
    return demo_services


CLOSED = (ActionStatus.COMPLETED, ActionStatus.CANCELLED)


def expected_items(
    services: Services,
    organisation_id: uuid.UUID | None = None,
    days: int = 14,
    include_partners: bool = False,
) -> set[tuple[object, ...]]:
    """The chase list worked out the long way, from the actions list and each action's own milestones."""
    horizon = TODAY + timedelta(days=days)
    contacts = {org.id: (org.name, org.contact_name, org.contact_email) for org in services.organisations.list()}
    names = {org_id: name for org_id, (name, _contact, _email) in contacts.items()}
    found: set[tuple[object, ...]] = set()
    for summary in services.actions.list():
        if summary.status in CLOSED:
            continue
        action = services.actions.get(summary.id)
        if organisation_id is not None:
            partners = {partner.organisation_id for partner in action.partners}
            if action.lead_organisation_id != organisation_id and not (
                include_partners and organisation_id in partners
            ):
                continue
        lead = contacts.get(action.lead_organisation_id, ("", "", "")) if action.lead_organisation_id else ("", "", "")
        if action.owner_name and action.owner_email:  # the owner is asked when they have an e-mail address
            lead = (
                names.get(action.lead_organisation_id, "") if action.lead_organisation_id else "",
                *owner_of(action),
            )
        common = (summary.percent_complete, summary.rag, *lead)
        if action.due_on is not None and action.due_on <= horizon:
            late = (TODAY - action.due_on).days
            kind = ChaseKind.OVERDUE_ACTION if late > 0 else ChaseKind.ACTION_DUE_SOON
            found.add((kind, action.id, "", action.due_on, max(late, 0), max(-late, 0), *common))
        for milestone in action.milestones:
            if milestone.due_on is None or milestone.due_on > horizon:
                continue
            if milestone.done_on is not None and milestone.done_on <= TODAY:
                continue
            late = (TODAY - milestone.due_on).days
            kind = ChaseKind.OVERDUE_MILESTONE if late > 0 else ChaseKind.MILESTONE_DUE_SOON
            found.add((kind, action.id, milestone.title, milestone.due_on, max(late, 0), max(-late, 0), *common))
    return found


def owner_of(action: Action) -> tuple[str, str]:
    return action.owner_name, action.owner_email


def as_tuples(chase: ChaseList) -> set[tuple[object, ...]]:
    return {
        (
            item.kind,
            item.action_id,
            item.milestone_title,
            item.due_on,
            item.days_overdue,
            item.days_until_due,
            item.percent_complete,
            item.rag,
            item.lead_organisation_name,
            item.contact_name,
            item.contact_email,
        )
        for item in chase.items
    }


def test_the_demo_chase_list_matches_an_independent_count(demo_services: Services) -> None:
    chase = demo_services.chase.chase_list(due_within_days=14)
    wanted = expected_items(demo_services)
    assert as_tuples(chase) == wanted
    assert len(chase.items) == len(wanted)
    kinds = {item.kind for item in chase.items}
    assert ChaseKind.OVERDUE_ACTION in kinds and ChaseKind.OVERDUE_MILESTONE in kinds


def test_most_overdue_comes_first(demo_services: Services) -> None:
    items = demo_services.chase.chase_list().items
    dues = [item.due_on for item in items]
    assert dues == sorted(dues)
    assert items[0].days_overdue == max(item.days_overdue for item in items)
    overdue = [item.overdue for item in items]
    assert overdue == sorted(overdue, reverse=True)  # every overdue item before anything merely due soon


def test_a_longer_horizon_adds_items_and_zero_days_keeps_only_today(demo_services: Services) -> None:
    assert as_tuples(demo_services.chase.chase_list(due_within_days=60)) == expected_items(demo_services, days=60)
    today_only = demo_services.chase.chase_list(due_within_days=0)
    assert as_tuples(today_only) == expected_items(demo_services, days=0)
    assert all(item.overdue or item.due_on == TODAY for item in today_only.items)


def _fresh_lead(services: Services, email: str = "pat@example.org") -> uuid.UUID:
    from locality.services.organisations import OrganisationDraft

    return services.organisations.create(
        OrganisationDraft(name="Edge Case Trust", contact_name="Pat Edge", contact_email=email)
    ).id


def _action(services: Services, lead: uuid.UUID, title: str, **values: object) -> uuid.UUID:
    values.setdefault("status", ActionStatus.IN_PROGRESS)
    draft = ActionDraft(title=title, lead_organisation_id=lead, **values)  # type: ignore[arg-type]
    return services.actions.create(draft).id


def test_edge_dates(demo_services: Services) -> None:
    lead = _fresh_lead(demo_services)
    days = 10
    yesterday = TODAY - timedelta(days=1)
    ids = {
        "due today": _action(demo_services, lead, "Due today", due_on=TODAY),
        "due tomorrow": _action(demo_services, lead, "Due tomorrow", due_on=TODAY + timedelta(days=1)),
        "due at the horizon": _action(demo_services, lead, "At horizon", due_on=TODAY + timedelta(days=days)),
        "just beyond": _action(demo_services, lead, "Beyond", due_on=TODAY + timedelta(days=days + 1)),
        "overdue": _action(demo_services, lead, "Overdue", due_on=yesterday, percent_complete=40),
        "completed on time": _action(
            demo_services,
            lead,
            "Completed",
            due_on=yesterday,
            status=ActionStatus.COMPLETED,
            completed_on=yesterday,
        ),
        "cancelled": _action(
            demo_services,
            lead,
            "Cancelled",
            due_on=yesterday,
            status=ActionStatus.CANCELLED,
            milestones=(MilestoneDraft(title="Never happened", due_on=yesterday),),
        ),
        "milestones": _action(
            demo_services,
            lead,
            "With milestones",
            due_on=TODAY + timedelta(days=200),
            milestones=(
                MilestoneDraft(title="Done on time", due_on=yesterday, done_on=yesterday),
                MilestoneDraft(title="Late", due_on=TODAY - timedelta(days=5)),
                MilestoneDraft(title="Today", due_on=TODAY),
                MilestoneDraft(title="Far off", due_on=TODAY + timedelta(days=days + 1)),
            ),
        ),
    }
    chase = demo_services.chase.chase_list(lead, days)
    got = {(item.action_title, item.milestone_title): item for item in chase.items}
    assert set(got) == {
        ("Due today", ""),
        ("Due tomorrow", ""),
        ("At horizon", ""),
        ("Overdue", ""),
        ("With milestones", "Late"),
        ("With milestones", "Today"),
    }
    assert got[("Due today", "")].kind == ChaseKind.ACTION_DUE_SOON
    assert (got[("Due today", "")].days_overdue, got[("Due today", "")].days_until_due) == (0, 0)
    assert got[("Due tomorrow", "")].days_until_due == 1
    assert got[("At horizon", "")].days_until_due == days
    overdue = got[("Overdue", "")]
    assert (overdue.kind, overdue.days_overdue, overdue.percent_complete) == (ChaseKind.OVERDUE_ACTION, 1, 40)
    assert overdue.rag == Rag.RED
    assert overdue.action_id == ids["overdue"]
    assert (overdue.contact_name, overdue.contact_email) == ("Pat Edge", "pat@example.org")
    late = got[("With milestones", "Late")]
    assert (late.kind, late.days_overdue, late.action_due_on) == (
        ChaseKind.OVERDUE_MILESTONE,
        5,
        TODAY + timedelta(days=200),
    )
    assert got[("With milestones", "Today")].kind == ChaseKind.MILESTONE_DUE_SOON
    assert [item.action_title for item in chase.items][:2] == ["With milestones", "Overdue"]
    summary = chase.summary
    assert (summary.overdue_actions, summary.overdue_milestones) == (1, 1)
    assert (summary.due_soon_actions, summary.due_soon_milestones) == (3, 1)
    # The whole-partnership list agrees with the independent count, edge cases included.
    assert as_tuples(demo_services.chase.chase_list(None, days)) == expected_items(demo_services, days=days)


def test_deleted_actions_and_milestones_are_left_out(demo_services: Services) -> None:
    chase = demo_services.chase.chase_list()
    first = chase.items[0]
    demo_services.actions.delete([first.action_id])
    again = demo_services.chase.chase_list()
    assert first.action_id not in {item.action_id for item in again.items}
    assert as_tuples(again) == expected_items(demo_services)


def test_organisation_filter_keeps_what_it_leads_and_optionally_partners(demo_services: Services) -> None:
    everything = demo_services.chase.chase_list()
    lead_id = everything.leads()[0][0]
    led = demo_services.chase.chase_list(lead_id)
    assert led.items and all(item.lead_organisation_id == lead_id for item in led.items)
    assert as_tuples(led) == expected_items(demo_services, lead_id)
    # A partner in an overdue action led by someone else sees it only with partners included.
    other = next(item for item in everything.items if item.overdue and item.lead_organisation_id != lead_id)
    action = demo_services.actions.get(other.action_id)
    draft = action.as_draft()
    partners = tuple(p for p in draft.partners if p.organisation_id != lead_id) + (PartnerDraft(lead_id),)
    demo_services.actions.update(action.id, replace(draft, partners=partners), action.version)
    assert other.action_id not in {item.action_id for item in demo_services.chase.chase_list(lead_id).items}
    with_partners = demo_services.chase.chase_list(lead_id, include_partners=True)
    assert other.action_id in {item.action_id for item in with_partners.items}
    assert as_tuples(with_partners) == expected_items(demo_services, lead_id, include_partners=True)


def test_summary_sentence(demo_services: Services) -> None:
    summary = demo_services.chase.summary()
    chase = demo_services.chase.chase_list()
    assert summary == chase.summary
    assert summary.overdue_actions == sum(1 for item in chase.items if item.kind == ChaseKind.OVERDUE_ACTION)
    assert ChaseSummary(5, 3, 4, 3, 14).sentence == (
        "5 actions and 3 milestones are overdue; 7 more are due in the next 14 days."
    )
    assert ChaseSummary(1, 0, 0, 1, 14).sentence == "1 action is overdue; 1 more is due in the next 14 days."
    assert ChaseSummary(0, 0, 2, 0, 7).sentence == "Nothing is overdue; 2 actions are due in the next 7 days."
    assert ChaseSummary(0, 0, 0, 0, 14).sentence == "Nothing is overdue, and nothing is due in the next 14 days."


def test_an_empty_workspace_has_nothing_to_chase(services: Services) -> None:
    chase = services.chase.chase_list()
    assert chase.items == () and chase.summary.total == 0


def test_days_default_to_the_workspace_due_soon_threshold_and_bad_days_are_refused(demo_services: Services) -> None:
    from locality.domain.rag import RagThresholds

    demo_services.workspace.set_rag_thresholds(RagThresholds(due_soon_days=30))
    assert demo_services.chase.chase_list().due_within_days == 30
    with pytest.raises(ValidationError) as raised:
        demo_services.chase.chase_list(due_within_days=-1)
    assert "due_within_days" in raised.value.field_errors


def test_today_moves_with_the_context(demo_services: Services) -> None:
    demo_services.context.today = lambda: date(2009, 10, 2)
    chase = demo_services.chase.chase_list()
    assert chase.today == date(2009, 10, 2)
    assert all(item.days_overdue == (date(2009, 10, 2) - item.due_on).days for item in chase.items if item.overdue)


def test_the_owner_is_asked_when_they_have_an_e_mail_else_the_organisation_contact(demo_services: Services) -> None:
    lead = _fresh_lead(demo_services)
    overdue = TODAY - timedelta(days=3)
    _action(
        demo_services,
        lead,
        "Owned",
        due_on=overdue,
        owner_name="Janet Hughes",
        owner_email="janet.hughes@edge.org.uk",
        owner_phone="01632 960123",
    )
    _action(demo_services, lead, "Owner without e-mail", due_on=overdue, owner_name="Ravi Patel")
    _action(demo_services, lead, "No owner", due_on=overdue)
    got = {item.action_title: item for item in demo_services.chase.chase_list(lead).items}

    owned = got["Owned"]
    assert (owned.contact_name, owned.contact_email, owned.contact_is_owner) == (
        "Janet Hughes",
        "janet.hughes@edge.org.uk",
        True,
    )
    assert owned.contact_source == "Action owner" and owned.owner_phone == "01632 960123"
    unreachable = got["Owner without e-mail"]
    assert (unreachable.contact_name, unreachable.contact_email) == ("Pat Edge", "pat@example.org")
    assert unreachable.contact_source == "Organisation contact" and unreachable.owner_name == "Ravi Patel"
    plain = got["No owner"]
    assert (plain.contact_name, plain.contact_is_owner, plain.owner_name) == ("Pat Edge", False, "")


@pytest.mark.parametrize("days", [None, 0, 30])
def test_the_counted_summary_is_the_chase_lists_on_every_day(demo_services: Services, days: int | None) -> None:
    """The banner's summary is counted by the database; it says what the whole chase list says, day by day."""
    start = demo_services.context.today()
    for step in range(0, 540, 45):
        day = start + timedelta(days=step)
        demo_services.context.today = lambda day=day: day  # type: ignore[method-assign]
        assert demo_services.chase.summary(days) == demo_services.chase.chase_list(None, days).summary, day
    with pytest.raises(ValidationError):
        demo_services.chase.summary(MAX_DAYS_AHEAD + 1)
