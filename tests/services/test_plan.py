"""The joint action plan builder: what the plan holds, checked against the services, its filters, a partner's
extract holding nothing of other organisations, confidential content left out or in, Cancel, and bulk reading."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from locality.domain.errors import LocalityError, ValidationError
from locality.domain.values import format_date
from locality.domain.vocabulary import CLOSED_ACTION_STATUSES, ActionStatus, Rag
from locality.services.actions import ActionDraft
from locality.services.context import User
from locality.services.demo import DEMO_TODAY, generate_demo
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.plan import ExportCancelled, Plan, PlanAction, PlanFilters
from locality.services.plan_building import build_plan
from locality.services.progress import ProgressDraft
from locality.services.registry import Services

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo partnership, generated once and copied for each test."""
    path = tmp_path_factory.mktemp("plan-demo") / "demo.locality"
    services = Services.open(path, User("Test User", "Test Org"), today=lambda: DEMO_TODAY)
    try:
        generate_demo(services.context, size="small", seed=1)
    finally:
        services.close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "demo.locality"
    shutil.copyfile(demo_file, path)
    services = Services.open(path, User("Test User", "Test Org"), today=lambda: DEMO_TODAY)
    yield services
    services.close()


def strings_in(value: Any) -> Iterator[str]:
    """Every piece of text a plan (or part of one) holds."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from strings_in(getattr(value, item.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from strings_in(item)


def organisation_id(services: Services, name: str) -> uuid.UUID:
    found = services.organisations.find(name)
    assert found is not None, name
    return found.id


def theme_id(services: Services, name: str) -> uuid.UUID:
    return services.vocabulary.resolve_theme(name)


def by_id(plan: Plan) -> dict[uuid.UUID, PlanAction]:
    return {action.id: action for action in plan.actions}


# --------------------------------------------------------------------------- the whole plan


def test_the_whole_plan_matches_what_the_services_show(demo: Services) -> None:
    plan = build_plan(demo, PlanFilters())

    assert plan.partnership == "Westshire Locality Partnership"
    assert plan.area == "Westshire"
    assert plan.period == "01/04/2008 to 31/03/2011"
    assert plan.generated_on == DEMO_TODAY
    assert plan.filters == ("All actions",)
    assert plan.confidential_included is False

    summaries = demo.actions.list()
    assert [action.id for action in plan.actions] == [summary.id for summary in summaries]
    themes = {theme.id: theme.name for theme in demo.vocabulary.themes()}
    actions = by_id(plan)
    for summary in summaries:
        action = actions[summary.id]
        full = demo.actions.get(summary.id)
        assert action.title == summary.title
        assert action.theme == themes.get(summary.theme_id, "") if summary.theme_id else action.theme == ""
        assert action.lead == summary.lead_organisation_name
        assert action.partners == tuple(partner.organisation_name for partner in full.partners)
        assert action.needs == tuple(sorted((need.title for need in full.needs), key=str.casefold))
        assert (action.start_on, action.due_on) == (summary.start_on, summary.due_on)
        assert action.status == summary.status
        assert (action.rag, action.rag_reason) == (summary.rag, summary.rag_reason)
        assert action.percent_complete == summary.percent_complete
        assert (action.budget_pence, action.spend_pence) == (summary.budget_pence, summary.spend_pence)
        latest = full.latest_progress
        if latest is None or latest.confidential:
            assert (action.latest_note, action.latest_note_on) == ("", None)
        else:
            assert (action.latest_note, action.latest_note_on) == (latest.note, latest.reported_on)
        assert [(m.title, m.due_on, m.done_on, m.overdue) for m in action.milestones] == [
            (m.title, m.due_on, m.done_on, m.overdue) for m in full.milestones
        ]
        assert all(milestone.action_title == action.title for milestone in action.milestones)
    assert plan.milestones == tuple(m for action in plan.actions for m in action.milestones)

    needs = demo.needs.list()
    assert [need.id for need in plan.needs] == [need.id for need in needs]
    for need, need_summary in zip(plan.needs, needs, strict=True):
        assert need.title == need_summary.title
        assert need.theme == need_summary.theme_name
        assert "; ".join(need.organisations) == need_summary.organisation_names
        assert need.priority == (need_summary.priority.value if need_summary.priority else "")
        assert need.status == need_summary.status.value
        assert need.action_count == need_summary.action_count
        full_need = demo.needs.get(need_summary.id)
        assert need.notes == ("" if full_need.notes_confidential else full_need.notes)

    indicators = demo.indicators.list()
    assert [indicator.name for indicator in plan.indicators] == [indicator.name for indicator in indicators]
    for shown, indicator in zip(plan.indicators, indicators, strict=True):
        assert shown.percent_to_target == indicator.percent_to_target
        assert (shown.actual_value, shown.latest_on) == (indicator.actual_value, indicator.latest_on)
        assert (shown.baseline_value, shown.target_value) == (indicator.baseline_value, indicator.target_value)
        assert shown.direction == indicator.direction.value
        assert shown.evidences == (indicator.need_title or indicator.action_title)

    assert [organisation.name for organisation in plan.organisations] == [
        organisation.name for organisation in demo.organisations.list()
    ]


def test_the_summary_adds_up(demo: Services) -> None:
    plan = build_plan(demo, PlanFilters())
    summary = plan.summary
    statuses = Counter(action.status for action in plan.actions)
    assert [(row.label, row.count) for row in summary.by_status] == [
        (status.value, statuses[status]) for status in ActionStatus
    ]
    rags = Counter(action.rag for action in plan.actions if action.status not in CLOSED_ACTION_STATUSES)
    assert [(row.label, row.count) for row in summary.by_rag] == [
        ("Red", rags[Rag.RED]),
        ("Amber", rags[Rag.AMBER]),
        ("Green", rags[Rag.GREEN]),
        ("Not rated", rags[None]),
    ]
    assert summary.actions_total == len(plan.actions) == 60
    assert summary.needs_total == len(plan.needs) == 40
    assert summary.shared_needs == sum(1 for need in demo.needs.list() if need.is_shared)
    assert summary.budget_pence == sum(action.budget_pence or 0 for action in plan.actions)
    assert summary.spend_pence == sum(action.spend_pence for action in plan.actions)
    assert sum(row.actions for row in summary.by_theme) == summary.actions_total
    assert sum(row.needs for row in summary.by_theme) == summary.needs_total
    assert sum(row.budget_pence for row in summary.by_theme) == summary.budget_pence
    assert sum(row.spend_pence for row in summary.by_theme) == summary.spend_pence
    theme_order = [theme.name for theme in demo.vocabulary.themes()] + ["No theme"]
    shown = [row.theme for row in summary.by_theme]
    assert shown == sorted(shown, key=theme_order.index)


def test_rag_is_worked_out_as_at_the_day_given(demo: Services) -> None:
    later = date(2011, 6, 1)  # after the plan period: every open action with a due date is overdue
    plan = build_plan(demo, PlanFilters(), today=later)
    assert plan.generated_on == later
    for action in plan.actions:
        if action.status in (ActionStatus.PROPOSED, ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and action.due_on:
            assert action.rag == Rag.RED
            assert action.rag_reason.startswith(("Overdue", "Set by hand"))


def test_deleted_records_are_left_out(demo: Services) -> None:
    plan = build_plan(demo, PlanFilters())
    gone_action = plan.actions[0]
    gone_need = plan.needs[0]
    demo.actions.delete([gone_action.id])
    demo.needs.delete([gone_need.id])
    again = build_plan(demo, PlanFilters())
    assert gone_action.id not in by_id(again)
    assert gone_need.id not in {need.id for need in again.needs}
    assert gone_need.title not in {title for action in again.actions for title in action.needs}
    assert len(again.actions) == len(plan.actions) - 1


def test_the_plan_reads_in_a_fixed_number_of_queries(demo: Services) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = demo.context.workspace.read_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        plan = build_plan(demo, PlanFilters())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(plan.actions) == 60
    assert len(statements) <= 20, statements  # one query per action would be over 60


# --------------------------------------------------------------------------- filters


def test_filters_are_described_in_words() -> None:
    assert PlanFilters().describe() == ["All actions"]
    assert PlanFilters(include_confidential=True).describe() == ["All actions"]
    described = PlanFilters(
        organisations=("Westshire Constabulary",),
        theme="Community safety",
        statuses=(ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD),
        period_start=date(2009, 4, 1),
        period_end=date(2010, 3, 31),
    ).describe()
    assert described == [
        "Organisation: Westshire Constabulary",
        "Theme: Community safety",
        "Statuses: In progress, On hold",
        "Period: 01/04/2009 to 31/03/2010",
    ]
    assert PlanFilters(organisations=("A", "B"), statuses=(ActionStatus.PLANNED,)).describe() == [
        "Organisations: A, B",
        "Status: Planned",
    ]
    assert PlanFilters(period_start=date(2009, 4, 1)).describe() == ["Period: from 01/04/2009"]
    assert PlanFilters(period_end=date(2010, 3, 31)).describe() == ["Period: up to 31/03/2010"]


def test_an_organisation_filter_keeps_what_it_leads_partners_in_and_shares(demo: Services) -> None:
    police = organisation_id(demo, "Westshire Constabulary")
    plan = build_plan(demo, PlanFilters(organisations=("  westshire   constabulary ",)))
    expected = [summary.id for summary in demo.actions.list(organisation_id=police)]
    assert [action.id for action in plan.actions] == expected
    assert any(action.lead == "Westshire Constabulary" for action in plan.actions)
    assert any("Westshire Constabulary" in action.partners for action in plan.actions)
    assert [need.id for need in plan.needs] == [need.id for need in demo.needs.list(organisation_id=police)]
    assert plan.filters == ("Organisation: Westshire Constabulary",)  # the name as the workspace spells it

    by_short_name = build_plan(demo, PlanFilters(organisations=("Police",)))
    assert [action.id for action in by_short_name.actions] == expected


def test_several_organisations_give_what_any_of_them_has(demo: Services) -> None:
    names = ("Westshire Constabulary", "Wexcombe Homes")
    plan = build_plan(demo, PlanFilters(organisations=names))
    expected: set[uuid.UUID] = set()
    for name in names:
        expected.update(summary.id for summary in demo.actions.list(organisation_id=organisation_id(demo, name)))
    assert {action.id for action in plan.actions} == expected
    assert plan.filters == ("Organisations: Westshire Constabulary, Wexcombe Homes",)


def test_a_partner_extract_holds_nothing_of_other_organisations(demo: Services) -> None:
    name = "Westshire Constabulary"
    police = organisation_id(demo, name)
    plan = build_plan(demo, PlanFilters(organisations=(name,)))
    assert plan.actions and plan.needs

    # Allowed: the police, and the co-partners (leads and partners) of the actions it is part of.
    co_partners = {name}
    for action in plan.actions:
        co_partners.update(action.partners)
        if action.lead:
            co_partners.add(action.lead)
    organisations = demo.organisations.list()
    others = {organisation.name for organisation in organisations} - co_partners
    assert others, "the demo should have organisations outside the police's actions"
    shared_by_police = {need.title for need in demo.needs.list(organisation_id=police)}
    other_needs = {need.title for need in demo.needs.list()} - shared_by_police
    other_actions = {summary.title for summary in demo.actions.list()} - {
        summary.title for summary in demo.actions.list(organisation_id=police)
    }
    contacts = {organisation.contact_name for organisation in organisations} | {
        organisation.contact_email for organisation in organisations
    }
    contacts.discard("")

    held = set(strings_in(plan))
    assert not held & others
    assert not held & other_needs
    assert not held & other_actions
    assert not held & contacts
    assert {organisation.name for organisation in plan.organisations} <= co_partners
    assert name in {organisation.name for organisation in plan.organisations}
    for action in plan.actions:
        assert set(action.needs) <= shared_by_police
    for need in plan.needs:
        assert set(need.organisations) <= co_partners
        assert name in need.organisations
    # Its indicators evidence only the police's needs and actions.
    for indicator in plan.indicators:
        assert indicator.evidences in shared_by_police | {action.title for action in plan.actions}

    # With confidential content asked for, contact details come only for the organisations in the extract.
    with_contacts = build_plan(demo, PlanFilters(organisations=(name,), include_confidential=True))
    shown_contacts = {o.contact_email for o in with_contacts.organisations if o.contact_email}
    assert shown_contacts
    assert shown_contacts <= {o.contact_email for o in organisations if o.name in co_partners}


def test_a_theme_filter_includes_its_service_areas(demo: Services) -> None:
    service_improvement = theme_id(demo, "Service improvement")
    plan = build_plan(demo, PlanFilters(theme="service improvement"))
    assert [action.id for action in plan.actions] == [
        summary.id for summary in demo.actions.list(theme_id=service_improvement)
    ]
    assert [need.id for need in plan.needs] == [need.id for need in demo.needs.list(theme_id=service_improvement)]
    assert {action.theme for action in plan.actions} - {"Service improvement"}, "service areas are included"
    assert plan.filters == ("Theme: Service improvement",)
    evidenced = {need.title for need in plan.needs} | {action.title for action in plan.actions}
    assert all(indicator.evidences in evidenced for indicator in plan.indicators)
    areas = {theme.name for theme in demo.vocabulary.themes() if theme.parent_id == service_improvement}
    assert {row.theme for row in plan.summary.by_theme} <= areas | {"Service improvement"}


def test_a_status_filter_keeps_those_statuses(demo: Services) -> None:
    wanted = (ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD)
    plan = build_plan(demo, PlanFilters(statuses=wanted))
    assert [action.id for action in plan.actions] == [summary.id for summary in demo.actions.list(status=wanted)]
    assert {action.status for action in plan.actions} == set(wanted)
    counts = {row.label: row.count for row in plan.summary.by_status}
    assert counts["Completed"] == 0 and counts["Proposed"] == 0
    # Needs and indicators stay those of the whole partnership: only actions have a status.
    assert len(plan.needs) == 40
    assert len(plan.indicators) == len(demo.indicators.list())


def test_a_period_filter_keeps_actions_overlapping_it(demo: Services) -> None:
    start, end = date(2009, 4, 1), date(2009, 9, 30)
    plan = build_plan(demo, PlanFilters(period_start=start, period_end=end))
    expected = [
        summary.id
        for summary in demo.actions.list()
        if (summary.due_on is None or summary.due_on >= start) and (summary.start_on is None or summary.start_on <= end)
    ]
    assert [action.id for action in plan.actions] == expected
    assert 0 < len(plan.actions) < 60
    assert plan.filters == ("Period: 01/04/2009 to 30/09/2009",)


def test_filters_combine(demo: Services) -> None:
    police = organisation_id(demo, "Westshire Constabulary")
    plan = build_plan(
        demo, PlanFilters(organisations=("Westshire Constabulary",), statuses=(ActionStatus.IN_PROGRESS,))
    )
    assert [action.id for action in plan.actions] == [
        summary.id for summary in demo.actions.list(organisation_id=police, status=ActionStatus.IN_PROGRESS)
    ]


def test_an_unknown_organisation_is_refused_with_the_names_allowed(demo: Services) -> None:
    with pytest.raises(ValidationError) as raised:
        build_plan(demo, PlanFilters(organisations=("Westshire Constabulary", "Gotham Police", "Nobody")))
    message = raised.value.field_errors["organisation"]
    assert message.startswith('"Gotham Police" is not a known organisation; use one of: ')
    assert "Westshire Constabulary" in message and "Wexcombe Homes" in message
    assert '"Nobody"' in message


def test_an_unknown_theme_is_refused_with_the_names_allowed(demo: Services) -> None:
    with pytest.raises(ValidationError) as raised:
        build_plan(demo, PlanFilters(theme="Knitting"))
    message = raised.value.field_errors["theme"]
    assert message.startswith('"Knitting" is not a known theme; use one of: ')
    assert "Community safety" in message


# --------------------------------------------------------------------------- confidential content


def _confidential_fixture(demo: Services) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A need with confidential notes, one with open notes, and an action whose latest note is confidential."""
    police = organisation_id(demo, "Westshire Constabulary")
    secret = demo.needs.create(
        NeedDraft(
            title="Gang activity near the school",
            notes="Named informant: J. Bloggs",
            notes_confidential=True,
            organisations=(NeedLinkDraft(police),),
        )
    )
    open_need = demo.needs.create(
        NeedDraft(
            title="Street lighting", notes="Raised at the residents' meeting", organisations=(NeedLinkDraft(police),)
        )
    )
    action = demo.actions.create(ActionDraft(title="Joint patrols", lead_organisation_id=police))
    demo.progress.log(ProgressDraft(action.id, reported_on=date(2009, 9, 1), note="Patrols started"))
    demo.progress.log(
        ProgressDraft(action.id, reported_on=date(2009, 9, 20), note="Suspect named by an officer", confidential=True)
    )
    return secret.id, open_need.id, action.id


