"""The network tab's words and which lines it draws, without a window."""

from __future__ import annotations

import uuid

from locality.services.network import Network, NetworkLink, NetworkOrganisation
from locality.ui.needs_map import network_wording
from locality.ui.needs_map.network_wording import drawn_links, empty_text, line_width, link_description, status_text


def _organisation(name: str) -> NetworkOrganisation:
    return NetworkOrganisation(uuid.uuid4(), name, "", None, "", None, "", 1, 1)


POLICE, FIRE, HEALTH = (
    _organisation("Westshire Police"),
    _organisation("Westshire Fire"),
    _organisation("NHS Westshire"),
)


def test_a_line_names_both_ends_and_what_they_share() -> None:
    link = NetworkLink(POLICE.id, FIRE.id, 5, 1)
    network = Network((POLICE, FIRE), (link,))
    assert link_description(network, link) == "Westshire Police – Westshire Fire: 5 shared needs, 1 shared action"
    assert line_width(link, 6) == 8.0 and line_width(NetworkLink(POLICE.id, FIRE.id, 0, 0), 0) == 1.0


def test_only_the_strongest_lines_are_drawn_on_a_hairball(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    weak, strong = NetworkLink(POLICE.id, FIRE.id, 1, 0), NetworkLink(POLICE.id, HEALTH.id, 3, 0)
    network = Network((POLICE, FIRE, HEALTH), (weak, strong))
    assert drawn_links(network) == (weak, strong)
    monkeypatch.setattr(network_wording, "MOST_LINKS_DRAWN", 1)
    assert drawn_links(network) == (strong,)


def test_the_status_says_what_is_shown_and_hidden() -> None:
    strong = NetworkLink(POLICE.id, HEALTH.id, 2, 1)
    everyone = Network((POLICE, FIRE, HEALTH), (strong,), minimum_weight=2, total_links=3, strongest_weight=3)
    shown = Network((POLICE, HEALTH), (strong,), minimum_weight=2, total_links=3, strongest_weight=3)
    assert status_text(shown, everyone, drawn=1) == (
        "2 organisations (1 without links hidden), 1 link of at least 2 shared needs and actions "
        "(2 weaker links hidden: lower “Minimum shared” to see them). "
        "Click an organisation to see its partners, needs and actions."
    )
    assert status_text(Network((POLICE,), ()), everyone, drawn=0) == "Nothing to draw; the box below says why."


def test_an_empty_picture_says_why() -> None:
    assert empty_text(Network((POLICE,), (), total_organisations=1)).startswith("The network shows which")
    assert empty_text(Network((POLICE,), (), total_organisations=3)).startswith("Fewer than two organisations")
    unlinked = Network((POLICE, FIRE), (), total_organisations=2)
    assert empty_text(unlinked).startswith("None of these 2 organisations shares")
