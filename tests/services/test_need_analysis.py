"""The needs analysis: gaps, the theme × organisation heat map and the needs ranking, checked against figures
worked out independently from the needs, actions, themes and workshop services."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date

import pytest

from locality.domain.errors import ValidationError
from locality.domain.vocabulary import NeedStatus, Priority
from locality.services.actions import ActionDraft
from locality.services.need_analysis import PRIORITY_POINTS, RankingFormula
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.services.workshops import WorkshopDraft


def _top_level(services: Services) -> dict[uuid.UUID, uuid.UUID]:
    """Each theme's top-level theme (itself for a top-level theme)."""
    return {theme.id: theme.parent_id or theme.id for theme in services.vocabulary.themes()}


def _links(services: Services) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Each live need's linked organisations, read one need at a time through the needs service."""
    return {
        need.id: [link.organisation_id for link in services.needs.get(need.id).links] for need in services.needs.list()
    }


# --------------------------------------------------------------------------- gaps


def test_gaps_match_the_needs_and_actions_lists(demo_services: Services) -> None:
    needs = demo_services.needs.list()
    actions = demo_services.actions.list()
    open_statuses = {NeedStatus.IDENTIFIED, NeedStatus.AGREED, NeedStatus.BEING_ADDRESSED}
    expected_needs = {
        n.id for n in needs if n.organisation_count >= 2 and n.action_count == 0 and n.status in open_statuses
    }
    expected_actions = {a.id for a in actions if a.need_count == 0}
    assert expected_needs and expected_actions, "the demo has gaps of both kinds"

    gaps = demo_services.analysis.gaps()

    assert {n.id for n in gaps.shared_unaddressed} == expected_needs
    assert gaps.shared_unaddressed_count == len(expected_needs)
    assert {a.id for a in gaps.needless_actions} == expected_actions
    assert gaps.needless_actions_count == len(expected_actions)
    by_id = {n.id: n for n in needs}
    for line in gaps.shared_unaddressed:
        summary = by_id[line.id]
        assert line.title == summary.title
        assert line.organisations_text == summary.organisation_names
        assert line.priority == summary.priority and line.status == summary.status
        assert line.theme_name == summary.theme_name
    actions_by_id = {a.id: a for a in actions}
    for action in gaps.needless_actions:
        summary = actions_by_id[action.id]
        assert (action.title, action.lead_organisation_name, action.status, action.due_on) == (
            summary.title,
            summary.lead_organisation_name,
            summary.status,
            summary.due_on,
        )
    titles = [n.title.casefold() for n in gaps.shared_unaddressed]
    assert titles == sorted(titles)


def test_a_met_or_closed_shared_need_is_no_gap_on_the_map_the_dashboard_or_the_needs_list(
    qtbot,
    services: Services,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtGui import QUndoStack

    from locality.ui.env import UiEnv
    from locality.ui.needs_page import NeedsPage
    from locality.ui.settings import AppSettings

    police = services.organisations.create(OrganisationDraft(name="Westshire Police")).id
    fire = services.organisations.create(OrganisationDraft(name="Westshire Fire and Rescue Service")).id
    links = (NeedLinkDraft(police), NeedLinkDraft(fire))
    for title, status in (
        ("Joint training on hate crime reporting", NeedStatus.AGREED),
        ("Shared data on home safety visits", NeedStatus.MET),
        ("Co-located community safety team", NeedStatus.CLOSED),
    ):
        services.needs.create(NeedDraft(title=title, status=status, organisations=links))

    gap_titles = [need.title for need in services.analysis.gaps().shared_unaddressed]
    assert gap_titles == ["Joint training on hate crime reporting"]
    assert services.dashboard.figures().shared_needs_unaddressed == 1
    page = NeedsPage(UiEnv(services, QUndoStack(), AppSettings()))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not page.loading)
    page.set_filter("gap", "shared_unaddressed")
    shown = [page.model.row_at(row).title for row in range(page.model.rowCount())]
    assert shown == ["Joint training on hate crime reporting"]


