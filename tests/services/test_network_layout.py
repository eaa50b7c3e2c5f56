"""The partnership network's picture: circles never overlap, so every organisation can be seen and clicked."""

from __future__ import annotations

import itertools
import math
import uuid

from locality.services.network import Network, NetworkLink, NetworkOrganisation, layout, node_radius, picture_scale
from locality.services.registry import Services


def _overlapping(network: Network) -> list[tuple[str, str]]:
    positions = layout(network)
    scale = picture_scale(len(network.organisations))
    found = []
    for first, second in itertools.combinations(network.organisations, 2):
        (x1, y1), (x2, y2) = positions[first.id], positions[second.id]
        if math.hypot(x1 - x2, y1 - y2) * scale < node_radius(network, first) + node_radius(network, second):
            found.append((first.label, second.label))
    return found


def _knot(core: int = 16, edge: int = 14) -> Network:
    """A partnership as large ones are: a core of busy partners all working closely with one another (the spring
    layout pulls them into one knot), and smaller organisations linked to one of them."""
    organisations = tuple(
        NetworkOrganisation(uuid.uuid4(), f"Organisation {n}", f"O{n}", None, "", None, "", 60 if n < core else 5, 0)
        for n in range(core + edge)
    )
    links = [NetworkLink(a.id, b.id, 40, 20) for a, b in itertools.combinations(organisations[:core], 2)] + [
        NetworkLink(organisations[n % core].id, organisations[n].id, 1, 0) for n in range(core, core + edge)
    ]
    return Network(organisations, tuple(links), strongest_weight=60)


def test_a_tight_core_of_partners_is_spread_so_no_two_circles_overlap() -> None:
    network = _knot()
    assert _overlapping(network) == []
    assert layout(network) == layout(network)  # the same picture each time


def test_no_circles_overlap_on_the_demo(demo_services: Services) -> None:
    network = demo_services.network.network()
    assert len(network.organisations) == 12 and network.links
    assert _overlapping(network) == []


def test_busier_organisations_are_drawn_larger(demo_services: Services) -> None:
    network = demo_services.network.network()
    by_size = sorted(network.organisations, key=lambda organisation: organisation.size)
    smallest, largest = by_size[0], by_size[-1]
    assert node_radius(network, largest) == 30.0
    assert 7.0 <= node_radius(network, smallest) < node_radius(network, largest)
