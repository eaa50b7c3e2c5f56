"""What the needs matrix shows in its cells and headings, and in which colours — no Qt here, so the wording and
the colour rule are tested without a window."""

from __future__ import annotations

from locality.domain.text import noun_for
from locality.domain.vocabulary import NeedRole, Priority
from locality.services.needs_map import SEVERITY_FIGURE, CellLink, MatrixNeed, MatrixOrganisation, MatrixSort

# The columns before the organisations': frozen, so that they stay in view while scrolling across.
NEED_COLUMN, SHARED_COLUMN, ACTIONS_COLUMN = range(3)
FIXED_COLUMNS = 3
FIXED_TITLES = ("Need", "Shared by", "Actions")
FIXED_WIDTHS = (300, 90, 84)
ORGANISATION_WIDTH = 66

# Colour by role, shade by severity: (not set, 1 low, 2 medium, 3 high). The darkest shades take white text, at
# 4.5:1 contrast or more (the orange was #e65100, 3.8:1).
ROLE_SHADES: dict[NeedRole, tuple[str, str, str, str]] = {
    NeedRole.LEAD: ("#e3f2fd", "#bbdefb", "#64b5f6", "#1565c0"),
    NeedRole.RAISED_BY: ("#fff3e0", "#ffe0b2", "#ffb74d", "#bf360c"),
    NeedRole.SHARES: ("#e8f5e9", "#c8e6c9", "#81c784", "#2e7d32"),
}
SHARED_TINT = "#e0f2f1"
#: Text on the tint: dark whatever the palette (white text on it was unreadable in high contrast).
SHARED_TEXT = "#102027"
NO_ACTION_BACKGROUND = "#ffcdd2"
NO_ACTION_TEXT = "#b71c1c"
SORT_CHOICES = (
    ("Sort: most shared first", MatrixSort.ORGANISATIONS),
    ("Sort: by theme", MatrixSort.THEME),
    ("Sort: by priority", MatrixSort.PRIORITY),
)
SEVERITY_WORDS = {None: "not set", Priority.LOW: "1 (low)", Priority.MEDIUM: "2 (medium)", Priority.HIGH: "3 (high)"}


def shade_index(link: CellLink) -> int:
    return SEVERITY_FIGURE.get(link.severity, 0) if link.severity is not None else 0


def cell_colours(link: CellLink) -> tuple[str, str]:
    """(background, text) colours of a linked cell."""
    index = shade_index(link)
    return ROLE_SHADES[link.role][index], ("#ffffff" if index == 3 else "#102027")


def need_tooltip(need: MatrixNeed) -> str:
    """What a need's title cell and row heading say when hovered."""
    shared = (
        f"Shared by {need.organisation_count} organisations"
        if need.is_shared
        else ("Linked to 1 organisation" if need.organisation_count == 1 else "Linked to no organisation")
    )
    actions = (
        "No action addresses it yet"
        if not need.has_action
        else f"{need.action_count} {noun_for(need.action_count, 'action')} address it"
    )
    details = [
        need.title,
        f"Theme: {need.theme_full_name or '(none)'}",
        f"Status: {need.status.value}; priority: {need.priority.value if need.priority else 'not set'}",
    ]
    if need.area:
        details.append(f"Area: {need.area}")
    details += [shared, actions, "Double-click the title to open the need."]
    return "\n".join(details)


def link_tooltip(organisation: MatrixOrganisation, need: MatrixNeed, link: CellLink | None) -> str:
    """What an organisation's cell says when hovered: its link to the need, and what a click does."""
    if link is None:
        return (
            f"{organisation.name} is not linked to “{need.title}”.\n"
            "Click to link it (shares); right-click to choose a role and severity."
        )
    return (
        f"{organisation.name}: {link.role.value}, severity {SEVERITY_WORDS[link.severity]}\n"
        f"“{need.title}”\nClick to remove the link (Edit › Undo brings it back); right-click to change it."
    )


FIXED_TOOLTIPS = (
    "The improvement need (double-click to open it)",
    "How many organisations share the need (shared needs, 2 or more, are in bold)",
    "How many actions address the need; “No action” marks a gap",
)
