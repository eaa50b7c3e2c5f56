"""Four programs saving at once, 1,000 edits each, on one SQLite file and on one PostgreSQL server (issue 14): every
edit is kept or refused as stale (never silently lost), and the change log numbers every entry once, with no
gap. Every tenth edit of each program adds one to a counter on a record all four share, so a lost update would
show as a total short of 400 (a stale refusal is read again and retried, as a person would); the others add one
to a counter of the program's own, which must reach 900."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from tests.postgres_server import server_schema
from tests.reliability.test_two_writers import assert_numbered_without_gaps_or_repeats, spawn_python, wait_for

WRITERS = ("First", "Second", "Third", "Fourth")
EDITS = 1_000

# argv: workspace, author, edits, the shared record's id. Prints how often it had to read again.
COUNTER_EDITOR = """
import sys, uuid
from dataclasses import replace
from locality.domain.errors import StaleRecordError
from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
where, tag, count, shared = sys.argv[1], sys.argv[2], int(sys.argv[3]), uuid.UUID(sys.argv[4])
services = Services.open(where, User(tag, "Test Org"))
own = services.organisations.create(OrganisationDraft(name=f"{tag} counter", notes="0")).id
print("open", flush=True)
sys.stdin.readline()  # all four start together
stale = 0
try:
    for number in range(count):
        record = shared if number % 10 == 0 else own
        while True:
            current = services.organisations.get(record)
            draft = replace(current.as_draft(), notes=str(int(current.notes or "0") + 1))
            try:
                services.organisations.update(record, draft, expected_version=current.version)
                break
            except StaleRecordError:
                stale += 1  # another program saved first: read again and add one to what it saved
finally:
    services.close()
print(f"stale {stale}", flush=True)
"""


def _race(where: str, record: uuid.UUID) -> None:
    writers = [spawn_python(COUNTER_EDITOR, where, tag, str(EDITS), str(record)) for tag in WRITERS]
    for writer in writers:
        wait_for(writer, "open")
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = [writer.communicate(timeout=600) for writer in writers]
    assert all(writer.returncode == 0 for writer in writers), results


def _shared_record(where: str) -> uuid.UUID:
    services = Services.open(where, User("Owner", "Test Org"))
    try:
        return services.organisations.create(OrganisationDraft(name="Shared counter", notes="0")).id
    finally:
        services.close()


def _assert_nothing_lost(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            counters = dict(connection.execute(text("SELECT name, notes FROM organisation")).all())
            numbers: dict[str, list[int]] = {}
            for replica, seq in connection.execute(text("SELECT replica_id, seq FROM change_log ORDER BY 1, 2")):
                numbers.setdefault(str(replica), []).append(int(seq))
            counter = int(connection.execute(text("SELECT last_change_seq FROM workspace_meta")).scalar_one())
            by_author = dict(
                connection.execute(
                    text("SELECT author, count(*) FROM change_log WHERE field = 'notes' GROUP BY author")
                ).all()
            )
    finally:
        engine.dispose()
    # No update lost: the shared counter has every program's tenth edit, each own counter the rest.
    assert counters["Shared counter"] == str(len(WRITERS) * EDITS // 10)
    assert {tag: counters[f"{tag} counter"] for tag in WRITERS} == {tag: str(EDITS - EDITS // 10) for tag in WRITERS}
    assert {str(author): int(count) for author, count in by_author.items() if author in WRITERS} == {
        tag: EDITS for tag in WRITERS
    }
    assert_numbered_without_gaps_or_repeats(numbers, counter)


@pytest.mark.timeout(900)
def test_four_programs_saving_one_record_on_one_file_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "shared.locality"
    record = _shared_record(str(path))
    _race(str(path), record)
    _assert_nothing_lost(f"sqlite:///{path}")


@pytest.fixture
def server_url() -> Iterator[str]:
    with server_schema() as url:
        yield url


@pytest.mark.timeout(900)
def test_four_programs_saving_one_record_on_one_server_lose_no_update(server_url: str) -> None:
    record = _shared_record(server_url)
    _race(server_url, record)
    _assert_nothing_lost(server_url)
