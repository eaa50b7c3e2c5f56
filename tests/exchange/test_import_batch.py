"""The batch path of an import: thousands of rows checked by the services' own checks against records read once,
and written together at the end.

Two things must not change when rows are written in a batch instead of one service call at a time: every bad row
among many good ones is still reported (and nothing is written), and each draft is refused — or becomes records
and change-log entries — exactly as the one-at-a-time service call would refuse or record it. Speed is measured
by ``benchmarks/bench_import.py``, not here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from locality.domain.errors import DuplicateError, ImportFileError, LocalityError, ValidationError
from locality.domain.vocabulary import ActionStatus, NeedStatus, Priority, Rag, VocabularyKind
from locality.exchange.import_columns import KINDS
from locality.exchange.importing import import_file
from locality.services.actions import ActionDraft, MilestoneDraft, PartnerDraft
from locality.services.context import Changes, User
from locality.services.funding import AllocationDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.progress import ProgressDraft
from locality.services.records import NewRows
from locality.services.registry import Services
from locality.store.models import ChangeLogRecord, OrganisationRecord, utc_now
from tests.exchange.test_importing import counts, write_csv

GOOD_ROWS = 240


@pytest.fixture
def partners(services: Services) -> dict[str, uuid.UUID]:
    council = services.vocabulary.resolve_term(VocabularyKind.ORGANISATION_TYPE, "County council")
    return {
        "County Council": services.organisations.create(
            OrganisationDraft("Barsetshire County Council", short_name="CC", type_id=council)
        ).id,
        "Police": services.organisations.create(OrganisationDraft("Barsetshire Police")).id,
        "Health": services.organisations.create(OrganisationDraft("Barset Health Trust")).id,
    }


@pytest.fixture
def need_ids(services: Services, partners: dict[str, uuid.UUID]) -> list[uuid.UUID]:
    return [
        services.needs.create(NeedDraft(title, organisations=(NeedLinkDraft(partners["Police"]),))).id
        for title in ("Scrutiny skills for members", "Shared data on anti-social behaviour")
    ]


@pytest.fixture
def action_id(services: Services, partners: dict[str, uuid.UUID]) -> uuid.UUID:
    return services.actions.create(
        ActionDraft(
            "Member scrutiny training",
            lead_organisation_id=partners["County Council"],
            start_on=date(2008, 4, 1),
            due_on=date(2009, 3, 31),
            status=ActionStatus.IN_PROGRESS,
            percent_complete=10,
        )
    ).id


def _with_bad_rows(header: Sequence[str], good: Callable[[int], list[str]], bad: dict[int, list[str]]) -> list[Any]:
    """A header, then good rows with the ``bad`` ones at their spreadsheet row numbers (the header is row 1)."""
    rows: list[Any] = [list(header)]
    number = 1
    while number < GOOD_ROWS + len(bad) + 1:
        number += 1
        rows.append(bad.get(number) or good(number))
    return rows


def _refused(services: Services, kind: str, path: Path) -> list[str]:
    before = counts(services)
    log_before = services.history.count()
    with pytest.raises(ImportFileError) as raised:
        import_file(services, kind, path)
    assert counts(services) == before
    assert services.history.count() == log_before
    return raised.value.row_errors


# --------------------------------------------------------------------------- bad rows among many good ones


def test_organisations_every_bad_row_among_many_is_reported(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "partners.csv",
        _with_bad_rows(
            ["name", "type", "contact_email"],
            lambda n: [f"Partner {n}", "Police", f"officer{n}@police.example"],
            {
                20: ["Partner 7", "", ""],  # already on row 7
                90: ["Barsetshire Police", "", ""],  # already in the workspace
                150: ["Quango 150", "Quango", ""],
                151: ["Partner 151", "", "not an address"],  # refused by the service's own check
                241: ["", "Police", ""],
            },
        ),
    )

    errors = _refused(services, "organisations", path)

    assert [line.split(":")[0] for line in errors] == ["row 20", "row 90", "row 150", "row 151", "row 241"]
    assert errors[0] == 'row 20: "Partner 7" is already on row 7 of this file; give each organisation only once.'
    assert errors[1] == 'row 90: There is already an organisation called "Barsetshire Police" in this workspace.'
    assert '"Quango"' in errors[2]
    assert "e-mail" in errors[3].lower()
    assert services.organisations.find("Partner 2") is None


def test_needs_every_bad_row_among_many_is_reported(
    services: Services, partners: dict[str, uuid.UUID], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "needs.csv",
        _with_bad_rows(
            ["title", "organisations", "priority", "theme", "identified_on"],
            lambda n: [f"Need {n}", "CC; Barsetshire Police", "High", "Community safety", "01/04/2008"],
            {
                3: ["Need 3b", "Nobody", "", "", ""],
                100: ["Need 100", "CC; Barsetshire County Council", "", "", ""],  # the service: listed twice
                101: ["Need 101", "", "Highest", "", ""],
                200: ["Need 4", "", "", "", ""],  # already on row 4
                242: ["Need 242", "", "", "", "2008-13-01"],
            },
        ),
    )

    errors = _refused(services, "needs", path)

    assert [line.split(":")[0] for line in errors] == ["row 3", "row 100", "row 101", "row 200", "row 242"]
    assert "listed more than once" in errors[1]
    assert errors[3] == 'row 200: "Need 4" is already on row 4 of this file; give each need only once.'
    assert services.needs.find("Need 2") is None


def test_actions_every_bad_row_among_many_is_reported(
    services: Services, partners: dict[str, uuid.UUID], need_ids: list[uuid.UUID], action_id: uuid.UUID, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "plan.csv",
        _with_bad_rows(
            ["title", "lead_organisation", "partners", "needs", "start", "due", "percent_complete", "budget"],
            lambda n: [
                f"Action {n}",
                "CC",
                "Barsetshire Police; Barset Health Trust",
                "Scrutiny skills for members",
                "01/04/2008",
                "31/03/2009",
                "20",
                "£1,000",
            ],
            {
                2: ["Action 2", "CC", "", "", "01/04/2009", "01/04/2008", "", ""],  # the service: due before start
                60: ["Member scrutiny training", "", "", "", "", "", "", ""],  # already in the workspace
                61: ["Action 61", "CC", "Barsetshire Police; Barsetshire Police", "", "", "", "", ""],
                180: ["Action 180", "", "", "No such need", "", "", "150", ""],
                243: ["Action 243", "", "", "", "", "", "", "-£5"],  # the service: a negative budget
            },
        ),
    )

    errors = _refused(services, "actions", path)

    assert [line.split(":")[0] for line in errors] == ["row 2", "row 60", "row 61", "row 180", "row 243"]
    assert errors[0] == "row 2: The due date cannot be before the start date."
    assert "already" in errors[1] and "Member scrutiny training" in errors[1]
    assert "listed more than once" in errors[2]
    assert '"No such need"' in errors[3] and "Percent complete" in errors[3]
    assert services.actions.find("Action 3") is None


def test_progress_every_bad_row_among_many_is_reported(
    services: Services, action_id: uuid.UUID, tmp_path: Path
) -> None:
    before = services.actions.get(action_id)
    path = write_csv(
        tmp_path / "progress.csv",
        _with_bad_rows(
            ["action", "date", "percent_complete", "status", "note", "author"],
            lambda n: ["Member scrutiny training", "01/05/2008", str(n % 90), "In progress", f"Update {n}", "Pat"],
            {
                5: ["No such action", "01/05/2008", "", "", "x", ""],
                6: ["Member scrutiny training", "01/07/2008", "", "", "From the future", ""],  # after today
                7: ["Member scrutiny training", "01/03/2008", "", "Completed", "", ""],  # done before it starts
                240: ["Member scrutiny training", "", "50", "", "", ""],
            },
        ),
    )

    errors = _refused(services, "progress", path)

    assert [line.split(":")[0] for line in errors] == ["row 5", "row 6", "row 7", "row 240"]
    assert "The date cannot be in the future" in errors[1]
    assert "cannot be completed before it starts" in errors[2]
    after = services.actions.get(action_id)
    assert (after.percent_complete, after.status, after.version) == (
        before.percent_complete,
        before.status,
        before.version,
    )


def test_many_good_rows_are_all_written(
    services: Services, partners: dict[str, uuid.UUID], need_ids: list[uuid.UUID], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "plan.csv",
        [["title", "lead_organisation", "partners", "needs", "budget", "funding_source"]]
        + [
            [f"Action {n}", "CC", "Barsetshire Police", "Scrutiny skills for members", "£250", "Other"]
            for n in range(GOOD_ROWS)
        ],
    )
    organisations, needs, actions, updates, allocations = counts(services)
    log_before = services.history.count()
    commits: list[object] = []
    event.listen(services.context.workspace.engine, "commit", commits.append)
    heard: list[Changes] = []
    services.context.subscribe(heard.append)

    report = import_file(services, "actions", path)

    assert len(commits) == 1  # every row in one transaction
    assert len(heard) == 1 and heard[0].touches("action", "action_partner", "action_need", "funding_allocation")
    assert report.created == {"actions": GOOD_ROWS, "funding allocations": GOOD_ROWS}
    assert counts(services) == (organisations, needs, actions + GOOD_ROWS, updates, allocations + GOOD_ROWS)
    # Each action: its creation, a partner link, a need link and an allocation.
    assert services.history.count() == log_before + 4 * GOOD_ROWS
    action = services.actions.find("Action 7")
    assert action is not None
    assert action.lead_organisation_name == "Barsetshire County Council"
    assert action.partner_names == "Barsetshire Police"
    assert [need.title for need in action.needs] == ["Scrutiny skills for members"]
    assert services.funding.action_funding(action.id).allocations[0].amount_pence == 25_000


def test_rows_written_in_many_pieces_are_all_written_or_none(
    services: Services,
    partners: dict[str, uuid.UUID],
    need_ids: list[uuid.UUID],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A big batch writes what it has every so often (to bound memory), inside the import's one transaction."""
    monkeypatch.setattr(NewRows, "WRITE_EVERY", 7)
    rows = [["title", "partners", "needs", "budget", "funding_source"]] + [
        [f"Action {n}", "CC; Barsetshire Police", "Scrutiny skills for members", "£10", "Other"] for n in range(60)
    ]
    before = counts(services)
    log_before = services.history.count()
    bad = write_csv(tmp_path / "bad.csv", [*rows, ["Action 0", "", "", "", ""]])

    with pytest.raises(ImportFileError) as raised:
        import_file(services, "actions", bad)

    assert raised.value.row_errors == [
        'row 62: "Action 0" is already on row 2 of this file; give each action only once.'
    ]
    assert (counts(services), services.history.count()) == (before, log_before)

    import_file(services, "actions", write_csv(tmp_path / "good.csv", rows))

    organisations, needs, actions, updates, allocations = before
    assert counts(services) == (organisations, needs, actions + 60, updates, allocations + 60)
    assert services.history.count() == log_before + 5 * 60
    action = services.actions.find("Action 59")
    assert action is not None and action.partner_names == "Barsetshire County Council; Barsetshire Police"


