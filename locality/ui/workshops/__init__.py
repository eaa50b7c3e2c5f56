"""The Workshops page: the list of workshops, and for one workshop the board a facilitator runs on a projector
(quick capture, sticky notes by theme, dot-voting, a live ranking, agreed actions, presentation mode)."""

from locality.ui.workshops.page import WorkshopsPage

__all__ = ["WorkshopsPage"]