def test_confidential_content_is_left_out_unless_asked_for(demo: Services) -> None:
    secret, open_need, action_id = _confidential_fixture(demo)

    plan = build_plan(demo, PlanFilters())
    needs = {need.id: need for need in plan.needs}
    assert needs[secret].notes == ""
    assert needs[open_need].notes == "Raised at the residents' meeting"
    action = by_id(plan)[action_id]
    assert (action.latest_note, action.latest_note_on) == ("", None)
    assert all(o.contact_name == "" and o.contact_email == "" for o in plan.organisations)
    held = set(strings_in(plan))
    assert "Named informant: J. Bloggs" not in held
    assert "Suspect named by an officer" not in held
    assert "nicola.nash@westshire.pnn.police.uk" not in held
    assert plan.confidential_included is False

    full = build_plan(demo, PlanFilters(include_confidential=True))
    assert full.confidential_included is True
    assert {need.id: need for need in full.needs}[secret].notes == "Named informant: J. Bloggs"
    action = by_id(full)[action_id]
    assert (action.latest_note, action.latest_note_on) == ("Suspect named by an officer", date(2009, 9, 20))
    police = next(o for o in full.organisations if o.name == "Westshire Constabulary")
    assert (police.contact_name, police.contact_email) == ("Nicola Nash", "nicola.nash@westshire.pnn.police.uk")


