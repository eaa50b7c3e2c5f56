"""Two writers on one PostgreSQL server: the change log's numbers are taken once each, with no gap.

The server, and when its absence skips or fails these tests, is tests/postgres_server.py's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from locality.services.context import User
from locality.services.registry import Services
from tests.postgres_server import server_schema
from tests.reliability.test_two_writers import EDITOR, assert_numbered_without_gaps_or_repeats, spawn_python, wait_for

# A writer that asks for numbers on a plain transaction, without the row lock an edit takes as it begins: the
# writer's own atomic update must be enough. argv: url, author, count.
PLAIN_WRITER = """
import sys, uuid
from locality.store.change_log import ChangeLog
from locality.store.workspace import open_workspace
url, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
workspace = open_workspace(url, create_missing=False)
print("open", flush=True)
sys.stdin.readline()
try:
    for number in range(count):
        with workspace.engine.begin() as connection:
            log = ChangeLog(lambda: connection, author=tag)
            log.add("organisation", uuid.uuid4(), "update", "notes", str(number), str(number + 1))
            log.write()
finally:
    workspace.close()
print("done", flush=True)
"""


@pytest.fixture
def server_url() -> Iterator[str]:
    """A new, empty Locality workspace on the server, in a schema of its own."""
    with server_schema() as url:
        Services.open(url, User("Owner", "Test Org")).close()  # created once, before the writers race
        yield url


def server_numbers(url: str) -> tuple[dict[str, list[int]], int, dict[str, int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            numbers: dict[str, list[int]] = {}
            for replica, seq in connection.execute(text("SELECT replica_id, seq FROM change_log ORDER BY 1, 2")):
                numbers.setdefault(str(replica), []).append(seq)
            counter = connection.execute(text("SELECT last_change_seq FROM workspace_meta")).scalar_one()
            authors = dict(connection.execute(text("SELECT author, count(*) FROM change_log GROUP BY author")).all())
    finally:
        engine.dispose()
    return numbers, int(counter), {str(author): int(count) for author, count in authors.items()}


def race(script: str, url: str, tags: tuple[str, str], count: int) -> None:
    writers = [spawn_python(script, url, tag, str(count)) for tag in tags]
    for writer in writers:
        wait_for(writer, "open")
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = [writer.communicate(timeout=240) for writer in writers]
    assert all(writer.returncode == 0 for writer in writers), results


@pytest.mark.timeout(300)
def test_two_programs_editing_one_server_number_the_change_log_once_each(server_url: str) -> None:
    race(EDITOR, server_url, ("First editor", "Second editor"), 200)
    numbers, counter, authors = server_numbers(server_url)
    assert authors["First editor"] == authors["Second editor"] == 200
    assert_numbered_without_gaps_or_repeats(numbers, counter)
    assert counter == 400


@pytest.mark.timeout(300)
def test_two_plain_writers_on_one_server_never_take_the_same_number(server_url: str) -> None:
    race(PLAIN_WRITER, server_url, ("First writer", "Second writer"), 200)
    numbers, counter, authors = server_numbers(server_url)
    assert authors["First writer"] == authors["Second writer"] == 200
    assert_numbered_without_gaps_or_repeats(numbers, counter)
    assert counter == 400
