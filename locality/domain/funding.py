"""Choosing a funding source where "spend charged to no source" is a choice of its own.

A filter or a chart category needs three kinds of value: any source (None), one source (its id), and spend
charged to no funding source at all. The last is ``NO_FUNDING_SOURCE``, a value of its own type, so that it can
never be mistaken for a source's id or for "any".
"""

from __future__ import annotations

import enum
import uuid
from typing import Final, Literal, TypeAlias


class NoFundingSource(enum.Enum):
    NO_FUNDING_SOURCE = "spend charged to no funding source"


NO_FUNDING_SOURCE: Final = NoFundingSource.NO_FUNDING_SOURCE

#: One funding source's id, or spend charged to no source.
FundingSourceChoice: TypeAlias = uuid.UUID | Literal[NoFundingSource.NO_FUNDING_SOURCE]


def source_id_of(choice: FundingSourceChoice) -> uuid.UUID | None:
    """The id the services take: the source's own, or None for spend charged to no source."""
    return None if choice is NO_FUNDING_SOURCE else choice


def choice_of(source_id: uuid.UUID | None) -> FundingSourceChoice:
    """The choice for a source id as the services give it (None: spend charged to no source)."""
    return NO_FUNDING_SOURCE if source_id is None else source_id
