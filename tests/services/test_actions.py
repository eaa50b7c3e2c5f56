"""Actions: recording them with partners, needs and milestones, their derived RAG, the actions list and its
filters, form-like updates, delete and undo."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from locality.domain.errors import NotFoundError, StaleRecordError, ValidationError
from locality.domain.rag import RagThresholds
from locality.domain.vocabulary import ActionStatus, NeedStatus, Rag, VocabularyKind, seeded_id
from locality.services.actions import (
    Action,
    ActionDraft,
    ActionService,
    DeletedActions,
    MilestoneDraft,
    PartnerDraft,
)
from locality.services.context import Changes, ServiceContext, User
from locality.services.needs import NeedDraft, NeedService
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.workspace_info import WorkspaceInfoService
from locality.store.models import (
    ActionNeedRecord,
    ActionPartnerRecord,
    ActionRecord,
    ChangeLogRecord,
    MilestoneRecord,
    SpendRecord,
    ThemeRecord,
    TrackedMixin,
    VocabularyTermRecord,
    WorkspaceMetaRecord,
)
from locality.store.workspace import Workspace, open_workspace

TODAY = date(2008, 6, 1)
TODAY_UTC = datetime(2008, 6, 1, tzinfo=UTC)

HOUSING = seeded_id("theme", "Housing")
SERVICE_IMPROVEMENT = seeded_id("theme", "Service improvement")
LEADERSHIP = seeded_id("theme", "Leadership and governance")
PEER_REVIEW = seeded_id(VocabularyKind.ACTION_TYPE, "Peer challenge or review")
SHARED_SERVICE = seeded_id(VocabularyKind.ACTION_TYPE, "Shared service")
REGIONAL = seeded_id(VocabularyKind.DELIVERY_LEVEL, "Regional")
IDEA = seeded_id(VocabularyKind.PROVIDER, "IDeA")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def actions_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, seeded workspace; each test opens a copy (far quicker than migrating every time)."""
    path = tmp_path_factory.mktemp("actions-template") / "template.locality"
    open_workspace(path).close()
    return path


@pytest.fixture
def workspace(tmp_path: Path, actions_template: Path) -> Iterator[Workspace]:
    path = tmp_path / "w.locality"
    shutil.copyfile(actions_template, path)
    opened = open_workspace(path)
    yield opened
    opened.close()


@pytest.fixture
def today() -> list[date]:
    """Today's date as the context sees it; a test may move it on."""
    return [TODAY]


@pytest.fixture
def ctx(workspace: Workspace, today: list[date]) -> ServiceContext:
    return ServiceContext(workspace, User("Test User", "Test Org"), today=lambda: today[0])


@pytest.fixture
def actions(ctx: ServiceContext) -> ActionService:
    return ActionService(ctx)


@pytest.fixture
def orgs(ctx: ServiceContext) -> dict[str, uuid.UUID]:
    service = OrganisationService(ctx)
    names = {
        "county": "Shire County Council",
        "police": "Shire Constabulary",
        "pct": "Shire Primary Care Trust",
        "cvs": "Shire Council for Voluntary Service",
    }
    return {key: service.create(OrganisationDraft(name=name)).id for key, name in names.items()}


@pytest.fixture
def needs(ctx: ServiceContext) -> dict[str, uuid.UUID]:
    service = NeedService(ctx)
    return {
        "data": service.create(NeedDraft("Better use of housing needs data", status=NeedStatus.AGREED)).id,
        "scrutiny": service.create(NeedDraft("Stronger scrutiny of partners")).id,
        "engagement": service.create(NeedDraft("Reaching young people")).id,
    }


def full_draft(orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID], **changes: Any) -> ActionDraft:
    values: dict[str, Any] = dict(
        title="  Joint peer review of housing services  ",
        description="A peer team from two councils reviews the housing register.",
        theme_id=HOUSING,
        type_id=PEER_REVIEW,
        delivery_level_id=REGIONAL,
        provider_id=IDEA,
        lead_organisation_id=orgs["county"],
        start_on=date(2008, 4, 1),
        due_on=date(2009, 3, 31),
        status=ActionStatus.IN_PROGRESS,
        percent_complete=20,
        budget_pence=1_250_000,
        notes="Chief executive sponsors it.",
        notes_confidential=True,
        partners=(
            PartnerDraft(orgs["police"], cash_pence=500_000, staff_days=4.5, in_kind="  Meeting rooms "),
            PartnerDraft(orgs["pct"], staff_days=2),
        ),
        need_ids=(needs["data"], needs["scrutiny"]),
        milestones=(
            MilestoneDraft(title="  Scope agreed  ", due_on=date(2008, 5, 1), done_on=date(2008, 4, 28)),
            MilestoneDraft(title="Review week", due_on=date(2008, 9, 15)),
        ),
    )
    values.update(changes)
    return ActionDraft(**values)


def change_log(workspace: Workspace) -> list[ChangeLogRecord]:
    with workspace.reading() as unit:
        rows = list(unit.session.scalars(select(ChangeLogRecord).order_by(ChangeLogRecord.seq)))
        unit.session.expunge_all()  # keeps the values read once the reading ends
        return rows