# --------------------------------------------------------------------------- the same checks as one call at a time


def _error(call: Callable[[], object]) -> tuple[type[LocalityError], dict[str, str]]:
    with pytest.raises(ValidationError) as raised:
        call()
    return type(raised.value), raised.value.field_errors


def test_a_batch_refuses_every_bad_action_as_create_does(
    services: Services, partners: dict[str, uuid.UUID], need_ids: list[uuid.UUID]
) -> None:
    gone = services.organisations.create(OrganisationDraft("Gone Ltd")).id
    services.organisations.delete([gone])
    sector = services.vocabulary.resolve_term(VocabularyKind.SECTOR, "Public")
    bad = [
        ActionDraft(""),
        ActionDraft("Backwards", start_on=date(2009, 1, 1), due_on=date(2008, 1, 1)),
        ActionDraft("Too done", percent_complete=150),
        ActionDraft("Unknown lead", lead_organisation_id=uuid.uuid4()),
        ActionDraft("Deleted lead", lead_organisation_id=gone),
        ActionDraft("Deleted partner", partners=(PartnerDraft(gone),)),
        ActionDraft("Twice", partners=(PartnerDraft(partners["Police"]), PartnerDraft(partners["Police"]))),
        ActionDraft("Negative cash", partners=(PartnerDraft(partners["Police"], cash_pence=-1),)),
        ActionDraft("Unknown need", need_ids=(uuid.uuid4(), need_ids[0])),
        ActionDraft("Unknown theme", theme_id=uuid.uuid4()),
        ActionDraft("Wrong kind of term", type_id=sector),
        ActionDraft("Negative budget", budget_pence=-100),
        ActionDraft("No reason", rag_override=Rag.RED),
        ActionDraft("Milestone", milestones=(MilestoneDraft(title=""),)),
        ActionDraft("", percent_complete=-1, budget_pence=-1, provider_id=uuid.uuid4()),
    ]
    one_at_a_time = [_error(lambda draft=draft: services.actions.create(draft)) for draft in bad]
    before = counts(services)

    with services.actions.creating_many() as batch:
        in_a_batch = [_error(lambda draft=draft: batch.create(draft)) for draft in bad]

    assert in_a_batch == one_at_a_time
    assert counts(services) == before


