"""The partnership network: organisations linked by the live needs and live actions they share.

Two organisations are linked when both are linked to the same live need, or both are involved (as lead or as
partner) in the same live action; a link's weight is shared needs plus shared actions, both parts kept so that
the picture can say which is which. Positions for drawing come from networkx's spring layout with a fixed seed,
so the same data always gives the same picture.
"""

from __future__ import annotations

import itertools
import math
import uuid
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace

from locality.domain.entities import Entity
from locality.domain.errors import ValidationError
from locality.domain.vocabulary import ActionStatus, NeedStatus
from locality.services import records
from locality.services.context import ServiceContext
from locality.services.vocabulary import term_names
from locality.store import network_queries
from locality.store.models import OrganisationRecord

#: Entities whose change changes the network.
WATCHED_ENTITIES = frozenset(
    {
        Entity.ORGANISATION,
        Entity.NEED,
        Entity.NEED_ORGANISATION,
        Entity.ACTION,
        Entity.ACTION_PARTNER,
        Entity.VOCABULARY_TERM,
    }
)

#: The seed of the layout: the same network is always drawn the same way.
LAYOUT_SEED = 20080601


@dataclass(frozen=True)
class NetworkOrganisation:
    id: uuid.UUID
    name: str
    short_name: str
    type_id: uuid.UUID | None
    type_name: str
    sector_id: uuid.UUID | None
    sector_name: str
    needs_count: int
    actions_count: int

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def size(self) -> int:
        """Needs plus actions: how much the organisation is involved in."""
        return self.needs_count + self.actions_count


@dataclass(frozen=True)
class NetworkLink:
    """Two organisations and what they share; ``source_id`` is the one with the smaller id."""

    source_id: uuid.UUID
    target_id: uuid.UUID
    shared_needs: int
    shared_actions: int

    @property
    def weight(self) -> int:
        return self.shared_needs + self.shared_actions

    def other(self, organisation_id: uuid.UUID) -> uuid.UUID:
        return self.target_id if organisation_id == self.source_id else self.source_id

    def touches(self, organisation_id: uuid.UUID) -> bool:
        return organisation_id in (self.source_id, self.target_id)