def test_gaps_follow_edits_and_deletions(demo_services: Services) -> None:
    analysis = demo_services.analysis
    gap = analysis.gaps()
    need = gap.shared_unaddressed[0]
    action = gap.needless_actions[0]

    # Linking the action to the need closes both gaps.
    current = demo_services.actions.get(action.id)
    draft = current.as_draft()
    demo_services.actions.update(
        action.id,
        ActionDraft(**{**draft.__dict__, "need_ids": (need.id,)}),
        current.version,
    )
    after = analysis.gaps()
    assert need.id not in {n.id for n in after.shared_unaddressed}
    assert action.id not in {a.id for a in after.needless_actions}

    # Deleting the action opens both again (a deleted action addresses nothing and is no gap itself).
    deleted = demo_services.actions.delete([action.id])
    after = analysis.gaps()
    assert need.id in {n.id for n in after.shared_unaddressed}
    assert action.id not in {a.id for a in after.needless_actions}
    demo_services.actions.restore(deleted)

    # A shared need unlinked down to one organisation is no longer shared.
    full = demo_services.needs.get(need.id)
    for link in full.links[1:]:
        demo_services.needs.unlink(need.id, link.organisation_id)
    assert need.id not in {n.id for n in analysis.gaps().shared_unaddressed}

    # A deleted need drops out of every list.
    other = next(line for line in gap.shared_unaddressed if line.id != need.id)
    demo_services.needs.delete([other.id])
    assert other.id not in {n.id for n in analysis.gaps().shared_unaddressed}


def test_no_gaps_in_an_empty_workspace(services: Services) -> None:
    gaps = services.analysis.gaps()
    assert gaps.shared_unaddressed == () and gaps.needless_actions == ()


# --------------------------------------------------------------------------- heat map


def test_heat_map_counts_match_an_independent_count(demo_services: Services) -> None:
    top = _top_level(demo_services)
    links = _links(demo_services)
    needs = {n.id: n for n in demo_services.needs.list()}
    cells: Counter[tuple[uuid.UUID | None, uuid.UUID]] = Counter()
    row_needs: dict[uuid.UUID | None, set[uuid.UUID]] = defaultdict(set)
    column_totals: Counter[uuid.UUID] = Counter()
    for need_id, organisation_ids in links.items():
        theme = needs[need_id].theme_id
        row = top[theme] if theme is not None else None
        for organisation_id in organisation_ids:
            cells[(row, organisation_id)] += 1
            column_totals[organisation_id] += 1
            row_needs[row].add(need_id)

    heat = demo_services.analysis.heat_map()

    assert [c.organisation_id for c in heat.columns] == [oid for oid, _name in demo_services.organisations.names()]
    top_level_themes = [t.id for t in demo_services.vocabulary.themes() if t.parent_id is None]
    assert [r.theme_id for r in heat.rows if r.theme_id is not None] == top_level_themes
    for row in heat.rows:
        for column, count in zip(heat.columns, row.cells, strict=True):
            assert count == cells[(row.theme_id, column.organisation_id)], (row.name, column.name)
        assert row.total == len(row_needs[row.theme_id]), row.name
    for column in heat.columns:
        assert column.total == column_totals[column.organisation_id]
    assert heat.total == sum(1 for ids in links.values() if ids)
    assert heat.unlinked_needs == sum(1 for ids in links.values() if not ids)
    assert sum(sum(row.cells) for row in heat.rows) == sum(cells.values())
    service = next(r for r in heat.rows if r.name == "Service improvement")
    assert service.includes_service_areas and sum(service.cells) > 0


