"""The partnership network: organisations linked by the live needs and actions they share, checked against an
independent count made with plain SQL on the workspace file."""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3
import uuid
from collections import Counter
from pathlib import Path

import pytest

from locality.domain.errors import ValidationError
from locality.services.actions import PartnerDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.network import Network, layout, linked_only, suggested_minimum, with_minimum
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services

Pair = tuple[uuid.UUID, uuid.UUID]


def _rows(path: Path, sql: str) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def independent_counts(path: Path) -> tuple[Counter[Pair], Counter[Pair], Counter[uuid.UUID], Counter[uuid.UUID]]:
    """Shared needs and shared actions per pair, and needs and actions per organisation, counted from raw SQL."""
    live_orgs = "select id from organisation where deleted_at is null"
    need_rows = _rows(
        path,
        "select l.organisation_id, l.need_id from need_organisation l join need n on n.id = l.need_id "
        f"where l.deleted_at is null and n.deleted_at is null and l.organisation_id in ({live_orgs})",
    )
    action_rows = _rows(
        path,
        "select lead_organisation_id, id from action where deleted_at is null and lead_organisation_id is not null "
        f"and lead_organisation_id in ({live_orgs}) "
        "union select p.organisation_id, p.action_id from action_partner p join action a on a.id = p.action_id "
        f"where p.deleted_at is null and a.deleted_at is null and p.organisation_id in ({live_orgs})",
    )

    def count(rows: list[tuple[str, str]]) -> tuple[Counter[Pair], Counter[uuid.UUID]]:
        by_item: dict[str, set[uuid.UUID]] = {}
        for organisation, item in rows:
            by_item.setdefault(item, set()).add(uuid.UUID(organisation))
        pairs: Counter[Pair] = Counter()
        per_organisation: Counter[uuid.UUID] = Counter()
        for members in by_item.values():
            per_organisation.update(members)
            for one, other in itertools.combinations(sorted(members), 2):
                pairs[(one, other)] += 1
        return pairs, per_organisation

    need_pairs, needs = count(need_rows)
    action_pairs, actions = count(action_rows)
    return need_pairs, action_pairs, needs, actions


def as_pairs(network: Network) -> dict[Pair, tuple[int, int]]:
    return {
        tuple(sorted((link.source_id, link.target_id))): (link.shared_needs, link.shared_actions)  # type: ignore[misc]
        for link in network.links
    }


def expected_pairs(path: Path) -> dict[Pair, tuple[int, int]]:
    need_pairs, action_pairs, _needs, _actions = independent_counts(path)
    return {pair: (need_pairs[pair], action_pairs[pair]) for pair in set(need_pairs) | set(action_pairs)}


def test_weights_match_an_independent_count(demo_services: Services, demo_workspace_path: Path) -> None:
    network = demo_services.network.network()
    expected = expected_pairs(demo_workspace_path)
    assert expected, "the demo has shared needs and actions"
    assert as_pairs(network) == expected
    assert all(link.weight == link.shared_needs + link.shared_actions for link in network.links)
    assert network.total_links == len(expected)
    assert network.strongest_weight == max(needs + actions for needs, actions in expected.values())


def test_organisations_carry_their_needs_and_actions(demo_services: Services, demo_workspace_path: Path) -> None:
    network = demo_services.network.network()
    _need_pairs, _action_pairs, needs, actions = independent_counts(demo_workspace_path)
    names = {organisation.name for organisation in demo_services.organisations.list()}
    assert {organisation.name for organisation in network.organisations} == names
    for organisation in network.organisations:
        assert organisation.needs_count == needs[organisation.id]
        assert organisation.actions_count == actions[organisation.id]
        assert organisation.size == needs[organisation.id] + actions[organisation.id]
    listed = {o.id: o for o in demo_services.organisations.list()}
    for organisation in network.organisations:
        assert organisation.type_name == listed[organisation.id].type_name
        assert organisation.sector_name == listed[organisation.id].sector_name


def test_a_new_shared_need_and_a_new_partner_add_weight(demo_services: Services) -> None:
    before = demo_services.network.network()
    # An action's lead and an organisation not yet its partner.
    action = next(a for a in demo_services.actions.list() if a.lead_organisation_id is not None)
    full = demo_services.actions.get(action.id)
    involved = {full.lead_organisation_id, *(p.organisation_id for p in full.partners)}
    newcomer = next(o for o in before.organisations if o.id not in involved)
    lead = full.lead_organisation_id
    assert lead is not None
    key = tuple(sorted((lead, newcomer.id)))
    old = as_pairs(before).get(key, (0, 0))  # type: ignore[arg-type]

    demo_services.needs.create(
        NeedDraft("A brand new shared need", organisations=(NeedLinkDraft(lead), NeedLinkDraft(newcomer.id)))
    )
    middle = as_pairs(demo_services.network.network())[key]  # type: ignore[index]
    assert middle == (old[0] + 1, old[1])

    draft = full.as_draft()
    demo_services.actions.update(
        action.id, dataclasses.replace(draft, partners=(*draft.partners, PartnerDraft(newcomer.id))), full.version
    )
    after = demo_services.network.network()
    assert as_pairs(after)[key] == (old[0] + 1, old[1] + 1)  # type: ignore[index]
    grown = after.organisation(newcomer.id)
    assert grown is not None
    assert (grown.needs_count, grown.actions_count) == (newcomer.needs_count + 1, newcomer.actions_count + 1)