def row_count(workspace: Workspace, model: Any, *, include_deleted: bool = True) -> int:
    with workspace.reading() as unit:
        statement = select(func.count()).select_from(model)
        if not include_deleted:
            statement = statement.where(model.deleted_at.is_(None))
        return int(unit.session.scalar(statement) or 0)


def add_spend(workspace: Workspace, action_id: uuid.UUID, *amounts: int, deleted: bool = False) -> None:
    with workspace.transaction() as unit:
        for amount in amounts:
            unit.add(
                SpendRecord(
                    action_id=action_id,
                    spent_on=date(2008, 5, 1),
                    amount_pence=amount,
                    deleted_at=TODAY_UTC if deleted else None,
                )
            )


# --------------------------------------------------------------------------- create and read back


def test_create_saves_every_field_and_reads_it_back_with_names(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID]
) -> None:
    created = actions.create(full_draft(orgs, needs))
    action = actions.get(created.id)
    assert action == created
    assert action.title == "Joint peer review of housing services"
    assert action.version == 1
    assert action.theme_name == "Housing"
    assert action.type_name == "Peer challenge or review"
    assert action.delivery_level_name == "Regional"
    assert action.provider_name == "IDeA"
    assert action.lead_organisation_name == "Shire County Council"
    assert (action.start_on, action.due_on, action.completed_on) == (date(2008, 4, 1), date(2009, 3, 31), None)
    assert action.status is ActionStatus.IN_PROGRESS
    assert action.percent_complete == 20
    assert action.budget_pence == 1_250_000
    assert action.notes == "Chief executive sponsors it."
    assert action.notes_confidential is True
    # partners in name order, with their names and contributions
    assert [(p.organisation_name, p.cash_pence, p.staff_days, p.in_kind) for p in action.partners] == [
        ("Shire Constabulary", 500_000, 4.5, "Meeting rooms"),
        ("Shire Primary Care Trust", 0, 2.0, ""),
    ]
    assert action.partner_names == "Shire Constabulary; Shire Primary Care Trust"
    assert [need.title for need in action.needs] == [
        "Better use of housing needs data",
        "Stronger scrutiny of partners",
    ]
    assert [(m.title, m.due_on, m.done_on, m.overdue) for m in action.milestones] == [
        ("Scope agreed", date(2008, 5, 1), date(2008, 4, 28), False),
        ("Review week", date(2008, 9, 15), None, False),
    ]
    assert action.spend_pence == 0
    assert action.latest_progress is None
    assert action.rag.rag is Rag.GREEN and action.rag.derived