def test_a_batch_refuses_every_bad_need_organisation_update_and_allocation_as_the_services_do(
    services: Services, partners: dict[str, uuid.UUID], action_id: uuid.UUID
) -> None:
    gone = services.organisations.create(OrganisationDraft("Gone Ltd")).id
    services.organisations.delete([gone])
    sector = services.vocabulary.resolve_term(VocabularyKind.SECTOR, "Public")
    other = services.vocabulary.resolve_funding_source("Other")
    bad_needs = [
        NeedDraft(""),
        NeedDraft("Unknown theme", theme_id=uuid.uuid4()),
        NeedDraft("Wrong kind of source", source_id=sector),
        NeedDraft("Deleted organisation", organisations=(NeedLinkDraft(gone),)),
        NeedDraft("Twice", organisations=(NeedLinkDraft(partners["Police"]), NeedLinkDraft(partners["Police"]))),
        NeedDraft("Score", score=150),
        NeedDraft("Status", status="Nonsense"),  # type: ignore[arg-type]
    ]
    bad_organisations = [
        OrganisationDraft(""),
        OrganisationDraft("barsetshire  POLICE"),
        OrganisationDraft("Bad e-mail", contact_email="nobody"),
        OrganisationDraft("Wrong kind of type", type_id=sector),
        OrganisationDraft("Short", short_name="x" * 61),
    ]
    bad_updates = [
        ProgressDraft(uuid.uuid4(), note="Unknown action"),
        ProgressDraft(action_id, reported_on=date(2030, 1, 1), note="Future"),
        ProgressDraft(action_id, percent_complete=150),
        ProgressDraft(action_id),
        ProgressDraft(action_id, reported_on=date(2008, 1, 1), status=ActionStatus.COMPLETED),
    ]
    bad_allocations = [
        AllocationDraft(uuid.uuid4(), other, 100),
        AllocationDraft(action_id, uuid.uuid4(), 100),
        AllocationDraft(action_id, other, 0),
    ]
    one_at_a_time = (
        [_error(lambda draft=draft: services.needs.create(draft)) for draft in bad_needs],
        [_error(lambda draft=draft: services.organisations.create(draft)) for draft in bad_organisations],
        [_error(lambda draft=draft: services.progress.log(draft)) for draft in bad_updates],
        [_error(lambda draft=draft: services.funding.create_allocation(draft)) for draft in bad_allocations],
    )
    before = counts(services)

    with services.needs.creating_many() as needs:
        in_a_batch_needs = [_error(lambda draft=draft: needs.create(draft)) for draft in bad_needs]
    with services.organisations.creating_many() as organisations:
        in_a_batch_organisations = [
            _error(lambda draft=draft: organisations.create(draft)) for draft in bad_organisations
        ]
    with services.progress.logging_many() as updates:
        in_a_batch_updates = [_error(lambda draft=draft: updates.log(draft)) for draft in bad_updates]
    with services.funding.creating_allocations() as allocations:
        in_a_batch_allocations = [_error(lambda draft=draft: allocations.create(draft)) for draft in bad_allocations]

    assert (in_a_batch_needs, in_a_batch_organisations, in_a_batch_updates, in_a_batch_allocations) == one_at_a_time
    assert one_at_a_time[1][1][0] is DuplicateError
    assert counts(services) == before


