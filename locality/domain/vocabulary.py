"""The fixed enumerations and the vocabulary seeded into every new workspace.

The enumerations (priority, statuses, RAG, roles) are part of the rules and cannot be extended. The seeded
vocabulary (themes, action types, providers...) comes from the LGA's 2007 paper "Towards a national improvement
strategy"; users can add terms of their own in the app.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TypeVar

from locality.domain.values import strip_invisible

E = TypeVar("E", bound=StrEnum)


class Priority(StrEnum):
    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


class NeedStatus(StrEnum):
    IDENTIFIED = "Identified"
    AGREED = "Agreed"
    BEING_ADDRESSED = "Being addressed"
    MET = "Met"
    CLOSED = "Closed"


#: Needs still to be acted on: a met or closed need is no gap, whether or not an action addressed it.
OPEN_NEED_STATUSES = frozenset({NeedStatus.IDENTIFIED, NeedStatus.AGREED, NeedStatus.BEING_ADDRESSED})


class ActionStatus(StrEnum):
    PROPOSED = "Proposed"
    PLANNED = "Planned"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    ON_HOLD = "On hold"
    CANCELLED = "Cancelled"


#: Actions whose work is over: nothing about them is overdue any more.
CLOSED_ACTION_STATUSES = frozenset({ActionStatus.COMPLETED, ActionStatus.CANCELLED})


class Rag(StrEnum):
    RED = "Red"
    AMBER = "Amber"
    GREEN = "Green"


class NeedRole(StrEnum):
    """How an organisation is linked to a need."""

    RAISED_BY = "Raised by"
    SHARES = "Shares"
    LEAD = "Lead"


class Direction(StrEnum):
    """Which way an indicator should move."""

    HIGHER_IS_BETTER = "Higher is better"
    LOWER_IS_BETTER = "Lower is better"


class TargetKind(StrEnum):
    """Whether an indicator's target is met by one period's value or by the running total."""

    PERIODIC = "Periodic"
    CUMULATIVE = "Cumulative"


def parse_enum(enum_type: type[E], text: str) -> E:
    """Match ``text`` to a member of ``enum_type`` ignoring case, spaces, underscores and hyphens."""
    wanted = normalise_name(text)
    for member in enum_type:
        if normalise_name(member.value) == wanted or normalise_name(member.name) == wanted:
            return member
    allowed = ", ".join(member.value for member in enum_type)
    raise ValueError(f'"{text.strip()}" is not one of: {allowed}')


def choice(
    enum_type: type[E], value: object, field_name: str, label: str, errors: dict[str, str], *, optional: bool
) -> E | None:
    """``value`` as a member of ``enum_type`` (text is matched leniently); an error sentence otherwise."""
    if value is None and optional:
        return None
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        try:
            return parse_enum(enum_type, value)
        except ValueError:
            pass
    allowed = ", ".join(member.value for member in enum_type)
    errors[field_name] = f"Choose a {label} from the list: {allowed}"
    return None


def optional_enum(enum_type: type[E], value: str | None) -> E | None:
    """A stored value (or None) as its enum member."""
    return None if value is None else enum_type(value)


def normalise_name(text: str) -> str:
    """The form in which names are compared: case, surrounding or repeated spaces, and the invisible characters
    that saving strips from either end (zero-width spaces, byte-order marks) ignored."""
    return " ".join(strip_invisible(text).split()).casefold()


class VocabularyKind(StrEnum):
    """The user-extendable lists of terms; themes and funding sources have tables of their own."""

    ACTION_TYPE = "action_type"
    PROVIDER = "provider"
    DELIVERY_LEVEL = "delivery_level"
    NEED_SOURCE = "need_source"
    ORGANISATION_TYPE = "organisation_type"
    SECTOR = "sector"
    SUPPORT_TYPE = "support_type"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def a_label(self) -> str:
        """The label with its article: "an action type", "a sector"."""
        return with_article(self.label)


def with_article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


_KIND_LABELS = {
    VocabularyKind.ACTION_TYPE: "action type",
    VocabularyKind.PROVIDER: "support provider",
    VocabularyKind.DELIVERY_LEVEL: "delivery level",
    VocabularyKind.NEED_SOURCE: "need source",
    VocabularyKind.ORGANISATION_TYPE: "organisation type",
    VocabularyKind.SECTOR: "sector",
    VocabularyKind.SUPPORT_TYPE: "support type",
}

SERVICE_IMPROVEMENT = "Service improvement"

# (theme, colour, service areas beneath it)
SEEDED_THEMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Leadership and governance", "#1f77b4", ()),
    ("Partnership working, community leadership and place shaping", "#2ca02c", ()),
    ("Community engagement", "#9467bd", ()),
    ("Corporate effectiveness and efficiencies", "#8c564b", ()),
    (
        SERVICE_IMPROVEMENT,
        "#d62728",
        (
            "Children's services",
            "Adult social care",
            "Community safety",
            "Health",
            "Housing",
            "Environment",
            "Economic development",
        ),
    ),
    ("Cross-cutting challenges", "#ff7f0e", ()),
)

SEEDED_VOCABULARY: dict[VocabularyKind, tuple[str, ...]] = {
    VocabularyKind.DELIVERY_LEVEL: ("Local", "Sub-regional", "Regional", "National"),
    VocabularyKind.PROVIDER: (
        "IDeA",
        "Regional improvement partnership",
        "Regional centre of excellence",
        "Audit Commission",
        "LGA",
        "Peer councils",
        "In-house",
        "Other",
        "Voluntary sector infrastructure body",
        "Commercial",
    ),
    VocabularyKind.ACTION_TYPE: (
        "Peer challenge or review",
        "Leadership development",
        "Member development / scrutiny skills",
        "Training and skills",
        "Shared service",
        "Joint commissioning",
        "Secondment or mentoring",
        "Consultancy or advice",
        "Community engagement event",
        "Toolkit or good-practice sharing",
    ),
    VocabularyKind.NEED_SOURCE: (
        "Self-assessment",
        "Peer challenge",
        "Inspection / CPA",
        "Citizen or customer survey",
        "Workshop",
        "Other",
    ),
    VocabularyKind.ORGANISATION_TYPE: (
        "County council",
        "District council",
        "Unitary council",
        "Police",
        "Fire and rescue",
        "Health",
        "Housing",
        "Voluntary and community",
        "Business",
        "Education",
        "Other",
    ),
    VocabularyKind.SECTOR: ("Public", "Third sector", "Private"),
    VocabularyKind.SUPPORT_TYPE: (
        "Peer challenge",
        "Mentoring",
        "Training",
        "Consultancy",
        "Funding",
        "Shared service design",
    ),
}

SEEDED_FUNDING_SOURCES: tuple[str, ...] = (
    "Capacity-building fund",
    "RSG top-slice",
    "Pump-priming grant",
    "Performance reward grant",
    "Partner contribution",
    "Other",
)

# Seeded terms get the same UUID in every workspace, so that two workspaces created apart still agree on them
# when merged (records are matched by UUID, never by name).
_SEED_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4f8e-9a53-1c0a2b7d4e10")


def seeded_id(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(_SEED_NAMESPACE, f"{kind}:{normalise_name(name)}")