def test_as_draft_saved_again_changes_nothing(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    created = actions.create(full_draft(orgs, needs))
    before = len(change_log(workspace))
    again = actions.update(created.id, created.as_draft(), created.version)
    assert again.version == created.version
    assert again.milestones == created.milestones
    assert len(change_log(workspace)) == before


def test_create_logs_the_action_and_every_link_and_notifies(
    actions: ActionService,
    orgs: dict[str, uuid.UUID],
    needs: dict[str, uuid.UUID],
    workspace: Workspace,
    heard: list[Changes],
) -> None:
    heard.clear()
    created = actions.create(full_draft(orgs, needs))
    rows = [row for row in change_log(workspace) if row.operation == "create"]
    by_entity: dict[str, int] = {}
    for row in rows:
        by_entity[row.entity] = by_entity.get(row.entity, 0) + 1
    assert by_entity["action"] == 1
    assert by_entity["action_partner"] == 2
    assert by_entity["action_need"] == 2
    assert by_entity["milestone"] == 2
    action_row = next(row for row in rows if row.entity == "action")
    assert action_row.record_id == created.id
    assert action_row.author == "Test User" and action_row.author_organisation == "Test Org"
    assert '"title": "Joint peer review of housing services"' in (action_row.new_value or "")
    assert heard and heard[-1].touches("action", "action_partner", "action_need", "milestone")


def test_a_bare_action_needs_only_a_title(actions: ActionService) -> None:
    action = actions.create(ActionDraft("Member development programme"))
    assert action.status is ActionStatus.PROPOSED
    assert action.percent_complete == 0
    assert action.lead_organisation_name == "" and action.partners == () and action.needs == ()
    assert action.rag.rag is Rag.GREEN
    assert action.rag.reason.startswith("Proposed")


def test_completing_sets_percent_to_100_and_completed_on_to_today(actions: ActionService) -> None:
    done = actions.create(
        ActionDraft("Toolkit launch", start_on=date(2008, 1, 1), status=ActionStatus.COMPLETED, percent_complete=60)
    )
    assert done.percent_complete == 100
    assert done.completed_on == TODAY
    assert done.rag.rag is Rag.GREEN
    kept = actions.create(
        ActionDraft("Shared legal service", status=ActionStatus.COMPLETED, completed_on=date(2008, 3, 3))
    )
    assert kept.completed_on == date(2008, 3, 3)


def test_rag_set_by_hand_wins_and_shows_the_reason(actions: ActionService) -> None:
    action = actions.create(
        ActionDraft("Scrutiny training", rag_override=Rag.RED, rag_override_reason="  Trainer withdrew  ")
    )
    assert action.rag.rag is Rag.RED
    assert action.rag.derived is False
    assert action.rag.reason == "Set by hand: Trainer withdrew"
    assert action.rag_override_reason == "Trainer withdrew"
    cleared = actions.update(action.id, ActionDraft("Scrutiny training", rag_override_reason="stale"), action.version)
    assert cleared.rag_override is None and cleared.rag_override_reason == ""
    assert cleared.rag.derived


def test_rag_uses_milestones_today_and_the_workspace_thresholds(
    actions: ActionService, ctx: ServiceContext, today: list[date]
) -> None:
    action = actions.create(
        ActionDraft(
            "Joint commissioning of advice",
            start_on=date(2008, 1, 1),
            due_on=date(2008, 12, 31),
            status=ActionStatus.IN_PROGRESS,
            percent_complete=40,
            milestones=(MilestoneDraft(title="Tender issued", due_on=date(2008, 5, 1)),),
        )
    )
    assert action.milestones[0].overdue is True
    assert action.rag.rag is Rag.AMBER
    assert action.rag.reason.startswith("1 milestone overdue")
    # Two overdue milestones are needed for Red by default; with one, Red.
    WorkspaceInfoService(ctx).set_rag_thresholds(RagThresholds(amber_overdue_milestones=1, red_overdue_milestones=1))
    assert actions.get(action.id).rag.rag is Rag.RED
    assert actions.list()[0].rag is Rag.RED
    # On a day before the milestone fell due, it is not overdue.
    today[0] = date(2008, 4, 1)
    earlier = actions.get(action.id)
    assert earlier.milestones[0].overdue is False
    assert earlier.rag.rag is Rag.GREEN


def test_spend_is_the_sum_of_live_spend(actions: ActionService, workspace: Workspace) -> None:
    action = actions.create(ActionDraft("Shared HR service", budget_pence=100_000))
    add_spend(workspace, action.id, 12_000, 3_050)
    add_spend(workspace, action.id, 99_999, deleted=True)
    assert actions.get(action.id).spend_pence == 15_050
    assert actions.list()[0].spend_pence == 15_050


# --------------------------------------------------------------------------- validation


def _assert_nothing_written(workspace: Workspace, before: tuple[int, int, int]) -> None:
    assert (
        row_count(workspace, ActionRecord),
        row_count(workspace, ChangeLogRecord),
        row_count(workspace, ActionPartnerRecord),
    ) == before


def _counts(workspace: Workspace) -> tuple[int, int, int]:
    return (
        row_count(workspace, ActionRecord),
        row_count(workspace, ChangeLogRecord),
        row_count(workspace, ActionPartnerRecord),
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "Title cannot be empty."),
        ({"due_on": date(2008, 3, 1)}, "due_on", "The due date cannot be before the start date"),
        ({"completed_on": date(2008, 3, 1)}, "completed_on", "The completed date cannot be before the start date"),
        ({"percent_complete": 101}, "percent_complete", "Percent complete must be between 0 and 100."),
        ({"percent_complete": -1}, "percent_complete", "Percent complete must be between 0 and 100."),
        ({"budget_pence": -1}, "budget_pence", "The budget cannot be negative"),
        (
            {"rag_override": Rag.AMBER, "rag_override_reason": "  "},
            "rag_override_reason",
            "Give a reason for setting the RAG by hand",
        ),
        ({"theme_id": uuid.uuid4()}, "theme_id", "Choose a theme from the list"),
        ({"type_id": IDEA}, "type_id", "Choose an action type from the list"),
        ({"provider_id": uuid.uuid4()}, "provider_id", "Choose a support provider from the list"),
        ({"delivery_level_id": PEER_REVIEW}, "delivery_level_id", "Choose a delivery level from the list"),
        ({"lead_organisation_id": uuid.uuid4()}, "lead_organisation_id", "Choose a lead organisation from the list"),
        ({"need_ids": (uuid.uuid4(),)}, "need_ids", "One of the needs chosen does not exist"),
        (
            {"milestones": (MilestoneDraft(title="  ", due_on=date(2008, 7, 1)),)},
            "milestones",
            "Every milestone needs a title",
        ),
    ],
)
def test_each_bad_value_is_refused_with_its_sentence_and_nothing_is_written(
    actions: ActionService,
    orgs: dict[str, uuid.UUID],
    needs: dict[str, uuid.UUID],
    workspace: Workspace,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    before = _counts(workspace)
    with pytest.raises(ValidationError) as caught:
        actions.create(full_draft(orgs, needs, **changes))
    assert set(caught.value.field_errors) == {field}
    assert caught.value.field_errors[field].startswith(message)
    _assert_nothing_written(workspace, before)


def test_partner_problems_are_each_named(
    actions: ActionService, orgs: dict[str, uuid.UUID], ctx: ServiceContext, workspace: Workspace
) -> None:
    gone = OrganisationService(ctx).create(OrganisationDraft("Old Housing Trust")).id
    OrganisationService(ctx).delete([gone])
    before = _counts(workspace)
    with pytest.raises(ValidationError) as caught:
        actions.create(
            ActionDraft(
                "Shared service review",
                partners=(
                    PartnerDraft(orgs["police"], cash_pence=-100),
                    PartnerDraft(orgs["pct"], staff_days=-0.5),
                    PartnerDraft(orgs["police"]),
                    PartnerDraft(uuid.uuid4()),
                    PartnerDraft(gone),
                ),
            )
        )
    message = caught.value.field_errors["partners"]
    assert "Shire Constabulary's cash contribution cannot be negative" in message
    assert "Shire Primary Care Trust's staff days cannot be negative" in message
    assert "Shire Constabulary is listed more than once" in message
    assert "One of the partners chosen does not exist" in message
    assert "Old Housing Trust has been deleted" in message
    _assert_nothing_written(workspace, before)


def test_a_deleted_lead_or_need_is_refused(
    actions: ActionService, ctx: ServiceContext, needs: dict[str, uuid.UUID]
) -> None:
    gone = OrganisationService(ctx).create(OrganisationDraft("Old Housing Trust")).id
    OrganisationService(ctx).delete([gone])
    NeedService(ctx).delete([needs["engagement"]])
    with pytest.raises(ValidationError) as caught:
        actions.create(ActionDraft("Youth forum", lead_organisation_id=gone, need_ids=(needs["engagement"],)))
    assert caught.value.field_errors["lead_organisation_id"].startswith("Old Housing Trust has been deleted")
    assert caught.value.field_errors["need_ids"].startswith('The need "Reaching young people" has been deleted')


def test_every_error_is_reported_at_once(actions: ActionService, orgs: dict[str, uuid.UUID]) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.create(
            ActionDraft(
                "",
                start_on=date(2008, 5, 1),
                due_on=date(2008, 4, 1),
                percent_complete=150,
                budget_pence=-5,
                rag_override=Rag.RED,
                partners=(PartnerDraft(orgs["police"], cash_pence=-1),),
                milestones=(MilestoneDraft(title=""),),
            )
        )
    assert set(caught.value.field_errors) == {
        "title",
        "due_on",
        "percent_complete",
        "budget_pence",
        "rag_override_reason",
        "partners",
        "milestones",
    }
    assert "The due date cannot be before the start date." in str(caught.value)


def test_completing_an_action_before_it_starts_is_refused(actions: ActionService) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.create(ActionDraft("Future work", start_on=date(2008, 9, 1), status=ActionStatus.COMPLETED))
    assert "completed_on" in caught.value.field_errors


def test_a_milestone_of_another_action_is_refused(actions: ActionService) -> None:
    first = actions.create(ActionDraft("First", milestones=(MilestoneDraft(title="Kick-off"),)))
    with pytest.raises(ValidationError) as caught:
        actions.create(ActionDraft("Second", milestones=(first.milestones[0].as_draft(),)))
    assert caught.value.field_errors["milestones"] == 'The milestone "Kick-off" belongs to another action'


# --------------------------------------------------------------------------- update


def test_update_replaces_partners_needs_and_milestones_like_a_form(
    actions: ActionService,
    orgs: dict[str, uuid.UUID],
    needs: dict[str, uuid.UUID],
    workspace: Workspace,
) -> None:
    created = actions.create(full_draft(orgs, needs))
    scope, review = created.milestones
    seq_before = max(row.seq for row in change_log(workspace))
    draft = full_draft(
        orgs,
        needs,
        partners=(
            PartnerDraft(orgs["police"], cash_pence=750_000, staff_days=4.5, in_kind="Meeting rooms"),
            PartnerDraft(orgs["cvs"], in_kind="Volunteers"),
        ),
        need_ids=(needs["engagement"], needs["data"]),
        milestones=(
            MilestoneDraft(review.id, "Review week (moved)", date(2008, 10, 6)),
            MilestoneDraft(title="Report to board", due_on=date(2008, 12, 1)),
        ),
    )
    updated = actions.update(created.id, draft, created.version)
    assert updated.version == created.version + 1
    assert [(p.organisation_name, p.cash_pence, p.in_kind) for p in updated.partners] == [
        ("Shire Constabulary", 750_000, "Meeting rooms"),
        ("Shire Council for Voluntary Service", 0, "Volunteers"),
    ]
    assert {need.id for need in updated.needs} == {needs["engagement"], needs["data"]}
    assert [(m.title, m.due_on) for m in updated.milestones] == [
        ("Review week (moved)", date(2008, 10, 6)),
        ("Report to board", date(2008, 12, 1)),
    ]
    assert updated.milestones[0].id == review.id
    new_rows = [row for row in change_log(workspace) if row.seq > seq_before]
    logged = {(row.entity, row.operation, row.field) for row in new_rows}
    assert ("action_partner", "update", "cash_pence") in logged
    assert ("action_partner", "create", None) in logged
    assert ("action_partner", "delete", None) in logged  # the primary care trust
    assert ("action_need", "create", None) in logged and ("action_need", "delete", None) in logged
    assert ("milestone", "update", "title") in logged and ("milestone", "update", "due_on") in logged
    assert ("milestone", "create", None) in logged
    deleted_milestones = [row.record_id for row in new_rows if row.entity == "milestone" and row.operation == "delete"]
    assert deleted_milestones == [scope.id]


def test_a_partner_or_need_added_back_restores_the_old_link(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    action = actions.create(
        ActionDraft("Peer review", partners=(PartnerDraft(orgs["police"], 100),), need_ids=(needs["data"],))
    )
    action = actions.update(action.id, ActionDraft("Peer review"), action.version)
    assert action.partners == () and action.needs == ()
    action = actions.update(
        action.id,
        ActionDraft("Peer review", partners=(PartnerDraft(orgs["police"], 200),), need_ids=(needs["data"],)),
        action.version,
    )
    assert [(p.organisation_name, p.cash_pence) for p in action.partners] == [("Shire Constabulary", 200)]
    assert row_count(workspace, ActionPartnerRecord) == 1
    assert row_count(workspace, ActionNeedRecord) == 1
    operations = [
        (row.entity, row.operation) for row in change_log(workspace) if row.entity in ("action_partner", "action_need")
    ]
    assert operations.count(("action_partner", "restore")) == 1
    assert operations.count(("action_need", "restore")) == 1


def test_changing_only_links_still_bumps_the_version(actions: ActionService, orgs: dict[str, uuid.UUID]) -> None:
    action = actions.create(ActionDraft("Peer review"))
    linked = actions.update(
        action.id, ActionDraft("Peer review", partners=(PartnerDraft(orgs["cvs"]),)), action.version
    )
    assert linked.version == action.version + 1
    with pytest.raises(StaleRecordError):
        actions.update(action.id, ActionDraft("Peer review"), action.version)


def test_a_stale_version_is_refused_with_the_current_values_and_nothing_written(
    actions: ActionService, workspace: Workspace
) -> None:
    action = actions.create(ActionDraft("Peer review"))
    actions.update(action.id, ActionDraft("Peer review of housing"), action.version)
    before = _counts(workspace)
    with pytest.raises(StaleRecordError) as caught:
        actions.update(action.id, ActionDraft("My older edit"), action.version)
    current = caught.value.current
    assert isinstance(current, Action)
    assert current.title == "Peer review of housing"
    assert "changed by someone else" in str(caught.value)
    _assert_nothing_written(workspace, before)
    assert actions.get(action.id).title == "Peer review of housing"


def test_updating_a_missing_action_says_so(actions: ActionService) -> None:
    with pytest.raises(NotFoundError):
        actions.update(uuid.uuid4(), ActionDraft("Anything"), None)
    with pytest.raises(NotFoundError):
        actions.get(uuid.uuid4())


def test_a_retired_type_may_stay_but_not_be_newly_chosen(actions: ActionService, workspace: Workspace) -> None:
    action = actions.create(ActionDraft("Peer review", type_id=SHARED_SERVICE))
    with workspace.transaction() as unit:
        term = unit.get(VocabularyTermRecord, SHARED_SERVICE)
        assert term is not None
        term.deleted_at = TODAY_UTC
    kept = actions.update(action.id, ActionDraft("Peer review (renamed)", type_id=SHARED_SERVICE), action.version)
    assert kept.type_name == "Shared service"
    with pytest.raises(ValidationError):
        actions.create(ActionDraft("Another", type_id=SHARED_SERVICE))


# --------------------------------------------------------------------------- delete and restore


def test_delete_tombstones_the_action_with_its_links_and_restore_brings_them_back(
    actions: ActionService,
    orgs: dict[str, uuid.UUID],
    needs: dict[str, uuid.UUID],
    workspace: Workspace,
    heard: list[Changes],
) -> None:
    action = actions.create(full_draft(orgs, needs))
    other = actions.create(ActionDraft("Unrelated"))
    deleted = actions.delete([action.id])
    assert deleted == DeletedActions((action.id,))
    assert heard[-1].touches("action", "action_partner", "action_need", "milestone")
    with pytest.raises(NotFoundError):
        actions.get(action.id)
    assert [summary.id for summary in actions.list()] == [other.id]
    assert actions.find("Joint peer review of housing services") is None
    for model in (ActionPartnerRecord, ActionNeedRecord, MilestoneRecord):
        assert row_count(workspace, model, include_deleted=False) == 0
    models: tuple[type[TrackedMixin], ...] = (ActionRecord, ActionPartnerRecord, ActionNeedRecord, MilestoneRecord)
    with workspace.reading() as unit:
        stamps = {
            row.deleted_at
            for model in models
            for row in unit.list(model, include_deleted=True)
            if row.deleted_at is not None
        }
    assert len(stamps) == 1  # all at the same instant
    deletes = [row for row in change_log(workspace) if row.operation == "delete"]
    assert len(deletes) == 1 + 2 + 2 + 2

    actions.restore(deleted)
    back = actions.get(action.id)
    assert back.title == action.title
    assert back.partners == action.partners
    assert back.needs == action.needs
    assert [m.id for m in back.milestones] == [m.id for m in action.milestones]
    restores = [row for row in change_log(workspace) if row.operation == "restore"]
    assert len(restores) == 1 + 2 + 2 + 2


def test_restore_leaves_out_links_removed_before_and_organisations_deleted_since(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID], ctx: ServiceContext
) -> None:
    action = actions.create(
        ActionDraft(
            "Peer review",
            partners=(PartnerDraft(orgs["police"]), PartnerDraft(orgs["pct"]), PartnerDraft(orgs["cvs"])),
        )
    )
    # The voluntary sector partner was removed by an earlier edit: undoing the delete must not bring it back.
    action = actions.update(
        action.id,
        ActionDraft("Peer review", partners=(PartnerDraft(orgs["police"]), PartnerDraft(orgs["pct"]))),
        action.version,
    )
    deleted = actions.delete([action.id])
    OrganisationService(ctx).delete([orgs["pct"]])
    actions.restore(deleted)
    assert [p.organisation_name for p in actions.get(action.id).partners] == ["Shire Constabulary"]


def test_restoring_twice_or_after_a_lead_is_deleted_is_harmless(
    actions: ActionService, orgs: dict[str, uuid.UUID], ctx: ServiceContext
) -> None:
    action = actions.create(ActionDraft("Peer review", lead_organisation_id=orgs["cvs"]))
    deleted = actions.delete([action.id])
    OrganisationService(ctx).delete([orgs["cvs"]])  # allowed: it no longer leads a live action
    actions.restore(deleted)
    actions.restore(deleted)
    back = actions.get(action.id)
    assert back.lead_organisation_id is None and back.lead_organisation_name == ""


def test_deleting_a_missing_action_deletes_nothing(actions: ActionService) -> None:
    kept = actions.create(ActionDraft("Peer review"))
    with pytest.raises(NotFoundError):
        actions.delete([kept.id, uuid.uuid4()])
    assert actions.get(kept.id).title == "Peer review"


def test_find_ignores_case_and_spaces(actions: ActionService) -> None:
    action = actions.create(ActionDraft("Joint  Peer Review"))
    found = actions.find("  joint peer review ")
    assert found is not None and found.id == action.id
    assert actions.find("Nothing like it") is None


# --------------------------------------------------------------------------- the list


@pytest.fixture
def plan(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID], workspace: Workspace
) -> dict[str, Action]:
    """Four actions with different leads, partners, themes, states and ratings."""
    made = {
        "review": actions.create(full_draft(orgs, needs)),
        "overdue": actions.create(
            ActionDraft(
                "Community safety partnership training",
                description="Training in problem-solving for neighbourhood teams",
                theme_id=seeded_id("theme", "Community safety"),
                lead_organisation_id=orgs["police"],
                start_on=date(2008, 1, 1),
                due_on=date(2008, 5, 1),
                status=ActionStatus.IN_PROGRESS,
                percent_complete=70,
                budget_pence=50_000,
            )
        ),
        "done": actions.create(
            ActionDraft(
                "Leadership academy",
                theme_id=LEADERSHIP,
                lead_organisation_id=orgs["pct"],
                start_on=date(2007, 9, 1),
                due_on=date(2008, 3, 1),
                status=ActionStatus.COMPLETED,
                completed_on=date(2008, 2, 20),
                partners=(PartnerDraft(orgs["county"]),),
            )
        ),
        "cancelled": actions.create(
            ActionDraft("Abandoned shared payroll", status=ActionStatus.CANCELLED, due_on=date(2008, 1, 1))
        ),
    }
    add_spend(workspace, made["overdue"].id, 10_000, 2_500)
    return made


