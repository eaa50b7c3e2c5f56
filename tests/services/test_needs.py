"""Needs: recording them, linking organisations, the needs list and its filters, delete and undo."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from locality.domain.errors import NotFoundError, StaleRecordError, ValidationError
from locality.domain.vocabulary import NeedRole, NeedStatus, Priority, VocabularyKind, seeded_id
from locality.services.context import Changes, ServiceContext
from locality.services.needs import (
    DeletedNeeds,
    Need,
    NeedDraft,
    NeedLinkDraft,
    NeedService,
)
from locality.services.organisations import OrganisationDraft, OrganisationService
from locality.services.vocabulary import VocabularyService
from locality.store import need_queries
from locality.store.models import (
    ActionNeedRecord,
    ActionRecord,
    ChangeLogRecord,
    NeedOrganisationRecord,
    NeedRecord,
    ThemeRecord,
    utc_now,
)
from locality.store.workspace import Workspace, open_workspace

TODAY = date(2008, 6, 1)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def needs_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, seeded workspace; each test opens a copy (far quicker than migrating every time)."""
    path = tmp_path_factory.mktemp("needs-template") / "template.locality"
    open_workspace(path).close()
    return path


@pytest.fixture
def workspace(tmp_path: Path, needs_template: Path) -> Iterator[Workspace]:
    path = tmp_path / "w.locality"
    shutil.copyfile(needs_template, path)
    opened = open_workspace(path)
    yield opened
    opened.close()


@pytest.fixture
def needs(ctx: ServiceContext) -> NeedService:
    return NeedService(ctx)


@pytest.fixture
def heard(ctx: ServiceContext) -> list[Changes]:
    """Every change notification the context sends."""
    received: list[Changes] = []
    ctx.subscribe(received.append)
    return received


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


HOUSING = seeded_id("theme", "Housing")
SERVICE_IMPROVEMENT = seeded_id("theme", "Service improvement")
LEADERSHIP = seeded_id("theme", "Leadership and governance")
PEER_CHALLENGE = seeded_id(VocabularyKind.NEED_SOURCE, "Peer challenge")
WORKSHOP = seeded_id(VocabularyKind.NEED_SOURCE, "Workshop")


def full_draft(orgs: dict[str, uuid.UUID], **changes: Any) -> NeedDraft:
    values: dict[str, Any] = dict(
        title="  Better use of housing needs data  ",
        description="Partners hold separate housing registers.",
        theme_id=HOUSING,
        area="North Shire",
        source_id=PEER_CHALLENGE,
        priority=Priority.HIGH,
        score=80,
        status=NeedStatus.AGREED,
        identified_on=date(2008, 3, 14),
        notes="Raised at the March board.",
        notes_confidential=True,
        organisations=(
            NeedLinkDraft(orgs["police"], NeedRole.SHARES, Priority.MEDIUM),
            NeedLinkDraft(orgs["county"], NeedRole.RAISED_BY, Priority.HIGH),
        ),
    )
    values.update(changes)
    return NeedDraft(**values)


def log_rows(workspace: Workspace, entity: str | None = None) -> list[ChangeLogRecord]:
    with workspace.reading() as unit:
        where = {"entity": entity} if entity else None
        rows = unit.list(ChangeLogRecord, where, order_by=("seq",))
        unit.session.expunge_all()
        return rows


def link_records(workspace: Workspace, need_id: uuid.UUID) -> list[NeedOrganisationRecord]:
    with workspace.reading() as unit:
        rows = unit.list(NeedOrganisationRecord, {"need_id": need_id}, include_deleted=True)
        unit.session.expunge_all()
        return rows


def add_action(workspace: Workspace, title: str, need_ids: list[uuid.UUID]) -> uuid.UUID:
    """An action addressing needs, written directly (the actions service is someone else's)."""
    with workspace.transaction() as unit:
        action = ActionRecord(id=uuid.uuid4(), title=title)
        unit.add(action)
        unit.flush()
        for need_id in need_ids:
            unit.add(ActionNeedRecord(action_id=action.id, need_id=need_id))
        return action.id


