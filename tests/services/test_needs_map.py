"""The needs map's matrix service: its figures against plain SQL on the demo workspace, its filters and sorts,
and linking a cell through the needs service (change log and versions)."""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from pathlib import Path

import pytest

from locality.domain.vocabulary import NeedRole, NeedStatus, Priority
from locality.services.needs_map import CellLink, MatrixFilter, MatrixSort
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services


def _sql(path: Path, statement: str, *args: object) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(statement, args).fetchall()


def _id(text: str) -> uuid.UUID:
    return uuid.UUID(hex=text)


def _live_links(path: Path) -> dict[tuple[uuid.UUID, uuid.UUID], tuple[str, str | None]]:
    rows = _sql(
        path,
        "SELECT l.need_id, l.organisation_id, l.role, l.severity FROM need_organisation l "
        "JOIN organisation o ON o.id = l.organisation_id JOIN need n ON n.id = l.need_id "
        "WHERE l.deleted_at IS NULL AND o.deleted_at IS NULL AND n.deleted_at IS NULL",
    )
    return {(_id(need), _id(organisation)): (role, severity) for need, organisation, role, severity in rows}


def _action_counts(path: Path) -> Counter[uuid.UUID]:
    rows = _sql(
        path,
        "SELECT an.need_id, COUNT(DISTINCT an.action_id) FROM action_need an JOIN action a ON a.id = an.action_id "
        "WHERE an.deleted_at IS NULL AND a.deleted_at IS NULL GROUP BY an.need_id",
    )
    return Counter({_id(need): count for need, count in rows})


def test_matrix_matches_the_workspace(demo_services: Services, demo_workspace_path: Path) -> None:
    matrix = demo_services.needs_map.matrix()
    live_needs = {_id(row[0]) for row in _sql(demo_workspace_path, "SELECT id FROM need WHERE deleted_at IS NULL")}
    assert {need.id for need in matrix.needs} == live_needs
    assert matrix.total_needs == len(live_needs) == 40
    organisations = _sql(demo_workspace_path, "SELECT id FROM organisation WHERE deleted_at IS NULL")
    assert {organisation.id for organisation in matrix.organisations} == {_id(row[0]) for row in organisations}

    links = _live_links(demo_workspace_path)
    assert {
        key: (link.role.value, link.severity.value if link.severity else None) for key, link in matrix.links.items()
    } == links
    shares = Counter(need_id for need_id, _organisation in links)
    actions = _action_counts(demo_workspace_path)
    for need in matrix.needs:
        assert need.organisation_count == shares[need.id], need.title
        assert need.action_count == actions[need.id], need.title
    assert matrix.shared_count == sum(1 for count in shares.values() if count >= 2) > 0
    assert matrix.no_action_count == sum(1 for need_id in live_needs if actions[need_id] == 0) > 0


def test_shared_and_no_action_filters(demo_services: Services, demo_workspace_path: Path) -> None:
    links = _live_links(demo_workspace_path)
    shares = Counter(need_id for need_id, _organisation in links)
    actions = _action_counts(demo_workspace_path)
    shared = demo_services.needs_map.matrix(MatrixFilter(shared_only=True))
    assert {need.id for need in shared.needs} == {need_id for need_id, count in shares.items() if count >= 2}
    gaps = demo_services.needs_map.matrix(MatrixFilter(no_action_only=True))
    assert gaps.needs and all(actions[need.id] == 0 for need in gaps.needs)
    both = demo_services.needs_map.matrix(MatrixFilter(shared_only=True, no_action_only=True))
    assert {need.id for need in both.needs} == {need.id for need in shared.needs} & {need.id for need in gaps.needs}
    # Links of needs the filter left out are not carried.
    assert all(need_id in {need.id for need in both.needs} for need_id, _organisation in both.links)


def test_theme_filter_takes_in_service_areas(demo_services: Services) -> None:
    themes = demo_services.vocabulary.themes()
    parent = next(theme for theme in themes if theme.name == "Service improvement")
    matrix = demo_services.needs_map.matrix(MatrixFilter(theme_id=parent.id))
    expected = {need.id for need in demo_services.needs.list(theme_id=parent.id)}
    assert {need.id for need in matrix.needs} == expected
    assert any(need.theme_id != parent.id for need in matrix.needs)  # service areas beneath it count too


def test_status_area_and_organisation_filters(demo_services: Services) -> None:
    everything = demo_services.needs_map.matrix()
    status = everything.needs[0].status
    by_status = demo_services.needs_map.matrix(MatrixFilter(status=status))
    assert {n.id for n in by_status.needs} == {n.id for n in everything.needs if n.status == status}

    areas = demo_services.needs_map.areas()
    assert areas == sorted(areas, key=str.lower) and areas
    by_area = demo_services.needs_map.matrix(MatrixFilter(area=areas[0]))
    assert by_area.needs and {n.id for n in by_area.needs} == {n.id for n in everything.needs if n.area == areas[0]}

    organisation = everything.organisations[0]
    by_organisation = demo_services.needs_map.matrix(MatrixFilter(organisation_id=organisation.id))
    linked = {need_id for need_id, organisation_id in everything.links if organisation_id == organisation.id}
    assert {n.id for n in by_organisation.needs} == linked
    # Every organisation column is still there, so the partners of those needs show.
    assert len(by_organisation.organisations) == len(everything.organisations)