def test_a_name_taken_earlier_in_the_batch_is_taken(services: Services) -> None:
    with services.organisations.creating_many() as batch:
        batch.create(OrganisationDraft("Barset Rural Community Council"))
        in_a_batch = _error(lambda: batch.create(OrganisationDraft("barset rural community council ")))
    one_at_a_time = _error(lambda: services.organisations.create(OrganisationDraft("barset rural community council ")))

    assert in_a_batch == one_at_a_time
    assert in_a_batch[0] is DuplicateError


# --------------------------------------------------------------------------- the same records and change log


@dataclass(frozen=True)
class _Entry:
    seq: int
    entity: str
    operation: str
    field: str | None
    record_id: uuid.UUID
    old_value: str | None
    new_value: str | None
    author: str
    author_organisation: str


def _log_after(services: Services, seq: int) -> list[_Entry]:
    with services.context.workspace.reading() as unit:
        statement = select(ChangeLogRecord).where(ChangeLogRecord.seq > seq).order_by(ChangeLogRecord.seq)
        return [
            _Entry(
                row.seq,
                row.entity,
                row.operation,
                row.field,
                row.record_id,
                row.old_value,
                row.new_value,
                row.author,
                row.author_organisation,
            )
            for row in unit.session.scalars(statement)
        ]