def test_deleted_needs_actions_and_organisations_are_left_out(
    demo_services: Services, demo_workspace_path: Path
) -> None:
    shared_need = next(n for n in demo_services.needs.list() if n.organisation_count >= 2)
    demo_services.needs.delete([shared_need.id])
    shared_action = next(a for a in demo_services.actions.list() if a.partner_names)
    demo_services.actions.delete([shared_action.id])
    partner = demo_services.organisations.list()[0]
    gone = demo_services.organisations.create(OrganisationDraft("Short-lived Trust"))
    demo_services.needs.create(
        NeedDraft("Need of a short-lived partner", organisations=(NeedLinkDraft(partner.id), NeedLinkDraft(gone.id)))
    )
    assert demo_services.network.network().links_of(gone.id)
    demo_services.organisations.delete([gone.id])

    network = demo_services.network.network()
    assert as_pairs(network) == expected_pairs(demo_workspace_path)
    assert network.organisation(gone.id) is None
    assert not network.links_of(gone.id)
    detail_needs = {
        need.id for o in network.organisations for need in demo_services.network.organisation_detail(o.id).needs
    }
    assert shared_need.id not in detail_needs
    assert all(
        shared_action.id not in {a.id for a in demo_services.network.organisation_detail(o.id).actions}
        for o in network.organisations
    )


def test_minimum_weight_and_type_and_sector_filters(demo_services: Services) -> None:
    everything = demo_services.network.network()
    weights = sorted({link.weight for link in everything.links})
    middle = weights[len(weights) // 2]
    strong = demo_services.network.network(minimum_weight=middle)
    assert strong.links and all(link.weight >= middle for link in strong.links)
    assert set(strong.links) == {link for link in everything.links if link.weight >= middle}
    assert with_minimum(everything, middle).links == strong.links
    assert len(strong.organisations) == len(everything.organisations)  # organisations stay; weak links go
    assert demo_services.network.network(minimum_weight=everything.max_weight + 1).links == ()
    with pytest.raises(ValidationError):
        demo_services.network.network(minimum_weight=0)

    public = next(o.sector_id for o in everything.organisations if o.sector_name == "Public")
    of_public = demo_services.network.network(sector_ids=[public])
    assert {o.id for o in of_public.organisations} == {o.id for o in everything.organisations if o.sector_id == public}
    kept = {o.id for o in of_public.organisations}
    assert all(link.source_id in kept and link.target_id in kept for link in of_public.links)
    assert of_public.total_organisations == len(everything.organisations)
    police_type = next(o.type_id for o in everything.organisations if o.type_name == "Police")
    assert [o.type_name for o in demo_services.network.network(type_ids=[police_type]).organisations] == ["Police"]


def test_organisation_detail_lists_exactly_its_needs_and_actions(
    demo_services: Services, demo_workspace_path: Path
) -> None:
    organisation = max(demo_services.organisations.list(), key=lambda o: o.needs_count)
    detail = demo_services.network.organisation_detail(organisation.id)
    hex_id = organisation.id.hex
    need_ids = {
        uuid.UUID(row[0])
        for row in _rows(
            demo_workspace_path,
            "select n.id, n.title from need n join need_organisation l on l.need_id = n.id where "
            f"l.organisation_id = '{hex_id}' and l.deleted_at is null and n.deleted_at is null",
        )
    }
    led = {
        uuid.UUID(row[0])
        for row in _rows(
            demo_workspace_path,
            f"select id, title from action where lead_organisation_id = '{hex_id}' and deleted_at is null",
        )
    }
    partnered = {
        uuid.UUID(row[0])
        for row in _rows(
            demo_workspace_path,
            "select a.id, a.title from action a join action_partner p on p.action_id = a.id where "
            f"p.organisation_id = '{hex_id}' and p.deleted_at is null and a.deleted_at is null",
        )
    }
    assert {need.id for need in detail.needs} == need_ids
    assert {action.id for action in detail.actions} == led | partnered
    assert {action.id for action in detail.actions if action.role == "Lead"} == led
    assert len(detail.actions) == len({action.id for action in detail.actions})
    titles = [need.title.casefold() for need in detail.needs]
    assert titles == sorted(titles)
    assert detail.organisation.name == organisation.name


def test_layout_is_stable_and_places_everyone(demo_services: Services) -> None:
    network = demo_services.network.network()
    first = layout(network)
    assert set(first) == {o.id for o in network.organisations}
    assert layout(network) == first
    assert all(-1.5 <= x <= 1.5 and -1.5 <= y <= 1.5 for x, y in first.values())
    assert len({(round(x, 3), round(y, 3)) for x, y in first.values()}) == len(first)


def test_suggested_minimum_keeps_the_strongest_links_and_linked_only(demo_services: Services) -> None:
    network = demo_services.network.network()
    assert suggested_minimum(network, most_links=len(network.links)) == 1
    chosen = suggested_minimum(network, most_links=10)
    assert len(with_minimum(network, chosen).links) <= 10
    assert len(with_minimum(network, chosen - 1).links) > 10
    strongest = with_minimum(network, network.max_weight)
    drawn = linked_only(strongest)
    ends = {link.source_id for link in strongest.links} | {link.target_id for link in strongest.links}
    assert {o.id for o in drawn.organisations} == ends


def test_an_empty_workspace_has_an_empty_network(services: Services) -> None:
    network = services.network.network()
    assert network.organisations == () and network.links == () and network.total_organisations == 0
    assert layout(network) == {}