def tombstone_action(workspace: Workspace, action_id: uuid.UUID) -> None:
    with workspace.transaction() as unit:
        record = unit.get(ActionRecord, action_id)
        assert record is not None
        record.deleted_at = utc_now()


def count_live(workspace: Workspace, model: type[Any]) -> int:
    with workspace.reading() as unit:
        return unit.count(model)


# --------------------------------------------------------------------------- create and read


def test_create_saves_every_field_and_reads_it_back(
    needs: NeedService, orgs: dict[str, uuid.UUID], heard: list[Changes]
) -> None:
    created = needs.create(full_draft(orgs))
    need = needs.get(created.id)

    assert need == created
    assert need.version == 1
    assert need.title == "Better use of housing needs data"
    assert need.description == "Partners hold separate housing registers."
    assert need.theme_id == HOUSING
    assert need.theme_name == "Housing"
    assert need.theme_full_name == "Service improvement: Housing"
    assert need.area == "North Shire"
    assert need.source_id == PEER_CHALLENGE
    assert need.source_name == "Peer challenge"
    assert need.priority is Priority.HIGH
    assert need.score == 80
    assert need.status is NeedStatus.AGREED
    assert need.identified_on == date(2008, 3, 14)
    assert need.notes == "Raised at the March board."
    assert need.notes_confidential is True
    # Links come back in organisation-name order, with their roles and severities.
    assert [(link.organisation_name, link.role, link.severity) for link in need.links] == [
        ("Shire Constabulary", NeedRole.SHARES, Priority.MEDIUM),
        ("Shire County Council", NeedRole.RAISED_BY, Priority.HIGH),
    ]
    assert need.organisation_count == 2
    assert need.is_shared is True
    assert need.action_ids == ()
    assert need.action_count == 0
    assert heard[-1].touches("need") and heard[-1].touches("need_organisation")


def test_create_with_only_a_title_takes_the_defaults(needs: NeedService) -> None:
    need = needs.create(NeedDraft(title="Member development"))

    assert need.status is NeedStatus.IDENTIFIED
    assert need.priority is None
    assert need.score is None
    assert need.theme_name == need.theme_full_name == ""
    assert need.source_name == ""
    assert need.links == ()
    assert need.is_shared is False


def test_a_top_level_theme_has_no_parent_in_its_full_name(needs: NeedService) -> None:
    need = needs.create(NeedDraft(title="Scrutiny skills", theme_id=LEADERSHIP))

    assert need.theme_full_name == "Leadership and governance"