def _last_seq(services: Services) -> int:
    with services.context.workspace.reading() as unit:
        return int(unit.session.scalar(select(func.max(ChangeLogRecord.seq))) or 0)


def _shape(entries: Sequence[_Entry], names: dict[str, str]) -> list[tuple[Any, ...]]:
    """The log entries without what differs between two otherwise equal records: their ids and titles, given
    in ``names`` with what to show instead, and the ids of their links."""

    def plain(text: str | None) -> Any:
        if text is None:
            return None
        for value, name in names.items():
            text = text.replace(value, name)
        return json.loads(text)

    return [
        (
            entry.entity,
            entry.operation,
            entry.field,
            names.get(str(entry.record_id), "another record"),
            plain(entry.old_value),
            plain(entry.new_value),
            entry.author,
            entry.author_organisation,
        )
        for entry in entries
    ]


def _same_action(services: Services, single: uuid.UUID, batched: uuid.UUID) -> None:
    one, other = services.actions.get(single), services.actions.get(batched)
    ignored = {"id", "title", "created_at", "updated_at", "milestones"}
    assert {k: v for k, v in asdict(other).items() if k not in ignored} == {
        k: v for k, v in asdict(one).items() if k not in ignored
    }
    assert [(m.title, m.due_on, m.done_on) for m in other.milestones] == [
        (m.title, m.due_on, m.done_on) for m in one.milestones
    ]
    assert [a.amount_pence for a in services.funding.action_funding(batched).allocations] == [
        a.amount_pence for a in services.funding.action_funding(single).allocations
    ]


def _same_log(services: Services, start: int, middle: int, single: dict[str, str], batched: dict[str, str]) -> None:
    """The entries after ``middle`` (the batch's) are those from ``start`` to ``middle``, ids and titles aside,
    numbered on from ``middle`` without a gap."""
    one_at_a_time = [entry for entry in _log_after(services, start) if entry.seq <= middle]
    in_a_batch = _log_after(services, middle)
    assert [entry.seq for entry in in_a_batch] == list(range(middle + 1, middle + 1 + len(in_a_batch)))
    assert _shape(in_a_batch, batched) == _shape(one_at_a_time, single)


def test_a_batch_writes_the_records_and_change_log_create_writes(
    services: Services, partners: dict[str, uuid.UUID], need_ids: list[uuid.UUID]
) -> None:
    draft = ActionDraft(
        "One at a time",
        description="  Joint scrutiny training  ",
        lead_organisation_id=partners["County Council"],
        partners=(PartnerDraft(partners["Health"], cash_pence=50_000, staff_days=2.5, in_kind="A room"),),
        need_ids=tuple(need_ids),
        provider_id=services.vocabulary.resolve_term(VocabularyKind.PROVIDER, "IDeA"),
        start_on=date(2008, 4, 1),
        due_on=date(2009, 3, 31),
        status=ActionStatus.COMPLETED,
        budget_pence=120_000,
        milestones=(
            MilestoneDraft(title="Kick-off", due_on=date(2008, 5, 1)),
            MilestoneDraft(title="Report", due_on=date(2009, 3, 1), done_on=date(2008, 5, 30)),
        ),
    )
    start = _last_seq(services)
    single = services.actions.create(draft).id
    middle = _last_seq(services)

    with services.actions.creating_many() as actions:
        batched = actions.create(replace(draft, title="All at once"))

    _same_action(services, single, batched)
    assert services.actions.get(batched).version == 1
    _same_log(
        services,
        start,
        middle,
        {str(single): "ACTION", "One at a time": "TITLE"},
        {str(batched): "ACTION", "All at once": "TITLE"},
    )