def test_list_shows_every_live_action_in_title_order_with_its_row_values(
    actions: ActionService, plan: dict[str, Action]
) -> None:
    rows = actions.list()
    assert [row.title for row in rows] == [
        "Abandoned shared payroll",
        "Community safety partnership training",
        "Joint peer review of housing services",
        "Leadership academy",
    ]
    review = next(row for row in rows if row.id == plan["review"].id)
    assert review.version == plan["review"].version
    assert review.lead_organisation_name == "Shire County Council"
    assert review.partner_names == "Shire Constabulary; Shire Primary Care Trust"
    assert review.status is ActionStatus.IN_PROGRESS
    assert (review.percent_complete, review.start_on, review.due_on) == (20, date(2008, 4, 1), date(2009, 3, 31))
    assert review.budget_pence == 1_250_000
    assert review.need_count == 2
    assert (review.rag, review.rag_reason) == (plan["review"].rag.rag, plan["review"].rag.reason)
    overdue = next(row for row in rows if row.id == plan["overdue"].id)
    assert overdue.rag is Rag.RED and overdue.rag_reason.startswith("Overdue")
    assert overdue.spend_pence == 12_500
    cancelled = next(row for row in rows if row.id == plan["cancelled"].id)
    assert cancelled.rag is None and cancelled.rag_reason == "Cancelled: not rated"