def test_sorts(demo_services: Services) -> None:
    shared = demo_services.needs_map.matrix(MatrixFilter(sort=MatrixSort.ORGANISATIONS)).needs
    counts = [need.organisation_count for need in shared]
    assert counts == sorted(counts, reverse=True)
    tied = [need.title.lower() for need in shared if need.organisation_count == counts[-1]]
    assert tied == sorted(tied)

    rank = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2, None: 3}
    by_priority = demo_services.needs_map.matrix(MatrixFilter(sort=MatrixSort.PRIORITY)).needs
    ranks = [rank[need.priority] for need in by_priority]
    assert ranks == sorted(ranks)

    themes = demo_services.vocabulary.themes()
    by_theme = demo_services.needs_map.matrix(MatrixFilter(sort=MatrixSort.THEME)).needs
    seen: list[uuid.UUID | None] = []
    for need in by_theme:
        if not seen or seen[-1] != need.theme_id:
            assert need.theme_id not in seen, "a theme's needs are together"
            seen.append(need.theme_id)
    parent = next(theme for theme in themes if theme.name == "Service improvement")
    children = [theme.id for theme in themes if theme.parent_id == parent.id]
    positions = [seen.index(theme_id) for theme_id in [parent.id, *children] if theme_id in seen]
    assert positions == sorted(positions)
    assert positions == list(range(positions[0], positions[0] + len(positions)))  # service areas follow their theme


def test_link_and_unlink_write_the_change_log(demo_services: Services, demo_workspace_path: Path) -> None:
    matrix = demo_services.needs_map.matrix()
    need = next(need for need in matrix.needs if need.organisation_count == 1)
    organisation = next(o for o in matrix.organisations if (need.id, o.id) not in matrix.links)
    version = demo_services.needs.get(need.id).version
    changes: list[frozenset[str]] = []
    demo_services.context.subscribe(lambda change: changes.append(change.entities))

    made = demo_services.needs_map.link(need.id, organisation.id, NeedRole.LEAD, Priority.HIGH)
    assert made == CellLink(NeedRole.LEAD, Priority.HIGH) and made.short_text == "Lead 3"
    after = demo_services.needs_map.matrix()
    assert after.link(need.id, organisation.id) == made
    assert next(n for n in after.needs if n.id == need.id).organisation_count == 2
    assert demo_services.needs.get(need.id).version == version + 1
    assert "need_organisation" in changes[-1]
    logged = _sql(
        demo_workspace_path,
        "SELECT operation FROM change_log WHERE entity = 'need_organisation' ORDER BY id DESC LIMIT 1",
    )
    assert logged == [("create",)]

    removed = demo_services.needs_map.unlink(need.id, organisation.id)
    assert removed == made
    assert demo_services.needs_map.matrix().link(need.id, organisation.id) is None
    assert demo_services.needs_map.unlink(need.id, organisation.id) is None
    # Linking again restores the same row (need, organisation is unique) with the role asked for.
    assert demo_services.needs_map.link(need.id, organisation.id) == CellLink(NeedRole.SHARES, None)
    operations = [
        row[0]
        for row in _sql(
            demo_workspace_path,
            "SELECT operation FROM change_log WHERE entity = 'need_organisation' ORDER BY id DESC LIMIT 3",
        )
    ]
    assert "restore" in operations and "create" not in operations


def test_deleted_needs_and_organisations_are_left_out(demo_services: Services) -> None:
    matrix = demo_services.needs_map.matrix()
    need = matrix.needs[0]
    demo_services.needs.delete([need.id])
    organisation = demo_services.organisations.create(OrganisationDraft("Ashcombe Youth Trust"))
    other = matrix.needs[1]
    demo_services.needs_map.link(other.id, organisation.id)
    assert demo_services.needs_map.matrix().link(other.id, organisation.id) is not None
    demo_services.organisations.delete([organisation.id])
    after = demo_services.needs_map.matrix()
    assert next(n for n in after.needs if n.id == other.id).organisation_count == other.organisation_count
    assert need.id not in {n.id for n in after.needs}
    assert after.total_needs == matrix.total_needs - 1
    assert organisation.id not in {o.id for o in after.organisations}
    assert all(organisation_id != organisation.id for _need, organisation_id in after.links)


def test_link_refuses_a_deleted_organisation(demo_services: Services) -> None:
    from locality.domain.errors import ValidationError

    matrix = demo_services.needs_map.matrix()
    organisation = demo_services.organisations.create(OrganisationDraft("Ashcombe Youth Trust"))
    demo_services.organisations.delete([organisation.id])
    with pytest.raises(ValidationError):
        demo_services.needs_map.link(matrix.needs[0].id, organisation.id)


def test_empty_workspace(services: Services) -> None:
    matrix = services.needs_map.matrix(MatrixFilter(status=NeedStatus.MET))
    assert matrix.needs == () and matrix.total_needs == 0 and matrix.links == {}
