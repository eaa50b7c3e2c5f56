"""The workspace itself: partnership details, plan period, RAG thresholds, counts and the integrity check."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from locality.domain.entities import Entity
from locality.domain.errors import StaleRecordError, ValidationError
from locality.domain.rag import RagThresholds
from locality.domain.vocabulary import ActionStatus, Rag
from locality.services.actions import ActionDraft, PartnerDraft
from locality.services.context import Changes, User
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.services.workspace_info import WorkspaceDetails
from locality.store import queries
from locality.store.migrate import head_revision
from locality.store.models import ChangeLogRecord


@pytest.fixture
def heard(services: Services) -> list[Changes]:
    received: list[Changes] = []
    services.context.subscribe(received.append)
    return received


def logged(services: Services) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with services.context.workspace.reading() as unit:
        return [
            (row.entity, row.operation, row.field, row.old_value, row.new_value)
            for row in unit.list(ChangeLogRecord, order_by=("seq",))
        ]


def save_details(services: Services, expected_version: int | None = None, **changes: object) -> WorkspaceDetails:
    values: dict[str, object] = {
        "partnership_name": "Haringey Strategic Partnership",
        "area": "Haringey",
        "plan_start": date(2008, 4, 1),
        "plan_end": date(2011, 3, 31),
        "owner_organisation_id": None,
    }
    values.update(changes)
    return services.workspace.update_details(expected_version=expected_version, **values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- details


def test_a_new_workspace_has_blank_details_and_the_default_thresholds(services: Services) -> None:
    details = services.workspace.details()

    assert details.partnership_name == ""
    assert details.area == ""
    assert (details.plan_start, details.plan_end) == (None, None)
    assert details.plan_period == ""
    assert details.owner_organisation_id is None
    assert isinstance(details.replica_id, uuid.UUID)
    assert details.rag_thresholds == RagThresholds()
    assert details.rag_thresholds == RagThresholds(
        due_soon_days=14, amber_shortfall=10, red_shortfall=25, amber_overdue_milestones=1, red_overdue_milestones=2
    )


def test_update_details_round_trip(services: Services, heard: list[Changes]) -> None:
    council = services.organisations.create(OrganisationDraft("Haringey Council"))
    before = services.workspace.details()

    saved = save_details(
        services,
        before.version,
        partnership_name="  Haringey Strategic Partnership ",
        area=" Haringey ",
        owner_organisation_id=council.id,
    )

    assert saved.partnership_name == "Haringey Strategic Partnership"
    assert saved.area == "Haringey"
    assert (saved.plan_start, saved.plan_end) == (date(2008, 4, 1), date(2011, 3, 31))
    assert saved.plan_period == "01/04/2008 to 31/03/2011"
    assert saved.owner_organisation_id == council.id
    assert saved.version == before.version + 1
    assert saved.replica_id == before.replica_id
    assert services.workspace.details() == saved
    assert Changes(frozenset({"workspace_meta"})) in heard
    changed_fields = {row[2] for row in logged(services) if row[0] == "workspace_meta"}
    assert changed_fields == {"partnership_name", "area", "plan_start", "plan_end", "owner_organisation_id"}


def test_details_can_be_cleared_again(services: Services) -> None:
    first = save_details(services)

    cleared = save_details(services, first.version, partnership_name="", area="", plan_start=None, plan_end=None)

    assert (cleared.partnership_name, cleared.area, cleared.plan_start, cleared.plan_end) == ("", "", None, None)
    assert cleared.plan_period == ""


def test_saving_the_same_details_again_keeps_the_version(services: Services) -> None:
    first = save_details(services)
    rows = len(logged(services))

    again = save_details(services, first.version)

    assert again == first
    assert len(logged(services)) == rows


def test_a_plan_that_ends_on_the_day_it_starts_is_allowed(services: Services) -> None:
    saved = save_details(services, plan_start=date(2008, 4, 1), plan_end=date(2008, 4, 1))

    assert saved.plan_period == "01/04/2008 to 01/04/2008"


def test_a_plan_that_ends_before_it_starts_is_refused(services: Services, heard: list[Changes]) -> None:
    before = services.workspace.details()

    with pytest.raises(ValidationError) as caught:
        save_details(services, before.version, plan_start=date(2009, 4, 1), plan_end=date(2009, 3, 31))

    assert caught.value.field_errors == {"plan_end": "The plan cannot end before it starts"}
    assert services.workspace.details() == before
    assert logged(services) == []
    assert heard == []


def test_an_unknown_owner_organisation_is_refused(services: Services) -> None:
    before = services.workspace.details()

    with pytest.raises(ValidationError) as caught:
        save_details(services, owner_organisation_id=uuid.uuid4())

    assert caught.value.field_errors == {"owner_organisation_id": "Choose an organisation from the list"}
    assert services.workspace.details() == before
    assert logged(services) == []


def test_a_deleted_owner_organisation_is_refused(services: Services) -> None:
    council = services.organisations.create(OrganisationDraft("Haringey Council"))
    services.organisations.delete([council.id])

    with pytest.raises(ValidationError) as caught:
        save_details(services, owner_organisation_id=council.id)

    assert set(caught.value.field_errors) == {"owner_organisation_id"}
    assert services.workspace.details().owner_organisation_id is None


def test_details_can_still_be_saved_after_the_owner_organisation_is_deleted(services: Services) -> None:
    council = services.organisations.create(OrganisationDraft("Haringey Council"))
    save_details(services, owner_organisation_id=council.id)
    services.organisations.delete([council.id])
    shown = services.workspace.details()

    saved = save_details(
        services,
        shown.version,
        partnership_name="Renamed partnership",
        owner_organisation_id=shown.owner_organisation_id,
    )

    assert saved.partnership_name == "Renamed partnership"


def test_bad_dates_and_a_bad_owner_are_reported_together(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        save_details(
            services, plan_start=date(2009, 4, 1), plan_end=date(2008, 4, 1), owner_organisation_id=uuid.uuid4()
        )

    assert set(caught.value.field_errors) == {"plan_end", "owner_organisation_id"}


def test_a_stale_version_is_refused_and_nothing_is_written(services: Services) -> None:
    opened = services.workspace.details()
    theirs = save_details(services, opened.version, partnership_name="Their name")
    rows = len(logged(services))

    with pytest.raises(StaleRecordError) as caught:
        save_details(services, opened.version, partnership_name="My name", area="Elsewhere")

    assert "changed by someone else" in str(caught.value)
    assert services.workspace.details() == theirs
    assert len(logged(services)) == rows


def test_a_stale_version_shows_the_current_details(services: Services) -> None:
    opened = services.workspace.details()
    theirs = save_details(services, opened.version, partnership_name="Their name")

    with pytest.raises(StaleRecordError) as caught:
        save_details(services, opened.version, partnership_name="My name")

    assert caught.value.current == theirs


def test_the_stale_details_message_reads_as_english(services: Services) -> None:
    opened = services.workspace.details()
    save_details(services, opened.version, partnership_name="Their name")

    with pytest.raises(StaleRecordError) as caught:
        save_details(services, opened.version, partnership_name="My name")

    assert "details was" not in str(caught.value)


@pytest.mark.parametrize(("start", "end"), [(date(2008, 4, 1), None), (None, date(2011, 3, 31))])
def test_a_half_known_plan_period_reads_sensibly(services: Services, start: date | None, end: date | None) -> None:
    period = save_details(services, plan_start=start, plan_end=end).plan_period

    assert period.strip() == period
    assert not period.startswith("to") and not period.endswith("to")


# --------------------------------------------------------------------------- RAG thresholds


def test_set_rag_thresholds_round_trip(services: Services, heard: list[Changes]) -> None:
    before = services.workspace.details()
    wanted = RagThresholds(
        due_soon_days=28, amber_shortfall=5, red_shortfall=40, amber_overdue_milestones=2, red_overdue_milestones=4
    )

    saved = services.workspace.set_rag_thresholds(wanted)

    assert saved.rag_thresholds == wanted
    assert services.workspace.details().rag_thresholds == wanted
    assert saved.version == before.version + 1
    assert heard == [Changes(frozenset({"workspace_meta", "action"}))]
    assert {row[2] for row in logged(services)} == {
        "rag_due_soon_days",
        "rag_amber_shortfall",
        "rag_red_shortfall",
        "rag_amber_overdue_milestones",
        "rag_red_overdue_milestones",
    }


def test_thresholds_change_the_rag_an_action_shows(services: Services) -> None:
    # Half way through its year on 01/06/2008, about 42% is expected; at 30% it is 12 points behind.
    action = services.actions.create(
        ActionDraft(
            title="Leadership academy",
            start_on=date(2008, 1, 1),
            due_on=date(2008, 12, 31),
            status=ActionStatus.IN_PROGRESS,
            percent_complete=30,
        )
    )
    assert action.rag.rag == Rag.AMBER

    services.workspace.set_rag_thresholds(replace(RagThresholds(), amber_shortfall=15))
    assert services.actions.get(action.id).rag.rag == Rag.GREEN

    services.workspace.set_rag_thresholds(replace(RagThresholds(), amber_shortfall=5, red_shortfall=10))
    assert services.actions.get(action.id).rag.rag == Rag.RED


@pytest.mark.parametrize(
    ("thresholds", "field", "message"),
    [
        (
            RagThresholds(amber_shortfall=30, red_shortfall=20),
            "amber_shortfall",
            "The Amber shortfall cannot be more than the Red shortfall.",
        ),
        (
            RagThresholds(amber_overdue_milestones=3, red_overdue_milestones=2),
            "amber_overdue_milestones",
            "Overdue milestones for Amber cannot be more than overdue milestones for Red.",
        ),
        (RagThresholds(due_soon_days=-1), "due_soon_days", "Days counted as due soon cannot be negative."),
        (RagThresholds(amber_shortfall=-5), "amber_shortfall", "The Amber shortfall cannot be negative."),
        (
            RagThresholds(red_overdue_milestones=-1),
            "red_overdue_milestones",
            "Overdue milestones for Red cannot be negative.",
        ),
        (
            RagThresholds(red_shortfall=101),
            "red_shortfall",
            "The Red shortfall cannot be more than 100 percentage points.",
        ),
    ],
)
def test_invalid_thresholds_are_refused_and_nothing_is_written(
    services: Services, heard: list[Changes], thresholds: RagThresholds, field: str, message: str
) -> None:
    before = services.workspace.details()

    with pytest.raises(ValidationError) as caught:
        services.workspace.set_rag_thresholds(thresholds)

    assert caught.value.field_errors == {field: message}
    assert services.workspace.details() == before
    assert logged(services) == []
    assert heard == []


def test_several_bad_thresholds_are_reported_together(services: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        services.workspace.set_rag_thresholds(RagThresholds(due_soon_days=-1, red_shortfall=-2))

    assert set(caught.value.field_errors) == {"due_soon_days", "red_shortfall"}


# --------------------------------------------------------------------------- counts and check


def test_counts_of_a_new_workspace(services: Services) -> None:
    counts = dict(services.workspace.counts())

    assert counts["themes"] == 13
    assert counts["funding sources"] == 6
    assert counts["organisations"] == 0
    assert counts["change log entries"] == 0
    assert [label for label, _ in services.workspace.counts()][:5] == [
        "organisations",
        "themes",
        "needs",
        "need–organisation links",
        "actions",
    ]


def test_counts_after_creating_records_leave_out_deleted_ones(services: Services) -> None:
    council = services.organisations.create(OrganisationDraft("Haringey Council"))
    police = services.organisations.create(OrganisationDraft("Met Police"))
    gone = services.organisations.create(OrganisationDraft("Gone Trust"))
    need = services.needs.create(
        NeedDraft("Weak scrutiny", organisations=(NeedLinkDraft(council.id), NeedLinkDraft(police.id)))
    )
    services.actions.create(
        ActionDraft(
            "Peer review", lead_organisation_id=council.id, partners=(PartnerDraft(police.id),), need_ids=(need.id,)
        )
    )
    services.vocabulary.add_theme("Climate change")
    services.vocabulary.add_funding_source("Lottery grant")
    services.organisations.delete([gone.id])

    counts = dict(services.workspace.counts())

    assert counts["organisations"] == 2
    assert counts["needs"] == 1
    assert counts["need–organisation links"] == 2
    assert counts["actions"] == 1
    assert counts["action partners"] == 1
    assert counts["action–need links"] == 1
    assert counts["themes"] == 14
    assert counts["funding sources"] == 7
    assert counts["change log entries"] == len(logged(services))
    assert counts["milestones"] == counts["progress updates"] == counts["workshops"] == 0


def test_check_on_a_healthy_workspace(services: Services, workspace_path: Path) -> None:
    services.organisations.create(OrganisationDraft("Haringey Council"))

    report = services.workspace.check()

    assert report.ok
    assert report.problems == ()
    assert report.schema_revision == report.latest_revision == head_revision()
    assert report.location == str(workspace_path)
    assert report.counts == tuple(services.workspace.counts())
    assert dict(report.counts)["organisations"] == 1


def test_save_copy_makes_a_workspace_with_the_same_records_and_its_own_replica(
    services: Services, tmp_path: Path
) -> None:
    services.organisations.create(OrganisationDraft("Haringey Council"))
    save_details(services)
    target = tmp_path / "laptop.locality"

    services.workspace.save_copy(target)

    copy = Services.open(target, User("Laptop", "Test Org"), create_missing=False)
    try:
        assert [row.name for row in copy.organisations.list()] == ["Haringey Council"]
        copied = copy.workspace.details()
        original = services.workspace.details()
        assert copied.partnership_name == original.partnership_name
        assert copied.replica_id != original.replica_id
    finally:
        copy.close()


def test_a_count_is_kept_until_anything_is_written_here_or_elsewhere(
    workspace_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How many actions there are (asked before a list's first load) is counted again only once the workspace
    has changed, whoever changed it."""
    here = Services.open(workspace_path, User("Coordinator"))
    elsewhere = Services.open(workspace_path, User("Someone else"))
    try:
        assert here.workspace.count(Entity.ACTION) == 0
        counted: list[object] = []
        original = queries.live_counts

        def counting(unit, models):  # type: ignore[no-untyped-def]
            counted.append(models)
            return original(unit, models)

        monkeypatch.setattr(queries, "live_counts", counting)
        assert here.workspace.count(Entity.ACTION) == 0
        assert counted == []  # nothing written since: not counted again

        elsewhere.actions.create(ActionDraft(title="Peer review"))
        assert here.workspace.count(Entity.ACTION) == 1
        here.actions.delete([here.actions.list()[0].id])
        assert here.workspace.count(Entity.ACTION) == 0
        assert len(counted) == 2
    finally:
        here.close()
        elsewhere.close()
