"""The needs matrix's wording and colour rule, without a window."""

from __future__ import annotations

import uuid

from locality.domain.vocabulary import NeedRole, NeedStatus, Priority
from locality.services.needs_map import CellLink, MatrixNeed, MatrixOrganisation
from locality.ui.needs_map.matrix_cells import ROLE_SHADES, cell_colours, link_tooltip, need_tooltip


def test_a_cell_is_coloured_by_role_and_darker_for_more_severe() -> None:
    assert cell_colours(CellLink(NeedRole.LEAD, None)) == (ROLE_SHADES[NeedRole.LEAD][0], "#102027")
    assert cell_colours(CellLink(NeedRole.SHARES, Priority.MEDIUM))[0] == ROLE_SHADES[NeedRole.SHARES][2]
    # The darkest shade takes white text, so that it still reads.
    assert cell_colours(CellLink(NeedRole.RAISED_BY, Priority.HIGH)) == (ROLE_SHADES[NeedRole.RAISED_BY][3], "#ffffff")


def _need(organisations: int, actions: int, area: str = "") -> MatrixNeed:
    return MatrixNeed(
        uuid.uuid4(), "Joint commissioning", None, "", "", NeedStatus.AGREED, None, area, actions, organisations
    )


def test_a_need_says_who_shares_it_and_what_addresses_it() -> None:
    shared = need_tooltip(_need(3, 0, area="North"))
    assert shared.splitlines() == [
        "Joint commissioning",
        "Theme: (none)",
        "Status: Agreed; priority: not set",
        "Area: North",
        "Shared by 3 organisations",
        "No action addresses it yet",
        "Double-click the title to open the need.",
    ]
    alone = need_tooltip(_need(1, 1)).splitlines()
    assert "Linked to 1 organisation" in alone and "1 action address it" in alone
    assert "Linked to no organisation" in need_tooltip(_need(0, 2))


def test_a_cell_says_what_a_click_does() -> None:
    organisation = MatrixOrganisation(uuid.uuid4(), "Kent Police", "", True)
    need = _need(1, 0)
    assert link_tooltip(organisation, need, None).startswith("Kent Police is not linked to “Joint commissioning”.")
    linked = link_tooltip(organisation, need, CellLink(NeedRole.LEAD, Priority.HIGH))
    assert linked.startswith("Kent Police: Lead, severity 3 (high)\n") and "Click to remove the link" in linked