def test_the_latest_note_is_the_newest_by_date(demo: Services) -> None:
    _secret, _open, action_id = _confidential_fixture(demo)
    demo.progress.log(ProgressDraft(action_id, reported_on=date(2009, 9, 25), note="Review booked"))
    demo.progress.log(ProgressDraft(action_id, reported_on=date(2009, 8, 1), note="Older, entered later"))
    action = by_id(build_plan(demo, PlanFilters()))[action_id]
    assert (action.latest_note, action.latest_note_on) == ("Review booked", date(2009, 9, 25))


# --------------------------------------------------------------------------- Cancel and progress


def test_cancel_stops_the_build(demo: Services) -> None:
    with pytest.raises(ExportCancelled) as raised:
        build_plan(demo, PlanFilters(), cancelled=lambda: True)
    assert str(raised.value) == "The export was cancelled; nothing was written."
    assert isinstance(raised.value, LocalityError)

    asked = 0

    def cancel_later() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    with pytest.raises(ExportCancelled):
        build_plan(demo, PlanFilters(), cancelled=cancel_later)


def test_progress_runs_to_the_end(demo: Services) -> None:
    reported: list[tuple[int, int]] = []
    build_plan(demo, PlanFilters(), progress=lambda done, total: reported.append((done, total)))
    assert reported
    done = [step for step, _total in reported]
    assert done == sorted(done)
    assert reported[-1][0] == reported[-1][1]