@dataclass(frozen=True)
class Network:
    """The organisations kept by the filters (A to Z) and the links between them at or above the minimum."""

    organisations: tuple[NetworkOrganisation, ...]
    links: tuple[NetworkLink, ...]
    minimum_weight: int = 1
    #: Live organisations in the workspace, before the type and sector filters.
    total_organisations: int = 0
    #: Links among the kept organisations before the minimum weight was applied, and the heaviest of them.
    total_links: int = 0
    strongest_weight: int = 0

    def organisation(self, organisation_id: uuid.UUID) -> NetworkOrganisation | None:
        for organisation in self.organisations:
            if organisation.id == organisation_id:
                return organisation
        return None

    def links_of(self, organisation_id: uuid.UUID) -> tuple[NetworkLink, ...]:
        return tuple(link for link in self.links if link.touches(organisation_id))

    def neighbours(self, organisation_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(link.other(organisation_id) for link in self.links_of(organisation_id))

    @property
    def max_weight(self) -> int:
        return max((link.weight for link in self.links), default=0)


@dataclass(frozen=True)
class InvolvedNeed:
    id: uuid.UUID
    title: str
    status: NeedStatus
    role: str


@dataclass(frozen=True)
class InvolvedAction:
    id: uuid.UUID
    title: str
    status: ActionStatus
    role: str  # "Lead" or "Partner"


@dataclass(frozen=True)
class OrganisationDetail:
    organisation: NetworkOrganisation
    needs: tuple[InvolvedNeed, ...]
    actions: tuple[InvolvedAction, ...]


Positions = dict[uuid.UUID, tuple[float, float]]


def _count(memberships: list[tuple[str, str]]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """From (organisation key, item key) rows: items per organisation, and items shared per pair of
    organisations (the smaller key first). A repeated row (an organisation leading and partnering in one action)
    counts once. Keys stay plain text here: hashing and comparing UUID objects would cost ten times as much."""
    members: dict[str, set[str]] = {}
    for organisation_key, item_key in memberships:
        members.setdefault(item_key, set()).add(organisation_key)
    per_organisation: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for organisations in members.values():
        per_organisation.update(organisations)
        if len(organisations) > 1:
            pairs.update(itertools.combinations(sorted(organisations), 2))
    return per_organisation, pairs


def picture_scale(count: int) -> float:
    """How many drawing units one layout unit spans in the picture of ``count`` organisations: more organisations,
    a larger picture."""
    return 250.0 + 30.0 * math.sqrt(count)


def node_radius(network: Network, organisation: NetworkOrganisation) -> float:
    """The radius of an organisation's circle in drawing units: 7 to 30, by how much it is involved in."""
    biggest = max((o.size for o in network.organisations), default=0) or 1
    return 7.0 + 23.0 * math.sqrt(organisation.size / biggest)


#: Room kept between two circles, in drawing units, for the name written under each.
LABEL_ROOM = 16.0


def layout(network: Network, *, seed: int = LAYOUT_SEED) -> Positions:
    """Positions in layout units (about -1..1; multiply by ``picture_scale``) for each organisation: a spring
    layout with the links' weights pulling partners together, then circles pushed apart until none overlaps
    another (with room for its name), so the busiest partners do not end in one unreadable knot."""
    import networkx as nx  # here, not at the top: importing it takes ~0.2 s that starting the app need not pay

    graph: nx.Graph = nx.Graph()
    for organisation in network.organisations:
        graph.add_node(organisation.id)
    strongest = math.sqrt(network.max_weight or 1)
    for link in network.links:
        # Square roots, so that a few very strong partnerships do not outweigh everything else.
        graph.add_edge(link.source_id, link.target_id, weight=math.sqrt(link.weight) / strongest)
    count = graph.number_of_nodes()
    if count == 0:
        return {}
    if count == 1:
        return {network.organisations[0].id: (0.0, 0.0)}
    spread = 3.0 / math.sqrt(count)  # three times networkx's default distance, to leave room for labels
    placed = nx.spring_layout(graph, k=spread, weight="weight", seed=seed, iterations=80)
    scale = picture_scale(count)
    ids = [organisation.id for organisation in network.organisations]
    radii = [(node_radius(network, organisation) + LABEL_ROOM / 2) / scale for organisation in network.organisations]
    points = _pushed_apart([(float(placed[i][0]), float(placed[i][1])) for i in ids], radii, seed)
    return dict(zip(ids, points, strict=True))


def _pushed_apart(
    points: list[tuple[float, float]], radii: list[float], seed: int, rounds: int = 200
) -> list[tuple[float, float]]:
    """Moves overlapping circles apart along the line between their centres, half each, until none overlaps
    (or ``rounds`` passes): the spring layout's shape is kept, only its knots loosened."""
    import numpy as np

    position = np.array(points, dtype=float)
    # Circles on exactly the same spot have no line between them: a tiny fixed nudge gives them one.
    position += np.random.default_rng(seed).normal(scale=1e-6, size=position.shape)
    radius = np.array(radii, dtype=float)
    wanted = radius[:, None] + radius[None, :]
    np.fill_diagonal(wanted, 0.0)
    for _ in range(rounds):
        offset = position[:, None, :] - position[None, :, :]
        distance = np.hypot(offset[..., 0], offset[..., 1])
        np.fill_diagonal(distance, np.inf)
        overlap = np.clip(wanted - distance, 0.0, None)
        if not overlap.any():
            break
        push = (overlap / (2.0 * distance))[..., None] * offset
        position += push.sum(axis=1)
    return [(float(x), float(y)) for x, y in position]


def with_minimum(network: Network, minimum_weight: int) -> Network:
    """The same network with only the links of at least ``minimum_weight`` (never lower than it already was)."""
    minimum = max(minimum_weight, network.minimum_weight)
    return replace(
        network,
        links=tuple(link for link in network.links if link.weight >= minimum),
        minimum_weight=minimum,
    )


def linked_only(network: Network) -> Network:
    """The same network without the organisations that no remaining link touches."""
    linked = {link.source_id for link in network.links} | {link.target_id for link in network.links}
    return replace(network, organisations=tuple(o for o in network.organisations if o.id in linked))


def suggested_minimum(network: Network, *, most_links: int = 300) -> int:
    """The smallest minimum weight that leaves at most ``most_links`` links: a readable starting point on a
    large partnership, where every organisation shares something with nearly every other."""
    weights = sorted((link.weight for link in network.links), reverse=True)
    if len(weights) <= most_links:
        return max(1, network.minimum_weight)
    # Keep the links strictly heavier than the one that would be the (most_links + 1)th.
    return max(network.minimum_weight, weights[most_links] + 1)


class NetworkService:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def network(
        self,
        *,
        minimum_weight: int = 1,
        type_ids: Collection[uuid.UUID] | None = None,
        sector_ids: Collection[uuid.UUID] | None = None,
    ) -> Network:
        """Live organisations (of the given types and sectors, when given) and the links between them that share
        at least ``minimum_weight`` live needs and actions together."""
        if minimum_weight < 1:
            raise ValidationError({"minimum_weight": "The minimum shared must be 1 or more"})
        with self._context.read() as unit:
            names = term_names(unit)
            rows = network_queries.organisations(unit)
            needs, need_pairs = _count(network_queries.need_memberships(unit))
            actions, action_pairs = _count(network_queries.action_memberships(unit))
        ids = {key: uuid.UUID(key) for key in set(needs) | set(actions)}
        keys = {organisation_id: key for key, organisation_id in ids.items()}
        wanted_types = frozenset(type_ids) if type_ids is not None else None
        wanted_sectors = frozenset(sector_ids) if sector_ids is not None else None
        organisations = tuple(
            NetworkOrganisation(
                id=row.id,
                name=row.name,
                short_name=row.short_name,
                type_id=row.type_id,
                type_name=names.get(row.type_id, "") if row.type_id else "",
                sector_id=row.sector_id,
                sector_name=names.get(row.sector_id, "") if row.sector_id else "",
                needs_count=needs.get(keys.get(row.id, ""), 0),
                actions_count=actions.get(keys.get(row.id, ""), 0),
            )
            for row in rows
            if (wanted_types is None or row.type_id in wanted_types)
            and (wanted_sectors is None or row.sector_id in wanted_sectors)
        )
        kept = {keys[organisation.id] for organisation in organisations if organisation.id in keys}
        links: list[NetworkLink] = []
        total = strongest = 0
        for pair in sorted(need_pairs.keys() | action_pairs.keys()):
            if pair[0] not in kept or pair[1] not in kept:
                continue
            total += 1
            shared_needs, shared_actions = need_pairs.get(pair, 0), action_pairs.get(pair, 0)
            strongest = max(strongest, shared_needs + shared_actions)
            if shared_needs + shared_actions >= minimum_weight:
                links.append(NetworkLink(ids[pair[0]], ids[pair[1]], shared_needs, shared_actions))
        return Network(
            organisations=organisations,
            links=tuple(links),
            minimum_weight=minimum_weight,
            total_organisations=len(rows),
            total_links=total,
            strongest_weight=strongest,
        )

    def organisation_detail(self, organisation_id: uuid.UUID) -> OrganisationDetail:
        """One organisation's live needs and the live actions it leads or partners in, by title."""
        with self._context.read() as unit:
            record = records.require(unit, OrganisationRecord, organisation_id, "organisation")
            names = term_names(unit)
            needs = network_queries.organisation_needs(unit, organisation_id)
            actions = network_queries.organisation_actions(unit, organisation_id)
            organisation = NetworkOrganisation(
                id=record.id,
                name=record.name,
                short_name=record.short_name,
                type_id=record.type_id,
                type_name=names.get(record.type_id, "") if record.type_id else "",
                sector_id=record.sector_id,
                sector_name=names.get(record.sector_id, "") if record.sector_id else "",
                needs_count=len(needs),
                actions_count=len(actions),
            )
        return OrganisationDetail(
            organisation=organisation,
            needs=tuple(InvolvedNeed(row.id, row.title, NeedStatus(row.status), row.role) for row in needs),
            actions=tuple(InvolvedAction(row.id, row.title, ActionStatus(row.status), row.role) for row in actions),
        )

    @staticmethod
    def layout(network: Network, *, seed: int = LAYOUT_SEED) -> Positions:
        return layout(network, seed=seed)

    @staticmethod
    def suggested_minimum(network: Network, *, most_links: int = 300) -> int:
        return suggested_minimum(network, most_links=most_links)


__all__ = [
    "WATCHED_ENTITIES",
    "InvolvedAction",
    "InvolvedNeed",
    "Network",
    "NetworkLink",
    "NetworkOrganisation",
    "NetworkService",
    "OrganisationDetail",
    "Positions",
    "layout",
    "linked_only",
    "suggested_minimum",
    "with_minimum",
]
