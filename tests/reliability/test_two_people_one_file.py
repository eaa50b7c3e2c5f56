"""Two people, one file, two real programs: both open the same organisation, both save an edit of it from what
they read. One save goes through; the other is refused as "changed by someone else" — never saved over the first
— and, made again from the values as they now are, keeps both edits. Round after round, nothing is lost."""

from __future__ import annotations

import subprocess
from pathlib import Path

from locality.services.context import User
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from tests.reliability.test_two_writers import spawn_python, wait_for

ROUNDS = 6

# One person's app: each round, when told, it reads the organisation; then it waits for the word to save (so
# that both have read before either saves) and saves its own field from what it read: argv[3] is "notes" or
# "short_name". Told to read only once both have finished the round before, so that both read the same version.
PERSON = """
import sys
from dataclasses import replace
from locality.domain.errors import StaleRecordError
from locality.services.context import User
from locality.services.registry import Services
path, tag, field, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
services = Services.open(path, User(tag, "Test Org"))
organisations = services.organisations
try:
    [shared] = [o for o in organisations.list() if o.name == "Shared partner"]
    for number in range(rounds):
        sys.stdin.readline()
        read = organisations.get(shared.id)
        print(f"read {number}", flush=True)
        sys.stdin.readline()
        draft = replace(read.as_draft(), **{field: f"{tag} {number}"})
        try:
            organisations.update(read.id, draft, read.version)
            print(f"saved {number}", flush=True)
        except StaleRecordError as error:
            # What the dialog does: show the values as they are now; the person makes the change again.
            again = organisations.get(read.id)
            assert getattr(again, field) == getattr(read, field), "the other program changed my field"
            organisations.update(again.id, replace(again.as_draft(), **{field: f"{tag} {number}"}), again.version)
            print(f"refused then saved {number}: {error}", flush=True)
finally:
    services.close()
"""


def tell(people: list[subprocess.Popen[str]], word: str) -> None:
    for person in people:
        assert person.stdin is not None
        person.stdin.write(word + "\n")
        person.stdin.flush()


def test_two_programs_editing_one_record_never_lose_an_update(workspace_path: Path) -> None:
    services = Services.open(workspace_path, User("Owner", "Test Org"))
    try:
        shared = services.organisations.create(OrganisationDraft("Shared partner"))
    finally:
        services.close()
    people = [
        spawn_python(PERSON, str(workspace_path), "Jo", "notes", str(ROUNDS)),
        spawn_python(PERSON, str(workspace_path), "Sam", "short_name", str(ROUNDS)),
    ]
    outcomes: list[list[str]] = []
    try:
        for number in range(ROUNDS):
            tell(people, "read")
            for person in people:
                wait_for(person, f"read {number}")
            tell(people, "save")  # both have read the same version: now both save at once
            lines = []
            for person in people:
                assert person.stdout is not None
                lines.append(person.stdout.readline().strip())
            outcomes.append(lines)
    finally:
        for person in people:
            _out, errors = person.communicate(timeout=60)
            assert person.returncode == 0, errors

    for number, lines in enumerate(outcomes):
        saved = [line for line in lines if line == f"saved {number}"]
        refused = [line for line in lines if line.startswith(f"refused then saved {number}: ")]
        assert len(saved) == 1 and len(refused) == 1, lines  # one went through, the other was refused, not lost
        assert "was changed by someone else after you opened it, so your edit was not saved" in refused[0]

    services = Services.open(workspace_path, User("Owner", "Test Org"))
    try:
        final = services.organisations.get(shared.id)
        assert (final.notes, final.short_name) == (f"Jo {ROUNDS - 1}", f"Sam {ROUNDS - 1}")  # both kept
        by_author = {
            author: [entry for entry in services.history.record_history(shared.id) if entry.author == author]
            for author in ("Jo", "Sam")
        }
    finally:
        services.close()
    assert [entry.new_value for entry in reversed(by_author["Jo"])] == [f"Jo {n}" for n in range(ROUNDS)]
    assert [entry.new_value for entry in reversed(by_author["Sam"])] == [f"Sam {n}" for n in range(ROUNDS)]