# --------------------------------------------------------------------------- small cases


def test_an_empty_workspace_gives_an_empty_plan(services: Services) -> None:
    plan = build_plan(services, PlanFilters())
    assert plan.actions == () and plan.needs == () and plan.indicators == () and plan.organisations == ()
    assert plan.summary.actions_total == 0
    assert [row.count for row in plan.summary.by_status] == [0] * len(ActionStatus)
    assert plan.summary.by_theme == ()
    assert plan.period == ""
    assert plan.milestones == ()
    assert plan.sign_off == ("Agreed by the partnership board", "Name", "Signature", "Date")


def test_actions_without_a_theme_or_lead_are_shown_plainly(services: Services) -> None:
    organisation = services.organisations.create(OrganisationDraft(name="Ashcombe Homes"))
    services.actions.create(ActionDraft(title="Tenant panel", budget_pence=1_250_050))
    services.actions.create(ActionDraft(title="Apprentice scheme", lead_organisation_id=organisation.id))
    plan = build_plan(services, PlanFilters())
    assert [action.title for action in plan.actions] == ["Apprentice scheme", "Tenant panel"]
    tenant = plan.actions[1]
    assert (tenant.theme, tenant.lead, tenant.partners, tenant.needs) == ("", "", (), ())
    assert (tenant.budget_pence, tenant.spend_pence) == (1_250_050, 0)
    assert plan.summary.by_theme[-1].theme == "No theme"
    assert plan.summary.by_theme[-1].actions == 2
    assert format_date(plan.generated_on) == "01/06/2008"