def test_list_filters(actions: ActionService, plan: dict[str, Action], orgs: dict[str, uuid.UUID]) -> None:
    def titles(**filters: Any) -> list[str]:
        return [row.title for row in actions.list(**filters)]

    assert titles(status=ActionStatus.COMPLETED) == ["Leadership academy"]
    assert titles(status=[ActionStatus.COMPLETED, ActionStatus.CANCELLED]) == [
        "Abandoned shared payroll",
        "Leadership academy",
    ]
    assert titles(lead_organisation_id=orgs["police"]) == ["Community safety partnership training"]
    # lead or partner
    assert titles(organisation_id=orgs["police"]) == [
        "Community safety partnership training",
        "Joint peer review of housing services",
    ]
    assert titles(organisation_id=orgs["county"]) == ["Joint peer review of housing services", "Leadership academy"]
    # a theme includes the service areas beneath it
    assert titles(theme_id=SERVICE_IMPROVEMENT) == [
        "Community safety partnership training",
        "Joint peer review of housing services",
    ]
    assert titles(theme_id=HOUSING) == ["Joint peer review of housing services"]
    assert titles(rag=Rag.RED) == ["Community safety partnership training"]
    assert titles(rag=[Rag.GREEN]) == ["Joint peer review of housing services", "Leadership academy"]
    # past due and still open; the cancelled one is past due too but not counted
    assert titles(overdue_only=True) == ["Community safety partnership training"]
    # search: title, description, a partner's or the lead's name, ignoring case
    assert titles(search="PEER") == ["Joint peer review of housing services"]
    assert titles(search="neighbourhood") == ["Community safety partnership training"]
    assert titles(search="primary care") == ["Joint peer review of housing services", "Leadership academy"]
    assert titles(search="100%") == []
    assert titles(search="academy", status=ActionStatus.IN_PROGRESS) == []