def test_an_imported_action_is_what_create_and_create_allocation_write(
    services: Services, partners: dict[str, uuid.UUID], need_ids: list[uuid.UUID], tmp_path: Path
) -> None:
    term = services.vocabulary.resolve_term
    start = _last_seq(services)
    single = services.actions.create(
        ActionDraft(
            "One at a time",
            type_id=term(VocabularyKind.ACTION_TYPE, "Training and skills"),
            lead_organisation_id=partners["County Council"],
            partners=(PartnerDraft(partners["Health"]), PartnerDraft(partners["Police"])),
            need_ids=tuple(need_ids),
            provider_id=term(VocabularyKind.PROVIDER, "IDeA"),
            delivery_level_id=term(VocabularyKind.DELIVERY_LEVEL, "Local"),
            start_on=date(2008, 4, 1),
            due_on=date(2009, 3, 31),
            status=ActionStatus.IN_PROGRESS,
            percent_complete=30,
            budget_pence=120_000,
        )
    ).id
    services.funding.create_allocation(
        AllocationDraft(single, services.vocabulary.resolve_funding_source("Other"), 120_000)
    )
    middle = _last_seq(services)
    path = write_csv(
        tmp_path / "plan.csv",
        [
            list(KINDS["actions"]),
            [
                "Imported",
                "",
                "Training and skills",
                "CC",
                "Barset Health Trust; Barsetshire Police",
                "Scrutiny skills for members; Shared data on anti-social behaviour",
                "IDeA",
                "Local",
                "01/04/2008",
                "31/03/2009",
                "In progress",
                "30%",
                "£1,200.00",
                "Other",
            ],
        ],
    )

    import_file(services, "actions", path)

    imported = services.actions.find("Imported")
    assert imported is not None
    _same_action(services, single, imported.id)
    _same_log(
        services,
        start,
        middle,
        {str(single): "ACTION", "One at a time": "TITLE"},
        {str(imported.id): "ACTION", "Imported": "TITLE"},
    )


def test_a_progress_batch_moves_actions_on_and_logs_as_log_does(
    services: Services, partners: dict[str, uuid.UUID]
) -> None:
    def action(title: str) -> uuid.UUID:
        return services.actions.create(ActionDraft(title, start_on=date(2008, 4, 1), percent_complete=5)).id

    first, second = action("First"), action("Second")
    drafts = [
        ProgressDraft(first, date(2008, 5, 1), percent_complete=40, status=ActionStatus.IN_PROGRESS, note="Going"),
        ProgressDraft(first, date(2008, 5, 20), rag=Rag.AMBER, note="Slipping", confidential=True),
        ProgressDraft(first, date(2008, 5, 30), status=ActionStatus.COMPLETED),
    ]
    start = _last_seq(services)
    for draft in drafts:
        services.progress.log(draft)
    middle = _last_seq(services)
    services.context.user = User("Pat Jones", "Barset Health Trust")
    with services.progress.logging_many() as updates:
        for draft in drafts:
            updates.log(replace(draft, action_id=second))
    services.context.user = User("Test User", "Test Org")

    one, other = services.actions.get(first), services.actions.get(second)
    assert (other.percent_complete, other.status, other.completed_on, other.version) == (
        one.percent_complete,
        one.status,
        one.completed_on,
        one.version,
    )
    assert [
        (update.percent_complete, update.status, update.rag, update.note, update.author)
        for update in services.progress.history(second)
    ] == [(u.percent_complete, u.status, u.rag, u.note, "Pat Jones") for u in services.progress.history(first)]
    one_at_a_time = [entry for entry in _log_after(services, start) if entry.seq <= middle]
    in_a_batch = _log_after(services, middle)
    shaped = _shape(in_a_batch, {str(second): "ACTION", "Pat Jones": "WHO", "Barset Health Trust": "WHERE"})
    expected = _shape(one_at_a_time, {str(first): "ACTION", "Test User": "WHO", "Test Org": "WHERE"})
    assert [entry[:6] for entry in shaped] == [entry[:6] for entry in expected]
    assert {entry[6:] for entry in shaped} == {("Pat Jones", "Barset Health Trust")}


# --------------------------------------------------------------------------- a batch on its own