def test_a_completed_actions_milestones_are_not_overdue_in_the_plan(services: Services) -> None:
    from locality.services.actions import MilestoneDraft

    def milestones(title: str) -> tuple[bool, ...]:
        [action] = [a for a in build_plan(services, PlanFilters()).actions if a.title == title]
        return tuple(milestone.overdue for milestone in action.milestones)

    late = (MilestoneDraft(title="Venue booked", due_on=date(2008, 3, 1)),)  # before the services' 01/06/2008
    services.actions.create(ActionDraft(title="Joint scrutiny training", milestones=late))
    services.actions.create(
        ActionDraft(title="Peer review", status=ActionStatus.COMPLETED, completed_on=date(2008, 5, 1), milestones=late)
    )

    assert milestones("Joint scrutiny training") == (True,)
    assert milestones("Peer review") == (False,)  # the work is over: nothing to chase


def test_the_plan_and_the_dashboard_give_one_rag_split(demo: Services) -> None:
    """A board paper must not show two "Green" numbers: the plan counts open actions by RAG, as the dashboard's
    chart does, and both call it the same."""
    from locality.services.dashboard import RAG_SPLIT_TITLE

    summary = build_plan(demo, PlanFilters()).summary
    dashboard = demo.dashboard.figures()
    labels = {Rag.RED: "Red", Rag.AMBER: "Amber", Rag.GREEN: "Green", None: "Not rated"}
    assert {row.label: row.count for row in summary.by_rag} == {
        labels[rag]: count for rag, count in dashboard.rag_split
    } | {label: 0 for label in labels.values() if label not in {labels[rag] for rag, _ in dashboard.rag_split}}
    assert any(action.status == ActionStatus.COMPLETED for action in build_plan(demo, PlanFilters()).actions)
    assert RAG_SPLIT_TITLE == "Open actions by RAG"