def test_list_leaves_out_deleted_partners_and_needs(
    actions: ActionService, plan: dict[str, Action], ctx: ServiceContext, needs: dict[str, uuid.UUID]
) -> None:
    NeedService(ctx).delete([needs["scrutiny"]])
    review = next(row for row in actions.list() if row.id == plan["review"].id)
    assert review.need_count == 1


def test_list_sees_edits_made_elsewhere_and_a_new_day(
    actions: ActionService, plan: dict[str, Action], workspace: Workspace, today: list[date]
) -> None:
    assert len(actions.list(search="joint")) == 1
    # Another window on the same workspace renames the action; this service hears nothing of it.
    elsewhere = ActionService(ServiceContext(workspace, User("Other", "Police"), today=lambda: TODAY))
    review = plan["review"]
    elsewhere.update(review.id, replace(review.as_draft(), title="Housing inspection"), review.version)
    assert [row.title for row in actions.list(search="housing")] == ["Housing inspection"]
    assert actions.list(search="joint") == []
    # A bulk write (the demo data) touches the workspace metadata instead of the change log.
    with workspace.transaction() as unit:
        unit.session.execute(ActionRecord.__table__.update().values(percent_complete=99))  # type: ignore[attr-defined]
        meta = unit.session.scalars(select(WorkspaceMetaRecord)).one()
        meta.version += 1
    assert {row.percent_complete for row in actions.list() if row.status is ActionStatus.IN_PROGRESS} == {99}
    # Ratings move with the date.
    today[0] = date(2009, 6, 1)
    assert {row.title for row in actions.list(rag=Rag.RED)} == {
        "Community safety partnership training",
        "Housing inspection",
    }