def test_heat_map_with_service_areas_on_their_own_rows(demo_services: Services) -> None:
    links = _links(demo_services)
    needs = {n.id: n for n in demo_services.needs.list()}
    cells: Counter[tuple[uuid.UUID | None, uuid.UUID]] = Counter()
    for need_id, organisation_ids in links.items():
        for organisation_id in organisation_ids:
            cells[(needs[need_id].theme_id, organisation_id)] += 1

    heat = demo_services.analysis.heat_map(service_areas_separate=True)

    themes = demo_services.vocabulary.themes()
    assert len([r for r in heat.rows if r.theme_id is not None]) == len(themes)
    community_safety = next(r for r in heat.rows if r.name == "Community safety")
    assert community_safety.is_service_area and community_safety.full_name == "Service improvement: Community safety"
    for row in heat.rows:
        for column, count in zip(heat.columns, row.cells, strict=True):
            assert count == cells[(row.theme_id, column.organisation_id)]
    # The service areas sit straight after their theme.
    names = [r.name for r in heat.rows]
    assert names.index("Children's services") == names.index("Service improvement") + 1


def test_drill_down_lists_the_needs_in_a_cell(demo_services: Services) -> None:
    analysis = demo_services.analysis
    heat = analysis.heat_map()
    links = _links(demo_services)
    needs = {n.id: n for n in demo_services.needs.list()}
    top = _top_level(demo_services)
    service = next(r for r in heat.rows if r.name == "Service improvement")
    busiest = max(range(len(heat.columns)), key=lambda number: service.cells[number])
    organisation = heat.columns[busiest]

    listed = analysis.drill_down(service.theme_id, organisation.organisation_id)

    expected = {
        need_id
        for need_id, organisation_ids in links.items()
        if organisation.organisation_id in organisation_ids
        and needs[need_id].theme_id is not None
        and top[needs[need_id].theme_id] == service.theme_id
    }
    assert {n.id for n in listed} == expected
    assert len(listed) == service.cells[busiest] > 0
    assert all(organisation.name in n.organisation_names for n in listed)

    # Separately, the parent's own cell holds only needs filed on the parent itself.
    own = analysis.drill_down(service.theme_id, organisation.organisation_id, service_areas_separate=True)
    assert {n.id for n in own} == {n for n in expected if needs[n].theme_id == service.theme_id}

    # Row and column totals.
    whole_row = analysis.drill_down(service.theme_id, None)
    assert len(whole_row) == service.total
    column = analysis.needs_of_organisation(organisation.organisation_id)
    assert {n.id for n in column} == {
        n.id for n in demo_services.needs.list(organisation_id=organisation.organisation_id)
    }
    assert len(column) == organisation.total
    assert len(analysis.needs_of_organisation(None)) == heat.total


def test_needs_with_no_theme_get_their_own_row(demo_services: Services) -> None:
    organisation_id = demo_services.organisations.names()[0][0]
    created = demo_services.needs.create(
        NeedDraft(title="Unfiled need", organisations=(NeedLinkDraft(organisation_id),))
    )
    heat = demo_services.analysis.heat_map()
    row = heat.rows[-1]
    assert row.theme_id is None and row.name == "(no theme)"
    assert heat.cell(None, organisation_id) >= 1
    assert created.id in {n.id for n in demo_services.analysis.drill_down(None, organisation_id)}


# --------------------------------------------------------------------------- ranking


def test_ranking_matches_an_independent_scoring(demo_services: Services) -> None:
    dots = {tally.need_id: tally.total_dots for tally in demo_services.workshops.total_dots_by_need()}
    assert dots, "the demo has workshop votes"
    open_needs = [n for n in demo_services.needs.list() if n.status not in (NeedStatus.MET, NeedStatus.CLOSED)]
    expected = {
        n.id: 3 * (PRIORITY_POINTS[n.priority] if n.priority else 0) + 2 * n.organisation_count + dots.get(n.id, 0)
        for n in open_needs
    }

    ranking = demo_services.analysis.ranking()

    assert {row.need_id: row.score for row in ranking.rows} == expected
    scores = [row.score for row in ranking.rows]
    assert scores == sorted(scores, reverse=True)
    for position, row in enumerate(ranking.rows, start=1):
        assert row.rank == 1 + sum(1 for score in scores if score > row.score)
        assert row.rank <= position
        assert row.priority_part + row.organisations_part + row.dots_part == row.score
        assert row.dots == dots.get(row.need_id, 0)
    everything = demo_services.analysis.ranking(include_closed=True)
    assert len(everything.rows) == len(demo_services.needs.list())