def test_a_batch_writes_when_its_block_ends_and_nothing_when_it_raises(services: Services) -> None:
    before = counts(services)
    with pytest.raises(RuntimeError), services.organisations.creating_many() as batch:
        batch.create(OrganisationDraft("Never written"))
        raise RuntimeError("stop")
    assert counts(services) == before

    heard: list[Any] = []
    services.context.subscribe(heard.append)
    with services.needs.creating_many() as needs:
        need_id = needs.create(NeedDraft("Written", priority=Priority.HIGH, status=NeedStatus.AGREED))
        assert services.needs.find("Written") is None  # not yet: rows are written when the block ends

    need = services.needs.get(need_id)
    assert (need.title, need.priority, need.status, need.version) == ("Written", Priority.HIGH, NeedStatus.AGREED, 1)
    assert len(heard) == 1 and heard[0].touches("need")
    assert services.history.record_history(need_id)[0].author == "Test User"


# --------------------------------------------------------------------------- the store's plain-row insert


def test_plain_rows_are_stored_as_records_would_be(services: Services) -> None:
    """``insert_rows`` converts values itself on SQLite (each date or time once); rows that leave out a column
    with a default go through SQLAlchemy, which fills it in. Either way the records read back the same."""
    now = utc_now()
    full = {
        "id": uuid.uuid4(),
        "name": "Full row",
        "short_name": "FR",
        "type_id": None,
        "sector_id": None,
        "contact_name": "",
        "contact_email": "",
        "notes": "Ünïcode £",
        "active": False,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    short = {"id": uuid.uuid4(), "name": "Short row", "created_at": now, "updated_at": now, "version": 1}
    with services.context.workspace.transaction() as unit:
        unit.insert_rows({OrganisationRecord: [full]})
        unit.insert_rows({OrganisationRecord: [short]})

    with services.context.workspace.reading() as unit:
        stored = {row.name: row for row in unit.list(OrganisationRecord)}
        assert (stored["Full row"].notes, stored["Full row"].active, stored["Full row"].short_name) == (
            "Ünïcode £",
            False,
            "FR",
        )
        assert stored["Full row"].created_at == now and stored["Full row"].deleted_at is None
        assert (stored["Short row"].short_name, stored["Short row"].active, stored["Short row"].notes) == ("", True, "")
        assert stored["Short row"].updated_at == now


def test_titles_differing_only_by_invisible_characters_are_the_same_title(services: Services, tmp_path: Path) -> None:
    # Saving strips zero-width spaces and byte-order marks from the ends, so these would all be stored alike.
    source = write_csv(
        tmp_path / "needs.csv",
        [["title"], ["Shared data hub"], ["Shared data hub\u200b"], ["\ufeffShared data hub"]],
    )
    before = counts(services)
    with pytest.raises(ImportFileError) as raised:
        import_file(services, "needs", source)
    assert raised.value.row_errors == [
        'row 3: "Shared data hub\u200b" is already on row 2 of this file; give each need only once.',
        'row 4: "\ufeffShared data hub" is already on row 2 of this file; give each need only once.',
    ]
    assert counts(services) == before


def test_budgets_at_the_largest_amount_still_add_up(services: Services, tmp_path: Path) -> None:
    """Each amount is capped so that totals over every row still fit SQLite's 64-bit sums (the dashboard and
    funding totals read them)."""
    source = write_csv(
        tmp_path / "actions.csv",
        [["title", "budget", "funding_source"]]
        + [[f"Large programme {number}", "£100,000,000,000.00", "Capacity-building fund"] for number in range(3)]
        + [["Too large", "£100,000,000,000.01", ""]],
    )
    with pytest.raises(ImportFileError) as raised:
        import_file(services, "actions", source)
    assert [line.split(":")[0] for line in raised.value.row_errors] == ["row 5"]
    assert "too large" in raised.value.row_errors[0]
    source = write_csv(
        tmp_path / "actions.csv",
        [["title", "budget", "funding_source"]]
        + [[f"Large programme {number}", "£100,000,000,000.00", "Capacity-building fund"] for number in range(3)],
    )
    import_file(services, "actions", source)
    totals = {total.funding_source_name: total.allocated_pence for total in services.funding.totals_by_source()}
    assert totals["Capacity-building fund"] == 3 * 10**13
    services.dashboard.figures()  # the totals over every action do not overflow