def test_create_logs_the_need_and_each_link(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    need = needs.create(full_draft(orgs))

    need_rows = log_rows(workspace, "need")
    assert [(row.record_id, row.operation) for row in need_rows] == [(need.id, "create")]
    assert need_rows[0].author == "Test User"
    saved = json.loads(need_rows[0].new_value or "{}")
    assert saved["title"] == "Better use of housing needs data"
    assert saved["priority"] == "High"
    assert saved["status"] == "Agreed"
    assert saved["identified_on"] == "2008-03-14"
    link_rows = log_rows(workspace, "need_organisation")
    assert [row.operation for row in link_rows] == ["create", "create"]
    assert {json.loads(row.new_value or "{}")["organisation_id"] for row in link_rows} == {
        str(orgs["police"]),
        str(orgs["county"]),
    }


def test_a_date_identified_in_the_future_is_allowed(needs: NeedService) -> None:
    need = needs.create(NeedDraft(title="Next year's review", identified_on=date(2009, 1, 1)))

    assert need.identified_on == date(2009, 1, 1)


def test_a_need_from_a_user_added_source_shows_its_name(ctx: ServiceContext, needs: NeedService) -> None:
    term = VocabularyService(ctx).add_term(VocabularyKind.NEED_SOURCE, "Residents' panel")

    need = needs.create(NeedDraft(title="Street lighting", source_id=term.id))

    assert need.source_name == "Residents' panel"


def test_get_of_a_missing_need_says_it_may_have_been_deleted(needs: NeedService) -> None:
    with pytest.raises(NotFoundError, match="no longer exists"):
        needs.get(uuid.uuid4())


# --------------------------------------------------------------------------- validation


def test_every_field_error_is_reported_at_once_and_nothing_is_written(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace, heard: list[Changes]
) -> None:
    before_log = len(log_rows(workspace))
    draft = NeedDraft(
        title="   ",
        theme_id=uuid.uuid4(),
        source_id=uuid.uuid4(),
        score=101,
        organisations=(NeedLinkDraft(uuid.uuid4()),),
    )

    with pytest.raises(ValidationError) as caught:
        needs.create(draft)

    assert caught.value.field_errors == {
        "title": "Title cannot be empty.",
        "theme_id": "Choose a theme from the list",
        "source_id": "Choose a need source from the list",
        "score": "The score must be between 0 and 100; 101 is outside that range",
        "organisations": "One of the organisations chosen does not exist; choose organisations from the list",
    }
    assert count_live(workspace, NeedRecord) == 0
    assert count_live(workspace, NeedOrganisationRecord) == 0
    assert len(log_rows(workspace)) == before_log
    assert heard == []


def test_a_source_must_be_a_need_source_not_another_kind_of_term(needs: NeedService) -> None:
    action_type = seeded_id(VocabularyKind.ACTION_TYPE, "Shared service")

    with pytest.raises(ValidationError) as caught:
        needs.create(NeedDraft(title="Joint contact centre", source_id=action_type))

    assert caught.value.field_errors == {"source_id": "Choose a need source from the list"}


@pytest.mark.parametrize("score", [-1, 101])
def test_score_outside_0_to_100_is_refused(needs: NeedService, score: int) -> None:
    with pytest.raises(ValidationError) as caught:
        needs.create(NeedDraft(title="Tenant engagement", score=score))

    assert caught.value.field_errors["score"] == (f"The score must be between 0 and 100; {score} is outside that range")


@pytest.mark.parametrize("score", [0, 100])
def test_score_at_the_ends_of_the_range_is_kept(needs: NeedService, score: int) -> None:
    assert needs.create(NeedDraft(title="Tenant engagement", score=score)).score == score


def test_a_score_that_is_not_a_whole_number_is_refused(needs: NeedService) -> None:
    with pytest.raises(ValidationError) as caught:
        needs.create(NeedDraft(title="Tenant engagement", score=55.5))  # type: ignore[arg-type]

    assert caught.value.field_errors == {"score": "The score must be a whole number between 0 and 100"}


def test_a_deleted_organisation_cannot_be_linked(
    ctx: ServiceContext, needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    OrganisationService(ctx).delete([orgs["cvs"]])

    with pytest.raises(ValidationError) as caught:
        needs.create(NeedDraft(title="Volunteer brokerage", organisations=(NeedLinkDraft(orgs["cvs"]),)))

    assert caught.value.field_errors == {
        "organisations": "Shire Council for Voluntary Service has been deleted; choose another organisation"
    }
    assert count_live(workspace, NeedRecord) == 0


def test_the_same_organisation_twice_is_refused(needs: NeedService, orgs: dict[str, uuid.UUID]) -> None:
    links = (NeedLinkDraft(orgs["police"]), NeedLinkDraft(orgs["police"], NeedRole.LEAD))

    with pytest.raises(ValidationError) as caught:
        needs.create(NeedDraft(title="Anti-social behaviour", organisations=links))

    assert caught.value.field_errors == {
        "organisations": "Shire Constabulary is listed more than once; link each organisation to a need only once"
    }
    assert str(caught.value).endswith("only once.")


def test_an_unknown_status_or_priority_lists_what_is_allowed(needs: NeedService) -> None:
    draft = NeedDraft(title="Recycling", priority="Urgent", status="Done")  # type: ignore[arg-type]

    with pytest.raises(ValidationError) as caught:
        needs.create(draft)

    assert caught.value.field_errors == {
        "priority": "Choose a priority from the list: High, Medium, Low",
        "status": "Choose a status from the list: Identified, Agreed, Being addressed, Met, Closed",
    }


# --------------------------------------------------------------------------- update


def test_update_saves_changed_fields_logs_each_and_bumps_the_version(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace, heard: list[Changes]
) -> None:
    need = needs.create(full_draft(orgs))
    draft = full_draft(orgs, status=NeedStatus.BEING_ADDRESSED, score=65, source_id=WORKSHOP)

    updated = needs.update(need.id, draft, need.version)

    assert updated.version == 2
    assert updated.status is NeedStatus.BEING_ADDRESSED
    assert updated.score == 65
    assert updated.source_name == "Workshop"
    assert needs.get(need.id) == updated
    changes = {
        row.field: (json.loads(row.old_value or "null"), json.loads(row.new_value or "null"))
        for row in log_rows(workspace, "need")
        if row.operation == "update"
    }
    assert changes == {
        "status": ("Agreed", "Being addressed"),
        "score": (80, 65),
        "source_id": (str(PEER_CHALLENGE), str(WORKSHOP)),
    }
    assert heard[-1].touches("need")


def test_saving_a_need_unchanged_writes_nothing(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    need = needs.create(full_draft(orgs))
    before = len(log_rows(workspace))

    again = needs.update(need.id, need.as_draft(), need.version)

    assert again.version == need.version
    assert len(log_rows(workspace)) == before


def test_update_replaces_the_organisation_links(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    need = needs.create(full_draft(orgs))  # police (shares, medium), county (raised by, high)
    links = (
        NeedLinkDraft(orgs["county"], NeedRole.LEAD, Priority.HIGH),  # role changed
        NeedLinkDraft(orgs["pct"], NeedRole.SHARES, Priority.LOW),  # added
    )  # police removed

    updated = needs.update(need.id, full_draft(orgs, organisations=links), need.version)

    assert [(link.organisation_name, link.role, link.severity) for link in updated.links] == [
        ("Shire County Council", NeedRole.LEAD, Priority.HIGH),
        ("Shire Primary Care Trust", NeedRole.SHARES, Priority.LOW),
    ]
    assert updated.version == need.version + 1  # a change of links is a change of the need
    changes = [
        (row.operation, row.field) for row in log_rows(workspace, "need_organisation") if row.operation != "create"
    ]
    assert sorted(changes, key=str) == sorted([("update", "role"), ("delete", None)], key=str)
    creates = [row for row in log_rows(workspace, "need_organisation") if row.operation == "create"]
    assert len(creates) == 3  # two at first, the Primary Care Trust now
    removed = [row for row in link_records(workspace, need.id) if row.organisation_id == orgs["police"]]
    assert removed[0].deleted_at is not None


def test_a_link_removed_and_added_again_is_restored_not_duplicated(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    need = needs.create(full_draft(orgs))
    police_link_id = next(row.id for row in link_records(workspace, need.id) if row.organisation_id == orgs["police"])
    without = needs.update(
        need.id,
        full_draft(orgs, organisations=(NeedLinkDraft(orgs["county"], NeedRole.RAISED_BY, Priority.HIGH),)),
        need.version,
    )
    assert without.is_shared is False

    again = needs.update(
        need.id,
        full_draft(
            orgs,
            organisations=(
                NeedLinkDraft(orgs["county"], NeedRole.RAISED_BY, Priority.HIGH),
                NeedLinkDraft(orgs["police"], NeedRole.LEAD, None),
            ),
        ),
        without.version,
    )

    police = next(link for link in again.links if link.organisation_id == orgs["police"])
    assert (police.role, police.severity) == (NeedRole.LEAD, None)
    rows = [row for row in link_records(workspace, need.id) if row.organisation_id == orgs["police"]]
    assert [row.id for row in rows] == [police_link_id]
    assert rows[0].deleted_at is None
    operations = [
        (row.operation, row.field)
        for row in log_rows(workspace, "need_organisation")
        if row.record_id == police_link_id
    ]
    assert operations == [
        ("create", None),
        ("delete", None),
        ("restore", None),
        ("update", "role"),
        ("update", "severity"),
    ]


def test_update_of_a_need_changed_by_someone_else_is_refused_with_its_current_values(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace, heard: list[Changes]
) -> None:
    need = needs.create(full_draft(orgs))
    theirs = needs.update(need.id, full_draft(orgs, title="Housing data sharing protocol"), need.version)
    before = len(log_rows(workspace))
    heard.clear()

    with pytest.raises(StaleRecordError, match="changed by someone else") as caught:
        needs.update(need.id, full_draft(orgs, title="My title", organisations=()), need.version)

    current = caught.value.current
    assert isinstance(current, Need)
    assert current.title == "Housing data sharing protocol"
    assert current.version == theirs.version
    assert needs.get(need.id) == theirs
    assert len(log_rows(workspace)) == before
    assert heard == []


def test_a_change_of_links_alone_makes_an_older_edit_stale(needs: NeedService, orgs: dict[str, uuid.UUID]) -> None:
    need = needs.create(full_draft(orgs))
    needs.link(need.id, orgs["pct"])

    with pytest.raises(StaleRecordError):
        needs.update(need.id, need.as_draft(), need.version)


def test_update_validation_failure_leaves_the_need_as_it_was(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    need = needs.create(full_draft(orgs))
    before = len(log_rows(workspace))

    with pytest.raises(ValidationError) as caught:
        needs.update(need.id, full_draft(orgs, title="", organisations=()), need.version)

    assert caught.value.field_errors == {"title": "Title cannot be empty."}
    assert needs.get(need.id) == need
    assert len(log_rows(workspace)) == before


def test_update_of_a_deleted_need_is_refused(needs: NeedService) -> None:
    need = needs.create(NeedDraft(title="Waste collection"))
    needs.delete([need.id])

    with pytest.raises(NotFoundError):
        needs.update(need.id, need.as_draft(), need.version)


def test_a_theme_retired_since_the_need_was_saved_may_stay(needs: NeedService, workspace: Workspace) -> None:
    need = needs.create(NeedDraft(title="Play areas", theme_id=HOUSING))
    with workspace.transaction() as unit:
        theme = unit.get(ThemeRecord, HOUSING)
        assert theme is not None
        theme.deleted_at = utc_now()

    updated = needs.update(need.id, NeedDraft(title="Play areas and parks", theme_id=HOUSING), need.version)

    assert updated.theme_full_name == "Service improvement: Housing"
    with pytest.raises(ValidationError) as caught:
        needs.create(NeedDraft(title="Parks", theme_id=HOUSING))
    assert caught.value.field_errors == {"theme_id": "Choose a theme from the list"}


# --------------------------------------------------------------------------- single links


def test_link_and_unlink_undo_each_other(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace, heard: list[Changes]
) -> None:
    need = needs.create(NeedDraft(title="Domestic violence", organisations=(NeedLinkDraft(orgs["police"]),)))

    link = needs.link(need.id, orgs["pct"], NeedRole.SHARES, Priority.HIGH)
    assert (link.organisation_name, link.role, link.severity) == (
        "Shire Primary Care Trust",
        NeedRole.SHARES,
        Priority.HIGH,
    )
    assert needs.get(need.id).is_shared is True
    assert heard[-1].touches("need_organisation")

    removed = needs.unlink(need.id, orgs["pct"])  # undo of the link
    assert removed == link
    assert needs.get(need.id).is_shared is False

    assert removed is not None
    needs.link(need.id, orgs["pct"], removed.role, removed.severity)  # undo of the unlink
    restored = needs.get(need.id)
    assert [(item.organisation_name, item.severity) for item in restored.links] == [
        ("Shire Constabulary", None),
        ("Shire Primary Care Trust", Priority.HIGH),
    ]
    rows = [row for row in link_records(workspace, need.id) if row.organisation_id == orgs["pct"]]
    assert len(rows) == 1  # the same link restored, not a second one
    assert [row.operation for row in log_rows(workspace, "need_organisation") if row.record_id == rows[0].id] == [
        "create",
        "delete",
        "restore",
    ]


def test_linking_an_organisation_already_linked_changes_its_role_and_severity(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    need = needs.create(NeedDraft(title="Youth offending", organisations=(NeedLinkDraft(orgs["police"]),)))

    needs.link(need.id, orgs["police"], NeedRole.LEAD, Priority.MEDIUM)

    [link] = needs.get(need.id).links
    assert (link.role, link.severity) == (NeedRole.LEAD, Priority.MEDIUM)
    updates = {row.field for row in log_rows(workspace, "need_organisation") if row.operation == "update"}
    assert updates == {"role", "severity"}


def test_unlinking_an_organisation_not_linked_changes_nothing(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    need = needs.create(NeedDraft(title="Youth offending"))
    before = len(log_rows(workspace))

    assert needs.unlink(need.id, orgs["police"]) is None
    assert needs.get(need.id).version == need.version
    assert len(log_rows(workspace)) == before


def test_link_to_a_deleted_organisation_or_need_is_refused(
    ctx: ServiceContext, needs: NeedService, orgs: dict[str, uuid.UUID]
) -> None:
    need = needs.create(NeedDraft(title="Hate crime reporting"))
    OrganisationService(ctx).delete([orgs["cvs"]])

    with pytest.raises(ValidationError) as caught:
        needs.link(need.id, orgs["cvs"])
    assert caught.value.field_errors == {
        "organisation_id": "Shire Council for Voluntary Service has been deleted; choose another"
    }
    with pytest.raises(ValidationError) as unknown:
        needs.link(need.id, uuid.uuid4())
    assert unknown.value.field_errors == {
        "organisation_id": "That organisation does not exist; choose one from the list"
    }
    needs.delete([need.id])
    with pytest.raises(NotFoundError):
        needs.link(need.id, orgs["police"])
    assert needs.find("Hate crime reporting") is None


# --------------------------------------------------------------------------- delete and restore


def test_delete_removes_needs_with_their_links_and_restore_brings_them_back(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace, heard: list[Changes]
) -> None:
    need = needs.create(full_draft(orgs))
    other = needs.create(NeedDraft(title="Kept need", organisations=(NeedLinkDraft(orgs["pct"]),)))
    action_id = add_action(workspace, "Housing data workshop", [need.id, other.id])

    deleted = needs.delete([need.id])

    assert deleted == DeletedNeeds((need.id,))
    assert heard[-1].touches("need") and heard[-1].touches("need_organisation") and heard[-1].touches("action_need")
    with pytest.raises(NotFoundError):
        needs.get(need.id)
    assert [summary.title for summary in needs.list()] == ["Kept need"]
    assert count_live(workspace, NeedOrganisationRecord) == 1
    assert count_live(workspace, ActionNeedRecord) == 1
    deletes = [(row.entity, row.record_id) for row in log_rows(workspace) if row.operation == "delete"]
    assert ("need", need.id) in deletes
    assert sum(1 for entity, _ in deletes if entity == "need_organisation") == 2
    assert sum(1 for entity, _ in deletes if entity == "action_need") == 1

    needs.restore(deleted)

    back = needs.get(need.id)
    assert back.title == need.title
    assert [link.organisation_id for link in back.links] == [link.organisation_id for link in need.links]
    assert back.action_ids == (action_id,)
    assert needs.get(other.id).action_ids == (action_id,)
    restores = [row.entity for row in log_rows(workspace) if row.operation == "restore"]
    assert sorted(restores) == ["action_need", "need", "need_organisation", "need_organisation"]


def test_restore_leaves_out_links_to_organisations_deleted_since(
    ctx: ServiceContext, needs: NeedService, orgs: dict[str, uuid.UUID]
) -> None:
    need = needs.create(full_draft(orgs))
    deleted = needs.delete([need.id])
    OrganisationService(ctx).delete([orgs["police"]])

    needs.restore(deleted)

    assert [link.organisation_name for link in needs.get(need.id).links] == ["Shire County Council"]


def test_restore_keeps_links_removed_before_the_delete_removed(needs: NeedService, orgs: dict[str, uuid.UUID]) -> None:
    need = needs.create(full_draft(orgs))
    needs.unlink(need.id, orgs["police"])
    deleted = needs.delete([need.id])

    needs.restore(deleted)

    assert [link.organisation_name for link in needs.get(need.id).links] == ["Shire County Council"]


def test_delete_of_several_needs_and_of_a_missing_one(needs: NeedService, workspace: Workspace) -> None:
    first = needs.create(NeedDraft(title="First"))
    second = needs.create(NeedDraft(title="Second"))

    deleted = needs.delete([first.id, second.id, first.id])
    assert set(deleted.ids) == {first.id, second.id}
    assert needs.list() == []

    with pytest.raises(NotFoundError):
        needs.delete([first.id])
    needs.restore(deleted)
    needs.restore(deleted)  # a second undo changes nothing
    assert [summary.title for summary in needs.list()] == ["First", "Second"]
    assert [row.operation for row in log_rows(workspace, "need") if row.record_id == first.id] == [
        "create",
        "delete",
        "restore",
    ]


# --------------------------------------------------------------------------- find


def test_find_matches_the_title_ignoring_case_and_spaces(needs: NeedService) -> None:
    need = needs.create(NeedDraft(title="Joint  Strategic Needs Assessment"))

    found = needs.find("  joint strategic   needs assessment ")
    assert found is not None and found.id == need.id
    assert needs.find("Joint strategic needs") is None


# --------------------------------------------------------------------------- the list


@pytest.fixture(params=["by id", "read all"])
def listed(
    request: pytest.FixtureRequest,
    needs: NeedService,
    orgs: dict[str, uuid.UUID],
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, uuid.UUID]:
    """A small partnership's needs: shared and single, addressed and not, under several themes.

    Listed both ways the store gathers links and counts: by the ids listed (few needs) and by reading them
    all (many needs; here forced by lowering the threshold).
    """
    if request.param == "read all":
        monkeypatch.setattr(need_queries, "_LOOKUP_BY_ID_LIMIT", 0)
    made = {
        "housing": needs.create(full_draft(orgs)).id,  # Housing, police + county, Agreed
        "safety": needs.create(
            NeedDraft(
                title="Reduce repeat burglary",
                theme_id=seeded_id("theme", "Community safety"),
                status=NeedStatus.BEING_ADDRESSED,
                priority=Priority.MEDIUM,
                organisations=(NeedLinkDraft(orgs["police"]),),
            )
        ).id,
        "leaders": needs.create(
            NeedDraft(
                title="Leadership 100% committed",
                description="Members want peer mentoring",
                theme_id=LEADERSHIP,
                organisations=(NeedLinkDraft(orgs["cvs"]), NeedLinkDraft(orgs["pct"]), NeedLinkDraft(orgs["county"])),
            )
        ).id,
        "alone": needs.create(NeedDraft(title="area_based grants", area="South Shire")).id,
    }
    add_action(workspace, "Burglary reduction partnership", [made["safety"]])
    add_action(workspace, "Second burglary action", [made["safety"]])
    dead = add_action(workspace, "Cancelled and deleted", [made["housing"]])
    tombstone_action(workspace, dead)
    return made


def test_list_rows_carry_theme_organisations_and_action_counts(
    needs: NeedService, listed: dict[str, uuid.UUID]
) -> None:
    rows = {row.id: row for row in needs.list()}

    assert [row.title for row in needs.list()] == [
        "area_based grants",
        "Better use of housing needs data",
        "Leadership 100% committed",
        "Reduce repeat burglary",
    ]
    housing = rows[listed["housing"]]
    assert housing.theme_name == "Housing"
    assert housing.theme_full_name == "Service improvement: Housing"
    assert housing.priority is Priority.HIGH
    assert housing.status is NeedStatus.AGREED
    assert housing.organisation_names == "Shire Constabulary; Shire County Council"
    assert housing.organisation_count == 2 and housing.is_shared
    assert housing.action_count == 0  # its only action was deleted
    assert housing.identified_on == date(2008, 3, 14)
    assert housing.version == 1
    assert rows[listed["safety"]].action_count == 2
    assert rows[listed["leaders"]].organisation_names == (
        "Shire Council for Voluntary Service; Shire County Council; Shire Primary Care Trust"
    )
    alone = rows[listed["alone"]]
    assert (alone.organisation_names, alone.organisation_count, alone.theme_name) == ("", 0, "")


def test_list_filters(needs: NeedService, orgs: dict[str, uuid.UUID], listed: dict[str, uuid.UUID]) -> None:
    def ids(**filters: Any) -> set[uuid.UUID]:
        return {row.id for row in needs.list(**filters)}

    assert ids(theme_id=HOUSING) == {listed["housing"]}
    assert ids(theme_id=SERVICE_IMPROVEMENT) == {listed["housing"], listed["safety"]}  # its service areas too
    assert ids(status=NeedStatus.BEING_ADDRESSED) == {listed["safety"]}
    assert ids(status=[NeedStatus.AGREED, NeedStatus.BEING_ADDRESSED]) == {listed["housing"], listed["safety"]}
    assert ids(organisation_id=orgs["police"]) == {listed["housing"], listed["safety"]}
    assert ids(shared_only=True) == {listed["housing"], listed["leaders"]}
    assert ids(unaddressed_only=True) == {listed["housing"], listed["leaders"], listed["alone"]}
    assert ids(shared_only=True, organisation_id=orgs["cvs"]) == {listed["leaders"]}
    assert ids(theme_id=LEADERSHIP, status=NeedStatus.MET) == set()


def test_list_search_matches_title_description_area_and_organisation_ignoring_case(
    needs: NeedService, listed: dict[str, uuid.UUID]
) -> None:
    def ids(text: str) -> set[uuid.UUID]:
        return {row.id for row in needs.list(search=text)}

    assert ids("BURGLARY") == {listed["safety"]}
    assert ids("peer  mentoring") == {listed["leaders"]}  # description, spaces folded
    assert ids("south shire") == {listed["alone"]}  # area
    assert ids("constabulary") == {listed["housing"], listed["safety"]}  # a linked organisation
    assert ids("100%") == {listed["leaders"]}  # wildcards are taken literally
    assert ids("a_b") == {listed["alone"]}
    assert ids("a%b") == set()
    assert ids("   ") == set(listed.values())


def test_list_hides_organisations_deleted_since(
    ctx: ServiceContext, needs: NeedService, orgs: dict[str, uuid.UUID], listed: dict[str, uuid.UUID]
) -> None:
    OrganisationService(ctx).delete([orgs["police"]])

    housing = next(row for row in needs.list() if row.id == listed["housing"])

    assert housing.organisation_names == "Shire County Council"
    assert housing.is_shared is False


def test_list_runs_the_same_number_of_queries_for_few_or_many_needs(
    needs: NeedService, orgs: dict[str, uuid.UUID], workspace: Workspace
) -> None:
    statements: list[str] = []

    def counted(*args: Any) -> None:
        statements.append(str(args[2]))

    def queries_for_list() -> int:
        statements.clear()
        event.listen(workspace.read_engine, "before_cursor_execute", counted)
        try:
            needs.list(shared_only=True, search="need")
            return len(statements)
        finally:
            event.remove(workspace.read_engine, "before_cursor_execute", counted)

    links = (NeedLinkDraft(orgs["police"]), NeedLinkDraft(orgs["county"]))
    for number in range(3):
        needs.create(NeedDraft(title=f"Need {number}", organisations=links))
    few = queries_for_list()
    for number in range(3, 60):
        needs.create(NeedDraft(title=f"Need {number}", organisations=links))
    many = queries_for_list()

    assert len(needs.list(shared_only=True, search="need")) == 60
    assert many == few
    assert many <= 6
