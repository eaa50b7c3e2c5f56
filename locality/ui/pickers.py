"""The choices the pages' pickers offer, shared so that no page imports another for them: organisations by name,
and themes with their sub-themes indented under them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from locality.services.vocabulary import Theme
from locality.ui.env import UiEnv


def theme_choices(
    env: UiEnv, keep: uuid.UUID | None = None, *, in_use_only: bool = False
) -> list[tuple[str, uuid.UUID]]:
    """Themes with their sub-themes indented under them. ``in_use_only`` (a picker that files a record) leaves
    out the themes the partnership does not use, except ``keep``, the one the record is filed under already."""
    return [
        (("    " if theme.parent_id else "") + theme.name, theme.id)
        for theme in env.services.vocabulary.themes()
        if theme.active or not in_use_only or theme.id == keep
    ]


def theme_with_subthemes(themes: Sequence[Theme], theme_id: uuid.UUID) -> set[uuid.UUID]:
    """A theme and the themes under it: filtering on a theme finds the rows filed under its sub-themes too."""
    return {theme_id} | {theme.id for theme in themes if theme.parent_id == theme_id}


def organisation_choices(env: UiEnv) -> list[tuple[str, uuid.UUID]]:
    return [(name, organisation_id) for organisation_id, name in env.services.organisations.names()]