def test_ranking_order_formula_text_and_workshop_votes(services: Services) -> None:
    organisations = [
        services.organisations.create(OrganisationDraft(name=name)).id for name in ("Council", "Police", "Fire")
    ]

    def need(title: str, priority: Priority | None, count: int) -> uuid.UUID:
        links = tuple(NeedLinkDraft(oid) for oid in organisations[:count])
        return services.needs.create(NeedDraft(title=title, priority=priority, organisations=links)).id

    high_alone = need("High, one organisation", Priority.HIGH, 1)  # 3×3 + 2×1 = 11
    shared_low = need("Low, shared by three", Priority.LOW, 3)  # 3×1 + 2×3 = 9
    voted = need("Medium, voted for", Priority.MEDIUM, 1)  # 3×2 + 2×1 + dots
    workshop = services.workshops.create(WorkshopDraft("Priorities workshop", date(2008, 5, 20)))
    services.workshops.cast_votes(workshop.id, voted, organisations[0], 4)
    services.workshops.cast_votes(workshop.id, voted, organisations[1], 2)  # 6 dots: 6 + 2 + 6 = 14

    ranking = services.analysis.ranking()

    assert ranking.describe() == (
        "Score = 3 × priority points (high 3, medium 2, low 1, not set 0) + 2 × organisations sharing "
        "+ 1 × workshop dots"
    )
    assert [row.need_id for row in ranking.rows] == [voted, high_alone, shared_low]
    assert [row.score for row in ranking.rows] == [14, 11, 9]
    assert [row.rank for row in ranking.rows] == [1, 2, 3]
    assert ranking.rows[0].explain() == "3 × 2 + 2 × 1 + 1 × 6 = 14"
    assert (ranking.rows[0].priority_part, ranking.rows[0].organisations_part, ranking.rows[0].dots_part) == (6, 2, 6)

    # Weighting sharing heavily puts the shared need first; equal scores share a rank.
    shared_first = services.analysis.ranking(RankingFormula(priority=0, organisations=5, dots=0))
    assert shared_first.describe().startswith("Score = 0 × priority points")
    assert [row.need_id for row in shared_first.rows][0] == shared_low
    assert [row.rank for row in shared_first.rows] == [1, 2, 2]

    # A deleted workshop's dots no longer count.
    services.workshops.delete([workshop.id])
    assert {row.need_id: row.dots for row in services.analysis.ranking().rows}[voted] == 0


@pytest.mark.parametrize(
    ("formula", "field", "words"),
    [
        (RankingFormula(priority=-1), "priority", "below zero"),
        (RankingFormula(organisations=2.5), "organisations", "whole number"),  # type: ignore[arg-type]
        (RankingFormula(dots=True), "dots", "whole number"),
        (RankingFormula(dots=101), "dots", "more than 100"),
        (RankingFormula(0, 0, 0), "weights", "at least one weight"),
    ],
)
def test_ranking_weights_are_validated(services: Services, formula: RankingFormula, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as raised:
        services.analysis.ranking(formula)
    assert words in raised.value.field_errors[field]


def test_all_bad_weights_are_reported_together(services: Services) -> None:
    with pytest.raises(ValidationError) as raised:
        RankingFormula(priority=-1, organisations=-2, dots="x").validated()  # type: ignore[arg-type]
    assert set(raised.value.field_errors) == {"priority", "organisations", "dots"}
