"""Merging on a shared server: the office's workspace is on PostgreSQL, a laptop takes a copy to a workshop
(``locality copy`` to a file) and is merged back with ``locality merge --db SERVER --from LAPTOP``. Ids are kept
as a uuid on the server and as hex digits in a file, and a server checks a reference at each statement (a new
sub-theme must not arrive before its new parent). Runs against the test server (tests/postgres_server.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from locality import cli
from locality.services.context import User
from locality.services.needs import NeedDraft
from locality.services.progress import ProgressDraft
from locality.services.registry import Services
from locality.store.transfer import copy_workspace
from tests.postgres_server import server_schema


@pytest.fixture
def office_on_server(demo_workspace_path: Path) -> Iterator[str]:
    with server_schema() as url:
        copy_workspace(str(demo_workspace_path), url)
        yield url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    output = capsys.readouterr()
    return code, output.out + output.err


def test_a_laptop_copy_merges_back_into_the_office_on_a_server(
    office_on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = tmp_path / "laptop.locality"
    copy_workspace(office_on_server, str(laptop))

    on_laptop = Services.open(laptop, User("Facilitator", "Test Org"))
    try:
        parent = on_laptop.vocabulary.add_theme("Digital inclusion")
        child = on_laptop.vocabulary.add_theme("Older residents online", parent_id=parent.id)
        need_id = on_laptop.needs.create(NeedDraft(title="Free wifi in community centres", theme_id=child.id)).id
        action = on_laptop.actions.list()[0]
        on_laptop.progress.log(ProgressDraft(action_id=action.id, percent_complete=90, note="Agreed at the hall"))
        organisation = on_laptop.organisations.list()[0]
        on_laptop.organisations.update(
            organisation.id, replace(organisation.as_draft(), notes="from the laptop"), organisation.version
        )
    finally:
        on_laptop.close()
    in_office = Services.open(office_on_server, User("Coordinator", "Test Org"))
    try:
        organisation = in_office.organisations.get(organisation.id)
        in_office.organisations.update(
            organisation.id, replace(organisation.as_draft(), notes="from the office"), organisation.version
        )
    finally:
        in_office.close()

    code, printed = _run(capsys, "merge", "--db", office_on_server, "--from", str(laptop))
    assert code == 0, printed
    assert "1 need added" in printed and "Conflict decided, this workspace's value kept" in printed
    assert f":{make_url(office_on_server).password}@" not in printed

    merged = Services.open(office_on_server, User("Coordinator", "Test Org"))
    try:
        assert merged.needs.get(need_id).title == "Free wifi in community centres"
        themes = {theme.name: theme for theme in merged.vocabulary.themes()}
        assert themes["Older residents online"].parent_id == themes["Digital inclusion"].id
        assert merged.organisations.get(organisation.id).notes == "from the office"
        assert any(update.note == "Agreed at the hall" for update in merged.progress.history(action.id))
    finally:
        merged.close()

    code, printed = _run(capsys, "merge", "--db", office_on_server, "--from", str(laptop))
    assert code == 0 and "Nothing changed" in printed


def test_merging_from_a_server_address_is_refused_plainly(
    office_on_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = tmp_path / "laptop.locality"
    copy_workspace(office_on_server, str(laptop))
    code, printed = _run(capsys, "merge", "--db", str(laptop), "--from", office_on_server)
    assert code == 1
    assert "locality copy" in printed
    assert f":{make_url(office_on_server).password}@" not in printed


def test_a_merge_counts_each_kind_of_record_in_words_that_agree() -> None:
    from locality.domain.entities import Entity
    from locality.sync.merge import _counted

    assert _counted(Entity.WORKSHOP_ACTION, 2) == "2 actions agreed at a workshop"
    assert _counted(Entity.SPEND, 97) == "97 spend entries"
    assert _counted(Entity.NEED, 1) == "1 need"
