"""The kinds of record, named once: what edits log, what change notifications carry and what pages watch.

Each member's value is its table's name, so the change log's ``entity`` column reads as it always has. The store
maps each to its model (``store.models.MODEL_OF``); a test holds the two in step.
"""

from __future__ import annotations

from enum import StrEnum

from locality.domain.errors import ValidationError


class Entity(StrEnum):
    WORKSPACE_META = "workspace_meta"
    VOCABULARY_TERM = "vocabulary_term"
    THEME = "theme"
    FUNDING_SOURCE = "funding_source"
    ORGANISATION = "organisation"
    NEED = "need"
    NEED_ORGANISATION = "need_organisation"
    ACTION = "action"
    ACTION_PARTNER = "action_partner"
    ACTION_NEED = "action_need"
    MILESTONE = "milestone"
    PROGRESS_UPDATE = "progress_update"
    INDICATOR = "indicator"
    MEASUREMENT = "measurement"
    FUNDING_ALLOCATION = "funding_allocation"
    SPEND = "spend"
    WORKSHOP = "workshop"
    WORKSHOP_PARTICIPANT = "workshop_participant"
    WORKSHOP_VOTE = "workshop_vote"
    WORKSHOP_NOTE = "workshop_note"
    WORKSHOP_ACTION = "workshop_action"
    SUPPORT_PROVIDER = "support_provider"
    SUPPORT_OFFER = "support_offer"
    SUPPORT_OFFER_THEME = "support_offer_theme"
    BOARD_SNAPSHOT = "board_snapshot"
    BOARD_SNAPSHOT_ITEM = "board_snapshot_item"

    @classmethod
    def parse(cls, text: str, field: str = "entity") -> Entity:
        """The entity named by ``text`` (a table name, as the change log stores it), for names that come in
        from outside; an unknown name is refused with the list of known ones."""
        try:
            return cls(text)
        except ValueError:
            known = ", ".join(member.value for member in cls)
            raise ValidationError({field: f'"{text}" is not a kind of record here; use one of: {known}'}) from None
