"""Similar needs: suggestions of the same need raised by different organisations, and merging two needs."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from locality.domain.errors import StaleRecordError, ValidationError
from locality.domain.vocabulary import NeedRole, Priority
from locality.services.actions import ActionDraft
from locality.services.indicators import IndicatorDraft
from locality.services.needs import NeedDraft, NeedLinkDraft
from locality.services.organisations import OrganisationDraft
from locality.services.registry import Services
from locality.services.workshops import WorkshopDraft


def _organisation(services: Services, name: str) -> uuid.UUID:
    return services.organisations.create(OrganisationDraft(name=name)).id


def _need(services: Services, title: str, *links: NeedLinkDraft, description: str = "", notes: str = "") -> uuid.UUID:
    return services.needs.create(
        NeedDraft(title=title, description=description, notes=notes, organisations=tuple(links))
    ).id


@pytest.fixture
def orgs(services: Services) -> dict[str, uuid.UUID]:
    return {name: _organisation(services, name) for name in ("Westshire Police", "Westbridge Council", "NHS Westshire")}


def _change_rows(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("select count(*) from change_log").fetchone()[0])


def _dots_by_need(services: Services) -> dict[uuid.UUID, int]:
    return {tally.need_id: tally.total_dots for tally in services.workshops.total_dots_by_need()}


# --------------------------------------------------------------------------- suggestions


def test_near_duplicates_from_two_organisations_are_suggested(services: Services, orgs: dict[str, uuid.UUID]) -> None:
    police = _need(
        services, "Tackling anti-social behaviour in the town centre", NeedLinkDraft(orgs["Westshire Police"])
    )
    council = _need(services, "Tackle anti-social behaviour in town centre", NeedLinkDraft(orgs["Westbridge Council"]))
    _need(services, "Stable placements for looked-after children", NeedLinkDraft(orgs["NHS Westshire"]))

    result = services.similar_needs.find_similar(70)

    assert [pair.key for pair in result.pairs] == [frozenset({police, council})]
    pair = result.pairs[0]
    assert 70 <= pair.score <= 100
    names = {pair.first.organisations_text, pair.second.organisations_text}
    assert names == {"Westshire Police", "Westbridge Council"}
    assert result.needs_compared == 3


def test_the_same_organisations_own_needs_are_not_suggested(services: Services, orgs: dict[str, uuid.UUID]) -> None:
    link = NeedLinkDraft(orgs["Westshire Police"])
    one = _need(services, "Reducing alcohol-related violence", link)
    two = _need(services, "Reducing alcohol related violence", link)
    both = (NeedLinkDraft(orgs["Westshire Police"]), NeedLinkDraft(orgs["NHS Westshire"]))
    three = _need(services, "Reducing repeat domestic abuse", *both)
    four = _need(services, "Reducing repeat domestic abuse cases", *both)

    assert services.similar_needs.find_similar(80).pairs == ()
    found = {pair.key for pair in services.similar_needs.find_similar(0, limit=100).pairs}
    assert frozenset({one, two}) not in found
    assert frozenset({three, four}) not in found
    assert frozenset({one, three}) in found  # their organisations differ, however unalike they are


def test_deleted_needs_are_left_out(services: Services, orgs: dict[str, uuid.UUID]) -> None:
    _need(services, "More affordable homes", NeedLinkDraft(orgs["Westshire Police"]))
    other = _need(services, "More affordable homes", NeedLinkDraft(orgs["Westbridge Council"]))
    assert len(services.similar_needs.find_similar(90).pairs) == 1
    services.needs.delete([other])
    assert services.similar_needs.find_similar(90).pairs == ()


def test_scores_are_sorted_bounded_and_capped(demo_services: Services) -> None:
    result = demo_services.similar_needs.find_similar(40, limit=5)
    scores = [pair.score for pair in result.pairs]
    assert scores == sorted(scores, reverse=True)
    assert all(40 <= score <= 100 for score in scores)
    assert len(result.pairs) == min(5, result.pairs_found)
    for pair in result.pairs:
        first = demo_services.needs.get(pair.first.id)
        second = demo_services.needs.get(pair.second.id)
        assert {link.organisation_id for link in first.links} != {link.organisation_id for link in second.links}
    wider = demo_services.similar_needs.find_similar(40, limit=500)
    assert wider.pairs_found == result.pairs_found
    assert [pair.score for pair in wider.pairs[:5]] == scores
    higher = demo_services.similar_needs.find_similar(60, limit=500)
    assert higher.pairs_found == sum(1 for pair in wider.pairs if pair.score >= 60)


def test_a_bad_minimum_score_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError, match="from 0 to 100"):
        services.similar_needs.find_similar(120)


def test_progress_is_reported_and_cancel_stops(services: Services, orgs: dict[str, uuid.UUID]) -> None:
    from locality.services.need_similarity import SimilarityCancelled

    _need(services, "Joint training for frontline staff", NeedLinkDraft(orgs["Westshire Police"]))
    _need(services, "Joint training for front-line staff", NeedLinkDraft(orgs["NHS Westshire"]))
    seen: list[tuple[int, int]] = []
    services.similar_needs.find_similar(80, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)
    with pytest.raises(SimilarityCancelled):
        services.similar_needs.find_similar(80, cancelled=lambda: True)


# --------------------------------------------------------------------------- merging


@pytest.fixture
def pair(services: Services, orgs: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    """Two needs, each with organisation links, an action, workshop dots and an indicator."""
    police, council, nhs = orgs["Westshire Police"], orgs["Westbridge Council"], orgs["NHS Westshire"]
    keep = _need(
        services,
        "Tackling anti-social behaviour",
        NeedLinkDraft(police, NeedRole.SHARES, Priority.LOW),
        NeedLinkDraft(council, NeedRole.RAISED_BY, Priority.HIGH),
        notes="Raised at the March board.",
    )
    merge = _need(
        services,
        "Tackle anti-social behaviour",
        NeedLinkDraft(police, NeedRole.LEAD, Priority.MEDIUM),
        NeedLinkDraft(nhs, NeedRole.RAISED_BY, Priority.MEDIUM),
        description="Young people gathering in the park at night.",
        notes="Seen in the health survey.",
    )
    shared_action = services.actions.create(ActionDraft(title="Street wardens", need_ids=(keep, merge))).id
    own_action = services.actions.create(ActionDraft(title="Youth outreach", need_ids=(merge,))).id
    workshop = services.workshops.create(WorkshopDraft(title="Spring workshop")).id
    services.workshops.cast_votes(workshop, keep, police, 2)
    services.workshops.cast_votes(workshop, merge, police, 3)
    services.workshops.cast_votes(workshop, merge, nhs, 4)
    indicator = services.indicators.create(IndicatorDraft(name="Reports of ASB", need_id=merge)).id
    return {
        "keep": keep,
        "merge": merge,
        "shared_action": shared_action,
        "own_action": own_action,
        "workshop": workshop,
        "indicator": indicator,
        "police": police,
        "council": council,
        "nhs": nhs,
    }


def _state(services: Services, ids: dict[str, uuid.UUID]) -> dict[str, object]:
    """Everything a merge touches, as the services show it."""
    needs = {need.id for need in services.needs.list()}
    state: dict[str, object] = {"needs": needs}
    for key in ("keep", "merge"):
        if ids[key] in needs:
            need = services.needs.get(ids[key])
            state[key] = (
                need.notes,
                need.notes_confidential,
                sorted((str(link.organisation_id), link.role, link.severity or "") for link in need.links),
                sorted(map(str, need.action_ids)),
            )
    state["votes"] = sorted(
        (str(vote.need_id), str(vote.organisation_id), vote.dots) for vote in services.workshops.votes(ids["workshop"])
    )
    state["indicator"] = services.indicators.get(ids["indicator"]).need_id
    return state


def test_merge_combines_everything_into_the_kept_need(
    services: Services, pair: dict[str, uuid.UUID], workspace_path: Path
) -> None:
    keep, merge = services.needs.get(pair["keep"]), services.needs.get(pair["merge"])
    dots_before = _dots_by_need(services)
    preview = services.similar_needs.preview(keep.id, merge.id)
    assert (preview.links_moving, preview.links_combined, preview.actions_moving, preview.dots_moving) == (1, 1, 1, 7)
    assert preview.summary.startswith(
        "1 organisation link, 1 action, 7 workshop dots and 1 indicator move to “Tackling anti-social behaviour”."
    )
    log_before = _change_rows(workspace_path)

    merged = services.similar_needs.merge(keep.id, merge.id, keep.version, merge.version)

    assert merge.id not in {need.id for need in services.needs.list()}
    kept = services.needs.get(keep.id)
    links = {link.organisation_id: (link.role, link.severity) for link in kept.links}
    assert links == {
        pair["police"]: (NeedRole.LEAD, Priority.MEDIUM),  # the stronger role and the higher severity
        pair["council"]: (NeedRole.RAISED_BY, Priority.HIGH),
        pair["nhs"]: (NeedRole.RAISED_BY, Priority.MEDIUM),
    }
    assert sorted(kept.action_ids) == sorted([pair["shared_action"], pair["own_action"]])
    assert services.actions.get(pair["own_action"]).need_ids == (keep.id,)
    dots_after = _dots_by_need(services)
    assert dots_after[keep.id] == dots_before[keep.id] + dots_before[merge.id] == 9
    assert merge.id not in dots_after
    assert sum(dots_after.values()) == sum(dots_before.values())
    votes = services.workshops.votes(pair["workshop"])
    assert sorted((vote.organisation_id, vote.dots) for vote in votes) == sorted(
        [(pair["police"], 5), (pair["nhs"], 4)]
    )
    assert services.indicators.get(pair["indicator"]).need_id == keep.id
    assert kept.notes.startswith("Raised at the March board.")
    assert "Merged from: Tackle anti-social behaviour" in kept.notes
    assert "Young people gathering in the park at night." in kept.notes
    assert "Seen in the health survey." in kept.notes
    assert merged.keep_version == kept.version
    assert _change_rows(workspace_path) > log_before
    with sqlite3.connect(workspace_path) as connection:
        entities = {
            row[0] for row in connection.execute("select entity from change_log where id > ?", (log_before,)).fetchall()
        }
    assert {"need", "need_organisation", "action_need", "workshop_vote", "indicator"} <= entities


def test_unmerge_restores_the_state_before(services: Services, pair: dict[str, uuid.UUID]) -> None:
    before = _state(services, pair)
    dots_before = _dots_by_need(services)
    merged = services.similar_needs.merge(pair["keep"], pair["merge"], None, None)
    assert _state(services, pair) != before

    versions = services.similar_needs.unmerge(merged)

    assert _state(services, pair) == before
    assert _dots_by_need(services) == dots_before
    assert versions.merge_version == services.needs.get(pair["merge"]).version
    # and it can be merged again with the versions the undo left (a redo)
    again = services.similar_needs.merge(pair["keep"], pair["merge"], versions.keep_version, versions.merge_version)
    assert pair["merge"] not in {need.id for need in services.needs.list()}
    services.similar_needs.unmerge(again)
    assert _state(services, pair) == before


def test_merge_revives_a_removed_link_of_the_kept_need(services: Services, pair: dict[str, uuid.UUID]) -> None:
    services.needs.unlink(pair["keep"], pair["police"])  # a tombstoned (need, organisation) row stays
    before = _state(services, pair)
    merged = services.similar_needs.merge(pair["keep"], pair["merge"], None, None)
    links = {link.organisation_id: link.role for link in services.needs.get(pair["keep"]).links}
    assert links[pair["police"]] == NeedRole.LEAD
    services.similar_needs.unmerge(merged)
    assert _state(services, pair) == before


def test_merging_a_need_with_itself_is_refused(services: Services, pair: dict[str, uuid.UUID]) -> None:
    with pytest.raises(ValidationError, match="cannot be merged with itself"):
        services.similar_needs.merge(pair["keep"], pair["keep"], None, None)


def test_merging_a_deleted_need_is_refused(services: Services, pair: dict[str, uuid.UUID]) -> None:
    services.needs.delete([pair["merge"]])
    with pytest.raises(ValidationError, match="“Tackle anti-social behaviour” has been deleted"):
        services.similar_needs.merge(pair["keep"], pair["merge"], None, None)


def test_merging_a_need_changed_since_is_refused(
    services: Services, pair: dict[str, uuid.UUID], workspace_path: Path
) -> None:
    keep = services.needs.get(pair["keep"])
    merge = services.needs.get(pair["merge"])
    services.needs.update(merge.id, merge.as_draft(), merge.version)  # unchanged: no new version
    services.needs.link(merge.id, pair["council"])  # a new link is a change of the need
    log_before = _change_rows(workspace_path)
    with pytest.raises(StaleRecordError, match="changed by someone else"):
        services.similar_needs.merge(keep.id, merge.id, keep.version, merge.version)
    assert _change_rows(workspace_path) == log_before
    assert merge.id in {need.id for need in services.needs.list()}


def test_undo_is_refused_once_the_kept_need_changed(services: Services, pair: dict[str, uuid.UUID]) -> None:
    merged = services.similar_needs.merge(pair["keep"], pair["merge"], None, None)
    kept = services.needs.get(pair["keep"])
    services.needs.update(kept.id, NeedDraft(**{**kept.as_draft().__dict__, "area": "Northbrook"}), kept.version)
    with pytest.raises(StaleRecordError, match="changed after the merge"):
        services.similar_needs.unmerge(merged)
