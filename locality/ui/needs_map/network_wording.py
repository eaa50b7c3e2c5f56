"""What the network tab says: a line's description, why there is no picture, and the status line over it. No Qt
here, so the wording is tested without a window."""

from __future__ import annotations

from locality.domain.text import plural
from locality.services.network import Network, NetworkLink

#: The most lines drawn at once (the strongest); beyond this the picture is a hairball and drawing it would
#: hold up the window for seconds on a large partnership.
MOST_LINKS_DRAWN = 1500


def link_description(network: Network, link: NetworkLink) -> str:
    """ "Westshire Police – Westshire Fire: 5 shared needs, 3 shared actions"."""
    one = network.organisation(link.source_id)
    other = network.organisation(link.target_id)
    names = f"{one.name if one else '?'} – {other.name if other else '?'}"
    return f"{names}: {plural(link.shared_needs, 'shared need')}, {plural(link.shared_actions, 'shared action')}"


def drawn_links(network: Network) -> tuple[NetworkLink, ...]:
    """The links drawn: all of them, or the ``MOST_LINKS_DRAWN`` strongest."""
    if len(network.links) <= MOST_LINKS_DRAWN:
        return network.links
    return tuple(sorted(network.links, key=lambda link: -link.weight)[:MOST_LINKS_DRAWN])


def line_width(link: NetworkLink, strongest: int) -> float:
    """A line's width: 1 for the weakest, up to 8 for the strongest link."""
    return 1.0 + 7.0 * link.weight / (strongest or 1)


def empty_text(everyone: Network) -> str:
    """Why there is no picture, and what to do about it."""
    if everyone.total_organisations < 2:
        return (
            "The network shows which organisations share needs and actions. It needs at least two "
            "organisations: add them on the Organisations page, then link them to the same needs or make one "
            "a partner in another's action."
        )
    if len(everyone.organisations) < 2:
        return (
            "Fewer than two organisations are of the type and sector chosen. Choose “All types” or “All "
            "sectors” above to see more of the partnership."
        )
    if everyone.total_links == 0:
        return (
            f"None of these {len(everyone.organisations):,} organisations shares a need or an action yet. Link "
            "two of them to the same need, or add a partner to an action, and the line between them appears "
            "here; untick “Hide unlinked” to see the organisations anyway."
        )
    return (
        f"No two of these organisations share {everyone.minimum_weight:,} or more needs and actions (the most "
        f"any two share is {everyone.strongest_weight:,}). Lower “Minimum shared”, or untick “Hide unlinked” "
        "to see the organisations anyway."
    )


def status_text(network: Network, everyone: Network, drawn: int) -> str:
    """The line above the picture: what is shown, what is hidden and why; ``drawn`` is how many links are drawn."""
    if len(network.organisations) < 2:
        return "Nothing to draw; the box below says why."
    shown = len(network.links)
    text = plural(len(network.organisations), "organisation")
    hidden_organisations = len(everyone.organisations) - len(network.organisations)
    if hidden_organisations:
        text += f" ({hidden_organisations:,} without links hidden)"
    if network.total_links == 0:
        return (
            f"{text}, none sharing a need or an action yet: link two organisations to the same need, or add a "
            "partner to an action, and the line between them appears here."
        )
    if shown == 0:
        return (
            f"{text}. No two share {network.minimum_weight:,} or more needs and actions, so the "
            f"{plural(network.total_links, 'link')} are hidden: lower “Minimum shared” to see them."
        )
    text += (
        f", {plural(shown, 'link')} of at least "
        f"{plural(network.minimum_weight, 'shared need or action', 'shared needs and actions')}"
    )
    if shown > drawn:
        text += f"; only the {drawn:,} strongest are drawn, so raise “Minimum shared” to see them all"
    hidden = network.total_links - shown
    if hidden:
        text += f" ({plural(hidden, 'weaker link')} hidden: lower “Minimum shared” to see them)"
    return text + ". Click an organisation to see its partners, needs and actions."