def test_list_costs_the_same_number_of_queries_however_many_actions(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    def make(count: int) -> None:
        for number in range(count):
            actions.create(full_draft(orgs, needs, title=f"Action {number}", partners=(PartnerDraft(orgs["cvs"]),)))

    def queries(**filters: Any) -> int:
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        event.listen(workspace.read_engine, "before_cursor_execute", count)
        try:
            actions._cache = None  # measure a full read, not the remembered list
            actions.list(**filters)
        finally:
            event.remove(workspace.read_engine, "before_cursor_execute", count)
        return len(statements)

    make(2)
    few = queries(), queries(search="action"), queries(organisation_id=orgs["cvs"])
    make(12)
    many = queries(), queries(search="action"), queries(organisation_id=orgs["cvs"])
    assert few == many
    assert max(many) <= 10


def test_filtering_a_remembered_list_takes_one_query(
    actions: ActionService, plan: dict[str, Action], workspace: Workspace
) -> None:
    actions.list()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(workspace.read_engine, "before_cursor_execute", count)
    try:
        assert [row.title for row in actions.list(search="academy")] == ["Leadership academy"]
    finally:
        event.remove(workspace.read_engine, "before_cursor_execute", count)
    assert len(statements) <= 3  # the workspace's state, and the ids matching the filter


def test_list_of_nothing(actions: ActionService) -> None:
    assert actions.list() == []
    assert actions.list(search="anything") == []


def test_theme_filter_ignores_unknown_theme(actions: ActionService, workspace: Workspace) -> None:
    actions.create(ActionDraft("Peer review", theme_id=HOUSING))
    with workspace.reading() as unit:
        assert unit.get(ThemeRecord, HOUSING) is not None
    assert actions.list(theme_id=uuid.uuid4()) == []


def test_many_actions_beyond_the_named_ids_limit_list_correctly(
    actions: ActionService, orgs: dict[str, uuid.UUID], workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from locality.store import action_queries

    monkeypatch.setattr(action_queries, "NAMED_IDS_LIMIT", 2)
    for number in range(4):
        actions.create(
            ActionDraft(
                f"Review {number}",
                lead_organisation_id=orgs["county"],
                partners=(PartnerDraft(orgs["police"]),),
                due_on=TODAY + timedelta(days=number),
            )
        )
    actions.create(ActionDraft("Other work"))
    rows = actions.list(search="review")
    assert [row.partner_names for row in rows] == ["Shire Constabulary"] * 4
    assert [row.rag for row in rows] == [Rag.AMBER] * 4  # due soon
    assert len(actions.list()) == 5


# --------------------------------------------------------------------------- the named owner


def test_an_owner_is_set_shown_in_the_list_and_cleared(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    created = actions.create(full_draft(orgs, needs))
    assert created.owner_name == "" and actions.list()[0].owner_name == ""

    owned = actions.update(
        created.id,
        replace(
            created.as_draft(),
            owner_name="  Janet Hughes ",
            owner_email=" janet.hughes@shire.gov.uk ",
            owner_phone=" 01632 960123 ",
        ),
        created.version,
    )
    assert (owned.owner_name, owned.owner_email, owned.owner_phone) == (
        "Janet Hughes",
        "janet.hughes@shire.gov.uk",
        "01632 960123",
    )
    assert [row.owner_name for row in actions.list()] == ["Janet Hughes"]
    assert [row.title for row in actions.list(search="janet")] == [owned.title]  # the list's search finds owners
    logged = {(row.field, row.old_value, row.new_value) for row in change_log(workspace) if row.operation == "update"}
    assert ("owner_name", '""', '"Janet Hughes"') in logged  # the change log holds values as JSON
    assert ("owner_email", '""', '"janet.hughes@shire.gov.uk"') in logged

    cleared = actions.update(
        owned.id, replace(owned.as_draft(), owner_name=" ", owner_email="", owner_phone=""), owned.version
    )
    assert (cleared.owner_name, cleared.owner_email, cleared.owner_phone) == ("", "", "")
    assert actions.list()[0].owner_name == ""


def test_an_owner_keeps_when_the_lead_organisation_changes(
    actions: ActionService, orgs: dict[str, uuid.UUID], needs: dict[str, uuid.UUID]
) -> None:
    created = actions.create(full_draft(orgs, needs, owner_name="Janet Hughes"))
    moved = actions.update(created.id, replace(created.as_draft(), lead_organisation_id=orgs["police"]), None)
    assert moved.lead_organisation_name == "Shire Constabulary" and moved.owner_name == "Janet Hughes"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"owner_name": "Janet Hughes", "owner_email": "janet at shire"}, "owner_email", "is not an e-mail address"),
        ({"owner_name": "Janet Hughes", "owner_email": "janet@localhost"}, "owner_email", "is not an e-mail address"),
        ({"owner_name": "", "owner_email": "janet@shire.gov.uk"}, "owner_name", "Give the owner's name"),
        ({"owner_name": "Janet Hughes", "owner_phone": "ask reception"}, "owner_phone", "is not a telephone number"),
    ],
)
def test_a_bad_owner_is_refused_with_a_plain_sentence(
    actions: ActionService,
    orgs: dict[str, uuid.UUID],
    needs: dict[str, uuid.UUID],
    changes: dict[str, str],
    field: str,
    words: str,
) -> None:
    created = actions.create(full_draft(orgs, needs))
    with pytest.raises(ValidationError) as raised:
        actions.update(created.id, replace(created.as_draft(), **changes), created.version)
    message = raised.value.field_errors[field]
    assert words in message and message.endswith(".")
    assert actions.get(created.id).owner_name == ""  # nothing saved


def test_summaries_are_the_list_rows_of_the_actions_named(actions: ActionService, orgs: dict[str, uuid.UUID]) -> None:
    made = [
        actions.create(
            ActionDraft(
                title=f"Action {number}",
                lead_organisation_id=orgs["county"] if number % 2 else None,
                partners=(PartnerDraft(orgs["police"]),) if number == 1 else (),
                milestones=(MilestoneDraft(title="Overdue", due_on=TODAY - timedelta(days=3)),) if number == 2 else (),
                due_on=TODAY + timedelta(days=number),
            )
        )
        for number in range(4)
    ]
    actions.delete([made[3].id])
    wanted = frozenset({made[1].id, made[2].id, made[3].id})
    by_id = {row.id: row for row in actions.list()}
    # What a list shows after an edit of a few actions is exactly what reading every action would give them.
    assert actions.summaries(wanted) == [by_id[made[1].id], by_id[made[2].id]]
    assert actions.summaries(frozenset()) == []
